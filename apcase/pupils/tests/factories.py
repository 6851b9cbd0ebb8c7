import datetime

import factory

from apcase.accounts.tests.factories import SchoolFactory
from apcase.pupils.models import Carer, Exclusion, Pupil
from apcase.pupils.upn import with_check_letter


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(lambda n: with_check_letter(f"826202625{n % 1000:03d}"))
    legal_first_name = factory.Sequence(lambda n: f"Robin{n}")
    legal_last_name = "Example"
    date_of_birth = datetime.date(2016, 3, 4)
    sex = "F"
    nc_year = "5"


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    pupil = factory.SubFactory(PupilFactory)
    name = factory.Sequence(lambda n: f"Jordan Example {n}")
    relationship = "Parent"
    parental_responsibility = True
    lives_with_pupil = True


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exclusion

    pupil = factory.SubFactory(PupilFactory)
    kind = "suspension"
    start_date = datetime.date(2026, 9, 14)
    length_days = 2
    reason_1 = "DB"
