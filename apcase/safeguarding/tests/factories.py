"""Concerns for tests, made through the service so each carries its audit event and
alerts, as a real one would."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from apcase.safeguarding import services
from apcase.safeguarding.categories import ensure_default_categories
from apcase.safeguarding.models import Concern, ConcernCategory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def category(code: str = "neglect") -> ConcernCategory:
    ensure_default_categories(ConcernCategory)  # transactional tests flush the seeded rows
    return ConcernCategory.objects.get(code=code)


def report(**fields: Any) -> services.ConcernReport:
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "category": category(),
        "account": 'Sam said "I was not given any tea last night".',
        "body_location": "",
        "immediate_action": "Gave Sam breakfast from the club.",
        "others_involved": "A teaching assistant was present.",
    }
    values.update(fields)
    return services.ConcernReport(**values)


def placed_pupil(school: Any, provider: Any) -> Placement:
    found = Placement.objects.filter(
        provider=provider, pupil__school=school, status=Placement.Status.ACTIVE
    ).first()
    return found or make_placement(school, provider, named_staff_member=None)


def concern_at_provider(
    school: Any,
    provider: Any,
    *,
    by: Any = None,
    escalate: bool = False,
    with_attachment: bool = False,
    **fields: Any,
) -> Concern:
    """A concern raised by provider staff about a pupil placed there; optionally shared
    with the LA by the school's DSL."""
    placement = placed_pupil(school, provider)
    reporter = by or person(Role.PROVIDER_STAFF, provider)
    attachments = [SimpleUploadedFile("body-map.pdf", PDF)] if with_attachment else None
    concern = services.raise_concern(
        placement.pupil, by=reporter, report=report(**fields), attachments=attachments
    )
    if escalate:
        dsl = person(Role.SCHOOL_DSL, school)
        services.escalate(concern, by=dsl)
    return Concern.objects.get(pk=concern.pk)
