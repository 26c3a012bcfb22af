"""Lists of synced data: pages whose count, and whose rendered rows, are kept until the ERP
next changes what they show. Their key is the party's data version (`party_version`): a batch
for another party, or of another resource, leaves it as it was."""

import hashlib

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from portal_core.erp.selectors import party_data_version
from portal_core.erp.sync.stamps import ALSO_CHANGES
from portal_core.models import Customer, PartyStamp

from . import selectors

PAGE_SIZE = 25


# What a list of a resource reads besides its own rows: an invoice's *Estado* (Pendiente,
# Cancelada) is its movements' open balance, which the ERP changes through the current account.
# The same pairs an invoice's batch rewrites.
ALSO_READS = ALSO_CHANGES


def party_version(request, party, resource: str) -> str:
    """The version of `party`'s rows of `resource` (a sync resource's name) and of what its list
    reads with them (ALSO_READS): a customer's includes its group's, whose rows its *Relacionado*
    lists show. Master data changes it too."""
    kind = PartyStamp.Kind.CUSTOMER if isinstance(party, Customer) else PartyStamp.Kind.SUPPLIER
    return party_data_version(kind=kind, party_id=party.id, resources=(resource, *ALSO_READS.get(resource, ())),
                              master_version=request.viewer.master_version)


class SyncedPaginator(Paginator):
    """Counts the list once per version of its data: for a big customer the COUNT of a filtered
    list costs as much as the page's rows. Its key is `key` (the selector and everything it was
    given) when there is one, else the list's SQL."""

    def __init__(self, rows, per_page, *, version: str, key: str | None = None):
        super().__init__(rows, per_page)
        self.version, self.key = version, key

    @cached_property
    def count(self) -> int:
        return selectors.list_count(self.object_list, version=self.version, key=self.key)


class LazyRows:
    """A list's queryset, built only when its rows or its count are read: a page seen again,
    whose count and rendered rows come from the cache, builds none (building one was about a
    tenth of the Python calls of such a page, bench/request_cpu.py)."""

    ordered = True  # Paginator's check: every list selector orders its rows

    def __init__(self, build):
        self._build = build

    @cached_property
    def queryset(self):
        return self._build()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        return _LazySlice(self, item)


class _LazySlice:
    """A page of LazyRows (Paginator slices the list), read when first iterated."""

    def __init__(self, rows: LazyRows, item):
        self._source, self._item = rows, item

    @cached_property
    def _rows(self) -> list:
        return list(self._source.queryset[self._item])

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        return self._rows[index]


def synced_page(request, rows, *, version: str, key: tuple = (), per_page: int = PAGE_SIZE):
    """The page the request asks for of `rows`: a queryset, or a function that builds it given
    with `key`, the selector's name and every argument it was given (the day is added), which
    names the list's count in the cache instead of its SQL."""
    if callable(rows):
        rows = LazyRows(rows)
        key = hashlib.md5(repr((*key, timezone.localdate())).encode(), usedforsecurity=False).hexdigest()
    paginator = SyncedPaginator(rows, per_page, version=version, key=key or None)
    return paginator.get_page(request.GET.get("pagina"))


def rows_key(version: str, party, filters, page, *depends_on) -> str:
    """The cache key of a list's rendered rows (the templates' `{% cache ... rows_key %}`):
    the party's data version, whose list (the party), the validated filters and sort, the page
    served, the language, and whatever else the rows show (`depends_on`: the balance switch,
    today). Built from what was understood, not from the raw query string, so made-up
    parameters do not make new entries."""
    return "|".join([version, party._meta.label_lower, str(party.pk), repr(filters),
                     str(page.number), get_language() or "", *map(str, depends_on)])
