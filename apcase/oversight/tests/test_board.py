"""The compliance board as its users meet it: who sees which rows, missing data said
in red, the counts, filters and order, and a fixed number of queries."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.directory.models import ProviderProfile, Registration
from apcase.directory.tests.factories import assure_fully
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.monitoring.services import submit_register
from apcase.oversight import board as compliance
from apcase.oversight import duties
from apcase.oversight.duties import Colour
from apcase.oversight.selectors import board_facts, board_placements
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, agree_all, make_placement
from apcase.placements.watch import named_staff_member_now
from apcase.referrals.tests.factories import make_pupil, person
from apcase.reviews.models import Decision, ReviewRequest
from apcase.reviews.selectors import review_state
from apcase.reviews.tests.factories import make_review
from conftest import sign_in
from tests.helpers import assert_page

URL = reverse("oversight:board")
# Session, user, memberships, the placements (with their schools and named staff members
# read once each, and the page's rows read whole), those not yet started and what each
# duty reads (the marks' kept counts and today's marks are two; who is expected in
# today's two sessions is one): the same for one child or many.
MAX_QUERIES = 25


def _html(response):  # type: ignore[no-untyped-def]
    assert_page(response)
    return response.content.decode()


def _rows(user):  # type: ignore[no-untyped-def]
    """Every row of the user's board, in its order, built whole."""
    facts = board_facts(user)
    return compliance.shown(user, facts, compliance.build(user, facts).rows)


def _mark(placement, day, session, observed, by):  # type: ignore[no-untyped-def]
    return AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=day,
        session=session,
        observed=observed,
        recorded_by=by,
        recorded_at=timezone.now(),
    )


@pytest.fixture
def lead(world, user_with_role):  # type: ignore[no-untyped-def]
    return user_with_role(Role.INCLUSION_LEAD)


def test_school_a_sees_its_pupils_and_never_school_bs(world, client_for):
    ours = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Ava", legal_last_name="Ours"),
    )
    make_placement(
        world.other_school,
        world.other_provider,
        pupil=make_pupil(world.other_school, legal_first_name="Bea", legal_last_name="Theirs"),
    )
    client = client_for(Role.INCLUSION_LEAD)
    text = _html(client.get(URL))
    assert "Ava Ours" in text
    assert "Bea Theirs" not in text
    assert reverse("placements:detail", args=[ours.pk]) in text


def test_missing_data_is_red_and_says_what_is_missing(world, lead):
    placement = make_placement(world.school, world.provider, sessions=set())
    Placement.objects.filter(pk=placement.pk).update(named_staff_member=None)
    (row,) = _rows(lead)
    cells = row.cells
    assert cells["named_staff"].colour is Colour.RED
    assert "Nobody is named" in cells["named_staff"].detail
    assert cells["plan"].colour is Colour.RED
    assert "No weekly timetable" in cells["plan"].detail
    assert cells["attendance"].colour is Colour.RED
    assert "No attendance recorded" in cells["attendance"].detail
    assert cells["assurance"].colour is Colour.RED  # no evidence recorded at all
    assert cells["review"].colour is Colour.RED  # no review date in the plan


def test_a_plan_with_no_agreement_is_red_and_a_complete_one_green(world, lead):
    placement = make_placement(world.school, world.provider)
    (row,) = _rows(lead)
    assert row.cells["plan"].colour is Colour.RED
    agree_all(placement, lead)
    (row,) = _rows(lead)
    assert row.cells["plan"].colour is Colour.GREEN


def test_a_part_time_timetable_in_the_placement_plan_is_never_shown_as_none(
    world, lead, client_for
):
    """The placement plan says the pupil is on a part-time timetable (no reintegration
    plan): the board shows it, time-limited by the placement's planned end date, and
    red when there is none or it has passed."""
    today = timezone.localdate()
    placement = make_placement(
        world.school,
        world.provider,
        part_time_timetable=True,
        planned_end_date=today + datetime.timedelta(days=30),
    )
    (row,) = _rows(lead)
    assert (row.cells["part_time"].colour, row.cells["part_time"].label) == (
        Colour.GREEN,
        "In date",
    )
    Placement.objects.filter(pk=placement.pk).update(planned_end_date=None)
    text = _html(client_for(Role.INCLUSION_LEAD).get(URL))
    assert "The part-time timetable has no end date." in text
    assert "Not on a part-time timetable." not in text
    Placement.objects.filter(pk=placement.pk).update(
        planned_end_date=today - datetime.timedelta(days=1)
    )
    (row,) = _rows(lead)
    assert (row.cells["part_time"].colour, row.cells["part_time"].label) == (
        Colour.RED,
        "Expired",
    )


def test_a_placement_past_its_start_date_but_not_started_is_listed_loudly(world, client_for):
    """Still planned after its start date: not on the board's rows (nothing is watched
    yet), so it is listed above them, whatever the filters, with a link to put it right."""
    today = timezone.localdate()
    late = make_placement(
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=today - datetime.timedelta(days=3),
        planned_end_date=today + datetime.timedelta(weeks=12),
        pupil=make_pupil(world.school, legal_first_name="Lena", legal_last_name="Late"),
    )
    make_placement(
        world.school,
        world.provider,
        status=Placement.Status.PLANNED,
        start_date=today + datetime.timedelta(days=3),
        pupil=make_pupil(world.school, legal_first_name="Finn", legal_last_name="Future"),
    )
    make_placement(
        world.other_school,
        world.other_provider,
        status=Placement.Status.PLANNED,
        start_date=today - datetime.timedelta(days=3),
        pupil=make_pupil(world.other_school, legal_first_name="Bea", legal_last_name="Theirs"),
    )
    client = client_for(Role.INCLUSION_LEAD)
    for query in ("", "?show=visit_overdue"):
        text = _html(client.get(URL + query))
        assert "1 placement should have started but is not recorded as started" in text
        assert "Lena Late" in text
        assert reverse("placements:detail", args=[late.pk]) in text
        assert "Finn Future" not in text
        assert "Bea Theirs" not in text


def test_attendance_colour_from_the_marks(world, lead):
    placement = make_placement(world.school, world.provider)
    day = datetime.date(2026, 9, 7)
    for i in range(9):
        _mark(placement, day + datetime.timedelta(days=i), "am", "present", lead)
    _mark(placement, day, "pm", "absent", lead)
    (row,) = _rows(lead)
    assert (row.cells["attendance"].colour, row.cells["attendance"].label) == (
        Colour.GREEN,
        "90.0%",
    )


def test_an_old_open_attendance_alert_is_red(world, lead):
    placement = make_placement(world.school, world.provider)
    FollowUpTask.objects.create(
        placement=placement,
        kind=FollowUpTask.Kind.ABSENCE,
        date=timezone.localdate() - datetime.timedelta(days=2),
        session="am",
        detail="Not seen",
    )
    (row,) = _rows(lead)
    assert row.cells["tasks"].colour is Colour.RED


def test_the_alerts_cell_counts_each_childs_open_absences_and_missing_registers_only(
    world, lead, client_for
):
    """The board reads the open alerts of all its placements at once (the index of open
    alerts by placement): each child's cell counts its own, never a check-in's, a closed
    one's or another child's."""
    today = timezone.localdate()
    quiet, raised = (make_placement(world.school, world.provider) for _ in range(2))

    def task(placement, kind, days_ago, status=FollowUpTask.Status.OPEN):  # type: ignore[no-untyped-def]
        FollowUpTask.objects.create(
            placement=placement,
            kind=kind,
            date=today - datetime.timedelta(days=days_ago),
            session="am" if kind != FollowUpTask.Kind.CHECK_IN else "",
            detail="Synthetic",
            status=status,
        )

    task(quiet, FollowUpTask.Kind.CHECK_IN, 3)
    task(quiet, FollowUpTask.Kind.ABSENCE, 5, status=FollowUpTask.Status.CLOSED)
    task(raised, FollowUpTask.Kind.REGISTER_MISSING, 0)
    task(raised, FollowUpTask.Kind.ABSENCE, 0)
    assert_page(client_for(Role.INCLUSION_LEAD).get(URL))
    cells = {row.placement.pk: row.cells["tasks"] for row in _rows(lead)}
    assert (cells[quiet.pk].colour, cells[quiet.pk].label) == (Colour.GREEN, "None open")
    assert (cells[raised.pk].colour, cells[raised.pk].label) == (Colour.AMBER, "2 open")
    task(raised, FollowUpTask.Kind.ABSENCE, 1)
    cells = {row.placement.pk: row.cells["tasks"] for row in _rows(lead)}
    assert (cells[raised.pk].colour, cells[raised.pk].label) == (Colour.RED, "3 open")
    assert cells[quiet.pk].colour is Colour.GREEN


def test_the_la_sees_every_school_of_its_area_with_who_commissioned(world, client_for):
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Cal", legal_last_name="Own"),
    )
    make_placement(
        world.other_school,
        world.other_provider,
        pupil=make_pupil(world.other_school, legal_first_name="Dee", legal_last_name="Away"),
    )
    text = _html(client_for(Role.LA_OFFICER).get(URL))
    assert "Cal Own" in text
    assert "LA not told" in text  # nobody at the LA to tell in this test
    assert "Dee Away" not in text


def test_plain_staff_and_providers_are_refused(client_for):
    for role in (Role.SCHOOL_STAFF, Role.PROVIDER_MANAGER, Role.PANEL_MEMBER):
        assert_page(client_for(role).get(URL), status=403)


def test_most_red_first_and_filters(world, lead, client_for):
    tidy_staff = person(Role.SCHOOL_STAFF, world.school, full_name="Nia Good")
    tidy = make_placement(
        world.school,
        world.provider,
        named_staff_member=tidy_staff,
        pupil=make_pupil(world.school, legal_first_name="Ada", legal_last_name="Tidy"),
    )
    agree_all(tidy, lead)
    messy = make_placement(
        world.school,
        world.provider,
        sessions=set(),
        pupil=make_pupil(world.school, legal_first_name="Zed", legal_last_name="Messy"),
    )
    Placement.objects.filter(pk=messy.pk).update(named_staff_member=None)
    rows = _rows(lead)
    assert [r.placement.pk for r in rows] == [messy.pk, tidy.pk]
    assert rows[0].reds > rows[1].reds

    client = client_for(Role.HEADTEACHER)
    text = _html(client.get(URL, {"staff": tidy_staff.pk}))
    assert "Ada Tidy" in text
    assert "Zed Messy" not in text
    text = _html(client.get(URL, {"staff": "999999"}))
    assert "There is a problem" in text
    assert "Ada Tidy" in text
    assert "Zed Messy" in text


def test_counts_link_to_the_filtered_board(world, client_for):
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Eli", legal_last_name="Due"),
    )
    client = client_for(Role.HEADTEACHER)
    text = _html(client.get(URL))
    assert f'href="{URL}?show=review_overdue"' in text
    assert f'href="{URL}?show=assurance_lapsed"' in text
    # Started in September with no review since: the review is overdue.
    shown = _html(client.get(URL, {"show": "review_overdue"}))
    assert "Eli Due" in shown
    none = _html(client.get(URL, {"show": "unregistered"}))
    assert "No child in AP matches the filters." in none or "Eli Due" in none


def test_the_dsl_alone_sees_the_concerns_column(world, client_for):
    make_placement(world.school, world.provider)
    dsl = _html(client_for(Role.SCHOOL_DSL).get(URL))
    lead = _html(client_for(Role.INCLUSION_LEAD).get(URL))
    assert "Safeguarding concerns" in dsl
    assert "Safeguarding concerns" not in lead


@pytest.mark.parametrize("children", [1, 6])
def test_the_board_reads_in_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries, children
):
    client = client_for(Role.SCHOOL_DSL)
    for _ in range(children):
        placement = make_placement(world.school, world.provider)
        _mark(placement, datetime.date(2026, 9, 7), "am", "present", client.user)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert_page(client.get(URL))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    timetable=st.booleans(),
    named=st.booleans(),
    marks=st.booleans(),
    agreed=st.booleans(),
    review=st.booleans(),
    emergency=st.booleans(),
)
def test_a_child_in_ap_always_has_a_row_on_its_schools_board(
    world, lead, timetable, named, marks, agreed, review, emergency
):
    """Whatever is missing, a child in an active placement is on the board, and what is
    missing is red."""
    placement = make_placement(
        world.school,
        world.provider,
        sessions=None if timetable else set(),
        is_emergency=emergency,
        first_review_date=timezone.localdate() + datetime.timedelta(days=20) if review else None,
    )
    if not named:
        Placement.objects.filter(pk=placement.pk).update(named_staff_member=None)
    if marks:
        _mark(placement, datetime.date(2026, 9, 7), "am", "present", lead)
    if agreed:
        agree_all(placement, lead)
    rows = [r for r in _rows(lead) if r.placement.pk == placement.pk]
    assert len(rows) == 1
    cells = rows[0].cells
    if not named:
        assert cells["named_staff"].colour is Colour.RED
    if not timetable or emergency:
        assert cells["plan"].colour is Colour.RED
    if not marks:
        assert cells["attendance"].colour is Colour.RED
    if not agreed:
        assert cells["plan"].colour is not Colour.GREEN


def test_the_board_comes_a_page_at_a_time_most_red_first_counting_every_row(
    world, lead, client_for, monkeypatch
):
    monkeypatch.setattr("apcase.core.pagination.PAGE_SIZE", 2)
    names = ["Ada Able", "Ben Bold", "Cy Calm"]
    for full in names:
        first, last = full.split()
        make_placement(
            world.school,
            world.provider,
            pupil=make_pupil(world.school, legal_first_name=first, legal_last_name=last),
        )
    order = [f"{r.pupil.legal_first_name} {r.pupil.legal_last_name}" for r in _rows(lead)]
    assert sorted(order) == names
    client = client_for(Role.HEADTEACHER)

    first_page = _html(client.get(URL))
    assert "Showing 1 to 2 of 3 placements, most red first" in first_page
    assert [name in first_page for name in order] == [True, True, False]
    assert '<span class="govuk-!-font-weight-bold">3</span> children in ap' in first_page
    assert 'aria-label="Pagination"' in first_page

    second_page = _html(client.get(URL, {"page": "2"}))
    assert "Showing 3 to 3 of 3 placements, most red first" in second_page
    assert [name in second_page for name in order] == [False, False, True]

    # A filter is kept from page to page and the caption says what it narrowed.
    filtered = _html(client.get(URL, {"show": "review_overdue", "page": "2"}))
    assert "that match the filters (3 placements in all)" in filtered
    assert "show=review_overdue&amp;page=1" in filtered


def test_a_register_and_its_correction_show_on_the_board_at_once(world, lead):
    """The board's attendance comes from counts the database keeps with each mark: a
    register, then a correction of it, change the child's row on the next read."""
    staff = person(Role.PROVIDER_STAFF, world.provider)
    placement = make_placement(world.school, world.provider)
    day = START + datetime.timedelta(days=7)  # a Monday
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 15)))

    def attendance():  # type: ignore[no-untyped-def]
        (row,) = [r for r in _rows(lead) if r.placement.pk == placement.pk]
        return row.cells["attendance"].colour, row.cells["attendance"].label

    assert attendance() == (Colour.RED, "No marks")
    register = {"by": staff, "provider": world.provider, "day": day, "session": "am", "now": now}
    submit_register(**register, marks={placement.pk: "present"})
    assert attendance() == (Colour.GREEN, "100.0%")
    submit_register(**register, marks={placement.pk: "absent_no_reason"}, reason="Misread.")
    assert attendance() == (Colour.RED, "0.0%")


def _as_shown(rows, *, links=True):  # type: ignore[no-untyped-def]
    """What a user sees of each row: the child, the flags and every cell with its link."""
    return [
        (
            row.placement.pk,
            sorted(row.flags),
            row.unregistered,
            [
                None if c is None else (c.colour, c.label, c.detail, c.href if links else "")
                for c in row.shown
            ],
        )
        for row in rows
    ]


def _keys(lines):  # type: ignore[no-untyped-def]
    return [(line.pk, line.reds, line.ambers, sorted(line.flags)) for line in lines]


def _counts(rows):  # type: ignore[no-untyped-def]
    """The counts at the top of the board, from rows built whole."""
    children = compliance.Count("", "Children in AP", len({r.placement.pupil_id for r in rows}))
    return [children] + [
        compliance.Count(key, label, len({r.placement.pupil_id for r in rows if key in r.flags}))
        for key, label in compliance.SHOW.items()
    ]


def _read_whole(user, facts):  # type: ignore[no-untyped-def]
    """The board as it was built before: every row from its placement read whole."""
    rows = [compliance.row_for(user, facts, p) for p in board_placements(user)]
    columns = [key for key, _heading in compliance.build(user, facts).columns]
    for row in rows:
        row.shown = row.in_order(columns)
    return compliance.most_red_first(rows)


def _vary(world, placement, child):  # type: ignore[no-untyped-def]
    """The planned end date, a review, an open alert and the provider's assurance."""
    today = timezone.localdate()
    end = child["end"]
    Placement.objects.filter(pk=placement.pk).update(
        # Never before the start (the database refuses it).
        planned_end_date=(
            None if end is None else max(placement.start_date, today + datetime.timedelta(days=end))
        )
    )
    held_on = today - datetime.timedelta(days=10)
    next_dates = {
        "next named": today + datetime.timedelta(days=20),
        "no next named": None,
        "next past": today - datetime.timedelta(days=1),
    }
    if child["review"] in next_dates:
        # A review that decided to end the placement names no next one (the placement
        # not ended yet).
        next_date = next_dates[child["review"]]
        decision = Decision.CONTINUE if next_date else Decision.END
        make_review(placement, held_on=held_on, next_review_date=next_date, decision=decision)
    if child["alert"] is not None:
        FollowUpTask.objects.create(
            placement=placement,
            kind=FollowUpTask.Kind.ABSENCE,
            date=today + datetime.timedelta(days=child["alert"]),
            session="am",
            detail="Not seen",
        )
    provider = child["provider"]
    ProviderProfile.objects.update_or_create(
        organisation=world.provider,
        defaults={
            "registration": (
                Registration.UNREGISTERED if provider == "unregistered" else Registration.REGISTERED
            )
        },
    )
    if provider == "nothing recorded":
        world.provider.assurance_records.all().delete()
    else:
        days = {"expiring": 10, "expired": -1}.get(provider, 400)
        world.provider.assurance_records.all().delete()
        assure_fully(world.provider, expires_on=today + datetime.timedelta(days=days))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    child=st.fixed_dictionaries(
        {
            "staff": st.sampled_from(["named", "nobody", "left", "inactive"]),
            "timetable": st.booleans(),
            "marks": st.booleans(),
            "agreed": st.booleans(),
            "emergency": st.booleans(),
            "part_time": st.booleans(),
            "arranged_by_la": st.booleans(),
            "start": st.integers(min_value=0, max_value=120),
            # Days from today of the planned end date (None: none), which a part-time
            # timetable in the plan ends with: past, within a week, later.
            "end": st.sampled_from([None, -3, 3, 40]),
            "review": st.sampled_from(["none", "next named", "no next named", "next past"]),
            "alert": st.sampled_from([None, 0, -2]),
            # The provider all the rows so far share: its assurance and registration.
            "provider": st.sampled_from(
                ["nothing recorded", "in date", "expiring", "expired", "unregistered"]
            ),
        }
    ),
    page=st.integers(min_value=1, max_value=4),
)
def test_each_page_is_the_slice_of_the_whole_board_read_whole(
    world, lead, client_for, monkeypatch, child, page
):
    """The board sorts and filters every row from a narrow read of the placements and
    reads whole only the rows a page shows: each row so shown is exactly the row the
    whole placement gives (every cell, its link and flags), and the pages, in turn, are
    the whole board's rows in its order."""
    monkeypatch.setattr("apcase.core.pagination.PAGE_SIZE", 2)
    named = person(Role.SCHOOL_STAFF, world.school, full_name="Bea Named")
    placement = make_placement(
        world.school,
        world.provider,
        named_staff_member=named,
        sessions=None if child["timetable"] else set(),
        is_emergency=child["emergency"],
        part_time_timetable=child["part_time"],
        arranged_by=(
            Placement.ArrangedBy.LA if child["arranged_by_la"] else Placement.ArrangedBy.SCHOOL
        ),
        start_date=START + datetime.timedelta(days=child["start"]),
    )
    staff = child["staff"]
    if staff == "nobody":
        Placement.objects.filter(pk=placement.pk).update(named_staff_member=None)
    elif staff == "left":
        named.memberships.update(is_active=False)
    elif staff == "inactive":
        type(named).objects.filter(pk=named.pk).update(is_active=False)
    if child["marks"]:
        _mark(placement, datetime.date(2026, 9, 7), "am", "present", lead)
    if child["agreed"]:
        agree_all(placement, lead)
    _vary(world, placement, child)

    for user in (lead, client_for(Role.SCHOOL_DSL).user):
        facts = board_facts(user)
        board = compliance.build(user, facts)
        every_row_whole = _read_whole(user, facts)
        # Sorted, filtered and counted from each duty's colour alone (keys.py), in the
        # order, with the red and amber and the flags, of the rows built whole; the
        # rows shown are those of the whole read, links too.
        assert _keys(board.rows) == [
            (r.placement.pk, r.reds, r.ambers, sorted(r.flags)) for r in every_row_whole
        ]
        assert board.counts == _counts(every_row_whole)
        whole = compliance.shown(user, facts, board.rows)
        assert _as_shown(whole) == _as_shown(every_row_whole)
        for row in board.rows:
            # Whether the named staff member works there now, asked of the database for
            # every row, is what the placement's own pages work out for it alone.
            alone = named_staff_member_now(Placement.objects.get(pk=row.pk))
            assert (row.reds, row.ambers) == next(
                (r.reds, r.ambers) for r in every_row_whole if r.placement.pk == row.pk
            )
            cell = next(r for r in whole if r.placement.pk == row.pk).cells["named_staff"]
            assert cell is not None
            assert cell.is_red == (alone is None), row.pk

    client = client_for(Role.HEADTEACHER)
    facts = board_facts(client.user)
    rows = [line.pk for line in compliance.build(client.user, facts).rows]
    text = _html(client.get(URL, {"page": str(page)}))
    pages = max(1, -(-len(rows) // 2))
    on_page = rows[(min(page, pages) - 1) * 2 : min(page, pages) * 2]
    links = [
        text.find(
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{reverse("placements:detail", args=[pk])}">'
        )
        for pk in rows
    ]
    assert [pk for pk, at in zip(rows, links, strict=True) if at >= 0] == on_page
    shown_at = [at for at in links if at >= 0]
    assert shown_at == sorted(shown_at)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    # Reviews held, each (days before today, days from then to the next review named, or
    # None for a review that ended the placement), from few days so that two are often
    # held the same day; none at all included.
    held=st.lists(
        st.tuples(
            st.sampled_from([0, 3, 30, 60, 75, 110]),
            st.sampled_from([None, 1, 10, 40]),
        ),
        max_size=4,
    ),
    # Parents' requests for a review, days before today: on the day of a review, and
    # either side of the window (10 weeks) after one.
    asked=st.lists(st.sampled_from([0, 3, 20, 40, 90, 130]), max_size=3),
)
def test_each_review_cell_is_what_every_review_held_gives(world, lead, held, asked):
    """The board reads each placement's latest review alone (and its parents' requests):
    its review cell, and whether it counts as overdue, are what the placement's reviews
    page works out from every review held, same-day reviews and requests met by an
    older review included."""
    today = timezone.localdate()
    placement = make_placement(
        world.school, world.provider, start_date=today - datetime.timedelta(days=150)
    )
    for days_ago, next_in in held:
        held_on = today - datetime.timedelta(days=days_ago)
        make_review(
            placement,
            held_on=held_on,
            next_review_date=None if next_in is None else held_on + datetime.timedelta(next_in),
            decision=Decision.CONTINUE if next_in is not None else Decision.END,
        )
    for days_ago in asked:
        ReviewRequest.objects.create(
            placement=placement,
            received_on=today - datetime.timedelta(days=days_ago),
            from_name="A parent",
            how=ReviewRequest.How.LETTER,
            recorded_by=lead,
        )
    state = review_state(placement, today=today)
    assert state.next is not None
    expected = duties.review(
        due=state.next.due,
        missing=state.next.missing,
        requested=bool(state.requests_due),
        today=today,
    )
    facts = board_facts(lead)
    board = compliance.build(lead, facts)
    line = next(x for x in board.rows if x.pk == placement.pk)
    (row,) = compliance.shown(lead, facts, [line])
    cell = row.cells["review"]
    assert cell is not None
    assert (cell.colour, cell.label, cell.detail) == (
        expected.colour,
        expected.label,
        expected.detail,
    )
    assert ("review_overdue" in line.flags) == state.next.is_overdue(today)
    assert ("review_overdue" in row.flags) == state.next.is_overdue(today)
    text = _html(sign_in(Client(), lead).get(URL, {"show": "review_overdue"}))
    assert (reverse("placements:detail", args=[placement.pk]) in text) == state.next.is_overdue(
        today
    )
