"""A parent added while the morning pass settles which decisions may have a letter due
(panel.letters.settle_letters_due) is never missed: the pass waits for the addition to
commit and then sees it, so the decision keeps its flag and stays on the LA's list of
letters not sent. Without the pass's lock it would read the carers before the addition
committed, find nothing due and clear the flag: a parent never written to, silently."""

import pytest

from apcase.accounts.roles import Role
from apcase.panel import letters, selectors
from apcase.panel.models import PanelDecision
from apcase.panel.tests.conftest import scene  # noqa: F401 - the panel's fixture, used below
from apcase.panel.tests.test_letters_not_sent import _decide
from apcase.pupils.services import carers
from apcase.referrals.tests.factories import person

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = "apcase.pupils.services.carers.record_pupil_event"  # after the carer row is written


def test_a_parent_added_while_the_pass_runs_keeps_the_decision_on_the_list(world, scene):  # noqa: F811
    officer = person(Role.LA_OFFICER, world.la)
    decision = _decide(scene, world, "Ada")
    pupil = decision.referral.pupil
    letters.send_letter(
        decision, carer_id=pupil.carers.get().pk, method="post", by=officer
    )  # every letter sent; the flag is still set, as it is until a pass clears it
    lead = person(Role.INCLUSION_LEAD, world.school)
    values = {"name": "Bea Carer", "relationship": "Parent", "parental_responsibility": True}

    added, cleared = run_together(
        lambda: carers.add_carer(by=lead, pupil=pupil, values=values),
        letters.settle_letters_due,
        hold=HOLD,
    )

    assert not isinstance(added, BaseException), added
    assert cleared == 0, "the pass cleared the decision the new parent is owed a letter on"
    assert PanelDecision.objects.get(pk=decision.pk).letters_may_be_due is True
    assert [d.pk for d in selectors.letters_not_sent_for(officer)] == [decision.pk]
