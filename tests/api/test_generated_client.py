"""A client generated from /api/v1/schema/ by openapi-python-client, software nobody here
wrote, makes every documented call against the app (its WSGI handler, in process)."""

import datetime
import importlib
import io
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from certifications.models import Attendance, Credential
from seus.models import SeuEntry
from tests.factories import (
    CredentialFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    TrainerFactory,
    course_with_attendees,
    pdf_bytes,
)
from tests.webhooks.conftest import fake_dns, strict  # noqa: F401
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db

GENERATOR = shutil.which("openapi-python-client") or str(
    Path(sys.executable).with_name("openapi-python-client")
)


@pytest.fixture(autouse=True)
def _dns(fake_dns, strict):  # noqa: F811
    fake_dns["hooks.example.com"] = ["93.184.216.34"]


@pytest.fixture
def generated(api, tmp_path, monkeypatch):
    """The client package `cspo_client`, generated from the live document."""
    schema = api.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--output-path", "cspo_client"]
        + ["--meta", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "cspo_client" or m.startswith("cspo_client.")]:
        del sys.modules[name]
    return importlib.import_module("cspo_client")


def in_test_transaction(application):
    """The WSGI app, without closing the connection around each request: the test's
    transaction lives on it (Django's test client does the same)."""

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = application(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


def client_for(package, secret):
    transport = httpx.WSGITransport(app=in_test_transaction(get_wsgi_application()))
    return package.AuthenticatedClient(
        base_url="http://testserver",
        token=secret,
        httpx_args={"transport": transport},
    )


def module(name):
    return importlib.import_module(f"cspo_client.{name}")


def test_a_generated_client_makes_every_documented_call(generated, api, make_token, provider_api):
    models = module("models")
    me = client_for(generated, api.secret)
    SeuCategoryFactory(code="B")
    CredentialFactory(holder=api.practitioner)

    # A person: who am I, credentials, categories, the SEU log and its evidence.
    who = module("api.me.me_retrieve").sync(client=me)
    assert who.email == api.practitioner.user.email, who
    assert len(module("api.credentials.credentials_list").sync(client=me)) == 1
    assert "B" in [c.code for c in module("api.seu_categories.seu_categories_list").sync(client=me)]
    created = module("api.seus.seus_create").sync(
        client=me,
        body=models.SeuEntryCreateRequest(
            earned_on=datetime.date(2026, 2, 10), category="B", activity="Meetup", seus="2.5"
        ),
        idempotency_key="gen-1",
    )
    assert isinstance(created, models.SeuEntry), created
    listed = module("api.seus.seus_list").sync(client=me, category="B")
    assert [e.id for e in listed.results] == [created.id]
    patched = module("api.seus.seus_partial_update").sync(
        created.id, client=me, body=models.PatchedSeuEntryCreateRequest(activity="Meetup talk")
    )
    assert patched.activity == "Meetup talk"
    upload = models.EvidenceRequest(
        evidence=module("types").File(
            payload=io.BytesIO(pdf_bytes()), file_name="cert.pdf", mime_type="application/pdf"
        )
    )
    with_evidence = module("api.seus.seus_evidence_create").sync(created.id, client=me, body=upload)
    assert with_evidence.has_evidence is True, with_evidence
    download = module("api.seus.seus_evidence_retrieve").sync_detailed(created.id, client=me)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert (
        module("api.seus.seus_evidence_destroy").sync(created.id, client=me).has_evidence is False
    )
    assert module("api.seus.seus_retrieve").sync(created.id, client=me).id == created.id
    assert module("api.seus.seus_destroy").sync_detailed(created.id, client=me).status_code == 204
    assert not SeuEntry.objects.filter(pk=created.id).exists()

    # Anyone: verify a certificate number.
    number = Credential.objects.get().certificate_number
    assert module("api.verify.verify_retrieve").sync(number, client=me).certificate_number == number

    # Webhooks: subscribe, list, read, deliveries, delete.
    hook = module("api.webhooks.webhooks_create").sync(
        client=me,
        body=models.SubscriptionInputRequest(
            url="https://hooks.example.com/in", events=[models.EventsEnum("seu.created")]
        ),
    )
    assert hook.secret.startswith("whsec_"), hook
    assert [h.id for h in module("api.webhooks.webhooks_list").sync(client=me)] == [hook.id]
    assert module("api.webhooks.webhooks_retrieve").sync(hook.id, client=me).url == hook.url
    assert module("api.webhooks.webhooks_deliveries_list").sync(hook.id, client=me) == []
    gone = module("api.webhooks.webhooks_destroy").sync_detailed(hook.id, client=me)
    assert gone.status_code == 204 and not WebhookSubscription.objects.exists()

    # An SEU provider: a nested JSON body.
    provider = client_for(generated, make_token(organisation=provider_api.organisation).secret)
    report = module("api.provider.provider_seus_create").sync(
        client=provider,
        body=models.ReportRequest(
            entries=[
                models.ReportedRowRequest(
                    reference="conf-2026",
                    email="ada@example.com",
                    earned_on=datetime.date(2026, 2, 10),
                    category="B",
                    activity="Agile Conf",
                    seus="6",
                )
            ]
        ),
    )
    assert isinstance(report, models.ReportResult), report
    assert report.created == 1

    # A trainer: courses, roster, attendance (PUT, JSON), close.
    trainer = TrainerFactory()
    course, _ = course_with_attendees(1, hours=("8", "8"), trainer=trainer)
    teacher = client_for(generated, make_token(trainer.user).secret)
    assert [c.id for c in module("api.courses.courses_list").sync(client=teacher).results] == [
        course.pk
    ]
    roster = module("api.courses.courses_roster_retrieve").sync(course.pk, client=teacher)
    row, session = roster.rows[0], roster.sessions[0]
    saved = module("api.courses.courses_attendance_update").sync(
        course.pk,
        client=teacher,
        body=models.AttendanceRequest(
            attendance=[
                models.AttendanceCellRequest(
                    enrollment=row.enrollment, session=session.id, hours="7"
                )
            ]
        ),
    )
    assert isinstance(saved, models.Roster), saved
    assert (
        Attendance.objects.get(enrollment_id=row.enrollment, session_id=session.id).hours_attended
        == 7
    )
    closing = module("api.courses.courses_close_create").sync(course.pk, client=teacher)
    assert isinstance(closing, models.Closing), closing


def test_unsupported_methods_answer_405_with_allow(api):
    for method, path, allow in [
        ("put", "/api/v1/me", "GET"),
        ("delete", "/api/v1/seus", "GET, POST"),
        ("put", "/api/v1/seus/5", "GET, PATCH, DELETE"),
    ]:
        response = getattr(api, method)(path, {}, format="json")
        assert response.status_code == 405, (method, path, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert set(response["Allow"].split(", ")) >= set(allow.split(", "))


def test_the_document_declares_json_bodies_409_problems_and_retry_after(api):
    document = api.get("/api/v1/schema/", {"format": "json"}).json()
    bodies = {
        (method, path): list(operation["requestBody"]["content"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert bodies.pop(("post", "/api/v1/seus/{id}/evidence")) == ["multipart/form-data"]
    assert set(map(tuple, bodies.values())) == {("application/json",)}
    patch = document["paths"]["/api/v1/seus/{id}"]["patch"]["responses"]
    assert "read-only" in patch["409"]["description"]
    assert "application/problem+json" in patch["409"]["content"]
    assert "Retry-After" in patch["429"]["headers"]


def test_a_409_names_its_instance(api):
    from renewals.models import Renewal

    renewal = Renewal.objects.create(
        practitioner=api.practitioner,
        status=Renewal.Status.COMPLETED,
        seus_required=Decimal("20"),
        fee_amount=Decimal("100"),
        fee_currency="USD",
        fee_status=Renewal.FeeStatus.CONFIRMED,
    )
    entry = SeuEntryFactory(practitioner=api.practitioner, consumed_by=renewal)
    response = api.delete(f"/api/v1/seus/{entry.pk}")
    assert response.status_code == 409, response.content
    problem = response.json()
    assert problem["instance"] == f"/api/v1/seus/{entry.pk}"
    assert problem["type"] == "urn:cspo:problem:entry-read-only"
