"""The inclusion lead's home page works out which providers where the school's pupils
are placed are "not assured", and which assurance is lapsing, from the records it read
(`selectors.assurance_where_placed`, the Python twin of `with_assurance`). For any
providers (registered or not, with a profile or only a URN or neither, vetting in date,
expired or missing, a latest inspection of either scale, good or not) it names the same
providers `with_assurance` flags in the database, and the same lapsing records
`lapsing_assurance` finds."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from apcase.accounts.models import Organisation
from apcase.accounts.tests.factories import LocalAuthorityFactory, SchoolFactory
from apcase.directory.assurance import with_assurance
from apcase.directory.selectors import assurance_where_placed, lapsing_assurance
from apcase.placements.tests.factories import make_placement

from . import strategies

TODAY = datetime.date(2026, 3, 10)

providers = strategies.providers(record_days=[-400, -1, 0, 30, 31, 400], inspected=3, max_size=4)


class TestAssuranceWherePlaced(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(providers=providers)
    def test_the_same_providers_and_records_as_the_database_rules(self, providers):
        la = LocalAuthorityFactory()
        school = SchoolFactory(local_authority=la)
        for n, spec in enumerate(providers):
            provider = strategies.make_provider(la, n, spec, TODAY)
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
