from apcase.access.testing import ALL_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.placements.tests.access_expectations import walk_placement
from apcase.reintegration.models import ReintegrationPlan

from .factories import MORNINGS, add_phase, make_plan, review_on

LA_CASE = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER})
VIEWERS = SCHOOL_ROLES | LA_CASE | PROVIDER_ROLES
# Who plans the walk's placement (one the LA arranged): policies.can_manage_reintegration.
MANAGERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.LA_OFFICER})
NOT_VIEWERS = dict.fromkeys(ALL_ROLES - VIEWERS, 403)


def _plan(world, own):  # type: ignore[no-untyped-def]
    placement = walk_placement(world, own)
    found = ReintegrationPlan.objects.filter(placement=placement).first()
    if found is None:
        found = make_plan(placement)
        add_phase(found, 1, 2, MORNINGS, [])
        review_on(found, found.start_date)
    return found


def placement_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"placement_id": walk_placement(world, own).pk}


def plan_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"plan_id": _plan(world, own).pk}


def phase_kwargs(world, own):  # type: ignore[no-untyped-def]
    plan = _plan(world, own)
    return {"plan_id": plan.pk, "phase_id": plan.phases.first().pk}


def point_kwargs(world, own):  # type: ignore[no-untyped-def]
    plan = _plan(world, own)
    return {"plan_id": plan.pk, "point_id": plan.review_points.first().pk}


def _manage(kwargs=plan_kwargs, **extra):  # type: ignore[no-untyped-def]
    return Expect(roles=MANAGERS, kwargs=kwargs, denied=404, role_status=NOT_VIEWERS, **extra)


EXPECTATIONS = {
    "reintegration:list": Expect(roles=VIEWERS),
    "reintegration:create": _manage(placement_kwargs),
    "reintegration:detail": Expect(roles=VIEWERS, kwargs=plan_kwargs),
    "reintegration:la_letter": Expect(roles=VIEWERS, kwargs=plan_kwargs),
    "reintegration:edit": _manage(),
    "reintegration:add_phase": _manage(),
    "reintegration:remove_phase": _manage(phase_kwargs, method="POST", ok=302),
    "reintegration:agreement": _manage(),
    "reintegration:add_review_point": _manage(),
    "reintegration:progress": _manage(point_kwargs),
    # The walk's draft plan has a part-time phase and no agreement: refused, with a message.
    "reintegration:activate": _manage(method="POST", ok=302),
    "reintegration:complete": _manage(),
    "reintegration:withdraw": _manage(),
}
