"""Fixtures of the portal_core tests."""

import pytest
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert


@pytest.fixture
def parties(alfa):
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[
            {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
             "email": "compras@penalolen.test"},
            {"external_id": "C2", "business_name": "Almacén Güemes", "email": "repetido@x.test"},
            {"external_id": "C3", "business_name": "Almacén Güemes II", "email": "Repetido@x.test"},
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test"},
            {"external_id": "C5", "business_name": "Sin Email S.A."},
        ])
        batch_upsert(resource="suppliers", items=[
            {"external_id": "S1", "business_name": "Mixto S.A.", "email": "mixto@x.test"},
            {"external_id": "S2", "business_name": "Molinos S.A.", "email": "molinos@x.test"},
        ])
        batch_upsert(resource="sales-invoices", items=[{
            "external_id": "F1", "customer": "C1", "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": 4321, "issue_date": "2026-11-01", "due_date": "2026-12-01", "net": "100.00", "vat": "21.00",
            "total": "121.00", "lines": []}])
    return alfa
