"""Who records which attendance code: the provider records what it saw, the home school
codes absences (shown as N until then), B/K/D are derived from the placement, and the
MIS export and attendance figures read the home school's code."""

import csv as csv_module
import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core import words
from apcase.core.attention import items_for
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.monitoring import selectors, services
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.placements.tests.factories import START, make_placement
from apcase.reference import attendance as codes
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page

DAY = START + datetime.timedelta(days=7)  # a Monday
NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(9, 15)))


@pytest.fixture
def provider_staff(world):
    return person(Role.PROVIDER_STAFF, world.provider)


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school)


def _submit(by, provider, marks, **kwargs):
    return services.submit_register(
        by=by, provider=provider, day=DAY, session="am", marks=marks, now=NOW, **kwargs
    )


def _absent(world, provider_staff, **placement_fields):
    placement = make_placement(world.school, world.provider, **placement_fields)
    _submit(provider_staff, world.provider, {placement.pk: "absent_no_reason"})
    return placement, AttendanceMark.objects.get(placement=placement, is_current=True)


# --- the provider records what it saw ----------------------------------------------


@pytest.mark.parametrize("code", ["O", "I", "M", "C", "G", "#", "X", "Y1", "Z", "B", "K", "D"])
def test_a_provider_cannot_enter_a_code_only_the_home_school_may_give(world, provider_staff, code):
    placement = make_placement(world.school, world.provider)
    with pytest.raises(ValidationFailed) as error:
        _submit(provider_staff, world.provider, {placement.pk: code})
    assert "Only the home school gives an attendance code" in str(error.value.errors)
    assert not AttendanceMark.objects.exists()


def test_the_register_page_offers_observations_not_codes_and_refuses_a_posted_code(
    world, provider_staff
):
    placement = make_placement(
        world.school, world.provider, start_date=timezone.localdate() - datetime.timedelta(days=30)
    )
    day = timezone.localdate() - datetime.timedelta(days=max(0, timezone.localdate().weekday() - 4))
    client = sign_in(Client(), provider_staff)
    url = f"{reverse('monitoring:register')}?date={day}&session=am"
    page = client.get(url).content.decode()
    assert "Absent – no reason given" in page
    assert 'value="O"' not in page
    assert 'value="I"' not in page
    response = client.post(url, {f"mark_{placement.pk}": "O", "reason": "late register"})
    assert_page(response, contains="Only the home school gives an attendance code")
    assert not AttendanceMark.objects.exists()


def test_late_needs_the_minutes_and_is_b_at_a_school_arranged_placement(world, provider_staff):
    placement = make_placement(world.school, world.provider, arranged_by="school")
    with pytest.raises(ValidationFailed) as error:
        _submit(provider_staff, world.provider, {placement.pk: "late"})
    assert f"minutes_{placement.pk}" in error.value.errors
    _submit(provider_staff, world.provider, {placement.pk: "late"}, minutes_late={placement.pk: 20})
    mark = selectors.current_marks(placement=placement).get()
    assert (mark.observed, mark.minutes_late, mark.home_code) == ("late", 20, "B")
    assert mark.observed_label == "Late (20 minutes)"


@pytest.mark.parametrize(
    ("arranged_by", "observed", "expected"),
    [
        ("school", "present", "B"),
        ("school", "left_early", "B"),
        ("la", "present", "K"),
        ("la", "left_early", "K"),
        ("la", "absent_illness", "N"),
        ("school", "absent_medical", "N"),
    ],
)
def test_the_home_school_code_follows_who_arranged_it_and_n_until_coded(
    world, provider_staff, arranged_by, observed, expected
):
    placement = make_placement(world.school, world.provider, arranged_by=arranged_by)
    _submit(provider_staff, world.provider, {placement.pk: observed})
    mark = selectors.current_marks(placement=placement).get()
    assert mark.home_code == expected


def test_absent_with_no_reason_raises_the_same_day_follow_up(world, provider_staff):
    placement, mark = _absent(world, provider_staff)
    task = FollowUpTask.objects.get(placement=placement)
    assert task.kind == "absence"
    assert "no reason given" in task.detail
    assert mark.home_code == "N"


# --- the home school codes the absence ---------------------------------------------


def test_the_home_school_codes_an_absence_in_its_queue_and_the_provider_mark_is_kept(
    world, provider_staff, lead
):
    placement, mark = _absent(world, provider_staff)
    assert list(selectors.absences_to_code_for(lead)) == [mark]
    assert any(item.title == "1 absence to code" for item in items_for(lead))

    coded = services.code_absence(mark, by=lead, code="O", note="Phoned home: no answer")

    assert (coded.home_code, coded.coded_by, coded.supersedes) == ("O", lead, mark)
    mark.refresh_from_db()
    assert (mark.is_current, mark.observed, mark.code) == (False, "absent_no_reason", "")
    assert list(selectors.absences_to_code_for(lead)) == []
    assert not any("to code" in item.title for item in items_for(lead))
    event = AuditEvent.objects.get(action="attendance_coded")
    assert event.changes == {"code": ["N", "O"]}
    summary = selectors.attendance_of_placement(placement)[0]
    assert (summary.present, summary.possible) == (0, 1)


def test_changing_a_code_the_school_gave_needs_a_reason(world, provider_staff, lead):
    _, mark = _absent(world, provider_staff)
    coded = services.code_absence(mark, by=lead, code="O")
    with pytest.raises(ValidationFailed) as error:
        services.code_absence(coded, by=lead, code="I")
    assert "note" in error.value.errors
    recoded = services.code_absence(coded, by=lead, code="I", note="Mum sent a doctor's note")
    assert recoded.home_code == "I"
    assert AttendanceMark.objects.filter(placement=mark.placement).count() == 3


def test_a_school_code_must_be_an_absence_code(world, provider_staff, lead):
    _, mark = _absent(world, provider_staff)
    for code in ("/", "B", "K", "D", "N", "nonsense"):
        with pytest.raises(ValidationFailed):
            services.code_absence(mark, by=lead, code=code)
    assert AttendanceMark.objects.filter(is_current=True, code="").count() == 1


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN])
def test_the_schools_attendance_coders_may_code(world, provider_staff, role):
    placement, mark = _absent(world, provider_staff)
    services.code_absence(mark, by=person(role, world.school), code="I")
    current = AttendanceMark.objects.get(placement=placement, is_current=True)
    assert current.code == "I"


def test_the_named_staff_member_may_code_but_not_other_staff_or_the_provider(world, provider_staff):
    placement, mark = _absent(world, provider_staff)
    refused = [
        person(Role.SCHOOL_STAFF, world.school),
        person(Role.SCHOOL_DSL, world.school),
        person(Role.INCLUSION_LEAD, world.other_school),
        provider_staff,
    ]
    for user in refused:
        with pytest.raises(NotPermitted):
            services.code_absence(mark, by=user, code="O")
        assert list(selectors.absences_to_code_for(user)) == []
    services.code_absence(mark, by=placement.named_staff_member, code="O")


def test_the_coding_page_codes_the_absence_and_the_csv_shows_the_schools_code(
    world, provider_staff, lead
):
    placement, mark = _absent(world, provider_staff)
    client = sign_in(Client(), lead)
    queue = client.get(reverse("monitoring:absences"))
    assert_page(queue, contains=placement.pupil.display_name)
    url = reverse("monitoring:code_absence", kwargs={"mark_id": mark.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": ""})
    assert_page(response, contains="Choose the code for this absence")
    assert AttendanceMark.objects.filter(placement=placement).count() == 1
    response = client.post(url, {"code": "O", "note": "Phoned mum at 9:40"})
    assert response.status_code == 302
    csv = client.get(reverse("monitoring:attendance_csv", kwargs={"placement_id": placement.pk}))
    row = list(csv_module.reader(io.StringIO(csv.getvalue().decode("utf-8-sig"))))[1]
    assert row[5:8] == ["Absent – no reason given", "O", "Absent, other unauthorised reason"]
    assert row[-1] == str(lead)  # coded by the school
    # Another school's coder cannot open it.
    other = sign_in(Client(), person(Role.INCLUSION_LEAD, world.other_school))
    assert other.get(url).status_code == 404


def test_an_uncoded_absence_is_n_in_the_csv_and_on_the_placement_page(world, provider_staff, lead):
    placement, _ = _absent(world, provider_staff)
    client = sign_in(Client(), lead)
    csv = client.get(reverse("monitoring:attendance_csv", kwargs={"placement_id": placement.pk}))
    assert ",N,Reason not yet known," in csv.getvalue().decode("utf-8-sig").splitlines()[1]
    page = client.get(reverse("monitoring:placement", kwargs={"placement_id": placement.pk}))
    assert "<strong>N</strong> – Reason not yet known" in page.content.decode()


def test_a_provider_correction_after_coding_goes_back_to_the_queue(world, provider_staff, lead):
    placement, mark = _absent(world, provider_staff)
    services.code_absence(mark, by=lead, code="O")
    later = NOW + datetime.timedelta(minutes=5)
    services.submit_register(
        by=provider_staff,
        provider=world.provider,
        day=DAY,
        session="am",
        marks={placement.pk: "absent_illness"},
        reason="Mum rang after all: ill",
        now=later,
    )
    current = selectors.current_marks(placement=placement).get()
    assert (current.observed, current.home_code) == ("absent_illness", "N")
    assert list(selectors.absences_to_code_for(lead)) == [current]


def _placement_page(client, placement):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("monitoring:placement", kwargs={"placement_id": placement.pk}))
    assert page.status_code == 200
    return page.content.decode(), len(queries)


def test_the_placement_page_reads_as_many_queries_for_ten_days_of_marks_as_for_one(
    world, provider_staff, lead
):
    """Every current mark's home code is worked out from the placement the page read,
    so more marks (coded, uncoded, corrected) cost no more queries and each absence is
    still listed with the school's code or N."""
    placement, first = _absent(world, provider_staff)
    client = sign_in(Client(), lead)
    _placement_page(client, placement)  # warm the session and caches
    html, one_day = _placement_page(client, placement)
    assert html.count("<strong>N</strong> – Reason not yet known") == 1
    services.code_absence(first, by=lead, code="O")
    for n in range(1, 10):
        day = DAY + datetime.timedelta(days=n + 2 * (n // 5))  # weekdays only
        observed = "absent_no_reason" if n % 3 == 0 else "present"
        services.submit_register(
            by=provider_staff,
            provider=world.provider,
            day=day,
            session="am",
            marks={placement.pk: observed},
            now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 15))),
        )
    html, ten_days = _placement_page(client, placement)
    assert ten_days == one_day
    assert html.count("<strong>O</strong> – Absent, other unauthorised reason") == 1
    assert html.count("<strong>N</strong> – Reason not yet known") == 3
    assert "Home school coded it O" in html  # the correction is in the history


def test_the_placement_page_asks_as_many_queries_before_any_mark_as_with_corrections(
    world, provider_staff, lead
):
    """The absences and the corrections are read together, so a placement with no
    marks yet (the demo's) asks the same queries as one with a year of them."""
    placement, first = _absent(world, provider_staff)
    services.code_absence(first, by=lead, code="O")
    unmarked = make_placement(world.school, world.provider)  # after the register
    client = sign_in(Client(), lead)
    _placement_page(client, unmarked)  # warm the session and caches
    html, before_any = _placement_page(client, unmarked)
    assert "No attendance has been recorded yet." in html
    html, corrected = _placement_page(client, placement)
    assert "Home school coded it O" in html
    assert "<strong>O</strong> – Absent, other unauthorised reason" in html
    day = words.govuk_date(DAY)
    assert f"{day} morning</td>" in html  # the absence's session
    assert f"{day} Morning</td>" in html  # the correction's
    assert corrected == before_any


# --- dual registration -------------------------------------------------------------


@pytest.mark.parametrize("observed", ["present", "late", "absent_illness", "absent_no_reason"])
def test_a_dual_registered_pupil_is_d_for_every_session_whatever_happened(
    world, provider_staff, lead, observed
):
    placement = make_placement(world.school, world.provider, dual_registered=True)
    _submit(
        provider_staff, world.provider, {placement.pk: observed}, minutes_late={placement.pk: 5}
    )
    mark = selectors.current_marks(placement=placement).get()
    assert mark.home_code == "D"
    assert list(selectors.absences_to_code_for(lead)) == []
    summary = selectors.attendance_of_placement(placement)[0]
    assert summary.possible == 0  # D is not a possible session for the home school


def test_a_dual_registered_absence_with_no_reason_still_raises_the_follow_up(
    world, provider_staff, lead
):
    placement = make_placement(world.school, world.provider, dual_registered=True)
    _submit(provider_staff, world.provider, {placement.pk: "absent_no_reason"})
    assert FollowUpTask.objects.filter(placement=placement, kind="absence").exists()
    mark = AttendanceMark.objects.get(placement=placement)
    with pytest.raises(ValidationFailed, match="dual registered"):
        services.code_absence(mark, by=lead, code="O")


# --- marks from before observations -------------------------------------------------


def test_old_marks_become_observations_and_other_codes_stay_the_schools(world, provider_staff):
    placement = make_placement(world.school, world.provider)
    old = {"/": 1, "L": 2, "N": 3, "O": 4, "I": 5, "M": 6, "V": 7}
    for code, day in old.items():
        AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=START + datetime.timedelta(days=day),
            session="am",
            code=code,
            recorded_by=provider_staff,
            recorded_at=NOW,
        )
    migration = importlib.import_module(
        "apcase.monitoring.migrations.0003_marks_become_observations"
    )
    migration.forwards(apps, None)
    found = {
        m.date: (m.observed, m.code, m.home_code)
        for m in selectors.current_marks(placement=placement)
    }
    expected = {
        "/": ("present", "", "B"),
        "L": ("late", "", "B"),
        "N": ("absent_no_reason", "", "N"),
        "O": ("absent_no_reason", "", "N"),
        "I": ("absent_illness", "", "N"),
        "M": ("absent_medical", "", "N"),
        "V": ("", "V", "V"),
    }
    assert found == {START + datetime.timedelta(days=d): expected[c] for c, d in old.items()}


def test_home_code_is_d_first_then_b_or_k_then_the_schools_code_then_n():
    assert codes.home_code("present", "", dual_registered=True, arranged_by_la=True) == "D"
    assert codes.home_code("absent_no_reason", "O", dual_registered=True, arranged_by_la=False) == (
        "D"
    )
    assert codes.home_code("late", "", dual_registered=False, arranged_by_la=True) == "K"
    assert codes.home_code("absent_illness", "I", dual_registered=False, arranged_by_la=True) == (
        "I"
    )
    assert codes.home_code("absent_illness", "", dual_registered=False, arranged_by_la=True) == (
        "N"
    )


def test_past_a_page_the_queue_counts_them_all_and_lists_the_rest_on_the_next(
    world, provider_staff, lead, monkeypatch
):
    """The queue listed the oldest 200 and its download held only those; now every
    absence to code is on a page, oldest first (the caption counts them all), and the
    download holds every one."""
    from apcase.core import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    placements = [make_placement(world.school, world.provider) for _ in range(3)]
    _submit(provider_staff, world.provider, {p.pk: "absent_no_reason" for p in placements})
    client = sign_in(Client(), lead)
    first = assert_page(
        client.get(reverse("monitoring:absences")),
        contains="Showing 1 to 2 of 3 absences to code, oldest first",
    )
    assert first.count("/code/") == 2
    second = assert_page(
        client.get(reverse("monitoring:absences"), {"page": "2"}),
        contains=["Showing 3 to 3 of 3 absences to code", 'aria-current="page">2</a>'],
    )
    assert second.count("/code/") == 1
    response = client.get(reverse("monitoring:absences_export"))
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).decode().splitlines()) == 1 + 3
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    page = assert_page(
        client.get(reverse("monitoring:absences")), contains="3 absences to code, oldest first"
    )
    assert "Showing" not in page
