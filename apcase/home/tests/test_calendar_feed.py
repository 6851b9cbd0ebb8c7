"""Each person's calendar feed: a secret address made on their settings page (shown
once, kept only as a hash, audited), fetched with no session, listing their panel
meetings and the reviews and visits due for the placements they answer for, with no
pupil's name in it; a revoked or replaced address answers 404."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apcase.accounts.models import CalendarFeed, hash_token
from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.monitoring import selectors as monitoring_selectors
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_meeting, make_panel, make_pupil, person
from apcase.reviews import schedule
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _make_address(client: Client) -> str:
    page = assert_page(
        client.post(reverse("accounts:calendar"), {"action": "make"}),
        contains=["Your calendar address", "shown only this once"],
    )
    start = page.index("/calendar/")
    return page[start : page.index(".ics", start) + len(".ics")]


def _feed(path: str) -> Calendar:
    response = Client().get(path)  # a calendar program: no session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_a_named_staff_member_sees_reviews_and_visits_due_by_initials_only(world) -> None:
    named = person(Role.SCHOOL_STAFF, world.school)
    pupil = make_pupil(world.school, legal_first_name="Jordan", legal_last_name="Pike")
    placement = make_placement(
        world.school, world.provider, pupil=pupil, named_staff_member=named, start_date=TODAY
    )
    other = make_placement(world.school, world.provider, start_date=TODAY)  # not theirs
    path = _make_address(sign_in(Client(), named))

    response = Client().get(path)
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Jordan", "Pike", other.pupil.legal_first_name, other.pupil.legal_last_name):
        assert name not in text
    events = _events(Calendar.from_ical(response.content))
    assert set(events) == {"Review due: J. P.", "Visit due: J. P."}
    review = events["Review due: J. P."]
    assert review["dtstart"].dt == schedule.next_review(placement, []).due  # type: ignore[index]
    assert reverse("reviews:placement", args=[placement.pk]) in str(review["url"])  # type: ignore[index]
    visit = events["Visit due: J. P."]
    assert visit["dtstart"].dt == monitoring_selectors.next_visit_due(placement, [])  # type: ignore[index]


def test_a_child_whose_named_staff_member_left_is_in_the_stand_ins_feed(world) -> None:
    """A school with no inclusion lead: its headteacher stands in (as for reminders) for
    a placement whose named staff member has left or who has none, so the child's
    review and visit are in somebody's calendar; the leaver's feed no longer has them."""
    head = person(Role.HEADTEACHER, world.school)
    leaver = person(Role.SCHOOL_STAFF, world.school)
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Ada", legal_last_name="Lane"),
        named_staff_member=leaver,
        start_date=TODAY,
    )
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Ben", legal_last_name="Moss"),
        start_date=TODAY,
    )
    leaver_path = _make_address(sign_in(Client(), leaver))
    leaver.memberships.filter(organisation=world.school).update(is_active=False)
    leaver.memberships.create(organisation=world.other_school, role=Role.SCHOOL_STAFF)

    events = _events(_feed(_make_address(sign_in(Client(), head))))
    assert set(events) == {
        "Review due: A. L.",
        "Visit due: A. L.",
        "Review due: B. M.",
        "Visit due: B. M.",
    }
    assert _events(_feed(leaver_path)) == {}


def test_at_a_school_where_nobody_stands_in_the_authoritys_officer_has_the_child(world) -> None:
    officer = person(Role.LA_OFFICER, world.la)
    person(Role.LA_OFFICER, world.other_la)
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Cal", legal_last_name="Reed"),
        start_date=TODAY,
    )
    path = _make_address(sign_in(Client(), officer))
    assert set(_events(_feed(path))) == {"Review due: C. R.", "Visit due: C. R."}
    person(Role.SCHOOL_DSL, world.school)  # now the school has someone to stand in
    assert _events(_feed(path)) == {}


def test_a_review_with_no_date_set_says_so_in_the_calendar(world) -> None:
    """A placement with no review scheduled still has its review in the feed (on the
    latest date allowed), and the entry says loudly that no date was set."""
    named = person(Role.SCHOOL_STAFF, world.school)
    placement = make_placement(
        world.school, world.provider, named_staff_member=named, start_date=TODAY
    )
    placement.first_review_date = None
    placement.save(update_fields=["first_review_date"])
    events = _events(_feed(_make_address(sign_in(Client(), named))))
    [review] = [e for summary, e in events.items() if summary.startswith("Review due")]
    assert str(review["description"]).startswith("No review scheduled.")  # type: ignore[index]
    assert review["dtstart"].dt == schedule.next_review(placement, []).due  # type: ignore[index]


def test_a_panel_member_sees_the_meetings_they_sit_on(world) -> None:
    member = person(Role.PANEL_MEMBER, world.la)
    panel = make_panel(world.la)
    sitting = make_meeting(panel, date=TODAY + datetime.timedelta(days=10), members=[member])
    make_meeting(panel, date=TODAY + datetime.timedelta(days=40))  # not on this one
    make_meeting(make_panel(world.other_la), members=[member])  # another authority's
    events = _events(_feed(_make_address(sign_in(Client(), member))))
    [(summary, meeting)] = events.items()
    assert summary == f"{panel} meeting"
    start = meeting["dtstart"].dt  # type: ignore[index]
    assert timezone.localtime(start).date() == sitting.date
    assert reverse("panel:meeting_detail", args=[sitting.pk]) in str(meeting["url"])  # type: ignore[index]


def test_the_address_is_kept_hashed_and_a_new_one_or_turning_it_off_stops_it(world) -> None:
    user = person(Role.INCLUSION_LEAD, world.school)
    client = sign_in(Client(), user)
    first = _make_address(client)
    token = first.removeprefix("/calendar/").removesuffix(".ics")
    assert CalendarFeed.objects.get(user=user).token_hash == hash_token(token)
    assert token not in str(list(CalendarFeed.objects.values()))
    assert_page(client.get(reverse("accounts:calendar")), contains="Your calendar feed is on.")

    second = _make_address(client)
    assert Client().get(first).status_code == 404
    _feed(second)

    assert_page(
        client.post(reverse("accounts:calendar"), {"action": "revoke"}, follow=True),
        contains=["Your calendar feed is turned off.", "You have no calendar feed."],
    )
    assert Client().get(second).status_code == 404
    actions = list(
        AuditEvent.objects.filter(actor_id=user.pk).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["calendar_feed_created", "calendar_feed_created", "calendar_feed_revoked"]


def test_an_unknown_token_or_an_account_without_a_role_gets_404(world) -> None:
    user = person(Role.SCHOOL_STAFF, world.school)
    path = _make_address(sign_in(Client(), user))
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    user.memberships.update(is_active=False)
    assert Client().get(path).status_code == 404


def test_a_nonsense_action_changes_nothing(world) -> None:
    user = person(Role.SCHOOL_STAFF, world.school)
    client = sign_in(Client(), user)
    assert_page(
        client.post(reverse("accounts:calendar"), {"action": "<script>"}, follow=True),
        contains="Choose to make a new address or to turn the feed off.",
    )
    assert not CalendarFeed.objects.exists()


# --- the token never reaches a log ------------------------------------------------------


def test_the_servers_access_log_line_for_a_feed_does_not_hold_its_token():
    import importlib.util
    from types import SimpleNamespace

    from django.conf import settings
    from gunicorn.config import Config
    from gunicorn.glogging import SafeAtoms

    from config.log_redaction import RedactingLogger

    conf_file = settings.BASE_DIR / "config" / "gunicorn_conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", conf_file)
    assert spec is not None
    assert spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.logger_class == "config.log_redaction.RedactingLogger"

    token = "s3cretTokenOfAda_x-y"
    path = f"/calendar/{token}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://apcase.example{path}",
        "HTTP_AUTHORIZATION": "Bearer apcase_abc_secret",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer apcase_abc_secret")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    cfg = Config()
    atoms = RedactingLogger(cfg).atoms(response, request, environ, datetime.timedelta(0))
    line = (cfg.access_log_format + " %({authorization}i)s %({raw_uri}e)s") % SafeAtoms(atoms)
    assert "/calendar/[redacted].ics" in line
    assert token not in line
    assert "apcase_abc_secret" not in line


def test_a_refused_feed_address_is_logged_without_its_token(caplog):
    token = "an-old-token-once-real"
    with caplog.at_level("WARNING", logger="django.request"):
        response = Client().get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 404
    assert "/calendar/[redacted].ics" in caplog.text
    assert token not in caplog.text


def test_each_fetch_of_a_feed_is_access_logged_as_its_owner(world) -> None:
    from apcase.chronology.models import AccessLogEntry

    named = person(Role.SCHOOL_STAFF, world.school)
    make_placement(world.school, world.provider, named_staff_member=named, start_date=TODAY)
    path = _make_address(sign_in(Client(), named))
    before = AccessLogEntry.objects.count()
    _feed(path)
    _feed(path)
    entries = AccessLogEntry.objects.order_by("pk")[before:]
    assert [(e.actor_id, e.action) for e in entries] == [(named.pk, "calendar_feed_read")] * 2
