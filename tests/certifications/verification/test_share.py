"""Share: "Add to LinkedIn profile" on each active credential, and a shared
/verify/<number>/ link previews with the holder's name, program and status."""

import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from PIL import Image

from certifications.vc.services import revoke_credential
from tests.factories import CredentialFactory, PractitionerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_now(settings):
    settings.SITE_URL = "https://cspo.example.org"
    with time_machine.travel(NOW, tick=False):
        yield


def linkedin_links(content):
    import re

    return re.findall(
        r'class="btn btn-sm btn-outline-primary linkedin-add" href="([^"]+)"', content
    )


def test_an_active_credential_offers_a_filled_in_linkedin_form(practitioner_client):
    me = practitioner_client.practitioner
    credential = CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    credential.program.name = "Certified Scrum Product Owner & co"
    credential.program.save()
    [link] = linkedin_links(practitioner_client.get(reverse("dashboard")).content.decode())
    url = urlsplit(link.replace("&amp;", "&"))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in link and "&co" not in link  # spaces and & are percent-encoded
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Certified Scrum Product Owner & co (CSPO)"],
        "organizationName": ["Scrum Alliance"],
        "issueYear": ["2025"],
        "issueMonth": ["6"],
        "expirationYear": ["2027"],
        "expirationMonth": ["6"],
        "certUrl": [f"https://cspo.example.org/verify/{credential.certificate_number}/"],
        "certId": [credential.certificate_number],
    }


def test_expired_and_revoked_credentials_offer_no_linkedin_button(practitioner_client):
    me = practitioner_client.practitioner
    CredentialFactory(holder=me, issued_on=datetime.date(2023, 6, 1))  # expired 1 Jun 2025
    revoked = CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    revoke_credential(credential=revoked, reason="Issued in error", by=StaffFactory())
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert linkedin_links(content) == []


def meta(content, key):
    import re

    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', content)
    return match and match.group(1)


def test_the_verification_page_previews_name_program_and_status(client):
    holder = PractitionerFactory(
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    )
    credential = CredentialFactory(holder=holder, issued_on=datetime.date(2025, 6, 1))
    number = credential.certificate_number
    content = client.get(reverse("verify_credential", args=[number])).content.decode()
    assert meta(content, "og:title") == "Ada Lovelace: Certified Scrum Product Owner (CSPO)"
    assert meta(content, "og:description").startswith("Active · Scrum Alliance")
    assert meta(content, "twitter:card") == "summary_large_image"
    image = f"https://cspo.example.org/verify/{number}/preview.png"
    assert meta(content, "og:image") == image and meta(content, "twitter:image") == image
    assert meta(content, "og:url") == f"https://cspo.example.org/verify/{number}/"
    head = content[: content.index("</head>")]
    assert "ada@example.com" not in head


def test_a_revoked_credential_previews_as_revoked(client):
    credential = CredentialFactory(issued_on=datetime.date(2025, 6, 1))
    revoke_credential(credential=credential, reason="Issued in error", by=StaffFactory())
    number = credential.certificate_number
    content = client.get(reverse("verify_credential", args=[number])).content.decode()
    assert meta(content, "og:description").startswith("Revoked")


def test_a_holder_without_a_name_is_never_previewed_by_email(client):
    holder = PractitionerFactory(user=UserFactory(first_name="", last_name="", email="x@y.org"))
    credential = CredentialFactory(holder=holder, issued_on=datetime.date(2025, 6, 1))
    number = credential.certificate_number
    content = client.get(reverse("verify_credential", args=[number])).content.decode()
    assert meta(content, "og:title").startswith("Certificate holder:")
    assert "x@y.org" not in content[: content.index("</head>")]


def test_the_preview_image_is_a_social_card_png(client):
    credential = CredentialFactory(issued_on=datetime.date(2025, 6, 1))
    number = credential.certificate_number
    response = client.get(reverse("verify_preview_image", args=[number.lower()]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "max-age=3600" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    missing = client.get(reverse("verify_preview_image", args=["NOPE-1"]))
    assert missing.status_code == 404
