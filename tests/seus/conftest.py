import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from renewals.models import Renewal
from tests.factories import CredentialFactory

# A fixed "now": 1 March 2026, noon UTC. A CSPO issued 1 Jun 2025 expires 1 Jun 2027 and
# its look-back window is 1 Jun 2025 - 1 Jun 2027.
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


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
