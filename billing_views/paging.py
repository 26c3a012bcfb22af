"""Lists of synced data: pages whose count, and whose rendered rows, are kept until the ERP's
next batch (see `portal_core.web.viewer.Viewer.sync_version`)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import get_language

from . import selectors

PAGE_SIZE = 25


class SyncedPaginator(Paginator):
    """Counts the list once per ERP sync: for a big customer the COUNT of a filtered list costs
    as much as the page's rows."""

    def __init__(self, queryset, per_page, *, version: str):
        super().__init__(queryset, per_page)
        self.version = version

    @cached_property
    def count(self) -> int:
        return selectors.list_count(self.object_list, version=self.version)


def synced_page(request, queryset, per_page: int = PAGE_SIZE):
    paginator = SyncedPaginator(queryset, per_page, version=request.viewer.sync_version)
    return paginator.get_page(request.GET.get("pagina"))


def rows_key(request, party, filters, page, *depends_on) -> str:
    """The cache key of a list's rendered rows (the templates' `{% cache ... rows_key %}`):
    the synced data's version, whose list (the party), the validated filters and sort, the page
    served, the language, and whatever else the rows show (`depends_on`: the balance switch,
    today). Built from what was understood, not from the raw query string, so made-up
    parameters do not make new entries."""
    return "|".join([request.viewer.sync_version, party._meta.label_lower, str(party.pk), repr(filters),
                     str(page.number), get_language() or "", *map(str, depends_on)])
