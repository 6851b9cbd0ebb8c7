"""A request larger than the upload limit allows is refused with a 413 before its body
is read (issue 9, data hygiene): no temporary file, no form, no session touched."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core.limits import request_limit_for
from apcase.referrals.models import ReferralDocument
from apcase.referrals.tests.factories import (
    PDF_BYTES,
    draft_referral,
    make_panel,
    make_pupil,
    pdf_upload,
    person,
)
from conftest import sign_in
from tests.helpers import assert_page

LIMIT = 64 * 1024


class WatchedBody(io.BytesIO):
    """The request body as the WSGI server hands it over, counting what is read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


@pytest.fixture
def small_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything bigger would spool to disk
    settings.APCASE_UPLOAD_MAX_BYTES = LIMIT
    settings.APCASE_REQUEST_MAX_BYTES = LIMIT + 4 * 1024
    return tmp_path


@pytest.fixture
def lead_and_referral(world, small_limits):
    make_panel(world.la)
    lead = person(Role.INCLUSION_LEAD, world.school)
    referral = draft_referral(make_pupil(world.school), created_by=lead)
    return sign_in(Client(), lead), referral


def _multipart(title: str, data: bytes) -> tuple[bytes, str]:
    boundary = "apcase-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _post(client, referral, body: bytes, content_type: str, stream: WatchedBody | None = None):
    stream = stream or WatchedBody(body)
    response = client.generic(
        "POST",
        reverse("referrals:documents", args=[referral.pk]),
        data=body,
        content_type=content_type,
        **{"wsgi.input": stream},
    )
    return response, stream


def test_an_oversized_upload_is_refused_with_413_before_its_body_is_read(
    lead_and_referral, small_limits
):
    client, referral = lead_and_referral
    body, content_type = _multipart("Too big", PDF_BYTES + b"0" * (2 * LIMIT))
    response, stream = _post(client, referral, body, content_type)

    page = assert_page(response, status=413)
    assert "The file is too large" in page
    assert f"larger than {(LIMIT + 4 * 1024) // 1024} KB" in page
    assert "nothing has been saved" in page
    assert response["Cache-Control"] == "no-store"
    assert not response.has_header("Connection")  # WSGI forbids hop-by-hop headers
    assert stream.bytes_read == 0  # not a byte of the body was read
    assert list((small_limits / "spool").iterdir()) == []  # nor spooled to disk
    assert not ReferralDocument.objects.exists()


def test_a_false_small_length_does_not_let_more_in(lead_and_referral, small_limits):
    """The server hands Django only Content-Length bytes: a body longer than it says is
    cut there, and the upload fails as incomplete instead of being stored."""
    client, referral = lead_and_referral
    body, content_type = _multipart("Lying", PDF_BYTES + b"0" * (2 * LIMIT))
    stream = WatchedBody(body)
    response = client.generic(
        "POST",
        reverse("referrals:documents", args=[referral.pk]),
        data=body,
        content_type=content_type,
        CONTENT_LENGTH=str(LIMIT),
        **{"wsgi.input": stream},
    )
    assert response.status_code == 200
    assert "Select a file to upload." in response.content.decode()  # the cut file is dropped
    assert stream.bytes_read <= LIMIT
    assert not ReferralDocument.objects.exists()


def test_an_upload_within_the_limit_is_still_taken(lead_and_referral):
    client, referral = lead_and_referral
    response = client.post(
        reverse("referrals:documents", args=[referral.pk]),
        {"title": "Fits", "upload": pdf_upload(content=PDF_BYTES + b"0" * (LIMIT // 2))},
    )
    assert response.status_code == 302
    assert referral.documents.count() == 1


def test_an_upload_just_over_the_file_limit_gets_the_forms_message_not_413(
    lead_and_referral,
):
    """Within the margin, the form answers, naming the field, as before."""
    client, referral = lead_and_referral
    response = client.post(
        reverse("referrals:documents", args=[referral.pk]),
        {"title": "Slightly big", "upload": pdf_upload(content=PDF_BYTES + b"0" * LIMIT)},
    )
    assert_page(response, contains="must be smaller than")


def test_a_signed_out_oversized_post_gets_413_too(world, small_limits):
    body, content_type = _multipart("x", b"0" * (2 * LIMIT))
    stream = WatchedBody(body)
    response = Client().generic(
        "POST",
        reverse("accounts:login"),
        data=body,
        content_type=content_type,
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    assert stream.bytes_read == 0


def test_the_gias_import_has_its_own_larger_limit(settings):
    settings.APCASE_REQUEST_MAX_BYTES = LIMIT
    settings.APCASE_REQUEST_MAX_BYTES_FOR = {"directory:gias_import": 10 * LIMIT}
    assert request_limit_for(reverse("directory:gias_import")) == 10 * LIMIT
    assert request_limit_for(reverse("accounts:login")) == LIMIT
    assert request_limit_for("/no/such/page/") == LIMIT


def test_the_settings_allow_the_largest_upload_plus_its_form(settings):
    """The configured cap leaves room for a whole upload at the upload limit."""
    assert settings.APCASE_REQUEST_MAX_BYTES > settings.APCASE_UPLOAD_MAX_BYTES
    gias = settings.APCASE_REQUEST_MAX_BYTES_FOR["directory:gias_import"]
    from apcase.directory import gias as gias_module

    assert gias > gias_module.max_upload_bytes()
    assert "apcase.core.limits.RequestSizeLimitMiddleware" in settings.MIDDLEWARE
    position = settings.MIDDLEWARE.index
    assert position("apcase.core.limits.RequestSizeLimitMiddleware") < position(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
