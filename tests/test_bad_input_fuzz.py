"""Bad input never gives an error page, and what is echoed back is escaped.

For every URL of the project (the same walk and expectation tables as
tests/access/test_url_walk.py), the page is opened as a role that may use it, the
fields of each of its own forms are read from the HTML (inputs, selects, textareas,
the day/month/year boxes of GOV.UK dates, file inputs), and the form is sent once per
value of a fixed corpus of nasty input (tests/fuzz_forms.py) and a few values that
hypothesis generates. Every response must be below 500 and must not contain the
corpus's <script> unescaped. Each submission is rolled back, so each starts from the
same records.

Pages that have no form of their own are listed in NO_FORM and not opened; every other
URL must show a form of its own, so a new page is fuzzed as soon as it is added."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import sign_in
from tests.access.test_url_walk import EXPECTATIONS, URL_NAMES
from tests.fuzz_forms import MARKER, Form, fresh, read_forms, rounds, with_value
from tests.helpers import assert_page

# Pages with no form of their own (lists, details, downloads, PDFs, pages that only
# answer with a redirect in the walk's world), and the action-only URLs (POST, no
# fields) that other pages' buttons send to. They are not opened here (the URL walk
# does): every other URL must show a form to fuzz, so a new page is fuzzed or listed.
NO_FORM = frozenset(
    {
        "accessibility",
        "privacy",
        "home",
        # A list with one button (no fields), and the button's action.
        "notifications",
        "notifications_read",
        # A calendar file, not a page (its bad tokens: apcase/home/tests/test_calendar_feed.py).
        "calendar_feed",
        "accounts:logout",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
        # The walk's token is not a real one: the page says the link has expired.
        "accounts:password_reset_confirm",
        "organisations:list",
        "organisations:detail",
        "organisations:deactivate_member",
        "organisations:reactivate_member",
        "organisations:revoke_invitation",
        "directory:provider_detail",
        "directory:assurance_evidence",
        "directory:site_deactivate",
        "directory:service_remove",
        "schooldays:terms",
        "schooldays:closures",
        "pupils:detail",
        "safeguarding:detail",
        "safeguarding:receipt",
        "safeguarding:viewed_by",
        "safeguarding:attachment",
        "safeguarding:acknowledge",
        "safeguarding:escalate",
        "safeguarding:transfer_file",
        # Lists that take no input: every file still to send, every reintegration item
        # of the home page (each row links to a page with its own form).
        "safeguarding:transfers_due",
        "reintegration:list",
        "panel:letters_not_sent",
        "monitoring:check_ins_due",
        "placements:provider_plans_to_agree",
        "referrals:awaiting_scheduling",
        "reviews:reports_due",
        "reviews:due",
        "pupils:chronology",
        "pupils:chronology_pdf",
        "pupils:photo",
        "pupils:export",
        "pupils:export_xlsx",
        "census:export",
        # The board's rows as a file: it reads the board's filters, which are fuzzed on
        # the board's own form (oversight:board); a choice not offered gives every row.
        "oversight:board_export",
        "oversight:board_export_xlsx",
        # The outcome dashboard takes no input; a figure's download takes its name from
        # the path (one not offered is not found).
        "oversight:outcomes",
        "oversight:outcomes_export",
        "referrals:export",
        "referrals:export_xlsx",
        "referrals:detail",
        "referrals:document",
        "referrals:emergency_detail",
        "referrals:close",
        "referrals:remove_document",
        "referrals:remove_intervention",
        "panel:meeting_list",
        "panel:meeting_detail",
        "panel:decision_detail",
        "panel:pack",
        "panel:letter",
        "panel:parent_letter",
        "panel:send_letter",
        "placements:detail",
        "placements:start",
        "placements:agreement_pdf",
        "placements:signed_form",
        "monitoring:absences",
        "monitoring:attendance_csv",
        "monitoring:attendance_xlsx",
        "monitoring:absences_export",
        "monitoring:absences_export_xlsx",
        "monitoring:placement",
        "monitoring:tasks",
        "monitoring:in_ap_today",
        "monitoring:overdue_visits",
        "directory:lapsing_assurance",
        "placements:plans_to_agree",
        "placements:missing_or_overdue",
        "monitoring:closed_tasks",
        "reviews:placement",
        "reviews:placement_export",
        "reviews:placement_export_xlsx",
        "reviews:detail",
        "reviews:minutes_pdf",
        "reintegration:detail",
        "reintegration:la_letter",
        "reintegration:activate",
        "reintegration:remove_phase",
        # The API keys list (one button a key) and the button's action; the API's docs
        # and schema are pages to read.
        "api:keys",
        "api:revoke_key",
        "api:docs",
        "api:schema",
        # The REST API's endpoints take JSON, not forms: they are fuzzed against their
        # own OpenAPI schema (apcase/api/tests/test_schema_conformance.py).
        "api:register",
        "api:check_ins",
        "api:placements",
        "api:placement_attendance",
        "api:pupils",
        "api:figures",
        "api:no_such_endpoint",
    }
)
FORM_PAGES = [name for name in URL_NAMES if name not in NO_FORM]

# Characters that have broken parsers somewhere: non-ASCII digits, superscripts,
# control characters, direction marks, surrogates-adjacent emoji, markup.
NASTY_TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789²³¹١٢٣۴٥\x00\x07\u200f\u202e\ufeff😀<>\"'&;-. \t\n")),
    min_size=1,
    max_size=40,
)


def _client_for(name: str, expect, user_with_role) -> Client:  # type: ignore[no-untyped-def]
    # A 500 is reported with the others, not raised in the test.
    client = Client(raise_request_exception=False)
    if expect.public:
        return client
    allowed = {r for r in expect.roles if expect.role_status.get(r, expect.ok) == expect.ok}
    allowed |= {r for r, status in expect.role_status.items() if status == expect.ok}
    user = user_with_role(sorted(allowed)[0])
    if expect.password_only:
        client.force_login(user)
        return client
    return sign_in(client, user)


def _populate(app: str, world) -> None:  # type: ignore[no-untyped-def]
    """A page that makes a new record (a meeting, a pupil) offers choices from the app's
    other records: make them, as the walk's builders do, so that the form can be valid
    apart from the one bad value and a bad date reaches the service."""
    for other, expect in EXPECTATIONS.items():
        if other.split(":")[0] == app and expect.kwargs:
            expect.kwargs(world, True)


def _own_forms(url: str, html: str) -> list[Form]:
    """The page's forms that send to the page itself (not the header's sign-out)."""
    path = url.split("?")[0]
    found = []
    for form in read_forms(html):
        target = (form.action or path).split("?")[0]
        try:
            resolve(target)
        except Resolver404:
            continue
        if target == path:
            found.append(form)
    return found


def _send(client: Client, url: str, form: Form, data: dict) -> tuple[int, bytes]:  # type: ignore[type-arg]
    with transaction.atomic():
        if form.method == "post":
            response = client.post(url, fresh(data))
        else:
            response = client.get(url, {k: v for k, v in data.items() if isinstance(v, str)})
        status, content = response.status_code, response.getvalue()
        transaction.set_rollback(True)
    return status, content


def _check(url: str, label: str, status: int, content: bytes) -> list[str]:
    if status >= 500:
        return [f"{url} {label}: {status}"]
    if MARKER.encode() in content:
        return [f"{url} {label}: the <script> came back unescaped"]
    return []


def test_the_pages_without_a_form_are_real_urls():
    assert sorted(NO_FORM - set(URL_NAMES)) == []


@pytest.mark.parametrize("name", FORM_PAGES)
def test_bad_input_never_gives_an_error_page(name, world, user_with_role):
    expect = EXPECTATIONS[name]
    assert expect.method == "GET", f"{name} is action-only: list it in NO_FORM"
    if not expect.kwargs:
        _populate(name.split(":")[0], world)
    url = reverse(name, kwargs=expect.kwargs(world, True) if expect.kwargs else {})
    client = _client_for(name, expect, user_with_role)
    page = client.get(url)
    assert page.status_code < 500
    html = page.status_code == 200 and page["Content-Type"].startswith("text/html")
    forms = _own_forms(url, page.content.decode()) if html else []
    assert forms, f"{name} has no form of its own (status {page.status_code}): list it in NO_FORM"
    failures: list[str] = []
    for form in forms:
        for label, data in rounds(form):
            failures.extend(_check(url, label, *_send(client, url, form, data)))

    @settings(
        max_examples=2,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=NASTY_TEXT)
    def generated(value: str) -> None:
        for form in forms:
            status, content = _send(client, url, form, with_value(form, value))
            failures.extend(_check(url, f"generated={value!r}", status, content))

    generated()
    assert failures == []


def test_an_id_too_large_for_the_database_in_a_multiple_choice_is_refused(world, user_with_role):
    """The sites of a placement with an id of 10^20 gave a 500 on SQLite (OverflowError
    in `id IN (...)`); now it is refused as any unknown choice, and nothing changes."""
    from apcase.placements.models import Placement

    expect = EXPECTATIONS["placements:sites"]
    kwargs = expect.kwargs(world, True)  # type: ignore[misc]
    url = reverse("placements:sites", kwargs=kwargs)
    placement = Placement.objects.get(pk=kwargs["placement_id"])
    before = sorted(placement.sites.values_list("pk", flat=True))
    client = _client_for("placements:sites", expect, user_with_role)
    response = client.post(url, {"sites": ["99999999999999999999"]})
    assert_page(response, contains="Select a valid choice")
    assert sorted(placement.sites.values_list("pk", flat=True)) == before


def test_a_superscript_in_the_minutes_late_of_a_register_is_not_an_error_page(
    world, user_with_role
):
    """ "²" passed str.isdigit() and then failed int(): the register gave a 500."""
    expect = EXPECTATIONS["monitoring:register"]
    _populate("monitoring", world)
    url = reverse("monitoring:register")
    client = _client_for("monitoring:register", expect, user_with_role)
    forms = _own_forms(url, client.get(url).content.decode())
    form = next(f for f in forms if f.method == "post")
    data = with_value(form, "Fuzz")
    minutes = [name for name in data if name.startswith("minutes_")]
    assert minutes
    response = client.post(url, {**data, **dict.fromkeys(minutes, "²")})
    assert response.status_code in (200, 302)


def test_a_suspension_in_the_year_9999_is_refused_with_a_message(world, user_with_role):
    """Reported as a 500 in the attack; the form now refuses a first day more than a
    year ahead, so the 45-day arithmetic never reaches the year 10000."""
    from apcase.pupils.models import Exclusion

    for name in ("pupils:exclusion_add", "pupils:exclusion_edit"):
        expect = EXPECTATIONS[name]
        url = reverse(name, kwargs=expect.kwargs(world, True))  # type: ignore[misc]
        client = _client_for(name, expect, user_with_role)
        before = sorted(Exclusion.objects.values_list("pk", "start_date", "length_days"))
        for day, length in (("31", "6"), ("24", "0.5")):
            response = client.post(
                url,
                {
                    "kind": "suspension",
                    "start_date_0": day,
                    "start_date_1": "12",
                    "start_date_2": "9999",
                    "length_days": length,
                    "reason_1": "PA",
                },
            )
            assert_page(response, contains="cannot be more than a year from today")
        after = sorted(Exclusion.objects.values_list("pk", "start_date", "length_days"))
        assert after == before
