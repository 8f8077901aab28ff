"""Kept pages put each answer's own nonce and CSRF token back where placeholders were.
Text that users typed can hold the placeholders' private-use characters: those are never
taken for placeholders, whatever field they came from."""

import datetime
import re

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from certifications.models import User
from cspo_tracker.kept_pages import pages
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db

TYPED = "Lovelace \ue000csrf-token\ue000 \ue000csp-nonce\ue000"


def cold_visit(number):
    response = Client().get(reverse("verify_credential", args=[number]))
    assert response.status_code == 200
    return response


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
def test_placeholders_typed_into_a_name_are_shown_as_typed_to_every_cold_visitor():
    credential = CredentialFactory(holder__user__first_name="Ada")
    # Straight into the row, as any path that stores a name could (an import, the admin).
    User.objects.filter(pk=credential.holder.user_id).update(last_name=TYPED)

    for response in (cold_visit(credential.certificate_number) for _ in range(3)):
        page = response.content.decode()
        assert TYPED in page
        assert "csrftoken" not in response.cookies  # no token was made to be printed
        nonce = nonce_of(response)
        assert page.count(nonce) == page.count(f'nonce="{nonce}"')


def test_a_rendered_page_holding_the_placeholder_character_is_served_but_not_kept():
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    renders = []

    def render():
        renders.append(1)
        return HttpResponse(f"<p>{TYPED}</p><script nonce='n0nce'></script>")

    first = pages.serve(request, "probe", render)
    second = pages.serve(request, "probe", render)
    assert len(renders) == 2
    assert (
        first.content.decode()
        == second.content.decode()
        == (f"<p>{TYPED}</p><script nonce='n0nce'></script>")
    )
