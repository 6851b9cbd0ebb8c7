"""The DSL links a concern to the referral or placement it bears on: chosen from the
pupil's own records the DSL may see, once each, kept like the rest of the concern."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.referrals.tests.factories import draft_referral, make_pupil, person
from apcase.safeguarding import services
from apcase.safeguarding.models import ConcernLink
from conftest import sign_in

from .factories import concern_at_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(world):  # type: ignore[no-untyped-def]
    return concern_at_provider(world.school, world.provider)


def test_the_dsl_links_a_concern_to_the_pupils_referral_from_the_concern_page(
    world, concern, client
) -> None:
    dsl = person(Role.SCHOOL_DSL, world.school)
    referral = draft_referral(concern.pupil, created_by=person(Role.INCLUSION_LEAD, world.school))
    other_pupils = draft_referral(make_pupil(world.school))
    sign_in(client, dsl)
    url = reverse("safeguarding:link_record", args=[concern.pk])

    form = client.get(url)
    assert form.status_code == 200
    assert f'value="referral:{referral.pk}"' in form.text
    assert f'value="placement:{concern.placement_id}"' in form.text
    assert f"referral:{other_pupils.pk}" not in form.text  # only this pupil's records
    # Each offered record says which one it is.
    placement = concern.placement
    assert (
        escape(f"Referral to {referral.panel} (draft, started {referral.created_at:%-d %B %Y})")
        in form.text
    )
    assert (
        escape(
            f"Placement at {placement.provider} ({placement.get_status_display().lower()}, "
            f"from {placement.start_date:%-d %B %Y})"
        )
        in form.text
    )

    saved = client.post(url, {"record": f"referral:{referral.pk}"}, follow=True)
    assert saved.status_code == 200
    assert "Record linked." in saved.text
    assert reverse("referrals:detail", args=[referral.pk]) in saved.text
    link = ConcernLink.objects.get()
    assert (link.kind, link.record_id, link.linked_by) == ("referral", referral.pk, dsl)
    event = AuditEvent.objects.get(action="safeguarding.concern_linked")
    assert event.changes == {"linked": [None, f"referral:{referral.pk}"]}

    # Linked once: the record is no longer offered, and a second post is refused.
    assert f'value="referral:{referral.pk}"' not in client.get(url).text
    again = client.post(url, {"record": f"referral:{referral.pk}"})
    assert again.status_code == 200
    assert ConcernLink.objects.count() == 1


def test_a_record_of_another_pupil_or_out_of_sight_cannot_be_linked(world, concern) -> None:
    dsl = person(Role.SCHOOL_DSL, world.school)
    elsewhere = draft_referral(make_pupil(world.other_school))
    other_pupil = draft_referral(make_pupil(world.school))
    for key in (f"referral:{elsewhere.pk}", f"referral:{other_pupil.pk}", "referral:x", ""):
        with pytest.raises(ValidationFailed, match="Select a referral or placement"):
            services.link_record(concern, by=dsl, record=key)
    assert not ConcernLink.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.INCLUSION_LEAD, Role.PROVIDER_MANAGER])
def test_only_the_schools_dsl_links_records(world, concern, role) -> None:
    organisation = world.provider if role == Role.PROVIDER_MANAGER else world.school
    with pytest.raises(NotPermitted):
        services.link_record(
            concern, by=person(role, organisation), record=f"placement:{concern.placement_id}"
        )
    assert not ConcernLink.objects.exists()


@pytest.mark.parametrize(
    ("status", "may_raise"),
    [("planned", True), ("active", True), ("ended", False)],
)
def test_provider_staff_raise_concerns_about_children_placed_or_about_to_be(
    world, client, status, may_raise
) -> None:
    from apcase.placements.tests.factories import make_placement

    placement = make_placement(
        world.school,
        world.provider,
        status=status,
        **({"ended_on": placement_end()} if status == "ended" else {}),
    )
    sign_in(client, person(Role.PROVIDER_STAFF, world.provider))
    page = client.get(reverse("monitoring:placement", args=[placement.pk]))
    raise_url = reverse("safeguarding:raise", args=[placement.pupil_id])
    if may_raise:
        assert page.status_code == 200
        assert raise_url in page.text
    else:  # an ended placement is out of the provider's sight, or shown without the link
        assert page.status_code in (200, 404)
        assert raise_url not in page.text
    assert client.get(raise_url).status_code == (200 if may_raise else 404)


def placement_end():  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=3)
