"""A referral from the police to a crisis centre in a real browser, two users in two
browser contexts taking turns: the police officer registers the victim, the eligibility
decision and the plan follow, the person's consent is recorded and the case referred; the
crisis-centre worker finds it in the inbox, accepts it and starts the work; the officer
follows the progress.

"The service plan starts" means what the product does: a plan belongs to the agency that
owns the case, so the officer draws it up (from the eligibility decision and the standard)
before referring, and names the crisis centre as the provider of crisis psychological
support; the referral asks the crisis centre for that service and shares the full case
file, on a verbal consent with a witness. Once the crisis centre has accepted and started
the work, its worker records, from the referral page, the first delivery of that service
on the officer's plan (plans.actions.may_record_delivery: the receiving agency of a live
referral for services). The officer then sees the referral in progress in the pathway and
the crisis centre's delivery on the plan page.

No page of the journey may break the Content-Security-Policy.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from qamqor.accounts.models import Region
from qamqor.clock import today
from qamqor.conftest import make_agency, make_user
from qamqor.web.tests.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POLICE = "Police department of Medeu district"
CRISIS_CENTRE = "Crisis centre Senim"
SERVICE = "Crisis psychological support"
SERVICE_OPTION = f"Social-psychological: {SERVICE}"
WITNESS = "Жанар Ахметова, инспектор по делам семьи"
CASE_CODE = re.compile(r"[A-Z]{3}-\d{4}-\d{6}")


def form_under(within: Page | Locator, summary: str) -> Locator:
    """The form folded under a <details> with this summary, unfolded (some are open
    already: a form with errors, or the only thing the page offers)."""
    page = within if isinstance(within, Page) else within.page
    details = within.locator("details", has=page.locator("summary", has_text=summary))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def register_victim(officer: Page) -> str:
    """The intake form, as a police officer fills it in; the new case's code."""
    officer.locator(".main-nav a[href='/cases/new/']").click()
    officer.locator("#id_case-grounds").select_option("domestic_violence")
    officer.locator("#id_person-surname").fill("Жұмабекова")
    officer.locator("#id_person-given_name").fill("Ақмарал")
    officer.locator("#id_person-sex").select_option("female")
    officer.locator("#id_person-birth_year").fill("1991")
    officer.locator("form.once button.primary").click()
    heading = officer.locator("h1")
    expect(heading).to_contain_text(CASE_CODE)
    match = CASE_CODE.search(heading.inner_text())
    assert match is not None
    return match.group()


def decide_eligibility_and_draw_up_the_plan(officer: Page, code: str, centre_id: int) -> None:
    officer.get_by_role("link", name="Assessments and decisions").click()
    decision = form_under(officer, "Record the eligibility decision")
    decision.get_by_label(re.compile("^Decision")).select_option(label="Eligible")
    decision.get_by_label(re.compile("^Deciding body")).fill("Управление занятости и соцпрограмм")
    decision.get_by_label(re.compile("^Date of the decision")).fill(today().isoformat())
    decision.get_by_label(re.compile("^Reasons")).fill("Пострадавшая от бытового насилия.")
    decision.get_by_role("button", name="Save the decision").click()
    expect(officer.locator("main")).to_contain_text("Eligibility decision recorded.")

    officer.locator(".crumbs").get_by_role("link", name=code).click()
    officer.locator("#plan-summary").get_by_role("link", name="Individual service plan").click()
    officer.get_by_role("button", name="Generate the plan").click()
    expect(officer.locator("#plan-status")).to_have_text("Active")

    # The crisis centre is to give the crisis psychological support.
    row = officer.locator("#services-table tbody tr", has_text=SERVICE)
    change = form_under(row, "Change")
    change.get_by_label(re.compile("^Provider")).select_option(value=str(centre_id))
    change.get_by_role("button", name="Save the service").click()
    row = officer.locator("#services-table tbody tr", has_text=SERVICE)
    expect(row.locator("td").first).to_contain_text(CRISIS_CENTRE)


def record_consent_to_the_referral(officer: Page, code: str, centre_id: int) -> None:
    officer.locator(".crumbs").get_by_role("link", name=code).click()
    officer.locator(".consent-summary").get_by_role("link", name="Consent").click()
    expect(officer.locator("h1")).to_have_text("Consent")
    consent = form_under(officer, "Record a consent or a refusal")
    consent.get_by_label(re.compile("^Purpose")).select_option(label="Referral to an agency")
    consent.get_by_role("group", name=re.compile("^Data it covers")).get_by_label(
        "The full case file"
    ).check()
    consent.get_by_role("group", name=re.compile("^Answer")).get_by_label("Agreed").check()
    consent.get_by_label("Verbal, with a witness named").check()
    consent.get_by_label(re.compile("^Witness")).fill(WITNESS)
    consent.get_by_label(re.compile("^Agency it names")).select_option(value=str(centre_id))
    consent.get_by_role("button", name="Record", exact=True).click()
    in_force = officer.locator("section", has=officer.get_by_role("heading", name="In force"))
    expect(in_force).to_contain_text(CRISIS_CENTRE)
    expect(in_force).to_contain_text(WITNESS)


def refer_to_the_crisis_centre(officer: Page, code: str, centre_id: int) -> int:
    """The send form; the referral's id."""
    officer.locator(".crumbs").get_by_role("link", name=code).click()
    officer.locator("#referral-pathway").get_by_role("link", name="Referrals of the case").click()
    expect(officer.locator("#consents-in-force")).to_contain_text(CRISIS_CENTRE)
    send = officer.locator("#send-form")
    send.get_by_label(re.compile("^To agency")).select_option(value=str(centre_id))
    send.get_by_label(re.compile("^Purpose")).select_option(label="Special social services")
    send.get_by_label(re.compile("^Services")).select_option(label=SERVICE_OPTION)
    send.get_by_label(re.compile("^Urgency")).select_option(label="Urgent")
    send.get_by_label("The full case file").check()
    send.get_by_label(re.compile("^Message")).fill("Просим принять на кризисную поддержку.")
    send.get_by_role("button", name="Send the referral").click()
    expect(officer.locator("main")).to_contain_text(f"Referral sent to {CRISIS_CENTRE}.")
    expect(officer.locator("#referral-status")).to_have_text("Sent")
    match = re.search(r"/referrals/(\d+)/$", officer.url)
    assert match is not None
    return int(match.group(1))


def test_police_refer_a_victim_the_crisis_centre_accepts_and_delivers_on_the_plan(
    new_page: Callable[..., Page], csp_violations: list[str], live_server, region: Region
):
    police = make_agency(region, kind="police", name=POLICE)
    centre = make_agency(region, kind="crisis_centre_ngo", name=CRISIS_CENTRE)
    base = live_server.url
    officer = sign_in(new_page(locale="en-GB"), base, make_user("officer", police))
    worker = sign_in(new_page(locale="en-GB"), base, make_user("worker", centre))
    expect(worker.locator("#nav-inbox .nav-count")).to_have_count(0)

    # The police officer: the victim, the decision and plan, the consent, the referral.
    code = register_victim(officer)
    decide_eligibility_and_draw_up_the_plan(officer, code, centre.pk)
    record_consent_to_the_referral(officer, code, centre.pk)
    referral_id = refer_to_the_crisis_centre(officer, code, centre.pk)
    officer.locator(".crumbs").get_by_role("link", name="Referrals of the case").click()
    sent = officer.locator(f"#pathway #referral-{referral_id}")
    expect(sent).to_contain_text(f"{POLICE} → {CRISIS_CENTRE}")
    expect(sent).to_contain_text("Special social services · Urgent")
    expect(sent).to_contain_text("The full case file")
    expect(sent).to_contain_text("due by")
    expect(sent.locator("td").last).to_have_text("Sent")

    # The crisis centre's worker: the inbox, the answer, the work, the first delivery.
    worker.reload()
    expect(worker.locator("#nav-inbox .nav-count")).to_contain_text("1")
    worker.locator("#nav-inbox").click()
    received = worker.locator(f"#inbox #referral-{referral_id}")
    expect(received).to_contain_text(code)
    expect(received).to_contain_text("Special social services")
    expect(received).to_contain_text(SERVICE)
    expect(received).to_contain_text("Urgent")
    expect(received).to_contain_text(POLICE)
    expect(received.locator("td").last).to_contain_text(re.compile(r"\d.* left"))
    expect(received).not_to_contain_text("Жұмабекова")
    received.get_by_role("link", name=code).click()

    expect(worker.locator("#referral-status")).to_have_text("Sent")
    # An urgent referral just sent has about 24 hours left: "23 h 59 min" or "1 d 0 h".
    expect(worker.locator("#referral")).to_contain_text(
        re.compile(r"(\d+ d \d+ h|\d+ h \d+ min) left")
    )
    expect(worker.locator("#shared")).to_contain_text("it sees the minimum")
    expect(worker.locator("main")).not_to_contain_text("Жұмабекова")
    worker.locator("#accept").click()
    expect(worker.locator("main")).to_contain_text("Referral accepted.")
    expect(worker.locator("#referral-status")).to_have_text("Accepted")
    worker.locator("#start").click()
    expect(worker.locator("main")).to_contain_text("Work on the referral has started.")
    expect(worker.locator("#referral-status")).to_have_text("In progress")
    expect(worker.locator("#nav-inbox .nav-count")).to_have_count(0)

    # The full case file is shared, read only.
    worker.locator("#shared-case-link").click()
    expect(worker.locator("main")).to_contain_text("Жұмабекова")
    worker.go_back()

    delivery = form_under(worker, "Record a delivery on the plan of the case")
    planned = delivery.get_by_label(re.compile("^Planned service"))
    expect(planned.locator("option")).to_have_count(1)
    expect(planned.locator("option")).to_contain_text(f"{SERVICE} · {CRISIS_CENTRE}")
    delivery.get_by_label(re.compile("^Duration")).fill("50")
    # The page's complete form has a field "outcome" too, with the same id: the label
    # "Outcome" of this form points at that one, so the select is found by its name.
    delivery.locator("select[name=outcome]").select_option(label="Delivered")
    delivery.get_by_role("button", name="Record", exact=True).click()
    expect(worker.locator("main")).to_contain_text("Delivery recorded on the plan of the case.")
    given = worker.locator("#deliveries tbody tr")
    expect(given).to_have_count(1)
    expect(given).to_contain_text(SERVICE)
    expect(given).to_contain_text("Delivered")
    expect(given).to_contain_text("worker")

    # The police officer follows the progress: the pathway, the referral, the plan.
    officer.reload()
    expect(sent.locator("td").last).to_have_text("In progress")
    answer = sent.locator("td").nth(4)
    expect(answer).to_contain_text(re.compile(r" · in \d+ min"))
    expect(answer).to_contain_text("worker")
    sent.get_by_role("link").first.click()
    expect(officer.locator("#referral-status")).to_have_text("In progress")
    expect(officer.locator("#referral")).to_contain_text("Work started")
    expect(officer.locator("#deliveries tbody tr")).to_contain_text(SERVICE)

    officer.locator(".crumbs").get_by_role("link", name=code).click()
    expect(officer.locator("#referral-pathway")).to_contain_text("In progress")
    officer.locator("#plan-summary").get_by_role("link", name="Individual service plan").click()
    logged = officer.locator("#deliveries-table tbody tr")
    expect(logged).to_have_count(1)
    expect(logged).to_contain_text(SERVICE)
    expect(logged).to_contain_text(CRISIS_CENTRE)
    expect(logged).to_contain_text("50 min")
    expect(logged).to_contain_text("recorded by worker")
    row = officer.locator("#services-table tbody tr", has_text=SERVICE)
    expect(row.locator(".service-state")).to_have_text("Delivered")
    expect(officer.locator("#plan-counts")).to_have_text("1 delivered, 4 due, 0 overdue")
    assert csp_violations == []
