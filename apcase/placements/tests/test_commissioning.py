"""Dual registration by default at a PRU or AP academy (overridden in the plan only with
a reason), and who commissions a placement: shown on the plan page, corrected with a
reason by the school's headteacher or inclusion lead or the LA's officer or panel chair."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.placements import plan, services, workflow
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

PRU, FREE_SCHOOL_AP, ACADEMY_AP, SPONSORED_AP = 14, 38, 42, 43


@pytest.fixture
def head(world):
    return person(Role.HEADTEACHER, world.school)


def _plan_at(world, head, type_code):
    world.provider.establishment_type_code = type_code
    world.provider.save()
    return workflow.create_planned_placement(
        by=head,
        pupil=make_pupil(world.school),
        terms=workflow.PlacementTerms(
            provider=world.provider,
            start_date=START,
            sessions_per_week=5,
            first_review_date=START + datetime.timedelta(weeks=6),
        ),
    )


@pytest.mark.parametrize("type_code", [PRU, FREE_SCHOOL_AP, ACADEMY_AP, SPONSORED_AP])
def test_a_placement_at_a_pru_or_ap_academy_is_dual_registered_by_default(world, head, type_code):
    placement = _plan_at(world, head, type_code)
    assert placement.dual_registered
    assert plan.home_school_code(placement).code == "D"


@pytest.mark.parametrize("type_code", [None, 1, 15])
def test_a_placement_elsewhere_is_not_dual_registered_and_defaults_to_the_school(
    world, head, type_code
):
    placement = _plan_at(world, head, type_code)
    assert not placement.dual_registered
    assert (placement.arranged_by, placement.commissioning_power) == ("school", "school_ap")
    assert plan.home_school_code(placement).code == "B"


def _plan_values(placement, **overrides):
    values = {
        "site": "",
        "planned_end_date": START + datetime.timedelta(weeks=6),
        "named_staff_member": placement.named_staff_member,
        "transport": "",
        "funding": "",
        "dual_registered": False,
    }
    return services.PlanDetails(**values | overrides)


def test_the_plan_overrides_dual_registration_at_a_pru_only_with_a_reason(world, head):
    world.provider.establishment_type_code = PRU
    world.provider.save()
    placement = make_placement(world.school, world.provider, status="planned", dual_registered=True)
    with pytest.raises(ValidationFailed) as error:
        services.update_plan(placement, by=head, details=_plan_values(placement))
    assert "dual_registration_reason" in error.value.errors
    placement.refresh_from_db()
    assert placement.dual_registered
    services.update_plan(
        placement,
        by=head,
        details=_plan_values(
            placement, dual_registration_reason="Stays on one roll: a six-week assessment place"
        ),
    )
    placement.refresh_from_db()
    assert not placement.dual_registered
    assert placement.dual_registration_reason.startswith("Stays on one roll")
    assert plan.home_school_code(placement).code == "B"


def test_the_plan_page_form_asks_why_not_dual_registered(world, head):
    world.provider.establishment_type_code = PRU
    world.provider.save()
    placement = make_placement(world.school, world.provider, status="planned", dual_registered=True)
    client = sign_in(Client(), head)
    url = reverse("placements:edit_plan", kwargs={"placement_id": placement.pk})
    data = {
        "planned_end_date": (START + datetime.timedelta(weeks=6)).isoformat(),
        "named_staff_member": placement.named_staff_member.pk,
        "dual_registered": "no",
        "part_time_timetable": "no",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "usually dual registered: enter why this pupil is not" in response.content.decode()
    response = client.post(url, data | {"dual_registration_reason": "One roll, by agreement"})
    assert response.status_code == 302
    page = client.get(reverse("placements:detail", kwargs={"placement_id": placement.pk}))
    assert "One roll, by agreement" in page.content.decode()


# --- who commissions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.HEADTEACHER, "school"),
        (Role.INCLUSION_LEAD, "school"),
        (Role.LA_OFFICER, "la"),
        (Role.PANEL_CHAIR, "la"),
    ],
)
def test_who_commissions_is_corrected_with_a_reason_and_audited(world, role, where):
    placement = make_placement(
        world.school, world.provider, arranged_by="la", commissioning_power="s19"
    )
    user = person(role, world.school if where == "school" else world.la)
    services.correct_commissioning(
        placement,
        by=user,
        arranged_by="school",
        commissioning_power="school_ap",
        reason="The school applied under its AP policy",
    )
    placement.refresh_from_db()
    assert (placement.arranged_by, placement.commissioning_power) == ("school", "school_ap")
    assert plan.home_school_code(placement).code == "B"
    event = AuditEvent.objects.get(action="placement_commissioning_corrected")
    assert event.changes["arranged_by"] == ["la", "school"]
    assert event.changes["commissioning_power"] == ["s19", "school_ap"]
    assert event.changes["reason"] == [None, "The school applied under its AP policy"]


def test_a_correction_needs_a_reason_and_a_power_that_fits_the_commissioner(world, head):
    placement = make_placement(world.school, world.provider, commissioning_power="school_ap")
    with pytest.raises(ValidationFailed) as error:
        services.correct_commissioning(
            placement, by=head, arranged_by="la", commissioning_power="school_ap", reason=""
        )
    assert set(error.value.errors) == {"commissioning_power", "reason"}
    placement.refresh_from_db()
    assert placement.arranged_by == "school"
    assert not AuditEvent.objects.filter(action="placement_commissioning_corrected").exists()


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.SCHOOL_STAFF, "school"),
        (Role.SCHOOL_DSL, "school"),
        (Role.PANEL_MEMBER, "la"),
        (Role.PROVIDER_MANAGER, "provider"),
        (Role.HEADTEACHER, "other_school"),
    ],
)
def test_others_cannot_correct_who_commissions(world, role, where):
    placement = make_placement(world.school, world.provider)
    user = person(role, getattr(world, where))
    with pytest.raises(NotPermitted):
        services.correct_commissioning(
            placement, by=user, arranged_by="la", commissioning_power="s19", reason="Why not"
        )


def test_the_plan_page_shows_who_commissions_and_the_correction_page_changes_it(world, head):
    placement = make_placement(world.school, world.provider, commissioning_power="school_ap")
    client = sign_in(Client(), head)
    detail = reverse("placements:detail", kwargs={"placement_id": placement.pk})
    page = client.get(detail).content.decode()
    assert "School: alternative provision the school commissions" in page
    url = reverse("placements:commissioning", kwargs={"placement_id": placement.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"arranged_by": "la", "commissioning_power": "s19", "reason": "The LA arranged it (s19)"},
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Local authority: education otherwise than at school" in page
    assert "<strong>K</strong>" in page
    staff = sign_in(Client(), person(Role.SCHOOL_STAFF, world.school))
    assert staff.get(url).status_code == 404
    assert Placement.objects.get(pk=placement.pk).arranged_by == "la"


def test_the_plan_page_shows_the_saved_dates_and_answers_in_its_boxes(world, head):
    """The planned end date is the GOV.UK date input (day, month and year boxes), and
    an edit form shows what is saved: the date in its boxes, the yes/no answer chosen."""
    placement = make_placement(world.school, world.provider, status="planned", dual_registered=True)
    end = placement.planned_end_date
    client = sign_in(Client(), head)
    url = reverse("placements:edit_plan", kwargs={"placement_id": placement.pk})
    page = assert_page(client.get(url))
    for box, value in (("0", end.day), ("1", end.month), ("2", end.year)):
        assert f'name="planned_end_date_{box}" value="{value}"' in " ".join(page.split())
    assert 'value="yes" checked' in " ".join(page.split()).replace('checked=""', "checked")
    moved = end + datetime.timedelta(days=7)
    data = {
        "planned_end_date_0": moved.day,
        "planned_end_date_1": moved.month,
        "planned_end_date_2": moved.year,
        "named_staff_member": placement.named_staff_member.pk,
        "dual_registered": "yes",
        "part_time_timetable": "no",
    }
    assert_page(client.post(url, data), status=302)
    placement.refresh_from_db()
    assert placement.planned_end_date == moved


def test_the_part_time_question_left_blank_is_refused_not_saved_as_no(world, head):
    """It was saved as "no" when left blank: a part-time timetable nobody was asked about
    (and so no parent's agreement asked for, and no notice to the LA)."""
    placement = make_placement(world.school, world.provider, status="planned", dual_registered=True)
    version = placement.plan_version
    client = sign_in(Client(), head)
    url = reverse("placements:edit_plan", kwargs={"placement_id": placement.pk})
    moved = placement.planned_end_date + datetime.timedelta(days=7)
    data = {
        "planned_end_date": moved.isoformat(),
        "named_staff_member": placement.named_staff_member.pk,
        "dual_registered": "yes",
        "transport": "Taxi",
    }
    response = client.post(url, data)
    assert_page(
        response,
        contains=["There is a problem", "Select yes if the pupil is on a part-time timetable"],
    )
    placement.refresh_from_db()
    assert (placement.planned_end_date, placement.transport) != (moved, "Taxi")
    assert placement.plan_version == version
    assert_page(client.post(url, data | {"part_time_timetable": "yes"}), status=302)
    placement.refresh_from_db()
    assert placement.part_time_timetable is True
    assert placement.planned_end_date == moved


def test_the_service_refuses_a_plan_that_does_not_answer_the_part_time_question(world, head):
    placement = make_placement(world.school, world.provider, status="planned")
    with pytest.raises(ValidationFailed) as refused:
        services.update_plan(
            placement,
            by=head,
            details=services.PlanDetails(
                site="",
                planned_end_date=placement.planned_end_date,
                named_staff_member=placement.named_staff_member,
                transport="",
                funding="",
                dual_registered=placement.dual_registered,
                dual_registration_reason="Kept on one roll",
                part_time_timetable=None,
            ),
        )
    assert refused.value.errors["part_time_timetable"] == [
        "Select yes if the pupil is on a part-time timetable"
    ]


def test_the_correction_page_saved_unchanged_does_nothing_and_says_so(world, head):
    """It refused the person who opened it to check it: no reason, and 'nothing
    changed'. A change still needs its reason."""
    placement = make_placement(world.school, world.provider, commissioning_power="school_ap")
    client = sign_in(Client(), head)
    url = reverse("placements:commissioning", kwargs={"placement_id": placement.pk})
    unchanged = {"arranged_by": "school", "commissioning_power": "school_ap", "reason": ""}
    response = client.post(url, unchanged, follow=True)
    assert_page(response, contains="Nothing was changed.", lacks="There is a problem")
    assert response.redirect_chain[0][1] == 302
    assert not AuditEvent.objects.filter(action="placement_commissioning_corrected").exists()
    changed = client.post(url, unchanged | {"arranged_by": "la", "commissioning_power": "s19"})
    assert_page(changed, contains="Enter why the record is being corrected.")
    assert Placement.objects.get(pk=placement.pk).arranged_by == "school"
