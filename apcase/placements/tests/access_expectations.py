from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apcase.access.testing import ALL_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.placements import services
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals.tests.factories import PDF_BYTES, person

LA_CASE = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER})
VIEWERS = SCHOOL_ROLES | LA_CASE | PROVIDER_ROLES
PLANNERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.LA_OFFICER})
# Roles the page's rule refuses outright (403); other viewers are refused by the
# placement's scope (404).
NOT_VIEWERS = dict.fromkeys(ALL_ROLES - VIEWERS, 403)


def walk_placement(world, own):  # type: ignore[no-untyped-def]
    school, provider = (
        (world.school, world.provider) if own else (world.other_school, world.other_provider)
    )
    found = Placement.objects.filter(provider=provider, status="active").first()
    return found or make_placement(school, provider, arranged_by="la", named_staff_member=None)


def placement_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"placement_id": walk_placement(world, own).pk}


def planned_kwargs(world, own):  # type: ignore[no-untyped-def]
    return placement_kwargs(world, own)


def signed_form_kwargs(world, own):  # type: ignore[no-untyped-def]
    """A parent's agreement to the walk's placement, recorded with a signed form."""
    placement = walk_placement(world, own)
    agreement = placement.agreements.exclude(signed_form_path="").first()
    if agreement is None:
        school = world.school if own else world.other_school
        carer = CarerFactory(pupil=placement.pupil, name="Mara Stone")
        agreement = services.record_agreement(
            placement,
            by=person(Role.INCLUSION_LEAD, school),
            details=services.AgreementDetails(
                party="parent",
                agreed_on=timezone.localdate(),
                carer=carer,
                how="signed_form",
                signed_form=SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf"),
            ),
        )
    return {"placement_id": placement.pk, "agreement_id": agreement.pk}


def _plan_page(kwargs=placement_kwargs, **extra):  # type: ignore[no-untyped-def]
    return Expect(roles=PLANNERS, kwargs=kwargs, denied=404, role_status=NOT_VIEWERS, **extra)


# Who may end or extend a placement (policies.can_end_placement); the walk's placement
# is one the LA arranged.
ENDERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.LA_OFFICER, Role.PANEL_CHAIR})

EXPECTATIONS = {
    "placements:end": Expect(
        roles=ENDERS, kwargs=placement_kwargs, denied=404, role_status=NOT_VIEWERS
    ),
    "placements:extend": Expect(
        roles=ENDERS, kwargs=placement_kwargs, denied=404, role_status=NOT_VIEWERS
    ),
    "placements:detail": Expect(roles=VIEWERS, kwargs=placement_kwargs),
    "placements:plans_to_agree": Expect(roles={Role.INCLUSION_LEAD, Role.HEADTEACHER}),
    "placements:provider_plans_to_agree": Expect(roles=PROVIDER_ROLES),
    "placements:missing_or_overdue": Expect(roles=SCHOOL_ROLES),
    "placements:agreement_pdf": Expect(roles=VIEWERS, kwargs=placement_kwargs),
    "placements:edit_plan": _plan_page(),
    "placements:timetable": _plan_page(),
    "placements:sites": _plan_page(),
    "placements:add_objective": _plan_page(),
    "placements:record_agreement": _plan_page(),
    # A parent's signed agreement form: for those who record the agreements.
    "placements:signed_form": _plan_page(kwargs=signed_form_kwargs),
    # The provider agrees for itself: its own staff and managers; every other role is
    # refused by the page's rule, another provider's user by the placement's scope.
    "placements:provider_agreement": Expect(
        roles=PROVIDER_ROLES,
        kwargs=placement_kwargs,
        denied=404,
        role_status=dict.fromkeys(ALL_ROLES - PROVIDER_ROLES, 403),
    ),
    # An active placement cannot start again: the page answers with a message (302).
    "placements:start": _plan_page(method="POST", ok=302),
    # The pupil's headteacher or inclusion lead, or the LA's panel chair or officer.
    "placements:commissioning": Expect(
        roles=frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.PANEL_CHAIR, Role.LA_OFFICER}),
        kwargs=placement_kwargs,
        denied=404,
        role_status=NOT_VIEWERS,
    ),
}
