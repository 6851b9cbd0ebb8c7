from apcase.access.testing import ALL_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.safeguarding.models import Concern

from .factories import concern_at_provider, placed_pupil

RAISERS = SCHOOL_ROLES | PROVIDER_ROLES
READERS = frozenset({Role.SCHOOL_DSL, Role.PROVIDER_MANAGER, Role.LA_OFFICER})
DSL = frozenset({Role.SCHOOL_DSL})
# Roles the page's rule lets in whose scope does not hold this concern: "not found".
NOT_IN_SCOPE = dict.fromkeys(RAISERS - READERS, 404)
NOT_RAISERS = dict.fromkeys(ALL_ROLES - RAISERS - READERS, 403)
# Readers who are not the school's DSL: they see the concern, not the DSL's forms.
READERS_NOT_DSL = dict.fromkeys(READERS - DSL, 404)


def _orgs(world, own):  # type: ignore[no-untyped-def]
    return (world.school, world.provider) if own else (world.other_school, world.other_provider)


def concern_kwargs(world, own):  # type: ignore[no-untyped-def]
    """A concern raised at the provider and shared with the LA: every reader sees it."""
    school, provider = _orgs(world, own)
    found = Concern.objects.filter(raised_at_provider=provider, escalated_at__isnull=False).first()
    return {"concern_id": (found or concern_at_provider(school, provider, escalate=True)).pk}


def unshared_kwargs(world, own):  # type: ignore[no-untyped-def]
    school, provider = _orgs(world, own)
    found = Concern.objects.filter(raised_at_provider=provider, escalated_at__isnull=True).first()
    return {"concern_id": (found or concern_at_provider(school, provider)).pk}


def attachment_kwargs(world, own):  # type: ignore[no-untyped-def]
    school, provider = _orgs(world, own)
    concern = concern_at_provider(school, provider, escalate=True, with_attachment=True)
    return {"concern_id": concern.pk, "attachment_id": concern.attachments.get().pk}


def pupil_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"pupil_id": placed_pupil(*_orgs(world, own)).pupil_id}


def _dsl_page(kwargs, **extra):  # type: ignore[no-untyped-def]
    return Expect(
        roles=DSL,
        kwargs=kwargs,
        denied=403,
        role_status={**READERS_NOT_DSL},
        **extra,
    )


EXPECTATIONS = {
    "safeguarding:list": Expect(roles=READERS),
    "safeguarding:transfers_due": Expect(roles=READERS),
    "safeguarding:choose_pupil": Expect(roles=RAISERS),
    "safeguarding:raise": Expect(roles=RAISERS, kwargs=pupil_kwargs),
    "safeguarding:detail": Expect(
        roles=READERS, kwargs=concern_kwargs, role_status={**NOT_IN_SCOPE, **NOT_RAISERS}
    ),
    "safeguarding:receipt": Expect(
        roles=READERS, kwargs=concern_kwargs, role_status={**NOT_IN_SCOPE, **NOT_RAISERS}
    ),
    "safeguarding:attachment": Expect(
        roles=READERS, kwargs=attachment_kwargs, role_status={**NOT_IN_SCOPE, **NOT_RAISERS}
    ),
    # The school's DSL and, for a concern raised at the provider, the provider's DSL.
    "safeguarding:add_addendum": Expect(
        roles=frozenset({Role.SCHOOL_DSL, Role.PROVIDER_MANAGER}),
        kwargs=concern_kwargs,
        role_status={**NOT_IN_SCOPE, **NOT_RAISERS, Role.LA_OFFICER: 404},
    ),
    "safeguarding:add_action": _dsl_page(concern_kwargs),
    "safeguarding:review": _dsl_page(concern_kwargs),
    "safeguarding:link_record": _dsl_page(concern_kwargs),
    "safeguarding:close": _dsl_page(concern_kwargs),
    "safeguarding:viewed_by": _dsl_page(concern_kwargs),
    "safeguarding:acknowledge": _dsl_page(concern_kwargs, method="POST", ok=302),
    # An unshared concern: the LA's officers do not see it yet (404).
    "safeguarding:escalate": _dsl_page(unshared_kwargs, method="POST", ok=302),
}


def transfer_kwargs(world, own):  # type: ignore[no-untyped-def]
    import datetime

    from apcase.referrals.tests.factories import person
    from apcase.safeguarding.models import ChildProtectionTransfer
    from apcase.safeguarding.transfers import start_transfer

    school, provider = _orgs(world, own)
    pupil = placed_pupil(school, provider).pupil
    found = ChildProtectionTransfer.objects.filter(pupil=pupil).first()
    if found is None:
        dsl = person(Role.SCHOOL_DSL, school)
        found = start_transfer(
            pupil, by=dsl, destination="Oakfield Primary School", left_on=datetime.date(2026, 9, 1)
        )
    return {"transfer_id": found.pk}


# The child protection file: the school's DSL only; the other readers of concerns get
# "not found" (the page's rule lets them in, the school's scope does not).
EXPECTATIONS.update(
    {
        "safeguarding:transfers": _dsl_page(pupil_kwargs),
        "safeguarding:transfer_sent": _dsl_page(transfer_kwargs),
        "safeguarding:transfer_received": _dsl_page(transfer_kwargs),
        "safeguarding:transfer_file": _dsl_page(transfer_kwargs),
    }
)
