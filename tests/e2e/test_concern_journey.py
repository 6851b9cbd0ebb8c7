"""A safeguarding concern in a browser: provider staff raise it and get a receipt; the
school's DSL finds it on their home page, opens it, records an action and closes it;
the school's other staff never learn it exists (list, chronology, search, exports, URL)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from apcase.accounts.models import Organisation, User
from apcase.core.words import govuk_time
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil
from apcase.safeguarding.models import Concern
from tests.e2e.conftest import ConsoleWatch, sign_in, sign_in_by_cookie, submit

pytestmark = pytest.mark.browser

PROVIDER_STAFF = "staff@mk-pru.example"
DSL = "dsl@heronsgate.example"
# The school role that sees most of a pupil but is not the DSL.
NOT_DSL = "inclusion.lead@heronsgate.example"
WORDS = 'Ivy said "he shouts and throws things at night"'


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_concern_from_the_provider_reaches_the_dsl_and_no_one_else(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    school = Organisation.objects.get(name="Heronsgate School")
    pru = Organisation.objects.get(urn=134310)
    pupil = make_pupil(school, legal_first_name="Ivy", legal_last_name="Quarrie")
    make_placement(school, pru, pupil=pupil, named_staff_member=None)
    when = timezone.localtime() - datetime.timedelta(hours=1)

    # The provider's member of staff raises it from the header link.
    sign_in(page, demo_site, PROVIDER_STAFF)
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_label("Which child is the concern about?").select_option(
        label="Quarrie, Ivy (Heronsgate School)"
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))
    page.get_by_label("Time").fill(when.strftime("%H:%M"))
    page.get_by_label("Category").select_option(label="Domestic abuse")
    page.get_by_label("What was seen or disclosed").fill(WORDS)
    page.get_by_label("Immediate action taken").fill("Listened; told the PRU's DSL.")
    submit(page)
    expect(page.locator("h1")).to_contain_text("Concern sent to the DSL")
    concern = Concern.objects.get(pupil=pupil)
    expect(page.locator(".govuk-panel__body")).to_contain_text(
        f"Recorded at {govuk_time(concern.recorded_at)} on"
    )
    assert DSL in {message.to[0] for message in mail.outbox}

    # The DSL sees it on the home page, opens it, acts and closes it.
    sign_in_by_cookie(context, demo_site, DSL)
    page.goto(f"{demo_site}/")
    # The alert is in the service too: the header counts it, the centre lists it and
    # names the child by first name and initial only.
    page.locator(".apcase-header__link").click()
    expect(page.locator("h1")).to_have_text("Notifications")
    alert = page.get_by_role("link", name="Safeguarding concern raised: please open it now")
    expect(alert.first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ivy Q.")
    expect(page.locator("main")).not_to_contain_text("Ivy Quarrie")
    page.goto(f"{demo_site}/")
    page.get_by_role("link", name="1 new safeguarding concern to acknowledge").click()
    page.get_by_role("link", name="Ivy Quarrie").click()
    expect(page.locator("main")).to_contain_text("he shouts and throws things")
    page.get_by_role("button", name="Acknowledge the concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern acknowledged")
    page.get_by_role("link", name="Record an action").click()
    page.get_by_label("Consulted or referred to children's social care / MASH").check()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Details").fill("MASH consulted: referral accepted.")
    submit(page)
    expect(page.locator("main")).to_contain_text("MASH consulted: referral accepted.")
    page.get_by_role("link", name="Close the concern").click()
    page.get_by_label("Outcome").fill("Children's social care leading; school monitoring.")
    submit(page)
    expect(page.locator("main h1")).to_contain_text("Closed")

    # Another member of the school's staff learns nothing of it.
    sign_in_by_cookie(context, demo_site, NOT_DSL)
    for path in (
        f"/concerns/{concern.pk}/",
        f"/concerns/{concern.pk}/receipt/",
        "/concerns/",
    ):
        response = page.request.get(f"{demo_site}{path}")
        assert response.status in (403, 404), path
    for path in (
        f"/pupils/{pupil.pk}/",
        f"/pupils/{pupil.pk}/chronology/",
        "/pupils/?q=Quarrie",
        "/pupils/export.csv",
    ):
        response = page.request.get(f"{demo_site}{path}")
        assert response.ok, path
        text = response.text()
        assert "shouts" not in text
        assert "Domestic abuse" not in text
        assert "Concern raised" not in text
    assert User.objects.get(email=NOT_DSL).pk != concern.reported_by_id
    assert console.csp_errors() == []
