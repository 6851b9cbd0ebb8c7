"""The home page: who you are, where you hold roles, what needs you, where you can go."""

import pytest
from django.test import Client, override_settings

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory
from apcase.core import attention
from apcase.core.tests.pages import read
from conftest import sign_in


@pytest.fixture
def nothing_to_attend_to(monkeypatch):
    monkeypatch.setattr(attention, "_providers", [])


@pytest.mark.parametrize("role", list(Role))
def test_home_page_lists_the_users_organisation_and_role(
    role, world, user_with_role, nothing_to_attend_to
):
    user = user_with_role(role, full_name="Morgan Example")
    membership = user.memberships.get()

    page = read(sign_in(Client(), user).get("/"))

    assert page.title == "Home – apcase"
    assert page.h1 == ["Home"]
    assert page.has_text("Morgan Example")
    assert page.has_text(membership.organisation.name)
    assert page.has_text(Role(role).label)
    assert page.has_text("Nothing needs your attention")


def test_home_page_lists_every_organisation_a_person_holds_a_role_in(world, user_with_role):
    user = user_with_role(Role.SCHOOL_STAFF)
    MembershipFactory(user=user, organisation=world.provider, role=Role.PROVIDER_STAFF)

    page = read(sign_in(Client(), user).get("/"))

    assert page.has_text(world.school.name)
    assert page.has_text("School staff")
    assert page.has_text(world.provider.name)
    assert page.has_text("Provider staff")


def test_home_page_lists_a_persons_organisations_by_name_and_roles_in_order(world, user_with_role):
    user = user_with_role(Role.SCHOOL_STAFF)
    MembershipFactory(user=user, organisation=world.school, role=Role.HEADTEACHER)
    world.provider.name = "Aardvark Learning Centre"
    world.provider.save()
    MembershipFactory(user=user, organisation=world.provider, role=Role.PROVIDER_STAFF)

    response = sign_in(Client(), user).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    organisations = html[html.index("Your organisations") :]
    places = [
        organisations.index(text)
        for text in ("Aardvark Learning Centre", world.school.name, "Headteacher", "School staff")
    ]
    assert places == sorted(places)


def test_home_page_shows_what_needs_attention_when_an_app_reports_something(
    world, user_with_role, monkeypatch
):
    item = attention.AttentionItem(
        title="Referral for Pupil A awaits your decision",
        href="/referrals/",
        tag="Overdue",
        tag_colour="govuk-tag--red",
    )
    monkeypatch.setattr(attention, "_providers", [lambda user: [item]])

    page = read(sign_in(Client(), user_with_role(Role.PANEL_CHAIR)).get("/"))

    assert page.has_text("Referral for Pupil A awaits your decision")
    assert page.has_text("Overdue")
    assert not page.has_text("Nothing needs your attention")


def test_signed_in_user_sees_their_name_and_a_sign_out_button_that_posts(world, user_with_role):
    page = read(sign_in(Client(), user_with_role(Role.LA_OFFICER, full_name="Ada Lane")).get("/"))

    header = page.html.split('class="govuk-generic-header"')[1].split("</header>")[0]
    assert "Ada Lane" in header
    assert '<form method="post" action="/account/sign-out/"' in header
    assert "Sign out</button>" in header


def test_signed_out_pages_show_no_account_or_navigation(db):
    page = read(Client().get("/account/sign-in/"))

    assert "Sign out" not in page.text
    assert page.navigation == []


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.PROVIDER_STAFF, {"Home", "Pupils"}, {"Users"}),
        (Role.PROVIDER_MANAGER, {"Home", "Pupils", "Users"}, set()),
        (Role.SCHOOL_STAFF, {"Home", "Pupils", "Providers"}, {"Users"}),
        (Role.SCHOOL_ADMIN, {"Home", "Pupils", "Users"}, set()),
        (Role.PANEL_MEMBER, {"Home", "Pupils", "Providers"}, {"Users"}),
        (Role.LA_ADMIN, {"Home", "Users", "Providers"}, {"Pupils"}),
        (Role.SYSTEM_ADMIN, {"Home", "Users"}, {"Pupils", "Providers"}),
    ],
)
def test_navigation_shows_each_role_only_what_it_can_use(
    role, sees, does_not_see, world, user_with_role
):
    navigation = set(read(sign_in(Client(), user_with_role(role)).get("/")).navigation)

    assert sees <= navigation
    assert not (does_not_see & navigation)


def test_navigation_marks_the_current_section(world, user_with_role):
    html = read(sign_in(Client(), user_with_role(Role.HEADTEACHER)).get("/")).html

    assert 'href="/" aria-current="page"' in html
    assert '<strong class="govuk-service-navigation__active-fallback">Home</strong>' in html


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/"])
def test_accessibility_statement_and_privacy_notice_are_public(url, db):
    response = Client().get(url)

    assert response.status_code == 200
    assert len(read(response).h1) == 1


@pytest.mark.parametrize(("years", "birthday"), [(25, "25th"), (21, "21st")])
def test_the_privacy_notice_states_the_retention_the_review_applies(years, birthday, db):
    with override_settings(APCASE_RETENTION_CHILD_YEARS_FROM_BIRTH=years):
        response = Client().get("/privacy/")

    assert response.status_code == 200
    assert read(response).has_text(
        f"Child protection records are kept until the child's {birthday} birthday"
    )


def test_footer_links_to_the_accessibility_statement_and_privacy_notice(db):
    html = read(Client().get("/account/sign-in/")).html

    assert 'class="govuk-footer__link" href="/accessibility/">Accessibility statement' in html
    assert 'class="govuk-footer__link" href="/privacy/">Privacy notice' in html
