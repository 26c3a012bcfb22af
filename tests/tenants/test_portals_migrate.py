"""portals_migrate, the deploy's migrations: only the schemas that lack a migration are migrated,
in worker processes; a schema that fails is reported while the others still migrate."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, migrations, models
from django.db.models.signals import post_migrate
from django_tenants.migration_executors.base import run_migrations

from tenants import schema_migrations
from tenants.models import Company


def _run(*args) -> str:
    out = StringIO()
    call_command("portals_migrate", *args, stdout=out, stderr=out)
    return out.getvalue()


def _unapply_last_migration(schema: str, app: str = "otp_totp") -> None:
    """Take one schema back one migration of `app`, as a deploy that crashed half-way leaves it
    (Django's own migrate on that schema: django-tenants' `migrate` would walk every schema).
    otp_totp's last migration adds two columns to totpdevice (a pinned third-party app: it does
    not move when ours gain migrations)."""
    leaf = next(name for label, name in (leaf.split(".") for leaf in schema_migrations.migration_leaves())
                if label == app)
    previous = f"{int(leaf[:4]) - 1:04d}"
    options = {**schema_migrations._migrate_options(0), "app_label": app, "migration_name": previous}
    run_migrations([], options, "test", schema, allow_atomic=False)


def _has_column(schema: str, table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
                       " AND column_name = %s", [schema, table, column])
        return cursor.fetchone() is not None


def test_nothing_pending_migrates_nothing(committed_db):
    output = _run()

    portals = Company.objects.exclude(schema_name="public").count()
    assert f"{portals} portales; 0 con migraciones pendientes" in output
    assert "Migrados" not in output
    assert "Todo migrado." in output


def test_only_the_schema_behind_is_migrated_and_then_nothing_is_pending(committed_db):
    # given: alfa one migration behind (the TOTP device's timestamps gone), beta up to date
    alfa, beta = Company.objects.get(slug="alfa"), Company.objects.get(slug="beta")
    _unapply_last_migration(alfa.schema_name)
    assert not _has_column(alfa.schema_name, "otp_totp_totpdevice", "last_used_at")

    # when
    listed = _run("--dry-run")
    migrated = _run("--processes", "2")

    # then
    assert f"Pendiente: {alfa.schema_name}" in listed
    assert beta.schema_name not in listed
    assert "1 con migraciones pendientes" in migrated and "Migrados 1/1 (0 con error" in migrated
    assert _has_column(alfa.schema_name, "otp_totp_totpdevice", "last_used_at")
    assert "0 con migraciones pendientes" in _run("--dry-run")


def test_a_failing_schema_is_reported_and_the_others_still_migrate(committed_db):
    # given: alfa behind, and a portal row whose schema is not in the database
    alfa = Company.objects.get(slug="alfa")
    _unapply_last_migration(alfa.schema_name)
    Company.objects.create(schema_name="p_sin_esquema", slug="sin-esquema", status=Company.Status.SPARE)

    # when
    with pytest.raises(CommandError) as error:
        _run("--processes", "1")

    # then
    assert "0 esquemas fallaron y 1 no existen" in str(error.value)
    assert _has_column(alfa.schema_name, "otp_totp_totpdevice", "last_used_at")


def test_a_deploy_of_fields_and_indexes_skips_the_post_migrate_handlers(committed_db):
    # given: alfa behind by two AddFields, and a post_migrate listener
    alfa = Company.objects.get(slug="alfa")
    _unapply_last_migration(alfa.schema_name)
    heard = []  # the schema each post_migrate was sent in (the public schema's migrate sends it too)
    post_migrate.connect(lambda **kwargs: heard.append(connection.schema_name), dispatch_uid="test-heard",
                         weak=False)

    # when
    try:
        _run("--processes", "1")
    finally:
        post_migrate.disconnect(dispatch_uid="test-heard")

    # then: migrated, and no content type or permission handler ran for it
    assert _has_column(alfa.schema_name, "otp_totp_totpdevice", "last_used_at")
    assert heard and alfa.schema_name not in heard


def _plan(*operations) -> list:
    migration = migrations.Migration("0099_test", "portal_core")
    migration.operations = list(operations)
    return [(migration, False)]


def test_only_model_changes_need_the_post_migrate_handlers_and_renames_go_the_standard_way():
    field = migrations.AddField("note", "text", models.TextField(default=""))
    index = migrations.AddIndex("note", models.Index(fields=["text"], name="note_text_idx"))
    created = migrations.CreateModel("Note", [("id", models.BigAutoField(primary_key=True))])
    options = migrations.AlterModelOptions("note", {"permissions": [("read", "Read")]})
    hidden = migrations.SeparateDatabaseAndState(state_operations=[created])
    renamed = migrations.RenameModel("Note", "Memo")

    assert not schema_migrations.post_migrate_needed(_plan(field, index, migrations.RunSQL("SELECT 1")))
    assert schema_migrations.post_migrate_needed(_plan(field, created))
    assert schema_migrations.post_migrate_needed(_plan(options))
    assert schema_migrations.post_migrate_needed(_plan(hidden))
    assert schema_migrations.renames_model(_plan(field, renamed))
    assert not schema_migrations.renames_model(_plan(field, created))
