"""The two floors in one process (issue 16): the accessibility statement signed in
(every middleware, the session, the user, the second factor, the roles now and the
unread count) against the same page with no session, asked for in turns through
Django's test client, so both share the machine's load at the same moments.

Measured three ways in the same run: as it was (a new database connection for each
request, CONN_MAX_AGE 0, and the session written on every request,
SESSION_SAVE_EVERY_REQUEST), with only the idle clock restarted at most once a minute
(SessionIdleMiddleware), and as it is, the worker's connection kept as well
(docs/adr/0014). On SQLite the kept connection makes little difference.

python -m bench.floors               # SQLite in a temporary folder
python -m bench.floors --postgres    # a private PostgreSQL cluster (initdb), removed after
python -m bench.floors --gunicorn    # the demo served as `make bench` serves it (the
                                     # code as it stands: one setting, no comparison)
BENCH_FLOOR_REQUESTS=2000            # requests of each kind per setting (default 1000)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUNDS = 20  # the requests of each kind are asked for in this many alternating blocks


def _clients() -> tuple[Any, Any]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from apcase.accounts import two_factor
    from apcase.accounts.roles import Role
    from apcase.accounts.tests.factories import (
        MembershipFactory,
        SchoolFactory,
        UserFactory,
        confirmed_totp,
    )

    user = UserFactory()
    MembershipFactory(user=user, organisation=SchoolFactory(), role=Role.INCLUSION_LEAD)
    device = confirmed_totp(user)
    signed = Client()
    signed.force_login(user)
    session = signed.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    two_factor.note_verified(session)
    session.save()
    return signed, Client()


def recording(into: list[str]) -> Callable[..., Any]:
    """A database execute wrapper noting each query's SQL as it runs (Django's own query
    log is cleared when a request starts, so it cannot be read around one)."""

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        into.append(sql)
        return execute(sql, *args)

    return wrapper


def _timed(client: Any, url: str, count: int) -> float:
    from django.db import close_old_connections

    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        # What a WSGI server's end of request does (the test client leaves it out): the
        # connection is closed unless CONN_MAX_AGE keeps it.
        close_old_connections()
    return time.perf_counter() - started


def _share(bare: list[float], signed: list[float]) -> float:
    """The signed-in floor's rate as a share of the bare one: the median over rounds of
    each round's pair of blocks, so a burst of load elsewhere on the machine during one
    round does not weigh on the figure."""
    return round(statistics.median(b / s for b, s in zip(bare, signed, strict=True)), 3)


def measure(requests: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import override_settings
    from django.urls import reverse

    url = reverse("accessibility")
    signed, bare = _clients()
    kept = connection.settings_dict.get("CONN_MAX_AGE", 0)
    results = []
    for name, save_every, max_age in (
        ("as it was: a connection and a session write per request", True, 0),
        ("a connection per request, the idle clock restarted once a minute", False, 0),
        ("as it is: connection kept, idle clock restarted once a minute", False, kept),
    ):
        connection.close()  # the next connection is opened with this CONN_MAX_AGE
        connection.settings_dict["CONN_MAX_AGE"] = max_age
        with override_settings(SESSION_SAVE_EVERY_REQUEST=save_every):
            signed.get(url)
            bare.get(url)
            queries: list[str] = []
            with connection.execute_wrapper(recording(queries)):
                signed.get(url)
            block = max(1, requests // ROUNDS)
            bare_s, signed_s = [], []
            for _ in range(ROUNDS):
                bare_s.append(_timed(bare, url, block))
                signed_s.append(_timed(signed, url, block))
        asked = block * ROUNDS
        results.append(
            {
                "name": name,
                "requests_each": asked,
                "queries_signed_in": len(queries),
                "signed_in_rps": round(asked / sum(signed_s), 1),
                "bare_rps": round(asked / sum(bare_s), 1),
                "signed_in_share_of_bare": _share(bare_s, signed_s),
            }
        )
    return results


def served(requests: int) -> dict[str, Any]:
    """Both floors through gunicorn (2 sync workers, production settings, PostgreSQL),
    as `make bench` serves them, asked for in alternating blocks over keep-alive."""
    import requests as http

    from drills.stack import Stack

    stack = Stack(workers=2)
    try:
        stack.create_cluster()
        stack.prepare()
        stack.start_web()
        email = "inclusion.lead@heronsgate.example"
        key = stack.mint_sessions([email])[email][0]
        url = stack.base_url + "/accessibility/"
        sessions = {"signed": http.Session(), "bare": http.Session()}
        headers = {"signed": stack.headers(key), "bare": stack.proxy_headers()}
        spent: dict[str, list[float]] = {"signed": [], "bare": []}
        block = max(1, requests // ROUNDS)
        for kind in spent:  # warm both workers
            for _ in range(10):
                sessions[kind].get(url, headers=headers[kind], timeout=60)
        for _ in range(ROUNDS):
            for kind in spent:
                started = time.perf_counter()
                for _ in range(block):
                    answer = sessions[kind].get(
                        url, headers=headers[kind], allow_redirects=False, timeout=60
                    )
                    if answer.status_code != 200 or (kind == "signed") != (
                        b"Pupils" in answer.content
                    ):
                        raise RuntimeError(f"{kind} floor answered {answer.status_code}")
                spent[kind].append(time.perf_counter() - started)
    finally:
        stack.stop()
    asked = block * ROUNDS
    return {
        "requests_each": asked,
        "signed_in_rps": round(asked / sum(spent["signed"]), 1),
        "bare_rps": round(asked / sum(spent["bare"]), 1),
        "signed_in_share_of_bare": _share(spent["bare"], spent["signed"]),
    }


def main(argv: list[str]) -> int:
    requests = int(os.environ.get("BENCH_FLOOR_REQUESTS", "1000"))
    if "--gunicorn" in argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        row = served(requests)
        print(
            f"Floors through gunicorn (2 sync workers, PostgreSQL, {os.cpu_count()} CPUs): "
            f"signed in {row['signed_in_rps']} req/s, bare {row['bare_rps']} req/s: "
            f"signed-in floor at {row['signed_in_share_of_bare']:.0%} of the bare one "
            f"({row['requests_each']} requests of each)"
        )
        return 0
    folder = Path(tempfile.mkdtemp(prefix="apcase-floors-"))
    stack = None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "--postgres" in argv:
        from drills.stack import Stack

        stack = Stack(folder=folder)
        stack.create_cluster()
        os.environ["DATABASE_URL"] = stack.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'floors.sqlite3'}"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import override_settings

        # Static files as production serves them (no search of the app folders on each
        # request, which the test settings turn on for the live server).
        override_settings(WHITENOISE_AUTOREFRESH=False, WHITENOISE_USE_FINDERS=False).enable()
        call_command("migrate", verbosity=0)
        database = "PostgreSQL" if stack else "SQLite"
        print(f"Floors in one process ({database}, {os.cpu_count()} CPUs, Django test client)")
        for row in measure(requests):
            print(
                f"- {row['name']}: signed in {row['signed_in_rps']} req/s "
                f"({row['queries_signed_in']} queries), bare {row['bare_rps']} req/s: "
                f"signed-in floor at {row['signed_in_share_of_bare']:.0%} of the bare one "
                f"({row['requests_each']} requests of each)"
            )
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
