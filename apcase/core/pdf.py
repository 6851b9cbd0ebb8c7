"""Render a Django template to PDF with WeasyPrint (decision letters, panel packs)."""

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string


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
