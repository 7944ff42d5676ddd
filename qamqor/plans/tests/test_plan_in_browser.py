"""The plan page in a real browser: generate the plan, record a delivery, see it in the
compliance list, request the closure, and a supervisor approves it.

The browser runs in a thread of its own with its own Playwright, so that this test never
meets the session-wide browser of the web tests (two Playwright instances may not share
a thread).
"""

import re
import threading
from collections.abc import Callable

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from qamqor.conftest import PASSWORD
from qamqor.web.tests.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_browser(scenario: Callable[[Browser], None]) -> None:
    """Run `scenario` with a headless Chromium in another thread; re-raise its failure."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium)")
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                try:
                    scenario(browser)
                finally:
                    browser.close()
        except BaseException as failure:  # handed to the test's thread
            failures.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def sign_in(browser: Browser, base_url: str, username: str, device_key: bytes) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login/")
    page.get_by_label(re.compile("Username")).fill(username)
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.locator("input[name=code]").fill(f"{totp(device_key):06d}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(username)
    return page


def test_generate_deliver_and_close_a_plan(live_server, alice, carol, eligible_case):
    code = eligible_case.code
    base = live_server.url
    keys = {
        user.username: TOTPDevice.objects.create(user=user, name="phone", confirmed=True).bin_key
        for user in (alice, carol)
    }

    def worker_and_supervisor(browser: Browser) -> None:
        page = sign_in(browser, base, "alice", keys["alice"])
        page.goto(f"{base}/cases/{code}/plan/")
        page.locator("#generate-button").click()
        expect(page.locator("#plan-status")).to_contain_text("Active")
        expect(page.locator("#services-table tbody tr")).to_have_count(5)

        form = page.locator("#delivery-form")
        crisis_support = "Crisis psychological support · Crisis centre A"
        form.get_by_label("Planned service").select_option(label=crisis_support)
        form.get_by_label("Duration (minutes)").fill("50")
        form.get_by_label("Outcome").select_option("delivered")
        form.locator("button[type=submit]").click()
        expect(page.locator("#deliveries-table")).to_contain_text("Crisis psychological support")
        expect(page.locator("tr[data-state=delivered]")).to_contain_text("Delivered")
        expect(page.locator("#plan-counts")).to_contain_text("1 delivered, 4 due, 0 overdue")

        page.goto(f"{base}/plans/compliance/")
        expect(page.locator(f"#compliance-{code}")).to_contain_text("Crisis centre A")
        expect(page.locator("#total-delivered")).to_have_text("1")

        page.goto(f"{base}/cases/{code}/plan/")
        page.locator("#closure-request-form-box summary").click()
        closure = page.locator("#closure-request-form")
        closure.get_by_label("Outcome").select_option("goals_achieved")
        closure.get_by_label("Reason for closure").fill("Получила работу и жильё.")
        closure.locator("button[type=submit]").click()
        expect(page.locator("#plan-status")).to_contain_text("Closure requested")
        expect(page.locator("#closure-approve-form")).to_have_count(0)
        page.context.close()

        page = sign_in(browser, base, "carol", keys["carol"])
        page.goto(f"{base}/notifications/")
        expect(page.locator("main")).to_contain_text(code)
        page.goto(f"{base}/cases/{code}/plan/")
        page.locator("#approve-closure").click()
        expect(page.locator("#plan-status")).to_contain_text("Closed")
        expect(page.locator("#closure-decision")).to_contain_text("Goals achieved")
        page.context.close()

    in_browser(worker_and_supervisor)
