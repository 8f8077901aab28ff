from decimal import Decimal

from certifications.models import Program
from renewals.models import ReminderOffset
from seus.models import SeuCategory
from tests.factories import CredentialFactory, ProgramFactory


def test_cspo_ships_with_the_domain_rules_as_data(db):
    cspo = Program.objects.get(code="CSPO")
    assert cspo.validity_months == 24
    assert cspo.seus_required == Decimal("20")
    assert (cspo.renewal_fee, cspo.fee_currency) == (Decimal("100"), "USD")
    assert cspo.course_hours_required == Decimal("16")
    assert cspo.grace_days == 90
    assert cspo.track == Program.Track.PRODUCT_OWNER


def test_the_other_scrum_alliance_programs_ship_by_level(db):
    fees = dict(Program.objects.values_list("code", "renewal_fee"))
    assert fees["CSM"] == fees["CSD"] == Decimal("100")
    assert fees["A-CSPO"] == fees["A-CSM"] == Decimal("175")
    assert fees["CSP-PO"] == fees["CSP-SM"] == fees["CSP"] == Decimal("250")


def test_seu_categories_a_to_f_ship_without_caps(db):
    categories = SeuCategory.objects.order_by("code")
    assert [c.code for c in categories] == list("ABCDEF")
    assert all(c.cap is None for c in categories)


def test_reminder_offsets_ship_with_the_expiry_day_mandatory(db):
    offsets = dict(ReminderOffset.objects.values_list("days_before_expiry", "is_optional"))
    assert offsets == {90: True, 60: True, 30: True, 7: True, 0: False, -30: True}


def test_a_changed_program_row_changes_new_credentials_and_their_cycle(db):
    program = ProgramFactory(code="CSPO")
    program.seus_required, program.renewal_fee = Decimal("30"), Decimal("150")
    program.save()
    cycle = CredentialFactory(program=program).cycles.get()
    assert (cycle.seus_required, cycle.fee_amount) == (Decimal("30"), Decimal("150"))
