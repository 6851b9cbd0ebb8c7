"""The inclusion lead's home page works out which providers where the school's pupils
are placed are "not assured", and which assurance is lapsing, from the records it read
(`selectors.assurance_where_placed`, the Python twin of `with_assurance`). For any
providers (registered or not, with a profile or only a URN or neither, vetting in date,
expired or missing, a latest inspection of either scale, good or not) it names the same
providers `with_assurance` flags in the database, and the same lapsing records
`lapsing_assurance` finds."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from apcase.accounts.models import Organisation
from apcase.accounts.tests.factories import LocalAuthorityFactory, ProviderFactory, SchoolFactory
from apcase.directory.assurance import with_assurance
from apcase.directory.models import AssuranceKind, Inspection, Registration
from apcase.directory.ofsted import LegacyGrade, Scale
from apcase.directory.selectors import assurance_where_placed, lapsing_assurance
from apcase.placements.tests.factories import make_placement

from .factories import AssuranceRecordFactory, ProviderProfileFactory

TODAY = datetime.date(2026, 3, 10)

inspections = st.lists(
    st.tuples(
        st.integers(min_value=-900, max_value=-1),  # inspected this many days ago
        st.sampled_from(
            [(Scale.LEGACY, grade, None) for grade in LegacyGrade.values]
            + [(Scale.REPORT_CARD, "", met) for met in (True, False)]
        ),
    ),
    max_size=3,
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
                    st.sampled_from([-400, -1, 0, 30, 31, 400]),
                ),
                max_size=5,
            ),
            "inspections": inspections,
        }
    ),
    min_size=1,
    max_size=4,
)


class TestAssuranceWherePlaced(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(providers=providers)
    def test_the_same_providers_and_records_as_the_database_rules(self, providers):
        la = LocalAuthorityFactory()
        school = SchoolFactory(local_authority=la)
        for n, spec in enumerate(providers):
            urn = 900000 + n if spec["registration"] == "urn" else None
            provider = ProviderFactory(local_authority=la, urn=urn)
            if spec["registration"] in ("registered", "unregistered"):
                ProviderProfileFactory(
                    organisation=provider,
                    registration=Registration.REGISTERED
                    if spec["registration"] == "registered"
                    else Registration.UNREGISTERED,
                )
            for kind, days in spec["records"]:
                AssuranceRecordFactory(
                    organisation=provider,
                    kind=kind,
                    expires_on=TODAY + datetime.timedelta(days=days),
                )
            for days_ago, (scale, grade, met) in spec["inspections"]:
                Inspection.objects.create(
                    organisation=provider,
                    scale=scale,
                    overall_grade=grade,
                    safeguarding_met=met,
                    inspected_on=TODAY + datetime.timedelta(days=days_ago),
                )
            make_placement(school, provider)

        found = assurance_where_placed([school.pk], today=TODAY)

        placed = Organisation.objects.filter(
            pk__in=[p.pk for p in Organisation.objects.filter(placements__pupil__school=school)]
        )
        flagged = (
            with_assurance(placed, today=TODAY).filter(not_assured=True).order_by("name", "pk")
        )
        assert [p.pk for p in found.not_assured] == [p.pk for p in flagged]
        expected = lapsing_assurance(today=TODAY, school_ids=[school.pk])
        assert [(i.provider.pk, i.record.pk, i.state, i.schools) for i in found.lapsing] == [
            (i.provider.pk, i.record.pk, i.state, i.schools) for i in expected
        ]
