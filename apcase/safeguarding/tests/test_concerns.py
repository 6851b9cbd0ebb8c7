"""Safeguarding concerns: who may raise, who is alerted and how, who sees them, and the
record that is never rewritten."""

import datetime
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.core.attention import Heading
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.core.words import govuk_time
from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import absolute_url
from apcase.referrals.tests.factories import person
from apcase.safeguarding import attention, services, workflow
from apcase.safeguarding.models import ActionKind, Concern, ConcernStatus
from conftest import sign_in
from tests.helpers import assert_page, travel_to

from .factories import category, concern_at_provider, placed_pupil, report


@pytest.fixture
def setting(world):  # type: ignore[no-untyped-def]
    class S:
        placement = placed_pupil(world.school, world.provider)
        pupil = placement.pupil
        dsl = person(Role.SCHOOL_DSL, world.school, email="dsl@school.example")
        provider_dsl = person(Role.PROVIDER_MANAGER, world.provider, email="dsl@pru.example")
        provider_staff = person(Role.PROVIDER_STAFF, world.provider, email="staff@pru.example")
        teacher = person(Role.SCHOOL_STAFF, world.school, email="teacher@school.example")
        head = person(Role.HEADTEACHER, world.school, email="head@school.example")
        admin = person(Role.SCHOOL_ADMIN, world.school, email="admin@school.example")
        lead = person(Role.INCLUSION_LEAD, world.school, email="lead@school.example")
        officer = person(Role.LA_OFFICER, world.la, email="officer@la.example")

    return S


def _raise_by_form(client: Client, pupil_id: int, **changes):  # type: ignore[no-untyped-def]
    when = timezone.localtime() - datetime.timedelta(hours=2)
    data = {
        "occurred_on_0": str(when.day),
        "occurred_on_1": str(when.month),
        "occurred_on_2": str(when.year),
        "occurred_time": when.strftime("%H:%M"),
        "category": str(category("physical").pk),
        "account": 'She said "my uncle hit me with a belt".',
        "body_location": "Back of the left arm",
        "immediate_action": "Reassured her; told the DSL in person.",
        "others_involved": "A teaching assistant",
    }
    data.update(changes)
    return client.post(reverse("safeguarding:raise", args=[pupil_id]), data)


def test_provider_staff_raise_a_concern_and_get_a_receipt_with_the_time(
    setting, django_capture_on_commit_callbacks
):
    client = sign_in(Client(), setting.provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _raise_by_form(client, setting.pupil.pk)

    concern = Concern.objects.get()
    assert_page(
        response, status=302, redirects_to=reverse("safeguarding:receipt", args=[concern.pk])
    )
    receipt = client.get(response["Location"])
    assert_page(receipt, contains="Concern sent to the DSL")
    assert f"Recorded at {govuk_time(concern.recorded_at)} on" in receipt.content.decode()
    assert concern.raised_at_provider == setting.placement.provider
    assert concern.placement == setting.placement
    assert concern.status == ConcernStatus.NEW
    assert AuditEvent.objects.filter(action="safeguarding.concern_raised").count() == 1


def test_the_alert_goes_to_the_school_and_provider_dsls_and_names_the_child_by_initial(
    setting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.raise_concern(
            setting.pupil, by=setting.provider_staff, report=report(category=category("sexual"))
        )

    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"dsl@school.example", "dsl@pru.example"}  # not the head, not staff
    pupil = setting.pupil
    for message in sent.values():
        text = message.subject + message.body
        assert pupil.initialled_name in message.body
        assert pupil.legal_last_name not in text  # first name and initial only
        assert "sexual" not in text.lower()  # never the category
        assert "tea" not in text  # never the content
        link = absolute_url(reverse("safeguarding:detail", args=[concern.pk]))
        assert link.startswith("http")  # a full address
        assert link in message.body


def test_the_alert_is_queued_in_the_concerns_transaction_and_survives_a_mail_outage(
    setting, django_capture_on_commit_callbacks
):
    with (
        mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())

    assert len(callbacks) == 2  # one delivery a message, run only after the commit
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    assert pending.count() == 2  # written with the concern; the send failed, kept
    assert mail.outbox == []

    call_command("send_outbox", stdout=io.StringIO())  # too soon: each waits before a retry
    assert mail.outbox == []

    pending.update(next_attempt_at=timezone.now())  # the wait has passed; the server is back
    call_command("send_outbox", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["dsl@pru.example", "dsl@school.example"]
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()


def test_a_concern_that_fails_to_save_queues_no_alert(setting):
    with pytest.raises(ValidationFailed):
        services.raise_concern(
            setting.pupil, by=setting.provider_staff, report=report(account="   ")
        )
    assert not Concern.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_school_with_no_dsl_still_gets_the_alert_to_its_head_and_la(
    world, django_capture_on_commit_callbacks
):
    placement = placed_pupil(world.school, world.provider)
    person(Role.HEADTEACHER, world.school, email="head@school.example")
    person(Role.LA_OFFICER, world.la, email="officer@la.example")
    staff = person(Role.SCHOOL_STAFF, world.school)
    with django_capture_on_commit_callbacks(execute=True):
        services.raise_concern(placement.pupil, by=staff, report=report())

    assert sorted(m.to[0] for m in mail.outbox) == ["head@school.example", "officer@la.example"]
    assert all("no DSL in apcase" in m.subject for m in mail.outbox)


def test_who_sees_a_concern(setting):
    concern = concern_at_provider(setting.placement.pupil.school, setting.placement.provider,
                                  by=setting.provider_staff)  # fmt: skip
    url = reverse("safeguarding:detail", args=[concern.pk])

    def status(user) -> int:  # type: ignore[no-untyped-def]
        return sign_in(Client(), user).get(url).status_code

    assert status(setting.dsl) == 200
    assert status(setting.provider_dsl) == 200
    assert status(setting.provider_staff) == 200  # the reporter, their own
    for outsider in (setting.teacher, setting.head, setting.admin, setting.lead, setting.officer):
        assert status(outsider) == 404  # not told it exists
    services.escalate(concern, by=setting.dsl)
    assert status(setting.officer) == 200  # shared with the LA


def test_a_reporter_who_has_left_no_longer_sees_their_concern(setting):
    from apcase.accounts.models import Membership

    concern = services.raise_concern(setting.pupil, by=setting.teacher, report=report())
    client = sign_in(Client(), setting.teacher)
    assert client.get(reverse("safeguarding:detail", args=[concern.pk])).status_code == 200
    Membership.objects.filter(user=setting.teacher).update(is_active=False)
    person(Role.SCHOOL_STAFF, setting.placement.provider, email="moved@example.org")
    assert client.get(reverse("safeguarding:detail", args=[concern.pk])).status_code in (403, 404)


def test_the_reporter_reads_their_concern_but_not_the_dsls_handling(setting):
    concern = services.raise_concern(setting.pupil, by=setting.teacher, report=report())
    workflow.acknowledge(concern, by=setting.dsl)
    services.record_action(
        concern, by=setting.dsl, kind=ActionKind.POLICE, taken_on=timezone.localdate(),
        note="Called 101; reference given.",
    )  # fmt: skip

    page = sign_in(Client(), setting.teacher).get(reverse("safeguarding:detail", args=[concern.pk]))
    html = assert_page(page)
    assert "not given any tea" in html
    assert "Called 101" not in html
    dsl_page = sign_in(Client(), setting.dsl).get(reverse("safeguarding:detail", args=[concern.pk]))
    assert "Called 101" in dsl_page.content.decode()


def test_the_back_link_of_a_concern_opens_for_its_reader_and_its_reporter(setting):
    """The DSL goes back to the concern list; the reporter, who may not open that list,
    goes back to their home page, not to a refusal."""
    import re

    concern = services.raise_concern(setting.pupil, by=setting.teacher, report=report())
    for user, back in ((setting.dsl, "safeguarding:list"), (setting.teacher, "home")):
        client = sign_in(Client(), user)
        html = assert_page(client.get(reverse("safeguarding:detail", args=[concern.pk])))
        [href] = re.findall(r'<a href="([^"]*)" class="govuk-back-link"', html)
        assert href == reverse(back), (user, href)
        assert_page(client.get(href))


def test_only_pupils_of_ones_school_or_provider_can_be_raised_about(setting, world):
    other = placed_pupil(world.other_school, world.other_provider).pupil
    client = sign_in(Client(), setting.provider_staff)
    assert client.get(reverse("safeguarding:raise", args=[other.pk])).status_code == 404
    response = _raise_by_form(client, other.pk)
    assert response.status_code == 404
    assert not Concern.objects.exists()


def test_addenda_keep_the_original_account_intact(setting):
    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    original = Concern.objects.values().get(pk=concern.pk)

    services.add_addendum(concern, by=setting.provider_staff, text="Correction: it was Tuesday.")
    services.add_addendum(concern, by=setting.dsl, text="Spoke to the provider DSL.")

    assert Concern.objects.values().get(pk=concern.pk) == original
    assert list(concern.addenda.values_list("text", flat=True)) == [
        "Correction: it was Tuesday.",
        "Spoke to the provider DSL.",
    ]
    concern.account = "Rewritten"
    with pytest.raises(ValueError, match="never changed"):
        concern.save()
    with pytest.raises(NotPermitted):
        services.add_addendum(concern, by=setting.teacher, text="Not mine to add to.")


def test_the_dsl_handles_a_concern_from_new_to_closed(setting):
    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    with pytest.raises(TransitionNotAllowed):
        workflow.close(concern, by=setting.dsl, outcome="Too soon")  # not acknowledged
    with pytest.raises(NotPermitted):
        workflow.acknowledge(concern, by=setting.head)

    concern = workflow.acknowledge(concern, by=setting.dsl)
    services.record_action(
        concern, by=setting.dsl, kind=ActionKind.CHILDRENS_SOCIAL_CARE,
        taken_on=timezone.localdate(), note="MASH consulted; advice: monitor.",
    )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.record_action(
            concern, by=setting.dsl, kind=ActionKind.PARENTS_NOT_INFORMED,
            taken_on=timezone.localdate(), note="",
        )  # fmt: skip
    services.set_review_date(concern, by=setting.dsl, review_on=timezone.localdate())
    concern = workflow.close(
        concern, by=setting.dsl, outcome="Support in place; no further action."
    )

    assert concern.status == ConcernStatus.CLOSED
    assert concern.closed_by == setting.dsl
    actions = list(
        AuditEvent.objects.filter(target_id=str(concern.pk), action__startswith="safeguarding.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "safeguarding.concern_raised",
        "safeguarding.concern_acknowledged",
        "safeguarding.concern_action_recorded",
        "safeguarding.concern_review_set",
        "safeguarding.concern_closed",
    ]
    with pytest.raises(TransitionNotAllowed):
        workflow.acknowledge(concern, by=setting.dsl)


def test_every_view_of_a_concern_is_access_logged_and_the_dsl_sees_who(setting):
    concern = concern_at_provider(
        setting.placement.pupil.school, setting.placement.provider, with_attachment=True
    )
    provider_dsl = sign_in(Client(), setting.provider_dsl)
    assert provider_dsl.get(reverse("safeguarding:detail", args=[concern.pk])).status_code == 200
    attachment = concern.attachments.get()
    download = provider_dsl.get(
        reverse("safeguarding:attachment", args=[concern.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert (
        sign_in(Client(), setting.teacher)
        .get(reverse("safeguarding:detail", args=[concern.pk]))
        .status_code
        == 404
    )

    rows = AccessLogEntry.objects.filter(pupil_id=concern.pupil_id)
    assert (
        rows.filter(action="safeguarding.concern_viewed", actor_id=setting.provider_dsl.pk).count()
        == 1
    )
    assert rows.filter(action="safeguarding.concern_attachment_downloaded").count() == 1
    assert (
        AccessLogEntry.objects.filter(
            outcome=AccessLogEntry.Outcome.DENIED, actor_id=setting.teacher.pk
        ).count()
        == 1
    )

    page = sign_in(Client(), setting.dsl).get(reverse("safeguarding:viewed_by", args=[concern.pk]))
    html = assert_page(page)
    assert setting.provider_dsl.email in html
    assert "safeguarding.concern_attachment_downloaded" in html


def test_the_dsls_home_page_lists_new_concerns_until_acknowledged(setting):
    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    client = sign_in(Client(), setting.dsl)
    home = client.get(reverse("home"))
    assert_page(home, contains="1 new safeguarding concern to acknowledge")
    for other in (setting.head, setting.teacher, setting.admin):
        page = sign_in(Client(), other).get(reverse("home"))
        assert_page(page, lacks="safeguarding concern")

    workflow.acknowledge(concern, by=setting.dsl)
    assert "new safeguarding concern" not in client.get(reverse("home")).content.decode()


def test_the_dsls_home_page_links_new_concerns_and_reviews_due_to_their_lists(setting):
    services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    reviewed = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    workflow.acknowledge(reviewed, by=setting.dsl)
    services.set_review_date(reviewed, by=setting.dsl, review_on=timezone.localdate())
    items = {
        item.title: item
        for item in attention.items_for(setting.dsl)
        if item.heading == Heading.SAFEGUARDING
    }
    new = items["1 new safeguarding concern to acknowledge"]
    due = items["1 safeguarding concern review due"]
    listed = reverse("safeguarding:list")
    assert (new.href, new.tag, new.tag_colour) == (f"{listed}?status=new", "New", "red")
    assert (due.href, due.tag, due.tag_colour) == (f"{listed}?status=open", "Due", "yellow")
    home = sign_in(Client(), setting.dsl).get(reverse("home"))
    assert_page(home, contains=[f'href="{listed}?status=new"', f'href="{listed}?status=open"'])


def test_the_concern_list_filters_and_is_only_the_readers(setting):
    services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    closed = services.raise_concern(
        setting.pupil, by=setting.teacher, report=report(category=category("online"))
    )
    workflow.acknowledge(closed, by=setting.dsl)
    workflow.close(closed, by=setting.dsl, outcome="Resolved")

    client = sign_in(Client(), setting.dsl)
    everything = client.get(reverse("safeguarding:list"))
    assert_page(everything, contains="2 concerns")
    only_new = client.get(reverse("safeguarding:list"), {"status": "new"})
    assert "1 concern<" in only_new.content.decode()
    online = client.get(reverse("safeguarding:list"), {"category": "online"})
    assert "1 concern<" in online.content.decode()
    # The provider DSL sees only the one raised at the provider.
    provider = sign_in(Client(), setting.provider_dsl).get(reverse("safeguarding:list"))
    assert "1 concern<" in provider.content.decode()
    assert sign_in(Client(), setting.head).get(reverse("safeguarding:list")).status_code == 403


def test_a_concern_is_absent_from_the_chronology_of_anyone_but_the_dsl(setting):
    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    workflow.acknowledge(concern, by=setting.dsl)
    url = reverse("pupils:chronology", args=[setting.pupil.pk])

    dsl_page = sign_in(Client(), setting.dsl).get(url)
    assert_page(dsl_page, contains="Concern raised at")
    for reader in (setting.lead, setting.head):
        page = sign_in(Client(), reader).get(url)
        assert page.status_code == 200
        html = page.content.decode().lower()
        main = html[html.index("<main") : html.index("</main>")]
        assert "acknowledged" in dsl_page.content.decode().lower()
        assert "concern" not in main  # absent, not a redacted stub


def test_the_concern_form_takes_an_attachment_and_only_the_dsls_may_open_it(setting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import PDF

    client = sign_in(Client(), setting.teacher)
    page = client.get(reverse("safeguarding:raise", args=[setting.pupil.pk]))
    assert_page(page, contains='enctype="multipart/form-data"')
    response = _raise_by_form(
        client, setting.pupil.pk, attachment=SimpleUploadedFile("body-map.pdf", PDF)
    )
    assert response.status_code == 302
    attachment = Concern.objects.get().attachments.get()
    url = reverse("safeguarding:attachment", args=[attachment.concern_id, attachment.pk])
    assert sign_in(Client(), setting.dsl).get(url).status_code == 200
    assert sign_in(Client(), setting.head).get(url).status_code == 404


def test_the_pupil_page_offers_a_concern_and_tells_only_the_dsl_how_many(setting):
    services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    url = reverse("pupils:detail", args=[setting.pupil.pk])
    raise_link = reverse("safeguarding:raise", args=[setting.pupil.pk])

    dsl = sign_in(Client(), setting.dsl).get(url)
    assert_page(dsl, contains="1 open concern and 0 closed")
    for other in (setting.teacher, setting.admin, setting.head):
        page = sign_in(Client(), other).get(url)
        html = assert_page(page)
        assert raise_link in html
        assert "open concern" not in html
    placement_page = sign_in(Client(), setting.provider_staff).get(
        reverse("monitoring:placement", args=[setting.placement.pk])
    )
    assert_page(placement_page, contains=raise_link)


def test_the_chronology_filters_by_type_and_date_and_prints_what_the_reader_may_see(setting):
    from apcase.chronology.models import AccessLogEntry as Log

    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    workflow.acknowledge(concern, by=setting.dsl)
    url = reverse("pupils:chronology", args=[setting.pupil.pk])
    pdf = reverse("pupils:chronology_pdf", args=[setting.pupil.pk])
    dsl = sign_in(Client(), setting.dsl)

    only_concerns = dsl.get(url, {"kind": "safeguarding"})
    html = assert_page(only_concerns)
    assert "Concern raised at" in html
    assert "2 entries" in html  # raised, acknowledged: nothing of the placement's
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = dsl.get(
        url,
        {"since_0": tomorrow.day, "since_1": tomorrow.month, "since_2": tomorrow.year},
    )
    assert "Nothing has been recorded yet." in later.content.decode()

    printed = dsl.get(pdf, {"kind": "safeguarding"})
    assert printed.status_code == 200
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert (
        Log.objects.filter(
            action="pupil.chronology_printed", actor_id=setting.dsl.pk, pupil_id=setting.pupil.pk
        ).count()
        == 1
    )

    lead = sign_in(Client(), setting.lead)
    page = lead.get(url)
    assert page.status_code == 200
    assert 'value="safeguarding"' not in page.content.decode()  # not even as a filter
    assert lead.get(pdf).status_code == 200


def test_the_placement_page_offers_no_concern_link_to_those_who_cannot_raise_one(setting):
    page = sign_in(Client(), setting.officer).get(
        reverse("monitoring:placement", args=[setting.placement.pk])
    )
    assert page.status_code == 200
    assert reverse("safeguarding:raise", args=[setting.pupil.pk]) not in page.content.decode()


def test_the_chronology_costs_the_same_queries_however_many_events_it_shows(setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("pupils:chronology", args=[setting.pupil.pk])
    client = sign_in(Client(), setting.dsl)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    queries()  # the first request after signing in restarts the session's idle clock
    few = queries()
    for _ in range(15):
        concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
        workflow.acknowledge(concern, by=setting.dsl)
    assert queries() == few


@pytest.mark.parametrize(
    "query",
    [{"category": "a\x00b"}, {"pupil": "²"}, {"provider": "99999999999999999999"}],
)
def test_the_concern_lists_filters_refuse_nonsense_quietly(setting, query):
    response = sign_in(Client(), setting.dsl).get(reverse("safeguarding:list"), query)
    assert response.status_code == 200


def test_choosing_no_child_says_so_in_the_error_summary(setting):
    client = sign_in(Client(), setting.teacher)

    assert_page(
        client.get(reverse("safeguarding:choose_pupil"), {"pupil": ""}),
        contains=[
            "<title>Error:",
            "There is a problem",
            '<a href="#pupil">Select the child the concern is about.</a>',
        ],
    )


def test_the_review_date_form_shows_the_date_set_and_keeps_it_when_saved_unchanged(
    setting, monkeypatch
):
    """The form came up empty: the DSL who opened it to check the date had to type it
    again, and saving it blank was refused. A date set earlier that has since passed
    is kept too, unrecorded, rather than refused as in the past."""
    concern = services.raise_concern(setting.pupil, by=setting.provider_staff, report=report())
    concern = workflow.acknowledge(concern, by=setting.dsl)
    review_on = timezone.localdate() + datetime.timedelta(days=10)
    services.set_review_date(concern, by=setting.dsl, review_on=review_on)
    client = sign_in(Client(), setting.dsl)
    url = reverse("safeguarding:review", args=[concern.pk])
    page = " ".join(assert_page(client.get(url)).split())
    for box, value in (("0", review_on.day), ("1", review_on.month), ("2", review_on.year)):
        assert f'name="review_on_{box}" value="{value}"' in page
    travel_to(monkeypatch, review_on + datetime.timedelta(days=3))  # the date has passed
    client = sign_in(Client(), setting.dsl)  # a new day's session
    events = AuditEvent.objects.filter(action="safeguarding.concern_review_set").count()
    data = {
        "review_on_0": review_on.day,
        "review_on_1": review_on.month,
        "review_on_2": review_on.year,
    }
    detail = reverse("safeguarding:detail", args=[concern.pk])
    assert_page(client.post(url, data), status=302, redirects_to=detail)
    concern.refresh_from_db()
    assert concern.review_on == review_on
    assert AuditEvent.objects.filter(action="safeguarding.concern_review_set").count() == events
    earlier = review_on - datetime.timedelta(days=1)
    moved = {"review_on_0": earlier.day, "review_on_1": earlier.month, "review_on_2": earlier.year}
    assert_page(client.post(url, moved), contains="The review date must be today or in the future")


def test_a_refused_attachment_is_named_by_the_concern_forms_own_field(setting, settings, tmp_path):
    """store_upload names the form field a refused file came from so the form shows the
    refusal beside that field (the GOV.UK error pattern) and its summary links there.
    The concern form's file field is `attachment`: a refusal named anything else falls
    back to the top of the summary, with nothing beside the field."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apcase.safeguarding.forms import ConcernForm

    settings.MEDIA_ROOT = tmp_path
    not_a_document = SimpleUploadedFile("map.exe", b"MZ this is not a document")
    with pytest.raises(ValidationFailed) as refused:
        services.raise_concern(
            setting.pupil, by=setting.provider_staff, report=report(), attachments=[not_a_document]
        )
    assert list(refused.value.errors) == ["attachment"]
    assert "attachment" in ConcernForm.base_fields
