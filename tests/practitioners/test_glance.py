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
    # Window 1 Jun 2025 – 1 Jun 2027 (730 days); 20 SEUs needed. 14 SEUs keep an even
    # pace for 511 days: until 25 Oct 2026.
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("8"))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("6"))
    glance = glance_of(credential)
    assert glance.pace_date == datetime.date(2026, 10, 25)
    assert not glance.behind
    assert glance.pace_text == (
        "On pace until 25 Oct 2026: earn more SEUs by then to stay on pace."
    )


def test_a_holder_who_falls_behind_is_told_since_when_and_what_it_takes(practitioner):
    # 2 SEUs of 20 keep pace for 73 days: until 13 Aug 2025; on 1 Mar 2026 the holder is
    # behind and needs 18 SEUs in 457 days, about 1.2 a month.
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=practitioner, seus=Decimal("2"))
    glance = glance_of(credential)
    assert glance.pace_date == datetime.date(2025, 8, 13)
    assert glance.behind
    assert glance.pace_text == (
        "Behind pace since 13 Aug 2025: earn about 1.2 SEUs a month to reach 20 SEUs by 1 Jun 2027."
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
    assert "Behind pace since 13 Aug 2025" in content
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
    # 12: on PostgreSQL the first view also reads the row versions that key the kept page.
    with django_assert_max_num_queries(12):
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
