"""The plan page in a real browser: generate the plan, record a delivery, see it in the
compliance list, request the closure, and a supervisor approves it.

The browser is the session-wide one of qamqor/web/tests/browser.py (one Playwright serves
every browser test of the project)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from qamqor.web.tests.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_generate_deliver_and_close_a_plan(
    new_page: Callable[..., Page],
    csp_violations: list[str],
    live_server,
    alice,
    carol,
    eligible_case,
):
    code = eligible_case.code
    base = live_server.url
    page = sign_in(new_page(locale="en-GB"), base, alice)
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

    page = sign_in(new_page(locale="en-GB"), base, carol)
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text(code)
    page.goto(f"{base}/cases/{code}/plan/")
    page.locator("#approve-closure").click()
    expect(page.locator("#plan-status")).to_contain_text("Closed")
    expect(page.locator("#closure-decision")).to_contain_text("Goals achieved")
    assert csp_violations == []
