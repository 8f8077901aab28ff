"""Evidence keeps its file name; an identical entry warns first."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seus.models import SeuEntry
from seus.services import original_name
from tests.factories import SeuCategoryFactory, SeuEntryFactory
from tests.seus.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db
CREATE = reverse("seus:create")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def form_data(**changes):
    data = {
        "earned_on": "2026-02-10",
        "category": SeuCategoryFactory(code="C").pk,
        "activity": "Agile Tour Vienna",
        "seus": "3",
    }
    data.update(changes)
    return data


def test_evidence_is_downloaded_under_the_name_it_was_uploaded_with(practitioner_client):
    upload = SimpleUploadedFile(
        "Agile Tour – Teilnahmebestätigung.pdf", PDF_BYTES, content_type="application/pdf"
    )
    practitioner_client.post(CREATE, form_data(evidence=upload))
    entry = SeuEntry.objects.get()
    assert entry.evidence_name == "Agile Tour – Teilnahmebestätigung.pdf"
    response = practitioner_client.get(reverse("seus:evidence", args=[entry.pk]))
    disposition = response["Content-Disposition"]
    assert (
        "filename*=utf-8''Agile%20Tour%20%E2%80%93%20Teilnahmebest%C3%A4tigung.pdf" in disposition
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_plain_name_is_kept_as_is_and_quotes_are_escaped(practitioner_client):
    upload = SimpleUploadedFile('my "receipt".pdf', PDF_BYTES, content_type="application/pdf")
    practitioner_client.post(CREATE, form_data(evidence=upload))
    entry = SeuEntry.objects.get()
    response = practitioner_client.get(reverse("seus:evidence", args=[entry.pk]))
    assert response["Content-Disposition"] == 'inline; filename="my \\"receipt\\".pdf"'


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\scan.JPG", "scan.JPG"),
        ("scan", "scan.pdf"),
        ("invoice.exe", "invoice.exe.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_the_kept_name_is_a_safe_file_name_ending_in_its_real_type(uploaded, kept):
    extension = "jpg" if uploaded.lower().endswith(".jpg") else "pdf"
    assert original_name(uploaded, extension) == kept


def test_an_identical_entry_warns_and_is_saved_only_when_confirmed(practitioner_client):
    me = practitioner_client.practitioner
    SeuEntryFactory(
        practitioner=me,
        earned_on=datetime.date(2026, 2, 10),
        activity="Agile Tour Vienna",
        seus=Decimal("3"),
        category=SeuCategoryFactory(code="C"),
    )
    warned = practitioner_client.post(CREATE, form_data(activity="agile tour  vienna"))
    assert warned.status_code == 200
    page = warned.content.decode()
    assert "You already logged" in page and "Save it anyway" in page
    assert 'type="checkbox" name="save_anyway"' in page
    assert SeuEntry.objects.count() == 1
    saved = practitioner_client.post(CREATE, form_data(save_anyway="on"))
    assert saved.status_code == 302
    assert SeuEntry.objects.count() == 2


def test_a_different_entry_on_the_same_day_saves_without_a_warning(practitioner_client):
    me = practitioner_client.practitioner
    SeuEntryFactory(
        practitioner=me,
        earned_on=datetime.date(2026, 2, 10),
        activity="Agile Tour Vienna",
        seus=Decimal("2"),
        category=SeuCategoryFactory(code="C"),
    )
    response = practitioner_client.post(CREATE, form_data())
    assert response.status_code == 302
    page = practitioner_client.get(CREATE).content.decode()
    assert 'type="checkbox" name="save_anyway"' not in page
