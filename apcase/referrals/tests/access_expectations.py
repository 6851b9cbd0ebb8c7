from apcase.access.testing import Expect
from apcase.accounts.roles import Role

from . import walk_objects as objects

SCHOOL_VIEWERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
SCHOOL_EDITORS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
LA_CASE = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER})
VIEWERS = SCHOOL_VIEWERS | LA_CASE
EMERGENCY_ARRANGERS = frozenset({Role.HEADTEACHER, Role.LA_OFFICER})


def referral(world, own):  # type: ignore[no-untyped-def]
    return {"referral_id": objects.referral(world, own).pk}


def draft(world, own):  # type: ignore[no-untyped-def]
    return {"referral_id": objects.draft(world, own).pk}


def section(world, own):  # type: ignore[no-untyped-def]
    return {**draft(world, own), "section": "parent-views"}


def intervention(world, own):  # type: ignore[no-untyped-def]
    found = objects.draft(world, own)
    return {"referral_id": found.pk, "intervention_id": found.interventions.first().pk}


def draft_document(world, own):  # type: ignore[no-untyped-def]
    found = objects.draft(world, own)
    return {"referral_id": found.pk, "document_id": found.documents.first().pk}


def document(world, own):  # type: ignore[no-untyped-def]
    found = objects.document(world, own)
    return {"referral_id": found.referral_id, "document_id": found.pk}


def emergency(world, own):  # type: ignore[no-untyped-def]
    return {"emergency_id": objects.emergency(world, own).pk}


EXPECTATIONS = {
    "referrals:list": Expect(roles=VIEWERS),
    "referrals:export": Expect(roles=VIEWERS),
    "referrals:export_xlsx": Expect(roles=VIEWERS),
    "referrals:start": Expect(roles=SCHOOL_EDITORS),
    "referrals:awaiting_scheduling": Expect(roles=frozenset({Role.LA_OFFICER})),
    # Object pages answer "not found" to everyone who may not see the object.
    "referrals:detail": Expect(roles=VIEWERS, kwargs=referral, denied=404),
    "referrals:section": Expect(roles=SCHOOL_EDITORS, kwargs=section),
    "referrals:interventions": Expect(roles=SCHOOL_EDITORS, kwargs=draft),
    "referrals:remove_intervention": Expect(
        roles=SCHOOL_EDITORS, kwargs=intervention, method="POST", ok=302
    ),
    "referrals:documents": Expect(roles=SCHOOL_EDITORS, kwargs=draft),
    "referrals:document": Expect(roles=VIEWERS, kwargs=document, denied=404),
    "referrals:remove_document": Expect(
        roles=SCHOOL_EDITORS, kwargs=draft_document, method="POST", ok=302
    ),
    "referrals:sign_off": Expect(roles=SCHOOL_EDITORS, kwargs=draft),
    "referrals:submit": Expect(roles=SCHOOL_EDITORS, kwargs=draft),
    "referrals:withdraw": Expect(roles=SCHOOL_EDITORS, kwargs=draft),
    "referrals:close": Expect(
        roles=frozenset({Role.LA_OFFICER}), kwargs=referral, method="POST", ok=302
    ),
    "referrals:emergency_new": Expect(roles=EMERGENCY_ARRANGERS),
    "referrals:emergency_detail": Expect(roles=VIEWERS, kwargs=emergency, denied=404),
    "referrals:emergency_end": Expect(roles=EMERGENCY_ARRANGERS, kwargs=emergency),
}
