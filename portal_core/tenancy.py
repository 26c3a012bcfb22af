"""The one guard every portal write goes through: a portal's data lives in its own schema."""

from django.db import connection
from django_tenants.utils import get_public_schema_name


def require_portal_schema() -> None:
    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("Portal data is written inside a portal schema, not the public one")
