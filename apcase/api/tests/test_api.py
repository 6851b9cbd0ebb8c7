"""The REST API as a client sees it: keys, scopes, scoping, revocation, rate limits and
problem+json refusals (docs/api.md)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.api.tests.factories import bearer, make_key
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.monitoring.models import AttendanceMark, CheckIn
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.pupils.models import Pupil
from apcase.pupils.upn import with_check_letter
from apcase.referrals.tests.factories import make_pupil
from tests.helpers import travel_to

DAY = START + datetime.timedelta(days=7)  # a Monday a week into the placements
PROBLEM_FIELDS = {"type", "title", "status", "detail"}


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_day(monkeypatch):
    travel_to(monkeypatch, DAY)


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["detail"]
    return body


def _post(client, url, data, token):
    return client.post(url, data, content_type="application/json", **bearer(token))


def _register(placements, mark="/"):
    return {
        "date": DAY.isoformat(),
        "session": "am",
        "reason": "Sent by the attendance app",
        "marks": [{"placement": p.pk, "mark": mark} for p in placements],
    }


# --- authentication and revocation ------------------------------------------------------


def test_no_key_or_a_wrong_key_is_401_problem_json(world):
    url = reverse("api:placements")
    body = _problem(Client().get(url), 401)
    assert "key" in body["detail"]
    response = Client().get(url, **bearer("apcase_0000_not-a-key"))
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_is_no_key(world, client_for):
    from apcase.accounts.roles import Role

    _problem(client_for(Role.SCHOOL_ADMIN).get(reverse("api:placements")), 401)


def test_a_revoked_key_is_refused_at_once(world):
    from apcase.api import services

    key, token = make_key(world.school)
    url = reverse("api:placements")
    assert Client().get(url, **bearer(token)).status_code == 200
    services.revoke_key(key, by=key.created_by)
    _problem(Client().get(url, **bearer(token)), 401)
    assert AuditEvent.objects.filter(action="api_key_revoked", target_id=str(key.pk)).exists()


def test_a_key_of_a_closed_organisation_is_refused(world):
    key, token = make_key(world.school)
    world.school.status = "closed"
    world.school.save()
    _problem(Client().get(reverse("api:placements"), **bearer(token)), 401)


def test_each_use_is_access_logged_as_the_key(world):
    key, token = make_key(world.school)
    assert Client().get(reverse("api:placements"), **bearer(token)).status_code == 200
    entry = AccessLogEntry.objects.get(actor_id=key.acting_user_id)
    assert entry.action == "api_request GET api:placements"
    assert entry.organisation_id == world.school.pk
    assert "Test system" in entry.actor_label


# --- scopes ---------------------------------------------------------------------------


def test_a_key_without_the_scope_is_403(world):
    _key, token = make_key(world.school, scopes=["placements:read"])
    response = _post(Client(), reverse("api:pupils"), {"pupils": []}, token)
    body = _problem(response, 403)
    assert "pupils:write" in body["detail"]


def test_a_key_of_another_kind_of_organisation_is_403(world):
    _key, token = make_key(world.provider)
    _problem(Client().get(reverse("api:placements"), **bearer(token)), 403)
    _problem(Client().get(reverse("api:figures"), **bearer(token)), 403)


# --- provider: registers and check-ins ----------------------------------------------------


def test_a_provider_submits_a_register_through_the_register_service(world, on_day):
    placements = [make_placement(world.school, world.provider) for _ in range(2)]
    _key, token = make_key(world.provider)
    query = {"date": DAY.isoformat(), "session": "am"}
    listed = Client().get(reverse("api:register"), query, **bearer(token)).json()
    assert {p["placement"] for p in listed["pupils"]} == {p.pk for p in placements}
    response = _post(Client(), reverse("api:register"), _register(placements), token)
    assert response.status_code == 200, response.content
    assert response.json()["marked"] == 2
    assert AttendanceMark.objects.filter(is_current=True, observed="present").count() == 2
    assert AuditEvent.objects.filter(action="register_submitted").count() == 1


def test_a_provider_key_cannot_mark_another_providers_pupil_404_and_nothing_is_written(
    world, on_day
):
    own = make_placement(world.school, world.provider)
    other = make_placement(world.other_school, world.other_provider)
    _key, token = make_key(world.provider)
    response = _post(Client(), reverse("api:register"), _register([own, other]), token)
    _problem(response, 404)
    assert not AttendanceMark.objects.exists()
    denied = AccessLogEntry.objects.get(outcome="denied")
    assert denied.target_id == f"placement_id={other.pk}"


def test_a_register_missing_a_pupil_is_400_naming_the_pupil_and_changes_nothing(world, on_day):
    placements = [make_placement(world.school, world.provider) for _ in range(2)]
    _key, token = make_key(world.provider)
    response = _post(Client(), reverse("api:register"), _register(placements[:1]), token)
    body = _problem(response, 400)
    assert f"mark_{placements[1].pk}" in body["errors"]
    assert not AttendanceMark.objects.exists()


def test_a_register_naming_a_pupil_twice_is_400_and_changes_nothing(world, on_day):
    # Two marks for one pupil (present, then absent with no reason) must not be settled
    # by whichever comes last: the sender is told, and nothing is written.
    own = make_placement(world.school, world.provider)
    _key, token = make_key(world.provider)
    data = _register([own])
    data["marks"].append({"placement": own.pk, "mark": "N"})
    body = _problem(_post(Client(), reverse("api:register"), data, token), 400)
    assert "marks[1].placement" in body["errors"]
    assert not AttendanceMark.objects.exists()


def test_bad_json_and_bad_fields_are_400_problems(world):
    _key, token = make_key(world.provider)
    response = Client().post(
        reverse("api:register"), "{not json", content_type="application/json", **bearer(token)
    )
    _problem(response, 400)
    response = _post(
        Client(),
        reverse("api:register"),
        {"date": "yesterday", "session": "noon", "marks": [{"placement": "x"}]},
        token,
    )
    body = _problem(response, 400)
    assert {"date", "session", "marks[0].placement", "marks[0].mark"} <= set(body["errors"])


def test_a_check_in_for_an_own_pupil_is_recorded_and_another_providers_is_404(world):
    own = make_placement(world.school, world.provider)
    other = make_placement(world.other_school, world.other_provider)
    _key, token = make_key(world.provider)
    data = {"week_of": DAY.isoformat(), "engagement": 4, "wellbeing": 4, "behaviour": 3}
    response = _post(Client(), reverse("api:check_ins", args=[own.pk]), data, token)
    assert response.status_code == 201, response.content
    assert CheckIn.objects.get().placement == own
    _problem(_post(Client(), reverse("api:check_ins", args=[other.pk]), data, token), 404)
    assert CheckIn.objects.count() == 1


# --- school: placements, attendance, pupils -----------------------------------------------


def test_a_school_reads_its_own_placements_only(world):
    own = make_placement(world.school, world.provider)
    other = make_placement(world.other_school, world.other_provider)
    _key, token = make_key(world.school)
    listed = Client().get(reverse("api:placements"), **bearer(token)).json()
    assert [p["id"] for p in listed] == [own.pk]
    response = Client().get(reverse("api:placement_attendance", args=[own.pk]), **bearer(token))
    assert response.status_code == 200
    assert response.json()["placement"] == own.pk
    other_url = reverse("api:placement_attendance", args=[other.pk])
    _problem(Client().get(other_url, **bearer(token)), 404)
    assert AccessLogEntry.objects.filter(outcome="denied").exists()


def _pupil(upn, **fields):
    return {
        "upn": upn,
        "legal_last_name": "Okafor",
        "legal_first_name": "Ada",
        "legal_middle_names": "",
        "preferred_last_name": "",
        "preferred_name": "",
        "date_of_birth": "2016-03-27",
        "sex": "F",
        "nc_year": "5",
        "admission_date": None,
        "sen_status": "N",
        "looked_after": False,
        "free_school_meals": False,
        "pupil_premium": False,
        "first_language": "",
        "medical_needs": "",
        "allergies": "",
        **fields,
    }


def _carer(name, **fields):
    return {
        "name": name,
        "relationship": "Mother",
        "parental_responsibility": True,
        "lives_with_pupil": True,
        "phone": "",
        "email": "",
        "address": "",
        "preferred_contact_method": "",
        "restriction": "",
        **fields,
    }


UPNS = [with_check_letter("826200005001"), with_check_letter("826200005002")]


def test_a_school_upserts_pupils_through_the_mis_import(world):
    _key, token = make_key(world.school)
    carer = _carer("Grace Okafor")
    first = {"pupils": [_pupil(UPNS[0], carers=[carer]), _pupil(UPNS[1], legal_first_name="Ben")]}
    response = _post(Client(), reverse("api:pupils"), first, token)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "carers_added": 1,
        "carers_updated": 0,
    }
    pupil = Pupil.objects.get(upn=UPNS[0])
    assert pupil.school == world.school
    assert pupil.carers.get().name == "Grace Okafor"
    again = {"pupils": [_pupil(UPNS[0], carers=[carer], nc_year="6")]}
    response = _post(Client(), reverse("api:pupils"), again, token)
    assert response.json()["updated"] == 1
    assert Pupil.objects.get(upn=UPNS[0]).nc_year == "6"
    assert AuditEvent.objects.filter(action="pupils.imported").count() == 2


def test_a_school_key_cannot_update_another_schools_pupil(world):
    other = make_pupil(world.other_school, upn=UPNS[0])
    _key, token = make_key(world.school)
    response = _post(Client(), reverse("api:pupils"), {"pupils": [_pupil(UPNS[0])]}, token)
    _problem(response, 400)
    other.refresh_from_db()
    assert other.school == world.other_school
    assert other.legal_first_name == "Sam"


@pytest.mark.parametrize("left_out", ["looked_after", "medical_needs", "admission_date"])
def test_an_upsert_that_leaves_a_field_out_is_refused_and_keeps_what_is_stored(world, left_out):
    """A row is applied whole, as a row of the MIS file is: a field left out would
    otherwise clear what the school recorded (a looked-after child's flag reset to no,
    their medical needs emptied) with nobody having said so."""
    _key, token = make_key(world.school)
    stored = _pupil(UPNS[0], looked_after=True, medical_needs="Asthma: inhaler in bag")
    stored["admission_date"] = "2021-09-01"
    assert _post(Client(), reverse("api:pupils"), {"pupils": [stored]}, token).status_code == 200

    row = {**stored, "nc_year": "6"}
    del row[left_out]
    response = _post(Client(), reverse("api:pupils"), {"pupils": [row]}, token)

    body = _problem(response, 400)
    assert f"pupils[0].{left_out}" in body["errors"]
    pupil = Pupil.objects.get(upn=UPNS[0])
    assert (pupil.looked_after, pupil.medical_needs, pupil.nc_year) == (
        True,
        "Asthma: inhaler in bag",
        "5",
    )
    assert pupil.admission_date == datetime.date(2021, 9, 1)


def test_a_carer_row_that_leaves_a_field_out_is_refused(world):
    _key, token = make_key(world.school)
    carer = _carer("Grace Okafor")
    del carer["lives_with_pupil"]
    response = _post(
        Client(), reverse("api:pupils"), {"pupils": [_pupil(UPNS[0], carers=[carer])]}, token
    )
    body = _problem(response, 400)
    assert "pupils[0].carers[0].lives_with_pupil" in body["errors"]
    assert not Pupil.objects.exists()


def test_an_upsert_with_one_bad_row_applies_nothing(world):
    _key, token = make_key(world.school)
    response = _post(
        Client(),
        reverse("api:pupils"),
        {"pupils": [_pupil(UPNS[0]), _pupil("not a upn")]},
        token,
    )
    body = _problem(response, 400)
    assert any(name.startswith("pupils[1]") for name in body["errors"])
    assert not Pupil.objects.exists()


# --- LA: figures --------------------------------------------------------------------------


def test_an_la_reads_counts_of_its_schools_children_in_ap_and_no_names(world):
    make_placement(world.school, world.provider)
    make_placement(world.school, world.provider)
    make_placement(world.other_school, world.other_provider)
    _key, token = make_key(world.la)
    response = Client().get(reverse("api:figures"), **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["children_in_ap"] == 2
    assert body["by_provider"] == [
        {"id": world.provider.pk, "name": world.provider.name, "children": 2}
    ]
    assert body["by_school"] == [{"id": world.school.pk, "name": world.school.name, "children": 2}]
    assert b"Sam" not in response.content


def test_a_placement_past_its_start_but_not_recorded_as_started_is_counted_aloud(world):
    """A child whose placement should have started but is still planned is in no count
    of children in AP: the figures say how many such placements there are."""
    today = timezone.localdate()
    make_placement(world.school, world.provider)
    make_placement(
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=today - datetime.timedelta(days=3),
    )
    make_placement(  # planned for later: nothing is wrong yet
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=today + datetime.timedelta(days=3),
    )
    _key, token = make_key(world.la)
    response = Client().get(reverse("api:figures"), **bearer(token))
    assert response.status_code == 200
    assert response.json()["children_in_ap"] == 1
    assert response.json()["not_started"] == 1


# --- rate limits ------------------------------------------------------------------------------


def test_a_key_over_its_rate_gets_429_with_retry_after(world, settings):
    settings.APCASE_API_RATE = "3/minute"
    _key, token = make_key(world.school)
    _other_key, other_token = make_key(world.school, name="Another system")
    url = reverse("api:placements")
    statuses = [Client().get(url, **bearer(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = Client().get(url, **bearer(token))
    _problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert Client().get(url, **bearer(other_token)).status_code == 200


def test_refused_requests_count_against_the_keys_rate(world, settings):
    # A key hammering an endpoint outside its scope (each refusal still logged) is held
    # to its rate like any other use: 403s count, and then the key gets 429.
    settings.APCASE_API_RATE = "3/minute"
    _key, token = make_key(world.school)
    statuses = [Client().get(reverse("api:figures"), **bearer(token)).status_code for _ in range(4)]
    assert statuses == [403, 403, 403, 429]
    _problem(Client().get(reverse("api:placements"), **bearer(token)), 429)


# --- the demo ---------------------------------------------------------------------------


def test_the_demo_makes_one_key_per_organisation_and_prints_it_only_once(db, capsys):
    from django.core.management import call_command

    from apcase.api.models import ApiKey

    call_command("seed_demo")
    out = capsys.readouterr().out
    keys = ApiKey.objects.filter(name="Demo key")
    assert keys.count() == 4
    school_key = keys.get(organisation__name="Heronsgate School")
    token = next(
        line.split(": ", 1)[1] for line in out.splitlines() if "Heronsgate School: apcase_" in line
    )
    assert Client().get(reverse("api:placements"), **bearer(token)).status_code == 200
    assert school_key.scopes == ["placements:read", "attendance:read", "pupils:write"]
    call_command("seed_demo")
    assert ApiKey.objects.filter(name="Demo key").count() == 4
    assert token not in capsys.readouterr().out


def test_a_request_too_large_is_a_413_problem_not_the_html_page(world, settings):
    settings.APCASE_REQUEST_MAX_BYTES = 1024
    _key, token = make_key(world.school)
    rows = {"pupils": [_pupil(UPNS[0], medical_needs="x" * 2000)]}
    body = _problem(_post(Client(), reverse("api:pupils"), rows, token), 413)
    assert "1 KB" in body["detail"]
    assert not Pupil.objects.exists()


@pytest.mark.parametrize("week_of", ["9999-12-31", "0001-01-01"])
def test_a_check_in_for_a_week_far_outside_the_placement_is_400_and_not_recorded(
    world, on_day, week_of
):
    own = make_placement(world.school, world.provider)
    _key, token = make_key(world.provider)
    data = {"week_of": week_of, "engagement": 3, "wellbeing": 3, "behaviour": 3}
    body = _problem(_post(Client(), reverse("api:check_ins", args=[own.pk]), data, token), 400)
    assert "week_of" in body["errors"]
    assert not CheckIn.objects.exists()


def test_a_key_revoked_while_its_upsert_is_checked_writes_nothing(world, monkeypatch):
    """The import reads who acts again before it writes; for a key's account that is
    the key itself, so a key revoked meanwhile writes nothing (a 403)."""
    from apcase.api.models import ApiKey
    from apcase.pupils import mis_import

    key, token = make_key(world.school)
    checked = mis_import.parse

    def parse_then_revoke(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = checked(*args, **kwargs)
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        return rows

    monkeypatch.setattr(mis_import, "parse", parse_then_revoke)
    response = _post(Client(), reverse("api:pupils"), {"pupils": [_pupil(UPNS[0])]}, token)
    _problem(response, 403)
    assert not Pupil.objects.filter(upn=UPNS[0]).exists()
