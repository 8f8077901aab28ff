"""The holder's "Add to wallet" page: an offer only for a credential they hold, shown
once as a QR code and a link, its code never stored in the clear."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from certifications.models import WalletOffer
from certifications.vc import services as vc_services
from certifications.wallet import services
from tests.factories import CredentialFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


@pytest.fixture
def credential():
    with time_machine.travel(NOW, tick=False):
        return CredentialFactory(
            issued_on=datetime.date(2026, 3, 3),
            holder__user__first_name="Grace",
            holder__user__last_name="Hopper",
        )


def offer_in(page):
    """The credential offer the page's link carries."""
    link = page.split('id="wallet-offer-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    link = link.replace("&amp;", "&")
    assert link.startswith("openid-credential-offer://?credential_offer=")
    return json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])


@time_machine.travel(NOW, tick=False)
def test_the_holder_shows_an_offer_for_their_wallet_from_the_dashboard(client, credential):
    client.force_login(credential.holder.user)
    url = reverse("wallet_add", args=[credential.certificate_number])
    assert url in client.get(reverse("dashboard")).content.decode()
    assert "make-offer" in client.get(url).content.decode()

    page = client.post(url).content.decode()

    assert "<svg" in page  # the QR code
    offer = offer_in(page)
    assert offer["credential_issuer"] == "http://localhost:8000"
    assert offer["credential_configuration_ids"] == ["CspoOpenBadgeCredential"]
    code = offer["grants"][services.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    stored = WalletOffer.objects.get()
    assert stored.credential == credential
    assert stored.expires_at == NOW + datetime.timedelta(minutes=10)
    assert code not in stored.code_hash and len(stored.code_hash) == 64


@time_machine.travel(NOW, tick=False)
def test_an_offer_is_not_made_for_a_credential_the_practitioner_does_not_hold(client, credential):
    stranger = PractitionerFactory(user__first_name="Eve", user__last_name="Other")
    client.force_login(stranger.user)
    url = reverse("wallet_add", args=[credential.certificate_number])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not WalletOffer.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_revoked_credential_is_not_offered_and_the_page_says_why(client, credential):
    vc_services.revoke_credential(credential=credential, by=None, reason="Issued in error")
    client.force_login(credential.holder.user)
    response = client.post(reverse("wallet_add", args=[credential.certificate_number]))
    assert response.status_code == 409
    assert "was revoked" in response.content.decode()
    assert not WalletOffer.objects.exists()


def test_a_lapsed_credential_is_not_offered(credential):
    after_grace = datetime.datetime.combine(
        credential.grace_ends_on + datetime.timedelta(days=1), datetime.time(12), datetime.UTC
    )
    with pytest.raises(services.OfferRefused, match="lapsed"):
        services.make_offer(credential=credential, now=after_grace)
    assert not WalletOffer.objects.exists()
