from django.apps import AppConfig


class BillingViewsConfig(AppConfig):
    """What customers, suppliers and the portal admin see: invoices, current accounts, orders."""

    name = "billing_views"
    verbose_name = "Comprobantes"
