"""Uploaded documents (referral evidence, provider assurance evidence).

Rules:
- The type is decided by the file's content, never by its name or the browser's claim:
  PDF, DOCX, PNG and JPEG only.
- Size is limited (APCASE_UPLOAD_MAX_BYTES, default 10 MB).
- Files are stored under MEDIA_ROOT, outside the web root, under a random name; the
  original name is kept (cleaned) only for display and download.
- They are served only by an access-checked view through `file_response`, as an
  attachment with the detected content type and nosniff.
"""

import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse

from .errors import ValidationFailed


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


def clean_filename(name: str) -> str:
    """A display name with no path, no control characters and a sane length."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .")
    return (base or "document")[:120]


def check_upload(upload: File) -> FileKind:
    """The upload's kind, or ValidationFailed with a message for the user."""
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed("The selected file is empty.")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationFailed(
            f"The selected file must be smaller than {limit // (1024 * 1024)} MB."
        )
    kind = sniff(upload.file if hasattr(upload, "file") else upload)  # type: ignore[arg-type]
    if kind is None:
        raise ValidationFailed(f"The selected file must be {ALLOWED_DESCRIPTION}.")
    return kind


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def store_upload(upload: File, *, folder: str) -> tuple[str, FileKind, str]:
    """Validate and store an upload; returns (stored path, kind, cleaned original name).
    Call inside the service's transaction; a failed transaction leaves an orphan file,
    never a record without its file."""
    kind = check_upload(upload)
    safe_folder = re.sub(r"[^a-z0-9_-]", "", folder.lower()) or "uploads"
    name = f"{safe_folder}/{uuid.uuid4().hex}.{kind.extension}"
    upload.seek(0)
    stored = storage().save(name, upload)
    return stored, kind, clean_filename(upload.name or "document")


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
