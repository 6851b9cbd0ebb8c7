"""Error pages keep the service's layout, answer with the right status and, for a
server error, need nothing that might be the thing that failed."""

from unittest import mock

from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from apcase.access.rules import PUBLIC, access_rule
from apcase.accounts.roles import Role
from apcase.core import views
from apcase.core.tests.pages import read
from config import urls as project_urls
from conftest import sign_in


@access_rule(PUBLIC)
def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


@access_rule(PUBLIC)
def database_gone_view(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    path("fail/", failing_view),
    path("database-gone/", database_gone_view),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


def assert_service_layout(html: str) -> None:
    assert 'class="govuk-skip-link"' in html
    assert 'class="govuk-generic-header"' in html
    assert 'class="govuk-service-navigation"' in html
    assert 'class="govuk-main-wrapper" id="main-content"' in html
    assert 'class="govuk-footer"' in html


def test_a_page_someone_may_not_use_answers_403_in_the_service_layout(world, user_with_role):
    response = sign_in(Client(), user_with_role(Role.PROVIDER_STAFF)).get("/organisations/")

    assert response.status_code == 403
    page = read(response)
    assert page.h1 == ["You do not have permission to see this page"]
    assert page.title == "You do not have permission to see this page – apcase"
    assert_service_layout(page.html)
    assert "Home" in page.navigation


def test_an_unknown_address_answers_404_in_the_service_layout(world, user_with_role):
    response = sign_in(Client(), user_with_role(Role.HEADTEACHER)).get("/no-such-page/")

    assert response.status_code == 404
    page = read(response)
    assert page.h1 == ["Page not found"]
    assert_service_layout(page.html)


def test_an_unknown_address_answers_404_to_someone_signed_out(db):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert read(response).h1 == ["Page not found"]


def test_server_error_page_renders_without_touching_the_database():
    # No `db` fixture: pytest-django fails any query this makes.
    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = read(response)
    assert page.h1 == ["Sorry, there is a problem with the service"]
    assert_service_layout(page.html)


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_answers_500_with_the_service_error_page(db):
    response = Client(raise_request_exception=False).get("/fail/")

    assert response.status_code == 500
    assert read(response).h1 == ["Sorry, there is a problem with the service"]
    assert "simulated failure" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_that_cannot_be_reached_answers_503_service_unavailable(db):
    response = Client(raise_request_exception=False).get("/database-gone/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(views.DATABASE_RETRY_AFTER_SECONDS)
    page = read(response)
    assert page.h1 == ["Sorry, the service is unavailable"]
    assert "Connection refused" not in page.html
    assert_service_layout(page.html)


@override_settings(ROOT_URLCONF=__name__)
def test_the_database_failing_before_the_view_is_reached_still_answers_503(user_with_role):
    # The session is read from the database by middleware, before any view runs.
    client = sign_in(Client(raise_request_exception=False), user_with_role(Role.INCLUSION_LEAD))
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("gone")):
        response = client.get("/")

    assert response.status_code == 503
    assert read(response).h1 == ["Sorry, the service is unavailable"]
