"""*Descargar todas*: the PDFs of a filtered list in one ZIP, built by a Celery task.

The request's state lives in the (tenant-prefixed) cache for ZIP_DOWNLOAD_TTL seconds: who
asked, progress, and where the file is. After that the link answers 404 and a periodic task
removes the file.
"""

import secrets
import tempfile
import time
import zipfile

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import QueryDict

PROGRESS_EVERY = 10


def _key(token: str) -> str:
    return f"zip-download:{token}"


def download_state(*, token: str, user) -> dict | None:
    """The state of a download the user asked for, or None (unknown, expired or someone else's)."""
    state = cache.get(_key(token))
    if state is None or state["user_id"] != user.id:
        return None
    return state


def _save(token: str, state: dict) -> None:
    cache.set(_key(token), state, settings.ZIP_DOWNLOAD_TTL)


def _active_key(user) -> str:
    return f"zip-download-active:{user.id}"


def sales_zip_request(*, user, query: str) -> str:
    """Queue the ZIP of the sales documents that `query` (the list's filters) selects. While
    one of the user's ZIPs is being built, asking again returns that one instead of queueing
    another (each renders up to ZIP_MAX_DOCUMENTS PDFs)."""
    from .tasks import sales_documents_zip

    active = cache.get(_active_key(user))
    if active and (state := cache.get(_key(active))) and state["status"] in ("pending", "running"):
        return active
    token = secrets.token_urlsafe(16)
    cache.set(_active_key(user), token, settings.ZIP_DOWNLOAD_TTL)
    _save(token, {"user_id": user.id, "status": "pending", "done": 0, "total": None, "path": None,
                  "created": time.time()})
    transaction.on_commit(lambda: sales_documents_zip.delay(token=token, user_id=user.id, query=query))
    return token


def sales_zip_build(*, token: str, user, query: str) -> None:
    """Render (or take from storage) each PDF and write them into one ZIP in storage."""
    from . import pdf, selectors
    from .access import account_customer
    from .forms import FilterForm

    state = cache.get(_key(token))
    if state is None or state["status"] == "ready":
        return
    customer = account_customer(user)
    if customer is None:  # unlinked since asking: nothing to build
        state.update(status="ready", total=0, path=None)
        _save(token, state)
        return
    filters = FilterForm(QueryDict(query)).filters()
    documents = list(selectors.sales_documents(customer=customer, filters=filters).select_related(None)
                     .select_related("customer", "branch")[:settings.ZIP_MAX_DOCUMENTS])
    state.update(status="running", total=len(documents), done=0)
    _save(token, state)
    company = connection.tenant
    logo = pdf.logo_path(company)  # read once for the whole archive
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, document in enumerate(documents, start=1):
                name = f"{document.doc_type}-{document.display_number.replace(' ', '-')}.pdf"
                archive.writestr(name, pdf.sales_document_pdf(document=document, company=company, logo=logo))
                if done % PROGRESS_EVERY == 0:
                    state["done"] = done
                    _save(token, state)
        spool.seek(0)
        path = default_storage.save(f"portals/{connection.schema_name}/zips/{token}.zip", File(spool))
    state.update(status="ready", done=len(documents), path=path)
    _save(token, state)


def expired_zips_delete(*, older_than_seconds: int) -> int:
    """Remove the ZIPs of this portal whose links have expired."""
    folder = f"portals/{connection.schema_name}/zips"
    try:
        _, files = default_storage.listdir(folder)  # S3 has no folders: an unknown prefix lists nothing
    except FileNotFoundError:
        return 0
    deleted = 0
    limit = time.time() - older_than_seconds
    for name in files:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path).timestamp() < limit:
            default_storage.delete(path)
            deleted += 1
    return deleted
