"""The key pages the benchmark measures (issue 16), found in a database filled by
`generate_scale_data`: who asks for each (the role of one of `scale.accounts()`) and its
address. The suite renders each at a tiny scale (apcase/home/tests/test_scale_data.py),
so the benchmark never measures an error page."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from apcase.accounts.models import Organisation
from apcase.accounts.roles import Role
from apcase.home import scale
from apcase.panel.models import PanelDecision, PanelMeeting
from apcase.placements.models import Placement


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # whose account asks for it; "" for the bare floor (no session)
    url: str
    # An API endpoint: asked not signed in but with a key of the role's organisation
    # holding these scopes, which that role's account creates (`api_key`).
    scopes: tuple[str, ...] = ()


def api_key(page: Page, email: str) -> str:
    """A new key for an API page, created by the account `email` (an administrator of
    its organisation) through the keys' own service; the key itself, as shown once."""
    from apcase.accounts.models import User
    from apcase.api import services

    admin = User.objects.get(email=email)
    organisation = next(
        m.organisation for m in admin.memberships.filter(is_active=True, role=page.role)
    )
    made = services.create_key(
        by=admin, organisation=organisation, name="Benchmark", scopes=list(page.scopes)
    )
    return made.token


def authorised(client: Any, page: Page, email: str) -> dict[str, str]:
    """What a test client sends to ask for `page` as its role: the session of `email`
    signed in with both factors (as the test suite's `sign_in`), or, for an API page,
    a new key's header (returned, to pass with each request)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from apcase.accounts import two_factor
    from apcase.accounts.models import User

    if page.scopes:
        return {"HTTP_AUTHORIZATION": f"Bearer {api_key(page, email)}"}
    if page.role:
        user = User.objects.get(email=email)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get(confirmed=True).persistent_id
        two_factor.note_verified(session)
        session.save()
    return {}


def scale_school() -> Organisation:
    """The first school of the generated authority, whose accounts `scale.accounts()` are."""
    return Organisation.objects.get(urn=scale.URN_BASE)


def key_pages(school: Organisation | None = None) -> list[Page]:
    """The pages seen from `school` (the generated authority's first school by default),
    by its inclusion lead, its LA's officer and panel chair, and a provider's staff."""
    school = school or scale_school()
    placement = (
        Placement.objects.filter(pupil__school=school, status=Placement.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if placement is None:
        raise RuntimeError(f"{school} has no active placement.")
    pupil_id = placement.pupil_id
    meeting = (
        PanelMeeting.objects.filter(
            panel__local_authority=school.local_authority, status=PanelMeeting.Status.SCHEDULED
        )
        .order_by("date")
        .first()
    )
    if meeting is None:
        raise RuntimeError("The authority has no scheduled panel meeting.")
    decision = PanelDecision.objects.filter(referral__school=school).order_by("pk").first()
    if decision is None or decision.referral_id is None:
        raise RuntimeError(f"{school} has no referral the panel decided.")
    school_lead, officer = Role.INCLUSION_LEAD, Role.LA_OFFICER
    return [
        Page("bare floor (no session)", "", reverse("accessibility")),
        Page("authenticated floor (signed in)", school_lead, reverse("accessibility")),
        Page("home page (school)", school_lead, reverse("home")),
        Page("home page (LA)", officer, reverse("home")),
        Page("home page (provider)", Role.PROVIDER_STAFF, reverse("home")),
        Page("pupil list (school)", school_lead, reverse("pupils:list")),
        Page("pupil list (LA)", officer, reverse("pupils:list")),
        Page("pupil page", school_lead, reverse("pupils:detail", args=[pupil_id])),
        Page("chronology", school_lead, reverse("pupils:chronology", args=[pupil_id])),
        Page(
            "placement monitoring",
            school_lead,
            reverse("monitoring:placement", args=[placement.pk]),
        ),
        Page("provider's register", Role.PROVIDER_STAFF, reverse("monitoring:register")),
        Page("referral list (school)", school_lead, reverse("referrals:list")),
        Page("referral list (LA)", officer, reverse("referrals:list")),
        Page("referral page", officer, reverse("referrals:detail", args=[decision.referral_id])),
        Page("panel agenda", Role.PANEL_CHAIR, reverse("panel:meeting_detail", args=[meeting.pk])),
        Page("panel pack PDF", Role.PANEL_CHAIR, reverse("panel:pack", args=[meeting.pk])),
        Page("provider directory", officer, reverse("directory:provider_list")),
        Page("pupil CSV export (LA)", officer, reverse("pupils:export")),
        Page("referral CSV export (LA)", officer, reverse("referrals:export")),
        Page("compliance board", officer, reverse("oversight:board")),
        Page("outcome dashboards (LA)", officer, reverse("oversight:outcomes")),
        Page(
            "API: the school's placements",
            Role.SCHOOL_ADMIN,
            reverse("api:placements"),
            scopes=("placements:read",),
        ),
        Page(
            "API: the authority's figures",
            Role.LA_ADMIN,
            reverse("api:figures"),
            scopes=("figures:read",),
        ),
    ]
