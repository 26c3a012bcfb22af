"""Model instances from statements written out by hand, for the few reads every page makes
(the account, the portal's switches): the ORM's building of those statements cost a warm page
more than the rest of its Python did (bench/request_cpu.py). Each statement selects a model's
`columns` in order; `instance` turns them back into the model, with its fields' converters (a
JSONField's), as the ORM would."""

import functools

from django.db import connection


@functools.cache
def _layout(model) -> tuple:
    """(fields, attnames, the primary key's position, (position, converter) pairs) of `model`."""
    fields = tuple(model._meta.concrete_fields)
    converters = tuple((index, converter) for index, field in enumerate(fields)
                       for converter in field.get_db_converters(connection))
    pk = next(index for index, field in enumerate(fields) if field.primary_key)
    return fields, [field.attname for field in fields], pk, converters


def columns(model, alias: str) -> str:
    """`alias.column, ...` of every stored field of `model`, in the order `instance` reads them."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in _layout(model)[0])


def width(model) -> int:
    """How many columns `columns(model, ...)` selects."""
    return len(_layout(model)[0])


def instance(model, row, start: int = 0):
    """The `model` whose columns start at `row[start]`, or None when its primary key is NULL (a
    LEFT JOIN that found nothing)."""
    fields, attnames, pk, converters = _layout(model)
    values = list(row[start:start + len(fields)])
    if values[pk] is None:
        return None
    for index, converter in converters:
        values[index] = converter(values[index], fields[index], connection)
    return model.from_db(connection.alias, attnames, values)
