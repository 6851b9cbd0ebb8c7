"""Walks every URL pattern of the project as anonymous, as a password-only session,
and as each role against its own and another organisation's objects, comparing with
the expectation tables in apcase/<app>/tests/access_expectations.py. Every refusal of
another organisation's record (a 404) is also logged as a denied attempt."""

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import apcase
from apcase.access.testing import Expect
from apcase.accounts.roles import OrganisationKind, Role
from apcase.api.tests.factories import make_key
from apcase.chronology.models import AccessLogEntry
from conftest import sign_in


def _walk(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            found.extend(_walk(entry, ns))
        else:
            found.append((f"{namespace}{entry.name}" if entry.name else "", entry))
    return found


def all_url_names() -> list[str]:
    return sorted(name for name, _ in _walk(get_resolver()))


def load_expectations() -> dict[str, Expect]:
    table: dict[str, Expect] = {}
    for module in pkgutil.iter_modules(apcase.__path__):
        try:
            mod = importlib.import_module(f"apcase.{module.name}.tests.access_expectations")
        except ModuleNotFoundError as error:
            # No table: an app with no URLs, or a package with no tests (apcase.reference).
            if error.name and error.name.endswith(("access_expectations", ".tests")):
                continue
            raise
        for name, expect in mod.EXPECTATIONS.items():
            assert name not in table, f"{name} declared twice"
            table[name] = expect
    return table


EXPECTATIONS = load_expectations()
URL_NAMES = all_url_names()
ROLES = list(Role.values)


def test_every_url_pattern_has_a_name():
    unnamed = [str(p.pattern) for name, p in _walk(get_resolver()) if not name]
    assert unnamed == []


def test_every_url_pattern_has_a_declared_expectation():
    missing = sorted(set(URL_NAMES) - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - set(URL_NAMES))
    assert missing == [], f"URLs with no entry in an access_expectations table: {missing}"
    assert stale == [], f"Expectations for URLs that no longer exist: {stale}"


def _url(name: str, expect: Expect, world, *, own: bool) -> str:  # type: ignore[no-untyped-def]
    kwargs = expect.kwargs(world, own) if expect.kwargs else {}
    return reverse(name, kwargs=kwargs)


def _request(client: Client, expect: Expect, url: str):  # type: ignore[no-untyped-def]
    if expect.method == "POST" and expect.api_key:
        return client.post(url, {}, content_type="application/json")  # the API reads JSON
    if expect.method == "POST":
        return client.post(url)
    return client.get(url)


def _is_problem(response, status: int) -> bool:  # type: ignore[no-untyped-def]
    return (
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["status"] == status
    )


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_and_password_only_sessions(name, world, user_with_role):
    expect = EXPECTATIONS[name]
    url = _url(name, expect, world, own=True)
    response = _request(Client(), expect, url)
    if expect.api_key:
        # No key: 401 problem+json, never the sign-in page; a session is no key.
        assert _is_problem(response, 401), response.content
        client = Client()
        client.force_login(user_with_role(Role.HEADTEACHER))
        assert _is_problem(_request(client, expect, url), 401)
        return
    if expect.public:
        assert response.status_code in (200, 302, 405)
        assert "next=" not in response.get("Location", "")
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # Signed in with a password but not the second factor: sent to the code page.
    client = Client()
    client.force_login(user_with_role(Role.HEADTEACHER))
    response = _request(client, expect, url)
    if expect.password_only:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_role_against_own_and_other_organisations(name, world, user_with_role):
    """One world per URL, every role walked against it; every mismatch is listed."""
    expect = EXPECTATIONS[name]
    if expect.public:
        return
    failures = []
    own_url = _url(name, expect, world, own=True)
    other_url = _url(name, expect, world, own=False) if expect.kwargs else None
    for role in ROLES:
        # Each role starts from the same world: what one role's POST changed is undone.
        with transaction.atomic():
            if expect.api_key:
                failures.extend(_session_is_no_key(role, expect, own_url, user_with_role))
            else:
                failures.extend(_walk_as(role, expect, own_url, other_url, user_with_role))
            transaction.set_rollback(True)
    if expect.api_key:
        for kind in KEY_KINDS:
            with transaction.atomic():
                failures.extend(_walk_with_key(kind, expect, own_url, other_url, world))
                transaction.set_rollback(True)
    assert failures == []


KEY_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.PROVIDER)


def _session_is_no_key(role, expect, url, user_with_role) -> list[str]:  # type: ignore[no-untyped-def]
    response = _request(sign_in(Client(), user_with_role(role)), expect, url)
    return [] if _is_problem(response, 401) else [f"{role} session on {url}: not 401"]


def _walk_with_key(kind, expect, own_url, other_url, world) -> list[str]:  # type: ignore[no-untyped-def]
    """A key of `kind` (every scope of its kind) of the world's own organisation."""
    organisation = {
        OrganisationKind.SCHOOL: world.school,
        OrganisationKind.LOCAL_AUTHORITY: world.la,
        OrganisationKind.PROVIDER: world.provider,
    }[kind]
    _key, token = make_key(organisation)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    wanted = expect.ok if kind in expect.key_kinds else 403
    response = _request(client, expect, own_url)
    if response.status_code != wanted:
        return [f"{kind} key on {own_url}: got {response.status_code}, expected {wanted}"]
    if wanted >= 400 and not _is_problem(response, wanted):
        return [f"{kind} key on {own_url}: the refusal is not problem+json"]
    if other_url and kind in expect.key_kinds:
        denied = AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.DENIED)
        count = denied.count()
        if not _is_problem(_request(client, expect, other_url), 404):
            return [f"{kind} key on another organisation's {other_url}: not 404 problem+json"]
        if _names_a_record(other_url) and denied.count() != count + 1:
            return [f"{kind} key on another organisation's {other_url}: the denial was not logged"]
    return []


def _walk_as(role, expect, own_url, other_url, user_with_role) -> list[str]:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), user_with_role(role))
    response = _request(client, expect, own_url)
    default = expect.ok if role in expect.roles else expect.denied
    wanted = expect.role_status.get(role, default)
    if response.status_code != wanted:
        return [f"{role} on {own_url}: got {response.status_code}, expected {wanted}"]
    if other_url and role in expect.roles and wanted == expect.ok:
        denied_before = AccessLogEntry.objects.filter(outcome=AccessLogEntry.Outcome.DENIED)
        count = denied_before.count()
        response = _request(client, expect, other_url)
        if response.status_code != 404 or b"Page not found" not in response.content:
            return [f"{role} on another organisation's {other_url}: got {response.status_code}"]
        if _names_a_record(other_url) and denied_before.count() != count + 1:
            return [f"{role} on another organisation's {other_url}: the denial was not logged"]
    return []


def _names_a_record(url: str) -> bool:
    """Whether the URL carries a record id, so a refusal there is logged as denied."""
    kwargs = resolve(url.split("?")[0]).kwargs
    return any(name.endswith("_id") and isinstance(v, int) for name, v in kwargs.items())
