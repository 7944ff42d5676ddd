"""Casework from screening to closure in a real browser, through the pages a case worker
and her supervisor use: screen -> eligibility -> plan generated -> service delivered ->
compliance shows it -> plan closure approved -> case closure approved.

alice (case worker) and carol (supervisor of the same agency) each sign in with password
and authenticator code in a browser context of their own, and take turns. No page of the
journey may break the Content-Security-Policy.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from qamqor.clock import today
from qamqor.web.tests.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The risk questions answered "yes"; every other one is answered "no".
YES = [
    "Are you afraid of this person?",
    "Does this person keep you away from family, friends or work?",
    "Does this person keep calling, writing or sending messages against your wishes?",
]
RISK_QUESTIONS = 24
SERVICE = "Crisis psychological support"


def fact(page: Page, term: str) -> Locator:
    """The value of a term in a page's facts list (<dt>term</dt><dd>value</dd>)."""
    return page.locator("dl.facts dt", has_text=re.compile(f"^{term}$")).locator("+ dd")


def form_under(page: Page, summary: str) -> Locator:
    """The form folded under a <details> with this summary, unfolded."""
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    details.locator("summary").click()
    return details.locator("form")


def screen_for_domestic_violence_risk(page: Page) -> None:
    page.get_by_role("button", name="Start: Domestic-violence risk checklist").click()
    expect(page.locator("h1")).to_have_text("Domestic-violence risk checklist")
    expect(page.locator("main .status")).to_have_text("Draft")

    for question in YES:
        page.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("main")).to_contain_text("Answers saved; the assessment is still a draft.")
    for question in YES:
        answer = page.get_by_role("group", name=question).get_by_label("Yes", exact=True)
        expect(answer).to_be_checked()

    questions = page.locator("form fieldset.choices")
    expect(questions).to_have_count(RISK_QUESTIONS)
    for question in questions.all():
        if question.locator("input:checked").count() == 0:
            question.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Complete and compute the result").click()
    expect(page.locator("main")).to_contain_text("Assessment completed.")
    expect(fact(page, "Items answered yes")).to_have_text(str(len(YES)))
    expect(fact(page, "Risk level")).to_have_text("Standard")


def test_screen_decide_plan_deliver_comply_and_close(
    new_page: Callable[..., Page], csp_violations: list[str], live_server, alice, carol, case
):
    base, code = live_server.url, case.code
    worker = sign_in(new_page(locale="en-GB"), base, alice)
    supervisor = sign_in(new_page(locale="en-GB"), base, carol)

    # Screening: the risk checklist, from the case file's assessments page.
    worker.goto(f"{base}/cases/{code}/")
    worker.get_by_role("link", name="Assessments and decisions").click()
    expect(worker.locator("h1")).to_have_text("Assessments and decisions")
    screen_for_domestic_violence_risk(worker)
    worker.locator(".crumbs").get_by_role("link", name="Assessments").click()
    assessments = worker.locator("section[aria-labelledby=assessments-h] tbody tr")
    expect(assessments).to_have_count(1)
    expect(assessments).to_contain_text("Completed")
    expect(assessments).to_contain_text("Risk level: Standard")

    # Eligibility decision on the same page.
    decision = form_under(worker, "Record the eligibility decision")
    decision.get_by_label(re.compile("^Decision")).select_option(label="Eligible")
    decision.get_by_label(re.compile("^Deciding body")).fill("Отдел занятости и соцпрограмм")
    decision.get_by_label(re.compile("^Date of the decision")).fill(today().isoformat())
    decision.get_by_label(re.compile("^Reasons")).fill("Критерии выполнены.")
    decision.get_by_role("button", name="Save the decision").click()
    expect(worker.locator("main")).to_contain_text("Eligibility decision recorded.")
    eligibility = worker.locator("section[aria-labelledby=eligibility-h]")
    expect(eligibility.locator("dl.facts")).to_contain_text("Eligible")

    # The plan, generated from the decision and the standard.
    worker.locator(".crumbs").get_by_role("link", name=code).click()
    worker.locator("#plan-summary").get_by_role("link", name="Individual service plan").click()
    expect(worker.locator("main")).to_contain_text("Current eligibility decision: Eligible")
    worker.get_by_role("button", name="Generate the plan").click()
    expect(worker.locator("#plan-status")).to_have_text("Active")
    expect(worker.locator("#services-table tbody tr")).to_have_count(5)

    # One planned service delivered.
    delivery = worker.locator("#delivery-form")
    delivery.get_by_label("Planned service").select_option(label=f"{SERVICE} · Crisis centre A")
    delivery.get_by_label("Duration (minutes)").fill("45")
    delivery.get_by_label("Outcome").select_option(label="Delivered")
    delivery.get_by_role("button", name="Record the delivery").click()
    expect(worker.locator("#deliveries-table tbody tr")).to_have_count(1)
    expect(worker.locator("#deliveries-table")).to_contain_text(SERVICE)
    delivered = worker.locator("#services-table tbody tr", has_text=SERVICE)
    expect(delivered.locator(".service-state")).to_have_text("Delivered")
    expect(worker.locator("#plan-counts")).to_have_text("1 delivered, 4 due, 0 overdue")

    # The compliance page counts it.
    worker.get_by_role("link", name="Plan compliance").click()
    row = worker.locator(f"#compliance-{code}")
    expect(row.locator("td[data-label=Delivered]")).to_have_text("1")
    expect(row.locator("td[data-label=Due]")).to_have_text("4")
    expect(row.locator("td[data-label=Overdue]")).to_have_text("0")
    expect(worker.locator("#total-delivered")).to_have_text("1")

    # Plan closure: requested by alice, approved by carol.
    row.get_by_role("link", name=code).click()
    worker.locator("#plan-summary").get_by_role("link", name="Individual service plan").click()
    closure = form_under(worker, "Request the closure of the plan")
    closure.get_by_label("Outcome").select_option(label="Goals achieved")
    closure.get_by_label("Reason for closure").fill("Получила работу и жильё.")
    closure.get_by_role("button", name="Request closure").click()
    expect(worker.locator("#plan-status")).to_have_text("Closure requested")
    expect(worker.get_by_role("button", name="Approve the closure")).to_have_count(0)

    supervisor.get_by_role("link", name=re.compile("^Notifications")).click()
    supervisor.locator("main").get_by_role("link", name=code).first.click()
    supervisor.locator("#plan-summary").get_by_role("link", name="Individual service plan").click()
    expect(supervisor.locator("#plan-status")).to_have_text("Closure requested")
    supervisor.get_by_role("button", name="Approve the closure").click()
    expect(supervisor.locator("#plan-status")).to_have_text("Closed")
    expect(supervisor.locator("#closure-decision")).to_contain_text("Goals achieved")

    # Case closure: requested by alice on the case file, approved by carol there.
    worker.locator(".crumbs").get_by_role("link", name=code).click()
    expect(worker.locator("#plan-summary")).to_contain_text("Closed")
    closure = form_under(worker, "Request closure of the case")
    closure.get_by_label("Outcome").select_option(label="Services completed, goals reached")
    closure.get_by_label("Reason for closure").fill("Помощь оказана, угрозы нет.")
    closure.get_by_role("button", name="Request closure").click()
    pending = worker.locator("#closure-pending")
    expect(pending).to_contain_text("Closure awaiting approval")
    expect(pending).to_contain_text("Services completed, goals reached")
    expect(worker.get_by_role("button", name="Approve and close the case")).to_have_count(0)
    expect(worker.locator(".case-head .status")).to_have_text("Active")

    supervisor.get_by_role("link", name=re.compile("^Notifications")).click()
    supervisor.locator("main").get_by_role("link", name=code).first.click()
    expect(supervisor.locator("#closure-pending")).to_contain_text("Помощь оказана, угрозы нет.")
    supervisor.get_by_role("button", name="Approve and close the case").click()
    expect(supervisor.locator(".case-head .status")).to_have_text("Closed")
    expect(fact(supervisor, "Outcome")).to_have_text("Services completed, goals reached")
    expect(fact(supervisor, "Reason for closure")).to_have_text("Помощь оказана, угрозы нет.")
    expect(fact(supervisor, "Closed")).to_have_text(today().strftime("%d.%m.%Y"))

    worker.reload()
    expect(worker.locator(".case-head .status")).to_have_text("Closed")
    expect(fact(worker, "Outcome")).to_have_text("Services completed, goals reached")
    assert csp_violations == []
