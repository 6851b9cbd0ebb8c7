from apcase.access.testing import LA_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.pupils.models import Pupil


def pupil_kwargs(world, own):  # type: ignore[no-untyped-def]
    school = world.school if own else world.other_school
    pupil = Pupil.objects.filter(school=school).first() or Pupil.objects.create(
        school=school,
        upn="A12345678901" + ("2" if own else "3"),
        legal_first_name="Sam",
        legal_last_name="Example",
        date_of_birth="2016-03-04",
    )
    return {"pupil_id": pupil.pk}


VIEWERS = SCHOOL_ROLES | (LA_ROLES - {Role.LA_ADMIN}) | PROVIDER_ROLES

EXPECTATIONS = {
    "pupils:list": Expect(roles=VIEWERS),
    # LA and provider roles see only pupils referred or placed with them: not this one.
    "pupils:detail": Expect(
        roles=VIEWERS,
        kwargs=pupil_kwargs,
        role_status=dict.fromkeys(VIEWERS - SCHOOL_ROLES, 404),
    ),
}
