from apcase.access.testing import ALL_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.placements.tests.access_expectations import walk_placement
from apcase.reviews.models import Review
from apcase.reviews.tests.factories import make_review

MANAGERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
READERS = MANAGERS | PROVIDER_ROLES | {Role.LA_OFFICER}
# Roles each page's rule refuses outright (403); the others are refused by the
# placement's review rules (404).
PAGE_ROLES = SCHOOL_ROLES | PROVIDER_ROLES | {Role.LA_OFFICER}


def _refused(page_roles: frozenset[str]) -> dict[str, int]:
    return dict.fromkeys(ALL_ROLES - page_roles, 403)


def placement_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"placement_id": walk_placement(world, own).pk}


def review_kwargs(world, own):  # type: ignore[no-untyped-def]
    placement = walk_placement(world, own)
    review = Review.objects.filter(placement=placement).first() or make_review(placement)
    return {"review_id": review.pk}


EXPECTATIONS = {
    # Every placement review overdue or asked for, for those the home page tells of them
    # (it lists the most overdue and links here for the rest).
    "reviews:due": Expect(roles=SCHOOL_ROLES | {Role.LA_OFFICER}),
    # Every report the provider is asked for (the home page lists the first).
    "reviews:reports_due": Expect(roles=PROVIDER_ROLES),
    "reviews:placement": Expect(
        roles=READERS, kwargs=placement_kwargs, denied=404, role_status=_refused(PAGE_ROLES)
    ),
    "reviews:placement_export": Expect(
        roles=READERS, kwargs=placement_kwargs, denied=404, role_status=_refused(PAGE_ROLES)
    ),
    "reviews:placement_export_xlsx": Expect(
        roles=READERS, kwargs=placement_kwargs, denied=404, role_status=_refused(PAGE_ROLES)
    ),
    "reviews:detail": Expect(
        roles=READERS, kwargs=review_kwargs, denied=404, role_status=_refused(PAGE_ROLES)
    ),
    "reviews:minutes_pdf": Expect(
        roles=READERS, kwargs=review_kwargs, denied=404, role_status=_refused(PAGE_ROLES)
    ),
    "reviews:hold": Expect(
        roles=MANAGERS, kwargs=placement_kwargs, denied=404, role_status=_refused(SCHOOL_ROLES)
    ),
    "reviews:request": Expect(
        roles=MANAGERS, kwargs=placement_kwargs, denied=404, role_status=_refused(SCHOOL_ROLES)
    ),
    "reviews:provider_report": Expect(
        roles=PROVIDER_ROLES,
        kwargs=placement_kwargs,
        denied=404,
        role_status=_refused(PROVIDER_ROLES),
    ),
}
