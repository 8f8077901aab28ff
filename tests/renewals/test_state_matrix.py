"""The state matrix: each state a credential (or its holder) can be in, built through the
services, and what every surface says about it: the dashboard card, the staff practitioner
view, the console, /verify/, the JSON API, the signed credential's status bits, the webhook
events and the emails. docs/states.md holds the same table; this test reads it, so the
page cannot drift from what the product does."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api import tokens
from api.scopes import SCOPES
from certifications.vc import services as vc
from certifications.vc import status_list
from certifications.vc.models import StatusList
from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.audits import services as audits
from renewals.claims.services import submit_claim
from tests.certifications.vc.conftest import new_private_key_text
from tests.factories import (
    EVIDENCE_PNG,
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)
from webhooks import services as webhooks
from webhooks.models import EVENT_NAMES, WebhookEvent, WebhookSubscription

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 5, 1)
DOC = Path(settings.BASE_DIR) / "docs" / "states.md"
COLUMNS = [
    "dashboard says",
    "dashboard offers",
    "staff view says",
    "console counts",
    "/verify/",
    "API state",
    "signed status bits",
    "webhook events",
    "emails",
]


@pytest.fixture(autouse=True)
def _world(settings, tmp_path, monkeypatch):
    settings.CREDENTIAL_SIGNING_KEY = new_private_key_text()
    settings.CREDENTIAL_SIGNING_OLD_KEYS = []
    settings.VAR_DIR = tmp_path / "var"
    # The webhook's address resolves to a public one without the network.
    monkeypatch.setattr("webhooks.guard.resolver", lambda host, port: ["93.184.216.34"])
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff_user():
    return StaffFactory()


def _submitted(holder, *, amounts=("8", "8", "4")):
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    for i, amount in enumerate(amounts):
        seus_for(holder, amount, earned_on=D(2026, 1, 10 + i))
    services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="PAY-1"
    )
    return credential


def _evidence(audit):
    for item in audits.audit_items(audit):
        audits.send_evidence(
            item=item,
            practitioner=audit.renewal.practitioner,
            evidence=SimpleUploadedFile("proof.png", EVIDENCE_PNG, "image/png"),
        )


def build(state, holder, staff):
    """Put `holder` in `state` through the services; returns the credential it concerns
    (None for a claim with nothing held)."""
    cspo = ProgramFactory(code="CSPO")
    if state == "active":
        return CredentialFactory(holder=holder, program=cspo, issued_on=D(2025, 6, 1))
    if state == "renewal_due":
        return credential_expiring(D(2026, 6, 30), holder=holder)
    if state == "grace":
        return credential_expiring(D(2026, 4, 1), holder=holder)
    if state == "lapsed":
        return credential_expiring(D(2025, 12, 1), holder=holder)
    if state == "revoked":
        credential = CredentialFactory(holder=holder, program=cspo, issued_on=D(2025, 6, 1))
        vc.revoke_credential(credential=credential, by=staff, reason="Issued in error")
        return credential
    if state == "claim_pending":
        submit_claim(
            practitioner=holder,
            program=cspo,
            certificate_number="CSPO-ELSEWHERE1",
            issued_on=D(2025, 9, 10),
        )
        return None
    if state == "claim_duplicating":
        credential = CredentialFactory(holder=holder, program=cspo, issued_on=D(2025, 6, 1))
        submit_claim(
            practitioner=holder,
            program=cspo,
            certificate_number="CSPO-ELSEWHERE1",
            issued_on=D(2025, 9, 10),
        )
        return credential
    credential = _submitted(holder)
    renewal = credential.cycles.get(status="submitted").renewal
    if state == "renewal_submitted":
        return credential
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    if state == "under_seu_audit":
        return credential
    _evidence(audit)
    if state == "evidence_received":
        return credential
    if state == "fee_confirmed":
        # One entry rejected: the audit closes, the fee is confirmed, the 12 SEUs left no
        # longer cover the renewal, so it waits with its fee confirmed.
        first, *rest = audits.audit_items(audit)
        audits.decide_item(item=first, by=staff, accept=False, reason="No proof")
        for item in rest:
            audits.decide_item(item=item, by=staff, accept=True)
        services.confirm_fee(renewal=renewal, by=staff)
        return credential
    raise AssertionError(state)


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def observe(holder, credential, staff):
    """What each surface says, in the words of docs/states.md's columns."""
    own = Client()
    own.force_login(holder.user)
    dashboard = own.get(reverse("dashboard")).text
    staff_client = Client()
    staff_client.force_login(staff)
    staff_view = staff_client.get(reverse("staff_practitioner", args=[holder.pk])).text
    console = staff_client.get(reverse("staff_console")).context["counts"]
    row = {
        "console counts": ", ".join(c.label for c in console if c.count) or "—",
        "emails": ", ".join(sorted(set(OutboundEmail.objects.values_list("template", flat=True))))
        or "—",
        "webhook events": ", ".join(
            sorted(set(WebhookEvent.objects.values_list("type", flat=True)))
        )
        or "—",
    }
    claim = "claim waits" if "pending-claim" in dashboard else ""
    if claim:
        claims_page = staff_client.get(reverse("staff_claims")).text
        row["console counts"] += (
            "; claim: holds it already, no approval offered"
            if "claim-held" in claims_page
            else "; claim: approval offered"
        )
    if credential is None:
        empty = "You hold no credential yet" in dashboard
        row.update(
            {
                "dashboard says": claim or ("no credential yet" if empty else "?"),
                "dashboard offers": "—",
                "staff view says": "—",
                "/verify/": "—",
                "API state": "—",
                "signed status bits": "—",
            }
        )
        return row
    card = dashboard[dashboard.index(f'id="credential-{credential.pk}"') :]
    card = card[: card.index("</article>")]
    state = re.search(r'data-state="([^"]+)"', card).group(1)
    word = _text(re.search(r'data-state="[^"]+">([^<]+)<', card).group(1))
    offers = [
        name
        for name, marker in (
            ("Submit your renewal", ">Submit your renewal<"),
            ("Log SEUs", ">Log SEUs<"),
        )
        if marker in card
    ]
    staff_cell = re.search(rf'data-state="{state}">(.*?)</td>', staff_view, re.S)
    verify = own.get(reverse("verify_credential", args=[credential.certificate_number])).text
    secret = tokens.create_token(user=holder.user, name="t", scopes=sorted(SCOPES)).secret
    api = Client().get("/api/v1/credentials", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    [api_row] = [r for r in api if r["certificate_number"] == credential.certificate_number]
    row.update(
        {
            "dashboard says": word + (f" + {claim}" if claim else ""),
            "dashboard offers": ", ".join(offers) or "—",
            "staff view says": _text(staff_cell.group(1)) if staff_cell else "?",
            "/verify/": re.search(r'data-status="([^"]+)"', verify).group(1),
            "API state": f"`{api_row['state']}`",
            "signed status bits": _status_bits(credential),
        }
    )
    return row


def _status_bits(credential):
    signed = vc.issue_signed_credential(credential)
    vc.refresh_status_lists()
    number, position = status_list.location(signed.status_index)
    bits = [
        purpose
        for purpose in StatusList.Purpose.values
        if (lists := StatusList.objects.filter(purpose=purpose, number=number).first())
        and status_list.bit_is_set(status_list.decode(lists.encoded_list), position)
    ]
    return ", ".join(bits) or "none"


def documented():
    """{state: {column: cell}} from docs/states.md's table."""
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(COLUMNS) + 1 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            rows[cells[0].strip("`")] = dict(zip(COLUMNS, cells[1:], strict=True))
    return rows


STATES = [
    "active",
    "renewal_due",
    "renewal_submitted",
    "under_seu_audit",
    "evidence_received",
    "fee_confirmed",
    "grace",
    "lapsed",
    "revoked",
    "claim_pending",
    "claim_duplicating",
]


def test_the_documented_table_names_every_state_once():
    assert list(documented()) == STATES


@pytest.mark.parametrize("state", STATES)
def test_every_surface_says_what_docs_states_md_says(
    state, staff_user, django_capture_on_commit_callbacks
):
    holder = PractitionerFactory()
    webhooks.create_subscription(
        owner=staff_user,
        url="https://hooks.example.com/in",
        events=EVENT_NAMES,
        scope=WebhookSubscription.Scope.ORGANISATION,
    )
    with django_capture_on_commit_callbacks(execute=True):
        credential = build(state, holder, staff_user)
        # As the product stands after its daily sweep (stored statuses, reminders).
        call_command("send_renewal_reminders")
    observed = observe(holder, credential, staff_user)
    row = " | ".join(observed[c] for c in COLUMNS)
    assert observed == documented()[state], f"\n| `{state}` | {row} |"
