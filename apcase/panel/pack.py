"""The panel pack PDF: rendered once per agenda version, kept in private storage, and
stamped with its reader's name at each download (docs/adr/0013-panel-pack-stored.md).

The agenda version is a digest of everything the pack is made from: every column of
every row it prints from (the meeting, its panel, each referral or emergency on the
agenda with its pupil, school and people, interventions and documents), save the few
that change without anything printed changing (`UNPRINTED`), and the template and
code that turn them into the pack. It changes whenever something the pack shows
changes (the meeting's details, an item joining or leaving, a pupil's name, a
document's title, the template itself), and is computed from the reads the download
makes anyway, a fixed number of queries whatever the agenda holds, without rendering
the pack's HTML. Rendering that HTML to PDF (WeasyPrint, seconds for a full agenda) is
the slow part, done once per version: by `tasks.prepare_pack` after a change commits,
or by the first download that finds no stored pack.

The stored file is under MEDIA_ROOT, which no URL serves (MEDIA_URL is not routed): it
is read only by the access-checked `views.panel_pack`. It ends with the SHA-256 of the
PDF before it (a PDF comment after its end, so the file is still a PDF), checked at
each download: a file whose bytes are not those stored is refused and deleted, never
stamped and served. A version superseded by another is deleted when the new one is
stored."""

import functools
import hashlib
import io
import logging
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from apcase.core import words
from apcase.core.pdf import pdf_from_html
from apcase.core.uploads import storage

from .models import PanelMeeting

logger = logging.getLogger(__name__)

TEMPLATE = "panel/pdf/panel_pack.html"
FOLDER = "panel-packs"


def html_of(meeting: PanelMeeting, agenda: dict[str, Any]) -> str:
    """The pack's HTML for everyone who reads it (no reader, no time of reading)."""
    return render_to_string(TEMPLATE, {"meeting": meeting, **agenda})


# The templates the pack is rendered from (the pack's own and what it includes; a test
# checks the list holds every include), and the code that words what they print.
TEMPLATES = (TEMPLATE, "includes/pdf_style.html")
CODE = ("apcase.core.words", "apcase.core.templatetags.words")

# Columns of the rows the pack is made from that it never prints and that change while
# nothing printed does (a test checks the templates name none of them): a signatory's
# sign-in, a row touched by an edit of something else, the edit counters of a record
# and of an emergency placement's plan (its timetable and objectives, which the pack
# does not print, live in other tables).
UNPRINTED = frozenset(
    {"created_at", "updated_at", "password", "last_login", "version", "plan_version"}
)


def _rows(meeting: PanelMeeting, agenda: dict[str, Any]) -> Iterator[Model | None]:
    """Every row the pack prints from, in the order it prints them (the decisions,
    which it does not print, left out)."""
    yield meeting
    yield meeting.panel
    for referral, _decision in agenda["referral_items"]:
        yield referral
        yield referral.pupil
        yield referral.school
        yield referral.signed_off_by
        yield referral.preferred_provider
        yield from referral.pack_interventions
        yield from referral.pack_documents
    for emergency, _decision in agenda["emergency_items"]:
        yield emergency
        yield emergency.pupil
        yield emergency.school
        yield emergency.placement
        yield emergency.placement.provider


@functools.cache
def _code_digest(models: tuple[type[Model], ...]) -> bytes:
    """The code that words the pack (the template filters, the models' properties and
    choices' labels), as this process runs it: read once, as code changes only with a
    restart. Each module's file as it lies (its source, or the compiled file where only
    that was installed)."""
    digest = hashlib.sha256(f"Django {django.get_version()} {settings.TIME_ZONE}".encode())
    modules = {*CODE, *(model.__module__ for model in models)}
    for name in sorted(modules):
        digest.update(Path(str(sys.modules[name].__file__)).read_bytes())
    return digest.digest()


@functools.cache
def _hashed_columns(model: type[Model]) -> list[str]:
    """The columns of `model` the version is a digest of: every one save `UNPRINTED`."""
    return [field.attname for field in model._meta.concrete_fields if field.name not in UNPRINTED]


def version_of(meeting: PanelMeeting, agenda: dict[str, Any]) -> str:
    """The agenda version: a digest of everything the pack shows (every column of the
    rows it is made from save `UNPRINTED`, its templates as they are loaded now, and the
    code that words them), without rendering it."""
    # The rows written out as one text and hashed once: the digest of the parts one
    # after another is the digest of the whole, so this is the version that hashing each
    # column in turn gave (test_pack_version.py), in 12,000 calls where that took 29,000
    # for a 103-referral agenda.
    parts: list[str] = []
    columns: dict[type[Model], list[str]] = {}
    for row in _rows(meeting, agenda):
        if row is None:
            parts.append("\x00none\x00")
            continue
        model = type(row)
        if model not in columns:
            columns[model] = _hashed_columns(model)
        parts.append(f"\x00{model._meta.label}")
        parts += [f"\x00{attname}={getattr(row, attname)!r}" for attname in columns[model]]
    digest = hashlib.sha256("".join(parts).encode())
    for name in TEMPLATES:
        # Loaded as the renderer loads it: cached by a production process, read afresh
        # in development, so an edited template is a new version wherever it is rendered.
        digest.update(b"\x00" + get_template(name).template.source.encode())  # type: ignore[attr-defined]
    digest.update(_code_digest(tuple(sorted(columns, key=lambda m: m._meta.label))))
    return digest.hexdigest()[:32]


def _name(meeting_id: int, version: str) -> str:
    return f"{FOLDER}/{meeting_id}/{version}.pdf"


class DamagedPack(Exception):
    """A stored pack whose bytes are not those that were stored."""


# The SHA-256 of the PDF, written after its end as a PDF comment when it is stored, and
# checked at each download: far cheaper than reading every object of the file, and it
# also catches a change inside a stream that would still decompress.
SEAL = b"\n%apcase-sha256 "


def _sealed(content: bytes) -> bytes:
    return content + SEAL + hashlib.sha256(content).hexdigest().encode() + b"\n"


def _unsealed(data: bytes) -> bytes:
    content, seal, checksum = data.rpartition(SEAL)
    if not seal or checksum.rstrip(b"\n") != hashlib.sha256(content).hexdigest().encode():
        raise DamagedPack("The stored pack is not the file that was stored.")
    return content


def stored(meeting_id: int, version: str) -> bytes | None:
    """The stored pack of that version, or None if it has not been rendered. A stored
    file that is not byte for byte the one stored (cut short, a block lost) is deleted,
    so the next download renders it again, and raises DamagedPack."""
    name = _name(meeting_id, version)
    files = storage()
    try:
        with files.open(name, "rb") as stored_file:
            data = bytes(stored_file.read())
    except FileNotFoundError:  # never stored, or superseded a moment ago
        return None
    try:
        return _unsealed(data)
    except DamagedPack:
        files.delete(name)
        raise


def render_and_store(meeting_id: int, version: str, html: str) -> bytes:
    """Render the pack's HTML to PDF, store it as its version, and delete the versions
    it supersedes: those stored before this render began (one stored while it ran may
    be newer than it, and stays). Raises whatever the renderer raises (nothing is
    stored then)."""
    began = _file_clock(meeting_id)
    content = pdf_from_html(html)
    _store(_name(meeting_id, version), _sealed(content))
    _delete_superseded(meeting_id, keep=version, before=began)
    return content


def _store(name: str, content: bytes) -> None:
    """Write the pack beside its place and move it there in one step (os.replace), so
    a download reading at that moment finds the whole pack or none, never part of one.
    Another worker storing the same version meanwhile writes the same bytes."""
    files = storage()
    folder, _, _ = name.rpartition("/")
    partial = files.save(f"{folder}/.{uuid.uuid4().hex}.part", ContentFile(content))
    try:
        os.replace(files.path(partial), files.path(name))
    except OSError:
        files.delete(partial)
        raise


def _file_clock(meeting_id: int) -> float:
    """Now, as the file system stamps a file's time: a file stored after this moment
    has a time at or after it. Python's clock will not do: the kernel stamps files with
    a coarser clock that can lag it by a few milliseconds, so a pack stored just after a
    render began could seem older than the render and be deleted as superseded."""
    files = storage()
    marker = files.save(f"{FOLDER}/{meeting_id}/.clock-{uuid.uuid4().hex}", ContentFile(b""))
    try:
        return files.get_modified_time(marker).timestamp()
    finally:
        files.delete(marker)


def _delete_superseded(meeting_id: int, *, keep: str, before: float) -> None:
    files = storage()
    folder = f"{FOLDER}/{meeting_id}"
    if not files.exists(folder):
        return
    for filename in files.listdir(folder)[1]:
        path = f"{folder}/{filename}"
        if filename == f"{keep}.pdf" or not filename.endswith(".pdf"):
            continue  # the new pack, or another render's clock marker
        try:
            stored_at = files.get_modified_time(path).timestamp()
        except FileNotFoundError:  # deleted by another render meanwhile
            continue
        if stored_at < before:
            files.delete(path)


def forget_past(today: Any) -> int:
    """Delete the stored packs of meetings dated before `today` (and of meetings no
    longer recorded): a pack holds the children's referrals, so it is kept only while
    its meeting is to come; a later download renders it again. Returns how many files
    were deleted."""
    files = storage()
    if not files.exists(FOLDER):
        return 0
    folders = [name for name in files.listdir(FOLDER)[0] if name.isdigit()]
    coming = set(
        PanelMeeting.objects.filter(
            pk__in=[int(name) for name in folders], date__gte=today
        ).values_list("pk", flat=True)
    )
    deleted = 0
    for name in folders:
        if int(name) in coming:
            continue
        for filename in files.listdir(f"{FOLDER}/{name}")[1]:
            files.delete(f"{FOLDER}/{name}/{filename}")
            deleted += 1
    return deleted


def current(meeting: PanelMeeting, agenda: dict[str, Any]) -> tuple[bytes, str]:
    """The pack of the agenda as it is now, and its version: the stored one, or
    rendered now (and stored) when no pack of this version is stored yet. Never an
    older version."""
    version = version_of(meeting, agenda)
    content = stored(meeting.pk, version)
    if content is None:
        content = render_and_store(meeting.pk, version, html_of(meeting, agenda))
    return content, version


# The reader's stamp: one line in the top margin of the first page, where the pack
# printed "Generated for … on …" before it was stored. fpdf2 draws it on a page of the
# pack's size (A4) and pikepdf (qpdf) lays it over the stored first page and writes the
# file out again; the other pages are copied as they are.
STAMP_LEFT = 56.7  # the pack's 2 cm margin, in points
STAMP_TOP = 22.0
STAMP_SIZE = 8


def stamp_line(reader_name: str, when: Any, version: str) -> str:
    return (
        f"OFFICIAL-SENSITIVE. Generated for {reader_name} on {words.govuk_datetime(when)} "
        f"(agenda version {version[:8]})."
    )


def _set_font(page: Any, text: str) -> None:
    try:
        text.encode("latin-1")
        page.set_font("Helvetica", style="B", size=STAMP_SIZE)
    except UnicodeEncodeError:
        # A name outside Latin-1: the font matplotlib ships (a base dependency) has it.
        import matplotlib

        font = f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans-Bold.ttf"
        page.add_font("DejaVu", style="B", fname=font)
        page.set_font("DejaVu", style="B", size=STAMP_SIZE)


def _draws(page: Any, text: str) -> bool:
    """Whether the page's font has a glyph for every character of `text` (a missing
    one is left out of the PDF altogether, text layer included)."""
    cmap = getattr(page.current_font, "cmap", None)
    if cmap is None:  # Helvetica, chosen only for Latin-1 text
        return True
    return all(ord(c) in cmap for c in text if not c.isspace())


def _stamp_page(
    reader_name: str, reader_email: str, version: str, width: float, height: float
) -> bytes:
    from fpdf import FPDF

    page = FPDF(unit="pt", format=(width, height))
    page.set_margin(0)
    page.set_auto_page_break(False)
    page.add_page()
    when = timezone.now()
    text = stamp_line(reader_name, when, version)
    _set_font(page, text)
    if reader_email and not _draws(page, reader_name):
        # The font cannot draw the whole name (Chinese characters, say): the copy would
        # name no one, so the reader's sign-in email goes beside it.
        text = stamp_line(f"{reader_name} ({reader_email})", when, version)
    page.set_text_color(212, 53, 28)  # the pack's red for sensitivity
    page.set_xy(STAMP_LEFT, STAMP_TOP)
    # Within the margins, over two lines for a long name (still above the 2 cm margin).
    page.multi_cell(w=width - 2 * STAMP_LEFT, h=STAMP_SIZE * 1.25, text=text)
    return bytes(page.output())


def stamp(content: bytes, *, reader_name: str, version: str, reader_email: str = "") -> bytes:
    """The stored pack with its reader's name (and email, if the font cannot draw the
    name) and the time of reading on page one. A file that is not a whole PDF raises
    (pikepdf.PdfError): it is never repaired, which could serve a pack missing pages
    without a word."""
    import pikepdf

    with pikepdf.open(io.BytesIO(content), attempt_recovery=False) as pack:
        first = pack.pages[0]
        page = pikepdf.Rectangle(first.mediabox)
        overlay = _stamp_page(reader_name, reader_email, version, page.width, page.height)
        with pikepdf.open(io.BytesIO(overlay)) as reader_line:
            first.add_overlay(reader_line.pages[0], rect=page)
            out = io.BytesIO()
            pack.save(out)
    return out.getvalue()


def for_reader(
    meeting: PanelMeeting, agenda: dict[str, Any], *, reader_name: str, reader_email: str = ""
) -> bytes:
    """The current pack (`current`) stamped for its reader (`stamp`). A stored file that
    is damaged (`stored`: not the bytes stored) or cannot be read is deleted before the
    error goes on, so the next download renders it again rather than failing the same
    way."""
    content, version = current(meeting, agenda)
    try:
        return stamp(content, reader_name=reader_name, version=version, reader_email=reader_email)
    except Exception:
        storage().delete(_name(meeting.pk, version))
        raise


# Preparing after a change: the services that change an agenda call
# `prepare_after_commit` with the meetings concerned; once their transaction commits,
# one task per meeting is queued, however many items the change moved.
_pending = threading.local()


def prepare_after_commit(meeting_ids: set[int]) -> None:
    if not settings.APCASE_PREPARE_PANEL_PACKS:
        return  # rendered at the first download instead
    waiting: set[int] = _pending.__dict__.setdefault("ids", set())
    waiting.update(i for i in meeting_ids if i)
    if meeting_ids:
        transaction.on_commit(_enqueue_waiting)


def _enqueue_waiting() -> None:
    from .tasks import prepare_pack

    waiting: set[int] = _pending.__dict__.setdefault("ids", set())
    ids = sorted(waiting)
    waiting.clear()  # the later callbacks of the same transaction find nothing to queue
    for meeting_id in ids:
        try:
            prepare_pack.enqueue(meeting_id)
        except Exception:  # the download renders it then: never fail the change for it
            logger.exception("Could not queue the panel pack of meeting %s", meeting_id)
