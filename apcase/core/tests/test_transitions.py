"""`check_transition`, the one check every state machine makes before a status moves."""

import pytest

from apcase.core.errors import TransitionNotAllowed, check_transition
from apcase.referrals.models import EmergencyPlacement, Referral
from apcase.referrals.workflow import ALLOWED_TRANSITIONS, EMERGENCY_TRANSITIONS

S = Referral.Status
R = EmergencyPlacement.Ratification


def test_an_allowed_move_passes_and_changes_nothing():
    referral = Referral(status=S.DRAFT)
    check_transition(
        referral, "status", S.SUBMITTED, ALLOWED_TRANSITIONS, states=S, refused="{now} {to}"
    )
    assert referral.status == S.DRAFT


def test_a_refused_move_names_both_states_in_the_callers_words():
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(
            Referral(status=S.DRAFT),
            "status",
            S.APPROVED,
            ALLOWED_TRANSITIONS,
            states=S,
            refused="A referral that is {now} cannot be {to}.",
        )
    assert str(refused.value) == "A referral that is draft cannot be approved."


def test_the_field_checked_is_the_one_named():
    emergency = EmergencyPlacement(ratification=R.RATIFIED)
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(
            emergency,
            "ratification",
            R.ENDED,
            EMERGENCY_TRANSITIONS,
            states=R,
            refused="An emergency placement that is {now} cannot become {to}.",
        )
    assert str(refused.value) == (
        "An emergency placement that is ratified cannot become not ratified — placement ended."
    )
