"""/metrics for Prometheus: request metrics plus business gauges read from the database."""

import datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from certifications.models import Credential
from renewals.models import Reminder, ReminderOffset, SweepRun
from tests.factories import CredentialFactory

OUTSIDE = "10.1.2.3"


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@pytest.mark.django_db
def test_metrics_are_refused_to_an_unknown_address_without_the_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


@pytest.mark.django_db
def test_metrics_answer_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_without_a_token_only_allowed_addresses_scrape(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["192.0.2.10"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    empty_bearer = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")
    assert empty_bearer.status_code == 403


@pytest.mark.django_db
def test_behind_a_proxy_on_the_same_host_an_outside_client_is_refused(client, settings):
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "192.0.2.10"]
    through_proxy = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": OUTSIDE}
    assert client.get("/metrics", **through_proxy).status_code == 403
    allowed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.10"}
    assert client.get("/metrics", **allowed).status_code == 200


@pytest.mark.django_db
def test_metrics_count_credentials_reminders_and_time_the_last_sweep(client):
    credentials = CredentialFactory.create_batch(4)
    Credential.objects.filter(pk__in=[c.pk for c in credentials[:3]]).update(
        status=Credential.Status.RENEWAL_DUE
    )
    Credential.objects.filter(pk=credentials[3].pk).update(status=Credential.Status.LAPSED)
    offsets = list(ReminderOffset.objects.all()[:2])
    for credential, offset, status in [
        (credentials[0], offsets[0], Reminder.Status.SENT),
        (credentials[1], offsets[0], Reminder.Status.SENT),
        (credentials[1], offsets[1], Reminder.Status.FAILED),
        (credentials[2], offsets[0], Reminder.Status.PENDING),
    ]:
        Reminder.objects.create(
            cycle=credential.cycles.get(),
            offset=offset,
            due_on=credential.expires_on,
            status=status,
        )
    finished = datetime.datetime(2026, 11, 25, 6, 0, 12, tzinfo=datetime.UTC)
    SweepRun.objects.create(
        trigger=SweepRun.Trigger.TASK,
        started_at=finished - datetime.timedelta(seconds=12.5),
        finished_at=finished,
    )

    samples = scrape(client, REMOTE_ADDR="127.0.0.1")

    assert samples[("cspo_credentials", (("status", "renewal_due"),))] == 3
    assert samples[("cspo_credentials", (("status", "lapsed"),))] == 1
    assert samples[("cspo_credentials", (("status", "active"),))] == 0
    assert samples[("cspo_reminders_claimed", ())] == 4
    assert samples[("cspo_reminders", (("status", "sent"),))] == 2
    assert samples[("cspo_reminders", (("status", "failed"),))] == 1
    assert samples[("cspo_reminders", (("status", "pending"),))] == 1
    assert samples[("cspo_sweep_last_duration_seconds", ())] == 12.5
    assert samples[("cspo_sweep_last_finished_timestamp_seconds", ())] == finished.timestamp()
    # django-prometheus's own request metrics are there as well.
    assert any(name.startswith("django_http_requests_total") for name, _ in samples)


@pytest.mark.django_db
def test_before_the_first_sweep_there_is_no_sweep_duration(client):
    samples = scrape(client, REMOTE_ADDR="127.0.0.1")
    assert ("cspo_reminders_claimed", ()) in samples
    assert ("cspo_sweep_last_duration_seconds", ()) not in samples


@pytest.mark.django_db
def test_metrics_report_the_outbox_backlog(client):
    import time_machine
    from django.utils import timezone

    from cspo_tracker.outbox import services as outbox
    from cspo_tracker.outbox.models import OutboundEmail

    written = timezone.now() - datetime.timedelta(minutes=10)
    with time_machine.travel(written, tick=False):
        outbox.store(template="test", to="holder@example.com", subject="Hi", body_text="Hi")
        sent = outbox.store(
            template="renewal_reminder", to="a@example.com", subject="Hi", body_text="Hi"
        )
        failed = outbox.store(
            template="renewal_reminder", to="b@example.com", subject="Hi", body_text="Hi"
        )
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    OutboundEmail.objects.filter(pk=failed.pk).update(status="failed", attempts=10)
    samples = scrape(client, REMOTE_ADDR="127.0.0.1")
    assert samples[("cspo_outbox_unsent_emails", ())] == 1
    assert 600 <= samples[("cspo_outbox_oldest_unsent_age_seconds", ())] < 660

    def emails(template, status):
        return samples[("cspo_outbox_emails", (("status", status), ("template", template)))]

    assert emails("renewal_reminder", "sent") == 1
    assert emails("renewal_reminder", "failed") == 1
    assert emails("test", "pending") == 1


def test_in_production_prometheus_scrapes_over_plain_http_like_the_health_check():
    """Production redirects HTTP to HTTPS; /metrics, like /healthz, is exempt."""
    import os
    import subprocess
    import sys

    code = (
        "from django.test import Client; c = Client();"
        "print(c.get('/metrics', HTTP_AUTHORIZATION='Bearer t').status_code,"
        " c.get('/').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "METRICS_TOKEN": "t",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["200", "301"], result.stderr[-2000:]
