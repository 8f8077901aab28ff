"""Spreadsheet imports: the commands and the staff upload pages share one service."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from certifications.models import Credential, Practitioner, User
from renewals.models import RenewalCycle
from seus.models import SeuEntry
from tests.factories import CredentialFactory, PractitionerFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db

CREDENTIALS = """email,first_name,last_name,program,certificate_number,issued_on,expires_on
ana@example.com,Ana,Alves,CSPO,CSPO-OLD0001,2024-02-29,
ben@example.com,Ben,Brown,CSM,CSM-OLD0002,2025-01-15,2027-01-15
ana@example.com,Ana,Alves,CSM,CSM-OLD0003,2025-03-01,2027-06-30
"""


def write(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(command, path, *args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(command, path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_importing_credentials_creates_practitioners_credentials_and_cycles(tmp_path):
    out, _ = run("import_credentials", write(tmp_path, CREDENTIALS))
    assert "Created 3, unchanged 0." in out
    ana = Practitioner.objects.get(user__email="ana@example.com")
    assert ana.full_name == "Ana Alves"
    cspo = Credential.objects.get(certificate_number="CSPO-OLD0001")
    assert cspo.holder == ana
    assert cspo.expires_on == datetime.date(2026, 2, 28)  # computed: 24 calendar months
    assert Credential.objects.get(certificate_number="CSM-OLD0003").expires_on == datetime.date(
        2027, 6, 30
    )
    assert RenewalCycle.objects.filter(credential__certificate_number__endswith="OLD0001").exists()
    assert RenewalCycle.objects.count() == 3


def test_re_importing_the_same_credentials_file_changes_nothing(tmp_path):
    path = write(tmp_path, CREDENTIALS)
    run("import_credentials", path)
    before = list(Credential.objects.values_list("pk", "certificate_number", "expires_on"))
    out, _ = run("import_credentials", path)
    assert "Created 0, unchanged 3." in out
    assert list(Credential.objects.values_list("pk", "certificate_number", "expires_on")) == before
    assert RenewalCycle.objects.count() == 3


def test_re_importing_a_file_after_a_credential_renewed_changes_nothing(tmp_path):
    from renewals.services import confirm_fee, submit_renewal
    from tests.factories import StaffFactory, seus_for

    path = write(tmp_path, CREDENTIALS)
    run("import_credentials", path)
    cspo = Credential.objects.get(certificate_number="CSPO-OLD0001")
    seus_for(cspo.holder, 20, earned_on=datetime.date(2025, 12, 1))
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)):
        renewal = submit_renewal(
            practitioner=cspo.holder, credentials=[cspo], payment_reference="PAY-1"
        )
        confirm_fee(renewal=renewal, by=StaffFactory())
    renewed_on = Credential.objects.get(pk=cspo.pk).expires_on
    assert renewed_on == datetime.date(2028, 2, 28)

    out, _ = run("import_credentials", path)

    assert "Created 0, unchanged 3." in out
    assert Credential.objects.get(pk=cspo.pk).expires_on == renewed_on


def test_a_row_expiring_later_than_the_stored_credential_is_refused(tmp_path):
    run("import_credentials", write(tmp_path, CREDENTIALS))
    later = CREDENTIALS.replace(
        "CSM-OLD0002,2025-01-15,2027-01-15", "CSM-OLD0002,2025-01-15,2028-01-15"
    )
    with pytest.raises(CommandError, match="1 bad row"):
        run("import_credentials", write(tmp_path, later, "later.csv"))
    stored = Credential.objects.get(certificate_number="CSM-OLD0002")
    assert stored.expires_on == datetime.date(2027, 1, 15)


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    out, _ = run("import_credentials", write(tmp_path, CREDENTIALS), "--dry-run")
    assert "would create 3" in out
    assert not Credential.objects.exists()
    assert not User.objects.filter(email="ana@example.com").exists()


def test_a_bad_credentials_file_is_refused_whole_with_one_line_per_bad_row(tmp_path):
    taken = CredentialFactory(certificate_number="CSPO-TAKEN")
    text = (
        "email,first_name,last_name,program,certificate_number,issued_on\n"
        "good@example.com,Good,Row,CSPO,CSPO-NEW0001,2025-01-01\n"
        "not-an-email,Bad,Email,CSPO,CSPO-NEW0002,2025-01-01\n"
        "x@example.com,Bad,Program,XYZ,CSPO-NEW0003,2025-01-01\n"
        "y@example.com,Bad,Date,CSPO,CSPO-NEW0004,01/02/2025\n"
        "z@example.com,Dup,Number,CSPO,CSPO-NEW0001,2025-01-01\n"
        "w@example.com,Taken,Number,CSPO,CSPO-TAKEN,2025-01-01\n"
    )
    with pytest.raises(CommandError, match="5 bad row"):
        run("import_credentials", write(tmp_path, text))
    assert list(Credential.objects.all()) == [taken]
    assert not User.objects.filter(email="good@example.com").exists()


def test_each_bad_row_is_printed_with_its_line_number(tmp_path, capsys):
    text = (
        "email,first_name,last_name,program,certificate_number,issued_on,expires_on\n"
        "a@example.com,A,A,CSPO,N-1,2025-01-01,2024-01-01\n"
        "b@example.com,B,B,NOPE,N-2,2025-01-01,\n"
    )
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_credentials", write(tmp_path, text), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].endswith("line 2: expires_on must be after issued_on")
    assert lines[1].endswith("line 3: unknown program 'NOPE'")


def test_a_file_missing_a_column_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run("import_credentials", write(tmp_path, "email,program\na@example.com,CSPO\n"))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_credentials", str(tmp_path / "nope.csv"))


SEUS = """email,earned_on,category,seus,activity
sam@example.com,2026-01-10,C,6,Agile conference day 1
sam@example.com,2026-01-11,e,2.5,Book: Inspired
"""


def test_importing_seus_creates_entries_and_re_importing_changes_nothing(tmp_path):
    sam = PractitionerFactory(user__email="sam@example.com")
    path = write(tmp_path, SEUS)
    out, _ = run("import_seus", path)
    assert "Created 2, unchanged 0." in out
    entries = SeuEntry.objects.filter(practitioner=sam).order_by("earned_on")
    assert [(e.category.code, e.seus) for e in entries] == [
        ("C", Decimal("6")),
        ("E", Decimal("2.5")),
    ]
    out, _ = run("import_seus", path)
    assert "Created 0, unchanged 2." in out
    assert SeuEntry.objects.count() == 2


def test_two_identical_seu_rows_in_one_file_are_two_entries(tmp_path):
    PractitionerFactory(user__email="bo@example.com")
    text = (
        "email,earned_on,category,seus,activity\n"
        "bo@example.com,2026-01-10,E,1,Podcast\n"
        "bo@example.com,2026-01-10,E,1,Podcast\n"
    )
    path = write(tmp_path, text)
    out, _ = run("import_seus", path)
    assert "Created 2, unchanged 0." in out
    out, _ = run("import_seus", path)
    assert "Created 0, unchanged 2." in out
    assert SeuEntry.objects.count() == 2


def test_a_third_identical_seu_row_adds_one_entry_to_the_two_stored(tmp_path):
    PractitionerFactory(user__email="bo@example.com")
    row = "bo@example.com,2026-01-10,E,1,Podcast\n"
    header = "email,earned_on,category,seus,activity\n"
    run("import_seus", write(tmp_path, header + row * 2))
    out, _ = run("import_seus", write(tmp_path, header + row * 3, "three.csv"))
    assert "Created 1, unchanged 2." in out
    assert SeuEntry.objects.count() == 3


def test_a_bad_seus_file_is_refused_whole(tmp_path):
    PractitionerFactory(user__email="sam@example.com")
    SeuEntryFactory(
        practitioner__user__email="kim@example.com", earned_on=datetime.date(2026, 2, 1), seus=6
    )
    text = (
        "email,earned_on,category,seus,activity\n"
        "sam@example.com,2026-01-10,C,6,Good row\n"
        "nobody@example.com,2026-01-10,C,1,Unknown person\n"
        "sam@example.com,2026-01-10,Z,1,Unknown category\n"
        "sam@example.com,2026-01-12,C,-1,Negative\n"
        "kim@example.com,2026-02-01,C,3,Over the day's cap with what is stored\n"
        "sam@example.com,2026-01-13,C,2,\n"
        "sam@example.com,2026-12-01,C,2,From the future\n"
    )
    from io import StringIO

    err = StringIO()
    with (
        time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)),
        pytest.raises(CommandError, match="6 bad row"),
    ):
        call_command("import_seus", write(tmp_path, text), stderr=err)
    messages = err.getvalue()
    assert "line 3: no practitioner with email nobody@example.com" in messages
    assert "line 4: unknown category 'Z'" in messages
    # Rows that parse go through the SEU log's own rules and messages.
    assert "line 5: SEUs must be more than zero." in messages
    assert "line 6: At most 8 SEUs count per day; you already logged 6 on 1 Feb 2026" in messages
    assert "line 7: activity is empty" in messages
    assert "line 8: The date cannot be in the future." in messages
    assert SeuEntry.objects.count() == 1


def test_staff_upload_a_credentials_file_through_the_same_service(staff_client):
    upload = SimpleUploadedFile("creds.csv", CREDENTIALS.encode(), content_type="text/csv")
    response = staff_client.post(reverse("import_credentials"), {"file": upload})
    assert "Created 3, unchanged 0." in response.content.decode()
    assert Credential.objects.count() == 3


def test_staff_see_each_bad_row_of_an_uploaded_file_and_nothing_is_written(staff_client):
    text = "email,earned_on,category,seus,activity\nnobody@example.com,2026-01-10,C,1,Talk\n"
    upload = SimpleUploadedFile("seus.csv", text.encode(), content_type="text/csv")
    response = staff_client.post(reverse("import_seus"), {"file": upload, "dry_run": "on"})
    page = response.content.decode()
    assert "The file was refused" in page
    assert "Line 2: no practitioner with email nobody@example.com" in page
    assert not SeuEntry.objects.exists()


@pytest.mark.parametrize("name", ["import_credentials", "import_seus"])
def test_practitioners_cannot_reach_the_import_pages(practitioner_client, name):
    assert practitioner_client.get(reverse(name)).status_code == 403
