"""A portal schema's rows, table by table, with COPY in text format.

Why COPY and not pg_dump: the import builds the new schema the way the code builds every
portal (from the captured template, or the migrations), which the archive's migration leaves
guarantee is the source's structure, and then only loads rows, by column name. So no SQL text
has its schema name rewritten (a row holding such text cannot be corrupted), columns may sit in
another physical order, and no pg_dump/pg_restore binary of a matching version is needed on
either platform. Rows are read in one REPEATABLE READ snapshot (the caller's transaction).
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from psycopg import sql

from .archive import CHUNK
from .errors import PortabilityError


def _name(*parts: str) -> str:
    """`"schema"."table"`, quoted by psycopg (names from an archive are never trusted as SQL)."""
    return sql.Identifier(*parts).as_string(connection.connection)


def schema_tables(cursor, *, schema: str) -> dict[str, list[str]]:
    """Each ordinary table of `schema` and its writable columns (no generated ones), by table."""
    cursor.execute(
        "SELECT c.relname, array_agg(a.attname ORDER BY a.attnum) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        "                        AND a.attgenerated = ''"
        " WHERE n.nspname = %s AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname", [schema])
    return {table: list(columns) for table, columns in cursor.fetchall()}


def tables_export(cursor, *, schema: str, into: Path) -> list[dict]:
    """Every table of `schema` into `into/<table>`; returns the manifest's `tables`."""
    into.mkdir(parents=True, exist_ok=True)
    tables = []
    for table, columns in schema_tables(cursor, schema=schema).items():
        statement = f"COPY {_name(schema, table)} ({', '.join(map(_name, columns))}) TO STDOUT"
        rows = 0
        with open(into / table, "wb") as out, cursor.copy(statement) as copy:
            for chunk in copy:
                rows += bytes(chunk).count(b"\n")  # one line a row: text format escapes newlines
                out.write(chunk)
        tables.append({"name": table, "columns": columns, "rows": rows})
    return tables


def sequences_export(cursor, *, schema: str) -> list[dict]:
    """The position of each sequence a column of `schema` owns (serial and identity columns)."""
    cursor.execute(
        "SELECT t.relname, a.attname, s.relname FROM pg_class s"
        " JOIN pg_namespace n ON n.oid = s.relnamespace"
        " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
        "                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
        " WHERE s.relkind = 'S' AND n.nspname = %s ORDER BY 1, 2", [schema])
    sequences = []
    for table, column, sequence in cursor.fetchall():
        cursor.execute(f"SELECT last_value, is_called FROM {_name(schema, sequence)}")
        last_value, is_called = cursor.fetchone()
        sequences.append({"table": table, "column": column, "last_value": last_value, "is_called": is_called})
    return sequences


def tables_import(cursor, *, schema: str, tables: list[dict], source: Path) -> int:
    """Replace every row of the new `schema` (the template's migrations, content types and
    permissions) with the archive's. Foreign keys are checked once all are loaded. Returns
    the rows loaded."""
    present = schema_tables(cursor, schema=schema)
    wanted = {table["name"]: table["columns"] for table in tables}
    if set(wanted) != set(present) or any(set(wanted[name]) != set(present[name]) for name in present):
        raise PortabilityError(PortabilityError.SCHEMA_MISMATCH, _difference(wanted, present))
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute("TRUNCATE " + ", ".join(_name(schema, name) for name in sorted(present)))
    loaded = 0
    for table in tables:
        statement = f"COPY {_name(schema, table['name'])} ({', '.join(map(_name, table['columns']))}) FROM STDIN"
        with open(source / table["name"], "rb") as data, cursor.copy(statement) as copy:
            for chunk in iter(lambda data=data: data.read(CHUNK), b""):
                copy.write(chunk)
        if cursor.rowcount != table["rows"]:
            raise PortabilityError(PortabilityError.ARCHIVE_DAMAGED,
                                   f"{table['name']}: {cursor.rowcount} rows, the manifest says {table['rows']}")
        loaded += cursor.rowcount
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key checked here, not at commit
    return loaded


def _difference(wanted: dict, present: dict) -> str:
    tables = sorted(set(wanted) ^ set(present))
    columns = sorted(name for name in set(wanted) & set(present) if set(wanted[name]) != set(present[name]))
    return f"tables {tables}, columns of {columns}"


def sequences_import(cursor, *, schema: str, sequences: list[dict]) -> None:
    for item in sequences:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                       [_name(schema, item["table"]), item["column"], item["last_value"], item["is_called"]])
        if cursor.fetchone()[0] is None:
            raise PortabilityError(PortabilityError.SCHEMA_MISMATCH,
                                   f"no sequence for {item['table']}.{item['column']}")


def stored_paths_rewrite(cursor, *, schema: str, old: str, new: str) -> int:
    """Point every text value that is a path under the source's files folder (`portals/<old
    schema>/...`: ERP PDFs, the profile image, ZIPs) to the new portal's folder. Every text
    column of every table, so a path column added later is not forgotten; the old folder holds a
    random schema name, so no other value starts with it. Returns the rows changed."""
    cursor.execute(
        "SELECT c.relname, array_agg(a.attname ORDER BY a.attnum) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        "                        AND a.attgenerated = ''"
        " WHERE n.nspname = %s AND c.relkind = 'r'"
        "   AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)"
        " GROUP BY c.relname ORDER BY c.relname", [schema])
    changed = 0
    for table, columns in cursor.fetchall():
        assignments = ", ".join(
            f"{_name(column)} = CASE WHEN starts_with({_name(column)}, %(old)s)"
            f" THEN %(new)s || substr({_name(column)}, %(start)s) ELSE {_name(column)} END" for column in columns)
        where = " OR ".join(f"starts_with({_name(column)}, %(old)s)" for column in columns)
        cursor.execute(f"UPDATE {_name(schema, table)} SET {assignments} WHERE {where}",
                       {"old": old, "new": new, "start": len(old) + 1})
        changed += cursor.rowcount
    return changed
