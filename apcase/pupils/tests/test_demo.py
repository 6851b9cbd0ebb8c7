from datetime import date

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
    assert Exclusion.objects.count() == 5
    assert Term.objects.filter(local_authority=seeded["la"]).count() == 12
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
