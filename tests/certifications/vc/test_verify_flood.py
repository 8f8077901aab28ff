"""Fault: a flood of forged credentials at POST /verify/, sent from many addresses at
once, while an operator's probe asks /healthz. Each check is bounded before any
canonicalization, so the probe keeps answering within a second."""

import concurrent.futures
import copy
import json
import time
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from certifications.vc import services, verification
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKERS = 6
REQUESTS_EACH = 8


def forgery(blank_nodes):
    """Our contexts, our key, a random signature, and look-alike blank nodes."""
    credential = CredentialFactory(
        issued_on=timezone.now().date(),
        holder__user__first_name="Ada",
        holder__user__last_name="Lovelace",
    )
    document = copy.deepcopy(services.issue_signed_credential(credential).document)
    document["proof"][0]["proofValue"] = "z" + "3" * 86
    document["evidence"] = [
        {"type": ["Evidence"], "name": "x", "description": "y"} for _ in range(blank_nodes)
    ]
    return json.dumps(document).encode()


def post(url, body, address):
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Forwarded-For": address,  # the test server is a trusted proxy: many clients
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_healthz_answers_within_a_second_during_a_verify_flood(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.VERIFY_ANON_RATE_LIMIT = "1000/minute"  # the bounds alone, without the limit
    # The costliest document the bounds let through, and one a size limit alone let
    # through (1000 blank nodes, 60 KB): over a second of canonicalization each.
    bodies = [forgery(verification.MAX_BLANK_NODES - 8), forgery(1000)]
    verify_url = f"{live_server.url}/verify/"
    stop = time.monotonic() + 60
    with concurrent.futures.ThreadPoolExecutor(ATTACKERS) as pool:
        flood = [
            pool.submit(
                lambda n: [
                    post(verify_url, bodies[n % 2], f"203.0.113.{n}")
                    for _ in range(REQUESTS_EACH)
                    if time.monotonic() < stop
                ],
                n,
            )
            for n in range(ATTACKERS)
        ]
        probes = []
        while not all(f.done() for f in flood):
            started = time.monotonic()
            with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=30) as response:
                response.read()
            probes.append(time.monotonic() - started)
            time.sleep(0.05)
        statuses = [status for f in flood for status in f.result()]
    # Each answered: "invalid" (200) within the bounds, refused in words (400) past them.
    assert statuses and set(statuses) <= {200, 400}, statuses
    assert probes
    assert max(probes) < 1.0, probes
