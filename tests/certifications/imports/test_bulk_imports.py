"""Imports at scale: the file is checked whole, then written in bulk, with a
number of queries that does not grow with the rows; issuing in bulk follows the same
rules as issuing one credential."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.imports.services import ImportRefused, import_credentials
from certifications.issuing.services import issue_credential
from certifications.models import Credential, Practitioner, Program, User
from renewals.models import RenewalCycle
from seus.imports import import_seus
from seus.models import SeuEntry
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,program,certificate_number,issued_on,expires_on\n"
SEU_HEADER = "email,earned_on,category,seus,activity\n"


def credential_rows(n, *, start=0):
    return "".join(
        f"p{i}@example.com,First{i},Last{i},CSPO,BULK-{i:06d},2025-0{1 + i % 9}-1{i % 10},\n"
        for i in range(start, start + n)
    )


def seu_rows(emails, n, *, label="Talk"):
    return "".join(
        f"{emails[i % len(emails)]},2026-01-{1 + i % 28:02d},{'ABCDEF'[i % 6]},1,{label} {i}\n"
        for i in range(n)
    )


def queries_for(run):
    """Queries the import sends. On SQLite Django splits an INSERT at 999 parameters, so
    there the inserts are left out; on PostgreSQL every statement counts (COPY included)."""
    with CaptureQueriesContext(connection) as captured:
        run()
    return [
        q["sql"]
        for q in captured.captured_queries
        if connection.vendor == "postgresql" or not q["sql"].startswith("INSERT")
    ]


def test_importing_credentials_takes_as_many_queries_for_200_rows_as_for_one():
    one = queries_for(lambda: import_credentials(text=HEADER + credential_rows(1)))
    many = queries_for(lambda: import_credentials(text=HEADER + credential_rows(200, start=1)))
    assert len(many) == len(one)
    assert Credential.objects.count() == RenewalCycle.objects.count() == 201


def test_re_importing_200_credentials_takes_as_many_queries_as_one():
    import_credentials(text=HEADER + credential_rows(201))
    one = queries_for(lambda: import_credentials(text=HEADER + credential_rows(1)))
    many = queries_for(lambda: import_credentials(text=HEADER + credential_rows(200, start=1)))
    assert len(many) == len(one)


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_importing_seus_takes_as_many_queries_for_200_rows_as_for_one():
    emails = [PractitionerFactory().user.email for _ in range(20)]
    one = queries_for(lambda: import_seus(text=SEU_HEADER + seu_rows(emails[:1], 1, label="Book")))
    many = queries_for(lambda: import_seus(text=SEU_HEADER + seu_rows(emails, 200)))
    assert len(many) == len(one)
    assert SeuEntry.objects.count() == 201


@pytest.mark.parametrize("bad_line", [2, 150, 301])
def test_one_bad_row_anywhere_in_a_big_file_writes_nothing(bad_line):
    rows = credential_rows(300).splitlines(keepends=True)
    rows[bad_line - 2] = rows[bad_line - 2].replace(",CSPO,", ",NOPE,")
    with pytest.raises(ImportRefused) as refused:
        import_credentials(text=HEADER + "".join(rows))
    assert refused.value.errors == [(bad_line, "unknown program 'NOPE'")]
    assert not Credential.objects.exists()
    assert not User.objects.filter(email__endswith="@example.com").exists()
    assert not RenewalCycle.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_one_bad_seu_row_at_the_end_writes_nothing():
    emails = [PractitionerFactory().user.email for _ in range(10)]
    text = SEU_HEADER + seu_rows(emails, 250) + f"{emails[0]},2026-01-02,C,0.1,Odd step\n"
    with pytest.raises(ImportRefused) as refused:
        import_seus(text=text)
    assert refused.value.errors == [(252, "SEUs are counted in steps of 0.25 hours.")]
    assert not SeuEntry.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_the_daily_cap_counts_earlier_rows_of_the_same_file():
    email = PractitionerFactory().user.email
    text = SEU_HEADER + "".join(f"{email},2026-01-05,E,3,Talk {i}\n" for i in range(3))
    with pytest.raises(ImportRefused) as refused:
        import_seus(text=text)
    assert refused.value.errors == [
        (4, "At most 8 SEUs count per day; you already logged 6 on 5 Jan 2026, so 2 more fit.")
    ]


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_the_category_cap_counts_stored_entries_and_earlier_rows_in_the_window():
    from seus.models import SeuCategory

    SeuCategory.objects.filter(code="F").update(cap=5)
    import_credentials(text=HEADER + "cap@example.com,Cap,Ped,CSPO,CAP-1,2025-03-01,\n")
    text = SEU_HEADER + "".join(f"cap@example.com,2026-01-0{d},F,2,Talk {d}\n" for d in (1, 2, 3))
    with pytest.raises(ImportRefused) as refused:
        import_seus(text=text)
    assert refused.value.errors == [
        (
            4,
            "Category F counts at most 5 SEUs per renewal window; 4 are already logged "
            "in the window ending 1 Mar 2027.",
        )
    ]


def test_bulk_issued_credentials_get_the_expiry_and_cycle_of_issuing_one():
    import_credentials(text=HEADER + "a@example.com,A,A,CSPO,BULK-1,2024-02-29,\n")
    bulk = Credential.objects.get(certificate_number="BULK-1")
    single = issue_credential(
        holder=bulk.holder, program=Program.objects.get(code="CSPO"), issued_on=bulk.issued_on
    )
    assert bulk.expires_on == single.expires_on == datetime.date(2026, 2, 28)
    fields = ("window_starts_on", "ends_on", "seus_required", "seus_addon", "fee_amount")
    assert RenewalCycle.objects.filter(credential=bulk).values(*fields).get() == (
        RenewalCycle.objects.filter(credential=single).values(*fields).get()
    )
    assert bulk.status == single.status == Credential.Status.ACTIVE


def test_imported_people_have_no_usable_password_and_one_profile_each():
    import_credentials(
        text=HEADER
        + "a@example.com,A,A,CSPO,BULK-1,2025-01-01,\n"
        + "A@Example.com,A,A,CSM,BULK-2,2025-01-01,\n"
    )
    user = User.objects.get(email="a@example.com")
    assert not user.has_usable_password()
    assert Practitioner.objects.filter(user=user).count() == 1
    assert user.practitioner.credentials.count() == 2


class Terminal(StringIO):
    def isatty(self):
        return True


def test_the_command_shows_progress_on_a_terminal_only(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + credential_rows(40))
    terminal = Terminal()
    call_command("import_credentials", str(path), "--dry-run", stdout=terminal)
    shown = terminal.getvalue()
    assert "\rchecking: 20 of 40 rows (50 %)" in shown
    assert "\rwriting: 40 of 40 rows (100 %)" in shown
    assert shown.splitlines()[-1].endswith(
        "Dry run, nothing written: would create 40, unchanged 0."
    )
    piped = StringIO()
    call_command("import_credentials", str(path), "--dry-run", stdout=piped)
    assert piped.getvalue() == "Dry run, nothing written: would create 40, unchanged 0.\n"
