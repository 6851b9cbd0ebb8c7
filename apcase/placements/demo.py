"""Demo placements: what the daily watch shows.

- Every demo placement names the directory sites where the pupil is taught (the panel
  and monitoring demos record the site by name; here it is matched to the provider's
  directory entry).
- Reuben Marsh's placement at the PRU passed its planned end date three days ago and
  nobody has ended or extended it: he is still on the PRU's register, and the named
  staff member and the inclusion lead see "Placement past its end date" on their home
  pages (and by email from `check_placements`).

- Five invented Heronsgate pupils are planned to start at the directory demo's
  unregistered tuition service: three every session (27.5 taught hours a week), one four
  full days (22 hours: full time though not every session) and one three mornings (9
  hours: part time). Four full-time pupils is one short of the registration threshold,
  so the LA's officers see it on their home page and the directory page warns.

- Isla Brennan's plan puts her on a part-time timetable (mornings at the PRU, the
  afternoons at neither) and her mother agreed to it on a signed form, uploaded (an
  invented one-page PDF); Rhys Calder's placement at Bridge Academy was planned to start
  three days ago and nobody has recorded that it started.

Tyler's emergency placement (panel demo) is on Bridge Academy's register every weekday
session until its full plan is agreed. Idempotent."""

import datetime
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.selectors import holders
from apcase.directory.models import Site
from apcase.placements.models import (
    Placement,
    PlacementAgreement,
    PlacementObjective,
    PlacementSession,
)
from apcase.pupils.models import Carer, Pupil
from apcase.pupils.upn import with_check_letter

from . import services, workflow


def seed(organisations: dict[str, Organisation]) -> None:
    _threshold(organisations)
    _name_sites()
    _past_its_end(organisations)
    _every_plan_feature(organisations)


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
    Carer.objects.get_or_create(
        pupil=pupil,
        name="Dana Marsh",
        defaults={
            "relationship": "Mother",
            "parental_responsibility": True,
            "lives_with_pupil": True,
            "phone": "07700 900461",
            "email": "dana.marsh@example.com",
            "address": "14 Fennel Drive, Milton Keynes MK4 2XX",
            "preferred_contact_method": "phone",
        },
    )
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
    agree_plan(
        placement,
        objectives=[
            (
                "Return to class for three mornings a week",
                "In class one morning a week",
                "Three mornings a week with his key adult",
                "Heronsgate's register and the provider's report",
            )
        ],
        agreed_by=[
            ("school", "Amara Okafor"),
            ("parent", "Dana Marsh"),
            ("provider", "Kwame Asante"),
        ],
        on=start - datetime.timedelta(days=3),
        recorded_by=lead,
    )


def agree_plan(
    placement: Placement,
    *,
    objectives: list[tuple[str, str, str, str]],
    agreed_by: list[tuple[str, str]],
    on: datetime.date,
    recorded_by: User,
) -> None:
    """Give a demo placement its objectives (what, baseline, target, measured by) and
    record who agreed to the first version of its plan (party, name), on `on`."""
    for what, baseline, target, measured_by in objectives:
        PlacementObjective.objects.create(
            placement=placement,
            what=what,
            baseline=baseline,
            target=target,
            measured_by=measured_by,
        )
    for party, name in agreed_by:
        PlacementAgreement.objects.create(
            placement=placement,
            party=party,
            agreed_on=on,
            plan_version=1,
            recorded_by=recorded_by,
            **_who_agreed(placement, party, name),
        )


def _who_agreed(placement: Placement, party: str, name: str) -> dict[str, Any]:
    """The demo's agreement as the pages make it: a parent is one of the pupil's carers
    with parental responsibility (met in person), the provider one of its own users."""
    if party == PlacementAgreement.Party.PARENT:
        carer = (
            placement.pupil.carers.filter(parental_responsibility=True)
            .order_by("-lives_with_pupil", "priority")
            .first()
        )
        if carer is not None:
            return {
                "agreed_by_name": carer.name,
                "carer": carer,
                "how": PlacementAgreement.How.IN_PERSON,
            }
    if party == PlacementAgreement.Party.PROVIDER:
        user = next(iter(holders(placement.provider, [Role.PROVIDER_MANAGER])), None)
        if user is not None:
            return {"agreed_by_name": user.full_name, "agreed_by_user": user}
    return {"agreed_by_name": name}


# (first name, last name, date of birth, sex, weekly sessions at the provider)
EVERY_SESSION = {(d, s) for d in range(5) for s in ("am", "pm")}
THRESHOLD_PUPILS: list[tuple[str, str, date, str, set[tuple[int, str]]]] = [
    ("Callum", "Ridgeway", date(2015, 10, 3), "M", EVERY_SESSION),
    ("Esme", "Hartwell", date(2015, 11, 21), "F", EVERY_SESSION),
    ("Tobias", "Kerrigan", date(2016, 1, 9), "M", EVERY_SESSION),
    ("Nia", "Fairbrook", date(2015, 12, 14), "F", {(d, s) for d in range(4) for s in ("am", "pm")}),
    ("Oscar", "Pennington", date(2016, 2, 2), "M", {(0, "am"), (2, "am"), (4, "am")}),
]


def _threshold(organisations: dict[str, Organisation]) -> None:
    """Five invented Heronsgate pupils planned to start at the directory demo's tuition
    service, arranged through the placements workflow by the headteacher. A pupil who
    already has an open placement is left alone, so running it twice adds nothing."""
    tuition = Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER, name="Brightpath Tuition (demo)", urn=None
    ).first()
    if tuition is None:
        return
    school = organisations["school"]
    head: Any = User.objects.filter(
        memberships__organisation=school, memberships__role=Role.HEADTEACHER
    ).first()
    if head is None:
        return
    start = timezone.localdate() + timedelta(days=21)
    for number, (first, last, born, sex, sessions) in enumerate(THRESHOLD_PUPILS, start=1):
        pupil, _ = Pupil.objects.update_or_create(
            upn=with_check_letter(f"8262345220{number:02d}"),
            defaults={
                "school": school,
                "legal_first_name": first,
                "legal_last_name": last,
                "date_of_birth": born,
                "sex": sex,
                "nc_year": "6",
            },
        )
        if Placement.objects.filter(pupil=pupil).exclude(status=Placement.Status.ENDED).exists():
            continue
        placement = workflow.create_planned_placement(
            by=head,
            pupil=pupil,
            terms=workflow.PlacementTerms(
                provider=tuition,
                start_date=start,
                sessions_per_week=len(sessions),
                first_review_date=start + timedelta(weeks=6),
                site="Example Business Park",
            ),
        )
        services.set_timetable(placement, by=head, sessions=sessions)


def _demo_pupil(school: Organisation, upn: str, first: str, last: str, sex: str) -> Pupil:
    pupil, _ = Pupil.objects.update_or_create(
        upn=with_check_letter(upn),
        defaults={
            "school": school,
            "legal_first_name": first,
            "legal_last_name": last,
            "date_of_birth": date(2016, 4, 2),
            "sex": sex,
            "nc_year": "5",
        },
    )
    return pupil


def _every_plan_feature(organisations: dict[str, Organisation]) -> None:
    """A part-time timetable agreed by a parent's signed form, and a placement still
    planned after its start date (module docstring). Skipped once each pupil has one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apcase.directory.demo import tiny_pdf

    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    staff = User.objects.filter(email="staff@heronsgate.example").first()
    if lead is None or staff is None:
        return
    school, today = organisations["school"], timezone.localdate()
    isla = _demo_pupil(school, "826234517104", "Isla", "Brennan", "F")
    if not Placement.objects.filter(pupil=isla).exists():
        mother, _ = Carer.objects.get_or_create(
            pupil=isla,
            name="Leanne Brennan",
            defaults={
                "relationship": "Mother",
                "parental_responsibility": True,
                "lives_with_pupil": True,  # a part-time timetable needs her agreement
                "address": "3 Larkspur Close, Milton Keynes MK4 2YY",
            },
        )
        start = today - timedelta(weeks=3)
        placement = _placement(isla, organisations["pru"], start, staff, mornings=True)
        agree_plan(
            placement,
            objectives=[("Settle into mornings", "Not attending", "Every morning", "Register")],
            agreed_by=[("school", "Amara Okafor"), ("provider", "Kwame Asante")],
            on=start - timedelta(days=2),
            recorded_by=lead,
        )
        form = tiny_pdf("Placement agreement signed by Leanne Brennan (invented)")
        services.record_agreement(
            placement,
            by=lead,
            details=services.AgreementDetails(
                party=PlacementAgreement.Party.PARENT,
                agreed_on=start - timedelta(days=2),
                carer=mother,
                how=PlacementAgreement.How.SIGNED_FORM,
                signed_form=SimpleUploadedFile("signed-agreement.pdf", form, "application/pdf"),
            ),
        )
    rhys = _demo_pupil(school, "826234517105", "Rhys", "Calder", "M")
    if not Placement.objects.filter(pupil=rhys).exists():
        _placement(rhys, organisations["bridge"], today - timedelta(days=3), staff, mornings=False)


def _placement(
    pupil: Pupil, provider: Organisation, start: date, staff: User, *, mornings: bool
) -> Placement:
    """Mornings only, active, on a part-time timetable; or every session, still planned."""
    sessions = {(d, s) for d in range(5) for s in (("am",) if mornings else ("am", "pm"))}
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        status=Placement.Status.ACTIVE if mornings else Placement.Status.PLANNED,
        started_at=timezone.now() - (timezone.localdate() - start) if mornings else None,
        start_date=start,
        planned_end_date=start + timedelta(weeks=10),
        first_review_date=start + timedelta(weeks=6),
        sessions_per_week=len(sessions),
        arranged_by=Placement.ArrangedBy.SCHOOL,
        commissioning_power=Placement.CommissioningPower.SCHOOL_ARRANGED,
        dual_registered=True,
        part_time_timetable=mornings,
        named_staff_member=staff,
    )
    placement.sites.set(Site.objects.filter(organisation=provider, is_main=True))
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=d, session=s) for d, s in sessions
    )
    return placement
