"""The API against its own OpenAPI schema: schemathesis generates requests from the
schema, valid and not, for every operation, sends them with a key that may use it
(to the key's own records) and checks that no answer is a server error and every
answer keeps to the schema (its status, its content type and its body). Bounded and
deterministic: a few examples per operation, the same ones every run."""

import contextlib
import copy
import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apcase.api.tests.factories import make_key
from apcase.api.views import openapi_schema
from apcase.placements.tests.factories import START, make_placement
from tests.helpers import travel_to

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12
# Which organisation's key calls each operation (the one whose scope it needs).
CALLER = {
    "register_read": "provider",
    "register_submit": "provider",
    "check_in_record": "provider",
    "placements_list": "school",
    "placement_attendance": "school",
    "pupils_upsert": "school",
    "figures": "la",
}


def test_every_operation_of_the_schema_is_fuzzed():
    operations = {
        op["operationId"]
        for methods in openapi_schema()["paths"].values()
        for op in methods.values()
    }
    assert operations == set(CALLER)


def test_each_operation_documents_the_scope_its_endpoint_checks():
    """The docs page and the schema tell a client which scope to ask for: the one the
    endpoint's view requires (KeyView.required_scope), never a second spelling of it."""
    from django.urls import resolve

    for path, methods in openapi_schema()["paths"].items():
        view = resolve(path.replace("{placement_id}", "1")).func.view_class
        for op in methods.values():
            assert op["description"].startswith(f"Scope `{view.required_scope}`. "), path


@contextlib.contextmanager
def _connection_kept():
    """Schemathesis calls the real WSGI handler, whose request signals close the
    database connection a request leaves in a transaction: here, the test's own, on
    PostgreSQL. Django's test client keeps it open in the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.mark.parametrize("operation_id", sorted(CALLER))
def test_no_request_the_schema_allows_or_refuses_breaks_the_server_or_the_schema(
    operation_id, world, monkeypatch, settings
):
    settings.APCASE_API_RATE = "100000/minute"  # the rate limit has its own test
    cache.clear()
    travel_to(monkeypatch, START + datetime.timedelta(days=7))  # a Monday of the placements
    placement = make_placement(world.school, world.provider)
    make_placement(world.other_school, world.other_provider)
    organisation = {"provider": world.provider, "school": world.school, "la": world.la}
    _key, token = make_key(organisation[CALLER[operation_id]])
    headers = {"Authorization": f"Bearer {token}"}

    schema = schemathesis.openapi.from_dict(copy.deepcopy(openapi_schema()))
    schema.app = WSGIHandler()
    operation = schema.find_operation_by_id(operation_id)
    own = {"placement_id": placement.pk} if "{placement_id}" in operation.path else None
    strategy = operation.as_strategy(path_parameters=own) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case):  # type: ignore[no-untyped-def]
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    with _connection_kept():
        call()
