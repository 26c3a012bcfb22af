from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from .models import Company


def portals_list() -> QuerySet[Company]:
    """Every portal (active or suspended), newest first, with its domains."""
    return (
        Company.objects.exclude(status=Company.Status.SPARE)
        .exclude(schema_name=get_public_schema_name())
        .prefetch_related("domains")
        .order_by("-created_at")
    )


def portal_for_erp_company(*, erp_company_id: str) -> Company | None:
    return Company.objects.filter(erp_company_id=erp_company_id).exclude(status=Company.Status.SPARE).first()


def spare_count() -> int:
    return Company.objects.filter(status=Company.Status.SPARE).count()
