"""Sign-in, home page, and what every page carries (quick exit, no caching)."""

import datetime
import re

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.accounts.two_factor import current_code
from qamqor.cases.models import Case
from qamqor.clock import today
from qamqor.conftest import PASSWORD, signed_in


def test_pages_need_sign_in():
    response = Client().get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_with_second_factor_and_out(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:second_factor')}?next=%2F"
    response = client.post(response["Location"], {"code": current_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_sign_in_without_second_factor_for_a_role_that_sees_no_one(dana):
    client = Client()
    response = client.post(reverse("login"), {"username": "dana", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused(alice):
    response = Client().post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_home_shows_my_open_cases_and_the_agencys_new_cases(alice, bob, carol, make_case):
    mine = make_case()
    bobs = make_case(actor=bob)
    old = make_case(actor=bob, opened_on=today() - datetime.timedelta(days=60))
    page = signed_in(alice).get(reverse("home")).content.decode()
    my_section, new_section = page.split('id="new-cases"')
    assert mine.code in my_section and bobs.code not in page  # a case worker's scope
    supervisors_page = signed_in(carol).get(reverse("home")).content.decode()
    _, new_section = supervisors_page.split('id="new-cases"')
    assert {mine.code, bobs.code} <= set(re.findall(r"[A-Z]{3}-\d{4}-\d{6}", new_section))
    assert old.code not in new_section


def test_home_leaves_out_closed_cases_from_my_open_cases(alice, carol, make_case):
    from qamqor.conftest import close_case

    closed = make_case()
    close_case(closed, alice, carol)
    page = signed_in(alice).get(reverse("home")).content.decode()
    assert closed.code not in page.split('id="new-cases"')[0]


def test_every_page_has_quick_exit_and_is_never_cached(alice, case):
    login_page = Client().get(reverse("login"))
    assert 'id="quick-exit"' in login_page.content.decode()
    client = signed_in(alice)
    urls = [
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:intake"),
        reverse("cases:detail", args=[case.code]),
        reverse("cases:person_edit", args=[case.code]),
        reverse("cases:incident_add", args=[case.code]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="quick-exit"' in response.content.decode(), url
        assert "no-store" in response["Cache-Control"], url


def test_quick_exit_replaces_the_history_entry():
    from django.contrib.staticfiles import finders

    with open(finders.find("web/qamqor.js"), encoding="utf-8") as handle:
        script = handle.read()
    assert "location.replace(" in script


def test_assets_are_served_from_the_package(alice):
    page = signed_in(alice).get(reverse("home")).content.decode()
    assert "//cdn" not in page and "https://" not in page.split('id="quick-exit"')[0]
    for asset in ("/static/web/qamqor.css", "/static/web/qamqor.js",
                  "/static/django_htmx/htmx-2.min.js"):  # fmt: skip
        assert asset in page


def test_every_form_field_has_a_label(alice, case):
    import re

    client = signed_in(alice)
    for url in (reverse("cases:intake"), reverse("cases:person_edit", args=[case.code])):
        page = client.get(url).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
        hidden = set(re.findall(r'<input type="hidden"[^>]*\bid="([^"]+)"', page))
        for field_id in set(ids) - hidden:
            assert f'for="{field_id}"' in page or re.search(
                rf'<label[^>]*>\s*<input[^>]*id="{field_id}"', page
            ), f"{url}: no label for {field_id}"


def test_case_list_shows_no_names(alice, make_case):
    case = make_case(surname="Жұмабаева", given_name="Ақерке")
    page = signed_in(alice).post(reverse("cases:list"), {}).content.decode()
    assert case.code in page
    assert "Жұмабаева" not in page and "Ақерке" not in page


def test_case_code_carries_no_personal_data(make_case):
    case = make_case(surname="Омарова")
    assert Case.objects.filter(code__regex=r"^[A-Z]{3}-\d{4}-\d{6}$", pk=case.pk).exists()


def test_the_menu_offers_each_role_the_pages_it_may_use(alice, carol, dana, erin, gulnara):
    links = {
        "services:providers": {"alice", "carol"},
        "plans:compliance": {"alice", "carol", "gulnara"},
        "facilities:list": {"carol"},
        "services:agency_offers": {"carol"},
        "services:standards": {"erin"},
    }
    for user in (alice, carol, dana, erin, gulnara):
        menu = signed_in(user).get(reverse("home")).content.decode().split("</nav>")[0]
        for name, shown_to in links.items():
            assert (f'href="{reverse(name)}"' in menu) == (user.username in shown_to), (
                name,
                user.username,
            )


def test_the_menu_counts_transfers_proposed_to_a_supervisor_s_agency(
    alice, carol, case, other_agency
):
    from qamqor.conftest import make_user
    from qamqor.referrals.transfer_actions import propose_transfer

    chief = make_user("chief", other_agency, role="supervisor")
    propose_transfer(alice, case, other_agency, "Семья переехала в другую область.")
    menu = signed_in(chief).get(reverse("home")).content.decode().split("</nav>")[0]
    assert reverse("referrals:transfer_inbox") in menu and 'class="nav-count">1' in menu
    menu = signed_in(carol).get(reverse("home")).content.decode().split("</nav>")[0]
    assert 'class="nav-count">1' not in menu.split('id="nav-transfers"')[-1][:200]
