"""The expiring or expired assurance of the providers in an authority's directory: the
officer's home page lists the 20 that ran or run out first and, past them, says how many
records there are in all, linking to the page that lists every one a page at a time."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.directory.attention import LA_ASSURANCE_SHOWN
from apcase.directory.models import AssuranceKind
from apcase.home.tests.worklist_page import work_list
from conftest import ProviderFactory, sign_in
from tests.helpers import assert_page, assert_read_logged

from .factories import AssuranceRecordFactory

LIST = "Providers"
PAGE = reverse("directory:lapsing_assurance")


def _lapsed(la, n: int, *, kinds=(AssuranceKind.INSURANCE,)):
    """Provider `Lapse{n}`, whose records of `kinds` ran out 100 - n days ago: the lower
    the number, the earlier."""
    provider = ProviderFactory(name=f"Lapse{n:03d} Centre", local_authority=la)
    for kind in kinds:
        AssuranceRecordFactory(
            organisation=provider,
            kind=kind,
            expires_on=timezone.localdate() - timedelta(days=100 - n),
        )
    return provider


@pytest.fixture
def officer(user_with_role):
    return user_with_role(Role.LA_OFFICER)


@pytest.fixture
def many(world):
    """LA_ASSURANCE_SHOWN providers with one record lapsed each, then one (Lapse099)
    whose insurance and vetting have both lapsed: LA_ASSURANCE_SHOWN + 2 records."""
    providers = [_lapsed(world.la, n) for n in range(LA_ASSURANCE_SHOWN)]
    providers.append(_lapsed(world.la, 99, kinds=(AssuranceKind.INSURANCE, AssuranceKind.VETTING)))
    _lapsed(world.other_la, 50)  # another authority's directory
    assured = ProviderFactory(name="Assured Centre", local_authority=world.la)
    AssuranceRecordFactory(
        organisation=assured, expires_on=timezone.localdate() + timedelta(days=365)
    )
    return providers


def _assurance_listed(client: Client) -> list[tuple[str, str]]:
    lists = work_list(assert_page(client.get(reverse("home"))))
    found = next((found[LIST] for found in lists.values() if LIST in found), [])
    return [
        (title, href)
        for title, href in found
        if title.startswith("Assurance ") or title.endswith("expiring or expired")
    ]


def test_past_20_the_home_page_lists_the_first_to_run_out_and_how_many_records_in_all(
    officer, many
):
    listed = _assurance_listed(sign_in(Client(), officer))

    assert len(listed) == LA_ASSURANCE_SHOWN + 1
    assert [title for title, _ in listed[:LA_ASSURANCE_SHOWN]] == [
        f"Assurance expired: Lapse{n:03d} Centre" for n in range(LA_ASSURANCE_SHOWN)
    ]
    # A record a kind: the provider whose insurance and vetting both lapsed counts twice.
    assert listed[-1] == (
        f"All {LA_ASSURANCE_SHOWN + 2} providers' assurance records expiring or expired",
        PAGE,
    )


def test_with_no_more_than_20_there_is_no_all_item(world, officer):
    for n in range(LA_ASSURANCE_SHOWN):
        _lapsed(world.la, n)

    listed = _assurance_listed(sign_in(Client(), officer))

    assert len(listed) == LA_ASSURANCE_SHOWN
    assert not any(title.startswith("All ") for title, _ in listed)


def test_the_page_lists_every_one_first_to_run_out_first_a_page_at_a_time(
    officer, many, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 10)
    client = sign_in(Client(), officer)
    total = LA_ASSURANCE_SHOWN + 2
    pages = [
        assert_page(client.get(PAGE, {"page": str(n)}), contains="Assurance expiring or expired")
        for n in (1, 2, 3)
    ]

    assert f"Showing 1 to 10 of {total} assurance records" in pages[0]
    assert f"Showing 21 to {total} of {total} assurance records" in pages[2]
    for n in range(LA_ASSURANCE_SHOWN):
        assert sum(page.count(f"Lapse{n:03d} Centre") for page in pages) == 1, n
    per_page = [
        sum(page.count(f"Lapse{n:03d} Centre") for n in range(LA_ASSURANCE_SHOWN)) for page in pages
    ]
    assert per_page == [10, 10, 0]
    # The provider with two lapsed kinds is on two rows, one a kind.
    assert pages[2].count("Lapse099 Centre") == 2
    assert "Insurance" in pages[2]
    assert "Written confirmation of staff vetting checks" in pages[2]
    assert pages[0].index("Lapse000") < pages[0].index("Lapse001")
    assert "Lapse050" not in "".join(pages)
    assert "Assured Centre" not in "".join(pages)
    assert reverse("directory:provider_detail", args=[many[0].pk]) in pages[0]


@pytest.mark.parametrize("number", ["0", "-1", "99", "abc", "1e9", "2.5", ""])
def test_a_bad_page_number_shows_a_page_never_an_error(officer, many, number):
    assert_page(sign_in(Client(), officer).get(PAGE, {"page": number}), contains="Lapse")


def test_an_officer_of_another_authority_sees_only_theirs(world, user_with_role, many):
    other = user_with_role(Role.LA_OFFICER, world.other_la)
    page = assert_page(sign_in(Client(), other).get(PAGE), contains="Lapse050 Centre")
    assert "Lapse000" not in page


@pytest.mark.parametrize(
    "role", [Role.LA_ADMIN, Role.PANEL_CHAIR, Role.INCLUSION_LEAD, Role.PROVIDER_STAFF]
)
def test_nobody_but_an_officer_is_let_in(role, user_with_role):
    assert_page(sign_in(Client(), user_with_role(role)).get(PAGE), status=403)


def test_reading_the_page_is_access_logged(world, officer):
    _lapsed(world.la, 1)
    assert_read_logged(
        sign_in(Client(), officer).get(PAGE),
        action="directory.lapsing_assurance_viewed",
        actor=officer,
        contains="Lapse001 Centre",
    )
