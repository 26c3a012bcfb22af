from django.conf import settings
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from .models import Company, Domain


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


def subdomain_taken(slug: str) -> bool:
    """A portal has this subdomain, or some portal's other domain is its hostname (an operator
    may have added one under the base domain): either way a new portal cannot have it."""
    return (Company.objects.filter(slug=slug).exists()
            or Domain.objects.filter(domain=f"{slug}.{settings.PORTAL_BASE_DOMAIN}").exists())
