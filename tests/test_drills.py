"""The drills (`make drills`) run whole servers and are not part of `make test`; these
checks keep the pieces they rely on from drifting away from the application."""

import pytest

from apcase.pupils.forms import PupilForm
from apcase.pupils.upn import is_valid_upn
from drills.pg_outage import pupil_form, upn_for


@pytest.mark.parametrize("serial", [1, 42, 999])
def test_the_outage_drills_pupils_carry_valid_upns(serial):
    assert is_valid_upn(upn_for(serial))


def test_the_drills_pupil_form_is_one_the_pupil_form_accepts(world):
    from apcase.accounts.models import Organisation

    schools = Organisation.objects.filter(pk=world.school.pk)
    form = PupilForm(pupil_form("Drill", 7), schools=schools, show_child_protection=True)

    assert form.is_valid(), form.errors
