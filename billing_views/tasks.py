from django.conf import settings

from portal_core.accounts.models import User
from tenants.fanout import due_when
from tenants.tasks import tenant_task

from . import downloads


@tenant_task(
    name="billing_views.sales_documents_zip", autoretry_for=(OSError,), retry_backoff=True, max_retries=5,
)
def sales_documents_zip(*, token: str, user_id: int, query: str) -> None:
    downloads.sales_zip_build(token=token, user=User.objects.get(pk=user_id), query=query)


@tenant_task(name="billing_views.zip_jobs_requeue")
def zip_jobs_requeue() -> int:
    """Every minute, per portal (beat): queue again the ZIP jobs whose task or worker was lost."""
    return downloads.zip_jobs_requeue()


@tenant_task(name="billing_views.expired_zips_delete")
def expired_zips_delete() -> int:
    return downloads.expired_zips_delete(older_than_seconds=settings.ZIP_DOWNLOAD_TTL)


# Beat sends the re-queue only to the portals with a stalled job (tenants.fanout).
due_when("billing_views.zip_jobs_requeue", lambda: [downloads.stalled_zip_jobs()])
