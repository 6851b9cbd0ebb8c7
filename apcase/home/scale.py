"""Synthetic data at the scale of a whole local authority (`generate_scale_data`).

At scale 1: one local authority with 100 schools, 10 providers, 30,000 pupils, 3,000
referrals, 2,000 placements, a school year of AM/PM register marks for every placement
(about 760,000 marks on term days, plus the school's coded rows), weekly check-ins,
visits, reviews, concerns, follow-ups, panel meetings and about 300,000 audit events.
Counts of schools, pupils and what hangs off them grow with the scale; the calendar
(a year of terms, monthly panel meetings) does not. Referrals decided more than four
weeks ago are closed, as an officer closes them once the decision is acted on, and
the decision letters of every meeting more than a few days old have been sent.

Everything is invented and deterministic: the same seed on the same day gives the same
rows (dates are counted back from today, so the data is never stale). Rows are written
with `bulk_create` in batches, bypassing the services: this is a load generator, not a
user, and the audit events it writes stand in for the ones the services would have.

It writes only into a database that holds nothing or the demo (`check_only_demo`), so
it can never mix invented children into real records. Every account's password is the
demo password and its TOTP key the demo key (`apcase.accounts.demo`), so a benchmark
signs in through the real sign-in; `accounts()` names one user of each role."""

import datetime
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tqdm import tqdm

from apcase.accounts import demo as accounts_demo
from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.chronology.models import AuditEvent
from apcase.directory.models import AssuranceKind, AssuranceRecord, ProviderProfile, Site
from apcase.monitoring.models import (
    AttendanceMark,
    CheckIn,
    FollowUpTask,
    RegisterSubmission,
    Visit,
)
from apcase.panel.audit import PanelAction
from apcase.panel.letters import settle_letters_due
from apcase.panel.models import InclusionPanel, LetterSent, PanelDecision, PanelMeeting
from apcase.placements.models import Placement, PlacementSession
from apcase.pupils.models import Carer, Pupil
from apcase.reference.attendance import Observation
from apcase.reference.census import NCYear, Sex
from apcase.referrals.audit import ReferralAction
from apcase.referrals.models import Referral
from apcase.reviews.models import Decision, Review
from apcase.safeguarding.categories import ensure_default_categories
from apcase.safeguarding.models import Concern, ConcernCategory, ConcernStatus
from apcase.schooldays.models import Term

M = TypeVar("M", bound=models.Model)

BATCH = 5000
URN_BASE = 900000
DEMO_LA = "Milton Keynes"
LA_NAME = "Scaleshire"
DOMAIN = "scaleshire.example"

# One local authority at scale 1 (issue 16).
BASE = {
    "schools": 100,
    "providers": 10,
    "pupils": 30000,
    "referrals": 3000,
    "placements": 2000,
    "concerns": 1500,
}
SCHOOL_ROLES = (
    Role.INCLUSION_LEAD,
    Role.HEADTEACHER,
    Role.SCHOOL_DSL,
    Role.SCHOOL_STAFF,
    Role.SCHOOL_ADMIN,
)
LA_ROLES = (Role.PANEL_CHAIR, Role.LA_OFFICER, Role.LA_ADMIN)
PANEL_MEMBERS = 3
# An officer closes a decided referral about four weeks after the panel's meeting.
CLOSED_AFTER = datetime.timedelta(weeks=4)
CLOSED_OUTCOMES = (PanelDecision.Outcome.APPROVED, PanelDecision.Outcome.DECLINED)
# The officer sends the decision letter to the pupil's parents within days of the
# meeting: a decision older than this has had its letters sent.
LETTERS_SENT_AFTER = datetime.timedelta(days=3)
PROVIDER_ROLES = (Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER)
FIRST_NAMES = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Eli",
    "Faye",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lola",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rui",
    "Sana",
    "Teo",
    "Uma",
    "Vic",
    "Wren",
    "Xan",
    "Yara",
    "Zed",
]
LAST_NAMES = [
    "Ashdown",
    "Birchley",
    "Coldharbour",
    "Dunmere",
    "Eastwick",
    "Fernhill",
    "Galloway",
    "Hartwell",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Larkspur",
    "Moorcroft",
    "Northam",
    "Oakridge",
    "Pennant",
    "Quarry",
    "Redmayne",
    "Stourton",
    "Thornbury",
    "Underhill",
    "Vantage",
    "Westmoor",
    "Yardley",
]
# What a provider observes, with how often (per thousand sessions).
OBSERVATIONS = (
    (Observation.PRESENT, 870),
    (Observation.LATE, 40),
    (Observation.LEFT_EARLY, 10),
    (Observation.ABSENT_ILLNESS, 35),
    (Observation.ABSENT_MEDICAL, 10),
    (Observation.ABSENT_NO_REASON, 35),
)
SCHOOL_CODE = {
    Observation.ABSENT_ILLNESS: "I",
    Observation.ABSENT_MEDICAL: "M",
    Observation.ABSENT_NO_REASON: "O",
}
# Term dates of an academic year starting in September of year Y: (name, month, day)
# pairs, the year of each counted from Y.
TERMS = (
    ("Autumn 1", (0, 9, 3), (0, 10, 23)),
    ("Autumn 2", (0, 11, 2), (0, 12, 18)),
    ("Spring 1", (1, 1, 5), (1, 2, 12)),
    ("Spring 2", (1, 2, 22), (1, 3, 26)),
    ("Summer 1", (1, 4, 12), (1, 5, 21)),
    ("Summer 2", (1, 6, 1), (1, 7, 21)),
)


class NotOnlyDemo(Exception):
    """The database holds something other than the demo."""


def check_only_demo() -> None:
    """Refuse unless the database is empty or holds only the demo: its local authority
    and the organisations in it, the platform, and accounts at reserved (.example, .invalid) addresses.
    Invented children are never mixed into real records."""
    demo_la = Q(kind=OrganisationKind.LOCAL_AUTHORITY, name=DEMO_LA)
    others = Organisation.objects.exclude(
        demo_la
        | Q(local_authority__in=Organisation.objects.filter(demo_la))
        | Q(kind=OrganisationKind.PLATFORM)
    )
    if others.exists():
        names = ", ".join(others.order_by("name").values_list("name", flat=True)[:3])
        raise NotOnlyDemo(f"The database holds organisations other than the demo ({names}).")
    # Invented people have addresses at .example, and the service's own API-key accounts
    # at .invalid (both reserved, RFC 2606): anyone else is a real person.
    real = User.objects.exclude(email__iendswith=".example").exclude(email__iendswith=".invalid")
    if real.exists():
        raise NotOnlyDemo("The database holds accounts other than the demo's.")


def scaled(name: str, scale: float) -> int:
    return max(1, round(BASE[name] * scale))


@dataclass(frozen=True)
class BenchAccount:
    role: str
    email: str


def accounts() -> list[BenchAccount]:
    """One account of each role in the generated authority: the first school, the LA and
    the first provider (the benchmark signs in as these)."""
    found = [BenchAccount(role, _email(role, "s0001")) for role in SCHOOL_ROLES]
    found += [BenchAccount(role, _email(role, "la")) for role in LA_ROLES]
    found.append(BenchAccount(Role.PANEL_MEMBER, _email(Role.PANEL_MEMBER, "la1")))
    found += [BenchAccount(role, _email(role, "p001")) for role in PROVIDER_ROLES]
    return found


def _email(role: str, where: str) -> str:
    return f"{role.replace('_', '.')}.{where}@{DOMAIN}"


def _batches(rows: Iterable[M], size: int = BATCH) -> Iterator[list[M]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _weekdays(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += datetime.timedelta(days=1)


@dataclass
class Generator:
    scale: float
    seed: int = 1
    progress: bool = True
    today: datetime.date = field(default_factory=timezone.localdate)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - invented data, not a secret  # nosec B311
        self.now = timezone.now()
        self.events: list[AuditEvent] = []

    # -- helpers -------------------------------------------------------------------

    def save(
        self,
        model: type[M],
        rows: Iterable[M],
        total: int | None = None,
        keep: Callable[[M], bool] | None = None,
    ) -> list[M]:
        """Insert rows in batches, with a progress bar; returns them with their ids (only
        those `keep` accepts, when given: a million marks need not stay in memory)."""
        saved: list[M] = []
        written = 0
        bar = tqdm(
            total=total,
            desc=model._meta.label,
            unit=" rows",
            disable=not self.progress,
            leave=False,
        )
        for batch in _batches(rows):
            done = model._default_manager.bulk_create(batch, batch_size=BATCH)
            saved.extend(done if keep is None else [row for row in done if keep(row)])
            written += len(done)
            bar.update(len(batch))
        bar.close()
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return saved

    def moment(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def event(
        self,
        when: datetime.datetime,
        action: str,
        target: models.Model,
        *,
        actor: User | None = None,
        organisation: Organisation | None = None,
        pupil_id: int | None = None,
        summary: str = "",
    ) -> None:
        self.events.append(
            AuditEvent(
                occurred_at=when,
                actor_id=actor.pk if actor else None,
                actor_label=f"{actor.full_name} <{actor.email}>" if actor else "system",
                organisation_id=organisation.pk if organisation else None,
                organisation_label=organisation.name if organisation else "",
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                pupil_id=pupil_id,
                summary=summary,
            )
        )

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # -- the authority -------------------------------------------------------------

    def run(self) -> dict[str, int]:
        steps: list[Callable[[], None]] = [
            self.organisations,
            self.users,
            self.terms,
            self.pupils,
            self.panel,
            self.referrals,
            self.placements,
            self.marks,
            self.monitoring,
            self.reviews,
            self.concerns,
        ]
        for step in tqdm(steps, desc="Scale data", unit=" step", disable=not self.progress):
            step()
            # The audit events each step stands in for, written as it ends.
            self.save(AuditEvent, self.events, total=len(self.events))
            self.events = []
        # As the morning pass leaves them: only the decisions that may have a letter
        # due are flagged (panel.letters.settle_letters_due), not every one written.
        settle_letters_due()
        return self.counts

    def organisations(self) -> None:
        self.la = self.save(
            Organisation,
            [
                Organisation(
                    kind=OrganisationKind.LOCAL_AUTHORITY,
                    name=LA_NAME,
                    la_code="999",
                    town="Scaleton",
                )
            ],
        )[0]
        self.schools = self.save(
            Organisation,
            (
                Organisation(
                    kind=OrganisationKind.SCHOOL,
                    name=f"{LAST_NAMES[i % len(LAST_NAMES)]} School {i + 1:04d}",
                    urn=URN_BASE + i,
                    local_authority=self.la,
                    la_code="999",
                    phase="Primary" if i % 3 else "Secondary",
                    town="Scaleton",
                    establishment_type="Community school",
                )
                for i in range(scaled("schools", self.scale))
            ),
        )
        providers = scaled("providers", self.scale)
        self.providers = self.save(
            Organisation,
            (
                Organisation(
                    kind=OrganisationKind.PROVIDER,
                    name=f"Scaleton Learning Centre {i + 1:03d}",
                    urn=URN_BASE + 500000 + i,
                    local_authority=self.la,
                    la_code="999",
                    street=f"{i + 1} Mill Lane",
                    town="Scaleton",
                    postcode="SC1 1AA",
                    phase="Not applicable",
                    establishment_type_code=14,
                    establishment_type="Pupil referral unit",
                )
                for i in range(providers)
            ),
        )
        self.save(
            ProviderProfile,
            (
                ProviderProfile(
                    organisation=p,
                    ap_setting_type="",
                    age_from=5,
                    age_to=16,
                    main_contact_name="Centre office",
                    main_contact_email=f"office.{i + 1:03d}@{DOMAIN}",
                    capacity=300,
                )
                for i, p in enumerate(self.providers)
            ),
        )
        self.org = {o.pk: o for o in [self.la, *self.schools, *self.providers]}
        self.sites = self.save(
            Site,
            (
                Site(
                    organisation=p,
                    name="Main site",
                    street=p.street,
                    town="Scaleton",
                    postcode="SC1 1AA",
                    is_main=True,
                )
                for p in self.providers
            ),
        )
        self.save(
            AssuranceRecord,
            (
                AssuranceRecord(
                    organisation=p,
                    kind=kind,
                    received_on=self.today - datetime.timedelta(days=90),
                    expires_on=self.today + datetime.timedelta(days=275),
                    undertakes_to_report_changes=True,
                )
                for p in self.providers
                for kind in AssuranceKind.values
            ),
        )

    def users(self) -> None:
        password = make_password(accounts_demo.DEMO_PASSWORD)
        wanted: list[tuple[str, str, Organisation]] = []
        for i, school in enumerate(self.schools):
            for role in SCHOOL_ROLES:
                wanted.append((role, f"s{i + 1:04d}", school))
        for role in LA_ROLES:
            wanted.append((role, "la", self.la))
        for n in range(PANEL_MEMBERS):
            wanted.append((Role.PANEL_MEMBER, f"la{n + 1}", self.la))
        for i, provider in enumerate(self.providers):
            for role in PROVIDER_ROLES:
                wanted.append((role, f"p{i + 1:03d}", provider))
        users = self.save(
            User,
            (
                User(email=_email(role, where), full_name=" ".join(self.name()), password=password)
                for role, where, _ in wanted
            ),
        )
        self.save(
            Membership,
            (
                Membership(user=user, organisation=org, role=role)
                for user, (role, _, org) in zip(users, wanted, strict=True)
            ),
        )
        self.save(
            TOTPDevice,
            (
                TOTPDevice(
                    user=user,
                    name="Scale data authenticator",
                    key=accounts_demo.DEMO_TOTP_KEY_HEX,
                    confirmed=True,
                )
                for user in users
            ),
        )
        self.staff: dict[tuple[int, str], User] = {
            (org.pk, role): user for user, (role, _, org) in zip(users, wanted, strict=True)
        }
        self.panel_members = [
            u for u, (r, _, _) in zip(users, wanted, strict=True) if r == Role.PANEL_MEMBER
        ]

    def terms(self) -> None:
        first = self.today.year - (2 if self.today.month < 9 else 1)
        rows = []
        for year in range(first, first + 3):
            for name, (sy, sm, sd), (ey, em, ed) in TERMS:
                rows.append(
                    Term(
                        local_authority=self.la,
                        name=name,
                        start_date=datetime.date(year + sy, sm, sd),
                        end_date=datetime.date(year + ey, em, ed),
                    )
                )
        self.terms_saved = self.save(Term, rows)
        self.term_days = {
            day
            for term in self.terms_saved
            for day in _weekdays(term.start_date, term.end_date)
            if day < self.today
        }

    def pupils(self) -> None:
        count = scaled("pupils", self.scale)
        years = [y for y in NCYear.values if y.isdigit() and 1 <= int(y) <= 11]
        rows = []
        for n in range(count):
            first, last = self.name()
            year = self.rng.choice(years)
            age = int(year) + 5
            rows.append(
                Pupil(
                    school=self.schools[n % len(self.schools)],
                    upn=f"S{999000000000 - n:012d}"[:13],
                    legal_first_name=first,
                    legal_last_name=last,
                    date_of_birth=self.today
                    - datetime.timedelta(days=365 * age + self.rng.randrange(365)),
                    sex=self.rng.choice((Sex.FEMALE, Sex.MALE)),
                    nc_year=year,
                    admission_date=self.today - datetime.timedelta(days=self.rng.randrange(2000)),
                    free_school_meals=self.rng.random() < 0.25,
                )
            )
        self.pupil_rows = self.save(Pupil, rows, total=count)
        carers = self.save(
            Carer,
            (
                Carer(
                    pupil=pupil,
                    name=f"{self.rng.choice(FIRST_NAMES)} {pupil.legal_last_name}",
                    relationship="Mother" if n % 2 else "Father",
                    parental_responsibility=True,
                    lives_with_pupil=True,
                    phone="01632 960000",
                    address=f"{n % 200 + 1} High Street, Scaleton SC1 1AA",
                )
                for n, pupil in enumerate(self.pupil_rows)
            ),
            total=count,
        )
        self.carer_of = {carer.pupil_id: carer for carer in carers}
        self.pupil_school = {p.pk: p.school_id for p in self.pupil_rows}
        for pupil in self.pupil_rows:
            for action in ("pupil.created", "carer.added", "pupil.changed"):
                self.event(
                    self.moment(pupil.admission_date or self.today),
                    action,
                    pupil,
                    organisation=self.org[pupil.school_id],
                    pupil_id=pupil.pk,
                )

    def panel(self) -> None:
        officer = self.staff[(self.la.pk, Role.LA_OFFICER)]
        chair = self.staff[(self.la.pk, Role.PANEL_CHAIR)]
        self.panel_row = self.save(
            InclusionPanel,
            [InclusionPanel(local_authority=self.la, name="Scaleshire Inclusion Panel")],
        )[0]
        dates = []
        for offset in range(-14, 3):
            index = self.today.year * 12 + self.today.month - 1 + offset
            dates.append(datetime.date(index // 12, index % 12 + 1, 20))
        self.meetings = self.save(
            PanelMeeting,
            (
                PanelMeeting(
                    panel=self.panel_row,
                    date=day,
                    venue="Scaleshire County Hall",
                    chair=chair,
                    scheduled_by=officer,
                    status=(
                        PanelMeeting.Status.HELD
                        if day < self.today
                        else PanelMeeting.Status.SCHEDULED
                    ),
                )
                for day in dates
            ),
        )
        through = PanelMeeting.members.through
        self.save(
            through,
            (
                through(panelmeeting_id=meeting.pk, user_id=member.pk)
                for meeting in self.meetings
                for member in self.panel_members
            ),
        )

    def referrals(self) -> None:
        count = scaled("referrals", self.scale)
        placements = min(scaled("placements", self.scale), count)
        self.past_meetings = [m for m in self.meetings if m.date < self.today]
        self.future_meetings = [m for m in self.meetings if m.date >= self.today]
        # Each referral is for a different pupil, drawn from every school.
        pupils = self.rng.sample(self.pupil_rows, min(count, len(self.pupil_rows)))
        # The first school has a referral at every stage and some active placements:
        # the benchmark's school accounts are there.
        first = [p for p in self.pupil_rows if p.school_id == self.schools[0].pk]
        pupils = first[:3] + [p for p in pupils if p not in first[:3]][: count - 3]
        states = Referral.Status
        rest = [
            (states.DRAFT, 0.25),
            (states.SUBMITTED, 0.15),
            (states.SCHEDULED, 0.1),
            (states.DECLINED, 0.2),
            (states.MORE_INFORMATION, 0.1),
            (states.DEFERRED, 0.05),
            (states.WITHDRAWN, 0.1),
            (states.CLOSED, 0.05),
        ]
        rows = []
        for n, pupil in enumerate(pupils):
            if n < placements:
                status = states.APPROVED
            else:
                status = self.rng.choices([s for s, _ in rest], [w for _, w in rest])[0]
            author = self.staff[(pupil.school_id, Role.INCLUSION_LEAD)]
            created = self.today - datetime.timedelta(days=self.rng.randrange(20, 420))
            meeting = None
            if status == states.APPROVED:
                # Decided at a meeting long enough ago for a year of attendance.
                meeting = self.past_meetings[n % min(4, len(self.past_meetings))]
                created = meeting.date - datetime.timedelta(days=30)
            elif status in (
                states.DECLINED,
                states.DEFERRED,
                states.MORE_INFORMATION,
                states.CLOSED,
            ):
                meeting = self.rng.choice(self.past_meetings)
                created = meeting.date - datetime.timedelta(days=30)
            elif status == states.SCHEDULED:
                meeting = self.future_meetings[0]
            submitted = (
                None
                if status == states.DRAFT
                else self.moment(created) + datetime.timedelta(days=7)
            )
            rows.append(
                Referral(
                    pupil=pupil,
                    school_id=pupil.school_id,
                    panel=self.panel_row,
                    meeting=meeting,
                    status=status,
                    created_by=author,
                    submitted_at=submitted,
                    decided_at=self.moment(meeting.date, 15)
                    if meeting and meeting.date < self.today
                    else None,
                    withdrawn_at=submitted if status == states.WITHDRAWN else None,
                    withdrawal_reason="The family moved away."
                    if status == states.WITHDRAWN
                    else "",
                    reason=self.rng.choice(Referral.Reason.values),
                    reason_description="Invented reason for the scale data.",
                    attendance_summary="Attendance has fallen this term.",
                    parent_views="The family support the referral.",
                    consent=Referral.Consent.GIVEN,
                    consent_given_by="Parent",
                    consent_given_on=created,
                    child_voice="Wants a fresh start.",
                    provision_sought="A small-group setting.",
                )
            )
        self.referral_rows = self.save(Referral, rows, total=count)
        members = PanelDecision.members_present.through
        decisions = []
        for referral in self.referral_rows:
            if referral.meeting is None or referral.status not in (
                states.APPROVED,
                states.DECLINED,
                states.DEFERRED,
                states.MORE_INFORMATION,
            ):
                continue
            approved = referral.status == states.APPROVED
            start = referral.meeting.date + datetime.timedelta(days=14)
            decisions.append(
                PanelDecision(
                    meeting=referral.meeting,
                    referral=referral,
                    outcome=referral.status,
                    reasons="The panel agreed on the evidence given.",
                    provider=self.providers[referral.pk % len(self.providers)]
                    if approved
                    else None,
                    proposed_start_date=start if approved else None,
                    sessions_per_week=10 if approved else None,
                    first_review_date=start + datetime.timedelta(weeks=6) if approved else None,
                    commissioned_by=Placement.ArrangedBy.LA if approved else "",
                    commissioning_power=Placement.CommissioningPower.LA_S19 if approved else "",
                    recorded_by=self.staff[(self.la.pk, Role.LA_OFFICER)],
                )
            )
        self.decisions = self.save(PanelDecision, decisions)
        self.save(
            members,
            (
                members(paneldecision_id=d.pk, user_id=m.pk)
                for d in self.decisions
                for m in self.panel_members
            ),
        )
        self.close_decided_referrals()
        self.send_decision_letters()
        for referral in self.referral_rows:
            author = referral.created_by
            self.event(
                self.moment(referral.consent_given_on or self.today),
                "referral_started",
                referral,
                actor=author,
                organisation=self.org[referral.school_id],
                pupil_id=referral.pupil_id,
            )
            for section in range(8):
                self.event(
                    self.moment(referral.consent_given_on or self.today, 11 + section % 5),
                    "referral_section_updated",
                    referral,
                    actor=author,
                    organisation=self.org[referral.school_id],
                    pupil_id=referral.pupil_id,
                )
            if referral.submitted_at:
                self.event(
                    referral.submitted_at,
                    "referral_submitted",
                    referral,
                    actor=author,
                    organisation=self.org[referral.school_id],
                    pupil_id=referral.pupil_id,
                )

    def close_decided_referrals(self) -> None:
        """Officers close a referral once the panel's decision has been acted on (the
        placement made, or the school told): the decisions older than CLOSED_AFTER are
        closed, so that "open referrals" holds what it holds in use, not a year of them.
        One UPDATE per meeting (the rows in memory keep the status they were decided in,
        which is what the placements and events made from them follow)."""
        officer = self.staff[(self.la.pk, Role.LA_OFFICER)]
        by_meeting: dict[PanelMeeting, list[int]] = {}
        for decision in self.decisions:
            referral = decision.referral
            if referral is None or decision.outcome not in CLOSED_OUTCOMES:
                continue
            if decision.meeting.date + CLOSED_AFTER >= self.today:
                continue
            by_meeting.setdefault(decision.meeting, []).append(referral.pk)
            self.event(
                self.moment(decision.meeting.date + CLOSED_AFTER),
                ReferralAction.CLOSED,
                referral,
                actor=officer,
                organisation=self.org[self.la.pk],
                pupil_id=referral.pupil_id,
            )
        for meeting, ids in by_meeting.items():
            Referral.objects.filter(pk__in=ids).update(
                status=Referral.Status.CLOSED,
                closed_at=self.moment(meeting.date + CLOSED_AFTER),
            )

    def send_decision_letters(self) -> None:
        """The decision letters to each pupil's carer, sent by post LETTERS_SENT_AFTER
        the meeting: only the decisions of the last few days are still waiting for
        theirs, as in use (the LA's "letters not sent" list is short, not a year long)."""
        officer = self.staff[(self.la.pk, Role.LA_OFFICER)]
        letters = []
        for decision in self.decisions:
            sent = decision.meeting.date + LETTERS_SENT_AFTER
            if decision.referral is None or sent >= self.today:
                continue
            carer = self.carer_of[decision.referral.pupil_id]
            letters.append(
                LetterSent(
                    decision=decision,
                    carer=carer,
                    addressed_to=carer.name,
                    postal_address=carer.address,
                    method=LetterSent.Method.POST,
                    sent_at=self.moment(sent),
                    sent_by=officer,
                )
            )
            self.event(
                self.moment(sent),
                PanelAction.LETTER_SENT,
                decision,
                actor=officer,
                organisation=self.org[decision.referral.school_id],
                pupil_id=decision.referral.pupil_id,
                summary=f"Decision letter to {carer.name} ({carer.relationship}) sent: post",
            )
        self.save(LetterSent, letters, total=len(letters))

    def placements(self) -> None:
        approved = [d for d in self.decisions if d.outcome == PanelDecision.Outcome.APPROVED]
        ended_share = 0.2
        rows = []
        for n, decision in enumerate(approved):
            referral = decision.referral
            if referral is None or decision.proposed_start_date is None:
                continue
            ended = n >= 3 and self.rng.random() < ended_share
            start = decision.proposed_start_date
            rows.append(
                Placement(
                    pupil_id=referral.pupil_id,
                    provider=decision.provider,
                    site=self.sites[self.providers.index(decision.provider)].name,  # type: ignore[arg-type]
                    status=Placement.Status.ENDED if ended else Placement.Status.ACTIVE,
                    start_date=start,
                    planned_end_date=self.today + datetime.timedelta(days=120),
                    started_at=self.moment(start, 9),
                    ended_on=self.today - datetime.timedelta(days=1 + n % 60) if ended else None,
                    end_reason="Returned to school." if ended else "",
                    end_decided_by="The review" if ended else "",
                    end_destination=Placement.Destination.RETURNED_FULL_TIME if ended else "",
                    sessions_per_week=10,
                    first_review_date=decision.first_review_date,
                    arranged_by=Placement.ArrangedBy.LA,
                    commissioning_power=Placement.CommissioningPower.LA_S19,
                    named_staff_member=self.staff[(referral.school_id, Role.SCHOOL_STAFF)],
                    created_from_decision=decision,
                    transport="Taxi arranged by the LA.",
                    funding="Funded by the LA.",
                    dual_registered=False,
                    dual_registration_reason="Not a PRU place in the scale data.",
                    full_plan_agreed_on=start,
                )
            )
        self.placement_rows = self.save(Placement, rows)
        self.save(
            PlacementSession,
            (
                PlacementSession(placement=p, weekday=day, session=session)
                for p in self.placement_rows
                for day in range(5)
                for session in ("am", "pm")
            ),
        )
        through = Placement.sites.through
        self.save(
            through,
            (
                through(placement_id=p.pk, site_id=self.sites[self.providers.index(p.provider)].pk)
                for p in self.placement_rows
            ),
        )
        for p in self.placement_rows:
            school = self.org[self.pupil_school[p.pupil_id]]
            for action, day in (
                ("placement_started", p.start_date),
                ("placement_ended", p.ended_on),
            ):
                if day is not None:
                    self.event(
                        self.moment(day, 9), action, p, organisation=school, pupil_id=p.pupil_id
                    )

    def _days(self, placement: Placement) -> list[datetime.date]:
        """The term days it was open on, in the last year (a school year of registers)."""
        first = max(placement.start_date, self.today - datetime.timedelta(days=365))
        last = placement.ended_on or self.today - datetime.timedelta(days=1)
        return sorted(d for d in self.term_days if first <= d <= last)

    def marks(self) -> None:
        observations = [o for o, _ in OBSERVATIONS]
        weights = [w for _, w in OBSERVATIONS]
        coded_before = self.today - datetime.timedelta(days=7)
        self.absences: list[tuple[Placement, datetime.date, str]] = []
        provider_staff = {p.pk: self.staff[(p.pk, Role.PROVIDER_STAFF)] for p in self.providers}

        def provider_rows() -> Iterator[AttendanceMark]:
            for placement in self.placement_rows:
                for day in self._days(placement):
                    for session in ("am", "pm"):
                        seen = self.rng.choices(observations, weights)[0]
                        coded = seen in SCHOOL_CODE and day < coded_before
                        if seen == Observation.ABSENT_NO_REASON:
                            self.absences.append((placement, day, session))
                        yield AttendanceMark(
                            placement=placement,
                            pupil_id=placement.pupil_id,
                            date=day,
                            session=session,
                            observed=seen,
                            minutes_late=self.rng.randrange(5, 30)
                            if seen == Observation.LATE
                            else None,
                            is_current=not coded,
                            recorded_by=provider_staff[placement.provider_id],
                            recorded_at=self.moment(day, 9 if session == "am" else 13),
                        )

        total = sum(len(self._days(p)) * 2 for p in self.placement_rows)
        superseded = self.save(
            AttendanceMark, provider_rows(), total=total, keep=lambda m: not m.is_current
        )
        # The school codes each absence older than a week: a new row superseding it.
        coder = {s.pk: self.staff[(s.pk, Role.SCHOOL_STAFF)] for s in self.schools}
        self.save(
            AttendanceMark,
            (
                AttendanceMark(
                    placement=m.placement,
                    pupil_id=m.pupil_id,
                    date=m.date,
                    session=m.session,
                    observed=m.observed,
                    code=SCHOOL_CODE[Observation(m.observed)],
                    coded_by=coder[self.pupil_school[m.pupil_id]],
                    supersedes=m,
                    recorded_by=coder[self.pupil_school[m.pupil_id]],
                    recorded_at=m.recorded_at + datetime.timedelta(days=1),
                )
                for m in superseded
            ),
            total=len(superseded),
        )
        for m in superseded:
            self.event(
                m.recorded_at + datetime.timedelta(days=1),
                "attendance_coded",
                m.placement,
                actor=coder[self.pupil_school[m.pupil_id]],
                pupil_id=m.pupil_id,
            )
        sessions = {
            (p.provider_id, day, session)
            for p in self.placement_rows
            for day in self._days(p)
            for session in ("am", "pm")
        }
        self.save(
            RegisterSubmission,
            (
                RegisterSubmission(
                    provider_id=provider,
                    date=day,
                    session=session,
                    submitted_by=provider_staff[provider],
                    submitted_at=self.moment(day, 10 if session == "am" else 14),
                )
                for provider, day, session in sorted(sessions)
            ),
            total=len(sessions),
        )
        for provider, day, session in sorted(sessions):
            self.events.append(
                AuditEvent(
                    occurred_at=self.moment(day, 10 if session == "am" else 14),
                    actor_id=provider_staff[provider].pk,
                    actor_label=provider_staff[provider].email,
                    organisation_id=provider,
                    action="register_submitted",
                    target_type="accounts.organisation",
                    target_id=str(provider),
                    summary=f"Register for {day} {session}",
                )
            )

    def monitoring(self) -> None:
        recent = self.today - datetime.timedelta(days=3)
        self.save(
            FollowUpTask,
            (
                FollowUpTask(
                    placement=placement,
                    kind=FollowUpTask.Kind.ABSENCE,
                    date=day,
                    session=session,
                    detail="Absent with no reason given.",
                    assigned_to=placement.named_staff_member,
                    status=FollowUpTask.Status.OPEN
                    if day >= recent
                    else FollowUpTask.Status.CLOSED,
                    closed_by=None if day >= recent else placement.named_staff_member,
                    closed_at=None if day >= recent else self.moment(day, 15),
                    who_was_contacted="" if day >= recent else "Parent by phone",
                    where_the_child_is="" if day >= recent else "At home, unwell",
                    action_taken="" if day >= recent else "Parent will call in future",
                )
                for placement, day, session in self.absences
            ),
            total=len(self.absences),
        )
        for placement, day, _ in self.absences:
            self.event(
                self.moment(day, 10),
                "follow_up_absence",
                placement,
                pupil_id=placement.pupil_id,
            )

        def check_ins() -> Iterator[CheckIn]:
            for placement in self.placement_rows:
                staff = self.staff[(placement.provider_id, Role.PROVIDER_STAFF)]
                mondays = sorted(
                    {d - datetime.timedelta(days=d.weekday()) for d in self._days(placement)}
                )
                for monday in mondays[:-1]:
                    yield CheckIn(
                        placement=placement,
                        week_starting=monday,
                        engagement=self.rng.randint(2, 5),
                        wellbeing=self.rng.randint(2, 5),
                        behaviour=self.rng.randint(2, 5),
                        comments="A steady week.",
                        recorded_by=staff,
                    )

        for check_in in self.save(CheckIn, check_ins()):
            self.event(
                self.moment(check_in.week_starting + datetime.timedelta(days=4), 15),
                "check_in_recorded",
                check_in.placement,
                actor=check_in.recorded_by,
                pupil_id=check_in.placement.pupil_id,
            )

        def visits() -> Iterator[Visit]:
            for placement in self.placement_rows:
                staff = placement.named_staff_member
                if staff is None:
                    continue
                day = placement.start_date + datetime.timedelta(weeks=2)
                last = placement.ended_on or self.today
                while day < last:
                    yield Visit(
                        placement=placement,
                        status=Visit.Status.DONE,
                        scheduled_for=day,
                        visited_on=day,
                        visitors=staff.full_name,
                        child_seen=True,
                        learning_observations="Settled and working.",
                        registers_checked=True,
                        supervision_suitable=True,
                        scheduled_by=staff,
                        logged_by=staff,
                    )
                    day += datetime.timedelta(weeks=6)
                if not placement.ended_on:
                    yield Visit(placement=placement, scheduled_for=day, scheduled_by=staff)

        self.save(Visit, visits())

    def reviews(self) -> None:
        def rows() -> Iterator[Review]:
            for placement in self.placement_rows:
                held_by = self.staff[(self.pupil_school[placement.pupil_id], Role.INCLUSION_LEAD)]
                day = placement.first_review_date or placement.start_date
                period_start = placement.start_date
                last = placement.ended_on or self.today
                while day < last:
                    yield Review(
                        placement=placement,
                        held_on=day,
                        child_attended=True,
                        provider_attended=True,
                        named_staff_member_attended=True,
                        child_views="Likes the small groups.",
                        parent_views="Pleased with progress.",
                        period_start=period_start,
                        period_end=day,
                        sessions_possible=60,
                        sessions_present=54,
                        check_ins=6,
                        decision=Decision.CONTINUE,
                        next_review_date=day + datetime.timedelta(weeks=12),
                        held_by=held_by,
                    )
                    period_start = day
                    day += datetime.timedelta(weeks=12)

        self.save(Review, rows())

    def concerns(self) -> None:
        # The categories a migration writes, as the demo does: a database emptied since
        # (a test's flush) has none, and a concern needs one.
        ensure_default_categories(ConcernCategory)
        categories = list(ConcernCategory.objects.filter(is_active=True))
        count = scaled("concerns", self.scale)
        rows = []
        for n in range(count):
            placement = self.placement_rows[n % len(self.placement_rows)]
            school_id = self.pupil_school[placement.pupil_id]
            dsl = self.staff[(school_id, Role.SCHOOL_DSL)]
            reporter = self.staff[(placement.provider_id, Role.PROVIDER_STAFF)]
            when = self.moment(self.today - datetime.timedelta(days=1 + n % 300), 11)
            closed = n % 4 != 0
            rows.append(
                Concern(
                    pupil_id=placement.pupil_id,
                    school_id=school_id,
                    raised_at_provider=placement.provider,
                    placement=placement,
                    reported_by=reporter,
                    reporter_organisation=placement.provider,
                    occurred_at=when,
                    recorded_at=when + datetime.timedelta(hours=1),
                    category=categories[n % len(categories)],
                    account="An invented account for the scale data.",
                    status=ConcernStatus.CLOSED if closed else ConcernStatus.NEW,
                    acknowledged_by=dsl if closed else None,
                    acknowledged_at=when + datetime.timedelta(hours=2) if closed else None,
                    closed_by=dsl if closed else None,
                    closed_at=when + datetime.timedelta(days=2) if closed else None,
                    outcome="Monitored; no further action." if closed else "",
                )
            )
        self.save(Concern, rows)


def generate(scale: float, *, seed: int = 1, progress: bool = True) -> dict[str, int]:
    """Fill the database (inside the caller's transaction) and return rows per model."""
    check_only_demo()
    return Generator(scale=scale, seed=seed, progress=progress).run()
