"""Signing in through the browser with a password and an authenticator code."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    CHROMIUM_ARGS,
    ConsoleWatch,
    current_code,
    enter_password,
    sign_in,
    submit,
)

pytestmark = pytest.mark.browser


def test_demo_user_signs_in_with_password_and_code_and_lands_on_home(
    page: Page, demo_site: str, console: ConsoleWatch
):
    enter_password(page, demo_site, "inclusion.lead@heronsgate.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")

    page.get_by_label("Code from your authenticator app").fill(current_code())
    submit(page)

    page.wait_for_url(f"{demo_site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.locator("header")).to_contain_text("Amara Okafor")
    expect(page.locator("main")).to_contain_text("Heronsgate School")
    expect(page.locator("main")).to_contain_text("Inclusion lead / SENCO")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert console.csp_errors() == []


def test_a_wrong_code_keeps_the_user_out(page: Page, demo_site: str):
    enter_password(page, demo_site, "staff@mk-pru.example")
    wrong = f"{(int(current_code()) + 500_000) % 1_000_000:06d}"

    page.get_by_label("Code from your authenticator app").fill(wrong)
    submit(page)

    expect(page).to_have_title("Error: Enter your security code – apcase")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    page.goto(f"{demo_site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    expect(page.locator("main")).not_to_contain_text("Milton Keynes Primary Referral Unit")


def test_signing_out_ends_the_session(page: Page, demo_site: str):
    sign_in(page, demo_site, "headteacher@heronsgate.example")

    page.get_by_role("button", name="Sign out").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    page.goto(f"{demo_site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_signing_in_works_without_javascript(browser: Browser, demo_site: str):
    assert CHROMIUM_ARGS  # the same browser, with scripting off for this context
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo_site, "panel.chair@mk-council.example")
        expect(page.locator("header")).to_contain_text("Helen Achebe")
        expect(page.locator("main")).to_contain_text("Panel chair")
    finally:
        context.close()
