"""Shared start-up for benchmarks: embedded services (unless URLs are given) and a fresh,
dedicated database that is dropped at the end."""

import atexit
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_with_fresh_database(name: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    from config import embedded

    started = embedded.start(ROOT / ".local" / "bench")
    os.environ.update(started)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    connection.settings_dict["TEST"]["NAME"] = f"bench_{name}"
    db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"})

    def teardown():
        connection.set_schema_to_public()
        teardown_databases(db_cfg, verbosity=0)
        embedded.stop(ROOT / ".local" / "bench", only=started)

    atexit.register(teardown)


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(function, runs: int) -> list[float]:
    """Milliseconds of `runs` calls."""
    import time

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples
