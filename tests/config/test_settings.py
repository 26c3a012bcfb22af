"""Settings read through one parser (django-environ): production refuses to start without each
required value, naming it, and the parser reads values as these settings always have."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.settings.base import Env

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["SECRET_KEY", "ERP_WIDGET_SECRET", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS"]


def _production(code: str, **values) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter on the production settings, with only `values` of the
    required variables set."""
    env = {name: value for name, value in os.environ.items()
           if name not in REQUIRED and not name.startswith(("DJANGO_", "SECURE_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **values)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def _all_required(**overrides) -> dict[str, str]:
    values = {"SECRET_KEY": "s" * 50, "ERP_WIDGET_SECRET": "w" * 32, "DATABASE_URL": "postgres://u:p@db:5432/portal",
              "REDIS_URL": "redis://redis:6379/0", "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def _last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("missing", REQUIRED)
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_production_does_not_start_without_each_required_variable(missing, value):
    # given every required variable but one (absent, or set to nothing)
    # when the production settings are imported
    result = _production("import config.settings.production", **_all_required(**{missing: value}))

    # then start-up stops, naming that variable
    assert result.returncode == 1
    assert _last_line(result) == (f"django.core.exceptions.ImproperlyConfigured: Set the {missing} environment "
                                  "variable: production does not start without it.")


def test_production_starts_with_every_required_variable_and_encrypts_with_the_configured_key():
    # given every required variable, FIELD_ENCRYPTION_KEYS with a new key first and an old one after
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    code = ("import django; django.setup()\n"
            "from django.conf import settings; from tenants import crypto\n"
            "print(' '.join(settings.FIELD_ENCRYPTION_KEYS)); print(crypto.encrypt('smtp-password'))")

    # when the production settings load and a secret is encrypted
    result = _production(code, **_all_required(FIELD_ENCRYPTION_KEYS=f"{new}, {old}"))

    # then the keys are the configured ones, and the first encrypts (nothing derived from SECRET_KEY)
    assert result.returncode == 0, result.stderr
    keys, token = result.stdout.splitlines()
    assert keys == f"{new} {old}"
    assert Fernet(new).decrypt(token.encode()) == b"smtp-password"


def test_a_malformed_field_encryption_key_stops_start_up_without_repeating_it():
    result = _production("import config.settings.production",
                         **_all_required(FIELD_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},not-a-key"))

    assert result.returncode == 1
    assert _last_line(result) == ("django.core.exceptions.ImproperlyConfigured: FIELD_ENCRYPTION_KEYS: key 2 is not "
                                  "a Fernet key (32 url-safe base64-encoded bytes)")
    assert "not-a-key" not in result.stderr


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), (" Yes ", True), ("ON", True),
    ("0", False), ("false", False), ("", False), ("2", False), ("ok", False), ("y", False),
])
def test_booleans_are_true_only_for_1_true_yes_and_on(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_TEST_FLAG", value)

    assert Env().bool("PORTAL_TEST_FLAG", False) is expected


def test_a_value_starting_with_a_dollar_sign_is_that_value_not_another_variable(monkeypatch):
    # A generated secret may start with "$"; django-environ alone would read the variable it names.
    monkeypatch.setenv("PORTAL_TEST_SECRET", "$HOME")

    assert Env().str("PORTAL_TEST_SECRET", "") == "$HOME"


def test_unset_values_take_their_defaults(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_UNSET", raising=False)
    env = Env()

    assert (env.str("PORTAL_TEST_UNSET", "x"), env.int("PORTAL_TEST_UNSET", 5), env.bool("PORTAL_TEST_UNSET", True),
            env.list("PORTAL_TEST_UNSET", default=[])) == ("x", 5, True, [])


def test_production_hashes_passwords_with_djangos_argon2_at_its_default_costs_and_reads_the_suites_hashes():
    # given a password hashed by the suite's cheaper Argon2 (config.settings.test)
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    suite_hash = make_password("secreto42")
    assert suite_hash.startswith("argon2$argon2id$")
    code = ("import django; django.setup()\n"
            "from django.contrib.auth.hashers import check_password, get_hasher, make_password\n"
            f"print(make_password('secreto42').split('$')[3]); print(check_password('secreto42', '{suite_hash}'))\n"
            f"print(get_hasher('default').must_update('{suite_hash}'))")

    # when production hashes a password and checks the suite's
    result = _production(code, **_all_required())

    # then its hash has Django's default costs, and it accepts the suite's hash, to rehash at the next login
    assert result.returncode == 0, result.stderr
    default = Argon2PasswordHasher
    costs = f"m={default.memory_cost},t={default.time_cost},p={default.parallelism}"
    assert result.stdout.split() == [costs, "True", "True"]
