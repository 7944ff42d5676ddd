"""The case file gathers the other apps' summaries: reflection period, plan, protection."""

import datetime

from django.urls import reverse

from qamqor import clock
from qamqor.assessments.actions import record_eligibility_decision, record_trafficking_decision
from qamqor.conftest import signed_in
from qamqor.plans.actions import generate_plan


def test_the_case_file_shows_the_reflection_period_and_the_plan(alice, make_case):
    case = make_case(grounds="trafficking")
    yesterday = clock.today() - datetime.timedelta(days=1)
    record_trafficking_decision(
        alice, case, status="PossibleVictimOfTrafficking", deciding_org_type="NGO",
        decided_on=yesterday, grounds="Признаки принудительного труда",
    )  # fmt: skip
    record_eligibility_decision(
        alice, case, decision="eligible", deciding_body="Отдел", reasons="Критерии выполнены",
        decided_on=yesterday,
    )  # fmt: skip
    url = reverse("cases:detail", args=[case.code])
    page = signed_in(alice).get(url).content.decode()
    assert "Recovery and reflection period until" in page
    assert "This case has no service plan." in page

    plan = generate_plan(alice, case)
    page = signed_in(alice).get(url).content.decode()
    assert plan.review_on.strftime("%d.%m.%Y") in page
    assert reverse("plans:page", args=[case.code]) in page


def test_the_de_identified_summary_shows_neither(alice, gulnara, make_case):
    case = make_case(grounds="trafficking")
    record_trafficking_decision(
        alice, case, status="PossibleVictimOfTrafficking", deciding_org_type="NGO",
        decided_on=clock.today(), grounds="Признаки",
    )  # fmt: skip
    page = signed_in(gulnara).get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "reflection period" not in page and "service plan" not in page


def test_the_case_file_shows_consents_referrals_transfer_and_who_sees_it(alice, make_case):
    case = make_case()
    page = signed_in(alice).get(reverse("cases:detail", args=[case.code])).content.decode()
    assert reverse("referrals:consent_list", args=[case.code]) in page
    assert reverse("referrals:case_referrals", args=[case.code]) in page
    assert reverse("referrals:transfer_page", args=[case.code]) in page
    assert 'id="case-audience' in page or "Who can see this case" in page
