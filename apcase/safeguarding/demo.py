"""Demo concerns at the Milton Keynes PRU: one closed, one open, each with the DSL's
actions, raised by the PRU's staff about a pupil placed there (invented people and
events). Idempotent: a pupil who already has demo concerns gets no more."""

import datetime

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement

from . import services
from .categories import ensure_default_categories
from .models import ActionKind, Concern, ConcernCategory


def seed(organisations: dict[str, Organisation]) -> None:
    provider = organisations.get("pru")
    reporter = User.objects.filter(email="staff@mk-pru.example").first()
    dsl = User.objects.filter(email="dsl@heronsgate.example").first()
    placement = (
        Placement.objects.filter(provider=provider, status=Placement.Status.ACTIVE)
        .select_related("pupil")
        .order_by("pk")
        .first()
    )
    if provider is None or reporter is None or dsl is None or placement is None:
        return
    if Concern.objects.filter(pupil=placement.pupil).exists():
        return
    ensure_default_categories(ConcernCategory)  # a flushed test database has none
    now = timezone.now()
    today = timezone.localdate()
    pupil = placement.pupil
    name = pupil.preferred_name or pupil.legal_first_name

    closed = services.raise_concern(
        pupil,
        by=reporter,
        report=services.ConcernReport(
            occurred_at=now - datetime.timedelta(days=15, hours=3),
            category=ConcernCategory.objects.get(code="neglect"),
            account=(
                f"{name} arrived without a coat in the rain for the third day running and "
                'said "Mum forgot again, she is always asleep".'
            ),
            immediate_action="Lent a coat from the spare clothes box; told the PRU's DSL.",
            others_involved="The PRU's key worker was present.",
        ),
    )
    services.acknowledge(closed, by=dsl)
    services.record_action(
        closed,
        by=dsl,
        kind=ActionKind.INFORMED_PARENTS,
        taken_on=today - datetime.timedelta(days=14),
        note="Phoned mum: she has started night shifts; agreed a coat from the uniform bank.",
    )
    services.record_action(
        closed,
        by=dsl,
        kind=ActionKind.EARLY_HELP,
        taken_on=today - datetime.timedelta(days=10),
        note="Early help assessment offered and accepted.",
    )
    services.close(closed, by=dsl, outcome="Early help in place; no further concerns in two weeks.")

    open_concern = services.raise_concern(
        pupil,
        by=reporter,
        report=services.ConcernReport(
            occurred_at=now - datetime.timedelta(days=2, hours=5),
            category=ConcernCategory.objects.get(code="online"),
            account=(
                f'{name} showed a classmate messages from an older "friend" met in a game, '
                "who asked for a photo and said to keep it secret."
            ),
            immediate_action="Screenshots not taken (not to be shared); device left with the child.",
            others_involved="Another pupil saw the messages.",
        ),
    )
    services.acknowledge(open_concern, by=dsl)
    services.record_action(
        open_concern,
        by=dsl,
        kind=ActionKind.CHILDRENS_SOCIAL_CARE,
        taken_on=today - datetime.timedelta(days=1),
        note="Consulted the MASH: advice to inform parents and report to CEOP; done.",
    )
    services.set_review_date(open_concern, by=dsl, review_on=today + datetime.timedelta(days=7))
