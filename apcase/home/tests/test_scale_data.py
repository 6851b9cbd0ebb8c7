"""generate_scale_data at a tiny scale: it fills an empty or demo database with a whole
authority's worth of records, the same ones for the same seed, refuses any other
database, and every page the benchmark measures answers for the account it uses."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import SchoolFactory
from apcase.chronology.models import AuditEvent
from apcase.home import scale
from apcase.monitoring.models import AttendanceMark, CheckIn, FollowUpTask, MarkCount
from apcase.panel.audit import PanelAction
from apcase.panel.models import LetterSent, PanelDecision
from apcase.panel.selectors import letters_not_sent_for
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil
from apcase.referrals.models import Referral
from bench.pages import authorised, key_pages
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

TINY = "0.002"


def _generate() -> None:
    call_command("generate_scale_data", "--scale", TINY, "--no-progress", stdout=None)


def test_a_tiny_authority_has_pupils_referrals_placements_and_a_year_of_registers():
    _generate()
    assert Organisation.objects.filter(name=scale.LA_NAME).count() == 1
    assert Pupil.objects.count() == 60
    assert Referral.objects.count() == 6
    placements = Placement.objects.all()
    assert placements.count() == 4
    for placement in placements:
        marks = AttendanceMark.objects.filter(placement=placement, is_current=True)
        # A school year of AM and PM marks: about 190 term days, two sessions each.
        assert 300 <= marks.count() <= 420, marks.count()
        assert CheckIn.objects.filter(placement=placement).exists()
    # Absences older than a week are coded by the school, superseding the provider's row.
    assert AttendanceMark.objects.filter(is_current=False, superseded_by__isnull=False).exists()
    assert FollowUpTask.objects.exists()
    assert AuditEvent.objects.filter(action="pupil.created").count() == 60
    # Decisions more than four weeks old have been acted on and their referrals closed,
    # each with its event: "open referrals" is not a year of them.
    closed = Referral.objects.filter(status=Referral.Status.CLOSED, closed_at__isnull=False)
    assert closed.exists()
    assert AuditEvent.objects.filter(action="referral_closed").count() == closed.count()
    assert not Referral.objects.filter(
        status=Referral.Status.APPROVED, meeting__date__lt=timezone.localdate() - scale.CLOSED_AFTER
    ).exists()
    # The decision letters of every meeting but the last few days' have gone, each with
    # its event: the officer's "letters not sent" holds the recent decisions alone.
    decisions = PanelDecision.objects.filter(referral__isnull=False)
    old = decisions.filter(meeting__date__lt=timezone.localdate() - scale.LETTERS_SENT_AFTER)
    assert old.exists()
    assert LetterSent.objects.count() == old.count()
    assert AuditEvent.objects.filter(action=PanelAction.LETTER_SENT).count() == old.count()
    officer = User.objects.get(
        email=next(a.email for a in scale.accounts() if a.role == Role.LA_OFFICER)
    )
    assert set(letters_not_sent_for(officer).values_list("pk", flat=True)) == set(
        decisions.exclude(pk__in=old).values_list("pk", flat=True)
    )
    # As the morning pass leaves them: flagged "may have a letter due" are those alone.
    assert set(
        PanelDecision.objects.filter(letters_may_be_due=True).values_list("pk", flat=True)
    ) == set(letters_not_sent_for(officer).values_list("pk", flat=True))


def test_the_same_seed_gives_the_same_data():
    def names() -> list[tuple[str, str, str]]:
        return list(
            Pupil.objects.order_by("upn").values_list("upn", "legal_first_name", "legal_last_name")
        )

    class Undo(Exception):
        pass

    first: list[tuple[str, str, str]] = []

    def generate_then_undo() -> None:
        with transaction.atomic():
            _generate()
            first.extend(names())
            raise Undo

    with pytest.raises(Undo):
        generate_then_undo()
    assert len(first) == 60
    _generate()
    assert names() == first


def test_it_refuses_a_database_holding_anything_but_the_demo():
    SchoolFactory(name="Elmhurst Primary School")
    with pytest.raises(CommandError, match="Elmhurst Primary School"):
        _generate()
    assert not Pupil.objects.exists()


def test_it_refuses_to_run_twice():
    _generate()
    with pytest.raises(CommandError, match="other than the demo"):
        _generate()
    assert Pupil.objects.count() == 60


@override_settings(APCASE_ENV="development")
def test_it_adds_to_the_demo():
    call_command("seed_demo", stdout=None)
    demo_pupils = Pupil.objects.count()
    _generate()
    assert Pupil.objects.count() == demo_pupils + 60


def test_every_page_the_benchmark_measures_answers_for_its_account():
    _generate()
    emails = {account.role: account.email for account in scale.accounts()}
    for page in key_pages():
        client = Client()
        response = client.get(page.url, **authorised(client, page, emails.get(page.role, "")))
        assert response.status_code == 200, (page.name, response.status_code)
        if page.scopes:  # an API endpoint, asked with a key of the role's organisation
            assert response["Content-Type"] == "application/json"
            assert response.json(), page.name
        elif page.url.endswith(".pdf"):
            assert response["Content-Type"] == "application/pdf"
        else:
            assert_page(response)


def test_it_refuses_a_database_with_a_real_persons_account():
    from apcase.accounts.tests.factories import UserFactory

    UserFactory(email="someone@school.org.uk")
    with pytest.raises(CommandError, match="accounts other than the demo"):
        _generate()
    assert not Pupil.objects.exists()


# Key pages whose number of queries does not depend on the data: the provider's and the
# LA officer's home pages (their long lists count what they do not show in the query of
# what they show: core.attention.capped_in_one_read), the pupil page, the placement's
# monitoring page and the compliance board. (A school's home page asks one more query
# for a list that runs past what it shows, to say how many there are in all:
# core.attention.capped.)
COUNTED = (
    "home page (provider)",
    "home page (LA)",
    "pupil page",
    "placement monitoring",
    "compliance board",
    "outcome dashboards (LA)",
    "API: the school's placements",
    "API: the authority's figures",
)


def _queries_per_page() -> dict[str, int]:
    emails = {account.role: account.email for account in scale.accounts()}
    found = {}
    for page in key_pages():
        if page.name not in COUNTED:
            continue
        client = Client()
        extra = authorised(client, page, emails[page.role])
        client.get(page.url, **extra)  # the first request of a session writes it; count the next
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url, **extra).status_code == 200, page.name
        found[page.name] = len(queries.captured_queries)
    return found


def test_the_key_pages_ask_as_many_queries_with_ten_times_the_data():
    class Undo(Exception):
        pass

    small: dict[str, int] = {}

    def count_then_undo() -> None:
        with transaction.atomic():
            _generate()
            small.update(_queries_per_page())
            raise Undo

    with pytest.raises(Undo):
        count_then_undo()
    call_command("generate_scale_data", "--scale", "0.02", "--no-progress", stdout=None)
    assert Placement.objects.count() > 10 * 4 // 2
    assert _queries_per_page() == small


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_counts_updated_once_a_mark_are_left_as_autovacuum_would_keep_them():
    """Judged by the table itself: a VACUUM FULL after the generator finds nothing to
    reclaim (no old versions of the counts are left), and its statistics were read.
    Not by `n_dead_tup`: that counter is fed by statistics a connection sends when it
    falls idle, and under load the generator's own updates (1,403 at this size) have
    reached it after the VACUUM that had set it to nought."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the statistics it leaves are PostgreSQL's")
    _generate()
    table = MarkCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(relid), last_analyze IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = %s",
            [table],
        )
        size, analysed = cursor.fetchone()
        cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")  # nosec B608
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [table])
        (packed,) = cursor.fetchone()
    assert MarkCount.objects.exists()
    assert analysed
    assert size == packed
