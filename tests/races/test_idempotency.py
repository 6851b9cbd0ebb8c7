"""The idempotency key itself (apcase.core.idempotency): what replays and what does not."""

import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import idempotency
from apcase.core.errors import ValidationFailed
from apcase.core.models import UsedFormKey
from apcase.referrals.tests.factories import person

KEY = idempotency.new_key()


@pytest.fixture
def user(world):
    return person(Role.INCLUSION_LEAD, world.school)


def _once(user, key, run, action="test.action"):
    return idempotency.once(
        user=user, action=action, key=key, run=run, result_url=lambda value: f"/done/{value}/"
    )


def test_a_used_key_replays_the_first_result_and_runs_nothing(user):
    runs = []
    first = _once(user, KEY, lambda: runs.append(1) or len(runs))
    second = _once(user, KEY, lambda: runs.append(1) or len(runs))
    assert first == 1
    assert second == idempotency.Replayed("/done/1/")
    assert runs == [1]


def test_a_refused_submission_leaves_its_key_unused_so_the_corrected_form_runs(user):
    def refuse():
        raise ValidationFailed("Enter the date.")

    with pytest.raises(ValidationFailed):
        _once(user, KEY, refuse)
    assert not UsedFormKey.objects.exists()
    assert _once(user, KEY, lambda: 7) == 7


@pytest.mark.parametrize(
    "key", [None, "", "short", "x" * 65, "<script>alert(1)</script>xxxxxxxxxx"]
)
def test_a_missing_or_malformed_key_is_ignored_and_the_submission_runs(user, key):
    assert idempotency.key_of({"idempotency_key": key} if key is not None else {}) is None
    runs = []
    for _ in range(2):
        _once(user, idempotency.key_of({"idempotency_key": key or ""}), lambda: runs.append(1))
    assert len(runs) == 2
    assert not UsedFormKey.objects.exists()


def test_another_user_or_another_form_with_the_same_key_replays_nothing(world, user):
    _once(user, KEY, lambda: 1)
    other = person(Role.INCLUSION_LEAD, world.other_school)
    assert _once(other, KEY, lambda: 2) == 2
    assert _once(user, KEY, lambda: 3, action="another.action") == 3


def test_keys_older_than_the_ttl_are_deleted_and_may_run_again(user, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    _once(user, KEY, lambda: 1)
    UsedFormKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert _once(user, KEY, lambda: 2) == 2
    assert UsedFormKey.objects.count() == 1
