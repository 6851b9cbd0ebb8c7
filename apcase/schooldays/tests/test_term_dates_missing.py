"""Missing or partly entered term dates are said loudly: on the home page of the people
who keep the calendar, and on the term and closure pages, until they are fixed."""

from datetime import date

import pytest

from apcase.core.errors import ValidationFailed
from apcase.schooldays import attention, services
from apcase.schooldays.attention import term_date_items
from apcase.schooldays.models import Term
from apcase.schooldays.testing import enter_school_year, half_terms
from conftest import Role
from tests.helpers import assert_page


@pytest.fixture
def on(monkeypatch):
    """on(day): the service believes today is `day`."""

    def travel(day):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(attention, "today", lambda: day)

    return travel


@pytest.fixture
def in_autumn_2026(on):
    on(date(2026, 11, 30))


def titles(user):  # type: ignore[no-untyped-def]
    return [item.title for item in term_date_items(user)]


@pytest.mark.parametrize("role", [Role.LA_ADMIN, Role.SCHOOL_ADMIN, Role.HEADTEACHER])
def test_keepers_of_the_calendar_are_told_a_partly_entered_year_is_missing(
    world, user_with_role, in_autumn_2026, role
):
    enter_school_year(world.la, 2026, only=4)
    user = user_with_role(role)
    (item,) = term_date_items(user)
    assert item.title == "Term dates missing for 2026/27"
    assert "4 of 6 terms entered" in item.detail
    assert item.href == (
        "/school-days/terms/" if role == Role.LA_ADMIN else "/school-days/closure-days/"
    )


def test_the_item_goes_once_every_term_is_entered(world, user_with_role, in_autumn_2026):
    enter_school_year(world.la, 2026, only=5)
    user = user_with_role(Role.LA_ADMIN)
    assert titles(user) == ["Term dates missing for 2026/27"]
    name, start, end = half_terms(2026)[5]
    Term.objects.create(local_authority=world.la, name=name, start_date=start, end_date=end)
    assert titles(user) == []


def test_from_june_the_next_years_term_dates_are_asked_for_too(world, user_with_role, on):
    enter_school_year(world.la, 2026)
    user = user_with_role(Role.LA_ADMIN)
    on(date(2027, 5, 31))
    assert titles(user) == []
    on(date(2027, 6, 1))
    assert titles(user) == ["Term dates missing for 2027/28"]


def test_people_who_do_not_keep_the_calendar_are_not_told(world, user_with_role, in_autumn_2026):
    assert titles(user_with_role(Role.SCHOOL_STAFF)) == []
    assert titles(user_with_role(Role.PROVIDER_STAFF)) == []


def test_the_home_page_shows_the_item_with_its_link(world, client_for, in_autumn_2026):
    page = client_for(Role.LA_ADMIN).get("/")
    text = assert_page(page)
    assert "Term dates missing for 2026/27" in text
    assert "0 of 6 terms entered" in text
    assert 'href="/school-days/terms/"' in text


def test_the_term_page_marks_each_year_complete_or_incomplete(world, client_for, in_autumn_2026):
    enter_school_year(world.la, 2026)
    enter_school_year(world.la, 2027, only=2)
    response = client_for(Role.LA_ADMIN).get("/school-days/terms/")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert '2026/27</td> <td class="govuk-table__cell">6 of 6' in text
    assert '2027/28</td> <td class="govuk-table__cell">2 of 6' in text
    assert "Incomplete" in text


def test_the_closure_page_warns_the_school_that_term_dates_are_missing(
    world, client_for, in_autumn_2026
):
    enter_school_year(world.la, 2026, only=3)
    response = client_for(Role.SCHOOL_ADMIN).get("/school-days/closure-days/")
    assert_page(response, contains="Term dates missing for 2026/27")


def test_a_term_running_across_31_august_is_refused(world, user_with_role):
    with pytest.raises(ValidationFailed, match="cannot run across 31 August"):
        services.add_term(
            by=user_with_role(Role.LA_ADMIN),
            local_authority=world.la,
            name="Summer 2",
            start_date=date(2027, 6, 7),
            end_date=date(2027, 9, 3),
        )
    assert not Term.objects.exists()
