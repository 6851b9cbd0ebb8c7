import pytest
from django.core.management import call_command

from apcase.accounts.models import User
from apcase.core.attention import items_for
from apcase.monitoring import selectors
from apcase.placements import plan
from apcase.placements.models import Placement

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_absence_to_code_and_a_dual_registered_pupil_at_the_pru_shown_as_d():
    call_command("seed_demo")
    call_command("seed_demo")
    lead = User.objects.get(email="inclusion.lead@heronsgate.example")
    queue = list(selectors.absences_to_code_for(lead))
    assert len(queue) == 1
    assert queue[0].home_code == "N"
    assert any(item.title == "1 absence to code" for item in items_for(lead))
    at_pru = Placement.objects.get(
        pupil__legal_first_name="Maya", provider__urn=134310, status="active"
    )
    assert at_pru.dual_registered
    assert plan.home_school_code(at_pru).code == "D"
    assert {m.home_code for m in selectors.current_marks(placement=at_pru)} == {"D"}
    # The school's codes for Jayden's other absences are in his MIS export.
    at_bridge = Placement.objects.get(pupil__legal_first_name="Jayden", status="active")
    assert {m.home_code for m in selectors.current_marks(placement=at_bridge)} == {
        "K",
        "M",
        "I",
        "N",
    }
