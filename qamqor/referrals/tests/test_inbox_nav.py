"""The menu leads to the inbox with the count of referrals awaiting an answer."""

import re

from django.urls import reverse

from qamqor.conftest import signed_in
from qamqor.referrals.models import ReferralStatus

from . import inbox_support
from .inbox_support import HOUR, MOMENT, make_referral

frozen_moment = inbox_support.frozen_moment
english = inbox_support.english
police_case = inbox_support.police_case


def menu_entry(user) -> str | None:
    """The inbox entry of the menu on the home page, or None."""
    body = signed_in(user).get(reverse("home")).content.decode()
    found = re.search(r'<a href="[^"]*" id="nav-inbox">(.*?)</a>', body, re.S)
    return found.group(1) if found else None


def test_the_count_is_new_and_overdue_referrals(alice, agency, police_case):
    make_referral(police_case, agency)
    make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT - 3 * HOUR)
    make_referral(police_case, agency, status=ReferralStatus.ACCEPTED)
    make_referral(police_case, agency, status=ReferralStatus.DECLINED)
    entry = menu_entry(alice)
    assert entry is not None and entry.startswith("Inbox")
    assert '<span class="nav-count">2<' in entry


def test_no_count_when_nothing_awaits_an_answer(carol, agency, police_case):
    make_referral(police_case, agency, status=ReferralStatus.IN_PROGRESS)
    assert menu_entry(carol) == "Inbox"


def test_the_sender_counts_only_what_it_receives(charlie, agency, police_case):
    make_referral(police_case, agency)
    assert menu_entry(charlie) == "Inbox"


def test_no_inbox_in_the_menu_of_roles_without_one(dana, erin, gulnara, agency, police_case):
    make_referral(police_case, agency)
    for user in (dana, erin, gulnara):
        assert menu_entry(user) is None


def test_the_menu_leads_those_who_open_cases_to_the_directory(alice, gulnara):
    directory = reverse("referrals:directory")
    assert f'href="{directory}"' in signed_in(alice).get(reverse("home")).content.decode()
    assert f'href="{directory}"' not in signed_in(gulnara).get(reverse("home")).content.decode()
