import dataclasses
import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.directory.tests.factories import assure_fully
from apcase.notifications.models import OutboxMessage
from apcase.panel import services as panel_services
from apcase.placements.models import Placement
from apcase.placements.tests.factories import site_of
from apcase.referrals import workflow
from apcase.referrals.models import EmergencyPlacement
from tests.helpers import travel_to

from .factories import make_meeting, make_panel, make_pupil, person, sitting_panel

TODAY = timezone.localdate()


def arrange(by, pupil, provider, **overrides):
    values = {
        "by": by,
        "pupil": pupil,
        "provider": provider,
        "sites": [site_of(provider)],
        "sessions": {(day, half) for day in range(5) for half in ("am", "pm")},
        "named_staff_member": overrides.pop("named_staff_member", None)
        or person(Role.SCHOOL_STAFF, pupil.school, full_name="Tom Ellery"),
        "parents_told_how": "Phone call from the headteacher to the child's mother.",
        "parents_told_at": timezone.now() - datetime.timedelta(hours=1),
        "why_it_cannot_wait": "Serious incident; cannot safely stay in class until the panel.",
        "risks": "Harm to peers during unstructured times.",
        "likelihood": "high",
        "severity": "medium",
        "mitigations": "Small group, 1:1 at transitions, daily call home.",
        "assessed_by": "Daniel Whitcombe, headteacher",
        "assessed_on": TODAY,
        "risk_review_on": TODAY + datetime.timedelta(days=14),
    }
    values.update(overrides)
    case = {f.name: values.pop(f.name) for f in dataclasses.fields(workflow.EmergencyCase)}
    return workflow.arrange_emergency_placement(**values, case=workflow.EmergencyCase(**case))


@pytest.fixture
def scene(world, monkeypatch):
    class Scene:
        pass

    s = Scene()
    s.panel = make_panel(world.la)
    s.chair, s.members = sitting_panel(world.la)
    s.meeting = make_meeting(s.panel, chair=s.chair, members=s.members)
    s.pupil = make_pupil(world.school)
    s.head = person(Role.HEADTEACHER, world.school)
    s.lead = person(Role.INCLUSION_LEAD, world.school)
    assure_fully(world.provider, expires_on=TODAY + datetime.timedelta(days=365))
    s.monkeypatch = monkeypatch
    return s


def test_an_emergency_placement_starts_at_once_and_goes_on_the_next_agenda(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    assert emergency.placement.status == Placement.Status.ACTIVE
    assert emergency.placement.start_date == TODAY
    assert emergency.meeting == scene.meeting
    assert emergency.ratification == EmergencyPlacement.Ratification.AWAITING
    actions = set(
        AuditEvent.objects.filter(pupil_id=scene.pupil.pk).values_list("action", flat=True)
    )
    assert {"placement_started_emergency", "emergency_placement_arranged"} <= actions


def test_an_la_officer_may_arrange_one_for_a_school_in_their_la(world, scene):
    emergency = arrange(person(Role.LA_OFFICER, world.la), scene.pupil, world.provider)
    assert emergency.placement.arranged_by == Placement.ArrangedBy.LA


def test_an_inclusion_lead_or_another_las_officer_cannot(world, scene):
    for outsider in (scene.lead, person(Role.LA_OFFICER, world.other_la)):
        with pytest.raises(NotPermitted):
            arrange(outsider, scene.pupil, world.provider)


def test_the_risk_assessment_and_reason_are_required(world, scene):
    with pytest.raises(ValidationFailed) as error:
        arrange(scene.head, scene.pupil, world.provider, risks="", why_it_cannot_wait=" ")
    assert {"risks", "why_it_cannot_wait"} <= set(error.value.errors)
    with pytest.raises(ValidationFailed) as error:
        arrange(
            scene.head,
            scene.pupil,
            world.provider,
            risk_review_on=TODAY - datetime.timedelta(days=1),
        )
    assert "risk_review_on" in error.value.errors
    assert not Placement.objects.exists()


def test_with_no_meeting_scheduled_it_joins_the_next_meeting_created(world, scene):
    scene.meeting.delete()
    emergency = arrange(scene.head, scene.pupil, world.provider)
    assert emergency.meeting is None
    officer = person(Role.LA_OFFICER, world.la)
    meeting = panel_services.schedule_meeting(
        by=officer,
        panel=scene.panel,
        date=TODAY + datetime.timedelta(days=40),
        place=panel_services.MeetingPlace(venue="Civic"),
    )
    emergency.refresh_from_db()
    assert emergency.meeting == meeting


def _ratify(scene, emergency, outcome):
    """On the meeting's day: the panel sits."""
    travel_to(scene.monkeypatch, scene.meeting.date)
    return panel_services.record_decision(
        by=scene.chair,
        meeting=scene.meeting,
        item=emergency,
        members_present=[scene.chair, *scene.members],
        outcome=outcome,
        reasons="The risk assessment was sound." if outcome == "ratified" else "Not justified.",
    )


def test_the_panel_ratifies_it(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    _ratify(scene, emergency, "ratified")
    emergency.refresh_from_db()
    assert emergency.ratification == EmergencyPlacement.Ratification.RATIFIED
    assert emergency.placement.status == Placement.Status.ACTIVE


def test_when_not_ratified_the_school_is_told_and_the_placement_must_be_ended(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    OutboxMessage.objects.all().delete()
    _ratify(scene, emergency, "not_ratified")
    emergency.refresh_from_db()
    assert emergency.ratification == EmergencyPlacement.Ratification.NOT_RATIFIED
    assert OutboxMessage.objects.filter(
        to=scene.head.email, subject__icontains="not ratified"
    ).exists()
    workflow.end_unratified_emergency(
        emergency, by=scene.head, reason="Back to school with support."
    )
    emergency.refresh_from_db()
    assert emergency.ratification == EmergencyPlacement.Ratification.ENDED
    assert emergency.placement.status == Placement.Status.ENDED


def test_a_ratified_placement_is_not_ended_through_the_unratified_route(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    _ratify(scene, emergency, "ratified")
    with pytest.raises(TransitionNotAllowed):
        workflow.end_unratified_emergency(emergency, by=scene.head, reason="x")


def test_a_ratification_cannot_be_decided_twice(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    _ratify(scene, emergency, "ratified")
    with pytest.raises(TransitionNotAllowed):
        _ratify(scene, emergency, "not_ratified")


def test_an_emergency_still_awaiting_after_its_meeting_is_overdue(world, scene):
    emergency = arrange(scene.head, scene.pupil, world.provider)
    assert not workflow.is_overdue(emergency)
    assert workflow.is_overdue(emergency, today=scene.meeting.date + datetime.timedelta(days=1))
    _ratify(scene, emergency, "ratified")
    emergency.refresh_from_db()
    assert not workflow.is_overdue(emergency, today=scene.meeting.date + datetime.timedelta(days=1))


def test_a_pupil_already_in_a_placement_cannot_be_placed_in_an_emergency(world, scene):
    arrange(scene.head, scene.pupil, world.provider)
    with pytest.raises(ValidationFailed, match="open placement"):
        arrange(scene.head, scene.pupil, world.provider)


def test_an_overdue_emergency_shows_as_overdue_to_the_school_and_the_la(world, scene):
    from django.test import Client
    from django.urls import reverse

    from apcase.panel.models import PanelMeeting
    from conftest import sign_in

    emergency = arrange(scene.head, scene.pupil, world.provider)
    PanelMeeting.objects.filter(pk=scene.meeting.pk).update(date=TODAY - datetime.timedelta(days=3))
    for user in (scene.head, person(Role.LA_OFFICER, world.la)):
        client = sign_in(Client(), user)
        detail = client.get(
            reverse("referrals:emergency_detail", args=[emergency.pk])
        ).content.decode()
        assert "Overdue" in detail
        assert "Overdue" in client.get(reverse("referrals:list")).content.decode()
        assert "awaits ratification" in client.get(reverse("home")).content.decode()


def test_the_school_ends_an_unratified_placement_through_the_page(world, scene):
    from django.test import Client
    from django.urls import reverse

    from conftest import sign_in

    emergency = arrange(scene.head, scene.pupil, world.provider)
    _ratify(scene, emergency, "not_ratified")
    client = sign_in(Client(), scene.head)
    url = reverse("referrals:emergency_end", args=[emergency.pk])
    response = client.post(url, {"reason": "Back at school with a support plan."})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "start a referral to the panel" in html
    emergency.refresh_from_db()
    assert emergency.placement.status == Placement.Status.ENDED


def test_a_provider_that_is_not_assured_needs_a_recorded_reason(world, scene):
    with pytest.raises(ValidationFailed) as error:
        arrange(scene.head, scene.pupil, world.other_provider)
    assert "provider_acceptance_reason" in error.value.errors
    assert not Placement.objects.exists()
    emergency = arrange(
        scene.head,
        scene.pupil,
        world.other_provider,
        provider_acceptance_reason="The only provider with a place this week; vetting letter due.",
    )
    assert emergency.provider_acceptance_reason.startswith("The only provider")
    assert emergency.placement.status == Placement.Status.ACTIVE


def test_an_emergency_with_no_meeting_to_ratify_it_stays_on_the_la_officers_home_page(world, scene):
    """No panel meeting is scheduled to ratify it: the officers were reminded once (the
    reminder is sent once per emergency), so their home page must keep it in sight
    every day until a meeting takes it, not only once a meeting has passed."""
    from django.test import Client
    from django.urls import reverse

    from apcase.panel.models import PanelMeeting
    from conftest import sign_in

    PanelMeeting.objects.all().delete()
    emergency = arrange(scene.head, scene.pupil, world.provider)
    assert emergency.meeting is None
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "awaits ratification" in html
    assert "No panel meeting is scheduled to ratify it yet" in html
    assert reverse("referrals:emergency_detail", args=[emergency.pk]) in html
