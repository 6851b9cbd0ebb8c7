"""Generated providers for the directory's hypothesis tests: how each says it is
registered, its assurance records by days to expiry, its inspections, and, where a test
asks, whether it has closed and the services it lists. `make_provider` writes one."""

import datetime
from typing import Any

from hypothesis import strategies as st

from apcase.accounts.models import Organisation
from apcase.accounts.tests.factories import ProviderFactory
from apcase.directory.models import (
    AssuranceKind,
    Inspection,
    ProviderService,
    Registration,
    ServiceCategory,
)
from apcase.directory.ofsted import LegacyGrade, Scale

from .factories import AssuranceRecordFactory, ProviderProfileFactory


def inspections(max_size: int) -> st.SearchStrategy[list[tuple[int, tuple[str, str, Any]]]]:
    """Up to `max_size` inspections, each this many days ago on either scale, one a day
    and scale."""
    return st.lists(
        st.tuples(
            st.integers(min_value=-900, max_value=-1),  # inspected this many days ago
            st.sampled_from(
                [(Scale.LEGACY, grade, None) for grade in LegacyGrade.values]
                + [(Scale.REPORT_CARD, "", met) for met in (True, False)]
            ),
        ),
        max_size=max_size,
        unique_by=lambda x: (x[0], x[1][0]),
    )


def providers(
    *, record_days: list[int], inspected: int, max_size: int, closed_and_services: bool = False
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of providers to write with `make_provider`: each kind's records expiring
    one of `record_days` days from today."""
    spec: dict[str, st.SearchStrategy[Any]] = {
        # a profile saying registered or not, or no profile with or without a URN
        "registration": st.sampled_from(["registered", "unregistered", "urn", "neither"]),
        "records": st.lists(
            st.tuples(st.sampled_from(AssuranceKind.values), st.sampled_from(record_days)),
            max_size=5,
        ),
        "inspections": inspections(inspected),
    }
    if closed_and_services:
        spec["closed"] = st.booleans()
        spec["services"] = st.lists(
            st.sampled_from(["Tutoring", "Art therapy", "Boxing"]), unique=True
        )
    return st.lists(st.fixed_dictionaries(spec), min_size=1, max_size=max_size)


def make_provider(
    la: Organisation, n: int, spec: dict[str, Any], today: datetime.date, **fields: Any
) -> Organisation:
    """The `n`th generated provider of `la`, with its profile, records, inspections and
    services as `spec` says, dates counted from `today`."""
    provider = ProviderFactory(
        local_authority=la,
        urn=900000 + n if spec["registration"] == "urn" else None,
        status=Organisation.Status.CLOSED if spec.get("closed") else Organisation.Status.OPEN,
        **fields,
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
    for name in spec.get("services", ()):
        ProviderService.objects.create(
            organisation=provider, category=ServiceCategory.values[0], name=name
        )
    return provider
