from apcase.access.testing import Expect
from apcase.accounts.roles import Role
from apcase.referrals.tests import walk_objects as objects
from apcase.referrals.tests.access_expectations import VIEWERS

LA_CASE = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER})
SITTERS = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR})
RECORDERS = frozenset({Role.PANEL_CHAIR, Role.LA_OFFICER})
OFFICERS = frozenset({Role.LA_OFFICER})


def meeting(world, own):  # type: ignore[no-untyped-def]
    return {"meeting_id": objects.meeting(world, own).pk}


def agenda_referral(world, own):  # type: ignore[no-untyped-def]
    found = objects.referral(world, own)
    return {"meeting_id": found.meeting_id, "referral_id": found.pk}


def agenda_emergency(world, own):  # type: ignore[no-untyped-def]
    found = objects.emergency(world, own)
    return {"meeting_id": found.meeting_id, "emergency_id": found.pk}


def decision(world, own):  # type: ignore[no-untyped-def]
    return {"decision_id": objects.decision(world, own).pk}


def letter(world, own):  # type: ignore[no-untyped-def]
    return {**decision(world, own), "recipient": "parents"}


def carer_letter(world, own):  # type: ignore[no-untyped-def]
    """A decision and one of its pupil's carers with parental responsibility."""
    from apcase.pupils.models import Carer

    found = objects.decision(world, own)
    carer, _ = Carer.objects.get_or_create(
        pupil=found.referral.pupil,
        name="Walk Carer",
        defaults={"relationship": "Parent", "parental_responsibility": True},
    )
    return {"decision_id": found.pk, "carer_id": carer.pk}


# Who sends the decision letters to the parents: the panel's chair and LA officers, and
# the referring school's inclusion lead and headteacher.
LETTER_SENDERS = RECORDERS | frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})

EXPECTATIONS = {
    "panel:meeting_list": Expect(roles=LA_CASE),
    "panel:meeting_new": Expect(roles=OFFICERS),
    "panel:series_new": Expect(roles=OFFICERS),
    "panel:meeting_detail": Expect(roles=LA_CASE, kwargs=meeting, denied=404),
    # The pack holds every referral on the agenda: that panel's members, and its LA's
    # officers, who record the panel's decisions.
    "panel:pack": Expect(roles=LA_CASE, kwargs=meeting, denied=404),
    "panel:meeting_close": Expect(roles=RECORDERS, kwargs=meeting),
    "panel:meeting_edit": Expect(roles=OFFICERS, kwargs=meeting),
    "panel:meeting_postpone": Expect(roles=OFFICERS, kwargs=meeting),
    "panel:meeting_cancel": Expect(roles=OFFICERS, kwargs=meeting),
    "panel:declare_interest": Expect(roles=SITTERS, kwargs=meeting),
    "panel:decide_referral": Expect(roles=RECORDERS, kwargs=agenda_referral),
    "panel:decide_emergency": Expect(roles=RECORDERS, kwargs=agenda_emergency),
    # Every decision whose letters to the parents have not all gone: the LA officers who
    # send them (the home page lists the oldest and links here).
    "panel:letters_not_sent": Expect(roles=OFFICERS),
    "panel:decision_detail": Expect(roles=VIEWERS, kwargs=decision, denied=404),
    "panel:letter": Expect(roles=VIEWERS, kwargs=letter, denied=404),
    "panel:parent_letter": Expect(roles=VIEWERS, kwargs=carer_letter, denied=404),
    # An empty post sends nothing: the page answers with the refusal (302).
    "panel:send_letter": Expect(roles=LETTER_SENDERS, kwargs=carer_letter, method="POST", ok=302),
}
