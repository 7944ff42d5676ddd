"""The plan page in a real browser: generate the plan, record a delivery, see it in the
compliance list, request the closure, and a supervisor approves it."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from qamqor.conftest import PASSWORD
from qamqor.web.tests.browser import browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in_page(browser: Browser, base_url: str, user) -> Page:  # noqa: F811
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login/")
    page.get_by_label(re.compile("Username")).fill(user.username)
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.locator("input[name=code]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(user.username)
    return page


def test_generate_deliver_and_close_a_plan(browser, live_server, alice, carol, eligible_case):  # noqa: F811
    code = eligible_case.code
    page = signed_in_page(browser, live_server.url, alice)
    page.goto(f"{live_server.url}/cases/{code}/plan/")
    page.locator("#generate-button").click()
    expect(page.locator("#plan-status")).to_contain_text("Active")
    services = page.locator("#services-table tbody tr")
    expect(services).to_have_count(5)

    form = page.locator("#delivery-form")
    crisis_support = "Crisis psychological support · Crisis centre A"
    form.get_by_label("Planned service").select_option(label=crisis_support)
    form.get_by_label("Duration (minutes)").fill("50")
    form.get_by_label("Outcome").select_option("delivered")
    form.locator("button[type=submit]").click()
    expect(page.locator("#deliveries-table")).to_contain_text("Crisis psychological support")
    expect(page.locator("tr[data-state=delivered]")).to_contain_text("Delivered")
    expect(page.locator("#plan-counts")).to_contain_text("1 delivered, 4 due, 0 overdue")

    page.goto(f"{live_server.url}/plans/compliance/")
    expect(page.locator(f"#compliance-{code}")).to_contain_text("1")
    expect(page.locator("#total-delivered")).to_have_text("1")

    page.goto(f"{live_server.url}/cases/{code}/plan/")
    page.locator("#closure-request-form-box summary").click()
    closure = page.locator("#closure-request-form")
    closure.get_by_label("Outcome").select_option("goals_achieved")
    closure.get_by_label("Reason for closure").fill("Получила работу и жильё.")
    closure.locator("button[type=submit]").click()
    expect(page.locator("#plan-status")).to_contain_text("Closure requested")
    expect(page.locator("#closure-approve-form")).to_have_count(0)
    page.context.close()

    page = signed_in_page(browser, live_server.url, carol)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).to_contain_text(code)
    page.goto(f"{live_server.url}/cases/{code}/plan/")
    page.locator("#approve-closure").click()
    expect(page.locator("#plan-status")).to_contain_text("Closed")
    expect(page.locator("#closure-decision")).to_contain_text("Goals achieved")
    page.context.close()
