"""The agenda version (pack.version_of) is hashed from the rows written out as one text,
where issue 16's first pass hashed them a column at a time: the digest of the parts one
after another is the digest of the whole, so the version is the one it always was, for
any values, and every pack stored before is still found as the current one."""

import hashlib

from django.db.models import Model
from django.template.loader import get_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.panel import pack, selectors
from apcase.panel.models import PanelMeeting
from apcase.pupils.models import Pupil
from apcase.referrals.models import Referral

# Any text a form could save: no NUL (PostgreSQL refuses it), no lone surrogate.
TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def _column_by_column(meeting: PanelMeeting, agenda: dict) -> str:
    """The rule the version was, as the first pass wrote it: each column hashed in turn."""
    digest = hashlib.sha256()
    models: set[type[Model]] = set()
    for row in pack._rows(meeting, agenda):
        if row is None:
            digest.update(b"\x00none\x00")
            continue
        model = type(row)
        models.add(model)
        digest.update(f"\x00{model._meta.label}".encode())
        for field in model._meta.concrete_fields:
            if field.name not in pack.UNPRINTED:
                digest.update(f"\x00{field.attname}={getattr(row, field.attname)!r}".encode())
    for name in pack.TEMPLATES:
        digest.update(b"\x00" + get_template(name).template.source.encode())  # type: ignore[attr-defined]
    digest.update(pack._code_digest(tuple(sorted(models, key=lambda m: m._meta.label))))
    return digest.hexdigest()[:32]


@given(
    name=st.text(TEXT, max_size=40),
    description=st.text(TEXT, max_size=200),
    signed=st.booleans(),
    venue=st.text(TEXT, min_size=1, max_size=60),
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_version_is_the_digest_the_columns_hashed_one_by_one_gave(
    scene, name, description, signed, venue
):
    Pupil.objects.filter(pk=scene.pupil.pk).update(preferred_name=name)
    Referral.objects.filter(pk=scene.referral.pk).update(
        reason_description=description, signed_off_by=scene.head if signed else None
    )
    PanelMeeting.objects.filter(pk=scene.meeting.pk).update(venue=venue)
    meeting = PanelMeeting.objects.select_related("panel").get(pk=scene.meeting.pk)
    agenda = selectors.pack_agenda_of(meeting)
    assert pack.version_of(meeting, agenda) == _column_by_column(meeting, agenda)
