"""Agreement to a placement plan: a named carer with parental responsibility (one the
pupil lives with for a part-time plan), and the provider agreeing for itself."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.core.errors import ValidationFailed
from apcase.placements import services
from apcase.placements.models import Placement, PlacementAgreement
from apcase.placements.tests.factories import make_placement
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals.tests.factories import PDF_BYTES, person
from conftest import sign_in
from tests.helpers import assert_page

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school)


@pytest.fixture
def planned(world):
    return make_placement(world.school, world.provider, status=Placement.Status.PLANNED)


def _by_carer(carer, how="in_person", **extra):  # type: ignore[no-untyped-def]
    return services.AgreementDetails(party="parent", agreed_on=TODAY, carer=carer, how=how, **extra)


def test_a_carer_without_parental_responsibility_cannot_agree(planned, lead):
    uncle = CarerFactory(
        pupil=planned.pupil, name="Ray Stone", relationship="Uncle", parental_responsibility=False
    )
    with pytest.raises(ValidationFailed, match="Ray Stone does not have parental responsibility"):
        services.record_agreement(planned, by=lead, details=_by_carer(uncle))
    assert not planned.agreements.exists()


def test_a_carer_of_another_pupil_cannot_agree(world, planned, lead):
    stranger = CarerFactory(name="Pat Other")
    with pytest.raises(ValidationFailed, match="Choose which of the pupil's parents"):
        services.record_agreement(planned, by=lead, details=_by_carer(stranger))


def test_a_part_time_plan_needs_a_carer_the_pupil_lives_with(planned, lead):
    Placement.objects.filter(pk=planned.pk).update(part_time_timetable=True)
    planned.refresh_from_db()
    away = CarerFactory(pupil=planned.pupil, name="Dane Stone", lives_with_pupil=False)
    with pytest.raises(ValidationFailed, match="This plan is part time"):
        services.record_agreement(planned, by=lead, details=_by_carer(away))
    assert not planned.agreements.exists()
    home = CarerFactory(pupil=planned.pupil, name="Mara Stone", lives_with_pupil=True)
    agreement = services.record_agreement(planned, by=lead, details=_by_carer(home, how="phone"))
    assert (agreement.carer, agreement.agreed_by_name, agreement.how) == (
        home,
        "Mara Stone",
        "phone",
    )


def test_a_full_time_plan_may_be_agreed_by_a_carer_who_lives_elsewhere(planned, lead):
    away = CarerFactory(pupil=planned.pupil, name="Dane Stone", lives_with_pupil=False)
    agreement = services.record_agreement(planned, by=lead, details=_by_carer(away))
    assert agreement.carer == away


def test_a_signed_form_is_uploaded_with_the_agreement(planned, lead):
    carer = CarerFactory(pupil=planned.pupil, name="Mara Stone")
    with pytest.raises(ValidationFailed, match="Upload the signed form"):
        services.record_agreement(planned, by=lead, details=_by_carer(carer, how="signed_form"))
    with pytest.raises(ValidationFailed):
        services.record_agreement(
            planned,
            by=lead,
            details=_by_carer(
                carer,
                how="signed_form",
                signed_form=SimpleUploadedFile("form.pdf", b"MZ not a pdf", "application/pdf"),
            ),
        )
    agreement = services.record_agreement(
        planned,
        by=lead,
        details=_by_carer(
            carer,
            how="signed_form",
            signed_form=SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf"),
        ),
    )
    assert agreement.signed_form_path
    assert agreement.signed_form_name == "signed.pdf"


def test_the_school_records_a_carers_agreement_on_its_form_without_a_provider_choice(planned, lead):
    carer = CarerFactory(pupil=planned.pupil, name="Mara Stone", relationship="Mother")
    CarerFactory(pupil=planned.pupil, name="Ray Stone", parental_responsibility=False)
    client = sign_in(Client(), lead)
    url = reverse("placements:record_agreement", args=[planned.pk])
    assert_page(
        client.get(url),
        contains="Mara Stone (Mother, lives with the pupil)",
        lacks=['value="provider"', "Ray Stone"],
    )
    assert_page(
        client.post(
            url,
            {
                "party": "parent",
                "carer": carer.pk,
                "how": "in_person",
                "agreed_on_0": "2",
                "agreed_on_1": "11",
                "agreed_on_2": "2026",
            },
        ),
        status=302,
    )
    assert_page(
        client.get(reverse("placements:detail", args=[planned.pk])),
        contains="Parent or carer: Mara Stone (Mother), 2 November 2026, in person",
    )
    assert AuditEvent.objects.filter(
        action="placement_plan_agreed", summary__contains="Mara Stone (in person)"
    ).exists()


def test_the_provider_agrees_from_its_placement_page(world, planned):
    manager = person(Role.PROVIDER_MANAGER, world.provider, full_name="Kim Asante")
    client = sign_in(Client(), manager)
    url = reverse("placements:provider_agreement", args=[planned.pk])
    assert_page(
        client.get(reverse("placements:detail", args=[planned.pk])),
        contains=url,
    )
    assert_page(client.get(url), contains="Agree to the placement plan")
    assert_page(client.post(url, {}), status=302)
    agreement = planned.agreements.get(party=PlacementAgreement.Party.PROVIDER)
    assert (agreement.agreed_by_user, agreement.agreed_by_name) == (manager, "Kim Asante")
    assert AuditEvent.objects.filter(
        action="placement_plan_agreed", summary__contains="provider: Kim Asante"
    ).exists()
    page = assert_page(client.get(reverse("placements:detail", args=[planned.pk])))
    assert url not in page  # agreed: no second link


def test_another_providers_user_cannot_agree_for_the_placement(world, planned):
    other = person(Role.PROVIDER_MANAGER, world.other_provider)
    url = reverse("placements:provider_agreement", args=[planned.pk])
    assert_page(sign_in(Client(), other).post(url, {}), status=404)
    assert_page(sign_in(Client(), other).get(url), status=404)
    assert not planned.agreements.exists()


def test_the_school_cannot_agree_for_the_provider(world, planned, lead):
    url = reverse("placements:provider_agreement", args=[planned.pk])
    assert_page(sign_in(Client(), lead).post(url, {}), status=403)
    assert not planned.agreements.exists()


def test_the_school_opens_the_signed_form_it_uploaded(world, planned, lead):
    carer = CarerFactory(pupil=planned.pupil, name="Mara Stone")
    agreement = services.record_agreement(
        planned,
        by=lead,
        details=_by_carer(
            carer,
            how="signed_form",
            signed_form=SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf"),
        ),
    )
    url = reverse("placements:signed_form", args=[planned.pk, agreement.pk])
    client = sign_in(Client(), lead)
    assert_page(client.get(reverse("placements:detail", args=[planned.pk])), contains=url)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="signed.pdf"' in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(
        action="placement.signed_form_downloaded", actor_id=lead.pk
    ).exists()
    # The provider sees that a form was signed, not the form (the family's own paper).
    manager = person(Role.PROVIDER_MANAGER, world.provider)
    provider_client = sign_in(Client(), manager)
    page = assert_page(
        provider_client.get(reverse("placements:detail", args=[planned.pk])), contains="signed.pdf"
    )
    assert url not in page
    assert_page(provider_client.get(url), status=404)
    # An agreement without a form has nothing to open.
    school = services.record_agreement(
        planned,
        by=lead,
        details=services.AgreementDetails(
            party="school", agreed_on=TODAY, agreed_by_name="Ann Head"
        ),
    )
    assert_page(
        client.get(reverse("placements:signed_form", args=[planned.pk, school.pk])), status=404
    )
