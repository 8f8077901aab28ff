"""Every endpoint names its scope and refuses a token without it; no token answers 401;
rate limits per token answer 429 with Retry-After."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from api.permissions import ANY_TOKEN, scope_needed
from api.scopes import SCOPES
from certifications.models import Attendance, AttendanceChange, Course, CourseSession, Credential
from seus.models import SeuEntry
from tests.factories import (
    EVIDENCE_PDF,
    CredentialFactory,
    PractitionerFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    TrainerFactory,
    course_with_attendees,
)
from tests.webhooks.conftest import fake_dns, subscribe  # noqa: F401
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

from .conftest import token_client

pytestmark = pytest.mark.django_db

PUBLIC = {"/api/v1/verify/{number}"}
HOOK_URL = "https://hooks.example.com/in"


@dataclass
class Case:
    """One request that an accepted scope lets through, the status it then answers and
    the change a caller sees (in the answer and in the database)."""

    status: int
    url: str
    effect: object  # a function of the response that asserts what changed
    body: dict = field(default_factory=dict)
    format: str = "json"
    user: object = None
    organisation: object = None

    def token(self, make_token, scopes):
        if self.organisation is not None:
            return make_token(organisation=self.organisation, scopes=scopes)
        return make_token(self.user, scopes=scopes)

    def send(self, client, method):
        send = getattr(client, method.lower())
        if method == "GET":
            return send(self.url)
        return send(self.url, self.body, format=self.format)


class World:
    """The objects each operation acts on: a practitioner's SEU (with evidence), credential
    and webhook with one delivery, and a trainer's course with one attendee."""

    def __init__(self, organisation, dns):
        dns["hooks.example.com"] = ["93.184.216.34"]
        self.organisation = organisation
        self.practitioner = PractitionerFactory()
        self.user = self.practitioner.user
        self.category = SeuCategoryFactory(code="C")
        self.entry = SeuEntryFactory(
            practitioner=self.practitioner,
            category=self.category,
            seus=Decimal("2"),
            evidence=SimpleUploadedFile("proof.pdf", EVIDENCE_PDF, content_type="application/pdf"),
        )
        self.subscription = subscribe(self.practitioner, HOOK_URL)
        event = WebhookEvent.objects.create(
            msg_id="msg_scopes", type="seu.created", payload={"type": "seu.created"}
        )
        self.delivery = WebhookDelivery.objects.create(
            event=event,
            subscription=self.subscription,
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=timezone.now(),
        )
        self.trainer = TrainerFactory()
        self.course, (self.enrollment,) = course_with_attendees(1, trainer=self.trainer)


@pytest.fixture
def world(organisation, fake_dns):  # noqa: F811
    return World(organisation, fake_dns)


def database_state():
    """What a refused request must leave as it was."""
    return (
        list(SeuEntry.objects.order_by("pk").values_list("pk", "seus", "evidence")),
        list(WebhookSubscription.objects.order_by("pk").values_list("pk", "active")),
        list(WebhookDelivery.objects.order_by("pk").values_list("pk", "status")),
        list(Attendance.objects.order_by("pk").values_list("pk", "hours_attended")),
        AttendanceChange.objects.count(),
        list(Course.objects.order_by("pk").values_list("pk", "status")),
        Credential.objects.count(),
    )


def equal(seen, expected):
    assert seen == expected


def ids(response, key="id"):
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return [row[key] for row in rows]


def _courses(w):
    return Case(200, "/api/v1/courses", lambda r: equal(ids(r), [w.course.pk]), user=w.trainer.user)


def _roster(w):
    def effect(response):
        rows = response.json()["rows"]
        assert [row["enrollment"] for row in rows] == [w.enrollment.pk]

    return Case(200, f"/api/v1/courses/{w.course.pk}/roster", effect, user=w.trainer.user)


def _attendance(w):
    session = CourseSession.objects.filter(course=w.course).order_by("position").last()

    def effect(response):
        cell = Attendance.objects.get(enrollment=w.enrollment, session=session)
        assert cell.hours_attended == Decimal("4")
        assert AttendanceChange.objects.get().changed_by == w.trainer.user

    cells = [{"enrollment": w.enrollment.pk, "session": session.pk, "hours": "4"}]
    return Case(
        200,
        f"/api/v1/courses/{w.course.pk}/attendance",
        effect,
        body={"attendance": cells},
        user=w.trainer.user,
    )


def _close(w):
    def effect(response):
        assert Course.objects.get(pk=w.course.pk).status == "closed"
        issued = Credential.objects.get(course=w.course)
        assert issued.holder == w.enrollment.practitioner
        assert response.json()["issued"] == [issued.certificate_number]

    return Case(200, f"/api/v1/courses/{w.course.pk}/close", effect, user=w.trainer.user)


def _credentials(w):
    credential = CredentialFactory(holder=w.practitioner)
    return Case(
        200,
        "/api/v1/credentials",
        lambda r: equal(ids(r, "certificate_number"), [credential.certificate_number]),
        user=w.user,
    )


def _categories(w):
    return Case(
        200, "/api/v1/seu-categories", lambda r: equal("C" in ids(r, "code"), True), user=w.user
    )


def _list_seus(w):
    return Case(200, "/api/v1/seus", lambda r: equal(ids(r), [w.entry.pk]), user=w.user)


def _read_seu(w):
    return Case(
        200, f"/api/v1/seus/{w.entry.pk}", lambda r: equal(r.json()["id"], w.entry.pk), user=w.user
    )


def _change_seu(w):
    def effect(response):
        assert response.json()["seus"] == "3.25"
        assert SeuEntry.objects.get(pk=w.entry.pk).seus == Decimal("3.25")

    return Case(200, f"/api/v1/seus/{w.entry.pk}", effect, body={"seus": "3.25"}, user=w.user)


def _delete_seu(w):
    def effect(response):
        assert not SeuEntry.objects.filter(pk=w.entry.pk).exists()

    return Case(204, f"/api/v1/seus/{w.entry.pk}", effect, user=w.user)


def _log_seu(w):
    def effect(response):
        made = SeuEntry.objects.get(pk=response.json()["id"])
        assert made.practitioner == w.practitioner and made.seus == Decimal("2.5")

    body = {"earned_on": "2026-02-10", "category": "C", "activity": "Meetup", "seus": "2.5"}
    return Case(201, "/api/v1/seus", effect, body=body, user=w.user)


def _read_evidence(w):
    def effect(response):
        assert b"".join(response.streaming_content) == EVIDENCE_PDF

    return Case(200, f"/api/v1/seus/{w.entry.pk}/evidence", effect, user=w.user)


def _upload_evidence(w):
    SeuEntry.objects.filter(pk=w.entry.pk).update(evidence="")

    def effect(response):
        assert response.json()["has_evidence"] is True
        assert SeuEntry.objects.get(pk=w.entry.pk).evidence

    pdf = SimpleUploadedFile("scan.pdf", EVIDENCE_PDF, content_type="application/pdf")
    return Case(
        200,
        f"/api/v1/seus/{w.entry.pk}/evidence",
        effect,
        body={"evidence": pdf},
        format="multipart",
        user=w.user,
    )


def _remove_evidence(w):
    def effect(response):
        assert response.json()["has_evidence"] is False
        assert not SeuEntry.objects.get(pk=w.entry.pk).evidence

    return Case(200, f"/api/v1/seus/{w.entry.pk}/evidence", effect, user=w.user)


def _report_seus(w):
    def effect(response):
        assert response.json()["created"] == 1
        reported = SeuEntry.objects.get(reported_by=w.organisation)
        assert reported.practitioner == w.practitioner

    row = {
        "reference": "agile-conf-2026",
        "email": w.user.email,
        "earned_on": "2026-02-10",
        "category": "C",
        "activity": "Agile Conf 2026",
        "seus": "6",
    }
    return Case(
        200, "/api/v1/provider/seus", effect, body={"entries": [row]}, organisation=w.organisation
    )


def _list_webhooks(w):
    return Case(200, "/api/v1/webhooks", lambda r: equal(ids(r), [w.subscription.pk]), user=w.user)


def _read_webhook(w):
    return Case(
        200,
        f"/api/v1/webhooks/{w.subscription.pk}",
        lambda r: equal(r.json()["url"], HOOK_URL),
        user=w.user,
    )


def _deliveries(w):
    return Case(
        200,
        f"/api/v1/webhooks/{w.subscription.pk}/deliveries",
        lambda r: equal(ids(r), [w.delivery.pk]),
        user=w.user,
    )


def _delete_webhook(w):
    def effect(response):
        assert not WebhookSubscription.objects.filter(pk=w.subscription.pk).exists()

    return Case(204, f"/api/v1/webhooks/{w.subscription.pk}", effect, user=w.user)


def _subscribe(w):
    def effect(response):
        made = WebhookSubscription.objects.get(pk=response.json()["id"])
        assert made.owner == w.user and made.events == ["credential.issued"]

    body = {"url": "https://hooks.example.com/other", "events": ["credential.issued"]}
    return Case(201, "/api/v1/webhooks", effect, body=body, user=w.user)


def _redeliver(w):
    def effect(response):
        assert WebhookDelivery.objects.get(pk=w.delivery.pk).status == "pending"

    return Case(202, f"/api/v1/webhooks/deliveries/{w.delivery.pk}/redeliver", effect, user=w.user)


CASES = {
    ("GET", "/api/v1/courses"): _courses,
    ("GET", "/api/v1/courses/{id}/roster"): _roster,
    ("PUT", "/api/v1/courses/{id}/attendance"): _attendance,
    ("POST", "/api/v1/courses/{id}/close"): _close,
    ("GET", "/api/v1/credentials"): _credentials,
    ("GET", "/api/v1/seu-categories"): _categories,
    ("GET", "/api/v1/seus"): _list_seus,
    ("POST", "/api/v1/seus"): _log_seu,
    ("GET", "/api/v1/seus/{id}"): _read_seu,
    ("PATCH", "/api/v1/seus/{id}"): _change_seu,
    ("DELETE", "/api/v1/seus/{id}"): _delete_seu,
    ("GET", "/api/v1/seus/{id}/evidence"): _read_evidence,
    ("POST", "/api/v1/seus/{id}/evidence"): _upload_evidence,
    ("DELETE", "/api/v1/seus/{id}/evidence"): _remove_evidence,
    ("POST", "/api/v1/provider/seus"): _report_seus,
    ("GET", "/api/v1/webhooks"): _list_webhooks,
    ("POST", "/api/v1/webhooks"): _subscribe,
    ("GET", "/api/v1/webhooks/{id}"): _read_webhook,
    ("DELETE", "/api/v1/webhooks/{id}"): _delete_webhook,
    ("GET", "/api/v1/webhooks/{id}/deliveries"): _deliveries,
    ("POST", "/api/v1/webhooks/deliveries/{id}/redeliver"): _redeliver,
}


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def protected():
    return [(m, p) for m, p in operations() if p not in PUBLIC]


def concrete(path):
    return path.replace("{id}", "1").replace("{number}", "CSPO-1")


def test_the_schema_lists_every_endpoint():
    paths = {path for _, path in operations()}
    assert len(paths) == 16  # 12 resources and 4 for webhooks
    assert {
        "/api/v1/me",
        "/api/v1/seus",
        "/api/v1/courses/{id}/attendance",
        "/api/v1/webhooks/deliveries/{id}/redeliver",
    } <= paths


def test_every_operation_has_a_case_here():
    """A new endpoint fails here until its positive case is written."""
    with_scope = {(m, p) for m, p in protected() if ANY_TOKEN not in accepted_scopes(m, p)}
    assert with_scope == set(CASES)


@pytest.mark.parametrize(("method", "path"), protected())
def test_each_operation_names_a_known_scope(method, path):
    view = resolve(concrete(path)).func.view_class
    needed = scope_needed(view, method)
    accepted = (needed,) if isinstance(needed, str) else tuple(needed or ())
    assert accepted, f"{method} {path} names no scope"
    assert set(accepted) <= {*SCOPES, ANY_TOKEN}


def refused_grants():
    """Each operation with two grants that lack its scope: every other scope, and one
    other scope alone (a different one per operation, so all of them are tried)."""
    for i, (method, path) in enumerate(protected()):
        accepted = accepted_scopes(method, path)
        if ANY_TOKEN in accepted:
            continue
        others = sorted(set(SCOPES) - set(accepted))
        yield pytest.param(method, path, others, id=f"{method} {path} every other scope")
        one = others[i % len(others)]
        yield pytest.param(method, path, [one], id=f"{method} {path} {one} alone")


def accepted_scopes(method, path):
    needed = scope_needed(resolve(concrete(path)).func.view_class, method)
    return (needed,) if isinstance(needed, str) else tuple(needed)


def test_me_answers_any_personal_token_and_no_organisation_token(
    practitioner, make_token, organisation
):
    narrow = token_client(make_token(practitioner.user, scopes=["seus:read"]).secret)
    response = narrow.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == practitioner.user.email
    org = token_client(make_token(organisation=organisation, scopes=sorted(SCOPES)).secret)
    assert org.get("/api/v1/me").status_code == 403


@pytest.mark.parametrize(("method", "path", "grant"), list(refused_grants()))
def test_a_token_without_the_scope_is_refused_and_changes_nothing(
    method, path, grant, make_token, world
):
    case = CASES[(method, path)](world)
    before = database_state()
    client = token_client(case.token(make_token, grant).secret)
    response = case.send(client, method)
    assert response.status_code == 403, response.content
    assert response.json()["detail"].startswith("This token lacks the scope")
    assert database_state() == before


def granted():
    """Each accepted scope of each operation, alone and beside every scope the operation
    does not accept: the grant's other scopes neither help nor hurt."""
    for method, path in protected():
        accepted = accepted_scopes(method, path)
        if ANY_TOKEN in accepted:
            continue
        others = sorted(set(SCOPES) - set(accepted))
        for scope in accepted:
            yield pytest.param(method, path, [scope], id=f"{method} {path} {scope} alone")
            yield pytest.param(
                method, path, sorted([scope, *others]), id=f"{method} {path} {scope} and others"
            )


@pytest.mark.parametrize(("method", "path", "grant"), list(granted()))
def test_a_token_with_an_accepted_scope_does_what_the_endpoint_says(
    method, path, grant, make_token, world
):
    case = CASES[(method, path)](world)
    client = token_client(case.token(make_token, grant).secret)
    response = case.send(client, method)
    assert response.status_code == case.status, response.content
    case.effect(response)


@pytest.mark.parametrize(("method", "path"), protected())
def test_no_token_is_401(method, path, client):
    response = getattr(client, method.lower())(concrete(path))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_session_needs_the_csrf_token_to_write(practitioner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(practitioner.user)
    assert browser.get("/api/v1/me").status_code == 200
    refused = browser.post("/api/v1/seus", {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_rate_limit_is_per_token_with_retry_after(settings, practitioner, make_token):
    settings.API_RATE_LIMIT = "2/minute"
    first = token_client(make_token(practitioner.user).secret)
    second = token_client(make_token(practitioner.user).secret)
    assert [first.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
    limited = first.get("/api/v1/me")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited["Content-Type"] == "application/problem+json"
    assert second.get("/api/v1/me").status_code == 200


def test_the_openapi_document_is_generated_without_a_warning():
    """check --deploy fails CI on any warning, and the schema generator's warnings are
    system checks: an authenticator or view it cannot describe is caught here first."""
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=out)
