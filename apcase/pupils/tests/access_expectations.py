import datetime

from django.core.files.base import ContentFile

from apcase.access.testing import LA_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.core import uploads
from apcase.pupils.models import Carer, Exclusion, Pupil
from apcase.pupils.upn import with_check_letter


def _pupil(world, own):  # type: ignore[no-untyped-def]
    school = world.school if own else world.other_school
    return Pupil.objects.filter(school=school).first() or Pupil.objects.create(
        school=school,
        upn=with_check_letter("82620262600" + ("1" if own else "2")),
        legal_first_name="Sam",
        legal_last_name="Example",
        date_of_birth=datetime.date(2016, 3, 4),
        sex="F",
        nc_year="5",
    )


def pupil_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"pupil_id": _pupil(world, own).pk}


# A 1x1 transparent PNG, written once to the upload store for the walk to fetch.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
WALK_PHOTO = "pupil-photos/url-walk.png"


def photo_kwargs(world, own):  # type: ignore[no-untyped-def]
    pupil = _pupil(world, own)
    store = uploads.storage()
    if not store.exists(WALK_PHOTO):
        store.save(WALK_PHOTO, ContentFile(TINY_PNG))
    Pupil.objects.filter(pk=pupil.pk).update(photo_path=WALK_PHOTO)
    return {"pupil_id": pupil.pk}


def carer_kwargs(world, own):  # type: ignore[no-untyped-def]
    pupil = _pupil(world, own)
    carer = pupil.carers.first() or Carer.objects.create(
        pupil=pupil, name="Alex Example", relationship="Parent"
    )
    return {"pupil_id": pupil.pk, "carer_id": carer.pk}


def exclusion_kwargs(world, own):  # type: ignore[no-untyped-def]
    pupil = _pupil(world, own)
    exclusion = pupil.exclusions.first() or Exclusion.objects.create(
        pupil=pupil,
        kind="suspension",
        start_date=datetime.date(2026, 9, 14),
        length_days=2,
        reason_1="DB",
    )
    return {"pupil_id": pupil.pk, "exclusion_id": exclusion.pk}


VIEWERS = SCHOOL_ROLES | (LA_ROLES - {Role.LA_ADMIN}) | PROVIDER_ROLES
EDITORS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL, Role.SCHOOL_ADMIN})
IMPORTERS = frozenset({Role.SCHOOL_ADMIN, Role.INCLUSION_LEAD})
# LA and provider roles see only pupils referred or placed with them: not this one.
CHRONOLOGY_READERS = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL})
# Other school staff reach the chronology only of a pupil they are the named staff
# member for (apcase/pupils/tests/test_named_staff_chronology.py): not this one.
NOT_NAMED_FOR = dict.fromkeys(SCHOOL_ROLES - CHRONOLOGY_READERS, 404)
NOT_REFERRED_OR_PLACED = dict.fromkeys(VIEWERS - SCHOOL_ROLES, 404)

EXPECTATIONS = {
    "pupils:list": Expect(roles=VIEWERS),
    "pupils:export": Expect(roles=VIEWERS, note="each sees only their own scope"),
    "pupils:export_xlsx": Expect(roles=VIEWERS, note="each sees only their own scope"),
    "pupils:create": Expect(roles=EDITORS),
    "pupils:import": Expect(roles=IMPORTERS),
    "pupils:detail": Expect(roles=VIEWERS, kwargs=pupil_kwargs, role_status=NOT_REFERRED_OR_PLACED),
    "pupils:edit": Expect(roles=EDITORS, kwargs=pupil_kwargs),
    "pupils:chronology": Expect(
        roles=CHRONOLOGY_READERS, kwargs=pupil_kwargs, role_status=NOT_NAMED_FOR
    ),
    "pupils:chronology_pdf": Expect(
        roles=CHRONOLOGY_READERS, kwargs=pupil_kwargs, role_status=NOT_NAMED_FOR
    ),
    "pupils:photo": Expect(roles=VIEWERS, kwargs=photo_kwargs, role_status=NOT_REFERRED_OR_PLACED),
    "pupils:photo_edit": Expect(roles=EDITORS, kwargs=pupil_kwargs),
    "pupils:carer_add": Expect(roles=EDITORS, kwargs=pupil_kwargs),
    "pupils:carer_edit": Expect(roles=EDITORS, kwargs=carer_kwargs),
    "pupils:carer_remove": Expect(roles=EDITORS, kwargs=carer_kwargs),
    "pupils:exclusion_add": Expect(roles=EDITORS, kwargs=pupil_kwargs),
    "pupils:exclusion_edit": Expect(roles=EDITORS, kwargs=exclusion_kwargs),
}
