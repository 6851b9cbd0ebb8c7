"""Render a Django template to PDF with WeasyPrint (decision letters, panel packs)."""

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from apcase.accounts.models import User


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return pdf_from_html(render_to_string(template_name, context))


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it is slow to load and only PDFs need it

    return bytes(HTML(string=html).write_pdf())


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_download(template_name: str, context: dict[str, Any], *, filename: str) -> HttpResponse:
    """The template rendered as a PDF now, sent as a download named `filename`."""
    return pdf_response(render_pdf(template_name, context), filename=filename)


def printed(by: "User") -> dict[str, Any]:
    """A printed copy's `printed_at` and `printed_by`, which its header names: a copy
    says when it was made and by whom, since it holds what that person may see then."""
    return {"printed_at": timezone.now(), "printed_by": by}
