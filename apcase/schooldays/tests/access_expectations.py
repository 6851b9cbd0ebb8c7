import datetime

from apcase.access.testing import Expect
from apcase.accounts.roles import Role
from apcase.schooldays.models import ClosureDay, Term

CLOSURE_KEEPERS = frozenset({Role.SCHOOL_ADMIN, Role.HEADTEACHER})
TERM_KEEPERS = frozenset({Role.LA_ADMIN})


def term_kwargs(world, own):  # type: ignore[no-untyped-def]
    la = world.la if own else world.other_la
    term, _ = Term.objects.get_or_create(
        local_authority=la,
        start_date=datetime.date(2026, 9, 2),
        defaults={"name": "Autumn 1", "end_date": datetime.date(2026, 10, 23)},
    )
    return {"term_id": term.pk}


def la_closure_kwargs(world, own):  # type: ignore[no-untyped-def]
    la = world.la if own else world.other_la
    closure, _ = ClosureDay.objects.get_or_create(
        local_authority=la, date=datetime.date(2027, 5, 3), defaults={"reason": "Bank holiday"}
    )
    return {"closure_id": closure.pk}


def school_closure_kwargs(world, own):  # type: ignore[no-untyped-def]
    school = world.school if own else world.other_school
    closure, _ = ClosureDay.objects.get_or_create(
        school=school, date=datetime.date(2027, 1, 4), defaults={"reason": "INSET day"}
    )
    return {"closure_id": closure.pk}


EXPECTATIONS = {
    "schooldays:terms": Expect(roles=TERM_KEEPERS),
    "schooldays:term_add": Expect(roles=TERM_KEEPERS),
    "schooldays:term_edit": Expect(roles=TERM_KEEPERS, kwargs=term_kwargs),
    "schooldays:term_remove": Expect(roles=TERM_KEEPERS, kwargs=term_kwargs),
    "schooldays:la_closure_add": Expect(roles=TERM_KEEPERS),
    "schooldays:la_closure_remove": Expect(roles=TERM_KEEPERS, kwargs=la_closure_kwargs),
    "schooldays:closures": Expect(roles=CLOSURE_KEEPERS),
    "schooldays:closure_add": Expect(roles=CLOSURE_KEEPERS),
    "schooldays:closure_remove": Expect(roles=CLOSURE_KEEPERS, kwargs=school_closure_kwargs),
}
