"""The provider directory counts its providers and picks a page of them without their
assurance records, and reads the assurance (`with_assurance`) of the page's providers
only, joining the records for the whole list only when it is filtered by assurance. For
any providers (registered or not, with a profile or only a URN or neither, records
expired, expiring or in date at each boundary or missing, a latest inspection of either
scale, good or not, open or closed, with services or none) and every assurance filter,
with closed providers or without, the pages show the same providers, in the same order,
with the same assurance and services as `with_assurance` over the whole list gave."""

import datetime
import re
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.tests.factories import LocalAuthorityFactory, ProviderFactory
from apcase.directory.assurance import Status, annotated_reasons, with_assurance
from apcase.directory.models import (
    AssuranceKind,
    Inspection,
    ProviderService,
    Registration,
    ServiceCategory,
)
from apcase.directory.ofsted import LegacyGrade, Scale
from apcase.referrals.tests.factories import person
from conftest import sign_in

from .factories import AssuranceRecordFactory, ProviderProfileFactory

URL = reverse("directory:provider_list")
FILTERS = ["", *Status.values, "not_assured"]

inspections = st.lists(
    st.tuples(
        st.integers(min_value=-900, max_value=-1),  # inspected this many days ago
        st.sampled_from(
            [(Scale.LEGACY, grade, None) for grade in LegacyGrade.values]
            + [(Scale.REPORT_CARD, "", met) for met in (True, False)]
        ),
    ),
    max_size=2,
    unique_by=lambda x: (x[0], x[1][0]),
)
providers = st.lists(
    st.fixed_dictionaries(
        {
            # a profile saying registered or not, or no profile with or without a URN
            "registration": st.sampled_from(["registered", "unregistered", "urn", "neither"]),
            # each kind's records: expiring this many days from today
            "records": st.lists(
                st.tuples(
                    st.sampled_from(AssuranceKind.values),
                    st.sampled_from([-1, 0, 30, 31, 400]),
                ),
                max_size=5,
            ),
            "inspections": inspections,
            "closed": st.booleans(),
            "services": st.lists(
                st.sampled_from(["Tutoring", "Art therapy", "Boxing"]), unique=True
            ),
        }
    ),
    min_size=1,
    max_size=5,
)


def _make(la: Organisation, specs: list[dict]) -> None:  # type: ignore[type-arg]
    today = timezone.localdate()
    for n, spec in enumerate(specs):
        provider = ProviderFactory(
            local_authority=la,
            name=f"Provider {n % 3}",  # the same name more than once: ordered then by pk
            urn=900000 + n if spec["registration"] == "urn" else None,
            status=Organisation.Status.CLOSED if spec["closed"] else Organisation.Status.OPEN,
        )
        if spec["registration"] in ("registered", "unregistered"):
            ProviderProfileFactory(
                organisation=provider,
                registration=Registration.REGISTERED
                if spec["registration"] == "registered"
                else Registration.UNREGISTERED,
            )
        for kind, days in spec["records"]:
            AssuranceRecordFactory(
                organisation=provider, kind=kind, expires_on=today + datetime.timedelta(days=days)
            )
        for days_ago, (scale, grade, met) in spec["inspections"]:
            Inspection.objects.create(
                organisation=provider,
                scale=scale,
                overall_grade=grade,
                safeguarding_met=met,
                inspected_on=today + datetime.timedelta(days=days_ago),
            )
        for name in spec["services"]:
            ProviderService.objects.create(
                organisation=provider, category=ServiceCategory.values[0], name=name
            )


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
