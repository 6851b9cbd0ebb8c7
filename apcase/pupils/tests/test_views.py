from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.pupils.models import Pupil
from apcase.pupils.tests.factories import CarerFactory, ExclusionFactory, PupilFactory
from apcase.pupils.upn import with_check_letter
from apcase.schooldays.models import Term
from conftest import Role
from tests.helpers import assert_page


def dated(name, day):  # type: ignore[no-untyped-def]
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def own_pupil(world):
    return PupilFactory(
        school=world.school,
        legal_first_name="Corin",
        legal_last_name="Vale",
        medical_needs="Asthma: inhaler in bag",
        child_protection_plan=True,
    )


@pytest.fixture
def other_pupil(world):
    return PupilFactory(school=world.other_school, legal_first_name="Nell", legal_last_name="Ash")


def test_school_staff_see_only_their_own_schools_pupils_in_the_list(
    client_for, own_pupil, other_pupil
):
    response = client_for(Role.SCHOOL_STAFF).get("/pupils/")
    assert_page(response, contains="Corin Vale", lacks="Nell Ash")


def test_another_schools_pupil_is_not_found_for_reading_or_editing(client_for, other_pupil):
    client = client_for(Role.HEADTEACHER)
    for url in (
        f"/pupils/{other_pupil.pk}/",
        f"/pupils/{other_pupil.pk}/change/",
        f"/pupils/{other_pupil.pk}/exclusions/add/",
        f"/pupils/{other_pupil.pk}/carers/add/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/pupils/{other_pupil.pk}/carers/add/", {"name": "X"})
    assert response.status_code == 404
    assert not other_pupil.carers.exists()


def test_another_schools_pupil_is_left_out_of_search_and_export(client_for, other_pupil):
    client = client_for(Role.INCLUSION_LEAD)
    assert b"Nell Ash" not in client.get("/pupils/?q=Nell").content
    assert b"Nell" not in client.get("/pupils/export.csv").getvalue()
    assert b"There are no pupils to show" in client.get("/pupils/?q=Nell").content


def test_local_authority_and_provider_staff_see_no_pupils_until_referred_or_placed(
    client_for, own_pupil
):
    for role in (Role.LA_OFFICER, Role.PROVIDER_STAFF):
        client = client_for(role)
        assert b"Corin" not in client.get("/pupils/").content
        assert client.get(f"/pupils/{own_pupil.pk}/").status_code == 404


def test_the_list_filters_by_year_sen_and_name_or_upn(world, client_for):
    PupilFactory(school=world.school, legal_first_name="Ari", nc_year="3", sen_status="E")
    PupilFactory(school=world.school, legal_first_name="Bea", nc_year="6", sen_status="N")
    client = client_for(Role.SCHOOL_STAFF)
    assert b"Ari" in client.get("/pupils/?year=3").content
    assert b"Bea" not in client.get("/pupils/?year=3").content
    assert b"Bea" not in client.get("/pupils/?sen=E").content
    bea = Pupil.objects.get(legal_first_name="Bea")
    assert b"Bea" in client.get(f"/pupils/?q={bea.upn}").content


def test_the_pupil_page_has_its_sections_and_logs_the_read(client_for, own_pupil):
    client = client_for(Role.SCHOOL_STAFF)
    response = client.get(f"/pupils/{own_pupil.pk}/")
    page = assert_page(response)
    for heading in (
        "Details",
        "Carers",
        "Needs",
        "Suspensions and exclusions",
        "Alternative provision",
    ):
        assert f">{heading}</h2>" in page
    assert "Asthma: inhaler in bag" in page
    entry = AccessLogEntry.objects.get(pupil_id=own_pupil.pk)
    assert entry.actor_id == client.user.pk


def test_child_protection_status_is_shown_to_the_dsl_only(client_for, own_pupil):
    assert (
        b"Child protection plan"
        in client_for(Role.SCHOOL_DSL).get(f"/pupils/{own_pupil.pk}/").content
    )
    for role in (Role.HEADTEACHER, Role.INCLUSION_LEAD, Role.SCHOOL_STAFF):
        page = client_for(role).get(f"/pupils/{own_pupil.pk}/").content
        assert b"Child protection plan" not in page, role
        assert b"Child in need" not in page, role


def test_only_the_dsl_edit_form_offers_child_protection_fields(client_for, own_pupil):
    assert (
        b"child_protection_plan"
        in client_for(Role.SCHOOL_DSL).get(f"/pupils/{own_pupil.pk}/change/").content
    )
    assert (
        b"child_protection_plan"
        not in client_for(Role.HEADTEACHER).get(f"/pupils/{own_pupil.pk}/change/").content
    )


def test_a_carers_restriction_is_shown_prominently_at_the_top_of_the_pupil_page(
    client_for, own_pupil
):
    CarerFactory(pupil=own_pupil, name="Rex Vale", restriction="No contact: court order")
    page = client_for(Role.SCHOOL_STAFF).get(f"/pupils/{own_pupil.pk}/").content.decode()
    warning = page.index("govuk-warning-text")
    assert warning < page.index('id="details"')
    assert "Restriction on Rex Vale: No contact: court order" in page


def pupil_form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "upn": with_check_letter("826202626050"),
        "legal_first_name": "Juno",
        "legal_last_name": "Reyes",
        **dated("date_of_birth", date(2015, 6, 1)),
        "sex": "F",
        "nc_year": "6",
        "sen_status": "E",
        "looked_after": "yes",
        "free_school_meals": "no",
        "pupil_premium": "yes",
        "first_language": "Spanish",
    }
    data.update(overrides)
    return data


def test_an_inclusion_lead_adds_a_pupil_and_the_change_is_audited(world, client_for):
    response = client_for(Role.INCLUSION_LEAD).post("/pupils/add/", pupil_form())
    pupil = Pupil.objects.get(legal_first_name="Juno")
    assert_page(response, status=302, redirects_to=f"/pupils/{pupil.pk}/")
    assert pupil.school == world.school
    # "Looked after" is a DSL-only flag: the inclusion lead's form has no such field.
    assert not pupil.looked_after
    assert pupil.sen_status == "E"
    assert AuditEvent.objects.filter(action="pupil.created", pupil_id=pupil.pk).count() == 1


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.SCHOOL_DSL, True),
        (Role.INCLUSION_LEAD, False),
        (Role.HEADTEACHER, False),
        (Role.SCHOOL_STAFF, False),
        (Role.SCHOOL_ADMIN, False),
    ],
)
def test_looked_after_is_shown_and_set_by_the_dsl_only(world, client_for, role, sees):
    pupil = PupilFactory(school=world.school, looked_after=True)
    client = client_for(role)
    page = client.get(f"/pupils/{pupil.pk}/")
    assert page.status_code == 200
    assert ("Looked after" in page.text) is sees
    form = client.get(f"/pupils/{pupil.pk}/change/")
    if form.status_code == 200:
        assert ('name="looked_after"' in form.text) is sees


def test_the_provider_does_not_see_whether_a_placed_child_is_looked_after(world, client_for):
    from apcase.placements.tests.factories import make_placement

    pupil = PupilFactory(school=world.school, looked_after=True)
    make_placement(world.school, world.provider, pupil=pupil)
    page = client_for(Role.PROVIDER_MANAGER).get(f"/pupils/{pupil.pk}/")
    assert page.status_code == 200
    assert pupil.legal_last_name in page.text
    assert "Looked after" not in page.text


def test_a_upn_with_a_wrong_check_letter_is_shown_as_an_error_on_the_form(client_for):
    response = client_for(Role.INCLUSION_LEAD).post("/pupils/add/", pupil_form(upn="A801200005001"))
    assert_page(response, contains=["check letter is wrong", "<title>Error:"])
    assert not Pupil.objects.exists()


def test_an_edit_made_from_a_stale_page_is_refused(client_for, own_pupil):
    client = client_for(Role.INCLUSION_LEAD)
    data = pupil_form(upn=own_pupil.upn, version=own_pupil.version)
    assert client.post(f"/pupils/{own_pupil.pk}/change/", data).status_code == 302
    stale = client.post(f"/pupils/{own_pupil.pk}/change/", {**data, "legal_first_name": "Old"})
    assert_page(stale, contains="Someone else changed")
    own_pupil.refresh_from_db()
    assert own_pupil.legal_first_name == "Juno"
    assert own_pupil.version == 2


def test_the_dsl_records_a_child_protection_plan_as_its_own_audit_event(client_for, world):
    pupil = PupilFactory(school=world.school)
    data = pupil_form(
        upn=pupil.upn,
        version=1,
        child_protection_plan="yes",
        child_in_need="no",
        looked_after="no",
    )
    client_for(Role.SCHOOL_DSL).post(f"/pupils/{pupil.pk}/change/", data)
    event = AuditEvent.objects.get(action="pupil.child_protection_changed")
    # The form's "Looked after: no" matches the record: only the plan changed.
    assert event.changes == {"child_protection_plan": [False, True]}
    assert "child_protection_plan" not in AuditEvent.objects.get(action="pupil.changed").changes


def test_a_carer_is_added_and_removed_with_audit_events(client_for, own_pupil):
    client = client_for(Role.SCHOOL_ADMIN)
    response = client.post(
        f"/pupils/{own_pupil.pk}/carers/add/",
        {
            "name": "Mo Vale",
            "relationship": "Father",
            "parental_responsibility": "yes",
            "lives_with_pupil": "no",
            "priority": "1",
            "preferred_contact_method": "text",
        },
    )
    assert response.status_code == 302
    carer = own_pupil.carers.get()
    assert carer.parental_responsibility
    assert not carer.lives_with_pupil
    client.post(f"/pupils/{own_pupil.pk}/carers/{carer.pk}/remove/")
    assert not own_pupil.carers.exists()
    actions = set(AuditEvent.objects.filter(pupil_id=own_pupil.pk).values_list("action", flat=True))
    assert {"carer.added", "carer.removed"} <= actions


def test_a_suspension_past_45_days_is_refused_on_the_page_with_the_days_remaining(
    world, client_for, own_pupil
):
    ExclusionFactory(pupil=own_pupil, start_date=date(2026, 9, 7), length_days=44)
    response = client_for(Role.HEADTEACHER).post(
        f"/pupils/{own_pupil.pk}/exclusions/add/",
        {
            "kind": "suspension",
            **dated("start_date", date(2026, 11, 16)),
            "length_days": "2",
            "reason_1": "DB",
        },
    )
    assert_page(response, contains="no more than 1 can be recorded")
    assert own_pupil.exclusions.count() == 1


def test_the_pupil_page_shows_the_sixth_day_and_the_yearly_total(world, client_for, own_pupil):
    Term.objects.create(
        local_authority=world.la,
        name="Autumn 1",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 10, 23),
    )
    ExclusionFactory(pupil=own_pupil, start_date=date(2026, 9, 14), length_days=6)
    page = client_for(Role.SCHOOL_STAFF).get(f"/pupils/{own_pupil.pk}/").content.decode()
    assert "Mon 21 Sep 2026" in page
    assert "6 of 45 school days (39 remaining)" in page
    assert "the school’s duty from the 6th consecutive school day of suspension" in page
    assert "Near the 45-day limit" not in page


def test_the_pupil_page_warns_when_few_suspension_days_are_left(world, client_for, own_pupil):
    ExclusionFactory(pupil=own_pupil, start_date=date(2026, 9, 14), length_days=41)

    response = client_for(Role.SCHOOL_STAFF).get(f"/pupils/{own_pupil.pk}/")

    page = assert_page(response)
    assert "41 of 45 school days (4 remaining)" in page
    assert "Near the 45-day limit" in page


def test_the_import_page_lists_every_problem_and_imports_nothing(client_for):
    content = b"UPN,Legal Surname,Legal Forename,DOB,Gender,NC Year Actual\nA801200005001,X,Y,1/1/2016,M,5\n"
    response = client_for(Role.SCHOOL_ADMIN).post(
        "/pupils/import/", {"file": SimpleUploadedFile("pupils.csv", content, "text/csv")}
    )
    page = assert_page(response)
    assert "Problems in the file" in page
    assert "check letter is wrong" in page
    assert not Pupil.objects.exists()


def test_the_import_page_imports_a_good_file(client_for, world):
    upn = with_check_letter("826202626077")
    content = f"UPN,Legal Surname,Legal Forename,DOB,Gender,NC Year Actual\n{upn},Lark,Isla,01/01/2016,F,R\n"
    response = client_for(Role.INCLUSION_LEAD).post(
        "/pupils/import/", {"file": SimpleUploadedFile("p.csv", content.encode(), "text/csv")}
    )
    assert response.status_code == 302
    assert Pupil.objects.get(upn=upn).nc_year == "R"


def test_the_export_is_logged_as_a_sensitive_read(client_for, own_pupil):
    response = client_for(Role.SCHOOL_STAFF).get("/pupils/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert AccessLogEntry.objects.filter(action="pupils.exported").exists()
    assert own_pupil.upn in response.getvalue().decode("utf-8-sig")


def test_pages_do_not_error_with_no_data(client_for):
    client = client_for(Role.INCLUSION_LEAD)
    for url in ("/pupils/", "/pupils/add/", "/pupils/import/"):
        assert client.get(url).status_code == 200, url


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_photo_is_uploaded_shown_to_the_school_and_hidden_from_other_schools(
    settings, tmp_path, world, client_for, own_pupil, user_with_role
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(Role.SCHOOL_ADMIN)
    response = client.post(
        f"/pupils/{own_pupil.pk}/photo/change/",
        {"photo": SimpleUploadedFile("me.png", PNG, "image/png")},
    )
    assert response.status_code == 302
    own_pupil.refresh_from_db()
    assert own_pupil.photo_path.endswith(".png")
    assert AuditEvent.objects.filter(action="pupil.photo_changed", pupil_id=own_pupil.pk).exists()
    photo = client_for(Role.SCHOOL_STAFF).get(f"/pupils/{own_pupil.pk}/photo/")
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    other = client_for(Role.SCHOOL_STAFF, organisation=world.other_school)
    assert other.get(f"/pupils/{own_pupil.pk}/photo/").status_code == 404


def test_a_photo_that_is_not_an_image_is_refused(settings, tmp_path, client_for, own_pupil):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(Role.SCHOOL_ADMIN).post(
        f"/pupils/{own_pupil.pk}/photo/change/",
        {"photo": SimpleUploadedFile("me.png", b"%PDF-1.4 not a photo", "image/png")},
    )
    assert_page(response, contains="must be a PNG or JPEG image")
    own_pupil.refresh_from_db()
    assert own_pupil.photo_path == ""


def test_the_pupil_list_makes_the_same_number_of_queries_for_few_or_many_pupils(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(Role.SCHOOL_STAFF)
    PupilFactory.create_batch(2, school=world.school)
    assert_page(client.get("/pupils/"))  # warm the session and membership caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert_page(client.get("/pupils/"), contains="2 pupils")
    PupilFactory.create_batch(20, school=world.school)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert_page(client.get("/pupils/"), contains="22 pupils")


def test_a_provider_given_a_placement_sees_only_what_the_placement_needs(
    world, client_for, own_pupil, monkeypatch
):
    """The placements app will add the provider's scope; this shows the view it gets."""
    from django.db.models import Q

    from apcase.access import policies
    from apcase.pupils import selectors

    def placed_with_my_provider(user):  # type: ignore[no-untyped-def]
        ids = policies.organisation_ids_for(user, policies.PROVIDER_ROLES)
        return Q(pk=own_pupil.pk) if world.provider.pk in ids else None

    monkeypatch.setattr(
        selectors,
        "SCOPES",
        [*selectors.SCOPES[:2], (selectors.PLACEMENT, placed_with_my_provider)],
    )
    CarerFactory(
        pupil=own_pupil,
        name="Rex Vale",
        phone="07700 900111",
        restriction="No contact: court order",
    )
    ExclusionFactory(pupil=own_pupil, reason_1="PA")
    response = client_for(Role.PROVIDER_STAFF).get(f"/pupils/{own_pupil.pk}/")
    page = assert_page(response)
    assert "Asthma: inhaler in bag" in page
    assert "Restriction on Rex Vale: No contact: court order" in page
    assert "07700 900111" not in page  # withheld because of the restriction
    for hidden in (
        "Suspensions and exclusions",
        "Physical assault",
        "Free school meals",
        "Child protection",
        "Change",
    ):
        assert hidden not in page, hidden
    assert AccessLogEntry.objects.filter(action="pupil.viewed.placement").exists()


def test_the_provider_gets_contact_details_only_for_carers_the_child_lives_with(
    world, client_for, own_pupil, monkeypatch
):
    """Phone, email and address of a carer the child does not live with, or of a carer
    with a restriction, never reach the provider's page; a resident carer's do."""
    from django.db.models import Q

    from apcase.access import policies
    from apcase.pupils import selectors

    def placed_with_my_provider(user):  # type: ignore[no-untyped-def]
        ids = policies.organisation_ids_for(user, policies.PROVIDER_ROLES)
        return Q(pk=own_pupil.pk) if world.provider.pk in ids else None

    monkeypatch.setattr(
        selectors,
        "SCOPES",
        [*selectors.SCOPES[:2], (selectors.PLACEMENT, placed_with_my_provider)],
    )
    CarerFactory(
        pupil=own_pupil,
        name="Mara Vale",
        lives_with_pupil=True,
        phone="07700 900222",
        email="mara.vale@example.com",
        address="1 Home Street, Milton Keynes",
    )
    CarerFactory(
        pupil=own_pupil,
        name="Dane Vale",
        lives_with_pupil=False,
        parental_responsibility=True,
        phone="07700 900333",
        email="dane.vale@example.com",
        address="9 Away Road, Northampton",
    )
    CarerFactory(
        pupil=own_pupil,
        name="Lena Vale",
        lives_with_pupil=True,
        phone="07700 900444",
        email="lena.vale@example.com",
        address="1 Home Street, Milton Keynes",
        restriction="Do not share contact details",
    )
    page = assert_page(
        client_for(Role.PROVIDER_STAFF).get(f"/pupils/{own_pupil.pk}/"),
        contains=[
            "07700 900222",
            "mara.vale@example.com",
            "Withheld: the pupil does not live with this carer. Ask the home school.",
        ],
        lacks=[
            "07700 900333",
            "dane.vale@example.com",
            "Away Road",
            "07700 900444",
            "lena.vale@example.com",
            "Home Street",
        ],
    )
    assert "Dane Vale" in page  # named, so the provider knows who to ask about
