"""The portals bench/load.py drives: one large (bench/pages.py's 200,000 invoices) with its
admin, a customer account and a supplier account; the others restored from the schema template
and given a few hundred rows through the sync service, every fifth with the two accounts too.
Each has an ERP API key. Returns the plan the locustfile reads."""

import time

import _load_rows as rows
from _setup import portals_from_template

PASSWORD = "bench1234"
SMALL_CUSTOMERS, SMALL_SUPPLIERS, SMALL_INVOICES = 20, 5, 200


def portals_create(small: int) -> dict:
    from django.conf import settings

    started = time.perf_counter()
    portals = [_big_portal()]
    print(f"Large portal: 200,000 invoices loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    portals += _small_portals(small)
    print(f"{small} small portals with {SMALL_INVOICES} invoices and their movements each, "
          f"in {time.perf_counter() - started:.0f} s")
    return {"base_domain": settings.PORTAL_BASE_DOMAIN, "password": PASSWORD, "portals": portals}


def _big_portal() -> dict:
    from django.db import connection
    from django_tenants.utils import tenant_context
    from pages import load

    from portal_core.models import Customer, Supplier
    from provisioning.services import portal_create

    company = portal_create(name="Grande", email="admin@grande.test", password=PASSWORD)
    with tenant_context(company):
        with connection.cursor() as cursor:
            load(cursor)
        customer, supplier = Customer.objects.get(external_id="C1"), Supplier.objects.get(external_id="S1")
        portal = _portal_entry(company, customer, supplier, customers=2000, suppliers=50)
    portal.update(big=True, accounts={**portal["accounts"], "admin": "admin@grande.test"})
    connection.set_schema_to_public()
    return portal


def _small_portals(count: int) -> list[dict]:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from portal_core.models import Customer, Supplier
    from tenants import schema_template

    assert schema_template.template_refresh(), "pg_dump could not capture the template"
    portals = []
    for index, company in enumerate(portals_from_template(1, count, domains=True)):
        with tenant_context(company):
            _sync_rows()
            with_accounts = index % 5 == 0
            portals.append(_portal_entry(
                company, Customer.objects.get(external_id="C1") if with_accounts else None,
                Supplier.objects.get(external_id="S1") if with_accounts else None,
                customers=SMALL_CUSTOMERS, suppliers=SMALL_SUPPLIERS))
    connection.set_schema_to_public()
    return portals


def _sync_rows() -> None:
    """About 600 rows through the sync service, as the ERP's first batches would bring them."""
    from portal_core.erp.sync.engine import batch_upsert

    def customer_of(n):
        return f"C{1 + n % SMALL_CUSTOMERS}"

    def supplier_of(n):
        return f"S{1 + n % SMALL_SUPPLIERS}"

    numbers = range(1, SMALL_INVOICES + 1)
    batch_upsert(resource="customers", items=[rows.customer(n) for n in range(1, SMALL_CUSTOMERS + 1)])
    batch_upsert(resource="suppliers", items=[rows.supplier(n) for n in range(1, SMALL_SUPPLIERS + 1)])
    batch_upsert(resource="sales-invoices", items=[rows.sales_invoice(n, customer_of(n)) for n in numbers])
    batch_upsert(resource="customer-account-entries", items=[rows.customer_entry(n, customer_of(n)) for n in numbers])
    batch_upsert(resource="orders", items=[rows.order(n, customer_of(n)) for n in range(1, 41)])
    batch_upsert(resource="purchase-invoices", items=[rows.purchase_invoice(n, supplier_of(n)) for n in range(1, 61)])
    batch_upsert(resource="supplier-payments", items=[rows.supplier_payment(n, supplier_of(n)) for n in range(1, 21)])


def _portal_entry(company, customer, supplier, *, customers: int, suppliers: int) -> dict:
    """The portal's host and API key; with a customer and supplier, their accounts and the ids of
    their documents the PDFs are asked for."""
    from portal_core.accounts.services import party_account_create
    from portal_core.erp.services import api_key_create
    from portal_core.models import PurchaseInvoice, SalesInvoice

    _, key = api_key_create(name="bench")
    entry = {"host": company.hostname, "big": False, "api_key": key, "customers": customers,
             "suppliers": suppliers, "accounts": {}, "sales_ids": [], "purchase_ids": []}
    if customer is not None:
        party_account_create(email=f"cliente@{company.slug}.test", password=PASSWORD, customer=customer)
        party_account_create(email=f"proveedor@{company.slug}.test", password=PASSWORD, supplier=supplier)
        entry["accounts"] = {"cliente": f"cliente@{company.slug}.test", "proveedor": f"proveedor@{company.slug}.test"}
        entry["sales_ids"] = list(SalesInvoice.objects.filter(customer=customer).values_list("id", flat=True)[:50])
        entry["purchase_ids"] = list(PurchaseInvoice.objects.filter(supplier=supplier)
                                     .values_list("id", flat=True)[:50])
    return entry
