import pytest
from django.utils import timezone

from apcase.accounts import demo as accounts_demo
from apcase.directory import demo as directory_demo
from apcase.panel import demo
from apcase.panel.models import PanelMeeting
from apcase.placements.models import Placement
from apcase.pupils import demo as pupils_demo
from apcase.referrals.models import EmergencyPlacement, Referral


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_has_referrals_in_several_states_and_a_held_meeting_and_runs_twice(db):
    organisations = accounts_demo.seed_organisations()
    accounts_demo.seed_accounts(organisations)
    # seed_demo loads the directory and the pupils before the panel's cases.
    directory_demo.seed(organisations)
    pupils_demo.seed(organisations)
    demo.seed(organisations)
    demo.seed(organisations)
    states = set(Referral.objects.values_list("status", flat=True))
    assert {"draft", "scheduled", "approved", "more_information"} <= states
    assert Referral.objects.count() == 4
    today = timezone.localdate()
    meetings = PanelMeeting.objects.all()
    status = PanelMeeting.Status
    assert [m.date < today for m in meetings.filter(status=status.HELD)] == [True]
    awaiting = [m for m in meetings if m.awaits_closure(today)]
    assert len(awaiting) == 1
    assert awaiting[0].decisions.exists()  # it has sat; the chair has yet to close it
    assert meetings.filter(status=status.SCHEDULED, date__gt=today).exists()
    postponed = meetings.get(status=status.POSTPONED)
    assert postponed.postponed_to.date > postponed.date
    assert postponed.status_reason
    assert meetings.get(status=status.CANCELLED).status_reason
    # The panel's own approval (the placements demo plans others, without a decision).
    assert (
        Placement.objects.filter(
            status=Placement.Status.PLANNED, created_from_decision__isnull=False
        ).count()
        == 1
    )
    assert EmergencyPlacement.objects.get().ratification == "awaiting"
