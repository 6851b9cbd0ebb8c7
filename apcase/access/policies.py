"""Who may see or do what. Every rule of access in apcase is a named predicate here
or in the scoping helpers beside it; views, services and templates ask these, never
re-derive a rule of their own.

Rules:
- What a user may do comes only from their *active* memberships (role in organisation).
- Organisation admins (school admin, headteacher, LA admin, provider DSL/manager)
  manage the users of their own organisation, nobody else's.
- System admins manage organisations; they hold no pupil-data role by virtue of that.
- Pupil data is read through scoped selectors (pupils.selectors) built on
  `organisation_ids_for`; a record outside the scope is "not found", never "forbidden".
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils import timezone

from apcase.accounts.models import Invitation, Membership, Organisation, User
from apcase.accounts.roles import (
    CONFIRMING_ROLE,
    NO_PUPIL_DATA_ROLES,
    ORGANISATION_ADMIN_ROLES,
    OrganisationKind,
    Role,
)

if TYPE_CHECKING:
    from apcase.monitoring.models import FollowUpTask
    from apcase.panel.models import InclusionPanel, PanelDecision, PanelMeeting
    from apcase.placements.models import Placement
    from apcase.pupils.models import Pupil
    from apcase.referrals.models import EmergencyPlacement, Referral
    from apcase.reintegration.models import ReintegrationPlan
    from apcase.safeguarding.models import Concern

SCHOOL_PUPIL_ROLES = frozenset(
    {
        Role.INCLUSION_LEAD,
        Role.HEADTEACHER,
        Role.SCHOOL_DSL,
        Role.SCHOOL_STAFF,
        Role.SCHOOL_ADMIN,
    }
)
SCHOOL_PUPIL_EDITOR_ROLES = frozenset(
    {Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL, Role.SCHOOL_ADMIN}
)
LA_CASE_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER})
LA_DIRECTORY_EDITOR_ROLES = frozenset({Role.LA_OFFICER, Role.LA_ADMIN})
PROVIDER_ROLES = frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER})
SAFEGUARDING_ROLES = frozenset({Role.SCHOOL_DSL})


def active_memberships(user: User) -> list[Membership]:
    """The user's active memberships in open organisations, cached on the user object
    for the length of one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_apcase_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .exclude(organisation__status=Organisation.Status.CLOSED)
            .select_related("organisation", "organisation__local_authority")
            .order_by()
        )
        # In Membership's order (organisation's name, then role), sorted here: every
        # signed-in request reads these, and an ORDER BY over the joined rows cost the
        # ORM two fifths of building the query (docs/adr/0014).
        cached.sort(key=lambda m: (m.organisation.name, m.role))
        user._apcase_memberships = cached
    return cached


def remember_memberships(user: User, memberships: list[Membership]) -> None:
    """Fill the cache active_memberships reads, for many users read in one query. The
    caller passes each user's active memberships in open organisations."""
    user._apcase_memberships = memberships


def forget_memberships(user: User) -> None:
    if hasattr(user, "_apcase_memberships"):
        del user._apcase_memberships


# Where an account's roles come from other than its memberships (an API key's account:
# apcase.api registers it): given a user, the memberships it stands for now, or None if
# the user is not one of its accounts.
_MEMBERSHIP_SOURCES: list[Callable[[User], list[Membership] | None]] = []


def register_membership_source(source: Callable[[User], list[Membership] | None]) -> None:
    _MEMBERSHIP_SOURCES.append(source)


def read_memberships_again(user: User) -> None:
    """Read `user`'s account and roles as they are now, for a change decided long after
    the request began (an import checked for minutes): whoever holds a role now is who
    may act. An API key's account has its key read again (revoked: no role)."""
    user.refresh_from_db(fields=["is_active"])
    forget_memberships(user)
    for source in _MEMBERSHIP_SOURCES:
        found = source(user)
        if found is not None:
            remember_memberships(user, found)
            return


def roles_of(user: User) -> set[str]:
    return {m.role for m in active_memberships(user)}


def roles_in(user: User, organisation: Organisation | None) -> set[str]:
    if organisation is None:
        return set()
    return {m.role for m in active_memberships(user) if m.organisation_id == organisation.pk}


def works_at(user: User, organisation: Organisation | None) -> bool:
    """Whether the user's account is active and they hold a role at the organisation
    now: a person named on a record (a placement's staff member, a plan's named adult)
    acts, and is told, only while this holds."""
    return user.is_active and bool(roles_in(user, organisation))


def works_there(user_field: str, organisation_field: str) -> Exists:
    """`works_at` for many records in one query: whether the user named in
    `user_field` of each row holds a role now at the organisation in
    `organisation_field` (active account, active membership, open organisation)."""
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef(user_field),
            organisation_id=OuterRef(organisation_field),
            is_active=True,
            user__is_active=True,
        ).exclude(organisation__status=Organisation.Status.CLOSED)
    )


def has_any_role(user: User, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(m.role in wanted for m in active_memberships(user))


def organisation_ids_for(user: User, roles: Iterable[str]) -> set[int]:
    """Ids of the organisations in which the user holds one of `roles`."""
    wanted = set(roles)
    return {m.organisation_id for m in active_memberships(user) if m.role in wanted}


def organisations_of(user: User) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for membership in active_memberships(user):
        seen.setdefault(membership.organisation_id, membership.organisation)
    return sorted(seen.values(), key=lambda org: org.name)


# --- named predicates -------------------------------------------------------------


# --- accounts and organisations (apcase.accounts) --------------------------------


def is_system_admin(user: User) -> bool:
    return has_any_role(user, {Role.SYSTEM_ADMIN})


def can_use_service(user: User) -> bool:
    return bool(active_memberships(user))


def can_manage_organisations(user: User) -> bool:
    return is_system_admin(user)


def can_manage_users_somewhere(user: User) -> bool:
    return has_any_role(user, ORGANISATION_ADMIN_ROLES) or is_system_admin(user)


def can_manage_users(user: User, organisation: Organisation) -> bool:
    if is_system_admin(user):
        return True
    return bool(roles_in(user, organisation) & ORGANISATION_ADMIN_ROLES)


def can_invite_users(user: User, organisation: Organisation) -> bool:
    return can_manage_users(user, organisation)


def can_grant_role(user: User, organisation: Organisation, role: str) -> bool:
    """May `user` invite someone into (or restore) `role` in `organisation`? An admin of
    the organisation may grant any of its roles (some then wait for confirmation); a
    system admin only roles that see no pupil data, or an organisation's first admin."""
    if roles_in(user, organisation) & ORGANISATION_ADMIN_ROLES:
        return True
    if not is_system_admin(user):
        return False
    if role in NO_PUPIL_DATA_ROLES:
        return True
    return role in ORGANISATION_ADMIN_ROLES and not _has_an_admin(organisation)


def _has_an_admin(organisation: Organisation) -> bool:
    """Any admin membership there, active or not (so deactivating the admins does not
    reopen the "first admin" door to a system admin), or an admin invitation still open."""
    if Membership.objects.filter(
        organisation=organisation, role__in=ORGANISATION_ADMIN_ROLES
    ).exists():
        return True
    return (
        Invitation.objects.usable()
        .filter(organisation=organisation, role__in=ORGANISATION_ADMIN_ROLES)
        .exists()
    )


def grant_needs_confirmation(role: str) -> bool:
    return role in CONFIRMING_ROLE


def can_confirm_grant(
    user: User, organisation: Organisation, role: str, *, not_by: Iterable[int] = ()
) -> bool:
    """May `user` confirm a grant of `role` in `organisation`? They must hold the
    confirming role there now and not be one of `not_by` (the inviter, the person
    receiving the role). Where nobody else holds the confirming role, an LA admin of
    the organisation's local authority confirms."""
    confirming = CONFIRMING_ROLE.get(role)
    if confirming is None or not getattr(user, "is_authenticated", False):
        return False
    excluded = {pk for pk in not_by if pk is not None}
    if user.pk in excluded:
        return False
    if confirming in roles_in(user, organisation):
        return True
    holders = Membership.objects.filter(
        organisation=organisation,
        role=confirming,
        is_active=True,
        user__is_active=True,
    ).exclude(user_id__in=excluded)
    if holders.exists():
        return False
    return Role.LA_ADMIN in roles_in(user, organisation.local_authority)


def can_confirm_invitation(user: User, invitation: Invitation) -> bool:
    if not invitation.awaiting_confirmation or not invitation.is_usable():
        return False
    if (user.email or "").lower() == invitation.email.lower():
        return False
    return can_confirm_grant(
        user, invitation.organisation, invitation.role, not_by=[invitation.invited_by_id]
    )


def can_confirm_role_grants_somewhere(user: User) -> bool:
    return has_any_role(user, set(CONFIRMING_ROLE.values()) | {Role.LA_ADMIN})


def is_own_last_admin_membership(user: User, membership: Membership) -> bool:
    """True when giving up `membership` would leave `user` unable to manage the users
    of its organisation, so nobody is left able to undo the change."""
    if membership.user_id != user.pk:
        return False
    others = [m for m in active_memberships(user) if m.pk != membership.pk]
    if any(m.role == Role.SYSTEM_ADMIN for m in others):
        return False
    return not any(
        m.organisation_id == membership.organisation_id and m.role in ORGANISATION_ADMIN_ROLES
        for m in others
    )


def can_deactivate_membership(user: User, membership: Membership) -> bool:
    if not membership.is_active:
        return False
    if not can_manage_users(user, membership.organisation):
        return False
    return not is_own_last_admin_membership(user, membership)


def can_reactivate_membership(user: User, membership: Membership) -> bool:
    """Restoring a role is granting it again: the same limits as an invitation, and a
    role that needs confirmation is restored only by someone who could confirm it."""
    if membership.is_active:
        return False
    organisation = membership.organisation
    if not can_manage_users(user, organisation):
        return False
    if not can_grant_role(user, organisation, membership.role):
        return False
    if grant_needs_confirmation(membership.role):
        return can_confirm_grant(user, organisation, membership.role, not_by=[membership.user_id])
    return True


# --- pupils (apcase.pupils) ------------------------------------------------------


def can_view_pupils(user: User) -> bool:
    return has_any_role(user, SCHOOL_PUPIL_ROLES | LA_CASE_ROLES | PROVIDER_ROLES)


def can_edit_pupils(user: User) -> bool:
    return has_any_role(user, SCHOOL_PUPIL_EDITOR_ROLES)


def can_edit_pupil_at(user: User, school: Organisation) -> bool:
    return bool(roles_in(user, school) & SCHOOL_PUPIL_EDITOR_ROLES)


def can_see_child_protection(user: User, school: Organisation) -> bool:
    """Child protection plan and child-in-need status: the school's DSL only."""
    return bool(roles_in(user, school) & SAFEGUARDING_ROLES)


PUPIL_IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.INCLUSION_LEAD})


def can_import_pupils(user: User) -> bool:
    return has_any_role(user, PUPIL_IMPORT_ROLES)


def can_import_pupils_at(user: User, school: Organisation) -> bool:
    return bool(roles_in(user, school) & PUPIL_IMPORT_ROLES)


# School days (apcase.schooldays): term dates are the LA's, closure days the school's.
CLOSURE_DAY_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.HEADTEACHER})


def can_manage_terms(user: User) -> bool:
    return has_any_role(user, {Role.LA_ADMIN})


def can_manage_terms_for(user: User, local_authority: Organisation) -> bool:
    return Role.LA_ADMIN in roles_in(user, local_authority)


def can_manage_closure_days(user: User) -> bool:
    return has_any_role(user, CLOSURE_DAY_ROLES)


def can_manage_closure_days_at(user: User, school: Organisation) -> bool:
    return bool(roles_in(user, school) & CLOSURE_DAY_ROLES)


CHRONOLOGY_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})


def can_read_chronologies(user: User) -> bool:
    """The chronology pages: the roles below, and any member of school staff, who reads
    only the pupils they are the named staff member for (can_read_chronology_of)."""
    return has_any_role(user, CHRONOLOGY_ROLES | SCHOOL_PUPIL_ROLES)


def can_read_chronology_of(user: User, school: Organisation, *, named_for: bool = False) -> bool:
    """A pupil's whole timeline: the home school's DSL, inclusion lead and headteacher;
    and the named staff member of the pupil's open placement (`named_for`, which the
    caller asks pupils.registry) while they still work at the school."""
    roles = roles_in(user, school)
    return bool(roles & CHRONOLOGY_ROLES) or (named_for and bool(roles & SCHOOL_PUPIL_ROLES))


# --- provider directory (apcase.directory) ---------------------------------------


def can_view_directory(user: User) -> bool:
    return has_any_role(
        user, SCHOOL_PUPIL_ROLES | LA_CASE_ROLES | LA_DIRECTORY_EDITOR_ROLES | PROVIDER_ROLES
    )


def can_edit_directory(user: User) -> bool:
    return has_any_role(user, LA_DIRECTORY_EDITOR_ROLES)


def can_edit_provider(user: User, provider: Organisation) -> bool:
    """A provider is kept by the officers and admins of the LA that runs its directory."""
    la_id = provider.local_authority_id
    return la_id is not None and la_id in organisation_ids_for(user, LA_DIRECTORY_EDITOR_ROLES)


def can_import_gias(user: User) -> bool:
    """The GIAS upload page: an LA admin (for their own authority) or a system admin
    (the national file)."""
    return has_any_role(user, {Role.LA_ADMIN}) or is_system_admin(user)


def can_import_gias_for(user: User, authority: Organisation) -> bool:
    """One authority's GIAS import touches only that authority's establishments."""
    return Role.LA_ADMIN in roles_in(user, authority)


def can_import_gias_nationally(user: User) -> bool:
    """The national file may move an establishment between authorities: the platform
    operator's job, not any one authority's."""
    return is_system_admin(user)


# --- referrals and panel (apcase.referrals, apcase.panel) -------------------------

# Who at a school works on referrals: they hold health, SEND and family views, so not
# every member of staff. The headteacher alone signs the written application off.
REFERRAL_SCHOOL_VIEWER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
REFERRAL_SCHOOL_EDITOR_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
PANEL_SITTING_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR})
PANEL_RECORDER_ROLES = frozenset({Role.PANEL_CHAIR, Role.LA_OFFICER})


def can_view_referrals(user: User) -> bool:
    return has_any_role(user, REFERRAL_SCHOOL_VIEWER_ROLES | LA_CASE_ROLES)


def can_draft_referrals(user: User) -> bool:
    return has_any_role(user, REFERRAL_SCHOOL_EDITOR_ROLES)


def can_edit_referral(user: User, referral: "Referral") -> bool:
    return bool(roles_in(user, referral.school) & REFERRAL_SCHOOL_EDITOR_ROLES)


def can_sign_off_referral(user: User, referral: "Referral") -> bool:
    return Role.HEADTEACHER in roles_in(user, referral.school)


def can_submit_referral(user: User, referral: "Referral") -> bool:
    return can_edit_referral(user, referral)


def can_withdraw_referral(user: User, referral: "Referral") -> bool:
    return can_edit_referral(user, referral)


def can_view_panel(user: User) -> bool:
    return has_any_role(user, LA_CASE_ROLES)


def can_schedule_meetings(user: User) -> bool:
    return has_any_role(user, {Role.LA_OFFICER})


def can_chase_decision_letters(user: User) -> bool:
    """The list of every panel decision whose letters to the parents have not all gone:
    the LA officers who send them."""
    return has_any_role(user, {Role.LA_OFFICER})


def can_schedule_meetings_for(user: User, panel: "InclusionPanel") -> bool:
    return Role.LA_OFFICER in roles_in(user, panel.local_authority)


def is_panel_member_of(user: User, panel: "InclusionPanel") -> bool:
    return bool(roles_in(user, panel.local_authority) & PANEL_SITTING_ROLES)


def can_read_panel_pack(user: User, meeting: "PanelMeeting") -> bool:
    """Those who sit on the panel, and the LA officers who record its decisions: they
    record what the panel decided on the papers in the pack."""
    roles = roles_in(user, meeting.panel.local_authority)
    return bool(roles & (PANEL_SITTING_ROLES | PANEL_RECORDER_ROLES))


def can_declare_interest(user: User, meeting: "PanelMeeting") -> bool:
    return is_panel_member_of(user, meeting.panel)


def can_record_panel_decisions(user: User) -> bool:
    return has_any_role(user, PANEL_RECORDER_ROLES)


def can_record_decision(user: User, meeting: "PanelMeeting") -> bool:
    return bool(roles_in(user, meeting.panel.local_authority) & PANEL_RECORDER_ROLES)


LETTER_SENDER_ROLES = PANEL_RECORDER_ROLES | REFERRAL_SCHOOL_EDITOR_ROLES


def can_send_letters(user: User) -> bool:
    """The rule of the page that sends a letter to a parent: the panel's chair and LA
    officers, and schools' inclusion leads and headteachers."""
    return has_any_role(user, LETTER_SENDER_ROLES)


def can_send_decision_letters(user: User, decision: "PanelDecision") -> bool:
    """Send the panel's decision letter to the pupil's parents: the chair or an officer
    of the panel's local authority, or the referring school's inclusion lead or
    headteacher."""
    item = decision.referral or decision.emergency
    school = item.school if item is not None else None
    return bool(roles_in(user, decision.meeting.panel.local_authority) & PANEL_RECORDER_ROLES) or (
        bool(roles_in(user, school) & REFERRAL_SCHOOL_EDITOR_ROLES)
    )


def can_close_referral(user: User, referral: "Referral") -> bool:
    return Role.LA_OFFICER in roles_in(user, referral.panel.local_authority)


def can_arrange_emergencies(user: User) -> bool:
    return has_any_role(user, {Role.HEADTEACHER, Role.LA_OFFICER})


def can_arrange_emergency_for(user: User, pupil: "Pupil") -> bool:
    """The pupil's headteacher, or an officer of the LA the pupil's school is in."""
    if Role.HEADTEACHER in roles_in(user, pupil.school):
        return True
    la = pupil.school.local_authority
    return la is not None and Role.LA_OFFICER in roles_in(user, la)


def can_end_unratified_placement(user: User, emergency: "EmergencyPlacement") -> bool:
    return can_arrange_emergency_for(user, emergency.pupil)


def can_sit_on_panels(user: User) -> bool:
    return has_any_role(user, PANEL_SITTING_ROLES)


# --- placements and monitoring (apcase.placements, apcase.monitoring) -------------


def can_arrange_placement_for(user: User, pupil: "Pupil") -> bool:
    """Placements come from the panel (its chair or an LA officer records the decision)
    or the emergency route (the pupil's headteacher or an LA officer)."""
    if Role.HEADTEACHER in roles_in(user, pupil.school):
        return True
    la = pupil.school.local_authority
    return la is not None and bool(roles_in(user, la) & {Role.PANEL_CHAIR, Role.LA_OFFICER})


# Who plans a placement and supports the pupil through it: the pupil's inclusion lead or
# headteacher, the named staff member, or an officer of the LA when the LA arranged it.
PLACEMENT_PLANNER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
# Who may close a same-day follow-up besides the named staff member.
FOLLOW_UP_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})


def can_view_placements(user: User) -> bool:
    return has_any_role(user, SCHOOL_PUPIL_ROLES | LA_CASE_ROLES | PROVIDER_ROLES)


def is_named_staff_member(user: User, placement: "Placement") -> bool:
    """The named staff member acts on the placement only while they still work at the
    pupil's school: whoever holds a role now is who may act."""
    return (
        bool(user.pk)
        and placement.named_staff_member_id == user.pk
        and bool(roles_in(user, placement.pupil.school))
    )


CHECK_IN_COMMENT_READER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.SCHOOL_DSL})


def can_read_check_in_comments(user: User, placement: "Placement") -> bool:
    """A check-in's comments and the child's words: the named staff member, the school's
    inclusion lead and DSL, and the provider that wrote them; not every school role (the
    school admin, for one, has no need of them)."""
    if roles_in(user, placement.pupil.school) & CHECK_IN_COMMENT_READER_ROLES:
        return True
    if is_named_staff_member(user, placement):
        return True
    return bool(roles_in(user, placement.provider) & PROVIDER_ROLES)


def can_plan_placement(user: User, placement: "Placement") -> bool:
    if not active_memberships(user):
        return False
    if is_named_staff_member(user, placement):
        return True
    if roles_in(user, placement.pupil.school) & PLACEMENT_PLANNER_ROLES:
        return True
    la = placement.pupil.school.local_authority
    return (
        placement.arranged_by == placement.ArrangedBy.LA
        and la is not None
        and Role.LA_OFFICER in roles_in(user, la)
    )


def can_end_placement(user: User, placement: "Placement") -> bool:
    """End or extend a placement: whoever may arrange one for the pupil, or the pupil's
    inclusion lead (who leads reviews and reintegration)."""
    if can_arrange_placement_for(user, placement.pupil):
        return True
    return Role.INCLUSION_LEAD in roles_in(user, placement.pupil.school)


def can_watch_placements(user: User) -> bool:
    """Whether the user may be told what is missing or overdue on a school's open
    placements (its inclusion lead; its staff, on the placements they are named on)."""
    return has_any_role(user, SCHOOL_PUPIL_ROLES)


def can_plan_placements_somewhere(user: User) -> bool:
    """Whether the user is a placement's planner at any school (the inclusion lead or
    headteacher): who records the parties' agreements to its plans."""
    return has_any_role(user, PLACEMENT_PLANNER_ROLES)


def can_agree_plans_as_provider(user: User) -> bool:
    """The rule of the provider's agreement page: provider staff and managers."""
    return has_any_role(user, PROVIDER_ROLES)


def can_agree_plan_as_provider(user: User, placement: "Placement") -> bool:
    """The provider's agreement to a placement plan is given by a current user of that
    placement's provider, never recorded for it by the school."""
    return bool(roles_in(user, placement.provider) & PROVIDER_ROLES)


def can_start_placement(user: User, placement: "Placement") -> bool:
    return can_plan_placement(user, placement)


def can_take_registers(user: User) -> bool:
    return has_any_role(user, PROVIDER_ROLES)


def can_mark_attendance(user: User, placement: "Placement") -> bool:
    """Provider staff mark only pupils in an active placement with their own provider,
    or one that ended today (its last day)."""
    open_today = placement.status == placement.Status.ACTIVE or (
        placement.status == placement.Status.ENDED
        and placement.ended_on is not None
        and placement.ended_on >= timezone.localdate()
    )
    return open_today and bool(roles_in(user, placement.provider) & PROVIDER_ROLES)


def can_record_check_in(user: User, placement: "Placement") -> bool:
    return can_mark_attendance(user, placement)


def can_follow_up(user: User) -> bool:
    return has_any_role(user, SCHOOL_PUPIL_ROLES)


# Who may be given overdue visits to arrange: a school's staff (those they are named for,
# and where they stand in) and an authority's officers, who stand in at its schools where
# nobody holds a stand-in role (placements.watch.schools_stood_in_for).
VISIT_ARRANGER_ROLES = SCHOOL_PUPIL_ROLES | {Role.LA_OFFICER}


def can_arrange_overdue_visits(user: User) -> bool:
    return has_any_role(user, VISIT_ARRANGER_ROLES)


def can_watch_authority_assurance(user: User) -> bool:
    """Whether the user is told of the expiring or expired assurance of every provider in
    their authority's directory (its officers)."""
    return has_any_role(user, {Role.LA_OFFICER})


# Who watches each of the school's children in alternative provision today, with the
# attendance recorded so far (the home page's list and the page listing every one).
IN_AP_WATCHER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})


def can_watch_in_ap_today(user: User) -> bool:
    return has_any_role(user, IN_AP_WATCHER_ROLES)


def can_close_follow_up(user: User, task: "FollowUpTask") -> bool:
    if task.assigned_to_id is not None and task.assigned_to_id == user.pk:
        return bool(roles_in(user, task.placement.pupil.school))
    return bool(roles_in(user, task.placement.pupil.school) & FOLLOW_UP_ROLES)


def can_record_visit(user: User, placement: "Placement") -> bool:
    return can_plan_placement(user, placement)


# Who at the home school turns an absence the provider reported into a statutory code
# (only the school authorises absence: SI 2024/208 reg 11), besides the named staff member.
ATTENDANCE_CODER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN})


def can_code_attendance(user: User) -> bool:
    """The "absences to code" page: school staff (the queue shows only their pupils)."""
    return has_any_role(user, SCHOOL_PUPIL_ROLES)


def can_code_attendance_of(user: User, placement: "Placement") -> bool:
    if is_named_staff_member(user, placement) and bool(active_memberships(user)):
        return True
    return bool(roles_in(user, placement.pupil.school) & ATTENDANCE_CODER_ROLES)


# Who may correct who commissions a placement and under which power: the pupil's
# headteacher or inclusion lead, or the panel chair or an officer of the school's LA.
COMMISSIONING_SCHOOL_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
COMMISSIONING_LA_ROLES = frozenset({Role.PANEL_CHAIR, Role.LA_OFFICER})


def can_correct_commissioning(user: User, placement: "Placement") -> bool:
    school = placement.pupil.school
    if roles_in(user, school) & COMMISSIONING_SCHOOL_ROLES:
        return True
    la = school.local_authority
    return la is not None and bool(roles_in(user, la) & COMMISSIONING_LA_ROLES)


# --- safeguarding concerns (apcase.safeguarding) ------------------------------------
# Anyone on the staff of the pupil's school, or of the provider the pupil attends, may
# raise a concern; raising one never needs read access to other concerns. The school's
# DSL handles it; the provider's DSL (provider manager) sees those raised at the
# provider; LA officers see the ones escalated to them. Which concerns a user sees is
# decided in apcase.safeguarding.selectors.

CONCERN_RAISER_ROLES = SCHOOL_PUPIL_ROLES | PROVIDER_ROLES
PROVIDER_SAFEGUARDING_ROLES = frozenset({Role.PROVIDER_MANAGER})
LA_SAFEGUARDING_ROLES = frozenset({Role.LA_OFFICER})
CONCERN_READER_ROLES = SAFEGUARDING_ROLES | PROVIDER_SAFEGUARDING_ROLES | LA_SAFEGUARDING_ROLES


def can_raise_concerns(user: User) -> bool:
    return has_any_role(user, CONCERN_RAISER_ROLES)


def can_raise_concern_from(user: User, placement: "Placement") -> bool:
    """From a placement's page: the pupil's school staff always; the provider's staff
    while the placement is planned or active (safeguarding.selectors decides the same
    for the concern form itself)."""
    if not can_raise_concerns(user):
        return False
    if roles_in(user, placement.pupil.school) & CONCERN_RAISER_ROLES:
        return True
    return placement.status != placement.Status.ENDED and bool(
        roles_in(user, placement.provider) & CONCERN_RAISER_ROLES
    )


def can_list_concerns(user: User) -> bool:
    """The concern list: DSLs, provider DSLs and LA officers (each sees its own scope)."""
    return has_any_role(user, CONCERN_READER_ROLES)


def is_school_dsl_of(user: User, school: Organisation) -> bool:
    return bool(roles_in(user, school) & SAFEGUARDING_ROLES)


def can_handle_concern(user: User, concern: "Concern") -> bool:
    """Acknowledge, record actions, set a review date, escalate, close: the DSL of the
    school the concern belongs to."""
    return is_school_dsl_of(user, concern.school)


def can_add_to_concern(user: User, concern: "Concern") -> bool:
    """An addendum: the school's DSL, the provider's DSL for a concern raised at the
    provider, and the reporter while they still work where they raised it."""
    if can_handle_concern(user, concern):
        return True
    provider = concern.raised_at_provider
    if provider is not None and roles_in(user, provider) & PROVIDER_SAFEGUARDING_ROLES:
        return True
    return concern.reported_by_id == user.pk and bool(
        roles_in(user, concern.reporter_organisation) & CONCERN_RAISER_ROLES
    )


def can_open_concerns(user: User) -> bool:
    """A concern's page: its readers, and reporters (their own, without the handling); which
    concerns is the selector's business."""
    return has_any_role(user, CONCERN_RAISER_ROLES | CONCERN_READER_ROLES)


def can_see_concern_handling(user: User, concern: "Concern") -> bool:
    """The DSL's handling (acknowledgement, actions, review, outcome): the school's DSL,
    the provider's DSL for a concern raised there, and the LA's officers once shared;
    not the reporter, who sees what they raised and the addenda."""
    if can_handle_concern(user, concern):
        return True
    provider = concern.raised_at_provider
    if provider is not None and roles_in(user, provider) & PROVIDER_SAFEGUARDING_ROLES:
        return True
    authority = concern.school.local_authority
    return concern.escalated_at is not None and bool(
        roles_in(user, authority) & LA_SAFEGUARDING_ROLES
    )


# --- placement reviews (apcase.reviews) --------------------------------------------
# The school holds the review: its inclusion lead, headteacher and DSL, and the
# placement's named staff member (whatever their role, while they work at the school).
# The provider of the placement reads the review, less its DSL-only part, and writes
# its report before each; the LA's officers read the reviews of the placements they see.

REVIEW_MANAGER_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
REVIEW_LA_READER_ROLES = frozenset({Role.LA_OFFICER})


def can_view_reviews(user: User) -> bool:
    """The review pages' rule: whoever might hold or read a review somewhere (each
    placement's own rule decides the rest)."""
    return has_any_role(user, SCHOOL_PUPIL_ROLES | REVIEW_LA_READER_ROLES | PROVIDER_ROLES)


def can_see_reviews_due(user: User) -> bool:
    """The list of every placement review overdue or asked for by a parent: whoever the
    home page tells of them (the school's staff, the authority's officers)."""
    return has_any_role(user, SCHOOL_PUPIL_ROLES | REVIEW_LA_READER_ROLES)


def can_hold_reviews(user: User) -> bool:
    return has_any_role(user, SCHOOL_PUPIL_ROLES)


def can_write_provider_reports(user: User) -> bool:
    return has_any_role(user, PROVIDER_ROLES)


def can_manage_reviews(user: User, placement: "Placement") -> bool:
    """Hold a review, record a parent's request: the school's review roles or the
    named staff member."""
    if roles_in(user, placement.pupil.school) & REVIEW_MANAGER_ROLES:
        return True
    return is_named_staff_member(user, placement)


def can_write_provider_report(user: User, placement: "Placement") -> bool:
    """The provider's staff, for its own open placement."""
    return placement.status != placement.Status.ENDED and bool(
        roles_in(user, placement.provider) & PROVIDER_ROLES
    )


def can_read_reviews(user: User, placement: "Placement") -> bool:
    if can_manage_reviews(user, placement) or can_write_provider_report(user, placement):
        return True
    la = placement.pupil.school.local_authority
    return la is not None and bool(roles_in(user, la) & REVIEW_LA_READER_ROLES)


def can_see_review_concerns(user: User, placement: "Placement") -> bool:
    """The number of safeguarding concerns in a review's period: the school's DSL only."""
    return is_school_dsl_of(user, placement.pupil.school)


# --- reintegration plans (apcase.reintegration) ------------------------------------


def can_view_reintegration(user: User) -> bool:
    """Reintegration plans are read by whoever reads the placement (its own scope)."""
    return can_view_placements(user)


def can_manage_reintegration(user: User, placement: "Placement") -> bool:
    """Draft, agree and review a reintegration plan: whoever plans the placement (its
    named staff member, the school's inclusion lead or headteacher, an LA officer when
    the LA arranged it), on their current memberships."""
    return can_plan_placement(user, placement)


def can_review_reintegration(user: User, plan: "ReintegrationPlan") -> bool:
    """Record the progress found at a review point: whoever manages the plan, and its
    named adult while they work at the pupil's school."""
    if can_manage_reintegration(user, plan.placement):
        return True
    return (
        bool(user.pk)
        and plan.named_adult_id == user.pk
        and bool(roles_in(user, plan.placement.pupil.school))
    )


def can_complete_reintegration(user: User, placement: "Placement") -> bool:
    """Completing the plan ends the placement: also one who may end it."""
    return can_manage_reintegration(user, placement) and can_end_placement(user, placement)


# --- the school census return (apcase.census) ---------------------------------------
# The school's return is prepared by whoever keeps its census: the data manager (school
# admin), the inclusion lead and the headteacher, who authorises it.
CENSUS_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN})


def can_prepare_census(user: User) -> bool:
    return has_any_role(user, CENSUS_ROLES)


def can_prepare_census_for(user: User, school: Organisation) -> bool:
    return bool(roles_in(user, school) & CENSUS_ROLES)


# --- compliance board (apcase.oversight) --------------------------------------------
# The board shows every child in AP with the state of each duty the school and the LA
# owe them. It is for those who answer for all of a school's or an LA's placements:
# the school's inclusion lead, headteacher and DSL; the LA's officers and the panel's
# chair. Not plain school staff or school administrators (a member of staff sees the
# placements they are named for on their home page; the board would show them every
# child of the school), not panel members (they decide referrals, they do not oversee
# placements), not an LA's administrator (accounts only) and not providers (the board
# judges the provider too: its assurance and its registers).

BOARD_SCHOOL_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
BOARD_LA_ROLES = frozenset({Role.LA_OFFICER, Role.PANEL_CHAIR})


def can_view_compliance_board(user: User) -> bool:
    return has_any_role(user, BOARD_SCHOOL_ROLES | BOARD_LA_ROLES)


# --- the REST API (apcase.api) --------------------------------------------------------
# An organisation's administrators (the roles that manage its users) create and revoke
# its API keys. A key acts for its organisation with one role, the one a member of staff
# doing the same work by hand would hold, and every endpoint asks the same predicates and
# scoped selectors as the pages: a provider's key marks its own placed pupils as its
# staff do; a school's key reads and imports as its administrator does (not its DSL: a
# key never sees child-protection information); an LA's key reads as its officer does,
# and the API gives it figures only. A key's scopes narrow further what it may call.
API_KEY_ROLE: dict[str, str] = {
    OrganisationKind.PROVIDER: Role.PROVIDER_STAFF,
    OrganisationKind.SCHOOL: Role.SCHOOL_ADMIN,
    OrganisationKind.LOCAL_AUTHORITY: Role.LA_OFFICER,
}


def can_manage_api_keys_somewhere(user: User) -> bool:
    return has_any_role(user, ORGANISATION_ADMIN_ROLES)


def can_manage_api_keys(user: User, organisation: Organisation) -> bool:
    return organisation.kind in API_KEY_ROLE and bool(
        roles_in(user, organisation) & ORGANISATION_ADMIN_ROLES
    )


def can_read_ap_figures(user: User) -> bool:
    """Counts of children in AP by provider and by school, no names: those who oversee
    an LA's placements (the compliance board's LA roles)."""
    return has_any_role(user, BOARD_LA_ROLES)


# --- outcome dashboards (apcase.oversight.outcomes) ----------------------------------
# Figures over every placement and referral a school or an LA answers for: how many
# children are in AP, why, where, how fast, with what attendance and outcome. For the
# school's inclusion lead and headteacher (their own pupils) and the LA's officers
# (every placement of a pupil at a school in their area, every referral to their
# panels). Not the DSL or plain staff (the board and their home page show them what
# they act on), not panel members or the chair (they decide one referral at a time),
# not the LA's administrator (accounts only), and not providers: the figures compare
# providers with each other.

DASHBOARD_SCHOOL_ROLES = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
DASHBOARD_LA_ROLES = frozenset({Role.LA_OFFICER})


def can_view_outcome_dashboard(user: User) -> bool:
    return has_any_role(user, DASHBOARD_SCHOOL_ROLES | DASHBOARD_LA_ROLES)
