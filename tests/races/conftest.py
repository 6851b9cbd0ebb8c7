"""Races: two requests for the same thing at the same moment.

`run_together(first, second, hold=...)` runs two requests the way a double click or two
people at once do. On PostgreSQL they run in two threads, each on its own database
connection: the first request is held for HOLD_SECONDS at `hold` (a function it calls
after its write and before its transaction commits) and the second request starts
while it is held, so the second meets the first's uncommitted write. On SQLite, which
writes one transaction at a time, they run one after the other: the same assertions
then check the sequential double submission.

Each test uses `@pytest.mark.django_db(transaction=True)` so the threads see committed
data, and clients made with `raise_request_exception=False` so a failure is seen as the
user sees it: an error page with status 500.
"""

import datetime
import importlib
import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from conftest import sign_in

HOLD_SECONDS = 1.0

# The most recent weekday: pupils are timetabled Monday to Friday.
TODAY = timezone.localdate() - datetime.timedelta(days=max(0, timezone.localdate().weekday() - 4))


def concurrent() -> bool:
    return connection.vendor == "postgresql"


def client_of(user: Any) -> Client:
    return sign_in(Client(raise_request_exception=False), user)


def run_together(first: Callable[[], Any], second: Callable[[], Any], *, hold: str) -> list[Any]:
    """[first's result, second's result]; an exception raised is returned as the result."""
    if not concurrent():
        return [first(), second()]
    module_name, name = hold.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    held = threading.Event()

    def holding(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "first" and not held.is_set():
            held.set()
            time.sleep(HOLD_SECONDS)
        return real(*args, **kwargs)

    results: dict[str, Any] = {}

    def work(name: str, call: Callable[[], Any], after: threading.Event | None) -> None:
        try:
            if after is not None:
                after.wait(timeout=10)
            results[name] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            results[name] = error
        finally:
            connections.close_all()

    with mock.patch.object(module, name, holding):
        threads = [
            threading.Thread(target=work, name="first", args=("first", first, None)),
            threading.Thread(target=work, name="second", args=("second", second, held)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert held.is_set(), f"the first request never reached {hold}"
    return [results["first"], results["second"]]


def messages_of(response: Any) -> list[str]:
    """The messages a response queued for the next page (read from the request itself:
    two requests of one session at once would overwrite each other's in the session)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def dates(name: str, day: datetime.date) -> dict[str, int]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def key_of_page():
    """key_of_page(response): the idempotency key the rendered form carries."""
    import re

    def find(response: Any) -> str:
        match = re.search(
            r'name="idempotency_key"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="idempotency_key"',
            response.content.decode(),
        )
        assert match, "the form carries no idempotency key"
        return match.group(1) or match.group(2)

    return find
