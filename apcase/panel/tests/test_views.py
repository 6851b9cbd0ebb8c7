import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.panel.models import PanelDecision
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    make_emergency,
    make_pupil,
    person,
)
from conftest import sign_in

TODAY = timezone.localdate()


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_agenda_lists_the_referral_with_its_papers(scene):
    client = sign_in(Client(), person(Role.LA_OFFICER, scene.panel.local_authority))
    html = client.get(reverse("panel:meeting_detail", args=[scene.meeting.pk])).content.decode()
    assert "Riley Stone" in html
    assert reverse("referrals:detail", args=[scene.referral.pk]) in html
    assert "1 document" in html


def test_the_chair_records_an_approval_through_the_page(world, scene):
    client = sign_in(Client(), scene.chair)
    url = reverse("panel:decide_referral", args=[scene.meeting.pk, scene.referral.pk])
    assert client.get(url).status_code == 200
    start = TODAY + datetime.timedelta(days=30)
    data = {
        "members_present": [scene.chair.pk, *[m.pk for m in scene.members]],
        "outcome": "approved",
        "reasons": "A short placement meets his needs.",
        "provider": world.provider.pk,
        "provider_acceptance_reason": "Known local PRU.",
        "site": "Main site",
        "sessions_per_week": "5",
        **_date("proposed_start_date", start),
        **_date("first_review_date", start + datetime.timedelta(days=42)),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    scene.referral.refresh_from_db()
    assert scene.referral.status == Referral.Status.APPROVED
    assert Placement.objects.get(pupil=scene.pupil).status == Placement.Status.PLANNED


def test_a_decision_without_quorum_shows_the_error_on_the_page(scene):
    client = sign_in(Client(), scene.chair)
    url = reverse("panel:decide_referral", args=[scene.meeting.pk, scene.referral.pk])
    html = client.post(
        url, {"members_present": [scene.chair.pk], "outcome": "declined", "reasons": "No."}
    ).content.decode()
    assert "not quorate" in html
    assert not PanelDecision.objects.exists()


@pytest.fixture
def decision(world, scene):
    from apcase.panel import services

    return services.record_decision(
        by=scene.chair,
        meeting=scene.meeting,
        item=scene.referral,
        members_present=[scene.chair, *scene.members],
        outcome="approved",
        reasons="The evidence shows a short placement will help Riley.",
        terms=services.ApprovalTerms(
            provider=world.provider,
            provider_acceptance_reason="Known local PRU.",
            site="Romans Field Site",
            proposed_start_date=TODAY + datetime.timedelta(days=30),
            sessions_per_week=5,
            first_review_date=TODAY + datetime.timedelta(days=72),
        ),
    )


def test_the_school_sees_the_decision_and_the_planned_placement(scene, decision):
    client = sign_in(Client(), scene.referral.created_by)
    html = client.get(reverse("referrals:detail", args=[scene.referral.pk])).content.decode()
    assert "Approved" in html
    assert "Planned" in html
    assert "The evidence shows a short placement" in html


@pytest.mark.parametrize("recipient", ["school", "parents"])
def test_decision_letters_render_as_pdf_and_are_access_logged(scene, decision, recipient):
    client = sign_in(Client(), scene.head)
    response = client.get(reverse("panel:letter", args=[decision.pk, recipient]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action=f"decision_letter_{recipient}_read").exists()


def test_the_parents_letter_is_in_plain_english(world, scene, decision):
    html = render_to_string(
        "panel/pdf/letter_parents.html",
        {
            "decision": decision,
            "pupil": scene.pupil,
            "school": world.school,
            "item": scene.referral,
            "today": TODAY,
        },
    )
    assert "The panel said <strong>yes</strong>" in html
    assert "a session is a morning or an afternoon" in html
    assert "Riley Stone is still a pupil at Heronsgate School" in html
    assert "The evidence shows a short placement will help Riley." in html


def test_the_school_letter_names_who_decided(world, scene, decision):
    html = render_to_string(
        "panel/pdf/letter_school.html",
        {
            "decision": decision,
            "pupil": scene.pupil,
            "school": world.school,
            "item": scene.referral,
            "today": TODAY,
        },
    )
    assert "Helen Achebe" in html
    assert "agreed</strong> a placement at Milton Keynes Primary Referral Unit" in html


def test_an_unknown_letter_is_not_found(scene, decision):
    client = sign_in(Client(), scene.head)
    assert client.get(reverse("panel:letter", args=[decision.pk, "provider"])).status_code == 404


def test_the_la_officer_who_records_decisions_reads_the_pack(world, scene):
    officer = person(Role.LA_OFFICER, world.la)
    client = sign_in(Client(), officer)
    response = client.get(reverse("panel:pack", args=[scene.meeting.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(
        action="panel_pack_downloaded", actor_id=officer.pk
    ).exists()
    page = client.get(reverse("panel:meeting_detail", args=[scene.meeting.pk])).content.decode()
    assert "Download panel pack (PDF)" in page


def test_a_panel_member_downloads_the_pack_and_it_is_logged(scene):
    client = sign_in(Client(), scene.members[0])
    response = client.get(reverse("panel:pack", args=[scene.meeting.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action="panel_pack_downloaded").count() == 1
    assert AccessLogEntry.objects.filter(
        action="panel_pack_referral_read", pupil_id=scene.pupil.pk
    ).exists()


def test_the_pack_holds_the_referral_and_the_sensitivity_marking(world, scene):
    from apcase.panel.selectors import agenda_of

    html = render_to_string(
        "panel/pdf/panel_pack.html",
        {
            "meeting": scene.meeting,
            **agenda_of(scene.meeting),
            "generated_at": timezone.now(),
            "reader": scene.chair,
        },
    )
    assert "OFFICIAL-SENSITIVE" in html
    assert "Referral for Riley Stone" in html
    assert "Mum says he is happier" in html


@pytest.mark.parametrize(
    "who",
    [
        ("la_officer", "other_la"),
        ("panel_member", "other_la"),
        ("panel_chair", "other_la"),
        ("provider_manager", "provider"),
        ("headteacher", "school"),
    ],
)
def test_the_pack_is_not_found_for_anyone_outside_that_panel_and_its_la(world, scene, who):
    role, where = who
    client = sign_in(Client(), person(role, getattr(world, where)))
    assert client.get(reverse("panel:pack", args=[scene.meeting.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(action="panel_pack_downloaded").exists()


@pytest.mark.parametrize(
    "who",
    [("panel_member", "other_la"), ("provider_staff", "provider"), ("headteacher", "other_school")],
)
def test_outsiders_get_not_found_for_meetings_and_decisions(world, scene, decision, who):
    role, where = who
    client = sign_in(Client(), person(role, getattr(world, where)))
    for url in (
        reverse("panel:meeting_detail", args=[scene.meeting.pk]),
        reverse("panel:decision_detail", args=[decision.pk]),
        reverse("panel:letter", args=[decision.pk, "school"]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_member_declares_an_interest(scene):
    client = sign_in(Client(), scene.members[0])
    response = client.post(
        reverse("panel:declare_interest", args=[scene.meeting.pk]),
        {"referral": scene.referral.pk, "interest": "Neighbour of the family."},
    )
    assert response.status_code == 302
    html = client.get(reverse("panel:meeting_detail", args=[scene.meeting.pk])).content.decode()
    assert "Neighbour of the family." in html


def test_an_officer_schedules_an_extra_meeting_through_the_page(world, scene):
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    day = TODAY + datetime.timedelta(days=50)
    response = client.post(
        reverse("panel:meeting_new"),
        {
            "panel": scene.panel.pk,
            **_date("date", day),
            "start_time": "10:00",
            "venue": "",
            "online_link": "https://meet.example/panel",
            "chair": scene.chair.pk,
            "members": [m.pk for m in scene.members],
            "is_extra": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(reverse("panel:meeting_list")).content.decode()
    assert "(extra)" in html


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_the_agenda_and_the_referral_list_do_not_grow_queries_with_items(
    world, scene, django_assert_max_num_queries
):
    for n in range(5):
        head = scene.head
        referral = complete_referral(
            make_pupil(world.school, legal_first_name=f"P{n}"), signed_off_by=head
        )
        referral_workflow.submit_referral(referral, by=referral.created_by)
    officer = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    _queries_for(
        officer,
        reverse("panel:meeting_detail", args=[scene.meeting.pk]),
        django_assert_max_num_queries,
        20,
    )
    _queries_for(officer, reverse("referrals:list"), django_assert_max_num_queries, 20)


def test_a_monthly_series_running_past_the_year_9999_gets_a_message_not_an_error_page(world):
    """Starting in December 9999 with two meetings gave a 500 (year 10000)."""
    from apcase.panel.models import PanelMeeting
    from apcase.referrals.tests.factories import make_panel

    panel = make_panel(world.la)
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    data = {
        "panel": panel.pk,
        "nth": "2",
        "weekday": "1",
        **_date("first_month", datetime.date(9999, 12, 1)),
        "count": "2",
        "start_time": "09:30",
        "venue": "Civic Offices",
    }
    response = client.post(reverse("panel:series_new"), data)
    assert response.status_code == 200
    assert "would run past December 9999" in response.content.decode()
    assert not PanelMeeting.objects.filter(panel=panel).exists()
    # The last month a date can hold is still a month: one meeting in December 9999.
    response = client.post(reverse("panel:series_new"), {**data, "count": "1"})
    assert response.status_code == 302
    assert list(PanelMeeting.objects.filter(panel=panel).values_list("date", flat=True)) == [
        datetime.date(9999, 12, 14)
    ]


def _add_referrals_to_agenda(world, scene, count):
    for n in range(count):
        pupil = make_pupil(world.school, legal_first_name=f"Extra{n}", legal_last_name="Pupil")
        referral = complete_referral(pupil, signed_off_by=scene.head)
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.SCHEDULED, meeting=scene.meeting, submitted_at=timezone.now()
        )


def test_the_pack_reads_the_same_number_of_queries_whatever_the_agenda_holds(
    world, scene, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(Client(), scene.chair)
    url = reverse("panel:pack", args=[scene.meeting.pk])
    with CaptureQueriesContext(connection) as one_referral:
        assert client.get(url).status_code == 200
    _add_referrals_to_agenda(world, scene, 5)
    with django_assert_max_num_queries(len(one_referral)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Every referral in the pack is still logged as read, and each one's papers printed.
    assert AccessLogEntry.objects.filter(action="panel_pack_referral_read").count() == 1 + 6
    from apcase.panel.selectors import read_panel_pack_for

    _, agenda = read_panel_pack_for(scene.chair, scene.meeting.pk)
    html = render_to_string(
        "panel/pdf/panel_pack.html",
        {"meeting": scene.meeting, **agenda, "generated_at": timezone.now(), "reader": scene.chair},
    )
    assert html.count("Daily check-in with a key adult") == 6
    assert html.count("Educational psychologist report") == 6


def test_the_agenda_page_reads_the_same_queries_however_many_items_it_holds(world, scene, settings):
    """Counted after a first request (which writes the session), with one referral on
    the agenda and then with six, one of them decided here and since moved on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_RENEW_SECONDS = 24 * 3600
    client = sign_in(Client(), scene.chair)
    url = reverse("panel:meeting_detail", args=[scene.meeting.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    one_count = len(one)
    for n in range(5):
        referral = complete_referral(
            make_pupil(world.school, legal_first_name=f"Agenda{n}"), signed_off_by=scene.head
        )
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.SCHEDULED, meeting=scene.meeting, submitted_at=timezone.now()
        )
    # Decided at this meeting (deferred), and since moved off it: still on its agenda.
    PanelDecision.objects.create(
        meeting=scene.meeting,
        referral=referral,
        outcome=PanelDecision.Outcome.DEFERRED,
        recorded_by=scene.chair,
        reasons="Waiting for the educational psychologist's report.",
    )
    Referral.objects.filter(pk=referral.pk).update(meeting=None, status=Referral.Status.DEFERRED)
    for n in range(2):  # and two emergency placements to ratify
        pupil = make_pupil(world.school, legal_first_name=f"Emergency{n}")
        make_emergency(make_placement(world.school, world.provider, pupil=pupil), scene.meeting)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert response.status_code == 200
    assert len(six) == one_count
    html = response.content.decode()
    assert "Riley Stone" in html
    for n in range(5):
        assert f"Agenda{n} " in html
    assert "Deferred to a later meeting" in html
    assert "Emergency0 " in html
    assert "Emergency1 " in html
    assert world.provider.name in html
