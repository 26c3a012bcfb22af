"""Lists of synced data: pages whose count, and whose rendered rows, are kept until the ERP
next changes what they show. Their key is the party's data version (`party_version`): a batch
for another party, or of another resource, leaves it as it was."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language

from portal_core.erp.selectors import party_data_version
from portal_core.models import Customer, PartyStamp

from . import selectors

PAGE_SIZE = 25


def party_version(request, party, resource: str) -> str:
    """The version of `party`'s rows of `resource` (a sync resource's name): a customer's
    includes its group's, whose rows its *Relacionado* lists show. Master data changes it too."""
    if isinstance(party, Customer):  # its group in the same query (no query for the ids first)
        kind, parties = PartyStamp.Kind.CUSTOMER, party.group_condition("party_id")
    else:
        kind, parties = PartyStamp.Kind.SUPPLIER, Q(party_id=party.id)
    return party_data_version(kind=kind, parties=parties, resources=(resource,),
                              master_version=request.viewer.master_version)


class SyncedPaginator(Paginator):
    """Counts the list once per version of its data: for a big customer the COUNT of a filtered
    list costs as much as the page's rows."""

    def __init__(self, queryset, per_page, *, version: str):
        super().__init__(queryset, per_page)
        self.version = version

    @cached_property
    def count(self) -> int:
        return selectors.list_count(self.object_list, version=self.version)


def synced_page(request, queryset, *, version: str, per_page: int = PAGE_SIZE):
    paginator = SyncedPaginator(queryset, per_page, version=version)
    return paginator.get_page(request.GET.get("pagina"))


def rows_key(version: str, party, filters, page, *depends_on) -> str:
    """The cache key of a list's rendered rows (the templates' `{% cache ... rows_key %}`):
    the party's data version, whose list (the party), the validated filters and sort, the page
    served, the language, and whatever else the rows show (`depends_on`: the balance switch,
    today). Built from what was understood, not from the raw query string, so made-up
    parameters do not make new entries."""
    return "|".join([version, party._meta.label_lower, str(party.pk), repr(filters),
                     str(page.number), get_language() or "", *map(str, depends_on)])
