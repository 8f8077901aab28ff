"""Fuzz (hypothesis) of every import and of the SEU and roster forms: whatever the input,
the answer is a result or a clear refusal, never a 500 or an exception, and a refused
input writes nothing."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certifications.courses.services import parse_attendees
from certifications.imports.services import ImportRefused, import_credentials
from certifications.models import Credential, Practitioner
from seus.imports import import_seus
from seus.models import SeuEntry

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "CSPO", "cspo", "9999-12-31", "2025-02-29", "1e400", "NaN", "-1", "0.25",
         "=SUM(A1)", "IMP/SLASH/1", "a@example.com", "x" * 300, "\x00", "A\nB"]
    ),
)  # fmt: skip
dates = st.one_of(st.dates().map(str), cells)


def csv_cell(value):
    return '"' + value.replace('"', '""') + '"'


@st.composite
def credential_rows(draw):
    rows = draw(st.lists(st.tuples(cells, cells, cells, cells, cells, dates, dates), max_size=4))
    lines = ["email,first_name,last_name,program,certificate_number,issued_on,expires_on"]
    lines += [",".join(csv_cell(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


@st.composite
def seu_rows(draw):
    rows = draw(st.lists(st.tuples(cells, dates, cells, cells, cells), max_size=4))
    lines = ["email,earned_on,category,seus,activity"]
    lines += [",".join(csv_cell(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=credential_rows())
def test_any_credentials_file_is_imported_or_refused_whole(text):
    before = Credential.objects.count(), Practitioner.objects.count()
    try:
        import_credentials(text=text)
    except ImportRefused as refused:
        assert refused.errors and all(isinstance(line, int) for line, _ in refused.errors)
        assert (Credential.objects.count(), Practitioner.objects.count()) == before


@FUZZ
@given(text=seu_rows())
def test_any_seu_file_is_imported_or_refused_whole(practitioner, text):
    before = SeuEntry.objects.count()
    try:
        import_seus(text=text.replace("a@example.com", practitioner.email))
    except ImportRefused:
        assert SeuEntry.objects.count() == before


@FUZZ
@given(text=st.one_of(st.text(max_size=200), credential_rows()))
def test_any_roster_text_gives_attendees_or_a_clear_refusal(text):
    from django.core.exceptions import ValidationError

    try:
        attendees = parse_attendees(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert attendees


@FUZZ
@given(earned_on=dates, seus=cells, activity=cells, description=st.text(max_size=50))
def test_any_seu_form_input_is_saved_or_refused_beside_the_field(
    practitioner_client, earned_on, seus, activity, description
):
    before = SeuEntry.objects.count()
    response = practitioner_client.post(
        reverse("seus:create"),
        {
            "earned_on": earned_on,
            "category": "",
            "activity": activity,
            "provider": "",
            "seus": seus,
            "description": description,
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert SeuEntry.objects.count() == before


@st.composite
def form_posts(draw, fields):
    return {name: draw(st.one_of(cells, dates)) for name in fields}


FORMS = [
    # (url name, args builder, fields, who posts)
    ("profile", None, ["first_name", "last_name", "time_zone", "optional_reminders"], "holder"),
    ("renewals:submit", None, ["credentials", "payment_reference"], "holder"),
    (
        "course_create",
        None,
        [
            "program",
            "trainer",
            "title",
            "starts_on",
            "ends_on",
            "is_online",
            "location",
            "capacity",
        ],
        "staff",
    ),
    ("course_enroll", "course", ["email", "first_name", "last_name", "text"], "staff"),
    ("course_attendance", "course", ["hours-1-1", "hours-1-2", "cell"], "staff"),
    ("staff_reject_fee", "renewal", ["reason"], "staff"),
]


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize(("name", "arg", "fields", "who"), FORMS)
def test_any_form_input_answers_without_a_server_error(client, data, name, arg, fields, who):
    from django.test import Client

    from tests.factories import CourseFactory, PractitionerFactory, StaffFactory

    user = StaffFactory() if who == "staff" else PractitionerFactory().user
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    args = []
    if arg == "course":
        args = [CourseFactory().pk]
    elif arg == "renewal":
        args = [999999]
    response = browser.post(reverse(name, args=args), data.draw(form_posts(fields)))
    assert response.status_code < 500, response.content[:500]
