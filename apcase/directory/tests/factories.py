from datetime import date

import factory

from apcase.accounts.tests.factories import ProviderFactory
from apcase.directory.models import AssuranceKind, AssuranceRecord, ProviderProfile, Registration


class ProviderProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderProfile

    organisation = factory.SubFactory(ProviderFactory)
    registration = Registration.REGISTERED


class AssuranceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssuranceRecord

    organisation = factory.SubFactory(ProviderFactory)
    kind = AssuranceKind.INSURANCE
    received_on = date(2025, 1, 1)
    expires_on = date(2030, 1, 1)
    undertakes_to_report_changes = factory.LazyAttribute(lambda o: o.kind == AssuranceKind.VETTING)


def assure_fully(provider, *, expires_on, today=None):  # type: ignore[no-untyped-def]
    """Give `provider` one record of every kind, all expiring on `expires_on`."""
    for kind in AssuranceKind.values:
        AssuranceRecordFactory(
            organisation=provider, kind=kind, received_on=date(2020, 1, 1), expires_on=expires_on
        )
