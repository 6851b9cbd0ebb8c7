"""Demo monitoring: two Heronsgate pupils in active placements, one at each provider,
with six weeks of provider registers, weekly check-ins, a logged visit and open
follow-ups. The panel demo's own placements are left alone (these are other pupils).
Idempotent: a pupil who already has a placement is not seeded again.

Who codes what: Maya is dual registered at the PRU, so every session there is D for
Heronsgate (her unexplained absence still raised a follow-up). Jayden's place at Bridge
Academy was arranged by the LA (K) without dual registration, for a recorded reason; the
school has coded his reported absences, all but one: the single entry in Heronsgate's
"absences to code" queue, shown as N until someone codes it."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.monitoring.models import (
    AttendanceMark,
    CheckIn,
    FollowUpTask,
    RegisterSubmission,
    Visit,
)
from apcase.placements.demo import agree_plan
from apcase.placements.models import (
    Placement,
    PlacementSession,
)
from apcase.pupils.models import Pupil
from apcase.pupils.upn import with_check_letter

WEEKS = 6

PUPILS: list[dict[str, Any]] = [
    {
        "upn": with_check_letter("826234517101"),
        "legal_first_name": "Maya",
        "legal_last_name": "Okafor",
        "date_of_birth": datetime.date(2016, 2, 11),
        "sex": "F",
        "nc_year": "5",
        "provider": "pru",
        "site": "Romans Field Site",
        "arranged_by": "school",
        "commissioning_power": "school_ap",
        "dual_registered": True,
        "dual_registration_reason": "",
        "sessions": {(d, "am") for d in range(5)},
        # session index: (what the provider recorded, the home school's code)
        "absences": {
            2: ("absent_illness", ""),
            9: ("absent_no_reason", ""),
            17: ("absent_no_reason", ""),
        },
    },
    {
        "upn": with_check_letter("826234517102"),
        "legal_first_name": "Jayden",
        "legal_last_name": "Price",
        "date_of_birth": datetime.date(2015, 7, 30),
        "sex": "M",
        "nc_year": "6",
        "provider": "bridge",
        "site": "Coffee Hall",
        "arranged_by": "la",
        "commissioning_power": "s19",
        "dual_registered": False,
        "dual_registration_reason": "A short LA-arranged place while his EHC needs assessment "
        "is done: he stays on Heronsgate's roll only, as agreed with his parents.",
        "sessions": {(d, s) for d in range(5) for s in ("am", "pm")},
        "absences": {
            4: ("absent_medical", "M"),
            21: ("absent_illness", "I"),
            22: ("absent_illness", "I"),
            40: ("absent_no_reason", ""),
        },
    },
]


def _weekdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day < end:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def seed(organisations: dict[str, Organisation]) -> None:
    school = organisations["school"]
    staff = User.objects.filter(email="staff@heronsgate.example").first()
    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    if staff is None or lead is None:
        return
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday(), weeks=WEEKS)
    for entry in PUPILS:
        values = dict(entry)
        provider = organisations[values.pop("provider")]
        demo = DemoPlacement(
            provider=provider,
            site=values.pop("site"),
            arranged_by=values.pop("arranged_by"),
            sessions=values.pop("sessions"),
            absences=values.pop("absences"),
            registration={
                name: values.pop(name)
                for name in ("commissioning_power", "dual_registered", "dual_registration_reason")
            },
        )
        upn = values.pop("upn")
        pupil, _ = Pupil.objects.update_or_create(upn=upn, defaults={"school": school, **values})
        if Placement.objects.filter(pupil=pupil).exists():
            continue
        _seed_placement(pupil, demo, start, today, staff=staff, lead=lead)


def _provider_user(provider: Organisation) -> Any:
    return User.objects.filter(memberships__organisation=provider).order_by("pk").first()


@dataclass(frozen=True)
class DemoPlacement:
    """One demo pupil's placement: where, the half-days a week, the sessions missed
    (session index: what the provider recorded, the home school's code) and how the
    pupil is registered."""

    provider: Organisation
    site: str
    arranged_by: str
    sessions: set[tuple[int, str]]
    absences: dict[int, tuple[str, str]]
    registration: dict[str, str | bool]


def _seed_placement(
    pupil: Any,
    demo: DemoPlacement,
    start: datetime.date,
    today: datetime.date,
    *,
    staff: Any,
    lead: Any,
) -> None:
    provider, sessions, absences = demo.provider, demo.sessions, demo.absences
    marker = _provider_user(provider) or lead
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        site=demo.site,
        status=Placement.Status.ACTIVE,
        start_date=start,
        planned_end_date=start + datetime.timedelta(weeks=12),
        sessions_per_week=len(sessions),
        arranged_by=demo.arranged_by,
        named_staff_member=staff,
        first_review_date=start + datetime.timedelta(weeks=6),
        transport="Taxi arranged by the LA, collected 8:30",
        funding="£55 a session from the school's AP budget",
        **demo.registration,
    )
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=d, session=s) for d, s in sessions
    )
    agree_plan(
        placement,
        objectives=[
            (
                "Attend every timetabled session",
                "Attended 70% at school last half term",
                "95% attendance",
                "The provider's daily register",
            ),
            (
                "Manage frustration in group work",
                "Leaves the room most days",
                "Stays in group work with one prompt",
                "Weekly check-in and the provider's behaviour log",
            ),
        ],
        agreed_by=[("school", "Priya Sharma"), ("parent", "Parent"), ("provider", str(marker))],
        on=start - datetime.timedelta(days=3),
        recorded_by=lead,
    )
    index = 0
    marks = []
    codings: list[tuple[AttendanceMark, str]] = []
    for day in _weekdays(start, today):
        for session in ("am", "pm"):
            if (day.weekday(), session) not in sessions:
                continue
            observed, school_code = absences.get(index, ("present", ""))
            index += 1
            recorded = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 20)))
            marks.append(
                AttendanceMark(
                    placement=placement,
                    pupil=pupil,
                    date=day,
                    session=session,
                    observed=observed,
                    is_current=not school_code,
                    recorded_by=marker,
                    recorded_at=recorded,
                )
            )
            if school_code:
                codings.append((marks[-1], school_code))
            RegisterSubmission.objects.get_or_create(
                provider=provider,
                date=day,
                session=session,
                defaults={"submitted_by": marker, "submitted_at": recorded},
            )
            if observed == "absent_no_reason":
                FollowUpTask.objects.create(
                    placement=placement,
                    kind="absence",
                    date=day,
                    session=session,
                    detail=f"{pupil.display_name} was absent with no reason given at "
                    f"{provider} on {day:%-d %B %Y}.",
                    assigned_to=staff,
                )
    AttendanceMark.objects.bulk_create(marks)
    # The home school's codes: each a new row superseding the provider's, which is kept.
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            placement=placement,
            pupil=pupil,
            date=mark.date,
            session=mark.session,
            observed=mark.observed,
            code=code,
            coded_by=lead,
            supersedes=mark,
            reason="Parent phoned the school office",
            recorded_by=lead,
            recorded_at=mark.recorded_at + datetime.timedelta(hours=2),
        )
        for mark, code in codings
    )
    scores = [(3, 3, 3), (3, 4, 3), (4, 4, 3), (4, 4, 4), (4, 2, 4), (4, 3, 4)]
    for week, (engagement, wellbeing, behaviour) in enumerate(scores[:WEEKS]):
        CheckIn.objects.create(
            placement=placement,
            week_starting=start + datetime.timedelta(weeks=week),
            engagement=engagement,
            wellbeing=wellbeing,
            behaviour=behaviour,
            comments="Settling in; good relationships with staff."
            if week < 3
            else placement.pupil.pronouns.fill(
                "A harder week at home; talked it through with {his} key worker."
            ),
            child_rating=engagement,
            child_words="It's OK here, I like the small group.",
            recorded_by=marker,
        )
    Visit.objects.create(
        placement=placement,
        status=Visit.Status.DONE,
        scheduled_for=start + datetime.timedelta(weeks=3),
        visited_on=start + datetime.timedelta(weeks=3),
        visitors="Tom Ellery",
        child_seen=True,
        learning_observations="Focused in a group of four for 40 minutes.",
        environment_observations="Calm, well supervised rooms.",
        child_views="Likes the small group and the staff.",
        registers_checked=True,
        supervision_suitable=True,
        actions="Send the class reading book – Tom Ellery",
        scheduled_by=staff,
        logged_by=staff,
    )
