"""A long list shown a page at a time (apcase/core/pagination.py and
includes/pagination.html): each row on exactly one page, links that keep the list's
filters, the GOV.UK pagination component, and any `?page=` answered with a page."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from apcase.accounts.models import Organisation, OrganisationKind
from apcase.core.pagination import PAGE_SIZE, page_number, paginate

pytestmark = pytest.mark.django_db

ROWS = PAGE_SIZE * 2 + 20  # three pages, the last one part full


@pytest.fixture
def organisations():
    Organisation.objects.bulk_create(
        Organisation(kind=OrganisationKind.SCHOOL, name=f"Paging School {n:03d}")
        for n in range(ROWS)
    )
    return Organisation.objects.filter(name__startswith="Paging School").order_by("name", "pk")


def _page(rows, query: str = ""):
    return paginate(RequestFactory().get(f"/list/?{query}"), rows, noun="school")


def test_the_pages_hold_every_row_once_in_order(organisations):
    names = [o.name for o in organisations]
    first, second, last = (_page(organisations, f"page={n}") for n in (1, 2, 3))
    assert [o.name for o in first.rows] == names[:PAGE_SIZE]
    assert [o.name for o in second.rows] == names[PAGE_SIZE : 2 * PAGE_SIZE]
    assert [o.name for o in last.rows] == names[2 * PAGE_SIZE :]
    assert first.summary == f"Showing 1 to {PAGE_SIZE} of {ROWS} schools"
    assert second.summary == f"Showing {PAGE_SIZE + 1} to {2 * PAGE_SIZE} of {ROWS} schools"
    assert (first.previous_url, last.next_url) == ("", "")
    assert second.previous_url == "?page=1"
    assert second.next_url == "?page=3"


def test_a_list_that_fits_on_one_page_says_its_count_and_shows_no_links(organisations):
    paged = _page(organisations.filter(pk__in=[o.pk for o in organisations[:3]]))
    assert paged.summary == "3 schools"
    assert not paged.is_paginated
    assert render_to_string("includes/pagination.html", {"paged": paged}).strip() == ""


def test_an_empty_list_is_one_empty_page():
    paged = _page(Organisation.objects.none().order_by("pk"), "page=4")
    assert (paged.number, paged.pages, list(paged.rows)) == (1, 1, [])
    assert paged.summary == "0 schools"
    assert paged.plural_noun == "schools"


def test_the_links_keep_the_lists_filters(organisations):
    paged = _page(organisations, "q=Paging&status=open&page=2")
    assert paged.next_url == "?q=Paging&status=open&page=3"
    assert [link.url for link in paged.links] == [
        f"?q=Paging&status=open&page={n}" for n in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("abc", 1),
        ("0", 1),
        ("-1", 1),
        ("", 1),
        ("1.5", 1),
        ("٣", 1),  # an Arabic-Indic 3: not the digits a link carries
        ("9" * 400, 1),
        ("99999", 3),
        ("3", 3),
        (" 2 ", 2),
    ],
)
def test_any_page_asked_for_is_answered_with_a_page(organisations, asked, shown):
    assert _page(organisations, f"page={asked}").number == shown


@given(st.text(max_size=30))
@settings(max_examples=200)
def test_page_number_is_always_a_page(value):
    assert page_number(value) >= 1


@pytest.mark.parametrize(
    ("pages", "current", "shown"),
    [
        (10, 5, ["1", "…", "4", "5", "6", "…", "10"]),
        (10, 1, ["1", "2", "…", "10"]),
        (10, 10, ["1", "…", "9", "10"]),
        (10, 3, ["1", "2", "3", "4", "…", "10"]),
        (3, 2, ["1", "2", "3"]),
    ],
)
def test_far_pages_are_left_out_with_an_ellipsis(organisations, pages, current, shown):
    rows = organisations.filter(pk__in=[o.pk for o in organisations[:pages]])
    request = RequestFactory().get(f"/?page={current}")
    paged = paginate(request, rows, noun="school", per_page=1)
    assert paged.pages == pages
    assert ["…" if link.is_ellipsis else str(link.number) for link in paged.links] == shown
    assert [link.number for link in paged.links if link.current] == [current]


def test_the_component_is_the_govuk_pagination(organisations):
    html = render_to_string("includes/pagination.html", {"paged": _page(organisations, "page=2")})
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>(\d+)</a>', html)
    assert current == ["2"]
    assert 'href="?page=1" rel="prev"' in html
    assert 'href="?page=3" rel="next"' in html
    assert 'Previous<span class="govuk-visually-hidden"> page</span>' in html
    assert 'aria-label="Page 3"' in html


def test_a_page_reads_one_count_and_one_page_of_rows(organisations):
    with CaptureQueriesContext(connection) as queries:
        paged = _page(organisations, "page=2")
    assert len(paged.rows) == PAGE_SIZE
    assert len(queries) == 2
    assert "COUNT(" in queries[0]["sql"].upper()


def test_an_unordered_list_is_refused_rather_than_paged_with_overlaps():
    with pytest.raises(ValueError, match="Order the rows"):
        _page(Organisation.objects.filter(kind=OrganisationKind.SCHOOL).order_by())


@pytest.mark.parametrize("query", ["page=1", "page=2", "page=3", "page=99"])
def test_picking_the_page_first_shows_the_same_rows_in_the_same_queries(organisations, query):
    """`pick_page_first` reads a page's rows by their keys first: every page holds the
    rows it holds without it, in the same order, with the related rows already read,
    in one COUNT, one read of the page's keys and one of its rows."""
    request = RequestFactory().get(f"/list/?{query}")
    # Names repeat, so the order rests on pk to be total, as the referral list's does.
    Organisation.objects.filter(name__startswith="Paging School 00").update(
        name="Paging School 000"
    )
    rows = organisations.select_related("local_authority")
    plain = paginate(request, rows, noun="school")
    with CaptureQueriesContext(connection) as queries:
        picked = paginate(request, rows, noun="school", pick_page_first=True)
    assert len(queries) == 3
    # The related rows came with the page (select_related kept), not one query each.
    assert all("local_authority" in o._state.fields_cache for o in picked.rows)
    assert [o.pk for o in picked.rows] == [o.pk for o in plain.rows]
    assert len(picked.rows) == (20 if query in {"page=3", "page=99"} else PAGE_SIZE)
    assert (picked.summary, picked.number) == (plain.summary, plain.number)


@pytest.mark.parametrize("pick_page_first", [False, True])
@pytest.mark.parametrize("query", ["page=1", "page=2", "page=3", "page=99", "page=abc"])
def test_counting_in_the_page_shows_the_same_page_with_no_count_of_its_own(
    organisations, query, pick_page_first
):
    """`count_in_page` reads the list's count with the page's rows (or keys): the same
    rows, summary, number and links, without a COUNT of its own for a page in the list;
    a page past the end is still answered with the last page."""
    request = RequestFactory().get(f"/list/?{query}")
    for rows in (organisations, organisations.values("pk", "name")):
        plain = paginate(request, rows, noun="school")
        with CaptureQueriesContext(connection) as queries:
            counted = paginate(
                request, rows, noun="school", pick_page_first=pick_page_first, count_in_page=True
            )
        assert counted.rows == plain.rows
        assert (counted.summary, counted.number, counted.links) == (
            plain.summary,
            plain.number,
            plain.links,
        )
        assert (counted.previous_url, counted.next_url) == (plain.previous_url, plain.next_url)
        past_the_end = query == "page=99"
        # Past the end: the empty read, a COUNT, then the last page as any other.
        assert len(queries) == 1 + pick_page_first + 2 * past_the_end
        if not past_the_end:
            assert not any(q["sql"].upper().startswith("SELECT COUNT(") for q in queries)


def test_counting_in_the_page_of_an_empty_list_is_one_empty_page():
    rows = Organisation.objects.none().order_by("pk")
    paged = paginate(RequestFactory().get("/?page=4"), rows, noun="school", count_in_page=True)
    assert (paged.number, paged.pages, list(paged.rows), paged.summary) == (1, 1, [], "0 schools")


def test_picking_the_page_first_reads_its_rows_as_values_after_counting_without_joins(
    organisations,
):
    """With `values`, the count and the page's keys are read from the list's own table,
    and only the page's rows are joined to read the columns named."""
    request = RequestFactory().get("/list/?page=2")
    columns = ("pk", "name", "local_authority__name")
    plain = paginate(request, organisations.values(*columns), noun="school")
    with CaptureQueriesContext(connection) as queries:
        picked = paginate(
            request, organisations, noun="school", pick_page_first=True, values=columns
        )
    assert picked.rows == plain.rows
    assert picked.summary == plain.summary
    count, keys, rows = (q["sql"].upper() for q in queries)
    assert "JOIN" not in count
    assert "JOIN" not in keys
    assert "JOIN" in rows
