"""Demo placements: what the daily watch shows.

- Every demo placement names the directory sites where the pupil is taught (the panel
  and monitoring demos record the site by name; here it is matched to the provider's
  directory entry).
- Reuben Marsh's placement at the PRU passed its planned end date three days ago and
  nobody has ended or extended it: he is still on the PRU's register, and the named
  staff member and the inclusion lead see "Placement past its end date" on their home
  pages (and by email from `check_placements`).

Tyler's emergency placement (panel demo) is on Bridge Academy's register every weekday
session until its full plan is agreed. Idempotent."""

import datetime

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.directory.models import Site
from apcase.placements.models import (
    Placement,
    PlacementAgreement,
    PlacementObjective,
    PlacementSession,
)
from apcase.pupils.models import Pupil
from apcase.pupils.upn import with_check_letter


def seed(organisations: dict[str, Organisation]) -> None:
    _name_sites()
    _past_its_end(organisations)


def _name_sites() -> None:
    for placement in Placement.objects.filter(sites__isnull=True).exclude(site=""):
        names = [name.strip() for name in placement.site.split(",")]
        sites = list(Site.objects.filter(organisation=placement.provider, name__in=names))
        if sites:
            placement.sites.set(sites)


def _past_its_end(organisations: dict[str, Organisation]) -> None:
    staff = User.objects.filter(email="staff@heronsgate.example").first()
    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    pru = organisations["pru"]
    if staff is None or lead is None:
        return
    pupil, _ = Pupil.objects.update_or_create(
        upn=with_check_letter("826234517103"),
        defaults={
            "school": organisations["school"],
            "legal_first_name": "Reuben",
            "legal_last_name": "Marsh",
            "date_of_birth": datetime.date(2016, 5, 19),
            "sex": "M",
            "nc_year": "5",
        },
    )
    if Placement.objects.filter(pupil=pupil).exists():
        return
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=12)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=pru,
        site="Romans Field Site",
        status=Placement.Status.ACTIVE,
        start_date=start,
        planned_end_date=today - datetime.timedelta(days=3),
        sessions_per_week=3,
        arranged_by=Placement.ArrangedBy.SCHOOL,
        commissioning_power=Placement.CommissioningPower.SCHOOL_ARRANGED,
        dual_registered=True,
        named_staff_member=staff,
        first_review_date=start + datetime.timedelta(weeks=6),
        transport="Parent drives",
        funding="£55 a session from the school's AP budget",
    )
    placement.sites.set(Site.objects.filter(organisation=pru, name="Romans Field Site"))
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=day, session="am") for day in (0, 2, 4)
    )
    PlacementObjective.objects.create(
        placement=placement,
        what="Return to class for three mornings a week",
        baseline="In class one morning a week",
        target="Three mornings a week with his key adult",
        measured_by="Heronsgate's register and the provider's report",
    )
    for party, name in (
        ("school", "Amara Okafor"),
        ("parent", "Dana Marsh"),
        ("provider", "Kwame Asante"),
    ):
        PlacementAgreement.objects.create(
            placement=placement,
            party=party,
            agreed_by_name=name,
            agreed_on=start - datetime.timedelta(days=3),
            plan_version=1,
            recorded_by=lead,
        )
