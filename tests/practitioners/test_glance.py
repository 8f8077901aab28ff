"""At a glance: each dashboard card shows SEUs per category, a chart of SEUs
earned over the window, and the date by which the pace must rise."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from practitioners.glance import glances_for
from renewals.selectors import credential_progress
from tests.factories import CredentialFactory, ProgramFactory, SeuCategoryFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


def glance_of(credential):
    progress = credential_progress(type(credential).objects.filter(pk=credential.pk))
    return glances_for(progress)[credential.pk]


def test_seus_are_split_by_category_with_caps_applied(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    capped = SeuCategoryFactory(code="A")
    capped.cap = Decimal("5")
    capped.save()
    SeuEntryFactory(practitioner=practitioner, category=capped, seus=Decimal("4"))
    SeuEntryFactory(
        practitioner=practitioner,
        category=capped,
        seus=Decimal("4"),
        earned_on=datetime.date(2026, 1, 16),
    )
    SeuEntryFactory(practitioner=practitioner, category=SeuCategoryFactory(code="C"), seus=3)
    glance = glance_of(credential)
    assert [(c.code, c.seus) for c in glance.categories] == [("A", 5), ("C", 3)]
    assert glance.points == [
        (datetime.date(2026, 1, 15), Decimal("7")),
        (datetime.date(2026, 1, 16), Decimal("8")),
    ]
    assert glance.counted == 8


def test_a_holder_on_pace_is_told_until_when(practitioner):
    # Window 1 Jun 2025 – 1 Jun 2027 (730 days); 20 SEUs needed. 14 SEUs, with the one
    # SEU of slack, keep an even pace for 547 days: until 30 Nov 2026.
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("8"))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("6"))
    glance = glance_of(credential)
    assert glance.pace_date == datetime.date(2026, 11, 30)
    assert not glance.behind
    assert glance.pace_text == (
        "On pace until 30 Nov 2026: earn more SEUs by then to stay on pace."
    )


def test_a_holder_who_falls_behind_is_told_since_when_and_what_it_takes(practitioner):
    # 2 SEUs of 20 (3 with the slack) keep pace for 109 days: until 18 Sep 2025; on
    # 1 Mar 2026 the holder is behind and needs 18 SEUs in 457 days, about 1.2 a month.
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("2"))
    glance = glance_of(credential)
    assert glance.pace_date == datetime.date(2025, 9, 18)
    assert glance.behind
    assert glance.pace_text == (
        "Behind pace since 18 Sep 2025: earn about 1.2 SEUs a month to reach 20 SEUs by 1 Jun 2027."
    )


def test_once_the_seus_are_counted_there_is_no_pace_to_keep(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    for day in (10, 11, 12):
        SeuEntryFactory(
            practitioner=practitioner, earned_on=datetime.date(2026, 1, day), seus=Decimal("8")
        )
    glance = glance_of(credential)
    assert glance.pace_date is None and not glance.behind
    assert glance.pace_text == "All SEUs counted for this window."


def test_the_card_draws_bars_and_the_chart_as_inline_svg(practitioner_client):
    me = practitioner_client.practitioner
    CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=me, seus=Decimal("2"))
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert "glance-bars" in content and 'class="glance-chart"' in content
    assert "w-pct-10" in content  # 2 of 20 SEUs in category E
    assert "Behind pace since 18 Sep 2025" in content
    assert 'data-pace="behind"' in content
    assert "css/glance.css" in content
    # The CSP forbids style attributes: the SVG carries none.
    svg = content[content.index("<svg") : content.rindex("</svg>")]
    assert "style=" not in svg
    assert "<script" not in svg


def test_a_category_name_is_escaped_in_the_svg(practitioner_client):
    me = practitioner_client.practitioner
    CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    category = SeuCategoryFactory(code="Z", name="<b>Bold</b> & co")
    SeuEntryFactory(practitioner=me, category=category, seus=Decimal("2"))
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert "<b>Bold</b>" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in content


def _cards(client):
    return client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    practitioner_client, django_assert_max_num_queries, count
):
    me = practitioner_client.practitioner
    for code in ["CSPO", "CSM", "CSD"][:count]:
        CredentialFactory(
            holder=me, program=ProgramFactory(code=code), issued_on=datetime.date(2025, 6, 1)
        )
    for day in range(1, 6):
        SeuEntryFactory(practitioner=me, earned_on=datetime.date(2026, 1, day), seus=2)
    # 14: the claims waiting, and on PostgreSQL the row versions that key the kept page,
    # prepared then executed on a connection's first view.
    with django_assert_max_num_queries(14):
        content = _cards(practitioner_client)
    assert len(re.findall('class="glance-chart"', content)) == count


def test_a_chart_of_a_busy_window_draws_one_step_per_unit_of_width_at_most():
    from practitioners.glance import Glance
    from practitioners.glance_svg import LEFT, RIGHT, earned_chart

    starts = datetime.date(2025, 3, 1)
    points = [(starts + datetime.timedelta(days=d), Decimal(d) / 20) for d in range(700)]
    glance = Glance(
        window_starts_on=starts,
        ends_on=starts + datetime.timedelta(days=730),
        today=datetime.date(2027, 2, 1),
        required=Decimal("20"),
        counted=points[-1][1],
        points=points,
    )
    svg = str(earned_chart(glance, label="CSPO"))
    drawn = re.search(r'class="glance-earned" fill="none" points="([^"]+)"', svg).group(1).split()
    assert len(drawn) <= 2 * (RIGHT - LEFT + 1) + 2
    assert drawn[0] == f"{LEFT:.1f},92.0"  # from 0 at the window's start
    assert drawn[-1].endswith(",10.0")  # to the last total, the chart's top (35 of 20)


@pytest.mark.parametrize(
    ("today", "counted", "behind"),
    [
        # Issued 1 Mar 2026, window 1 Mar 2026 – 1 Mar 2028 (731 days), 20 SEUs needed.
        (datetime.date(2026, 3, 2), "0", False),  # the start: one day old, nothing owed
        (datetime.date(2026, 4, 6), "0", False),  # the line asks 0.96 SEU: within the slack
        (datetime.date(2026, 4, 8), "0", True),  # a whole SEU short
        (datetime.date(2027, 3, 1), "10", False),  # the middle: 10 of 10 owed
        (datetime.date(2027, 3, 1), "8", True),  # the middle: 2 short
        (datetime.date(2028, 2, 28), "19.5", False),  # the end: half an SEU short
        (datetime.date(2028, 2, 28), "18", True),  # the end: 2 short
    ],
)
def test_pace_is_judged_from_issue_against_an_even_line_with_one_seu_of_slack(
    practitioner, today, counted, behind
):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2026, 3, 1))
    if Decimal(counted):
        SeuEntryFactory(
            practitioner=practitioner, earned_on=datetime.date(2026, 3, 1), seus=Decimal(counted)
        )
    with time_machine.travel(
        datetime.datetime(today.year, today.month, today.day, 12, tzinfo=datetime.UTC), tick=False
    ):
        glance = glance_of(credential)
    assert glance.behind is behind
    assert glance.pace_text.startswith("Behind pace" if behind else "On pace")


def test_a_credential_issued_inside_its_window_is_paced_from_its_issue_date(practitioner):
    from practitioners.glance import Glance

    glance = Glance(
        window_starts_on=datetime.date(2025, 9, 1),  # a 30-month window, issued later
        ends_on=datetime.date(2028, 3, 1),
        issued_on=datetime.date(2026, 3, 1),
        today=datetime.date(2026, 3, 2),
        required=Decimal("20"),
        counted=Decimal("0"),
    )
    assert glance.paced_from == datetime.date(2026, 3, 1) and not glance.behind
