from datetime import date
from decimal import Decimal

import pytest

from apcase.accounts import demo as accounts_demo
from apcase.pupils import demo as pupils_demo
from apcase.pupils import selectors
from apcase.pupils.models import Carer, Exclusion, Pupil
from apcase.pupils.upn import is_valid_upn
from apcase.schooldays import demo as schooldays_demo
from apcase.schooldays.models import ClosureDay, Term


@pytest.fixture
def seeded(db):
    organisations = accounts_demo.seed_organisations()
    for _ in range(2):  # twice: seeding is idempotent
        schooldays_demo.seed(organisations)
        pupils_demo.seed(organisations)
    return organisations


def test_the_demo_has_five_heronsgate_pupils_with_valid_upns_and_adds_nothing_twice(seeded):
    pupils = Pupil.objects.filter(school=seeded["school"])
    assert pupils.count() == 5
    assert all(is_valid_upn(p.upn) for p in pupils)
    assert any(p.has_temporary_upn for p in pupils)
    assert Carer.objects.count() == 7
    assert Exclusion.objects.count() == 7
    assert Term.objects.filter(local_authority=seeded["la"]).count() == 14
    assert ClosureDay.objects.filter(school=seeded["school"]).count() == 3


def test_the_demo_shows_a_restriction_a_looked_after_child_and_a_sen_mix(seeded):
    assert Carer.objects.filter(restriction__icontains="no contact").exists()
    assert Pupil.objects.filter(looked_after=True).count() == 1
    assert set(Pupil.objects.values_list("sen_status", flat=True)) == {"N", "K", "E"}


def test_the_demo_exclusions_get_sixth_day_dates_from_the_demo_term_dates(seeded):
    kai = Pupil.objects.get(legal_first_name="Kwabena")
    (suspension,) = selectors.exclusion_history(kai).lines
    assert suspension.provision_from == date(2026, 10, 12)
    tyler = Pupil.objects.get(legal_first_name="Tyler")
    permanent = next(
        line
        for line in selectors.exclusion_history(tyler).lines
        if line.exclusion.kind == "permanent"
    )
    assert permanent.provision_from == date(2026, 6, 22)


def test_the_demo_shows_a_run_of_back_to_back_suspensions(seeded):
    tyler = Pupil.objects.get(legal_first_name="Tyler")
    (run,) = selectors.exclusion_history(tyler).duties
    assert len(run.exclusions) == 2
    assert run.provision_from == date(2026, 1, 26)
    assert not run.provisional


def test_the_demo_shows_a_suspension_counted_partly_in_each_school_year(seeded):
    millie = Pupil.objects.get(legal_first_name="Amelia")
    years = {y.label: y.days for y in selectors.exclusion_history(millie).years}
    assert years == {"2025/26": Decimal("5.5"), "2026/27": Decimal("2")}


def test_the_demo_term_dates_complete_two_years_and_start_a_third(seeded):
    from apcase.schooldays.selectors import term_years

    status = {y.label: y.complete for y in term_years(seeded["la"].pk, [2025, 2026, 2027])}
    assert status == {"2025/26": True, "2026/27": True, "2027/28": False}
