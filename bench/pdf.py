"""Invoice PDFs: our render (template + QR + xhtml2pdf) beside a bare xhtml2pdf render of the
same HTML, and a cached download (from storage, through the view), in one run.

    .venv/bin/python bench/pdf.py [--runs N]

Last line: JSON with render_p50_ms, bare_p50_ms, cached_p50_ms and more.
"""

import argparse
import io
import json
import statistics

from _setup import django_with_fresh_database, percentile, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    django_with_fresh_database("pdf")

    from django.template.loader import render_to_string
    from django.test import Client
    from django_tenants.utils import tenant_context
    from xhtml2pdf import pisa

    from billing_views import pdf
    from portal_core.accounts.services import party_account_create
    from portal_core.erp.sync.engine import batch_upsert
    from portal_core.models import Customer, SalesInvoice
    from provisioning.services import portal_create
    from tests.factories import erp as f

    company = portal_create(name="PDF", email="admin@pdf.test", password="bench1234")
    with tenant_context(company):
        batch_upsert(resource="customers", items=[f.CustomerFactory(external_id="C1")])
        batch_upsert(resource="sales-invoices", items=[f.SalesInvoiceFactory(customer="C1", line_count=8)])
        document = SalesInvoice.objects.select_related("customer").get()
        party_account_create(email="c@pdf.test", password="bench1234", customer=Customer.objects.get())

        context = {
            "document": document, "company": company, "party": document.customer, "lines": list(document.lines.all()),
            "logo": pdf._logo_data_uri(pdf.logo_path(company)),
            "qr": pdf._qr_data_uri(pdf.arca_qr_url(pdf.arca_qr_payload(document=document, company=company,
                                                                         party=document.customer))),
            "arca_code": 1,
        }
        html = render_to_string("billing_views/pdf/document.html", context)

        def ours():
            pdf.document_pdf_render(document=document, company=company, party=document.customer)

        def bare():
            pisa.CreatePDF(html, dest=io.BytesIO(), encoding="utf-8")

        ours()
        bare()
        render = timed(ours, args.runs)
        bare_times = timed(bare, args.runs)

    client = Client(HTTP_HOST=company.hostname)
    client.post("/ingresar/", {"username": "c@pdf.test", "password": "bench1234"})
    url = f"/facturas/{document.id}/pdf/"
    assert client.get(url).status_code == 200  # renders once and stores
    cached = timed(lambda: client.get(url), args.runs)

    figures = {
        "render_p50_ms": round(statistics.median(render), 1),
        "render_p95_ms": round(percentile(render, 0.95), 1),
        "bare_p50_ms": round(statistics.median(bare_times), 1),
        "cached_p50_ms": round(statistics.median(cached), 1),
        "cached_p95_ms": round(percentile(cached, 0.95), 1),
        "lines": 8,
        "runs": args.runs,
        "target_render_p50_ms": 80,
        "target_cached_p50_ms": 10,
    }
    print(f"Our render (template, QR, xhtml2pdf): p50 {figures['render_p50_ms']} ms, p95 {figures['render_p95_ms']} ms")
    print(f"Bare xhtml2pdf of the same HTML:      p50 {figures['bare_p50_ms']} ms")
    print(f"Cached download through the view:     p50 {figures['cached_p50_ms']} ms, p95 {figures['cached_p95_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
