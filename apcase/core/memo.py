"""Answers read once for one page: inside `one_page()`, a function wrapped by
`per_page` answers each argument as it answered before, so the home page's many work
lists ask, say, where a person stands in once, not once a list.

Outside `one_page()` (a command, a service after it writes, a test calling a selector)
every call reads afresh. A page opens a scope only around reads made together, none
of them after a write, so nothing remembered there can be out of date."""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")

_answers: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "apcase_page_answers", default=None
)


@contextmanager
def one_page() -> Iterator[None]:
    """Remember `per_page` answers until the block ends (an inner scope shares the outer
    one's answers)."""
    if _answers.get() is not None:
        yield
        return
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def per_page(key: Callable[..., Hashable]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Remember the function's answer for `key(*args, **kwargs)` inside `one_page()`.
    The answer is given as it was: a caller must not change it."""

    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        @wraps(function)
        def remembered(*args: Any, **kwargs: Any) -> T:
            answers = _answers.get()
            if answers is None:
                return function(*args, **kwargs)
            found_key = (function.__module__, function.__qualname__, key(*args, **kwargs))
            if found_key not in answers:
                answers[found_key] = function(*args, **kwargs)
            return answers[found_key]  # type: ignore[no-any-return]

        return remembered

    return wrap


def remembered(kind: str) -> dict[Hashable, Any] | None:
    """Inside `one_page()`, one dict per `kind` kept until the scope ends, for answers
    read for many keys at once: a later read asks only for the keys not yet in it.
    None outside `one_page()`, where every read is made afresh."""
    answers = _answers.get()
    if answers is None:
        return None
    found: dict[Hashable, Any] = answers.setdefault(("remembered", kind), {})
    return found
