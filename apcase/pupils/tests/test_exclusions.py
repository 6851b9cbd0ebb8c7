from datetime import date
from decimal import Decimal

import pytest

from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.pupils import selectors, services
from apcase.pupils.models import Exclusion
from apcase.pupils.tests.factories import ExclusionFactory, PupilFactory
from apcase.schooldays.models import ClosureDay
from apcase.schooldays.testing import enter_school_year
from conftest import Role


@pytest.fixture
def pupil(world):
    """A pupil at a school whose LA has entered every term of 2025/26 and 2026/27
    (Autumn 1 of 2026 is 2 Sept–23 Oct, then half term, Autumn 2 is 2 Nov–18 Dec)."""
    enter_school_year(world.la, 2025)
    enter_school_year(world.la, 2026)
    return PupilFactory(school=world.school, legal_first_name="Ellis", legal_last_name="Mace")


@pytest.fixture
def lead(user_with_role):
    return user_with_role(Role.INCLUSION_LEAD)


def suspend(by, pupil, length, start=date(2026, 9, 14), reasons=("DB",)):  # type: ignore[no-untyped-def]
    return services.record_exclusion(
        by=by,
        pupil=pupil,
        kind="suspension",
        details=services.ExclusionDetails(
            start_date=start, length_days=length, reasons=list(reasons)
        ),
    )


def test_half_days_count_as_half_towards_the_yearly_total(pupil, lead):
    suspend(lead, pupil, "1.5")
    suspend(lead, pupil, "0.5", start=date(2026, 9, 21))
    assert selectors.suspension_days_in_year(pupil, 2026) == Decimal("2")


def test_a_suspension_that_brings_the_year_to_exactly_45_days_is_recorded(pupil, lead):
    ExclusionFactory(pupil=pupil, length_days=43, start_date=date(2026, 9, 7))
    suspend(lead, pupil, 2, start=date(2026, 11, 2))
    assert selectors.suspension_days_in_year(pupil, 2026) == 45


def test_a_suspension_that_would_pass_45_days_is_refused_naming_the_days_remaining(pupil, lead):
    ExclusionFactory(pupil=pupil, length_days=43, start_date=date(2026, 9, 7))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        suspend(lead, pupil, "2.5", start=date(2026, 11, 2))
    message = str(refused.value)
    assert "already been suspended for 43 school days in 2026/27" in message
    assert "no more than 2 can be recorded" in message
    assert refused.value.errors["length_days"]
    assert pupil.exclusions.count() == 1
    assert AuditEvent.objects.count() == events


def test_suspensions_in_last_school_year_do_not_count_towards_this_years_limit(pupil, lead):
    ExclusionFactory(pupil=pupil, length_days=44, start_date=date(2026, 1, 5))
    suspend(lead, pupil, 5)
    assert selectors.suspension_days_in_year(pupil, 2026) == 5


def test_correcting_a_suspension_does_not_count_it_twice(pupil, lead):
    exclusion = ExclusionFactory(pupil=pupil, length_days=40)
    services.update_exclusion(
        by=lead,
        exclusion=exclusion,
        details=services.ExclusionDetails(
            start_date=exclusion.start_date, length_days=45, reasons=["DB"]
        ),
    )
    exclusion.refresh_from_db()
    assert exclusion.length_days == 45


@pytest.mark.parametrize("length", ["0", "-1", "1.25", "two"])
def test_a_suspension_length_must_be_whole_or_half_days(pupil, lead, length):
    with pytest.raises(ValidationFailed):
        suspend(lead, pupil, length)
    assert not pupil.exclusions.exists()


def test_an_exclusion_has_at_most_three_different_reason_codes(pupil, lead):
    with pytest.raises(ValidationFailed, match="no more than 3"):
        suspend(lead, pupil, 1, reasons=("DB", "VA", "PA", "DM"))
    with pytest.raises(ValidationFailed, match="only once"):
        suspend(lead, pupil, 1, reasons=("DB", "DB"))
    with pytest.raises(ValidationFailed, match="at least one"):
        suspend(lead, pupil, 1, reasons=())
    exclusion = suspend(lead, pupil, 1, reasons=("DB", "VA", "PA"))
    assert exclusion.reasons == ["DB", "VA", "PA"]


def test_recording_an_exclusion_is_audited_with_the_pupil(pupil, lead):
    exclusion = suspend(lead, pupil, 3)
    event = AuditEvent.objects.get(action="exclusion.recorded")
    assert event.pupil_id == pupil.pk
    assert event.target_id == str(exclusion.pk)
    assert event.actor_id == lead.pk


def test_school_staff_without_an_editing_role_cannot_record_an_exclusion(pupil, user_with_role):
    with pytest.raises(NotPermitted):
        suspend(user_with_role(Role.SCHOOL_STAFF), pupil, 1)


def test_another_schools_inclusion_lead_cannot_record_an_exclusion(world, pupil, user_with_role):
    outsider = user_with_role(Role.INCLUSION_LEAD, organisation=world.other_school)
    with pytest.raises(NotPermitted):
        suspend(outsider, pupil, 1)


def test_the_sixth_school_day_is_given_for_a_suspension_of_more_than_five_days(pupil):
    # Monday 14 Sept, 6 days: days 1-5 are 14-18 Sept, the 6th is Monday 21 Sept.
    ExclusionFactory(pupil=pupil, start_date=date(2026, 9, 14), length_days=6)
    (line,) = selectors.exclusion_history(pupil).lines
    assert line.provision_from == date(2026, 9, 21)


def test_the_sixth_school_day_skips_half_term_and_inset_days(pupil):
    ClosureDay.objects.create(date=date(2026, 11, 2), reason="INSET", school=pupil.school)
    # Wed 21 Oct: 21, 22, 23 Oct, then half term, INSET on 2 Nov, then 3, 4 Nov = day 5.
    ExclusionFactory(pupil=pupil, start_date=date(2026, 10, 21), length_days="5.5")
    (line,) = selectors.exclusion_history(pupil).lines
    assert line.provision_from == date(2026, 11, 5)


def test_no_sixth_day_is_given_for_a_suspension_of_five_days_or_fewer(pupil):
    ExclusionFactory(pupil=pupil, length_days=5)
    (line,) = selectors.exclusion_history(pupil).lines
    assert line.provision_from is None
    assert line.provision_problem == ""


def test_the_sixth_school_day_is_given_for_a_permanent_exclusion(pupil, lead):
    services.record_exclusion(
        by=lead,
        pupil=pupil,
        kind="permanent",
        details=services.ExclusionDetails(start_date=date(2026, 9, 14), reasons=["PA"]),
    )
    (line,) = selectors.exclusion_history(pupil).lines
    assert line.exclusion.length_days is None
    assert line.provision_from == date(2026, 9, 21)


def test_without_term_dates_the_sixth_day_is_counted_on_weekdays_and_marked_provisional(pupil):
    # 2027/28 has no term dates: weekdays count, so Mon 13 Sept 2027 + 5 weekdays.
    ExclusionFactory(pupil=pupil, start_date=date(2027, 9, 13), length_days=10)
    (line,) = selectors.exclusion_history(pupil).lines
    assert line.provision_from == date(2027, 9, 20)
    assert "Provisional" in line.provision_problem
    assert "no term dates for 2027/28" in line.provision_problem


def test_the_history_shows_each_years_total_and_what_remains(pupil):
    ExclusionFactory(pupil=pupil, start_date=date(2026, 9, 14), length_days="2.5")
    ExclusionFactory(pupil=pupil, start_date=date(2026, 3, 2), length_days=3)
    years = selectors.exclusion_history(pupil).years
    assert [(y.label, y.days, y.remaining) for y in years] == [
        ("2026/27", Decimal("2.5"), Decimal("42.5")),
        ("2025/26", Decimal("3"), Decimal("42")),
    ]


def test_a_permanent_exclusion_cannot_be_stored_with_a_length(pupil):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Exclusion.objects.create(
            pupil=pupil,
            kind="permanent",
            start_date=date(2026, 9, 14),
            length_days=3,
            reason_1="PA",
        )
