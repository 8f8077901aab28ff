"""A chunked upload (no Content-Length) reaches the view whole where the server decodes
the chunks (gunicorn), and is refused in plain words where it does not."""

import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from api.tokens import create_token
from config.wsgi import application
from tests.factories import EVIDENCE_PDF, SeuEntryFactory

pytestmark = pytest.mark.django_db


def call(environ):
    """The production WSGI application, called as a server calls it. Like Django's test
    client, it leaves the test's database connection open at the request's end."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def chunked_upload(path, secret, body, *, decoded_by_server=True):
    """The environ of a `Transfer-Encoding: chunked` POST, as a WSGI server hands it
    over: gunicorn has decoded the chunks and ends the stream (wsgi.input_terminated);
    a server that does not leaves the framing unread."""
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        CONTENT_TYPE=MULTIPART_CONTENT,
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    environ["wsgi.input"] = io.BytesIO(body)
    if decoded_by_server:
        environ["wsgi.input_terminated"] = True
    return environ


@pytest.fixture
def entry_and_secret():
    entry = SeuEntryFactory()
    secret = create_token(name="upload", scopes=["seus:write"], user=entry.practitioner.user)
    return entry, secret.secret


def evidence_form(data=EVIDENCE_PDF):
    pdf = SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")
    return encode_multipart(BOUNDARY, {"evidence": pdf})


def test_a_chunked_evidence_upload_is_stored(entry_and_secret):
    entry, secret = entry_and_secret
    status, _, body = call(
        chunked_upload(f"/api/v1/seus/{entry.pk}/evidence", secret, evidence_form())
    )
    assert status == 200, body
    entry.refresh_from_db()
    assert entry.evidence.open("rb").read() == EVIDENCE_PDF


def test_a_chunked_body_over_the_limit_is_refused_with_413(entry_and_secret, settings):
    entry, secret = entry_and_secret
    settings.MAX_REQUEST_BYTES = 1024
    big = evidence_form(EVIDENCE_PDF + b"%" + b"x" * 4096 + b"\n")
    status, headers, _ = call(chunked_upload(f"/api/v1/seus/{entry.pk}/evidence", secret, big))
    assert status == 413 and headers["Connection"] == "close"
    entry.refresh_from_db()
    assert not entry.evidence


def test_a_chunked_body_the_server_did_not_decode_is_refused_in_plain_words(entry_and_secret):
    entry, secret = entry_and_secret
    environ = chunked_upload(
        f"/api/v1/seus/{entry.pk}/evidence", secret, evidence_form(), decoded_by_server=False
    )
    status, _, body = call(environ)
    assert status == 411
    assert "Content-Length" in body.decode()
