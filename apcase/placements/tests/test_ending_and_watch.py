"""Ending and extending placements through their pages, and the daily alerts about
what is missing or overdue (placements.watch, placements.attention)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.attention import items_for
from apcase.placements.models import Placement
from apcase.placements.tests.factories import add_objective, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.schooldays.models import Term
from conftest import sign_in

TODAY = timezone.localdate()


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, full_name="Amara Okafor")


def _titles(user):
    return [item.title for item in items_for(user)]


def test_the_inclusion_lead_ends_a_placement_through_its_page(world, lead):
    placement = make_placement(
        world.school, world.provider, start_date=TODAY - datetime.timedelta(days=40)
    )
    client = sign_in(Client(), lead)
    url = reverse("placements:end", kwargs={"placement_id": placement.pk})
    assert client.get(url).status_code == 200
    data = {
        **_dates("ended_on", TODAY),
        "destination": "",
        "decided_by": "Review meeting with the family",
        "reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE  # nothing changed
    data |= {"destination": "returned_part_time", "reason": "Reintegration under way"}
    response = client.post(url, data)
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert placement.end_destination == "returned_part_time"
    page = client.get(response["Location"]).content.decode()
    assert "Returned to the home school on a part-time timetable" in page
    # Pressing "End the placement" again lands on the placement, saying it has ended.
    again = client.post(url, data)
    assert again.status_code == 302
    assert again["Location"] == reverse("placements:detail", kwargs={"placement_id": placement.pk})
    assert "This placement has already ended." in client.get(again["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="placement_ended").count() == 1


def test_an_extension_through_the_page_moves_the_end_date_and_shows_the_history(world, lead):
    placement = make_placement(
        world.school,
        world.provider,
        planned_end_date=TODAY + datetime.timedelta(days=3),
        start_date=TODAY - datetime.timedelta(days=30),
    )
    client = sign_in(Client(), lead)
    url = reverse("placements:extend", kwargs={"placement_id": placement.pk})
    new_end = TODAY + datetime.timedelta(weeks=8)
    response = client.post(
        url, {**_dates("new_end_date", new_end), "reason": "Good progress; one more half term"}
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.planned_end_date == new_end
    page = client.get(response["Location"]).content.decode()
    assert "Good progress; one more half term" in page


def test_provider_staff_cannot_reach_the_end_page(world):
    placement = make_placement(world.school, world.provider)
    client = sign_in(Client(), person(Role.PROVIDER_MANAGER, world.provider))
    url = reverse("placements:end", kwargs={"placement_id": placement.pk})
    assert client.get(url).status_code == 404


def test_a_placement_past_its_end_date_alerts_the_named_staff_member_and_inclusion_lead_every_day(
    world, lead
):
    placement = make_placement(
        world.school,
        world.provider,
        start_date=TODAY - datetime.timedelta(weeks=10),
        planned_end_date=TODAY - datetime.timedelta(days=1),
    )
    title = f"Placement past its end date: {placement.pupil.display_name}"
    assert title in _titles(lead)
    assert title in _titles(placement.named_staff_member)
    # Still on the provider's register.
    from apcase.monitoring import selectors as monitoring

    monday = TODAY + datetime.timedelta(days=(7 - TODAY.weekday()) % 7)
    assert placement in monitoring.expected_placements([world.provider.pk], monday, "am")
    # Another school's inclusion lead hears nothing of it.
    assert title not in _titles(person(Role.INCLUSION_LEAD, world.other_school))


def test_the_end_date_alert_starts_ten_school_days_before(world, lead):
    # A full calendar of weekdays: ten school days ahead is two weeks.
    year_start = datetime.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
    for n in range(6):
        start = year_start + datetime.timedelta(days=61 * n)
        Term.objects.create(
            local_authority=world.la,
            name=f"Term {n + 1}",
            start_date=start,
            end_date=start + datetime.timedelta(days=60),
        )

    def end_after(school_days):
        day, counted = TODAY, 0
        while counted < school_days:
            day += datetime.timedelta(days=1)
            counted += day.weekday() < 5
        return day

    near = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Nia"),
        start_date=TODAY - datetime.timedelta(weeks=4),
        planned_end_date=end_after(10),
    )
    far = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Finn"),
        start_date=TODAY - datetime.timedelta(weeks=4),
        planned_end_date=end_after(11),
    )
    titles = _titles(lead)
    assert f"Placement ending soon: {near.pupil.display_name}" in titles
    assert f"Placement ending soon: {far.pupil.display_name}" not in titles


def test_an_emergency_placement_without_an_agreed_plan_is_on_the_inclusion_leads_home_page(
    world, lead
):
    placement = make_placement(
        world.school, world.provider, is_emergency=True, sessions={(0, "am")}
    )
    items = [i for i in items_for(lead) if i.title.startswith("Emergency placement without")]
    assert len(items) == 1
    assert "every weekday session" in items[0].detail
    assert "Add at least one objective" in items[0].detail
    client = sign_in(Client(), lead)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Emergency placement without an agreed plan" in response.content.decode()
    # Once the school, a parent and the provider agree the full plan, the timetable
    # decides: Monday mornings only, no longer every weekday.
    from apcase.monitoring import selectors as monitoring
    from apcase.placements import services

    tuesday = TODAY + datetime.timedelta(days=(1 - TODAY.weekday()) % 7 or 7)
    assert placement in monitoring.expected_placements([world.provider.pk], tuesday, "pm")
    add_objective(placement)
    from apcase.pupils.tests.factories import CarerFactory

    services.record_agreement(
        placement,
        by=lead,
        details=services.AgreementDetails(
            party="school", agreed_on=TODAY, agreed_by_name="Someone"
        ),
    )
    services.record_agreement(
        placement,
        by=lead,
        details=services.AgreementDetails(
            party="parent",
            agreed_on=TODAY,
            carer=CarerFactory(pupil=placement.pupil),
            how="phone",
        ),
    )
    manager = person(Role.PROVIDER_MANAGER, world.provider)
    services.record_provider_agreement(placement, by=manager)
    placement.refresh_from_db()
    assert placement.full_plan_agreed_on == TODAY
    assert placement not in monitoring.expected_placements([world.provider.pk], tuesday, "pm")
    assert not [i for i in items_for(lead) if i.title.startswith("Emergency placement without")]


def test_the_daily_check_emails_the_named_staff_member_and_lead_once_a_day(world, lead):
    from django.core.management import call_command

    from apcase.notifications.models import OutboxMessage

    placement = make_placement(
        world.school,
        world.provider,
        start_date=TODAY - datetime.timedelta(weeks=10),
        planned_end_date=TODAY - datetime.timedelta(days=2),
    )
    call_command("check_placements")
    call_command("check_placements")  # the same day: nothing more
    sent = OutboxMessage.objects.filter(subject__startswith="Placement past its end date")
    assert sorted(sent.values_list("to", flat=True)) == sorted(
        [placement.named_staff_member.email, lead.email]
    )
    assert f"/placements/{placement.pk}/" in sent.first().body
    assert sent.first().body.count("http") == 1
    from apcase.placements import services

    services.send_daily_alerts(today=TODAY + datetime.timedelta(days=1))
    assert sent.count() == 4  # and again the next day, until it is ended or extended


def test_the_plan_page_and_the_emergency_form_warn_of_the_registration_threshold(world, lead):
    from apcase.directory.models import Registration
    from apcase.directory.tests.factories import ProviderProfileFactory

    ProviderProfileFactory(organisation=world.provider, registration=Registration.UNREGISTERED)
    placements = [make_placement(world.school, world.provider) for _ in range(5)]
    client = sign_in(Client(), lead)
    response = client.get(reverse("placements:detail", kwargs={"placement_id": placements[0].pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="threshold-warning"' in page
    assert "is not a registered school" in page
    head = sign_in(Client(), person(Role.HEADTEACHER, world.school))
    response = head.get(reverse("referrals:emergency_new"))
    assert response.status_code == 200
    assert "It has reached the registration threshold." in response.content.decode()


@pytest.mark.parametrize("shape", ["overdue", "ending_soon", "emergency"])
def test_the_home_page_items_cost_the_same_queries_for_2_or_10_placements(world, lead, shape):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apcase.placements import services

    def add(n):
        for _ in range(n):
            fields = {
                "overdue": {"planned_end_date": TODAY - datetime.timedelta(days=1)},
                "ending_soon": {"planned_end_date": TODAY + datetime.timedelta(days=3)},
                "emergency": {"is_emergency": True},
            }[shape]
            make_placement(
                world.school,
                world.provider,
                start_date=TODAY - datetime.timedelta(weeks=8),
                **fields,
            )

    def cost():
        lead.__dict__.pop("_apcase_memberships", None)
        with CaptureQueriesContext(connection) as items:
            found = items_for(lead)
        with CaptureQueriesContext(connection) as alerts:
            services.send_daily_alerts(today=TODAY + datetime.timedelta(days=len(found)))
        return len(found), len(items), len(alerts)

    add(2)
    few_items, few, few_alerts = cost()
    add(8)
    many_items, many, many_alerts = cost()
    assert many_items > few_items
    assert many == few
