"""Objects the URL walk (tests/access) asks for: one of each kind belonging to the
world's own school / LA, and one belonging to the other LA and its school."""

import datetime

from django.utils import timezone

from apcase.core.uploads import storage
from apcase.panel.models import PanelDecision, PanelMeeting
from apcase.referrals.models import EmergencyPlacement, Referral, ReferralDocument

from .factories import PDF_BYTES, complete_referral, make_meeting, make_panel, make_pupil

WALK_FILE = "referrals/access-walk.pdf"


def _school(world, own):
    return world.school if own else world.other_school


def _la(world, own):
    return world.la if own else world.other_la


def meeting(world, own):
    panel = make_panel(_la(world, own))
    found = PanelMeeting.objects.filter(panel=panel).first()
    return found or make_meeting(panel, date=timezone.localdate() + datetime.timedelta(days=21))


def referral(world, own, status=Referral.Status.SCHEDULED, tag="s"):
    school = _school(world, own)
    upn = f"W{'1' if own else '2'}{tag:>11}".replace(" ", "0")
    existing = Referral.objects.filter(pupil__upn=upn).first()
    if existing:
        return existing
    pupil = make_pupil(school, upn=upn)
    found = complete_referral(pupil)
    Referral.objects.filter(pk=found.pk).update(
        status=status,
        submitted_at=None if status == Referral.Status.DRAFT else timezone.now(),
        meeting=meeting(world, own) if status == Referral.Status.SCHEDULED else None,
    )
    found.refresh_from_db()
    return found


def draft(world, own):
    return referral(world, own, Referral.Status.DRAFT, tag="d")


def document(world, own):
    found = referral(world, own)
    if not storage().exists(WALK_FILE):
        from django.core.files.base import ContentFile

        storage().save(WALK_FILE, ContentFile(PDF_BYTES))
    return ReferralDocument.objects.filter(referral=found).update(stored_path=WALK_FILE) and (
        ReferralDocument.objects.filter(referral=found).first()
    )


def emergency(world, own):
    found = EmergencyPlacement.objects.filter(school=_school(world, own)).first()
    if found:
        return found
    from apcase.placements.models import Placement

    pupil = make_pupil(_school(world, own), upn=f"E{'1' if own else '2'}00000000001")
    today = timezone.localdate()
    placement = Placement.objects.create(
        pupil=pupil,
        provider=world.provider if own else world.other_provider,
        status=Placement.Status.ACTIVE,
        start_date=today,
        sessions_per_week=5,
        arranged_by=Placement.ArrangedBy.SCHOOL,
        is_emergency=True,
    )
    m = meeting(world, own)
    return EmergencyPlacement.objects.create(
        pupil=pupil,
        school=pupil.school,
        panel=m.panel,
        meeting=m,
        placement=placement,
        arranged_by=m.scheduled_by,
        why_it_cannot_wait="Walk",
        risks="Walk",
        likelihood="low",
        severity="low",
        mitigations="Walk",
        assessed_by="Walk",
        assessed_on=today,
        risk_review_on=today,
    )


def decision(world, own):
    decided = referral(world, own, Referral.Status.DECLINED, tag="x")
    found = PanelDecision.objects.filter(referral=decided).first()
    if found:
        return found
    m = meeting(world, own)
    Referral.objects.filter(pk=decided.pk).update(meeting=m)
    return PanelDecision.objects.create(
        meeting=m, referral=decided, outcome="declined", reasons="Walk", recorded_by=m.scheduled_by
    )
