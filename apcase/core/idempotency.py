"""Idempotency keys: a form submitted twice is applied once.

A form that creates something (an emergency placement, a register, a check-in, an
exclusion) carries a hidden `idempotency_key`: a random token issued when the page is
rendered (`add_key_field` for Django forms, `new_key` with the
`includes/idempotency_key.html` include for hand-written forms). The view runs its
service through `once`, which in ONE transaction

1. claims the key: inserts a `UsedFormKey` row, unique per (user, action, key);
2. runs the service;
3. stores where the result is shown (`result_url`).

If the service refuses (a `DomainError`, bad input) the claim is rolled back with
everything else, so the same form may be corrected and sent again with the same key.
If the key was already used by the same user for the same action, nothing runs: the
caller gets `Replayed(url)` instead of the service's result and shows the first submission's result
with an "already recorded" message. Two requests with the same key at the same time
meet at the unique index: PostgreSQL makes the second insert wait until the first
transaction ends, then it fails (the first committed: replay) or succeeds (the first
was refused: run). SQLite writes one transaction at a time, so the same holds.

Why a table and not the session: two requests in flight read the same session and
neither sees the other's key, and the later session save overwrites the earlier one.
The unique index is what makes the second request wait for the first.

A missing or malformed key (an old page, a hand-made request) is not an error: the
submission runs as before, and the services' own locks and duplicate checks still stop
a double write. Keys are scoped to the user and the action, so another user's key
replays nothing of theirs; used keys older than `IDEMPOTENCY_KEY_TTL_HOURS` are deleted
as the same user claims new ones.
"""

import datetime
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsedFormKey

if TYPE_CHECKING:
    from apcase.accounts.models import User


FIELD = "idempotency_key"
_VALID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

T = TypeVar("T")


def new_key() -> str:
    """A fresh random key for one rendering of a form."""
    return secrets.token_urlsafe(24)


def key_of(data: Any) -> str | None:
    """The submitted key from request.POST, or None when absent or malformed."""
    value = data.get(FIELD, "") if data is not None else ""
    return value if isinstance(value, str) and _VALID.match(value) else None


def add_key_field(form: forms.Form) -> None:
    """Give a crispy form the hidden key field. A bound form keeps the key it was sent
    with (so a corrected resubmission is the same submission); an unbound one gets a
    new key."""
    form.fields[FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=new_key()
    )
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.render_hidden_fields = True


@dataclass(frozen=True)
class Replayed:
    """The key was already used: nothing ran; the first submission's result is at `url`."""

    url: str


def _ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


def once(
    *,
    user: "User",
    action: str,
    key: str | None,
    run: Callable[[], T],
    result_url: Callable[[T], str],
) -> T | Replayed:
    """`run()`'s result, or Replayed if this user already submitted `key` for `action`.

    Errors raised by `run` propagate, and the key stays unused."""
    if key is None or not getattr(user, "pk", None):
        return run()
    with transaction.atomic():
        UsedFormKey.objects.filter(user_id=user.pk, created_at__lt=timezone.now() - _ttl()).delete()
        try:
            with transaction.atomic():
                claim = UsedFormKey.objects.create(user_id=user.pk, action=action, key=key)
        except IntegrityError:
            first = UsedFormKey.objects.get(user_id=user.pk, action=action, key=key)
            return Replayed(first.result_url)
        value = run()
        claim.result_url = result_url(value)[:500]
        claim.save(update_fields=["result_url"])
    return value
