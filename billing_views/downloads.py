"""*Descargar todas*: the PDFs of a filtered list in one ZIP, built by a Celery task.

Each request is a ZipJob row in the portal's schema: who asked, progress, and where the file
is. The link works for ZIP_DOWNLOAD_TTL seconds after the job's last activity; after that it
answers 404 and a periodic task removes the row and the file. Since the row outlives Redis, a
job whose task was lost (the broker down or restarted) or whose worker died is queued again by
`zip_jobs_requeue`, every minute.
"""

import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from tenants.queue import enqueue_on_commit

from .models import ZipJob

PROGRESS_EVERY = 10
# A job still pending this long after it was queued lost its task; one running with no progress
# for RUNNING_TIMEOUT lost its worker (PROGRESS_EVERY PDFs take seconds, not minutes).
PENDING_GRACE = timedelta(minutes=1)
RUNNING_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # runs a job may start before the sweep gives it up as failed
ACTIVE = (ZipJob.Status.PENDING, ZipJob.Status.RUNNING)


class _Superseded(Exception):
    """The sweep gave this run's job to a newer run: this one stops without writing."""


def _expiry():
    return timezone.now() + timedelta(seconds=settings.ZIP_DOWNLOAD_TTL)


def zip_job_for(*, token: str, user) -> ZipJob | None:
    """A download the user asked for, or None (unknown, expired or someone else's)."""
    return ZipJob.objects.filter(token=token, user=user, expires_at__gt=timezone.now()).first()


def sales_zip_request(*, user, query: str) -> str:
    """Queue the ZIP of the sales documents that `query` (the list's filters) selects. While
    one of the user's ZIPs is being built, asking again returns that one instead of queueing
    another (each renders up to ZIP_MAX_DOCUMENTS PDFs)."""
    from .tasks import sales_documents_zip

    active = (ZipJob.objects.filter(user=user, status__in=ACTIVE, expires_at__gt=timezone.now())
              .order_by("-created_at").first())
    if active is not None:
        return active.token
    query = QueryDict(query).urlencode()  # as the form reads it, and storable (a NUL byte is %00)
    job = ZipJob.objects.create(token=secrets.token_urlsafe(16), user=user, query=query, expires_at=_expiry())
    enqueue_on_commit(sales_documents_zip, token=job.token, user_id=user.id, query=query)
    return job.token


def sales_zip_build(*, token: str, user, query: str) -> None:
    """Render (or take from storage) each PDF and write them into one ZIP in storage. Safe to
    run twice: a run starts only on a pending job, and stops if the sweep hands its job to a
    newer run. A failed run puts the job back to pending, for the task's retry or the sweep."""
    job = _claim(token=token, user=user)
    if job is None:
        return
    try:
        _build(job, user=user, query=query)
    except _Superseded:
        return
    except Exception:
        ZipJob.objects.filter(pk=job.pk, attempts=job.attempts, status=ZipJob.Status.RUNNING).update(
            status=ZipJob.Status.PENDING, updated_at=timezone.now())
        raise


def _claim(*, token: str, user) -> ZipJob | None:
    with transaction.atomic():
        job = (ZipJob.objects.select_for_update(skip_locked=True)
               .filter(token=token, user=user, status=ZipJob.Status.PENDING).first())
        if job is None:  # done, failed, expired, or another run has it
            return None
        job.status, job.attempts, job.done = ZipJob.Status.RUNNING, job.attempts + 1, 0
        job.save(update_fields=["status", "attempts", "done", "updated_at"])
    return job


def _update(job: ZipJob, **fields) -> None:
    """Record this run's progress; each write also extends the link's life, as a cache TTL would."""
    now = timezone.now()
    if not ZipJob.objects.filter(pk=job.pk, attempts=job.attempts).update(updated_at=now, expires_at=_expiry(),
                                                                           **fields):
        raise _Superseded


def _build(job: ZipJob, *, user, query: str) -> None:
    from . import pdf, selectors
    from .access import account_customer
    from .forms import FilterForm

    customer = account_customer(user)
    if customer is None:  # unlinked since asking: nothing to build
        _update(job, status=ZipJob.Status.READY, total=0, path="", finished_at=timezone.now())
        return
    filters = FilterForm(QueryDict(query)).filters()
    documents = list(selectors.with_article_codes(
        selectors.sales_documents(customer=customer, filters=filters).select_related(None)
        .select_related("customer", "branch"))[:settings.ZIP_MAX_DOCUMENTS])
    _update(job, total=len(documents), done=0)
    company = connection.tenant
    logo = pdf.logo_path(company)  # read once for the whole archive
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, document in enumerate(documents, start=1):
                name = f"{document.doc_type}-{document.display_number.replace(' ', '-')}.pdf"
                archive.writestr(name, pdf.sales_document_pdf(document=document, company=company, logo=logo))
                if done % PROGRESS_EVERY == 0:
                    _update(job, done=done)
        spool.seek(0)
        path = default_storage.save(f"portals/{connection.schema_name}/zips/{job.token}.zip", File(spool))
    _update(job, status=ZipJob.Status.READY, done=len(documents), path=path, finished_at=timezone.now())


def stalled_zip_jobs(*, now=None) -> QuerySet[ZipJob]:
    """Jobs whose task was lost (pending past PENDING_GRACE) or whose worker died (running with
    no progress for RUNNING_TIMEOUT), still within their link's life."""
    now = now or timezone.now()
    return ZipJob.objects.filter(
        Q(status=ZipJob.Status.PENDING, updated_at__lte=now - PENDING_GRACE)
        | Q(status=ZipJob.Status.RUNNING, updated_at__lte=now - RUNNING_TIMEOUT),
        expires_at__gt=now,
    )


def zip_jobs_requeue(*, now=None) -> int:
    """Queue again the jobs whose task was lost (pending past PENDING_GRACE) or whose worker
    died (running with no progress for RUNNING_TIMEOUT); a job that already started
    MAX_ATTEMPTS runs is marked failed instead. Returns how many were queued."""
    from .tasks import sales_documents_zip

    now = now or timezone.now()
    stalled = stalled_zip_jobs(now=now).order_by("updated_at")[:100]
    queued = 0
    for job in stalled:
        unchanged = ZipJob.objects.filter(pk=job.pk, status=job.status, updated_at=job.updated_at)
        if job.attempts >= MAX_ATTEMPTS:
            unchanged.update(status=ZipJob.Status.ERROR, finished_at=now, updated_at=now)
        elif unchanged.update(status=ZipJob.Status.PENDING, updated_at=now):
            enqueue_on_commit(sales_documents_zip, token=job.token, user_id=job.user_id, query=job.query)
            queued += 1
    return queued


def expired_zips_delete(*, older_than_seconds: int) -> int:
    """Forget this portal's expired jobs and remove its ZIPs older than `older_than_seconds`
    (those of expired links, and any a superseded run left). Returns how many files went."""
    now = timezone.now()
    limit = now - timedelta(seconds=older_than_seconds)
    ZipJob.objects.filter(Q(expires_at__lte=now) | Q(finished_at__lt=limit)).delete()
    folder = f"portals/{connection.schema_name}/zips"
    try:
        _, files = default_storage.listdir(folder)  # S3 has no folders: an unknown prefix lists nothing
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path).timestamp() < limit.timestamp():
            default_storage.delete(path)
            deleted += 1
    return deleted
