"""New schemas made from the captured template are the schemas the migrations make: the same
tables, columns, indexes, constraints and recorded migrations, without running the history."""

import re

import pytest
from django.db import connection

from provisioning.services import spare_portal_create
from tenants import schema_migrations, schema_template
from tenants.models import Company, SchemaTemplate

NEW_SCHEMA = "p_0template0test"


def _structure(schema: str) -> dict:
    """Everything the migrations decide about a schema, with its name taken out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, column_name, data_type, is_nullable, column_default,"
                       " character_maximum_length FROM information_schema.columns WHERE table_schema = %s"
                       " ORDER BY 1, 2", [schema])
        columns = cursor.fetchall()
        cursor.execute("SELECT indexname, replace(indexdef, %s, 'S') FROM pg_indexes WHERE schemaname = %s"
                       " ORDER BY 1", [f"{schema}.", schema])
        indexes = [(name, _same_meaning(definition)) for name, definition in cursor.fetchall()]
        cursor.execute("SELECT c.conname, c.contype, replace(pg_get_constraintdef(c.oid), %s, 'S')"
                       " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                       " WHERE n.nspname = %s ORDER BY 1", [f"{schema}.", schema])
        constraints = cursor.fetchall()
        cursor.execute(f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations ORDER BY 1, 2")
        migrations = cursor.fetchall()
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "migrations": migrations}


def _same_meaning(definition: str) -> str:
    """A partial index's predicate as PostgreSQL re-reads it from SQL may carry its casts
    elsewhere (`ARRAY[('a'::varchar)::text]` for `(ARRAY['a'::varchar])::text[]`): the same
    index, another spelling."""
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", definition)


@pytest.fixture
def new_schema(committed_db):
    yield NEW_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {NEW_SCHEMA} CASCADE")


def test_a_schema_from_the_template_is_the_migrated_schema(new_schema):
    # given: alfa, made by running the migrations, and the template captured for this code
    alfa = Company.objects.get(slug="alfa")
    assert schema_template.template_refresh()

    # when
    made = schema_template.schema_create(new_schema)

    # then
    assert made
    expected = _structure(alfa.schema_name)
    assert len(expected["columns"]) > 200 and len(expected["migrations"]) > 40
    assert _structure(new_schema) == expected
    pending, _missing = schema_migrations.schemas_pending(schemas=[new_schema],
                                                          leaves=schema_migrations.migration_leaves())
    assert pending == []


def test_without_a_capture_for_this_code_no_schema_is_made_from_it(new_schema):
    # given: only a capture of other migrations
    SchemaTemplate.objects.update(fingerprint="of-other-migrations")

    # when
    made = schema_template.schema_create(new_schema)

    # then
    assert not made
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [new_schema])
        assert cursor.fetchone() is None
    SchemaTemplate.objects.all().delete()


def test_a_spare_made_without_a_capture_is_migrated_and_then_captured(committed_db):
    # given: no capture
    SchemaTemplate.objects.all().delete()

    # when: a spare is made (the standard way), then the pool's refill captures the template
    spare = spare_portal_create()
    captured = schema_template.template_refresh()

    # then
    assert captured and schema_template.template_current()
    assert _structure(spare.schema_name) == _structure(Company.objects.get(slug="alfa").schema_name)
