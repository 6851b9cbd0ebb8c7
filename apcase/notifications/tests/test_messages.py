"""One notifications module: every message is rendered from a template, names a child
by first name and initial only, links with a full address, and reaches a person both by
email (through the outbox) and in their notification centre."""

import ast
import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.template import Engine, engines
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.notifications import centre, messages
from apcase.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
APPS = ROOT / "apcase"


class Child:
    """A stand-in for a pupil (the module asks only for these three names)."""

    initialled_name = "Kit O."
    display_name = "Kit O'Hara-Lind"
    legal_name = "Katherine Mae O'Hara-Lind"


def every_message_template() -> list[str]:
    found = sorted(APPS.glob("*/templates/*/messages/*.txt"))
    return [str(path.relative_to(path.parents[2])) for path in found]


def test_every_app_that_sends_a_message_has_its_templates_found() -> None:
    apps = {name.split("/")[0] for name in every_message_template()}
    assert apps >= {
        "accounts",
        "directory",
        "monitoring",
        "panel",
        "pupils",
        "referrals",
        "safeguarding",
    }


class Anything:
    """A value for any name a template uses: attribute and method lookups answer with
    the same text, so every branch of a template renders something."""

    # A date or time has none of these, so Django's date and time filters fall back to
    # format(), which answers with the same text as every other lookup.
    NOT_A_DATE = frozenset({"year", "month", "day", "weekday", "hour", "minute", "second"})

    def __init__(self, text: str) -> None:
        self.text = text

    def __getattr__(self, name: str) -> "Anything":
        if name in Anything.NOT_A_DATE:
            raise AttributeError(name)
        return self

    def __format__(self, spec: str) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return True


@pytest.mark.parametrize("template", every_message_template())
def test_each_template_has_a_subject_line_and_never_carries_the_full_name(
    template: str, settings
) -> None:
    settings.APCASE_BASE_URL = "https://apcase.example.org"
    # Every name the template uses is given the child's full name, as a careless caller
    # might: none of it may reach the subject or the body.
    source = Path(engines["django"].engine.find_template(template)[0].origin.name).read_text()
    names = set(re.findall(r"{{ *([a-z_]+)", source)) | set(re.findall(r"{% if ([a-z_]+)", source))
    dates = set(re.findall(r"{{ *([a-z_]+)\|date", source))
    context: dict[str, object] = {name: Anything(Child.legal_name) for name in names}
    context.update({name: datetime.date(2026, 12, 1) for name in dates})
    context.pop("child", None)
    context.pop("link", None)
    rendered = messages.render(template, child=Child(), link="/somewhere/", **context)
    assert rendered.subject
    assert "\n" not in rendered.subject
    for text in (rendered.subject, rendered.body):
        assert Child.legal_name not in text
        assert Child.display_name not in text
        assert "&#x27;" not in text
        assert "&amp;" not in text
    if "{{ link }}" in source:
        assert "https://apcase.example.org/somewhere/" in rendered.body


def test_a_message_reaches_a_person_by_email_and_in_the_service(world, user_with_role) -> None:
    dsl = user_with_role(Role.SCHOOL_DSL)
    sent = messages.send(
        "safeguarding/messages/concern_raised.txt",
        to=[dsl, dsl, "someone@example.org"],
        child=Child(),
        link="/concerns/1/",
        urgent=True,
        when="09:15 on 1 December 2026",
    )
    assert sent == 2  # the same person listed twice is told once
    emails = OutboxMessage.objects.order_by("to")
    assert [m.to for m in emails] == sorted([dsl.email, "someone@example.org"])
    assert all("Kit O." in m.body and "Alternative provision" in m.body for m in emails)
    alert = Notification.objects.get()  # an address without an account: email only
    assert alert.recipient == dsl
    assert alert.urgent
    assert alert.link == "/concerns/1/"
    assert alert.subject == "Safeguarding concern raised: please open it now"


def test_a_template_without_a_subject_line_is_refused() -> None:
    loader = ("django.template.loaders.locmem.Loader", {"bad.txt": "Subject\nno blank line"})
    with (
        mock.patch.object(messages, "_engine", return_value=Engine(loaders=[loader])),
        pytest.raises(ValueError, match="first line is the subject"),
    ):
        messages.render("bad.txt")


def test_the_notification_centre_lists_a_persons_own_alerts_and_marks_them_read(
    world, client_for, user_with_role
) -> None:
    client: Client = client_for(Role.SCHOOL_DSL)
    someone_else = user_with_role(Role.SCHOOL_DSL)
    for person, subject in ((client.user, "Yours"), (someone_else, "Not yours")):
        Notification.objects.create(recipient=person, subject=subject, body="Body", link="/")

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Notifications" in home.text
    assert "1<span" in home.text

    page = client.get(reverse("notifications"))
    assert page.status_code == 200
    assert "Yours" in page.text
    assert "New" in page.text
    assert "Not yours" not in page.text

    marked = client.post(reverse("notifications_read"), follow=True)
    assert marked.status_code == 200
    assert "1 notification marked as read." in marked.text
    assert centre.unread_count(client.user) == 0
    assert centre.unread_count(someone_else) == 1  # another person's are untouched
    assert client.get(reverse("notifications_read")).status_code == 405


def test_a_person_with_no_alerts_is_told_so(world, client_for) -> None:
    page = client_for(Role.PROVIDER_STAFF).get(reverse("notifications"))
    assert page.status_code == 200
    assert "You have no notifications." in page.text


def _calls_outside_notifications(name: str) -> list[str]:
    found = []
    for path in APPS.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("apcase/notifications/") or "/tests/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
                found.append(relative)
    return found


def test_no_app_queues_an_email_of_its_own() -> None:
    """Every message goes through notifications.messages.send. The one exception is the
    password reset, which Django's own reset templates render and which writes its
    outbox row directly so that an unknown address takes as long to answer as a known
    one (apcase/accounts/services/passwords.py)."""
    assert _calls_outside_notifications("queue_email") == []
    assert _calls_outside_notifications("send_mail") == []
    assert _calls_outside_notifications("OutboxMessage") == [
        "apcase/accounts/services/passwords.py"
    ]
