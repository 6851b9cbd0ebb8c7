"""A concern typed into a weekly check-in or a visit log goes to the concern form (and
so to the DSL), not into the record every school role reads; check-in comments are for
the roles that need them; low wellbeing alerts the DSL."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring import services as monitoring
from apcase.monitoring.models import CheckIn, Visit
from apcase.notifications.models import OutboxMessage
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

WORDS = 'Sam said "Dad locked me out all night".'


def _check_in_form(**changes):  # type: ignore[no-untyped-def]
    data = {
        "week_of": START.isoformat(),
        "engagement": "3",
        "wellbeing": "3",
        "behaviour": "3",
        "comments": WORDS,
        "child_words": "I was cold",
        "safeguarding": "yes",
    }
    data.update(changes)
    return data


def test_a_check_in_concern_goes_to_the_concern_form_not_into_the_check_in(world):
    placement = make_placement(world.school, world.provider)
    client = sign_in(Client(), person(Role.PROVIDER_STAFF, world.provider))

    response = client.post(reverse("monitoring:check_in", args=[placement.pk]), _check_in_form())

    assert_page(
        response, status=302, redirects_to=reverse("safeguarding:raise", args=[placement.pupil_id])
    )
    check_in = CheckIn.objects.get()
    assert (check_in.comments, check_in.child_words) == ("", "")  # not stored as a comment
    assert check_in.wellbeing == 3  # the scores are kept
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert WORDS.replace('"', "&quot;") in form.content.decode()  # the form starts from it
    again = client.get(response["Location"])
    assert "Dad locked me out" not in again.content.decode()  # taken once


def test_a_check_in_that_is_not_a_concern_keeps_its_comments(world):
    placement = make_placement(world.school, world.provider)
    client = sign_in(Client(), person(Role.PROVIDER_STAFF, world.provider))
    response = client.post(
        reverse("monitoring:check_in", args=[placement.pk]),
        _check_in_form(safeguarding="no", comments="Settled well; enjoyed science."),
    )
    assert response.status_code == 302
    assert response["Location"] != reverse("safeguarding:raise", args=[placement.pupil_id])
    assert CheckIn.objects.get().comments == "Settled well; enjoyed science."


def test_a_visit_concern_goes_to_the_concern_form(world):
    lead = person(Role.INCLUSION_LEAD, world.school)
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    visit = Visit.objects.create(placement=placement, scheduled_for=START, scheduled_by=lead)
    client = sign_in(Client(), lead)
    response = client.post(
        reverse("monitoring:log_visit", args=[visit.pk]),
        {
            "visited_on": START.isoformat(),
            "visitors": "Amara Okafor",
            "learning_observations": "Phonics, small group",
            "child_seen": "yes",
            "child_views": WORDS,
            "registers_checked": "yes",
            "supervision_suitable": "yes",
            "safeguarding_notes": "Bruise on the wrist",
            "safeguarding": "yes",
        },
    )
    assert_page(
        response, status=302, redirects_to=reverse("safeguarding:raise", args=[placement.pupil_id])
    )
    visit.refresh_from_db()
    assert (visit.child_views, visit.safeguarding_notes) == ("", "")
    form = client.get(response["Location"]).content.decode()
    assert "Bruise on the wrist" in form


def test_check_in_comments_are_shown_to_the_roles_that_need_them_only(world):
    lead = person(Role.INCLUSION_LEAD, world.school)
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    monitoring.record_check_in(
        placement,
        by=person(Role.PROVIDER_STAFF, world.provider),
        week_of=START,
        engagement=3,
        wellbeing=3,
        behaviour=3,
        comments="Quiet after the weekend",
    )
    pages = [
        reverse("pupils:detail", args=[placement.pupil_id]),
        reverse("monitoring:placement", args=[placement.pk]),
    ]
    readers = [lead, person(Role.SCHOOL_DSL, world.school)]
    others = [person(Role.SCHOOL_ADMIN, world.school), person(Role.SCHOOL_STAFF, world.school)]
    for user in readers + others:
        client = sign_in(Client(), user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            shown = "Quiet after the weekend" in response.content.decode()
            assert shown == (user in readers), (user.email, url)


def test_low_wellbeing_alerts_the_dsl_as_well_as_the_named_staff_member(world):
    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@school.example")
    person(Role.SCHOOL_DSL, world.school, email="dsl@school.example")
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    staff = person(Role.PROVIDER_STAFF, world.provider)
    monitoring.record_check_in(
        placement, by=staff, week_of=START, engagement=2, wellbeing=4, behaviour=4
    )
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {"lead@school.example"}

    monitoring.record_check_in(
        placement, by=staff, week_of=START + datetime.timedelta(weeks=1),
        engagement=4, wellbeing=1, behaviour=4,
    )  # fmt: skip
    told = list(OutboxMessage.objects.order_by("pk").values_list("to", "subject"))
    assert sorted(to for to, _ in told[1:]) == ["dsl@school.example", "lead@school.example"]
    initialled = placement.pupil.initialled_name
    assert all(subject.endswith(f"– {initialled}") for _, subject in told)
    assert all(placement.pupil.display_name not in subject for _, subject in told)


def test_a_check_in_that_does_not_answer_the_safeguarding_question_is_refused(world):
    """Left blank, the question was read as "no": what was typed stayed in the record
    every school role reads, and no DSL heard of it."""
    placement = make_placement(world.school, world.provider)
    client = sign_in(Client(), person(Role.PROVIDER_STAFF, world.provider))
    url = reverse("monitoring:check_in", args=[placement.pk])
    form = client.get(url).content.decode()
    assert 'name="safeguarding" value="no" checked' not in " ".join(form.split()).replace(
        'checked=""', "checked"
    )  # no answer is chosen for the person
    data = _check_in_form()
    del data["safeguarding"]
    assert_page(
        client.post(url, data),
        contains=["There is a problem", "Select yes if anything here is a safeguarding concern"],
    )
    assert not CheckIn.objects.exists()
