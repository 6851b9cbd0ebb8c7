from apcase.access.testing import ALL_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.monitoring.models import FollowUpTask, Visit
from apcase.placements.tests.access_expectations import (
    VIEWERS,
    placement_kwargs,
    walk_placement,
)

FOLLOW_UP = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
VISITORS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER})
CODERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN})
NOT_SCHOOL = dict.fromkeys(ALL_ROLES - SCHOOL_ROLES, 403)
NOT_PROVIDER = dict.fromkeys(ALL_ROLES - PROVIDER_ROLES, 403)


def task_kwargs(world, own):  # type: ignore[no-untyped-def]
    placement = walk_placement(world, own)
    task = placement.follow_ups.first() or FollowUpTask.objects.create(
        placement=placement,
        kind="absence",
        date=placement.start_date,
        session="am",
        detail="Marked N",
    )
    return {"task_id": task.pk}


def absence_kwargs(world, own):  # type: ignore[no-untyped-def]
    import datetime

    from apcase.monitoring.models import AttendanceMark
    from apcase.referrals.tests.factories import person

    placement = walk_placement(world, own)
    mark = AttendanceMark.objects.filter(
        placement=placement, is_current=True, observed="absent_no_reason"
    ).first() or AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=placement.start_date,
        session="am",
        observed="absent_no_reason",
        recorded_by=person(Role.PROVIDER_STAFF, placement.provider),
        recorded_at=datetime.datetime(2026, 9, 7, 9, 0, tzinfo=datetime.UTC),
    )
    return {"mark_id": mark.pk}


def visit_kwargs(world, own):  # type: ignore[no-untyped-def]
    placement = walk_placement(world, own)
    from apcase.referrals.tests.factories import person

    visit = placement.visits.first() or Visit.objects.create(
        placement=placement,
        scheduled_for=placement.start_date,
        scheduled_by=person(Role.INCLUSION_LEAD, placement.pupil.school),
    )
    return {"visit_id": visit.pk}


EXPECTATIONS = {
    "monitoring:register": Expect(roles=PROVIDER_ROLES),
    "monitoring:tasks": Expect(roles=SCHOOL_ROLES),
    "monitoring:in_ap_today": Expect(roles=VISITORS),
    "monitoring:closed_tasks": Expect(roles=SCHOOL_ROLES),
    "monitoring:close_task": Expect(
        roles=FOLLOW_UP, kwargs=task_kwargs, denied=404, role_status=NOT_SCHOOL
    ),
    "monitoring:absences": Expect(roles=SCHOOL_ROLES),
    # The school's coders and the named staff member; other school roles are refused by
    # the absence's scope (404).
    "monitoring:code_absence": Expect(
        roles=CODERS, kwargs=absence_kwargs, denied=404, role_status=NOT_SCHOOL
    ),
    "monitoring:placement": Expect(roles=VIEWERS, kwargs=placement_kwargs),
    "monitoring:attendance_csv": Expect(roles=VIEWERS, kwargs=placement_kwargs),
    "monitoring:attendance_xlsx": Expect(roles=VIEWERS, kwargs=placement_kwargs),
    "monitoring:absences_export": Expect(roles=SCHOOL_ROLES),
    "monitoring:absences_export_xlsx": Expect(roles=SCHOOL_ROLES),
    "monitoring:check_ins_due": Expect(roles=PROVIDER_ROLES),
    "monitoring:overdue_visits": Expect(roles=SCHOOL_ROLES | {Role.LA_OFFICER}),
    "monitoring:check_in": Expect(roles=PROVIDER_ROLES, kwargs=placement_kwargs),
    "monitoring:schedule_visit": Expect(
        roles=VISITORS, kwargs=placement_kwargs, denied=404, role_status=NOT_SCHOOL
    ),
    "monitoring:log_visit": Expect(
        roles=VISITORS, kwargs=visit_kwargs, denied=404, role_status=NOT_SCHOOL
    ),
}
