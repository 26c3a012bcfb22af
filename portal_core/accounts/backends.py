import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name

from portal_core import rows
from portal_core.models import AccountLink, Customer, Supplier


class PortalBackend(ModelBackend):
    """Django's ModelBackend, except that on a portal every request reads the account together
    with its customer/supplier link and whether it has two-factor on: one statement instead of
    three (the menu and every section need the link, the two-factor middleware the device),
    written out rather than built by the ORM each time (portal_core.rows)."""

    def get_user(self, user_id):
        if connection.schema_name == get_public_schema_name():  # operators have no link
            return super().get_user(user_id)
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_account_sql(), [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = _account(row)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _account_sql() -> str:
    """The account's columns, then its two-factor flag, its link's, its customer's and its supplier's."""
    user = get_user_model()
    return (f"SELECT {rows.columns(user, 'u')},"  # table and column names from the models
            f" EXISTS (SELECT 1 FROM {TOTPDevice._meta.db_table} d WHERE d.user_id = u.id AND d.confirmed),"
            f" {rows.columns(AccountLink, 'l')}, {rows.columns(Customer, 'c')}, {rows.columns(Supplier, 's')}"
            f" FROM {user._meta.db_table} u"
            f" LEFT JOIN {AccountLink._meta.db_table} l ON l.user_id = u.id"
            f" LEFT JOIN {Customer._meta.db_table} c ON c.id = l.customer_id"
            f" LEFT JOIN {Supplier._meta.db_table} s ON s.id = l.supplier_id"
            " WHERE u.id = %s")


def _account(row):
    """The account of `_account_sql`'s row, its link and both parties already in place, as
    select_related("link__customer", "link__supplier") leaves them."""
    model = get_user_model()
    user = rows.instance(model, row)
    position = rows.width(model)
    user.has_two_factor_device = row[position]
    position += 1
    link = rows.instance(AccountLink, row, position)
    position += rows.width(AccountLink)
    if link is not None:
        link._state.fields_cache["customer"] = rows.instance(Customer, row, position)
        link._state.fields_cache["supplier"] = rows.instance(Supplier, row, position + rows.width(Customer))
        link._state.fields_cache["user"] = user
    user._state.fields_cache["link"] = link
    return user
