"""The provider directory counts its providers and picks a page of them without their
assurance records, and reads the assurance (`with_assurance`) of the page's providers
only, joining the records for the whole list only when it is filtered by assurance. For
any providers (registered or not, with a profile or only a URN or neither, records
expired, expiring or in date at each boundary or missing, a latest inspection of either
scale, good or not, open or closed, with services or none) and every assurance filter,
with closed providers or without, the pages show the same providers, in the same order,
with the same assurance and services as `with_assurance` over the whole list gave."""

import re
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.tests.factories import LocalAuthorityFactory
from apcase.directory.assurance import Status, annotated_reasons, with_assurance
from apcase.referrals.tests.factories import person
from conftest import sign_in

from . import strategies

URL = reverse("directory:provider_list")
FILTERS = ["", *Status.values, "not_assured"]

providers = strategies.providers(
    record_days=[-1, 0, 30, 31, 400], inspected=2, max_size=5, closed_and_services=True
)


def _make(la: Organisation, specs: list[dict]) -> None:  # type: ignore[type-arg]
    today = timezone.localdate()
    for n, spec in enumerate(specs):
        # the same name more than once: ordered then by pk
        strategies.make_provider(la, n, spec, today, name=f"Provider {n % 3}")


def _as_it_was(la: Organisation, assurance: str, closed: bool) -> list[tuple[str, ...]]:
    """The rows the list showed when it read every provider with `with_assurance`."""
    found = Organisation.objects.filter(local_authority=la, kind=OrganisationKind.PROVIDER)
    if not closed:
        found = found.filter(status=Organisation.Status.OPEN)
    found = with_assurance(found, today=timezone.localdate())
    if assurance == "not_assured":
        found = found.filter(not_assured=True)
    elif assurance:
        found = found.filter(assurance_status=assurance)
    rows = []
    for p in found.order_by("name", "pk"):
        words = str(Status(p.assurance_status).label)
        if p.not_assured:
            reasons = "; ".join(annotated_reasons(p))
            words += " Not assured" + (f" ({reasons})" if reasons else "")
        services = ", ".join(sorted(s.name for s in p.provider_services.all())) or "None listed"
        rows.append((p.name, words, services))
    return rows


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _shown(client: Client, assurance: str, closed: bool) -> list[tuple[str, ...]]:
    """Every row of every page of the list, as (name, assurance, services)."""
    rows: list[tuple[str, ...]] = []
    query = {"assurance": assurance, **({"closed": "yes"} if closed else {})}
    for page in range(1, 10):
        response = client.get(URL, {**query, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
        for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S):
            cells = re.findall(r'<td class="govuk-table__cell"[^>]*>(.*?)</td>', row, re.S)
            if len(cells) == 5:
                name = re.search(r'<a class="govuk-link" href="[^"]+">([^<]+)</a>', cells[0])
                assert name is not None
                rows.append((name.group(1), _text(cells[3]), _text(cells[4])))
        if 'rel="next"' not in html:
            return rows
    raise AssertionError("more pages than providers")


class TestTheListShowsWhatWithAssuranceGave(TestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs=providers)
    def test_every_filter_shows_the_same_rows(self, specs):
        la = LocalAuthorityFactory()
        _make(la, specs)
        client = sign_in(Client(), person(Role.LA_OFFICER, la))
        with mock.patch("apcase.core.pagination.PAGE_SIZE", 2):  # more than one page
            for assurance in FILTERS:
                for closed in (False, True):
                    assert _shown(client, assurance, closed) == _as_it_was(la, assurance, closed)
