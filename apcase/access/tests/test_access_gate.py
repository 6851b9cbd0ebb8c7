"""The gate every view passes: declared rule, second factor, predicate."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from apcase.access import policies
from apcase.access.rules import access_rule
from apcase.accounts.roles import Role
from config import urls as project_urls
from conftest import sign_in
from tests.helpers import assert_page


def undeclared_view(request):
    return HttpResponse("secret pupil data")


@access_rule(policies.can_view_pupils)
def pupil_only_view(request):
    return HttpResponse("pupil data")


urlpatterns = [
    path("undeclared/", undeclared_view),
    path("pupils-only/", pupil_only_view),
    *project_urls.urlpatterns,
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_declares_no_rule_is_refused_even_to_a_signed_in_user(user_with_role):
    client = sign_in(Client(), user_with_role(Role.HEADTEACHER))
    response = client.get("/undeclared/")
    assert_page(response, status=403, lacks="secret pupil data")


@override_settings(ROOT_URLCONF=__name__)
def test_a_predicate_rule_refuses_roles_it_does_not_name(user_with_role):
    assert (
        sign_in(Client(), user_with_role(Role.INCLUSION_LEAD)).get("/pupils-only/").status_code
        == 200
    )
    assert (
        sign_in(Client(), user_with_role(Role.SYSTEM_ADMIN)).get("/pupils-only/").status_code == 403
    )


@pytest.mark.django_db
def test_a_deactivated_membership_gives_no_access_from_the_next_request(user_with_role):
    user = user_with_role(Role.INCLUSION_LEAD)
    client = sign_in(Client(), user)
    assert client.get("/pupils/").status_code == 200
    user.memberships.update(is_active=False)
    assert client.get("/pupils/").status_code == 403


def test_a_closed_organisation_gives_its_members_no_access(world, user_with_role):
    user = user_with_role(Role.INCLUSION_LEAD)
    assert policies.can_view_pupils(user)
    world.school.status = world.school.Status.CLOSED
    world.school.save()
    policies.forget_memberships(user)
    assert not policies.can_view_pupils(user)


def test_a_role_in_one_organisation_gives_nothing_in_another(world, user_with_role):
    admin = user_with_role(Role.SCHOOL_ADMIN)
    assert policies.can_manage_users(admin, world.school)
    assert not policies.can_manage_users(admin, world.other_school)
    assert not policies.can_manage_users(admin, world.la)
