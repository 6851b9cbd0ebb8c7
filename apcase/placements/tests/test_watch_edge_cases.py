"""Shapes of data a reviewer tried, to make a child vanish from monitoring, to alert
nobody, or to break a page: each is answered here."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.core.attention import items_for
from apcase.core.errors import ValidationFailed
from apcase.monitoring import selectors as monitoring
from apcase.monitoring import services as monitoring_services
from apcase.monitoring.models import FollowUpTask
from apcase.notifications.models import OutboxMessage
from apcase.placements import services, workflow
from apcase.placements.models import Placement
from apcase.placements.tests.factories import add_objective, agree_all, make_placement, site_of
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in

TODAY = timezone.localdate()


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekday(day):
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, email="lead@school.example")


def test_an_end_date_decades_away_is_refused_and_the_home_page_stays_up(world, lead):
    placement = make_placement(world.school, world.provider, start_date=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        workflow.extend_placement(
            placement, by=lead, new_end_date=datetime.date(9999, 12, 31), reason="Slip"
        )
    assert "within 3 years" in refused.value.errors["new_end_date"][0]
    # A record that somehow holds such a date still cannot take the page down.
    Placement.objects.filter(pk=placement.pk).update(planned_end_date=datetime.date(9999, 12, 31))
    response = sign_in(Client(), lead).get(reverse("home"))
    assert response.status_code == 200


def test_with_nobody_named_and_no_inclusion_lead_the_headteacher_is_told(world):
    head = person(Role.HEADTEACHER, world.school, email="head@school.example")
    placement = make_placement(
        world.school, world.provider, start_date=TODAY - datetime.timedelta(weeks=2)
    )
    Membership.objects.filter(user=placement.named_staff_member).update(is_active=False)
    day = _weekday(TODAY + datetime.timedelta(days=1))
    with_lookback = {"APCASE_REGISTER_LOOKBACK_DAYS": 0}
    from django.test import override_settings

    with override_settings(**with_lookback):
        assert monitoring_services.check_registers(now=_at(day, 10, 30)) == 1
    task = FollowUpTask.objects.get()
    assert task.assigned_to is None
    assert OutboxMessage.objects.filter(to=head.email).exists()


def test_a_placement_ended_today_is_still_on_todays_register_but_not_tomorrows(world, lead):
    day = _weekday(TODAY)
    placement = make_placement(
        world.school, world.provider, start_date=day - datetime.timedelta(weeks=3)
    )
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.ENDED, ended_on=day, started_at=_at(placement.start_date, 8)
    )
    assert placement in monitoring.expected_placements([world.provider.pk], day, "pm")
    assert placement not in monitoring.expected_placements(
        [world.provider.pk], day + datetime.timedelta(days=1), "am"
    )
    if day == TODAY:
        staff = person(Role.PROVIDER_STAFF, world.provider)
        page = sign_in(Client(), staff).get(reverse("monitoring:register") + "?session=pm")
        assert page.status_code == 200
        assert placement.pupil.display_name in page.content.decode()


def test_a_placement_planned_but_never_started_is_never_expected(world, lead):
    placement = make_placement(
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=TODAY - datetime.timedelta(weeks=3),
    )
    workflow.end_placement(
        placement, by=lead, reason="Family moved away", ended_on=TODAY, destination="not_started"
    )
    assert placement not in monitoring.expected_placements(
        [world.provider.pk], _weekday(TODAY - datetime.timedelta(days=7)), "am"
    )


def test_an_emergency_arranged_after_the_afternoon_cut_off_raises_nothing_that_day(
    world, lead, settings
):
    settings.APCASE_REGISTER_LOOKBACK_DAYS = 0
    day = _weekday(TODAY - datetime.timedelta(days=7))
    head = person(Role.HEADTEACHER, world.school)
    placement = workflow.start_emergency_placement(
        by=head,
        pupil=make_pupil(world.school),
        provider=world.provider,
        sessions={(d, h) for d in range(5) for h in ("am", "pm")},
        sites=[site_of(world.provider)],
        named_staff_member=lead,
        start_date=day,
    )
    Placement.objects.filter(pk=placement.pk).update(started_at=_at(day, 14, 30))
    assert monitoring_services.check_registers(now=_at(day, 15)) == 0
    next_day = _weekday(day + datetime.timedelta(days=1))
    assert monitoring_services.check_registers(now=_at(next_day, 10, 30)) == 1


def test_a_placement_started_late_starts_today_and_raises_nothing_for_the_days_before(world, lead):
    placement = make_placement(
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=TODAY - datetime.timedelta(weeks=2),
        planned_end_date=TODAY + datetime.timedelta(weeks=10),
    )
    add_objective(placement)
    agree_all(placement, lead)
    workflow.start_placement(placement, by=lead)
    placement.refresh_from_db()
    assert placement.start_date == TODAY
    made = monitoring_services.check_registers(now=_at(TODAY, 23))
    # Only today's sessions whose register closed after it started, nothing before.
    from apcase.monitoring import rules

    assert made == sum(
        1
        for half in ("am", "pm")
        if TODAY.weekday() < 5 and rules.cutoff_at(TODAY, half) > placement.started_at
    )
    assert not FollowUpTask.objects.filter(date__lt=TODAY).exists()


def test_once_started_the_end_date_moves_only_by_extending(world):
    placement = make_placement(world.school, world.provider)
    named = placement.named_staff_member
    client = sign_in(Client(), named)
    url = reverse("placements:edit_plan", kwargs={"placement_id": placement.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "to change its end date, extend or end it" in page.content.decode()
    with pytest.raises(ValidationFailed) as refused:
        services.update_plan(
            placement,
            by=named,
            details=services.PlanDetails(
                site="",
                planned_end_date=placement.planned_end_date + datetime.timedelta(weeks=40),
                named_staff_member=named,
                transport="",
                funding="",
                dual_registered=False,
            ),
        )
    assert "extend it or end it" in refused.value.errors["planned_end_date"][0]


def test_someone_who_has_left_the_school_no_longer_sees_its_pupils_tasks(world):
    placement = make_placement(world.school, world.provider)
    named = placement.named_staff_member
    FollowUpTask.objects.create(
        placement=placement, kind="absence", date=TODAY, session="am", detail="x", assigned_to=named
    )
    assert [t.placement for t in monitoring.open_follow_ups_for(named)] == [placement]
    Membership.objects.filter(user=named).update(is_active=False)
    person_elsewhere = type(named).objects.get(pk=named.pk)
    from apcase.accounts.tests.factories import MembershipFactory

    MembershipFactory(
        user=person_elsewhere, organisation=world.other_school, role=Role.SCHOOL_STAFF
    )
    assert list(monitoring.open_follow_ups_for(person_elsewhere)) == []
    assert placement.pupil.display_name not in str(items_for(person_elsewhere))


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("99999999999999999999", "1", "2026"), (" ", " ", "2026"), ("1", "1", "0001")],
)
def test_a_date_that_is_no_date_gets_a_message_not_an_error_page(world, lead, day, month, year):
    placement = make_placement(world.school, world.provider)
    response = sign_in(Client(), lead).post(
        reverse("placements:end", kwargs={"placement_id": placement.pk}),
        {
            "ended_on_0": day,
            "ended_on_1": month,
            "ended_on_2": year,
            "destination": "returned_full_time",
            "decided_by": "Review",
            "reason": "Back at school",
        },
    )
    assert response.status_code == 200
    assert "Last day of the placement must " in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_one_placement_that_cannot_be_checked_does_not_silence_the_others(world, lead, monkeypatch):
    from apcase.placements import watch

    broken = make_placement(
        world.school,
        world.provider,
        planned_end_date=TODAY - datetime.timedelta(days=1),
        start_date=TODAY - datetime.timedelta(weeks=8),
    )
    fine = make_placement(
        world.school,
        world.provider,
        planned_end_date=TODAY - datetime.timedelta(days=1),
        start_date=TODAY - datetime.timedelta(weeks=8),
    )
    real = watch.concerns

    def concerns(placement, **kwargs):
        if placement.pk == broken.pk:
            raise RuntimeError("a bad record")
        return real(placement, **kwargs)

    monkeypatch.setattr(watch, "concerns", concerns)
    assert services.send_daily_alerts() == 2  # the named staff member and the lead
    # The email names the child by first name and initial only.
    assert OutboxMessage.objects.filter(subject__contains=fine.pupil.initialled_name).count() == 2
    assert not OutboxMessage.objects.filter(subject__contains=fine.pupil.display_name).exists()


def test_a_placement_started_without_an_end_date_gets_one_on_its_plan_page(world):
    """The end date box was locked once the placement had started, and the plan refused
    without one: a placement started with no end date could never have its plan saved."""
    placement = make_placement(world.school, world.provider, planned_end_date=None)
    named = placement.named_staff_member
    client = sign_in(Client(), named)
    url = reverse("placements:edit_plan", kwargs={"placement_id": placement.pk})
    page = client.get(url).content.decode()
    assert "to change its end date, extend or end it" not in page
    end = placement.start_date + datetime.timedelta(weeks=6)
    data = {
        "planned_end_date_0": end.day,
        "planned_end_date_1": end.month,
        "planned_end_date_2": end.year,
        "named_staff_member": named.pk,
        "dual_registered": "no",
        "part_time_timetable": "no",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    placement.refresh_from_db()
    assert placement.planned_end_date == end
    # Once it has one, it moves only by extending or ending the placement.
    assert "to change its end date, extend or end it" in client.get(url).content.decode()
