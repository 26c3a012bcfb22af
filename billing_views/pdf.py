"""Documents as PDF (xhtml2pdf), in the layout of an Argentine invoice, with the ARCA QR code.

Generated PDFs are kept in storage under the portal's schema, a folder per document, named by
everything they show (the document's and its party's content hashes, the company, the logo, the
branch's name and the articles' codes): a change to any gets a new file, which replaces the
document's earlier one; an unchanged one is served from storage.
They are Argentine fiscal documents and always in Spanish, whatever the reader's language.
"""

import base64
import functools
import hashlib
import io
import json
import logging
from pathlib import Path

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from portal_core.cuit import cuit_normalize

log = logging.getLogger(__name__)

ARCA_QR_URL = "https://www.afip.gob.ar/fe/qr/?p="
# ARCA's document type codes (tipoCmp) by type and letter.
ARCA_DOCUMENT_CODES = {
    ("FA", "A"): 1, ("ND", "A"): 2, ("NC", "A"): 3,
    ("FA", "B"): 6, ("ND", "B"): 7, ("NC", "B"): 8,
    ("FA", "C"): 11, ("ND", "C"): 12, ("NC", "C"): 13,
    ("FA", "E"): 19, ("ND", "E"): 20, ("NC", "E"): 21,
    ("FA", "M"): 51, ("ND", "M"): 52, ("NC", "M"): 53,
}
LOGO_PATH = Path(settings.BASE_DIR) / "static" / "img" / "default-logo.png"
# Every PDF shows ERP text: it may read nothing but its own data: URIs (the logo, the ARCA QR),
# no file and no URL, and its render is bounded in time.
PDF_POLICY = ResourceAccessPolicy.server(None, allow_remote=False, max_render_seconds=120)


def _storage_path(kind: str, document, party, company, logo: str) -> str:
    """Named by everything the PDF shows: the document, its party, the company and its logo, and
    the master data it names (a branch or an article the ERP renames keeps the document's hash)."""
    branch = document.branch.name if getattr(document, "branch_id", None) else ""
    codes = getattr(document, "article_codes", None)  # billing_views.selectors.with_article_codes
    if codes is None:
        codes = list(document.lines.order_by("position", "id").values_list("article__code", flat=True))
    fingerprint = hashlib.md5("|".join([
        document.content_hash, party.content_hash, company.display_name, company.legal_name, company.tax_id,
        company.address, logo, branch, repr(codes),
    ]).encode(), usedforsecurity=False).hexdigest()
    return f"portals/{connection.schema_name}/pdf/{kind}/{document.pk}/{fingerprint}.pdf"


def logo_path(company, *, profile_image: str | None = None) -> str:
    """The image at the top of the documents: the company's logo (Empresa), else the portal's
    `profile_image` (read here unless the caller's viewer already has it), else "" (the
    platform's default logo)."""
    from portal_core.company.selectors import portal_settings

    if company.logo:
        return company.logo
    return portal_settings().profile_image if profile_image is None else profile_image


def _cached(path: str, render) -> bytes:
    try:
        with default_storage.open(path, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        pass
    content = render()
    saved = default_storage.save(path, ContentFile(content))
    _others_delete(path, saved)
    return content


def _others_delete(path: str, saved: str) -> None:
    """The document's folder keeps only the PDF of what it shows now: its earlier ones went out
    of date with the data they showed. Should a concurrent render have stored this one first
    (`saved` got another name), ours goes instead. Never fails the download: a file left behind
    is only space."""
    folder, name = path.rsplit("/", 1)
    try:
        if saved != path:
            default_storage.delete(saved)
            return
        for other in default_storage.listdir(folder)[1]:
            if other != name:
                default_storage.delete(f"{folder}/{other}")
    except Exception:  # any storage's error (OSError, botocore's)
        log.warning("could not delete the earlier PDFs in %s", folder, exc_info=True)


def _erp_pdf(document) -> bytes | None:
    if not document.erp_pdf:
        return None
    try:
        with default_storage.open(document.erp_pdf, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def sales_document_pdf(*, document, company, logo: str | None = None) -> bytes:
    return _document_pdf("ventas", document, document.customer, company, logo)


def purchase_document_pdf(*, document, company, logo: str | None = None) -> bytes:
    return _document_pdf("compras", document, document.supplier, company, logo)


def _document_pdf(kind: str, document, party, company, logo: str | None) -> bytes:
    logo = logo_path(company) if logo is None else logo
    return _erp_pdf(document) or _cached(_storage_path(kind, document, party, company, logo),
                                         lambda: document_pdf_render(document=document, company=company,
                                                                     party=party, logo=logo))


def arca_qr_payload(*, document, company, party) -> dict:
    """The JSON the ARCA QR encodes (RG 4892): issuer, document, amount and CAE."""
    receiver = cuit_normalize(party.tax_id)
    return {
        "ver": 1,
        "fecha": document.issue_date.isoformat(),
        "cuit": int(cuit_normalize(company.tax_id) or 0),
        "ptoVta": document.point_of_sale,
        "tipoCmp": ARCA_DOCUMENT_CODES.get((document.doc_type, document.letter), 0),
        "nroCmp": document.number,
        "importe": float(document.total),
        "moneda": "DOL" if document.currency == "USD" else "PES",
        "ctz": float(document.exchange_rate),
        "tipoDocRec": 80 if receiver else 99,
        "nroDocRec": int(receiver or 0),
        "tipoCodAut": "E",
        "codAut": int(document.cae or 0),
    }


def arca_qr_url(payload: dict) -> str:
    encoded = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return ARCA_QR_URL + encoded


def _png_data_uri(content: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode()


def _qr_data_uri(url: str) -> str:
    """The QR as a small PNG. A fixed mask pattern spares qrcode's pure-Python search of the
    best of eight (20+ ms a document); every mask gives a valid, readable code."""
    code = qrcode.QRCode(border=1, mask_pattern=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("L", (size, size))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.resize((size * 4, size * 4), Image.NEAREST).save(buffer, format="PNG")
    return _png_data_uri(buffer.getvalue())


@functools.cache
def _default_logo_data_uri() -> str:
    return _png_data_uri(LOGO_PATH.read_bytes())


def _logo_data_uri(path: str) -> str:
    """The image at `path` in storage (see `logo_path`), else the platform's default logo."""
    if path:
        try:
            with default_storage.open(path, "rb") as image:
                return _png_data_uri(image.read())
        except FileNotFoundError:
            pass
    return _default_logo_data_uri()


def _render(template: str, context: dict) -> bytes:
    with translation.override("es-ar"):
        html = render_to_string(template, context)
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", resource_policy=PDF_POLICY)
    if result.err:
        raise RuntimeError(f"PDF rendering failed with {result.err} errors")
    return output.getvalue()


def document_pdf_render(*, document, company, party, logo: str | None = None) -> bytes:
    qr_url = arca_qr_url(arca_qr_payload(document=document, company=company, party=party)) if document.cae else ""
    return _render("billing_views/pdf/document.html", {
        "document": document, "company": company, "party": party,
        "lines": list(document.lines.select_related("article")),
        "logo": _logo_data_uri(logo_path(company) if logo is None else logo),
        "qr": _qr_data_uri(qr_url) if qr_url else "",
        "arca_code": ARCA_DOCUMENT_CODES.get((document.doc_type, document.letter)),
    })


def certificate_pdf(*, payment, certificate, company, logo: str | None = None) -> bytes:
    return _render("billing_views/pdf/certificate.html", {
        "payment": payment, "certificate": certificate, "company": company, "supplier": payment.supplier,
        "logo": _logo_data_uri(logo_path(company) if logo is None else logo),
    })


def statement_pdf(*, statement, lines: list, company, logo: str | None = None) -> bytes:
    """A current account's statement (billing_views.statements), never stored: it depends on
    the day it is asked for as much as on the data."""
    request = statement.request
    return _render("billing_views/pdf/statement.html", {
        "statement": statement, "request": request, "party": request.party, "lines": lines, "company": company,
        "logo": _logo_data_uri(logo_path(company) if logo is None else logo),
        "several_parties": request.related or request.associated,
    })
