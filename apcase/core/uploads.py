"""Uploaded documents (referral evidence, provider assurance evidence).

Rules:
- The type is decided by the file's content, never by its name or the browser's claim:
  PDF, DOCX, PNG and JPEG only.
- Size is limited (APCASE_UPLOAD_MAX_BYTES, default 10 MB); a request whose declared
  length is larger than that (plus a margin for the form) is refused before its body
  is read, by `apcase.core.limits.RequestSizeLimitMiddleware`.
- A Word document is a zip: its entries are inspected before it is accepted. One that
  unpacks to more than APCASE_DOCX_MAX_UNPACKED_BYTES, or compresses an entry more
  than APCASE_DOCX_MAX_RATIO times (a zip bomb), or carries macros, embedded objects,
  ActiveX controls or programs, is refused with a message saying why.
- Files are stored under MEDIA_ROOT, outside the web root, under a random name; the
  original name is kept (cleaned) only for display and download.
- They are served only by an access-checked view through `file_response`, as an
  attachment with the detected content type and nosniff.
- A removed document's file is deleted from disk once the removal commits
  (`delete_after_commit`); a removal that rolls back leaves the file in place.
- A file is written before the record that names it, inside the service's transaction;
  if that transaction rolls back the file stays behind, named by nothing. Every column
  that names a stored file is a `StoredFilePath`; `sweep_orphans` (the daily
  `manage.py sweep_uploads`) deletes files no such column names once they are older than
  a day, so a transaction still in flight never loses its file.
"""

import datetime
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import lazy

from .errors import ValidationFailed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    label: str
    extension: str
    content_type: str


PDF = FileKind("PDF", "pdf", "application/pdf")
DOCX = FileKind(
    "Word document",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
PNG = FileKind("PNG image", "png", "image/png")
JPEG = FileKind("JPEG image", "jpg", "image/jpeg")
KINDS = {kind.extension: kind for kind in (PDF, DOCX, PNG, JPEG)}
ALLOWED_DESCRIPTION = "a PDF, a Word document (.docx), or a PNG or JPEG image"


def max_upload_bytes() -> int:
    return int(getattr(settings, "APCASE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def size_words(limit: int) -> str:
    """The upload limit as the hint and the refusal say it: whole megabytes, or whole
    kilobytes under one megabyte (never "0 MB")."""
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


def upload_hint(more: str = "") -> str:
    """An upload field's hint: the kinds and the size `check_upload` accepts, then
    `more`. Worked out each time a form is shown (`lazy_upload_hint`), so it follows the
    limit in force rather than the one read when the form's module was imported."""
    hint = f"Upload {ALLOWED_DESCRIPTION}, smaller than {size_words(max_upload_bytes())}."
    return f"{hint} {more}" if more else hint


lazy_upload_hint = lazy(upload_hint, str)


def sniff(stream: IO[bytes]) -> FileKind | None:
    """What the file is, judged by its first bytes (and, for DOCX, its zip contents)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


# --- Word documents: what may be inside the zip ---------------------------------------

# Parts that carry code or other files: macros, OLE and embedded packages, ActiveX.
_FORBIDDEN_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)(embeddings|activeX)/", re.IGNORECASE
)
# Names a program, script or nested archive would have.
_FORBIDDEN_EXTENSIONS = frozenset(
    {"exe", "dll", "com", "scr", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf"}
    | {"hta", "msi", "msp", "lnk", "jar", "cpl", "sys", "ocx"}  # programs and scripts
    | {"zip", "7z", "rar", "cab"}  # archives inside the archive
    | {"docm", "dotm", "xlsm", "pptm"}  # macro-enabled Office files
)
# The only binary parts Word writes outside those: printer settings.
_ALLOWED_BIN = re.compile(r"^word/printerSettings/printerSettings\d+\.bin$", re.IGNORECASE)
_MACRO_CONTENT_TYPE = b"macroEnabled"
_READ_CHUNK = 64 * 1024


def docx_max_unpacked_bytes() -> int:
    return int(getattr(settings, "APCASE_DOCX_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))


def docx_max_ratio() -> int:
    return int(getattr(settings, "APCASE_DOCX_MAX_RATIO", 100))


def docx_max_entries() -> int:
    return int(getattr(settings, "APCASE_DOCX_MAX_ENTRIES", 1000))


CONTAINS_CODE = (
    "The selected Word document contains macros, embedded objects or programs, which "
    "cannot be accepted. Save it as a plain Word document (.docx) or a PDF and try again."
)
TOO_BIG_UNPACKED = (
    "The selected Word document is too large once unpacked. "
    "Save it as a PDF, or split it into smaller documents, and try again."
)
DAMAGED = "The selected Word document is damaged. Save it again, or as a PDF, and try again."


def inspect_docx(stream: IO[bytes]) -> None:
    """Refuse a Word document that is a zip bomb or carries code; ValidationFailed says
    why. The declared sizes are checked first (cheap), then every entry is read through
    in chunks so a size that lies fails its checksum instead of being believed."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > docx_max_entries():
                raise ValidationFailed(TOO_BIG_UNPACKED)
            for entry in entries:
                _check_entry_name(entry.filename)
                if entry.flag_bits & 0x1:  # encrypted: its contents cannot be checked
                    raise ValidationFailed(CONTAINS_CODE)
            if sum(entry.file_size for entry in entries) > docx_max_unpacked_bytes():
                raise ValidationFailed(TOO_BIG_UNPACKED)
            ratio = docx_max_ratio()
            for entry in entries:
                # Small parts compress well and harmlessly; judge the ratio above 1 MB.
                if entry.file_size > 1024 * 1024 and entry.file_size > ratio * max(
                    entry.compress_size, 1
                ):
                    raise ValidationFailed(TOO_BIG_UNPACKED)
            _read_through(archive, entries)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise ValidationFailed(DAMAGED) from None
    finally:
        stream.seek(0)


def _check_entry_name(name: str) -> None:
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise ValidationFailed(DAMAGED)
    if _FORBIDDEN_PARTS.search(name):
        raise ValidationFailed(CONTAINS_CODE)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if extension in _FORBIDDEN_EXTENSIONS:
        raise ValidationFailed(CONTAINS_CODE)
    if extension == "bin" and not _ALLOWED_BIN.match(name):
        raise ValidationFailed(CONTAINS_CODE)


def _read_through(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    budget = docx_max_unpacked_bytes()
    for entry in entries:
        tail = b""
        with archive.open(entry) as part:
            while chunk := part.read(_READ_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise ValidationFailed(TOO_BIG_UNPACKED)
                if entry.filename == "[Content_Types].xml":
                    if _MACRO_CONTENT_TYPE in tail + chunk:
                        raise ValidationFailed(CONTAINS_CODE)
                    tail = chunk[-len(_MACRO_CONTENT_TYPE) :]


def clean_filename(name: str) -> str:
    """A display name with no path, no control characters and a sane length."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .")
    return (base or "document")[:120]


def check_upload(upload: "File[Any]") -> FileKind:
    """The upload's kind, or ValidationFailed with a message for the user."""
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed("The selected file is empty.")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationFailed(f"The selected file must be smaller than {size_words(limit)}.")
    stream = upload.file if hasattr(upload, "file") else upload
    kind = sniff(stream)  # type: ignore[arg-type]
    if kind is None:
        raise ValidationFailed(f"The selected file must be {ALLOWED_DESCRIPTION}.")
    if kind is DOCX:
        inspect_docx(stream)  # type: ignore[arg-type]
    return kind


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def store_upload(
    upload: "File[Any]", *, folder: str, field: str | None = None
) -> tuple[str, FileKind, str]:
    """Validate and store an upload; returns (stored path, kind, cleaned original name).
    A refusal names `field`, the form field the file came from, so the form shows it
    there. Call inside the service's transaction; a failed transaction leaves an orphan
    file, never a record without its file."""
    try:
        kind = check_upload(upload)
    except ValidationFailed as error:
        if field is None:
            raise
        raise ValidationFailed(str(error), {field: [str(error)]}) from error
    safe_folder = re.sub(r"[^a-z0-9_-]", "", folder.lower()) or "uploads"
    name = f"{safe_folder}/{uuid.uuid4().hex}.{kind.extension}"
    upload.seek(0)
    stored = storage().save(name, upload)
    return stored, kind, clean_filename(upload.name or "document")


def delete_after_commit(stored_path: str) -> None:
    """Delete a stored file once the caller's transaction commits; nothing if it rolls
    back. Call from the service that removes (or replaces) the record pointing at it."""
    if not stored_path:
        return
    transaction.on_commit(lambda: delete_stored(stored_path))


def delete_stored(stored_path: str) -> bool:
    """Delete one stored file now; a file already gone is not an error. Only paths
    under MEDIA_ROOT are touched (the storage refuses any other)."""
    try:
        store = storage()
        if not store.exists(stored_path):
            return False
        store.delete(stored_path)
        return True
    except (OSError, SuspiciousFileOperation) as error:
        logger.warning("Stored file %s not deleted: %s", stored_path, error)
        return False


def file_response(stored_path: str, *, download_name: str, extension: str) -> FileResponse:
    """Serve a stored upload as an attachment. The caller has already checked access."""
    kind = KINDS.get(extension, PDF)
    handle = storage().open(stored_path, "rb")
    filename = clean_filename(download_name)
    if not filename.lower().endswith(f".{kind.extension}"):
        filename = f"{filename}.{kind.extension}"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=kind.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Orphan files -----------------------------------------------------------------------


class StoredFilePath(models.CharField):
    """A column holding the path `store_upload` returned. The orphan sweep keeps every
    file such a column names. To migrations it is a plain CharField (nothing in the
    database differs), so marking a column costs no migration."""

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


# A file younger than this is never swept: its transaction may still be running.
ORPHAN_GRACE = datetime.timedelta(hours=24)


# Folders under MEDIA_ROOT whose files an app keeps and deletes itself, with no record
# naming each one (the panel's stored packs, `panel.pack`): the sweep leaves them be.
_kept_folders: set[str] = set()


def register_kept_folder(folder: str) -> None:
    """Called from an app's `AppConfig.ready()` for a folder it manages itself."""
    _kept_folders.add(folder)


def named_files() -> set[str]:
    """Every stored path some record names, across all apps."""
    named: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, StoredFilePath):
                paths = model._base_manager.exclude(**{field.attname: ""})
                named.update(paths.values_list(field.attname, flat=True))
    return named


def orphan_files(*, older_than: datetime.timedelta = ORPHAN_GRACE) -> list[str]:
    """Stored files (relative to MEDIA_ROOT) that no record names and that were last
    written more than `older_than` ago, oldest first."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    cutoff = (timezone.now() - older_than).timestamp()
    named = named_files()
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        written = path.stat().st_mtime
        relative = path.relative_to(root).as_posix()
        if relative.split("/", 1)[0] in _kept_folders:
            continue
        if written < cutoff and relative not in named:
            found.append((written, relative))
    return [relative for _, relative in sorted(found)]


def sweep_orphans(
    *, older_than: datetime.timedelta = ORPHAN_GRACE, dry_run: bool = False
) -> list[str]:
    """Delete the orphan files (or only list them, with `dry_run`); returns their paths."""
    orphans = orphan_files(older_than=older_than)
    if not dry_run:
        for relative in orphans:
            delete_stored(relative)
        if orphans:
            logger.info("Deleted %d orphan upload file(s)", len(orphans))
    return orphans
