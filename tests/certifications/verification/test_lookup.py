"""Defect 5: /verify/<number>/ in any case with spaces; /verify/ looks a number up."""

import pytest
from django.urls import reverse

from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def test_a_number_in_lower_case_with_spaces_redirects_to_the_canonical_page(client):
    credential = CredentialFactory()
    number = credential.certificate_number
    response = client.get(f"/verify/%20{number.lower()}%20/")
    assert response.status_code == 302
    assert response.url == reverse("verify_credential", args=[number])
    assert client.get(response.url).status_code == 200


def test_the_verify_page_has_a_number_lookup_that_leads_to_the_credential(client):
    credential = CredentialFactory()
    page = client.get(reverse("vc_verify")).content.decode()
    assert 'id="number-lookup"' in page and 'name="number"' in page
    assert 'name="text"' in page  # the signed-file check stays
    response = client.get(
        reverse("vc_verify"), {"number": f" {credential.certificate_number.lower()} "}
    )
    assert response.status_code == 302
    assert response.url == reverse("verify_credential", args=[credential.certificate_number])


def test_an_empty_lookup_says_what_to_type_and_an_unknown_number_is_not_found(client):
    response = client.get(reverse("vc_verify"), {"number": "   "})
    assert response.status_code == 200
    assert "Enter the certificate number" in response.content.decode()
    missing = client.get(reverse("vc_verify"), {"number": "cspo-nothing"}, follow=True)
    assert missing.status_code == 404
    assert "CSPO-NOTHING" in missing.content.decode()
    assert "Look up another number" in missing.content.decode()
