"""ArticleSalesDaily stays exactly what a full recount of the documents gives, through inserts,
changes of lines, dates, types, currency and voiding, and replays."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django_tenants.utils import tenant_context

from portal_core.erp.sync.aggregates import CONTRIBUTIONS
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Article, ArticleSalesDaily


def _kept():
    return {(row.date, row.article_id): (row.quantity, row.amount)
            for row in ArticleSalesDaily.objects.all() if row.quantity or row.amount}


def _recount():
    with connection.cursor() as cursor:
        cursor.execute(CONTRIBUTIONS.format(where="TRUE"))
        return {(day, article): (quantity, amount) for day, article, quantity, amount in cursor.fetchall()
                if quantity or amount}


def _invoice(external_id, *, day="2026-10-01", doc_type="FA", lines=(("A1", "2", "200.00"),), **extra):
    return {"external_id": external_id, "doc_type": doc_type, "letter": "A", "point_of_sale": 1,
            "number": int(external_id[1:]), "issue_date": day, "net": "1", "vat": "0", "total": "1",
            "customer": "C1", "lines": [{"article": a, "description": "x", "quantity": q, "unit_price": "1",
                                         "amount": amount} for a, q, amount in lines], **extra}


def test_the_daily_aggregate_matches_a_recount_after_every_kind_of_change(alfa):
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno"}])
        batch_upsert(resource="articles", items=[{"external_id": a, "code": a, "description": a}
                                                 for a in ("A1", "A2")])
        steps = [
            [_invoice("F1"), _invoice("F2", lines=(("A1", "1", "100.00"), ("A2", "3", "300.00")))],
            [_invoice("F1"), _invoice("F2", lines=(("A2", "5", "500.00"),))],                # lines change
            [_invoice("F3", doc_type="NC", lines=(("A2", "1", "100.00"),))],                # credit note
            [_invoice("F1", day="2026-10-02")],                                              # date moves
            [_invoice("F2", lines=(("A2", "5", "500.00"),), voided=True)],                  # voided
            [_invoice("F4", currency="USD", exchange_rate="1000", lines=(("A1", "1", "2.50"),))],  # dollars
            [_invoice("F4", currency="USD", exchange_rate="1000", lines=(("A1", "1", "2.50"),))],  # replay
            [_invoice("F3", doc_type="FA", lines=(("A2", "1", "100.00"),))],                # type changes
        ]
        for batch in steps:
            batch_upsert(resource="sales-invoices", items=batch)
            assert _kept() == _recount()
        a1, a2 = (Article.objects.get(external_id=a).id for a in ("A1", "A2"))
        assert _kept() == {
            (date(2026, 10, 1), a1): (Decimal("1.000"), Decimal("2500.00")),
            (date(2026, 10, 1), a2): (Decimal("1.000"), Decimal("100.00")),
            (date(2026, 10, 2), a1): (Decimal("2.000"), Decimal("200.00")),
        }


def test_a_batch_that_fails_leaves_the_aggregate_untouched(alfa):
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno"}])
        batch_upsert(resource="articles", items=[{"external_id": "A1", "code": "A1", "description": "A1"}])
        batch_upsert(resource="sales-invoices", items=[_invoice("F1")])
        before = _kept()
        try:
            batch_upsert(resource="sales-invoices", items=[_invoice("F1", lines=(("A1", "9", "900.00"),)),
                                                           _invoice("F2", customer="NADIE")])
        except Exception:
            pass
        assert _kept() == before
