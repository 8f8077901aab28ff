"""Pages whose cost does not grow with the table.

Django's Paginator counts every matching row (`COUNT(*)` walks the whole index range)
to print "Page 3 of 2,180". A bounded page counts at most `PAGER_COUNT_CAP` + 1 rows
(`SELECT COUNT(*) FROM (... LIMIT cap + 1)`) and reads one row past the page to know
whether a next page exists. Below the cap it knows the total and the last page; above
it, it says "1,000+" and still links to the previous and next pages.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from django.conf import settings

# OFFSET reads every row it skips, so a page number this deep (500,000 rows at 50 a
# page) is the furthest the pager goes; the CSV exports are the way to read everything.
DEEPEST_PAGE = 10_000


@dataclass(frozen=True)
class BoundedPage(Sequence):
    """One page, with the total when it is at most `cap` rows (else `count` is None)."""

    object_list: list
    number: int
    per_page: int
    cap: int
    counted: int  # rows counted, at most cap + 1
    has_next: bool

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self):
        return len(self.object_list)

    @property
    def count_is_exact(self):
        return self.counted <= self.cap

    @property
    def count(self):
        """The number of rows, or None when there are more than the cap."""
        return self.counted if self.count_is_exact else None

    @property
    def count_text(self):
        """ "1,234", or "1,000+" when there are more rows than the cap."""
        return f"{self.counted:,}" if self.count_is_exact else f"{self.cap:,}+"

    @property
    def num_pages(self):
        """The number of pages, or None when the total is not known."""
        if not self.count_is_exact:
            return None
        return max(1, ceil(self.counted / self.per_page))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1


def _page_number(raw):
    """Any page number a link could carry; anything else is the first page (as
    Paginator.get_page reads it)."""
    raw = str(raw or "")
    return min(int(raw), DEEPEST_PAGE) if raw.isdecimal() and int(raw) > 0 else 1


def bounded_page(queryset, number, *, per_page, count_in_order=True):
    """Page `number` of `queryset` in two queries whatever its size (one when nothing
    matches): a count stopped at the cap, and the page's rows plus one. A number past
    the last page gives the last page when the total is known, and an empty page (with
    a link back) when not.

    The count runs in the page's order when an index serves that order: the index range
    the page reads, with a bigger LIMIT, and the planner cannot pick a LIMITed scan that
    reads the whole table whenever fewer rows match than it guessed. Where no index
    serves the order (a search), `count_in_order=False` counts the first cap + 1 matches
    found instead of sorting every match."""
    cap = settings.PAGER_COUNT_CAP
    counted = (queryset if count_in_order else queryset.order_by())[: cap + 1].count()
    number = _page_number(number)
    if counted <= cap:
        number = min(number, max(1, ceil(counted / per_page)))
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1]) if counted else []
    return BoundedPage(
        object_list=rows[:per_page],
        number=number,
        per_page=per_page,
        cap=cap,
        counted=counted,
        has_next=len(rows) > per_page,
    )
