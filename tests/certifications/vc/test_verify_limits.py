"""POST /verify/ is open to anyone, so the work one request can cause is bounded before
any canonicalization, anonymous checks are counted per client address, and a check runs
under a time limit. Every refusal is a sentence on the page, never an error page."""

import copy
import datetime
import json
import signal
import threading
import time

import pytest
import time_machine
from django.urls import reverse

from certifications.vc import badge, services, verification
from certifications.vc.signing import check_proof
from cspo_tracker.time_limit import TimeLimitExceeded, time_limit
from tests.factories import CredentialFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@pytest.fixture
def signed():
    with time_machine.travel(NOW):
        credential = CredentialFactory(
            issued_on=datetime.date(2026, 3, 3),
            holder__user__first_name="Grace",
            holder__user__last_name="Hopper",
        )
        return services.issue_signed_credential(credential)


def forged(signed, **extra):
    """Our contexts, our key reference and a random signature: what costs the most
    canonicalization before the signature is found wrong."""
    document = copy.deepcopy(signed.document)
    document["proof"][0]["proofValue"] = "z" + "3" * 86
    document.update(extra)
    return document


def check_json(client, body, headers=None, **extra):
    return client.post(
        reverse("vc_verify"),
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        headers={"Accept": "application/json", **(headers or {})},
        **extra,
    )


def test_a_deeply_nested_body_is_refused_with_a_sentence_not_a_500(client):
    for body in ("[" * 30_000 + "]" * 30_000, '{"a":' * 6_000 + "1" + "}" * 6_000):
        response = check_json(client, body)
        assert response.status_code == 400
        assert "nests deeper than" in response.json()["problem"]
        page = client.post(reverse("vc_verify"), {"text": body})
        assert page.status_code == 400
        assert "nests deeper than" in page.content.decode()
    huge = check_json(client, "[" * 100_000 + "]" * 100_000)
    assert huge.status_code == 400
    assert "larger than a credential can be" in huge.json()["problem"]


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"@context": CONTEXTS, "name": "[[[[{{{{" * 100})
    assert verification.parse_credential(text)["name"].startswith("[[[[")


@time_machine.travel(NOW)
def test_a_document_with_many_blank_nodes_is_refused_before_canonicalization(
    client, signed, monkeypatch
):
    canonicalized = []
    monkeypatch.setattr(
        "certifications.vc.signing.canonicalize", lambda d: canonicalized.append(d) or ""
    )
    subjects = [{"type": ["AchievementSubject"], "name": f"n{i}"} for i in range(200)]
    response = check_json(client, forged(signed, evidence=subjects))
    assert response.status_code == 400
    assert "objects without an id" in response.json()["problem"]
    assert canonicalized == []


@time_machine.travel(NOW)
def test_a_document_with_too_many_values_is_refused(client, signed):
    response = check_json(client, forged(signed, tags=list(range(5000))))
    assert response.status_code == 400
    assert "more than 2000 values" in response.json()["problem"]


def test_a_body_larger_than_a_credential_is_refused(client):
    response = check_json(client, json.dumps({"@context": CONTEXTS, "pad": "x" * 70_000}))
    assert response.status_code == 400
    assert "larger than a credential can be" in response.json()["problem"]


@time_machine.travel(NOW)
def test_the_largest_accepted_forgery_is_checked_quickly(client, signed):
    """Within the bounds, the costliest document an attacker can send (contexts, our
    key, many blank nodes that look alike) is refused in well under a second."""
    alike = [
        {"type": ["Evidence"], "name": "same"} for _ in range(verification.MAX_BLANK_NODES - 6)
    ]
    started = time.perf_counter()
    response = check_json(client, forged(signed, evidence=alike))
    elapsed = time.perf_counter() - started
    assert response.json()["signatureValid"] is False
    assert elapsed < 1.0, elapsed


@time_machine.travel(NOW)
def test_anonymous_checks_are_limited_per_client_address(client, signed, settings):
    settings.VERIFY_ANON_RATE_LIMIT = "3/minute"
    settings.TRUSTED_PROXIES = []
    for _ in range(3):
        assert check_json(client, signed.document).json()["verdict"] == "valid"
    refused = check_json(client, signed.document)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many credentials checked" in refused.json()["problem"]
    page = client.post(reverse("vc_verify"), {"text": json.dumps(signed.document)})
    assert page.status_code == 429
    assert "Too many credentials checked from your address" in page.content.decode()
    # Another address has its own budget; a forged X-Forwarded-For is not one.
    assert (
        check_json(client, signed.document, {"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    )
    other = check_json(client, signed.document, REMOTE_ADDR="198.51.100.7")
    assert other.json()["verdict"] == "valid"


@time_machine.travel(NOW)
def test_a_signed_in_visitor_is_not_counted(client, signed, settings):
    settings.VERIFY_ANON_RATE_LIMIT = "1/minute"
    client.force_login(PractitionerFactory().user)
    for _ in range(3):
        assert check_json(client, signed.document).json()["verdict"] == "valid"


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timers")
def test_a_check_that_runs_past_its_time_limit_is_refused_in_words(client, settings, monkeypatch):
    assert threading.current_thread() is threading.main_thread()
    settings.VERIFY_TIME_LIMIT_SECONDS = 0.2

    def slow(document, now=None):
        time.sleep(5)

    monkeypatch.setattr(verification, "verify_document", slow)
    started = time.perf_counter()
    response = check_json(client, {"@context": CONTEXTS})
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert "took longer than 0.2 s to check" in response.json()["problem"]


def test_a_time_limit_leaves_no_timer_behind():
    with pytest.raises(TimeLimitExceeded), time_limit(0.05):
        time.sleep(1)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with time_limit(1):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@time_machine.travel(NOW)
def test_a_proof_set_of_one_is_accepted(client, signed):
    document = signed.document
    assert isinstance(document["proof"], list) and len(document["proof"]) == 1
    assert check_json(client, document).json()["verdict"] == "valid"
    single = {**document, "proof": document["proof"][0]}  # the pre-array form still verifies
    assert check_proof(single).valid


@time_machine.travel(NOW)
def test_a_proof_set_with_one_bad_proof_is_invalid(client, signed):
    document = signed.document
    bad = {**document["proof"][0], "proofValue": "z" + "3" * 86}
    response = check_json(client, {**document, "proof": [document["proof"][0], bad]})
    assert response.json()["signatureValid"] is False
    empty = check_json(client, {**document, "proof": []})
    assert "has no proof" in empty.json()["problem"]


@time_machine.travel(NOW)
def test_the_sites_own_baked_badge_is_checked(client, signed):
    png = badge.badge_png(signed.credential.program, credential_document=signed.document)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        reverse("vc_verify"), {"file": SimpleUploadedFile("badge.png", png, "image/png")}
    )
    assert page.status_code == 200
    assert 'data-verdict="valid"' in page.content.decode()
    plain = badge.badge_png(signed.credential.program)
    page = client.post(
        reverse("vc_verify"), {"file": SimpleUploadedFile("badge.png", plain, "image/png")}
    )
    assert page.status_code == 400
    assert "no credential baked in" in page.content.decode()
    cut = client.post(
        reverse("vc_verify"), {"file": SimpleUploadedFile("badge.png", png[:200], "image/png")}
    )
    assert cut.status_code == 400


def test_a_body_past_any_upload_limit_is_refused_in_words_before_it_is_read(client):
    body = json.dumps({"pad": "x" * 3_000_000})  # past Django's own 2.5 MB limit too
    response = check_json(client, body)
    assert response.status_code == 413
    assert "larger than a credential can be" in response.json()["problem"]
    page = client.post(reverse("vc_verify"), {"text": "x" * 3_000_000})
    assert page.status_code == 413
    assert "larger than a credential can be" in page.content.decode()


def test_the_upload_field_offers_the_badge_image_too(client):
    page = client.get(reverse("vc_verify")).content.decode()
    assert 'accept=".json,application/json,application/ld+json,.png,image/png"' in page


def test_a_misspelt_rate_limit_stops_the_start_with_the_setting_named():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[3],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VERIFY_ANON_RATE_LIMIT": "10 per minute",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "VERIFY_ANON_RATE_LIMIT is '10 per minute'" in result.stderr
