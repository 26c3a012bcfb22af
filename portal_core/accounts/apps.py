from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The user model. Installed in the public schema (platform operators) and in every
    portal schema (that portal's accounts), so the same email is an unrelated account in
    each portal. It lives inside portal_core because portal accounts are its concern; it is
    its own app only because django-tenants decides schemas app by app."""

    name = "portal_core.accounts"
    label = "accounts"
    verbose_name = "Cuentas"
