"""The child protection file when a pupil leaves: produced as one PDF by the DSL, due
within 5 school days of leaving, recorded as sent and as received; overdue on the DSL's
home page until sent."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.core.errors import NotPermitted, TransitionNotAllowed
from apcase.referrals.tests.factories import person
from apcase.safeguarding import services, transfers, workflow
from conftest import sign_in
from tests.helpers import assert_page

from .factories import placed_pupil, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(world):  # type: ignore[no-untyped-def]
    class L:
        pupil = placed_pupil(world.school, world.provider).pupil
        dsl = person(Role.SCHOOL_DSL, world.school)
        lead = person(Role.INCLUSION_LEAD, world.school)
        staff = person(Role.PROVIDER_STAFF, world.provider)

    return L


def test_the_file_is_due_five_school_days_after_the_child_left(leaver):
    friday = datetime.date(2026, 11, 27)  # no term dates entered: every weekday counts
    transfer = transfers.start_transfer(
        leaver.pupil, by=leaver.dsl, destination="Oakfield Primary, Bedford", left_on=friday
    )
    assert transfer.due_by == datetime.date(2026, 12, 4)  # Mon–Fri of the next week
    with pytest.raises(NotPermitted):
        transfers.start_transfer(
            leaver.pupil, by=leaver.lead, destination="Oakfield", left_on=friday
        )


def test_the_dsl_downloads_the_file_with_every_concern_and_the_chronology(leaver):
    concern = services.raise_concern(leaver.pupil, by=leaver.staff, report=report())
    workflow.acknowledge(concern, by=leaver.dsl)
    transfer = transfers.start_transfer(
        leaver.pupil, by=leaver.dsl, destination="Oakfield Primary", left_on=timezone.localdate()
    )
    contents = transfers.file_contents(leaver.pupil)
    assert contents["concerns"] == [concern]
    titles = [entry.title for entry in contents["entries"]]  # type: ignore[attr-defined]
    assert any("Concern raised" in title for title in titles)  # child-protection entries too

    client = sign_in(Client(), leaver.dsl)
    response = client.get(reverse("safeguarding:transfer_file", args=[transfer.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert (
        AccessLogEntry.objects.filter(
            action="safeguarding.child_protection_file_printed", actor_id=leaver.dsl.pk
        ).count()
        == 1
    )
    lead = sign_in(Client(), leaver.lead)
    assert lead.get(reverse("safeguarding:transfer_file", args=[transfer.pk])).status_code == 403


def test_sent_then_received_and_overdue_until_sent(leaver):
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    transfer = transfers.start_transfer(
        leaver.pupil, by=leaver.dsl, destination="Oakfield Primary", left_on=long_ago
    )
    client = sign_in(Client(), leaver.dsl)
    home = client.get(reverse("home"))
    assert_page(home, contains=["Send the child protection file of", "Overdue"])

    with pytest.raises(TransitionNotAllowed):
        transfers.record_receipt(
            transfer, by=leaver.dsl, confirmed_on=timezone.localdate(), confirmed_by="DSL"
        )
    response = client.post(
        reverse("safeguarding:transfer_sent", args=[transfer.pk]),
        {
            "sent_on_0": str(timezone.localdate().day),
            "sent_on_1": str(timezone.localdate().month),
            "sent_on_2": str(timezone.localdate().year),
            "sent_how": "The LA's secure transfer service",
        },
    )
    assert response.status_code == 302
    transfers.record_receipt(
        transfer, by=leaver.dsl, confirmed_on=timezone.localdate(), confirmed_by="R. Patel, DSL"
    )
    transfer.refresh_from_db()
    assert transfer.sent_how == "The LA's secure transfer service"
    assert transfer.receipt_confirmed_by_name == "R. Patel, DSL"
    page = client.get(reverse("safeguarding:transfers", args=[leaver.pupil.pk]))
    assert page.status_code == 200
    assert "Late" in page.content.decode()  # sent after its due date
    assert "Send the child protection file" not in client.get(reverse("home")).content.decode()


def test_past_the_files_shown_the_home_page_says_how_many_more_and_where(
    world, leaver, monkeypatch
):
    """The DSL's home page lists the first files due; one more item counts them all and
    links to the page that lists every one, so a file due is never left off unsaid."""
    from apcase.referrals.tests.factories import make_pupil
    from apcase.safeguarding import attention

    monkeypatch.setattr(attention, "TRANSFERS_SHOWN", 2)
    for name in ("Ada", "Bea", "Cal"):
        pupil = make_pupil(world.school, legal_first_name=name, legal_last_name="Leaver")
        transfers.start_transfer(
            pupil, by=leaver.dsl, destination="Oakfield Primary", left_on=timezone.localdate()
        )
    client = sign_in(Client(), leaver.dsl)
    where = reverse("safeguarding:transfers_due")
    page = assert_page(
        client.get(reverse("home")),
        contains=["All 3 child protection files to send", f'href="{where}"'],
    )
    assert "Send the child protection file of Cal Leaver" not in page
    page = assert_page(
        client.get(where), contains=[f"{name} Leaver" for name in ("Ada", "Bea", "Cal")]
    )
    assert AccessLogEntry.objects.filter(
        action="safeguarding.transfers_due_viewed", actor_id=leaver.dsl.pk
    ).exists()
    # another school's DSL sees none of them
    other = person(Role.SCHOOL_DSL, world.other_school)
    page = assert_page(sign_in(Client(), other).get(where), contains="No child protection file")
    assert "Ada Leaver" not in page
