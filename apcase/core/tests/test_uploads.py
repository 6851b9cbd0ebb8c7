"""Uploads (issue 9, data hygiene): a Word document is opened as the zip it is and
refused when it is a zip bomb or carries macros, embedded objects or programs; a
removed document's file is deleted once the removal commits, and kept if it rolls back.

Every file here is made by the test: no real document, no real program."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core import uploads
from apcase.core.errors import ValidationFailed
from apcase.referrals.models import ReferralDocument
from apcase.referrals.tests.factories import draft_referral, make_panel, make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
MACRO_CONTENT_TYPES = CONTENT_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
)
DOCUMENT = '<w:document xmlns:w="urn:x"><w:body><w:p>Support plan</w:p></w:body></w:document>'


def docx(*extra: tuple[str, bytes | str], content_types: str = CONTENT_TYPES) -> bytes:
    """A minimal Word document, compressed as Word does, with extra entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", DOCUMENT)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(data: bytes, name: str = "plan.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationFailed) as refused:
        uploads.check_upload(upload(data))
    return str(refused.value)


# --- what a Word document may carry -----------------------------------------------


def test_a_plain_word_document_is_accepted():
    assert uploads.check_upload(upload(docx())) is uploads.DOCX


def test_word_printer_settings_are_accepted():
    data = docx(("word/printerSettings/printerSettings1.bin", b"\x00" * 64))
    assert uploads.check_upload(upload(data)) is uploads.DOCX


@pytest.mark.parametrize(
    "name",
    [
        "word/embeddings/payload.exe",  # the DOCX with an .exe found in the test
        "word/media/setup.exe",
        "word/media/helper.DLL",
        "word/vbaProject.bin",  # macros
        "word/vbaData.xml",
        "word/embeddings/oleObject1.bin",  # an OLE object
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx",  # an embedded package
        "word/activeX/activeX1.xml",  # an ActiveX control
        "word/media/blob.bin",  # a binary part Word does not write
        "word/media/run.ps1",
        "word/media/inner.zip",
    ],
)
def test_a_word_document_carrying_code_or_embedded_files_is_refused(name):
    message = refusal(docx((name, b"MZ\x90\x00 synthetic, not a program")))
    assert message == uploads.CONTAINS_CODE
    assert "macros, embedded objects or programs" in message


def test_a_macro_enabled_document_renamed_docx_is_refused():
    assert refusal(docx(content_types=MACRO_CONTENT_TYPES)) == uploads.CONTAINS_CODE


def test_a_zip_bomb_word_document_is_refused_by_its_ratio():
    # 20 MB of zeros deflates to about 20 KB: a ratio of about 1000 to 1.
    data = docx(("word/media/padding.xml", b"\x00" * (20 * 1024 * 1024)))
    assert len(data) < 100 * 1024
    assert refusal(data) == uploads.TOO_BIG_UNPACKED


def test_a_word_document_unpacking_past_the_limit_is_refused(settings):
    settings.APCASE_DOCX_MAX_UNPACKED_BYTES = 1024 * 1024
    # Random-looking text barely compresses, so only the total size is over.
    text = "".join(f"{n:08x}" for n in range(200_000)).encode()
    assert refusal(docx(("word/document2.xml", text))) == uploads.TOO_BIG_UNPACKED


def test_a_word_document_with_too_many_entries_is_refused(settings):
    settings.APCASE_DOCX_MAX_ENTRIES = 10
    extra = [(f"word/media/image{n}.png", b"x") for n in range(10)]
    assert refusal(docx(*extra)) == uploads.TOO_BIG_UNPACKED


def test_a_word_document_that_lies_about_its_sizes_is_refused():
    """A bomb that declares small sizes in its directory still fails: every entry is
    read through, and the checksum of a lying entry does not match."""
    data = bytearray(docx(("word/media/padding.xml", b"\x00" * (2 * 1024 * 1024))))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        entry = archive.getinfo("word/media/padding.xml")
    # Declare 1 KB unpacked in both the local header and the central directory.
    real = (2 * 1024 * 1024).to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytearray(bytes(data).replace(real, (1024).to_bytes(4, "little")))
    assert entry.file_size == 2 * 1024 * 1024
    assert refusal(bytes(data)) == uploads.DAMAGED


def test_a_word_document_with_a_path_outside_the_package_is_refused():
    assert refusal(docx(("../../evil.xml", "<x/>"))) == uploads.DAMAGED


# --- through the page a user uploads on ---------------------------------------------


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lead_and_referral(world, media):
    make_panel(world.la)
    lead = person(Role.INCLUSION_LEAD, world.school)
    referral = draft_referral(make_pupil(world.school), created_by=lead)
    return sign_in(Client(), lead), referral


def _post_document(client, referral, data, title="Support plan"):
    return client.post(
        reverse("referrals:documents", args=[referral.pk]),
        {"title": title, "upload": upload(data)},
    )


@pytest.mark.parametrize(
    "data",
    [
        docx(("word/embeddings/payload.exe", b"MZ synthetic")),
        docx(("word/media/padding.xml", b"\x00" * (20 * 1024 * 1024))),
    ],
    ids=["exe-inside", "zip-bomb"],
)
def test_the_referral_page_refuses_a_dangerous_word_document_and_stores_nothing(
    lead_and_referral, media, data
):
    client, referral = lead_and_referral
    response = _post_document(client, referral, data)
    page = assert_page(response)
    assert "govuk-error-summary" in page
    assert "The selected Word document" in page
    assert not ReferralDocument.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_the_referral_page_still_takes_a_plain_word_document(lead_and_referral):
    client, referral = lead_and_referral
    assert _post_document(client, referral, docx()).status_code == 302
    assert referral.documents.get().extension == "docx"


def test_a_refused_upload_names_the_form_field_it_came_from(media):
    """So the form shows the refusal beside the file field, not only in the summary."""
    with pytest.raises(ValidationFailed) as named:
        uploads.store_upload(upload(b""), folder="referrals", field="upload")
    assert named.value.errors == {"upload": ["The selected file is empty."]}
    with pytest.raises(ValidationFailed) as unnamed:
        uploads.store_upload(upload(b""), folder="referrals")
    assert unnamed.value.errors == {None: ["The selected file is empty."]}
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _file_field_hints() -> list[str]:
    """The hint of every file field whose file store_upload stores, as a form shows it."""
    from apcase.directory.forms import AssuranceForm
    from apcase.placements.forms import AgreementForm
    from apcase.referrals.forms import DocumentForm
    from apcase.safeguarding.forms import ConcernForm

    return [
        str(form.base_fields[field].help_text)
        for form, field in [
            (DocumentForm, "upload"),
            (AgreementForm, "signed_form"),
            (AssuranceForm, "document"),
            (ConcernForm, "attachment"),
        ]
    ]


def test_every_file_field_stored_by_store_upload_states_the_kinds_and_the_size_allowed():
    """The hint beside each such field says what check_upload accepts, so a user is
    not refused a file the hint invited (the evidence field said 10 MB whatever the
    setting; the concern attachment gave no size)."""
    size = f"smaller than {uploads.max_upload_bytes() // (1024 * 1024)} MB"
    for hint in _file_field_hints():
        assert uploads.ALLOWED_DESCRIPTION in hint, hint
        assert size in hint, hint


def test_each_file_fields_hint_says_the_upload_limit_in_force(settings):
    """The hint must follow the limit check_upload applies now, not the one read when
    the forms module was imported: with a 2 MB limit the fields must say 2 MB, or a user
    is invited to send a 5 MB file the service then refuses."""
    settings.APCASE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    for hint in _file_field_hints():
        assert "smaller than 2 MB" in hint, hint


# --- removal deletes the file, after the commit only ------------------------------------


def test_delete_after_commit_deletes_only_when_the_transaction_commits(
    db, media, django_capture_on_commit_callbacks
):
    stored, _, _ = uploads.store_upload(upload(docx()), folder="referrals")
    path = media / stored

    class Abandon(Exception):
        pass

    def removal_that_fails() -> None:
        with transaction.atomic():
            uploads.delete_after_commit(stored)
            raise Abandon

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon):
        removal_that_fails()
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            uploads.delete_after_commit(stored)
        assert path.exists()  # not before the commit
    assert not path.exists()


def test_deleting_a_file_already_gone_or_outside_media_is_harmless(media, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    assert uploads.delete_stored("referrals/missing.pdf") is False
    assert uploads.delete_stored("../outside.txt") is False
    assert uploads.delete_stored(str(outside)) is False
    assert outside.exists()


def test_removing_a_referral_document_deletes_its_file(
    lead_and_referral, media, django_capture_on_commit_callbacks
):
    client, referral = lead_and_referral
    assert _post_document(client, referral, docx()).status_code == 302
    document = referral.documents.get()
    path = media / document.stored_path
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:remove_document", args=[referral.pk, document.pk])
        )
    assert response.status_code == 302
    assert not path.exists()
    download = reverse("referrals:document", args=[referral.pk, document.pk])
    assert client.get(download).status_code == 404


def test_a_removal_that_rolls_back_keeps_the_file(
    lead_and_referral, media, django_capture_on_commit_callbacks
):
    from apcase.referrals import services

    client, referral = lead_and_referral
    assert _post_document(client, referral, docx()).status_code == 302
    document = referral.documents.get()
    lead = document.uploaded_by

    class Abandon(Exception):
        pass

    def removal_then_failure() -> None:
        with transaction.atomic():
            services.remove_document(referral, by=lead, document_id=document.pk)
            raise Abandon  # a later write in the same change fails

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon):
        removal_then_failure()
    assert referral.documents.filter(pk=document.pk).exists()
    assert (media / document.stored_path).exists()
    response = client.get(reverse("referrals:document", args=[referral.pk, document.pk]))
    assert response.status_code == 200


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_removed_or_replaced_pupil_photo_is_deleted_from_disk(
    world, media, client_for, django_capture_on_commit_callbacks
):
    from apcase.pupils.models import Pupil
    from apcase.pupils.tests.factories import PupilFactory

    pupil = PupilFactory(school=world.school)
    client = client_for(Role.SCHOOL_ADMIN)
    change = f"/pupils/{pupil.pk}/photo/change/"

    def send_photo():  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(change, {"photo": SimpleUploadedFile("me.png", PNG)})
        assert response.status_code == 302
        return media / Pupil.objects.get(pk=pupil.pk).photo_path

    first = send_photo()
    assert first.exists()
    second = send_photo()
    assert second.exists()
    assert not first.exists()  # the replaced photo is gone

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, {"remove": "1"})
    assert response.status_code == 302
    assert not second.exists()
    assert client.get(f"/pupils/{pupil.pk}/photo/").status_code == 404


# --- orphan files: an upload whose transaction rolled back ------------------------------


def test_an_upload_whose_transaction_rolls_back_is_swept_and_named_files_are_kept(
    lead_and_referral, media
):
    import datetime

    from django.core.management import call_command

    from apcase.referrals import services

    client, referral = lead_and_referral
    assert _post_document(client, referral, docx()).status_code == 302
    kept = media / referral.documents.get().stored_path
    lead = referral.documents.get().uploaded_by

    class Abandon(Exception):
        pass

    def upload_then_failure() -> None:
        with transaction.atomic():
            services.add_document(referral, by=lead, title="Second plan", upload=upload(docx()))
            raise Abandon  # a later write in the same change fails: no record, but a file

    with pytest.raises(Abandon):
        upload_then_failure()
    assert referral.documents.count() == 1
    files = sorted(path for path in media.rglob("*") if path.is_file())
    orphan = next(path for path in files if path != kept)

    # Young files are never swept: their transaction might still be running.
    assert uploads.orphan_files() == []
    out = io.StringIO()
    call_command("sweep_uploads", "--dry-run", "--older-than-hours", "1", stdout=out)
    assert "Would delete 0 orphan files." in out.getvalue()

    day_old = (datetime.datetime.now() - datetime.timedelta(hours=25)).timestamp()
    for path in (kept, orphan):
        os.utime(path, (day_old, day_old))
    out = io.StringIO()
    call_command("sweep_uploads", "--dry-run", stdout=out)
    assert f"Would delete {orphan.relative_to(media).as_posix()}" in out.getvalue()
    assert orphan.exists()  # a dry run deletes nothing

    out = io.StringIO()
    call_command("sweep_uploads", stdout=out)
    assert "Deleted 1 orphan file." in out.getvalue()
    assert not orphan.exists()
    assert kept.exists()  # the file a record names stays
    document = referral.documents.get()
    response = client.get(reverse("referrals:document", args=[referral.pk, document.pk]))
    assert response.status_code == 200


def test_every_column_that_names_a_stored_file_is_known_to_the_sweep():
    from django.apps import apps

    marked = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, uploads.StoredFilePath)
    }
    # A path column of ours that is not marked would have its files swept as orphans.
    # Other packages' models keep no uploads (the task queue's `task_path` is a dotted
    # Python name), so only apcase's own models are read.
    path_like = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("apcase.")
        for field in model._meta.concrete_fields
        if field.name.endswith("_path")
    }
    assert path_like <= marked
    assert {
        "referrals.ReferralDocument.stored_path",
        "pupils.Pupil.photo_path",
        "directory.AssuranceRecord.document_path",
    } <= marked


@pytest.mark.parametrize(
    ("limit", "words"),
    [(10 * 1024 * 1024, "10 MB"), (1024 * 1024, "1 MB"), (512 * 1024, "512 KB"), (100, "1 KB")],
)
def test_the_hint_and_the_refusal_say_a_limit_under_a_megabyte_in_kilobytes(settings, limit, words):
    """A limit under 1 MB was said as "smaller than 0 MB" by both the hint and the
    refusal: they now say it in whole kilobytes, and the two always agree."""
    settings.APCASE_UPLOAD_MAX_BYTES = limit
    assert f"smaller than {words}." in uploads.upload_hint()
    for hint in _file_field_hints():
        assert f"smaller than {words}" in hint, hint
    with pytest.raises(ValidationFailed) as refused:
        uploads.check_upload(upload(b"x" * (limit + 1)))
    assert str(refused.value) == f"The selected file must be smaller than {words}."
