"""Drill: PostgreSQL stopped under load (`pg_ctl stop -m immediate`) and started again.

What it proves, against the production settings under gunicorn:
1. every write acknowledged to the user (the redirect to the new pupil's page) is in the
   database afterwards: nothing a user was told is saved is lost;
2. while the database is away, every answer is the 503 "service unavailable" page,
   never a 500 or a hung request;
3. the application recovers by itself when the database is back, with no restart:
   writes succeed again through the same gunicorn workers.

The load is bounded loopback traffic: a few writer threads adding pupils (each with a
name that identifies the write) and reader threads opening the pupil list and the home
page, as the school's inclusion lead.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from drills import people
from drills.stack import Stack, running_stack

ACCOUNT = people.INCLUSION_LEAD
UNAVAILABLE_TITLE = "Sorry, the service is unavailable"
CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_for(serial: int) -> str:
    """A valid permanent UPN for the demo school (LA 826, establishment 2345)."""
    body = f"826234526{serial:03d}"[-12:]
    total = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True))
    return CHECK_ALPHABET[total % 23] + body


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)  # surnames the user was told
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, phase: str, status: int, body: str, path: str) -> None:
        with self.lock:
            self.statuses[f"{phase} {status}"] += 1
            if status >= 500 and status != 503:
                self.problems.append(f"{phase}: {status} on {path}")
            if status == 503 and UNAVAILABLE_TITLE not in body:
                self.problems.append(f"{phase}: a 503 without the service-unavailable page")


class Client:
    def __init__(self, stack: Stack, session_key: str) -> None:
        self.stack = stack
        self.headers = stack.headers(session_key)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.web_port, timeout=20)
        headers = dict(self.headers)
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.stack.csrf_secret}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return response.status, response.getheader("Location") or "", text
        finally:
            connection.close()


def pupil_form(surname: str, serial: int) -> dict[str, str]:
    return {
        "upn": upn_for(serial),
        "legal_first_name": "Drill",
        "legal_last_name": surname,
        "date_of_birth_0": "12",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2017",
        "sex": "F",
        "nc_year": "4",
        "sen_status": "N",
        "looked_after": "no",
        "free_school_meals": "no",
        "pupil_premium": "no",
        "child_protection_plan": "no",
        "child_in_need": "no",
    }


def run(outage_seconds: float = 20.0, warmup_seconds: float = 8.0) -> list[str]:
    with running_stack(workers=3) as stack:
        keys = stack.mint_sessions([ACCOUNT], per_account=4)[ACCOUNT]
        return _drill(stack, keys, outage_seconds, warmup_seconds)


def _probe(stack: Stack, key: str) -> None:
    """One write first, alone: the form must be right before the drill means anything."""
    status, location, body = Client(stack, key).request(
        "POST", "/pupils/add/", pupil_form("Probe", 999)
    )
    if status != 302 or not re.match(r"^/pupils/\d+/$", location):
        errors = re.findall(r'<a href="#[^"]*">([^<]*)</a>', body)
        raise SystemExit(f"the drill's pupil form was refused ({status} {location}): {errors}")


def _seconds_until_a_write(tally: Tally, restarted_at: float) -> float | None:
    """Recovery: how long until a write is acknowledged again, with no restart of
    gunicorn (None if none is within a minute)."""
    deadline = restarted_at + 60
    while time.monotonic() < deadline:
        with tally.lock:
            done = tally.statuses.get("after 302", 0)
        if done:
            return time.monotonic() - restarted_at
        time.sleep(0.2)
    return None


@dataclass
class _Load:
    """Two writers and two readers keep the service busy until `stop` is set; `phase`
    says which part of the drill each answer belongs to."""

    stack: Stack
    tally: Tally = field(default_factory=lambda: Tally())
    phase: list[str] = field(default_factory=lambda: ["before"])
    stop: threading.Event = field(default_factory=threading.Event)
    serials: Iterator[int] = field(default_factory=lambda: iter(range(1, 1000)))
    serial_lock: threading.Lock = field(default_factory=threading.Lock)

    def writer(self, key: str) -> None:
        client, tally = Client(self.stack, key), self.tally
        while not self.stop.is_set():
            with self.serial_lock:
                serial = next(self.serials)
            surname = f"Outage{serial:03d}"
            now = self.phase[0]
            try:
                status, location, body = client.request(
                    "POST", "/pupils/add/", pupil_form(surname, serial)
                )
            except OSError as error:
                with tally.lock:
                    tally.problems.append(f"{now}: no answer to a write ({error})")
                continue
            tally.note(now, status, body, "/pupils/add/")
            if status == 302 and re.match(r"^/pupils/\d+/$", location):
                with tally.lock:
                    tally.acknowledged.append(surname)
            elif now != "outage" and status != 503:
                tally.problems.append(f"{now}: a write answered {status}")
            time.sleep(0.05)

    def reader(self, key: str) -> None:
        client, tally = Client(self.stack, key), self.tally
        turn = 0
        while not self.stop.is_set():
            turn += 1
            path = "/pupils/" if turn % 2 else "/"
            now = self.phase[0]
            try:
                status, _, body = client.request("GET", path)
            except OSError as error:
                with tally.lock:
                    tally.problems.append(f"{now}: no answer to a read ({error})")
                continue
            tally.note(now, status, body, path)
            time.sleep(0.05)


def _drill(
    stack: Stack, keys: list[str], outage_seconds: float, warmup_seconds: float
) -> list[str]:
    load = _Load(stack)
    tally, phase, stop = load.tally, load.phase, load.stop
    _probe(stack, keys[0])

    threads = [threading.Thread(target=load.writer, args=(keys[i],)) for i in (0, 1)]
    threads += [threading.Thread(target=load.reader, args=(keys[i],)) for i in (2, 3)]
    for thread in threads:
        thread.start()
    time.sleep(warmup_seconds)

    stopped_at = time.monotonic()
    phase[0] = "outage"
    stack.stop_postgres("immediate")
    time.sleep(outage_seconds)
    stack.start_postgres()
    restarted_at = time.monotonic()
    phase[0] = "after"

    recovered_after = _seconds_until_a_write(tally, restarted_at)
    time.sleep(warmup_seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    missing = _missing(stack, tally.acknowledged)
    lines = [
        "PostgreSQL stopped with `pg_ctl stop -m immediate` under load, started again",
        f"  writes acknowledged: {len(tally.acknowledged)}; missing afterwards: {len(missing)}",
        f"  database away for {restarted_at - stopped_at:.1f} s; first acknowledged write "
        + (
            f"{recovered_after:.1f} s after it came back"
            if recovered_after is not None
            else "NEVER"
        ),
        "  answers by phase: "
        + ", ".join(f"{key}: {count}" for key, count in sorted(tally.statuses.items())),
        f"  gunicorn restarted: no (the same master, pid {stack.web.pid if stack.web else '?'})",
    ]
    failures = list(tally.problems)
    if missing:
        failures.append(f"acknowledged writes missing: {missing[:10]}")
    if recovered_after is None:
        failures.append("the application did not recover within 60 s of the database's return")
    if not tally.statuses.get("outage 503"):
        failures.append("no service-unavailable page was seen during the outage")
    if stack.web is None or stack.web.poll() is not None:
        failures.append("gunicorn stopped during the drill")
    lines += [f"  FAIL: {failure}" for failure in failures] or ["  PASS"]
    return lines


def _missing(stack: Stack, surnames: list[str]) -> list[str]:
    import json
    import subprocess  # nosec B404

    from drills.stack import PYTHON, ROOT

    script = (
        "import json, sys, django; django.setup()\n"
        "from apcase.pupils.models import Pupil\n"
        "wanted = set(json.loads(sys.argv[1]))\n"
        "found = set(Pupil.objects.filter(legal_last_name__in=wanted).values_list('legal_last_name', flat=True))\n"
        "print(json.dumps(sorted(wanted - found)))\n"
    )
    done = subprocess.run(  # nosec B603
        [PYTHON, "-c", script, json.dumps(surnames)],
        cwd=ROOT,
        env=stack.env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    for line in run():
        print(line)
