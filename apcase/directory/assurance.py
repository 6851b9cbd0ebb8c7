"""Assurance status of a provider, computed from its assurance records.

Rules:
- A record is in date up to and including its expiry date.
- For each required kind, the record that runs latest decides that kind's status:
  missing (no record), expired (expiry before today), expiring (expiry within the next
  APCASE_ASSURANCE_WARNING_DAYS days, today included), assured (later than that).
- The provider's status is its worst kind: missing, then expired, then expiring.
- "Not assured", with the reasons, shown wherever a placement could be chosen:
  - an unregistered provider without an in-date written confirmation of staff vetting
    checks (statutory guidance on AP and KCSIE), or
  - a provider whose latest Ofsted inspection (the most recent by date, on either
    scale) found it Inadequate on the legacy scale (GIAS's "Special Measures" and
    "Serious Weaknesses" are Inadequate grades), or judged safeguarding "Not met" on a
    report card. A later inspection replaces an earlier one.

The same rules exist twice, once in Python (`assurance_status`) for one provider and
once as database annotations (`with_assurance`) for lists and filters; tests hold them
to the same answers at every boundary.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Least

from apcase.accounts.models import Organisation

from .models import AssuranceKind, AssuranceRecord, Inspection, Registration
from .ofsted import LegacyGrade, Scale


class Status(models.TextChoices):
    # Ordered worst first; the provider's status is the first that any kind has.
    MISSING = "missing", "Missing"
    EXPIRED = "expired", "Expired"
    EXPIRING = "expiring", "Expiring within 30 days"
    ASSURED = "assured", "Assured"


TAG_CLASSES = {
    Status.MISSING: "govuk-tag--red",
    Status.EXPIRED: "govuk-tag--red",
    Status.EXPIRING: "govuk-tag--yellow",
    Status.ASSURED: "govuk-tag--green",
}
ORDER = [Status.MISSING, Status.EXPIRED, Status.EXPIRING, Status.ASSURED]


def warning_days() -> int:
    return int(getattr(settings, "APCASE_ASSURANCE_WARNING_DAYS", 30))


def required_kinds() -> list[str]:
    return list(getattr(settings, "APCASE_ASSURANCE_REQUIRED_KINDS", AssuranceKind.values))


def status_for_expiry(expires_on: date | None, *, today: date) -> Status:
    if expires_on is None:
        return Status.MISSING
    if expires_on < today:
        return Status.EXPIRED
    if expires_on <= today + timedelta(days=warning_days()):
        return Status.EXPIRING
    return Status.ASSURED


@dataclass(frozen=True)
class KindStatus:
    kind: str
    label: str
    status: Status
    expires_on: date | None

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]


NO_VETTING = "no in-date vetting confirmation"


def inspection_concern(
    scale: str | None,
    overall_grade: str | None,
    safeguarding_met: bool | None,
    inspected_on: date | None,
) -> str | None:
    """Why the latest inspection makes a provider not assured, or None."""
    when = f" (inspected {inspected_on:%-d %B %Y})" if inspected_on else ""
    if scale == Scale.LEGACY and overall_grade == LegacyGrade.INADEQUATE:
        return f"latest Ofsted grade Inadequate{when}"
    if scale == Scale.REPORT_CARD and safeguarding_met is False:
        return f"latest Ofsted report card: safeguarding not met{when}"
    return None


def not_assured_reasons(
    *, without_vetting: bool, latest_inspection: Inspection | None
) -> list[str]:
    reasons = [NO_VETTING] if without_vetting else []
    if latest_inspection is not None:
        concern = inspection_concern(
            latest_inspection.scale,
            latest_inspection.overall_grade,
            latest_inspection.safeguarding_met,
            latest_inspection.inspected_on,
        )
        if concern:
            reasons.append(concern)
    return reasons


def annotated_reasons(provider: Organisation) -> list[str]:
    """The reasons on a provider annotated by `with_assurance`."""
    reasons = [NO_VETTING] if getattr(provider, "without_vetting", False) else []
    concern = inspection_concern(
        getattr(provider, "latest_inspection_scale", None),
        getattr(provider, "latest_inspection_grade", None),
        getattr(provider, "latest_inspection_safeguarding", None),
        getattr(provider, "latest_inspection_on", None),
    )
    if concern:
        reasons.append(concern)
    return reasons


@dataclass(frozen=True)
class AssuranceSummary:
    status: Status
    kinds: list[KindStatus]
    not_assured: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]


def assurance_status(
    records: Iterable[AssuranceRecord],
    *,
    unregistered: bool,
    today: date,
    latest_inspection: Inspection | None = None,
) -> AssuranceSummary:
    latest: dict[str, date] = {}
    for record in records:
        if record.kind not in latest or record.expires_on > latest[record.kind]:
            latest[record.kind] = record.expires_on
    kinds = [
        KindStatus(
            kind=kind,
            label=AssuranceKind(kind).label,
            status=status_for_expiry(latest.get(kind), today=today),
            expires_on=latest.get(kind),
        )
        for kind in required_kinds()
    ]
    overall = min((k.status for k in kinds), key=ORDER.index, default=Status.ASSURED)
    vetting = latest.get(AssuranceKind.VETTING)
    reasons = not_assured_reasons(
        without_vetting=unregistered and (vetting is None or vetting < today),
        latest_inspection=latest_inspection,
    )
    return AssuranceSummary(
        status=overall, kinds=kinds, not_assured=bool(reasons), reasons=tuple(reasons)
    )


def lapsing_records(
    records: Iterable[AssuranceRecord], *, today: date
) -> list[tuple[AssuranceRecord, Status]]:
    """For each kind, the record that runs latest, if it is expiring or has expired:
    what the people relying on the provider must be told."""
    latest: dict[str, AssuranceRecord] = {}
    for record in records:
        held = latest.get(record.kind)
        if held is None or (record.expires_on, record.pk) > (held.expires_on, held.pk):
            latest[record.kind] = record
    lapsing = []
    for kind in sorted(latest):
        state = status_for_expiry(latest[kind].expires_on, today=today)
        if state in (Status.EXPIRING, Status.EXPIRED):
            lapsing.append((latest[kind], state))
    return lapsing


def latest_inspection_of(provider: Organisation) -> Inspection | None:
    return Inspection.objects.filter(organisation=provider).order_by("-inspected_on", "-id").first()


def is_unregistered(provider: Organisation) -> bool:
    """A provider with no profile is taken as registered only if it has a URN."""
    profile = getattr(provider, "provider_profile", None)
    if profile is not None:
        return bool(profile.is_unregistered)
    return provider.urn is None


def summary_for(provider: Organisation, *, today: date) -> AssuranceSummary:
    return assurance_status(
        AssuranceRecord.objects.filter(organisation=provider),
        unregistered=is_unregistered(provider),
        today=today,
        latest_inspection=latest_inspection_of(provider),
    )


def _expiry_field(kind: str) -> str:
    return f"assurance_expiry_{kind}"


def with_latest_inspection(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate what `annotated_reasons` reads of each provider's latest inspection:
    `latest_inspection_scale`, `_grade`, `_safeguarding` and `_on`."""
    latest = Inspection.objects.filter(organisation=OuterRef("pk")).order_by("-inspected_on", "-id")
    return queryset.annotate(
        latest_inspection_scale=Subquery(latest.values("scale")[:1]),
        latest_inspection_grade=Subquery(latest.values("overall_grade")[:1]),
        latest_inspection_safeguarding=Subquery(
            latest.values("safeguarding_met")[:1], output_field=models.BooleanField(null=True)
        ),
        latest_inspection_on=Subquery(latest.values("inspected_on")[:1]),
    )


def without_vetting(
    provider: Organisation, records: Iterable[AssuranceRecord], *, today: date
) -> bool:
    """`with_assurance`'s `without_vetting` worked out from the provider's records: an
    unregistered provider whose latest vetting confirmation is missing or has expired."""
    vetting = max((r.expires_on for r in records if r.kind == AssuranceKind.VETTING), default=None)
    return is_unregistered(provider) and (vetting is None or vetting < today)


def with_assurance(queryset: QuerySet[Organisation], *, today: date) -> QuerySet[Organisation]:
    """Annotate `assurance_status` (a Status value) and `not_assured` (bool), with what
    `annotated_reasons` needs to say why: `without_vetting` and the latest inspection's
    `latest_inspection_scale`, `_grade`, `_safeguarding` and `_on`."""
    kinds = required_kinds()
    expiries = {
        _expiry_field(kind): Max(
            "assurance_records__expires_on", filter=Q(assurance_records__kind=kind)
        )
        for kind in set(kinds) | {AssuranceKind.VETTING}
    }
    queryset = queryset.annotate(**expiries)
    warn_until = today + timedelta(days=warning_days())
    any_missing = Q()
    for kind in kinds:
        any_missing |= Q(**{f"{_expiry_field(kind)}__isnull": True})
    earliest = (
        Least(*[models.F(_expiry_field(k)) for k in kinds])
        if len(kinds) > 1
        else models.F(_expiry_field(kinds[0]))
    )
    unregistered = Q(provider_profile__registration=Registration.UNREGISTERED) | Q(
        provider_profile__isnull=True, urn__isnull=True
    )
    vetting = _expiry_field(AssuranceKind.VETTING)
    queryset = with_latest_inspection(queryset)
    return queryset.annotate(
        assurance_earliest=earliest,
        assurance_status=Case(
            When(any_missing, then=Value(Status.MISSING.value)),
            When(assurance_earliest__lt=today, then=Value(Status.EXPIRED.value)),
            When(assurance_earliest__lte=warn_until, then=Value(Status.EXPIRING.value)),
            default=Value(Status.ASSURED.value),
            output_field=models.CharField(),
        ),
        without_vetting=Case(
            When(
                unregistered & (Q(**{f"{vetting}__isnull": True}) | Q(**{f"{vetting}__lt": today})),
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        not_assured=Case(
            When(
                Q(without_vetting=True)
                | Q(
                    latest_inspection_scale=Scale.LEGACY,
                    latest_inspection_grade=LegacyGrade.INADEQUATE,
                )
                | Q(
                    latest_inspection_scale=Scale.REPORT_CARD,
                    latest_inspection_safeguarding=False,
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )
