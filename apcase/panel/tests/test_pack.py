"""The panel pack rendered once per agenda version, stored privately, and stamped with
its reader's name at each download (panel.pack, docs/adr/0013-panel-pack-stored.md)."""

import datetime
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.core import words
from apcase.core.uploads import storage
from apcase.panel import pack, selectors, services
from apcase.panel import workflow as panel_workflow
from apcase.panel.models import PanelMeeting
from apcase.pupils.models import Pupil
from apcase.referrals.models import Referral, ReferralDocument
from apcase.referrals.tests.factories import complete_referral, make_pupil, person
from conftest import sign_in


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test its own storage: meeting ids repeat from one test to the next."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _words(page) -> str:
    """A page's words one space apart: where lines wrap depends on the length of what
    is printed (a long date moves the venue onto the next line), not on what a test
    means to check."""
    return " ".join(page.extract_text().split())


def _text(content: bytes) -> str:
    return " ".join(_words(page) for page in PdfReader(io.BytesIO(content)).pages)


def _first_page(content: bytes) -> str:
    return _words(PdfReader(io.BytesIO(content)).pages[0])


def _version(meeting: PanelMeeting) -> str:
    meeting = PanelMeeting.objects.select_related("panel").get(pk=meeting.pk)
    return pack.version_of(meeting, selectors.pack_agenda_of(meeting))


def _stored_files(meeting: PanelMeeting) -> list[str]:
    folder = f"{pack.FOLDER}/{meeting.pk}"
    return sorted(storage().listdir(folder)[1]) if storage().exists(folder) else []


def _download(user, meeting):
    return sign_in(Client(), user).get(reverse("panel:pack", args=[meeting.pk]))


def _no_rendering(monkeypatch):
    """From here on the renderer fails: a download that succeeds was served stored."""

    def fail(html):
        raise AssertionError("the pack was rendered again")

    monkeypatch.setattr(pack, "pdf_from_html", fail)


def _add_referral(world, scene, first_name):
    pupil = make_pupil(world.school, legal_first_name=first_name, legal_last_name="Pupil")
    referral = complete_referral(pupil, signed_off_by=scene.head)
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.SCHEDULED, meeting=scene.meeting, submitted_at=timezone.now()
    )
    return referral


def test_each_reader_gets_the_stored_pack_stamped_with_their_own_name(scene, monkeypatch):
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    first = _first_page(response.content)
    assert f"Generated for {scene.chair.full_name} on" in first
    assert words.govuk_date(timezone.localdate()) in first
    assert "OFFICIAL-SENSITIVE" in first
    assert "Do not copy or forward" in first
    assert "Referral for Riley Stone" in _text(response.content)

    # One stored file, of the current version, naming no reader.
    version = _version(scene.meeting)
    assert _stored_files(scene.meeting) == [f"{version}.pdf"]
    stored = pack.stored(scene.meeting.pk, version)
    assert stored is not None
    assert "Referral for Riley Stone" in _text(stored)
    assert scene.chair.full_name not in _text(stored)

    # The next reader is served the stored pack, with their name and not the chair's.
    _no_rendering(monkeypatch)
    member = scene.members[0]
    response = _download(member, scene.meeting)
    assert response.status_code == 200
    first = _first_page(response.content)
    assert f"Generated for {member.full_name} on" in first
    assert scene.chair.full_name not in first
    # The access log of each read is kept exactly as before.
    assert AccessLogEntry.objects.filter(action="panel_pack_downloaded").count() == 2
    assert (
        AccessLogEntry.objects.filter(
            action="panel_pack_referral_read", pupil_id=scene.pupil.pk
        ).count()
        == 2
    )


def test_a_reader_whose_name_is_outside_latin_1_sees_it_stamped(world, scene):
    reader = person(Role.PANEL_MEMBER, world.la, full_name="Łucja Żak-Nowak")
    scene.meeting.members.add(reader)
    response = _download(reader, scene.meeting)
    assert response.status_code == 200
    assert "Generated for Łucja Żak-Nowak on" in _first_page(response.content)


def test_a_reader_whose_name_the_stamps_font_cannot_draw_is_still_named_on_the_pack(world, scene):
    """The stamp's font has no Chinese characters (nor emoji, nor many scripts): such a
    name came out blank ("Generated for  on …"), so the copy named no one. The reader's
    sign-in email is stamped beside it."""
    reader = person(Role.PANEL_MEMBER, world.la, full_name="李小龙")
    scene.meeting.members.add(reader)
    response = _download(reader, scene.meeting)
    assert response.status_code == 200
    first = " ".join(_first_page(response.content).split())  # the line may be justified
    assert f"({reader.email}) on" in first
    assert "Generated for on" not in first


def test_the_version_changes_when_what_the_pack_shows_changes_and_not_otherwise(
    world, scene, monkeypatch
):
    before = _version(scene.meeting)
    # Reading it, a referral elsewhere, the clock: none is in the pack.
    assert _download(scene.chair, scene.meeting).status_code == 200
    elsewhere = complete_referral(make_pupil(world.school), signed_off_by=scene.head)
    Referral.objects.filter(pk=elsewhere.pk).update(reason_description="Not on this agenda.")
    from tests.helpers import travel_to

    travel_to(monkeypatch, scene.meeting.date + datetime.timedelta(days=1))
    assert _version(scene.meeting) == before

    # A referral on the agenda changes.
    Referral.objects.filter(pk=scene.referral.pk).update(parent_views="Dad wants a small group.")
    changed = _version(scene.meeting)
    assert changed != before
    # Its pupil's name, one of its documents, the meeting's venue, a new item.
    Pupil.objects.filter(pk=scene.pupil.pk).update(preferred_name="Ri")
    renamed = _version(scene.meeting)
    assert renamed != changed
    ReferralDocument.objects.filter(referral=scene.referral).update(title="New report")
    retitled = _version(scene.meeting)
    assert retitled != renamed
    PanelMeeting.objects.filter(pk=scene.meeting.pk).update(venue="Another room")
    moved = _version(scene.meeting)
    assert moved != retitled
    _add_referral(world, scene, "Extra")
    assert _version(scene.meeting) not in {before, changed, renamed, retitled, moved}


def test_the_download_after_a_change_gets_the_new_content_and_the_old_file_goes(scene):
    first = _download(scene.chair, scene.meeting)
    assert "Mum says he is happier" in _text(first.content)
    old = _stored_files(scene.meeting)
    assert len(old) == 1

    Referral.objects.filter(pk=scene.referral.pk).update(parent_views="Dad wants a small group.")
    second = _download(scene.chair, scene.meeting)
    assert second.status_code == 200
    text = _text(second.content)
    assert "Dad wants a small group." in text
    assert "Mum says he is happier" not in text
    # The superseded version is deleted when the new one is stored.
    new = _stored_files(scene.meeting)
    assert len(new) == 1
    assert new != old
    assert new == [f"{_version(scene.meeting)}.pdf"]


def test_the_stored_pack_is_reachable_only_through_the_access_checked_download(world, scene):
    assert _download(scene.chair, scene.meeting).status_code == 200
    name = f"{pack.FOLDER}/{scene.meeting.pk}/{_stored_files(scene.meeting)[0]}"
    path = Path(storage().path(name))
    assert path.is_file()
    assert Path(settings.MEDIA_ROOT) in path.parents
    assert Path(settings.STATIC_ROOT) not in path.parents
    # No address serves the file itself, even to a reader of the pack...
    client = sign_in(Client(), scene.chair)
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
    assert client.get(f"/{name}").status_code == 404
    # ...and the download, its one way out, is refused to anyone outside the panel.
    outsider = person(Role.LA_OFFICER, world.other_la)
    assert _download(outsider, scene.meeting).status_code == 404
    assert (
        not AccessLogEntry.objects.filter(actor_id=outsider.pk)
        .filter(action="panel_pack_downloaded")
        .exists()
    )


def test_the_sweep_of_orphan_uploads_leaves_the_stored_packs_alone(scene):
    from apcase.core.uploads import sweep_orphans

    assert _download(scene.chair, scene.meeting).status_code == 200
    name = f"{pack.FOLDER}/{scene.meeting.pk}/{_stored_files(scene.meeting)[0]}"
    week_ago = (timezone.now() - datetime.timedelta(days=7)).timestamp()
    os.utime(storage().path(name), (week_ago, week_ago))
    assert name not in sweep_orphans()
    assert storage().exists(name)


def test_a_download_reads_a_fixed_number_of_queries_stored_or_rendered(
    world, scene, settings, django_assert_max_num_queries
):
    # The session is written on its first request, then once a renewal period: here
    # once, before counting, so the count is the download's own.
    settings.SESSION_RENEW_SECONDS = 24 * 3600
    client = sign_in(Client(), scene.chair)
    assert client.get(reverse("panel:meeting_detail", args=[scene.meeting.pk])).status_code == 200
    url = reverse("panel:pack", args=[scene.meeting.pk])
    with CaptureQueriesContext(connection) as rendered:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as served:
        assert client.get(url).status_code == 200
    served_count = len(served)  # read now: each request clears the connection's log
    assert served_count == len(rendered) > 0
    for n in range(5):
        _add_referral(world, scene, f"Extra{n}")
    assert client.get(url).status_code == 200  # renders the new version
    with django_assert_max_num_queries(served_count):
        response = client.get(url)  # served stored
    assert response.status_code == 200
    assert _text(response.content).count("Daily check-in with a key adult") == 6


def test_a_render_failure_shows_a_clear_page_and_stores_nothing(scene, monkeypatch):
    def broken(html):
        raise OSError("renderer crashed")

    monkeypatch.setattr(pack, "pdf_from_html", broken)
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 503
    page = response.content.decode()
    assert "The panel pack could not be prepared" in page
    assert reverse("panel:pack", args=[scene.meeting.pk]) in page  # try again
    assert _stored_files(scene.meeting) == []


@pytest.mark.parametrize("damage", ["replaced", "cut_in_half", "end_cut_off"])
def test_a_stored_pack_that_cannot_be_read_is_rendered_again_at_the_next_download(scene, damage):
    """A damaged stored file is never repaired and served (a repair could leave pages
    out without a word): the reader is told, and the next download renders it anew."""
    assert _download(scene.chair, scene.meeting).status_code == 200
    name = f"{pack.FOLDER}/{scene.meeting.pk}/{_stored_files(scene.meeting)[0]}"
    path = Path(storage().path(name))
    whole = path.read_bytes()
    path.write_bytes(
        {
            "replaced": b"%PDF-1.7 cut short",
            "cut_in_half": whole[: len(whole) // 2],
            "end_cut_off": whole[:-40],
        }[damage]
    )
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 503
    assert "The panel pack could not be prepared" in response.content.decode()
    assert _stored_files(scene.meeting) == []  # the broken file is gone
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)


def test_a_change_through_the_services_prepares_the_new_pack_after_commit(
    world, scene, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.APCASE_PREPARE_PANEL_PACKS = True
    officer = person(Role.LA_OFFICER, world.la)
    meeting = scene.meeting
    change = services.MeetingChange(
        date=meeting.date,
        start_time=meeting.start_time,
        venue="Council Chamber, Civic Offices",
        online_link="",
        reason="The usual room is being painted.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_meeting(by=officer, meeting=meeting, change=change)
        assert _stored_files(meeting) == []  # nothing before the change commits
    assert _stored_files(meeting) == [f"{_version(meeting)}.pdf"]

    _no_rendering(monkeypatch)
    response = _download(scene.chair, meeting)
    assert response.status_code == 200
    assert "Council Chamber, Civic Offices" in _text(response.content)


def test_an_agenda_moved_by_the_workflow_has_its_pack_prepared(
    world, scene, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.APCASE_PREPARE_PANEL_PACKS = True
    officer = person(Role.LA_OFFICER, world.la)
    with django_capture_on_commit_callbacks(execute=True):
        later = panel_workflow.postpone_meeting(
            scene.meeting,
            by=officer,
            to=scene.meeting.date + datetime.timedelta(days=7),
            reason="The chair is unwell.",
        )
    assert len(_stored_files(later)) == 1
    _no_rendering(monkeypatch)
    response = _download(scene.chair, later)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)


@pytest.mark.parametrize("status", [PanelMeeting.Status.CANCELLED, PanelMeeting.Status.HELD])
def test_the_task_leaves_a_meeting_no_longer_scheduled_to_its_download(scene, status):
    from apcase.panel.tasks import prepare_pack

    PanelMeeting.objects.filter(pk=scene.meeting.pk).update(status=status)
    assert prepare_pack.call(scene.meeting.pk) == ""
    assert _stored_files(scene.meeting) == []
    assert _download(scene.chair, scene.meeting).status_code == 200
    assert len(_stored_files(scene.meeting)) == 1


def test_each_morning_the_packs_of_the_coming_week_are_prepared(world, scene):
    from apcase.core import periodic
    from apcase.panel.tasks import PACKS_AHEAD, prepare_coming_packs
    from apcase.referrals.tests.factories import make_meeting

    [entry] = [e for e in periodic.registered() if e.name.endswith("prepare_coming_packs")]
    assert entry.daily_at == periodic.daily()
    today = timezone.localdate()  # the scene's meeting day
    later = make_meeting(scene.panel, date=today + PACKS_AHEAD + datetime.timedelta(days=1))
    # A change that reached no task: the pupil's name corrected.
    Pupil.objects.filter(pk=scene.pupil.pk).update(legal_last_name="Stoner")
    assert prepare_coming_packs.call() == 1
    assert _stored_files(scene.meeting) == [f"{_version(scene.meeting)}.pdf"]
    assert _stored_files(later) == []  # beyond the week: rendered when downloaded
    stored = pack.stored(scene.meeting.pk, _version(scene.meeting))
    assert stored is not None
    assert "Referral for Riley Stoner" in _text(stored)


def test_a_render_deletes_the_versions_stored_before_it_began_not_one_stored_meanwhile(
    scene, monkeypatch
):
    """Two renders of one meeting can overlap (the worker and a reader, or two workers):
    the slower, of an older agenda, must not delete the newer pack stored meanwhile."""
    folder = f"{pack.FOLDER}/{scene.meeting.pk}"
    older = f"{folder}/{'a' * 32}.pdf"
    storage().save(older, ContentFile(b"%PDF older"))
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(storage().path(older), (week_ago, week_ago))
    render = pack.pdf_from_html
    newer = f"{folder}/{'b' * 32}.pdf"

    def slow_render(html):
        storage().save(newer, ContentFile(b"%PDF newer"))  # stored while this one ran
        return render(html)

    monkeypatch.setattr(pack, "pdf_from_html", slow_render)
    agenda = selectors.pack_agenda_of(scene.meeting)
    version = pack.version_of(scene.meeting, agenda)
    pack.render_and_store(scene.meeting.pk, version, pack.html_of(scene.meeting, agenda))
    assert not storage().exists(older)
    assert storage().exists(newer)
    assert storage().exists(f"{folder}/{version}.pdf")


def test_with_preparation_off_a_change_renders_nothing_until_the_first_download(
    world, scene, django_capture_on_commit_callbacks, settings
):
    settings.APCASE_PREPARE_PANEL_PACKS = False
    officer = person(Role.LA_OFFICER, world.la)
    with django_capture_on_commit_callbacks(execute=True):
        later = panel_workflow.postpone_meeting(
            scene.meeting,
            by=officer,
            to=scene.meeting.date + datetime.timedelta(days=7),
            reason="The chair is unwell.",
        )
    assert _stored_files(later) == []
    response = _download(scene.chair, later)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)
    assert len(_stored_files(later)) == 1


def test_each_morning_the_stored_packs_of_past_meetings_are_deleted(world, scene):
    """A stored pack holds the children's referrals: once its meeting has passed it is
    not kept (a later download renders it again), so it never outlives the records."""
    from apcase.panel.tasks import prepare_coming_packs

    assert _download(scene.chair, scene.meeting).status_code == 200
    assert len(_stored_files(scene.meeting)) == 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PanelMeeting.objects.filter(pk=scene.meeting.pk).update(date=yesterday)

    prepare_coming_packs.call()

    assert _stored_files(scene.meeting) == []
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)


def test_a_download_while_the_pack_is_being_stored_finds_the_whole_pack_or_none(scene, monkeypatch):
    """The pack is written beside its place and moved there in one step: a reader asking
    at any moment of the write gets nothing stored (and renders it) or every byte, never
    the first part of a pack; no partial file is left behind."""
    version = _version(scene.meeting)
    seen = []
    real_replace = os.replace

    def replace_and_look(source, target):
        seen.append(pack.stored(scene.meeting.pk, version))  # before the move
        real_replace(source, target)
        seen.append(pack.stored(scene.meeting.pk, version))  # after it

    monkeypatch.setattr(pack.os, "replace", replace_and_look)
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    before, after = seen
    assert before is None
    assert after is not None
    assert "Referral for Riley Stone" in _text(after)
    assert _stored_files(scene.meeting) == [f"{version}.pdf"]
    assert not [
        n for n in storage().listdir(f"{pack.FOLDER}/{scene.meeting.pk}")[1] if n.endswith(".part")
    ]


@pytest.mark.parametrize("damage", ["object_blanked", "block_zeroed"])
def test_a_stored_pack_damaged_in_the_middle_is_never_served_with_a_page_emptied(scene, damage):
    """Damage inside the stored file, its cross-reference table and end intact (a disk
    or a copy that lost a block), must not reach a reader as a pack whose second page is
    quietly blank: they get the page as it was, or are told the pack could not be
    prepared (and the next download renders it anew)."""
    import pikepdf

    first = _download(scene.chair, scene.meeting)
    assert first.status_code == 200
    second_page = PdfReader(io.BytesIO(first.content)).pages[1].extract_text()
    assert "Riley Stone" in second_page
    name = f"{pack.FOLDER}/{scene.meeting.pk}/{_stored_files(scene.meeting)[0]}"
    path = Path(storage().path(name))
    whole = path.read_bytes()
    with pikepdf.open(io.BytesIO(whole)) as stored:
        number = stored.pages[1].obj.Contents.objgen[0]
    start = re.search(rb"(^|\s)%d 0 obj\b" % number, whole).end()
    end = whole.index(b"endobj", start)
    if damage == "object_blanked":  # the page's content, gone where it lay
        damaged = whole[:start] + b" " * (end - start) + whole[end:]
    else:  # a block of its compressed text lost to zeros
        body = whole.index(b"stream", start) + len(b"stream\n") + 40
        damaged = whole[:body] + b"\0" * 200 + whole[body + 200 :]
    assert len(damaged) == len(whole)
    path.write_bytes(damaged)
    response = _download(scene.chair, scene.meeting)
    if response.status_code == 503:
        assert "The panel pack could not be prepared" in response.content.decode()
    else:
        assert response.status_code == 200
        assert PdfReader(io.BytesIO(response.content)).pages[1].extract_text() == second_page


def test_a_stored_pack_is_served_without_rendering_its_html(scene, monkeypatch):
    """The version of the agenda is worked out from what the pack is made from, not
    from its HTML: a download of a stored pack renders no template of the pack."""
    assert _download(scene.chair, scene.meeting).status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError("the pack's HTML was rendered")

    monkeypatch.setattr(pack, "render_to_string", fail)
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)
    assert f"Generated for {scene.chair.full_name}" in _first_page(response.content)


def test_a_stored_pack_changed_where_it_still_reads_as_a_pdf_is_never_served(scene):
    """A change the PDF's own structure cannot show (a byte its reader never checks, the
    file still whole and readable) is caught by the checksum stored with it: the reader
    is told, the file deleted, and the next download renders it anew."""
    assert _download(scene.chair, scene.meeting).status_code == 200
    name = f"{pack.FOLDER}/{scene.meeting.pk}/{_stored_files(scene.meeting)[0]}"
    path = Path(storage().path(name))
    whole = path.read_bytes()
    # The second line, a comment saying the file holds binary data, one byte changed.
    marker = whole.index(b"\n%") + 2
    changed = whole[:marker] + bytes([whole[marker] ^ 1]) + whole[marker + 1 :]
    assert _text(changed) == _text(whole)  # still the same PDF to its reader
    path.write_bytes(changed)

    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 503
    assert "The panel pack could not be prepared" in response.content.decode()
    assert _stored_files(scene.meeting) == []
    response = _download(scene.chair, scene.meeting)
    assert response.status_code == 200
    assert "Referral for Riley Stone" in _text(response.content)


def test_the_version_covers_every_template_of_the_pack_and_no_column_it_prints():
    """The version digests the templates in `pack.TEMPLATES` and every column but
    `pack.UNPRINTED`: the pack's template includes none beyond the list, and prints
    none of the columns left out, so nothing it shows can change with the version."""
    from django.template.loader import get_template

    sources = [get_template(name).template.source for name in pack.TEMPLATES]
    included = set(re.findall(r"{%\s*include\s+[\"']([^\"']+)", "".join(sources)))
    assert included
    assert included <= set(pack.TEMPLATES)
    for column in pack.UNPRINTED:
        assert all(column not in source for source in sources), column


def test_a_damaged_stored_pack_does_not_stop_the_morning_preparing_it_and_the_rest(world, scene):
    """A stored pack whose bytes are not those stored (damaged on disk, or stored before
    packs were sealed) is deleted when found; the morning's task then renders it anew,
    as the next reader would, rather than failing there and leaving the later meetings
    unprepared and the past meetings' packs (children's referrals) undeleted."""
    from apcase.panel.tasks import prepare_coming_packs
    from apcase.referrals.tests.factories import make_meeting

    assert _download(scene.chair, scene.meeting).status_code == 200
    [name] = _stored_files(scene.meeting)
    path = Path(storage().path(f"{pack.FOLDER}/{scene.meeting.pk}/{name}"))
    path.write_bytes(path.read_bytes().rpartition(pack.SEAL)[0])  # the pack, unsealed
    past = make_meeting(scene.panel, date=timezone.localdate() - datetime.timedelta(days=1))
    storage().save(f"{pack.FOLDER}/{past.pk}/{'c' * 32}.pdf", ContentFile(b"%PDF past"))

    assert prepare_coming_packs.call() == 1

    assert _stored_files(scene.meeting) == [f"{_version(scene.meeting)}.pdf"]
    assert _stored_files(past) == []
    stored = pack.stored(scene.meeting.pk, _version(scene.meeting))
    assert stored is not None
    assert "Referral for Riley Stone" in _text(stored)


def test_a_pack_that_cannot_be_rendered_does_not_keep_the_past_packs(world, scene, monkeypatch):
    """The morning's pass renders each coming meeting's pack and then deletes the packs
    of past meetings: a render that fails for one meeting is logged, and neither stops
    the other meetings nor keeps the children's referrals of past packs stored."""
    from apcase.panel.tasks import prepare_coming_packs
    from apcase.referrals.tests.factories import make_meeting

    past = make_meeting(scene.panel, date=timezone.localdate() - datetime.timedelta(days=1))
    storage().save(f"{pack.FOLDER}/{past.pk}/{'c' * 32}.pdf", ContentFile(b"%PDF past"))
    later = make_meeting(scene.panel, date=timezone.localdate() + datetime.timedelta(days=2))
    render = pack.pdf_from_html

    def fails_for_the_first(html):
        if "Riley Stone" in html:
            raise RuntimeError("the renderer failed")
        return render(html)

    monkeypatch.setattr(pack, "pdf_from_html", fails_for_the_first)

    assert prepare_coming_packs.call() == 2

    assert _stored_files(past) == []
    assert _stored_files(scene.meeting) == []
    assert _stored_files(later) == [f"{_version(later)}.pdf"]
