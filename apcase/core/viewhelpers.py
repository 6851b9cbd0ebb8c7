"""One way for a view to run a change and show what came of it.

Services and workflow functions refuse with the domain errors of `core.errors`; this
module is the one place that turns them into responses:

- `NotPermitted` → the 403 page (the user may not do this; nothing on the form helps);
- a missing record (`ObjectDoesNotExist`) → the 404 page;
- any other `DomainError` (`ValidationFailed`, `TransitionNotAllowed`) → the form is
  shown again with the refusal on it (`handle_form`), or, for a button with no form,
  as an error message on the page the user returns to (`run_action`).

`handle_form` is the whole of "form → service → success message → redirect": a view
builds its form and says what to call, what to say and where to go. Pages that create
something carry an idempotency key (`Once`): a second press of the same submit shows
the first result with "already saved" instead of running the service again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url

from . import idempotency
from .errors import DomainError, NotPermitted
from .forms import show_domain_error

if TYPE_CHECKING:
    from apcase.accounts.models import User

Message = str | Callable[[Any], str] | None
Target = str | Callable[[Any], str]


@dataclass(frozen=True)
class Once:
    """Run the service at most once per idempotency key (see `core.idempotency`)."""

    action: str  # the key's scope, e.g. "pupils.exclusion"
    replayed: str  # said when the key was already used, e.g. "This exclusion was already recorded."


def raise_for_refusal(error: DomainError) -> None:
    """Raise the error page for a refusal no form can correct; return for the others."""
    if isinstance(error, NotPermitted):
        raise PermissionDenied(str(error)) from error


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except ObjectDoesNotExist as error:
        raise Http404("Not found.") from error


def _url(target: Target, result: Any) -> str:
    return resolve_url(target(result) if callable(target) else target)


def _say(request: HttpRequest, message: Message, result: Any) -> None:
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)


def posted(request: HttpRequest) -> QueryDict | None:
    """What a POST sent, else None (the form is shown unbound). Unlike
    `request.POST or None` it binds a form whose submission holds no field, such as a
    confirm button's."""
    return request.POST if request.method == "POST" else None


def attempt(form: forms.BaseForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, the action's result), or (False, None) with the refusal shown on the form."""
    try:
        return True, _run(action)
    except DomainError as error:
        raise_for_refusal(error)
        show_domain_error(form, error)
        return False, None


def handle_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    success_message: Message,
    redirect_to: Target,
    template: str,
    context: dict[str, Any] | None = None,
    once: Once | None = None,
) -> HttpResponse:
    """On a valid POST, call `action()` (a service); then say `success_message` and
    redirect to `redirect_to` (a URL, a URL name, or a function of the result).
    Otherwise, or when the service refuses, render `template` with the form and
    `context`; the refusal is on the form."""
    submitted = submit_form(
        request, form, action, success_message=success_message, redirect_to=redirect_to, once=once
    )
    if submitted is not None:
        return submitted
    return render(request, template, {"form": form, **(context or {})})


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    success_message: Message,
    redirect_to: Target,
    once: Once | None = None,
) -> HttpResponse | None:
    """`handle_form` without the page: the redirect after a valid POST that the service
    accepted, or None (the caller renders its page; any refusal is on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    run = action
    if once is not None:
        run = _once(request, once, action, redirect_to)
    done, result = attempt(form, run)
    if not done:
        return None
    if isinstance(result, idempotency.Replayed):
        assert once is not None  # noqa: S101 - only `once` replays
        messages.info(request, once.replayed)
        return redirect(result.url)
    _say(request, success_message, result)
    return redirect(_url(redirect_to, result))


def _once(
    request: HttpRequest, once: Once, action: Callable[[], Any], redirect_to: Target
) -> Callable[[], Any]:
    return lambda: idempotency.once(
        user=cast("User", request.user),  # an idempotent page is behind a sign-in rule
        action=once.action,
        key=idempotency.key_of(request.POST),
        run=action,
        result_url=lambda result: _url(redirect_to, result),
    )


def run_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success_message: Message,
    redirect_to: str,
) -> HttpResponse:
    """A button with no form (remove, start, close): call `action()`, say how it went
    (a refusal as an error message) and redirect to `redirect_to` either way."""
    try:
        result = _run(action)
    except DomainError as error:
        raise_for_refusal(error)
        messages.error(request, str(error))
    else:
        _say(request, success_message, result)
    return redirect(resolve_url(redirect_to))
