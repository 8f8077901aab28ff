import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from renewals.models import Renewal
from tests.factories import EVIDENCE_PDF, EVIDENCE_PNG, CredentialFactory

# A fixed "now": 1 March 2026, noon UTC. A CSPO issued 1 Jun 2025 expires 1 Jun 2027 and
# its look-back window is 1 Jun 2025 - 1 Jun 2027.
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)

PDF_BYTES = EVIDENCE_PDF
PNG_BYTES = EVIDENCE_PNG


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def credential(practitioner):
    return CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))


@pytest.fixture
def pdf():
    return SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def png():
    return SimpleUploadedFile("certificate.png", PNG_BYTES, content_type="image/png")


@pytest.fixture
def completed_renewal(practitioner):
    return Renewal.objects.create(
        practitioner=practitioner,
        status=Renewal.Status.COMPLETED,
        seus_required=Decimal("20"),
        fee_amount=Decimal("100"),
        fee_currency="USD",
        fee_status=Renewal.FeeStatus.CONFIRMED,
    )
