"""Argon2 at a test's cost: the suite creates and checks about two passwords a test, and
Django's default Argon2 (about 125 ms of CPU each, kept in production) took most of its time.

The same algorithm and library with the smallest costs: every stored hash is a real Argon2
hash (`argon2$argon2id$...`), which production's hasher verifies, since it reads the costs
from the hash itself (and would rehash it at the first login, as `must_update` says)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
