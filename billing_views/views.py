"""What customers and suppliers see. Each view finds the account's own party first (404 when
the account has none), then reads through billing_views.selectors."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal_core.activity.services import Kind, audit_record
from portal_core.models import AccountLink
from portal_core.pickups import selectors as pickup_selectors
from portal_core.web.kept_pages import kept_page
from portal_core.web.menu import menu_for

from . import downloads, pdf, selectors
from .access import require_customer, require_download, require_supplier
from .errors import BillingError
from .forms import FilterForm, SupplierFilterForm
from .ledger import ledger_response, statement_response
from .paging import party_version, rows_key, synced_page

DOWNLOADS = AccountLink.Permission.DOWNLOADS


def _render(request, template, url_name, status=200, **context):
    return render(request, f"billing_views/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


# --- Customers -----------------------------------------------------------------------------


@login_required
@require_GET
def sales_invoices(request):
    customer = require_customer(request, "customer_invoices")
    version = party_version(request, customer, "sales-invoices")

    def build():
        form = FilterForm(request.GET or None)
        filters = form.filters()
        page = synced_page(request, lambda: selectors.sales_documents(customer=customer, filters=filters),
                           version=version, key=("sales_documents", customer.pk, filters))
        show_balances, downloads = request.viewer.shows_balances("customer"), request.viewer.may(DOWNLOADS)
        return _render(request, "documents.html", "sales_invoices", title=_("Facturas de venta"), party=customer,
                       form=form, filters=filters, page=page, show_balances=show_balances, downloads=downloads,
                       rows_key=rows_key(version, customer, filters, page, show_balances, downloads, "sales",
                                         "consultar"),
                       pdf_url_name="sales_invoice_pdf", zip_url_name="sales_invoices_zip",
                       question_url_name="customer_question_new", question_subject="factura")

    return kept_page(request, version, build, party=customer, params=FilterForm.base_fields)


@login_required
@require_GET
@never_cache
def sales_invoice_pdf(request, document_id: int):
    customer = require_customer(request, "customer_invoices")
    require_download(request)
    document = selectors.access_sales_document(customer=customer, document_id=document_id)
    return _pdf_response(pdf.sales_document_pdf(document=document, company=request.tenant,
                                                logo=_logo(request)), document)


@login_required
@require_GET
@never_cache
def customer_ledger(request):
    customer = require_customer(request, "customer_ledger")
    return ledger_response(request, party=customer, show_balances=request.viewer.shows_balances("customer"),
                           menu_entry="customer_ledger", export_name="customer_ledger", title=_("Cuenta corriente"),
                           statement_url=reverse("customer_statement"), question_url_name="customer_question_new",
                           kept=True)


@login_required
@require_GET
@never_cache
def customer_statement(request):
    customer = require_customer(request, "customer_ledger")
    require_download(request)
    return statement_response(request, party=customer, show_balances=request.viewer.shows_balances("customer"),
                               menu_entry="customer_ledger", ledger_url=reverse("customer_ledger"),
                               export_name="customer_statement", title=_("Cuenta corriente"))


@login_required
@require_GET
def orders(request):
    customer = require_customer(request, "customer_orders")
    version = party_version(request, customer, "orders")

    def build():
        page = synced_page(request, lambda: selectors.pending_orders(customer=customer), version=version,
                           key=("pending_orders", customer.pk))
        return _render(request, "orders.html", "orders", customer=customer, page=page,
                       rows_key=rows_key(version, customer, None, page, "orders"))

    return kept_page(request, version, build, party=customer)


# --- Suppliers -----------------------------------------------------------------------------


@login_required
@require_GET
def purchase_invoices(request):
    supplier = require_supplier(request, "supplier_invoices")
    version = party_version(request, supplier, "purchase-invoices")

    def build():
        form = SupplierFilterForm(request.GET or None)
        filters = form.filters()
        page = synced_page(request, lambda: selectors.purchase_documents(supplier=supplier, filters=filters),
                           version=version, key=("purchase_documents", supplier.pk, filters))
        show_balances, downloads = request.viewer.shows_balances("supplier"), request.viewer.may(DOWNLOADS)
        return _render(request, "documents.html", "purchase_invoices", title=_("Facturas de compra"),
                       party=supplier, form=form, filters=filters, page=page, show_balances=show_balances,
                       downloads=downloads, pdf_url_name="purchase_invoice_pdf",
                       question_url_name="supplier_question_new", question_subject="compra",
                       rows_key=rows_key(version, supplier, filters, page, show_balances, downloads, "purchases",
                                         "consultar"))

    return kept_page(request, version, build, party=supplier, params=SupplierFilterForm.base_fields)


@login_required
@require_GET
@never_cache
def purchase_invoice_pdf(request, document_id: int):
    supplier = require_supplier(request, "supplier_invoices")
    require_download(request)
    document = selectors.access_purchase_document(supplier=supplier, document_id=document_id)
    return _pdf_response(pdf.purchase_document_pdf(document=document, company=request.tenant,
                                                   logo=_logo(request)), document)


@login_required
@require_GET
@never_cache
def supplier_ledger(request):
    supplier = require_supplier(request, "supplier_ledger")
    return ledger_response(request, party=supplier, show_balances=request.viewer.shows_balances("supplier"),
                           menu_entry="supplier_ledger", export_name="supplier_ledger",
                           title=_("Cuenta corriente proveedores"), statement_url=reverse("supplier_statement"),
                           question_url_name="supplier_question_new", kept=True)


@login_required
@require_GET
@never_cache
def supplier_statement(request):
    supplier = require_supplier(request, "supplier_ledger")
    require_download(request)
    return statement_response(request, party=supplier, show_balances=request.viewer.shows_balances("supplier"),
                               menu_entry="supplier_ledger", ledger_url=reverse("supplier_ledger"),
                               export_name="supplier_statement", title=_("Cuenta corriente proveedores"))


@login_required
@require_GET
def supplier_payments(request):
    supplier = require_supplier(request, "supplier_payments")
    version = party_version(request, supplier, "supplier-payments")

    def build():
        page = synced_page(request, lambda: selectors.supplier_payments(supplier=supplier), version=version,
                           key=("supplier_payments", supplier.pk))
        pickups = pickup_selectors.pickups_by_payment(payment_ids=[payment.pk for payment in page])
        for payment in page:
            payment.pickup = pickups.get(payment.pk)
        return _render(request, "payments.html", "supplier_payments", supplier=supplier, page=page,
                       downloads=request.viewer.may(DOWNLOADS),
                       pickups_offered=pickup_selectors.windows_active().exists())

    return kept_page(request, f"{version}:{pickup_selectors.pickups_version(supplier=supplier)}", build,
                     party=supplier, shows_messages=True)


@login_required
@require_GET
@never_cache
def certificate_pdf(request, payment_id: int, certificate_id: int):
    supplier = require_supplier(request, "supplier_payments")
    require_download(request)
    payment, certificate = selectors.access_certificate(
        supplier=supplier, payment_id=payment_id, certificate_id=certificate_id
    )
    content = pdf.certificate_pdf(payment=payment, certificate=certificate, company=request.tenant,
                                  logo=_logo(request))
    return _pdf_download(content, f"certificado-{certificate.tax}-{certificate.number}.pdf")


@login_required
@require_POST
def sales_invoices_zip(request):
    require_customer(request, "customer_invoices")
    require_download(request)
    token = downloads.sales_zip_request(user=request.user, query=request.POST.get("query", ""))
    return redirect("download", token=token)


@login_required
@require_GET
def download(request, token: str):
    require_customer(request, "customer_invoices")
    require_download(request)
    job = downloads.zip_job_for(token=token, user=request.user)
    if job is None:
        return _render(request, "download_expired.html", None, status=404)
    return _render(request, "download.html", "sales_invoices", token=token, job=job,
                   ttl_minutes=settings.ZIP_DOWNLOAD_TTL // 60)


@login_required
@require_GET
@never_cache
def download_status(request, token: str):
    require_customer(request, "customer_invoices")
    require_download(request)
    job = downloads.zip_job_for(token=token, user=request.user)
    if job is None:
        return JsonResponse(_download_error(BillingError.DOWNLOAD_NOT_FOUND), status=404)
    ready = job.status == job.Status.READY
    return JsonResponse({
        "status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
        "download_url": reverse("download_file", args=[token]) if ready else None,
        **(_download_error(BillingError.DOWNLOAD_FAILED) if job.status == job.Status.ERROR else {}),
    })


def _download_error(code: str) -> dict:
    error = BillingError(code)
    return {"error": {"code": error.code, "message": error.message}}


@login_required
@require_GET
@never_cache
def download_file(request, token: str):
    customer = require_customer(request, "customer_invoices")
    require_download(request)
    job = downloads.zip_job_for(token=token, user=request.user)
    if job is None or job.status != job.Status.READY or not job.path:
        raise Http404
    audit_record(kind=Kind.ZIP_DOWNLOAD, actor=request.user, target=customer.business_name,
                 detail={"documents": job.total})
    return FileResponse(default_storage.open(job.path, "rb"), as_attachment=True,
                        filename="comprobantes.zip", content_type="application/zip")


def _logo(request) -> str:
    return pdf.logo_path(request.tenant, profile_image=request.viewer.settings.profile_image)


def _pdf_response(content: bytes, document) -> HttpResponse:
    return _pdf_download(content, f"{document.doc_type}-{document.display_number.replace(' ', '-')}.pdf")


def _pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
