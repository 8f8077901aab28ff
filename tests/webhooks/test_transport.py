"""One attempt is bounded in time and in bytes, whatever the receiver does: a worker is
never held longer than WEBHOOKS_TIMEOUT_SECONDS, nor fills its memory."""

import time

import pytest

from webhooks import transport

from .conftest import elapsed

pytestmark = pytest.mark.django_db


def post(url):
    return transport.post(url, body=b"{}", headers={})


def test_a_receiver_dripping_header_lines_is_cut_off_at_the_attempts_deadline(slow_drip, settings):
    """Each line comes well within the deadline, so a timeout per socket read never
    fires: without a deadline for the whole attempt this one takes 20 s."""
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    drip = slow_drip(interval=0.5, lines=40)
    started = time.monotonic()
    response = post(drip.url)
    assert elapsed(started) < 3
    assert response.status_code is None
    assert response.error == "Timeout: no complete answer within 2 seconds"
    assert 1900 <= response.duration_ms < 3000


def test_a_receiver_that_answers_in_time_is_heard(slow_drip, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 5
    drip = slow_drip(interval=0.1, lines=5)
    response = post(drip.url)
    assert (response.status_code, response.error) == (200, "")


def test_endless_response_headers_are_read_only_up_to_the_byte_limit(slow_drip, settings):
    """90 header lines of 60 kB pass http.client's own limits (65 kB a line, 100
    lines): without the byte limit all 5 MB are read and the answer counts as a 200."""
    settings.WEBHOOKS_TIMEOUT_SECONDS = 10
    settings.WEBHOOKS_MAX_RESPONSE_BYTES = 65536
    drip = slow_drip(interval=0, lines=90, line_bytes=60_000)
    response = post(drip.url)
    assert response.status_code is None
    assert response.error == ("ResponseTooLarge: the response headers were longer than 65536 bytes")


def test_a_receiver_that_never_answers_costs_the_deadline_once(slow_drip, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    drip = slow_drip(interval=30, lines=1)
    started = time.monotonic()
    response = post(drip.url)
    assert elapsed(started) < 2
    assert response.error.startswith("Timeout")
