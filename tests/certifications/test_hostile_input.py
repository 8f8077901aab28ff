"""Bad dates and certificate numbers are refused at the door, on every input path, with a
line naming the row; the database refuses them too; one bad row never stops the sweep."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from certifications.imports.services import ImportRefused, import_credentials
from certifications.models import Credential, Practitioner
from renewals.sweep import services as sweep
from tests.factories import CredentialFactory, credential_expiring

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,program,certificate_number,issued_on,expires_on\n"


def refused_lines(text):
    with pytest.raises(ImportRefused) as refused:
        import_credentials(text=HEADER + text)
    return dict(refused.value.errors)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("a@example.com,A,B,CSPO,N-1,2025-01-01,9999-12-31", "expires_on 9999-12-31: Enter a date"),
        ("a@example.com,A,B,CSPO,N-1,9999-01-01,", "issued_on 9999-01-01: Enter a date"),
        ("a@example.com,A,B,CSPO,N-1,1900-01-01,", "issued_on 1900-01-01: Enter a date"),
        ("a@example.com,A,B,CSPO,N-1,2199-06-01,", "the expiry would pass 2199-12-31"),
        ("a@example.com,A\x00x,B,CSPO,N-1,2025-01-01,", "first_name contains a control character"),
        (f"a@example.com,{'x' * 151},B,CSPO,N-1,2025-01-01,", "first_name is longer than 150"),
        ("a@example.com,A,B,CSPO,IMP/SLASH/1,2025-01-01,", "only capital letters, digits"),
        ('a@example.com,A,B,CSPO,"N-1\nX",2025-01-01,', "certificate_number contains a control"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(row, problem):
    errors = refused_lines(row + "\n")
    [(line, message)] = errors.items()
    assert problem in message
    assert line == (3 if "\n" in row else 2)  # a quoted line break ends on line 3
    assert not Credential.objects.exists() and not Practitioner.objects.exists()


def test_the_command_exits_non_zero_naming_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "a@example.com,A,B,CSPO,N-1,9999-01-01,\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_credentials", str(path), stderr=err)
    assert "line 2: issued_on 9999-01-01" in err.getvalue()


def test_the_staff_upload_page_shows_the_bad_row_and_never_500s(staff_client):
    upload = SimpleUploadedFile(
        "c.csv", (HEADER + "a@example.com,A\x00,B,CSPO,N-1,9999-01-01,\n").encode()
    )
    response = staff_client.post(reverse("import_credentials"), {"file": upload})
    assert response.status_code == 200
    assert "control character" in response.text and "issued_on 9999-01-01" in response.text
    assert not Credential.objects.exists()


def test_numbers_are_stored_in_capitals_so_any_case_imports_the_same_credential():
    import_credentials(text=HEADER + "a@example.com,A,B,CSPO,cspo-abc1,2025-01-01,\n")
    assert Credential.objects.get().certificate_number == "CSPO-ABC1"
    result = import_credentials(text=HEADER + "a@example.com,A,B,CSPO,CSPO-ABC1,2025-01-01,\n")
    assert (result.created, result.unchanged) == (0, 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"certificate_number": "IMP/SLASH/1"},
        {"certificate_number": "lower-1"},
        {"expires_on": datetime.date(9999, 12, 31)},
        {"issued_on": datetime.date(1900, 1, 1)},
    ],
)
def test_the_database_refuses_bad_numbers_and_dates(fields):
    credential = CredentialFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.filter(pk=credential.pk).update(**fields)


def test_credentials_at_the_edges_of_the_sane_dates_do_not_stop_the_sweep():
    """The sweep computes in SQL with bounds taken from today, never from a row's date,
    so no row can make it fail: the earliest and latest dates the database accepts are
    swept with the rest."""
    earliest = credential_expiring(datetime.date(2026, 6, 30))
    latest = credential_expiring(datetime.date(2026, 6, 30))
    good = credential_expiring(datetime.date(2026, 6, 30))
    Credential.objects.filter(pk=earliest.pk).update(
        issued_on=datetime.date(1990, 1, 1), expires_on=datetime.date(1990, 1, 2)
    )
    Credential.objects.filter(pk=latest.pk).update(expires_on=datetime.date(2199, 12, 31))
    out, err = StringIO(), StringIO()
    call_command("send_renewal_reminders", "--today", "2026-06-23", stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert "reminders sent: 1" in out.getvalue()
    statuses = dict(Credential.objects.values_list("pk", "status"))
    assert statuses == {earliest.pk: "lapsed", latest.pk: "active", good.pk: "renewal_due"}
    assert sweep.run_sweep(today=datetime.date(2026, 6, 23)).bad_rows == []


def test_an_seu_dated_a_century_ago_is_refused_beside_the_field(practitioner_client):
    from tests.seus.test_entry_views import form_data

    response = practitioner_client.post(reverse("seus:create"), form_data(earned_on="1900-01-01"))
    assert response.status_code == 200
    assert "Enter a date between 1 Jan 1990 and 31 Dec 2199" in response.text


@pytest.mark.parametrize(
    ("row", "issued_on", "expires_on"),
    [
        ("a@example.com,A,B,CSPO,N-1,1990-01-01,", "1990-01-01", "1992-01-01"),
        ("a@example.com,A,B,CSPO,N-1,2198-01-01,2199-12-31", "2198-01-01", "2199-12-31"),
    ],
)
def test_the_first_and_last_sane_days_themselves_are_accepted(row, issued_on, expires_on):
    result = import_credentials(text=HEADER + row + "\n")
    assert result.created == 1
    credential = Credential.objects.get()
    assert (credential.issued_on.isoformat(), credential.expires_on.isoformat()) == (
        issued_on,
        expires_on,
    )
