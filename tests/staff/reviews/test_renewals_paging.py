"""The staff renewals page costs the same with a thousand credentials or a
hundred thousand. Its lists count at most PAGER_COUNT_CAP + 1 rows, then say "N+"; the
previous and next links work past the cap."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from renewals.sweep import services as sweep
from tests.factories import credential_expiring

D = datetime.date
STAFF = reverse("staff_renewals")
CAP = 10
PER_PAGE = 5


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield D(2026, 6, 1)


@pytest.fixture
def small_pages(settings, monkeypatch):
    settings.PAGER_COUNT_CAP = CAP
    monkeypatch.setattr("staff.reviews.renewals.PER_PAGE", PER_PAGE)


TOMORROW = D(2026, 6, 2)


def expiring(count, *, first=TOMORROW):
    """`count` credentials expiring on consecutive days from `first`, in page order."""
    return [credential_expiring(first + datetime.timedelta(days=i)) for i in range(count)]


def expiring_pager(response):
    """The expiring list's pager as text, and its links as {"Next": "2", ...}."""
    [nav] = re.findall(
        r'<nav[^>]*aria-label="Expiring credentials pages">.*?</nav>', response.text, re.S
    )
    links = re.findall(r'<a href="\?within=90&amp;page=(\d+)">(\w+)', nav)
    return " ".join(re.sub(r"<[^>]+>", " ", nav).split()), {word: n for n, word in links}


def test_more_expiring_credentials_than_the_cap_read_as_n_plus_and_next_pages_still_work(
    staff_browser, today, small_pages
):
    credentials = expiring(CAP + 2)
    first = staff_browser.get(STAFF)
    text, links = expiring_pager(first)
    assert text == f"Page 1 · {CAP}+ credentials Next"
    numbers = [c.certificate_number for c in credentials]
    assert all(n in first.text for n in numbers[:PER_PAGE])
    assert not any(n in first.text for n in numbers[PER_PAGE:])

    second = staff_browser.get(STAFF, {"within": 90, "page": links.get("Next")})
    text, links = expiring_pager(second)
    assert text == f"Previous Page 2 · {CAP}+ credentials Next"
    assert all(n in second.text for n in numbers[PER_PAGE : 2 * PER_PAGE])

    third = staff_browser.get(STAFF, {"within": 90, "page": links.get("Next")})  # past the cap
    text, links = expiring_pager(third)
    assert text == f"Previous Page 3 · {CAP}+ credentials"
    assert [n for n in numbers if n in third.text] == numbers[2 * PER_PAGE :]
    assert links.get("Previous") == "2"


def test_fewer_expiring_credentials_than_the_cap_show_the_exact_count_and_the_last_page(
    staff_browser, today, small_pages
):
    expiring(CAP - 3)
    text, _ = expiring_pager(staff_browser.get(STAFF))
    assert text == f"Page 1 of 2 · {CAP - 3} credentials Next"
    past_the_end = staff_browser.get(STAFF, {"within": 90, "page": 9})
    assert expiring_pager(past_the_end)[0] == f"Previous Page 2 of 2 · {CAP - 3} credentials"


def test_a_page_past_the_end_of_an_uncounted_list_links_back_to_the_first(
    staff_browser, today, small_pages
):
    expiring(CAP + 2)
    for page in ("9", "99999999999999999999999"):
        text, links = expiring_pager(staff_browser.get(STAFF, {"within": 90, "page": page}))
        assert text.startswith("Previous") and text.endswith("First page")
        assert links.get("First") == "1"
    assert staff_browser.get(STAFF, {"page": "x", "grace_page": "-1"}).status_code == 200


def test_the_staff_page_runs_the_same_bounded_queries_at_3_and_40_rows_per_list(
    staff_browser, today, small_pages, django_assert_max_num_queries
):
    """Each list counts with a LIMIT (never the whole index range) and the number of
    queries does not change with the data."""

    def load():
        with django_assert_max_num_queries(23) as captured:
            assert staff_browser.get(STAFF).status_code == 200
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
        assert counts and all(f"LIMIT {CAP + 1}" in sql for sql in counts), counts
        return len(captured.captured_queries)

    expiring(3)
    expiring(3, first=D(2026, 5, 10))  # expired: in grace after the sweep
    sweep.run_sweep(dispatch=lambda ids, r: None)
    small = load()
    expiring(37, first=D(2026, 6, 10))
    expiring(37, first=D(2026, 5, 12))
    sweep.run_sweep(dispatch=lambda ids, r: None)
    assert load() == small
