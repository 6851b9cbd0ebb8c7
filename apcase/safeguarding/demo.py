"""Demo concerns at the Milton Keynes PRU: one closed, one open, each with the DSL's
actions, raised by the PRU's staff about a pupil placed there (invented people and
events). Idempotent: a pupil who already has demo concerns gets no more."""

import datetime
from typing import Any

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement

from . import services, workflow
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
    ensure_default_categories(ConcernCategory)
    name = placement.pupil.preferred_name or placement.pupil.legal_first_name
    for concern in CONCERNS:
        _seed(concern, placement.pupil, name, reporter, dsl)


# (days ago, category, account, immediate action, others involved, actions (days ago,
# kind, note), outcome: closed with it, or None: left open with a review in a week)
CONCERNS = [
    (
        15,
        "neglect",
        '{name} arrived without a coat in the rain for the third day running and said '
        '"Mum forgot again, she is always asleep".',
        "Lent a coat from the spare clothes box; told the PRU's DSL.",
        "The PRU's key worker was present.",
        [
            (14, ActionKind.INFORMED_PARENTS,
             "Phoned mum: she has started night shifts; agreed a coat from the uniform bank."),
            (10, ActionKind.EARLY_HELP, "Early help assessment offered and accepted."),
        ],
        "Early help in place; no further concerns in two weeks.",
    ),
    (
        2,
        "online",
        '{name} showed a classmate messages from an older "friend" met in a game, who '
        "asked for a photo and said to keep it secret.",
        "Screenshots not taken (not to be shared); device left with the child.",
        "Another pupil saw the messages.",
        [
            (1, ActionKind.CHILDRENS_SOCIAL_CARE,
             "Consulted the MASH: advice to inform parents and report to CEOP; done."),
        ],
        None,
    ),
]  # fmt: skip


def _seed(entry: tuple[Any, ...], pupil: Any, name: str, reporter: User, dsl: User) -> None:
    days_ago, category, account, immediate, others, actions, outcome = entry
    today = timezone.localdate()
    concern = services.raise_concern(
        pupil,
        by=reporter,
        report=services.ConcernReport(
            occurred_at=timezone.now() - datetime.timedelta(days=days_ago, hours=3),
            category=ConcernCategory.objects.get(code=category),
            account=account.format(name=name),
            immediate_action=immediate,
            others_involved=others,
        ),
    )
    workflow.acknowledge(concern, by=dsl)
    for action_days_ago, kind, note in actions:
        services.record_action(
            concern,
            by=dsl,
            kind=kind,
            taken_on=today - datetime.timedelta(days=action_days_ago),
            note=note,
        )
    if outcome:
        workflow.close(concern, by=dsl, outcome=outcome)
    else:
        services.set_review_date(concern, by=dsl, review_on=today + datetime.timedelta(days=7))
