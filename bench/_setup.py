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


def portals_from_template(start: int, count: int, processes: int = 2, *, domains: bool = False) -> list:
    """`count` active portals (slugs bench-<start>...) whose schemas are restored from the schema
    template (tenants.schema_template) by `processes` processes: real tables and
    `django_migrations` rows in about 0.2 s a schema. With `domains`, each answers at its host."""
    import multiprocessing

    from django.db import connections

    from tenants.models import Company, Domain, new_schema_name

    names = [new_schema_name() for _ in range(count)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        made = pool.map(_schema_from_template, names, chunksize=10)
    assert all(made), "no template capture: pg_dump missing?"
    companies = Company.objects.bulk_create(
        Company(schema_name=name, slug=f"bench-{start + index}", name=f"Bench {start + index}",
                status=Company.Status.ACTIVE) for index, name in enumerate(names))
    if domains:
        Domain.objects.bulk_create(Domain(domain=company.hostname, tenant=company, is_primary=True)
                                   for company in companies)
    return companies


def _schema_from_template(name: str) -> bool:
    from tenants.schema_template import schema_create

    return schema_create(name)


SYNTHETIC_APP = "bench_synthetic"
_CREATE = """from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.CreateModel("Note", [
        ("id", models.BigAutoField(primary_key=True)), ("text", models.TextField(default=""))])]
"""
_ADD_FIELD = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_synthetic", "{previous}")]
    operations = [migrations.AddField("note", "field_{number}", models.CharField(max_length=10, default="",
                                                                                db_index=True))]
"""


def synthetic_tenant_app(root: Path, *, migrations: int = 1, churn: bool = False) -> Path:
    """A tenant app in a temporary folder (never in the tree) with `migrations` migrations: a
    CreateModel, then AddField + index each (with `churn`, an AddField then its RemoveField in
    turn: a longer history, the same schema); and `bench_settings` (the test settings plus this
    app) in DJANGO_SETTINGS_MODULE. Returns the app's migrations folder."""
    folder = root / SYNTHETIC_APP / "migrations"
    folder.mkdir(parents=True)
    (root / SYNTHETIC_APP / "__init__.py").write_text("")
    (folder / "__init__.py").write_text("")
    (folder / "0001_initial.py").write_text(_CREATE)
    for number in range(2, migrations + 1):
        if churn and number % 2:
            synthetic_migration_remove(folder, number)
        else:
            synthetic_migration_add(folder, number)
    (root / "bench_settings.py").write_text(
        "from config.settings.test import *  # noqa: F403\n"
        f"TENANT_APPS = [*TENANT_APPS, {SYNTHETIC_APP!r}]  # noqa: F405\n"
        f"INSTALLED_APPS = [*INSTALLED_APPS, {SYNTHETIC_APP!r}]  # noqa: F405\n")
    sys.path.insert(0, str(root))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    return folder


_REMOVE_FIELD = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bench_synthetic", "{previous}")]
    operations = [migrations.RemoveField("note", "field_{added}")]
"""


def synthetic_migration_remove(folder: Path, number: int) -> None:
    """Removes the field the previous migration (an add) added."""
    previous = sorted(path.stem for path in folder.glob("0*.py"))[-1]
    (folder / f"{number:04d}_remove_{number - 1}.py").write_text(
        _REMOVE_FIELD.format(previous=previous, added=number - 1))


def synthetic_migration_add(folder: Path, number: int) -> None:
    previous = sorted(path.stem for path in folder.glob("0*.py"))[-1]
    (folder / f"{number:04d}_field_{number}.py").write_text(_ADD_FIELD.format(previous=previous, number=number))
