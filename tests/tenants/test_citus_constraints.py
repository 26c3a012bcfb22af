"""What Citus' schema-based sharding needs of a portal schema, checked on plain PostgreSQL
(docs/scaling.md): each portal schema can move to a worker whole, so nothing in it may point
into the public schema, and the migrations use no DDL Citus refuses."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

OUR_TENANT_APPS = ("portal_core", "billing_views", "accounts")
REFUSED_DDL = re.compile(r"\b(CREATE\s+TABLE\s+\S+\s+AS|SET\s+SCHEMA|CREATE\s+EXTENSION|ALTER\s+SYSTEM)\b", re.I)


def test_no_portal_table_has_a_foreign_key_into_the_public_schema(alfa):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, ft.relname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
            " JOIN pg_class ft ON ft.oid = c.confrelid JOIN pg_namespace fn ON fn.oid = ft.relnamespace"
            " WHERE c.contype = 'f' AND tn.nspname = %s AND fn.nspname <> tn.nspname", [alfa.schema_name])
        crossing = cursor.fetchall()

    assert crossing == []


def test_every_key_of_our_portal_tables_is_a_big_integer(alfa):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey)"
            " WHERE c.contype IN ('p', 'f') AND n.nspname = %s AND t.relname ~ %s"
            " AND a.atttypid <> 'bigint'::regtype"
            # keys to Django's own tables (auth groups and permissions) are theirs to size
            " AND (c.contype = 'p' OR (SELECT f.relname FROM pg_class f WHERE f.oid = c.confrelid) ~ %s)",
            [alfa.schema_name, *[f"^({'|'.join(OUR_TENANT_APPS)})_"] * 2])
        narrow = cursor.fetchall()

    assert narrow == []


@pytest.mark.parametrize("app_label", OUR_TENANT_APPS)
def test_no_migration_uses_ddl_citus_refuses(app_label, db):
    names = sorted(name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
                   if app == app_label)
    assert names
    for name in names:
        out = StringIO()
        call_command("sqlmigrate", app_label, name, stdout=out)
        assert not REFUSED_DDL.search(out.getvalue()), f"{app_label}.{name}"
