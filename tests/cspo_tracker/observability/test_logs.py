"""LOG_FORMAT=json: one JSON object a line, with the request id and the user id."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.conf import settings as django_settings

from cspo_tracker.observability.logs import JsonFormatter, RequestContextFilter


@pytest.fixture
def json_log(settings):
    """The `cspo_tracker` loggers write through the configured JSON formatter into a buffer."""
    settings.LOG_REQUESTS = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(django_settings.LOGGING["formatters"]["json"]["fmt"]))
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("cspo_tracker")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_request_logs_a_json_line_with_its_request_id_and_user_id(practitioner_client, json_log):
    response = practitioner_client.get("/", HTTP_X_REQUEST_ID="req-abc-123")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-abc-123"
    (line,) = json_log()
    assert line["request_id"] == "req-abc-123"
    assert line["user_id"] == practitioner_client.practitioner.user.pk
    assert line["level"] == "INFO" and line["logger"] == "cspo_tracker.request"
    assert line["message"] == "GET / 200"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert datetime.fromisoformat(line["time"]).tzinfo is not None


@pytest.mark.django_db
def test_an_anonymous_request_gets_a_new_request_id_and_no_user(client, json_log):
    response = client.get("/healthz")

    (line,) = json_log()
    assert len(response["X-Request-ID"]) == 32
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None


@pytest.mark.django_db
def test_a_request_id_that_is_not_plain_text_is_replaced(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='evil"\n{"level": "ERROR"}')
    assert response["X-Request-ID"] != 'evil"\n{"level": "ERROR"}'
    assert json_log()[0]["request_id"] == response["X-Request-ID"]


def test_log_format_json_switches_every_log_line_to_json():
    """The setting itself, in a fresh process: the root handler writes JSON lines."""
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import django, logging; django.setup(); logging.getLogger('x.y').warning('hello %s', 1);"
        "logging.getLogger('django.request').warning('Not Found: /nowhere')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in done.stderr.strip().splitlines()]
    assert [line["message"] for line in lines] == ["hello 1", "Not Found: /nowhere"]
    line = lines[0]
    assert line["level"] == "WARNING" and line["logger"] == "x.y"
    assert line["request_id"] is None and "time" in line


def test_the_default_log_format_stays_human_readable():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("LOG_FORMAT", None)
    code = "import django, logging; django.setup(); logging.getLogger('x.y').warning('hello')"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().endswith("WARNING x.y hello")
