"""A person may take the email that is not urgent once a day, in a digest: the alert is
in their notification centre at once, the email waits for the digest task, and urgent
messages (safeguarding, absence, a missed register) still go straight away."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core import periodic
from apcase.notifications import messages
from apcase.notifications.models import EmailChoice, Notification, OutboxMessage
from apcase.notifications.tasks import send_digests
from apcase.pupils.tests.factories import PupilFactory
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db
TEMPLATE = "monitoring/messages/follow_up.txt"


def _send(person, *, urgent, detail):  # type: ignore[no-untyped-def]
    child = PupilFactory(legal_first_name="Robin", legal_last_name="Hale")
    messages.send(
        TEMPLATE, to=[person], child=child, link="/x/", urgent=urgent, kind="check", detail=detail
    )


def test_a_digest_taker_gets_urgent_email_at_once_and_the_rest_once_a_day(
    world, user_with_role
) -> None:
    lead = user_with_role(Role.INCLUSION_LEAD, email="lead@heronsgate.example")
    EmailChoice.objects.create(user=lead, daily_digest=True)
    _send(lead, urgent=False, detail="Plan to agree.")
    _send(lead, urgent=False, detail="Review due.")
    _send(lead, urgent=True, detail="Absent with no reason.")

    [urgent] = OutboxMessage.objects.all()
    assert "Absent with no reason." in urgent.body
    assert Notification.objects.filter(recipient=lead).count() == 3  # all in the centre now

    send_digests.enqueue()
    send_digests.enqueue()  # a second run has nothing left to send
    [urgent_again, digest] = OutboxMessage.objects.order_by("created_at", "pk")
    assert urgent_again == urgent
    assert digest.to == lead.email
    assert digest.subject.endswith("your daily summary (2 messages)")
    assert "Plan to agree." in digest.body
    assert "Review due." in digest.body
    assert "Absent with no reason." not in digest.body
    assert "Hale" not in digest.body
    assert reverse("notifications") in digest.body
    assert not Notification.objects.filter(awaiting_digest=True).exists()


def test_without_a_choice_every_email_goes_straight_away(world, user_with_role) -> None:
    staff = user_with_role(Role.SCHOOL_STAFF)
    _send(staff, urgent=False, detail="Plan to agree.")
    assert OutboxMessage.objects.filter(to=staff.email).count() == 1
    send_digests.enqueue()
    assert OutboxMessage.objects.count() == 1


def test_the_digest_runs_daily_at_its_own_time(settings) -> None:
    [entry] = [e for e in periodic.registered() if e.name.endswith("send_digests")]
    hour, minute = settings.APCASE_DIGEST_AT
    assert entry.daily_at == datetime.time(hour, minute)


def test_a_person_chooses_the_digest_on_their_settings_page(world, client_for) -> None:
    client: Client = client_for(Role.PANEL_MEMBER)
    url = reverse("accounts:email_choice")
    assert_page(client.get(url), contains=["How you get emails", "Once a day, in a summary"])
    assert_page(client.post(url, {"daily_digest": "yes"}), status=302, redirects_to=url)
    assert EmailChoice.objects.get(user=client.user).daily_digest is True
    event = AuditEvent.objects.get(action="email_choice_changed")
    assert event.changes == {"daily_digest": [False, True]}
    notifications = assert_page(client.get(reverse("notifications")))
    assert "in one summary each morning" in notifications

    # Saving the same choice again changes nothing; nonsense is refused with a message.
    client.post(url, {"daily_digest": "yes"})
    assert AuditEvent.objects.filter(action="email_choice_changed").count() == 1
    assert_page(client.post(url, {"daily_digest": "sometimes"}), contains="Select")
    assert EmailChoice.objects.get(user=client.user).daily_digest is True


def test_someone_who_has_left_gets_no_digest(world, user_with_role) -> None:
    # Whoever holds a role now is who is told: a person whose membership ended after
    # the messages were made gets no summary of them next morning.
    lead = user_with_role(Role.INCLUSION_LEAD, email="leaver@heronsgate.example")
    EmailChoice.objects.create(user=lead, daily_digest=True)
    _send(lead, urgent=False, detail="Plan to agree.")
    lead.memberships.update(is_active=False)

    send_digests.enqueue()
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.filter(awaiting_digest=True).exists()
    # Had they stayed, the same message would have been in their digest.
    stayer = user_with_role(Role.INCLUSION_LEAD, email="stayer@heronsgate.example")
    EmailChoice.objects.create(user=stayer, daily_digest=True)
    _send(stayer, urgent=False, detail="Plan to agree.")
    send_digests.enqueue()
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [stayer.email]


def test_a_closed_organisation_stops_the_digest_but_another_membership_keeps_it(
    world, user_with_role
) -> None:
    from apcase.accounts.tests.factories import MembershipFactory

    lead = user_with_role(Role.INCLUSION_LEAD, email="lead@heronsgate.example")
    EmailChoice.objects.create(user=lead, daily_digest=True)
    _send(lead, urgent=False, detail="Plan to agree.")
    world.school.status = "closed"
    world.school.save(update_fields=["status"])
    send_digests.enqueue()
    assert not OutboxMessage.objects.exists()

    MembershipFactory(user=lead, organisation=world.other_school, role=Role.INCLUSION_LEAD)
    _send(lead, urgent=False, detail="Review due.")
    send_digests.enqueue()
    [digest] = OutboxMessage.objects.all()
    assert digest.to == lead.email
