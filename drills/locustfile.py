"""The load drill's simulated users (locust): people of each role going through their
day. Each user signs in (a minted session, see drills/stack.py), opens their home page,
then moves as a person would: to one of their main pages, then along a link on the page
in front of them, with a few seconds' thought between clicks. School staff also add a
pupil now and then (a real write through the service layer).

Every link a page offers must open: a 403, 404 or 500 on a link the service itself
showed is counted as an error, as is any answer slower than locust's timeout.

Configured by the environment that `drills/load.py` sets: APCASE_DRILL_SESSIONS (a JSON
file of role → session keys), APCASE_DRILL_CSRF (the CSRF secret those sessions carry).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from typing import ClassVar

from locust import HttpUser, between, task

from drills import people
from drills.pg_outage import pupil_form

_SESSIONS: dict[str, list[str]] = json.loads(
    open(os.environ["APCASE_DRILL_SESSIONS"], encoding="utf-8").read()  # noqa: SIM115
)
_CSRF = os.environ["APCASE_DRILL_CSRF"]
_COUNTERS = {role: itertools.count() for role in _SESSIONS}
_SERIAL = itertools.count(1)
_LOCK = threading.Lock()

LINK = re.compile(r'href="(/[^"#?]*)"')
# Links a person would not follow during the drill: their own account pages, static
# files, and downloads whose size says nothing about the service's pace.
SKIP = re.compile(r"^/(account/|static/|media/)|\.(css|js|svg|ico|png|pdf|csv)$")


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    account: ClassVar[str] = ""
    start_pages: ClassVar[list[str]] = ["/"]

    def on_start(self) -> None:
        with _LOCK:
            keys = _SESSIONS[self.account]
            key = keys[next(_COUNTERS[self.account]) % len(keys)]
        host = self.host or ""
        secure_origin = host.replace("http://", "https://")
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "Origin": secure_origin,
                "Referer": f"{secure_origin}/",
                "Cookie": f"__Host-apcase-session={key}; __Host-apcase-csrf={_CSRF}",
            }
        )
        self.links: list[str] = []
        self.open("/")

    def open(self, path: str, name: str | None = None) -> None:
        with self.client.get(path, name=name or _group(path), catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {path}")
                return
            if "/account/sign-in/" in response.url:
                response.failure(f"signed out on {path}")
                return
            self.links = [link for link in LINK.findall(response.text) if not SKIP.search(link)]

    @task(3)
    def main_page(self) -> None:
        self.open(random.choice(self.start_pages))  # noqa: S311 - simulated clicks

    @task(6)
    def follow_a_link(self) -> None:
        if not self.links:
            self.open("/")
            return
        self.open(random.choice(self.links))  # noqa: S311 - simulated clicks


class InclusionLead(Person):
    weight = 4
    account = people.INCLUSION_LEAD
    start_pages: ClassVar[list[str]] = ["/", "/pupils/", "/referrals/", "/monitoring/absences/"]

    @task(1)
    def add_a_pupil(self) -> None:
        with _LOCK:
            serial = next(_SERIAL) % 1000
        form = {**pupil_form(f"Load{serial:03d}", serial), "csrfmiddlewaretoken": _CSRF}
        with self.client.post(
            "/pupils/add/",
            data=form,
            name="/pupils/add/ (write)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"adding a pupil answered {response.status_code}")


class Headteacher(Person):
    weight = 2
    account = people.HEADTEACHER
    start_pages: ClassVar[list[str]] = ["/", "/pupils/", "/referrals/"]


class ProviderStaff(Person):
    weight = 4
    account = people.PROVIDER_STAFF
    start_pages: ClassVar[list[str]] = ["/", "/monitoring/register/", "/pupils/"]


class PanelChair(Person):
    weight = 2
    account = people.PANEL_CHAIR
    start_pages: ClassVar[list[str]] = ["/", "/panel/", "/referrals/"]


class LAOfficer(Person):
    weight = 2
    account = people.LA_OFFICER
    start_pages: ClassVar[list[str]] = ["/", "/referrals/", "/providers/", "/pupils/"]


def _group(path: str) -> str:
    """Report /pupils/12/ and /pupils/13/ as one line: /pupils/<id>/."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)
