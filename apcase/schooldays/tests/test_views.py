from datetime import date

import pytest

from apcase.chronology.models import AuditEvent
from apcase.schooldays.models import ClosureDay, Term
from conftest import Role
from tests.helpers import assert_page


def dated(name, day):  # type: ignore[no-untyped-def]
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def term_form(name="Autumn 1", start=date(2026, 9, 2), end=date(2026, 10, 23)):  # type: ignore[no-untyped-def]
    return {"name": name, **dated("start_date", start), **dated("end_date", end)}


def test_an_la_admin_adds_a_term_for_their_authority_and_it_is_audited(world, client_for):
    client = client_for(Role.LA_ADMIN)
    response = client.post("/school-days/terms/add/", term_form())
    assert response.status_code == 302
    term = Term.objects.get()
    assert term.local_authority == world.la
    assert AuditEvent.objects.filter(action="term.added", target_id=str(term.pk)).exists()
    assert b"Autumn 1" in client.get("/school-days/terms/").content


def test_overlapping_terms_are_refused_with_a_message(world, client_for):
    Term.objects.create(
        local_authority=world.la,
        name="Autumn 1",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 10, 23),
    )
    response = client_for(Role.LA_ADMIN).post(
        "/school-days/terms/add/", term_form("Autumn 2", date(2026, 10, 19), date(2026, 12, 18))
    )
    assert_page(response, contains="These dates overlap Autumn 1")
    assert Term.objects.count() == 1


def test_a_term_that_ends_before_it_starts_is_refused(client_for):
    response = client_for(Role.LA_ADMIN).post(
        "/school-days/terms/add/", term_form(start=date(2026, 10, 23), end=date(2026, 9, 2))
    )
    assert "must be the same as or after" in response.content.decode()
    assert not Term.objects.exists()


def test_an_impossible_date_gets_a_plain_message_not_an_error_page(client_for):
    data = term_form()
    data["start_date_1"] = "13"
    response = client_for(Role.LA_ADMIN).post("/school-days/terms/add/", data)
    assert_page(response, contains="First day of term must be a real date")


@pytest.mark.parametrize(
    ("box", "value", "message"),
    [
        ("end_date_1", "", "Last day of term must include a month"),
        ("end_date_0", "31", "Last day of term must be a real date"),  # 31 February
        ("end_date_0", "last", "Last day of term must be a real date"),
        ("end_date_2", "27", "Last day of term year must include 4 numbers"),
    ],
)
def test_a_bad_date_on_the_term_change_form_changes_nothing(world, client_for, box, value, message):
    term = Term.objects.create(
        local_authority=world.la,
        name="Spring 1",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 2, 12),
    )
    data = {**term_form("Spring 1 renamed", date(2027, 1, 6), date(2027, 2, 11)), box: value}
    response = client_for(Role.LA_ADMIN).post(f"/school-days/terms/{term.pk}/change/", data)
    assert_page(response, contains=message)
    term.refresh_from_db()
    assert (term.name, term.start_date, term.end_date) == (
        "Spring 1",
        date(2027, 1, 5),
        date(2027, 2, 12),
    )
    assert not AuditEvent.objects.filter(target_id=str(term.pk)).exists()


def test_an_la_admin_changes_and_removes_a_term(world, client_for):
    term = Term.objects.create(
        local_authority=world.la,
        name="Autumn 1",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 10, 23),
    )
    client = client_for(Role.LA_ADMIN)
    client.post(f"/school-days/terms/{term.pk}/change/", term_form(end=date(2026, 10, 22)))
    term.refresh_from_db()
    assert term.end_date == date(2026, 10, 22)
    client.post(f"/school-days/terms/{term.pk}/remove/")
    assert not Term.objects.exists()
    assert {"term.changed", "term.removed"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_another_authoritys_term_cannot_be_changed(world, client_for):
    term = Term.objects.create(
        local_authority=world.other_la,
        name="Autumn 1",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 10, 23),
    )
    response = client_for(Role.LA_ADMIN).post(f"/school-days/terms/{term.pk}/remove/")
    assert response.status_code == 404
    assert Term.objects.exists()


def test_a_school_admin_adds_an_inset_day_for_their_school(world, client_for):
    response = client_for(Role.SCHOOL_ADMIN).post(
        "/school-days/closure-days/add/", {**dated("day", date(2027, 1, 4)), "reason": "INSET"}
    )
    assert response.status_code == 302
    closure = ClosureDay.objects.get()
    assert closure.school == world.school
    assert closure.local_authority is None


@pytest.mark.parametrize(
    ("day", "message"),
    [(date(2027, 1, 2), "Choose a weekday"), (date(2027, 1, 4), "already a closure day")],
)
def test_a_weekend_or_repeated_closure_day_is_refused(world, client_for, day, message):
    ClosureDay.objects.create(school=world.school, date=date(2027, 1, 4), reason="INSET")
    response = client_for(Role.HEADTEACHER).post(
        "/school-days/closure-days/add/", {**dated("day", day), "reason": "INSET"}
    )
    assert_page(response, contains=message)
    assert ClosureDay.objects.count() == 1


def test_a_school_admin_sees_area_and_national_closures_but_removes_only_their_own(
    world, client_for
):
    ClosureDay.objects.create(local_authority=world.la, date=date(2027, 5, 3), reason="Area day")
    national = ClosureDay.objects.create(date=date(2027, 5, 31), reason="Spring bank holiday")
    client = client_for(Role.SCHOOL_ADMIN)
    page = client.get("/school-days/closure-days/").content.decode()
    assert "Area day" in page
    assert "Spring bank holiday" in page
    assert client.post(f"/school-days/closure-days/{national.pk}/remove/").status_code == 404


def test_an_la_admin_adds_an_area_wide_closure_day(world, client_for):
    client_for(Role.LA_ADMIN).post(
        "/school-days/terms/closure-days/add/",
        {**dated("day", date(2027, 5, 3)), "reason": "Area closure"},
    )
    assert ClosureDay.objects.get().local_authority == world.la


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("school", "You cannot change this school’s closure days."),
        ("la", "You cannot change this local authority’s closure days."),
        (None, "National closure days are not changed here."),
    ],
)
def test_a_closure_day_is_added_or_removed_only_by_whoever_keeps_it(
    world, user_with_role, owner, message
):
    """A school's closure days are its admins', an area's the LA's term keepers', and the
    national ones nobody's here: the service refuses anyone else and changes nothing."""
    from apcase.core.errors import NotPermitted
    from apcase.schooldays import services

    kept_by = {"school": world.other_school, "la": world.other_la, None: None}[owner]
    closure = ClosureDay.objects.create(
        school=kept_by if owner == "school" else None,
        local_authority=kept_by if owner == "la" else None,
        date=date(2027, 5, 3),
        reason="Kept elsewhere",
    )
    la_admin, school_admin = user_with_role(Role.LA_ADMIN), user_with_role(Role.SCHOOL_ADMIN)
    for by in (la_admin, school_admin):
        with pytest.raises(NotPermitted, match=message):
            services.remove_closure_day(by=by, closure=closure)
    assert ClosureDay.objects.filter(pk=closure.pk).exists()
    if owner is not None:
        with pytest.raises(NotPermitted, match=message):
            services.add_closure_day(
                by=la_admin if owner == "la" else school_admin,
                day=date(2027, 5, 4),
                reason="Not theirs",
                **{"school" if owner == "school" else "local_authority": kept_by},
            )
    assert ClosureDay.objects.count() == 1
    assert not AuditEvent.objects.exists()
