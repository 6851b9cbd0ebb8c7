"""A pupil's photo: set or removed by the school's editors; the file is kept outside
the web root (apcase.core.uploads)."""

from typing import Any

from django.db import transaction

from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.core import uploads

from ..audit import PupilAction
from ..models import Pupil
from .records import _fail, _require_editor


def set_pupil_photo(*, by: User, pupil: Pupil, upload: Any) -> Pupil:
    """Store a PNG or JPEG photo (checked by content, not name) and use it for the pupil."""
    _require_editor(by, pupil.school)
    if not upload:
        raise _fail("photo", "Select a photo.")
    kind = uploads.check_upload(upload)
    if kind not in (uploads.PNG, uploads.JPEG):
        raise _fail("photo", "The photo must be a PNG or JPEG image.")
    with transaction.atomic():
        stored, _, _ = uploads.store_upload(upload, folder="pupil-photos")
        old = pupil.photo_path
        Pupil.objects.filter(pk=pupil.pk).update(photo_path=stored)
        pupil.photo_path = stored
        uploads.delete_after_commit(old)  # the replaced photo goes once this commits
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.PHOTO_CHANGED,
            changes={"photo": ["replaced" if old else None, "added"]},
            summary="Photo added" if not old else "Photo replaced",
        )
    return pupil


def remove_pupil_photo(*, by: User, pupil: Pupil) -> Pupil:
    _require_editor(by, pupil.school)
    if not pupil.photo_path:
        return pupil
    with transaction.atomic():
        old = pupil.photo_path
        Pupil.objects.filter(pk=pupil.pk).update(photo_path="")
        pupil.photo_path = ""
        uploads.delete_after_commit(old)  # the file goes once the removal commits
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.PHOTO_REMOVED,
            changes={"photo": ["present", None]},
            summary="Photo removed",
        )
    return pupil
