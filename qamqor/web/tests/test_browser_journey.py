"""The whole intake journey in a real browser: sign in, register, find, note.

The browser also enforces the Content-Security-Policy: any inline script or style, or
asset from elsewhere, would be refused and reported on its console, which must stay
free of such reports.
"""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from qamqor.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in_with_password(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label(re.compile("Имя пользователя|Username")).fill(username)
    page.get_by_label(re.compile("Пароль|Password")).fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()


def test_register_find_by_code_and_any_spelling_then_add_note(
    page: Page, csp_violations: list[str], live_server, alice
):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    sign_in_with_password(page, live_server.url, "alice")
    expect(page).to_have_url(re.compile("/account/second-factor/"))
    page.locator("input[name=code]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("alice")

    page.locator(".main-nav a[href='/cases/new/']").click()
    page.locator("#id_case-grounds").select_option("domestic_violence")
    page.locator("#id_person-surname").fill("Сейітқалиева")
    page.locator("#id_person-given_name").fill("Нұрсұлтан")
    page.locator("#id_person-latin_given_name").fill("Nursultan")
    page.locator("#id_person-sex").select_option("female")
    page.locator("#id_person-birth_year").fill("1994")
    page.locator("form.once button.primary").click()

    heading = page.locator("h1")
    expect(heading).to_contain_text(re.compile(r"ALA-\d{4}-\d{6}"))
    code = re.search(r"ALA-\d{4}-\d{6}", heading.inner_text()).group()
    expect(page.locator(".card").first).to_contain_text("Нұрсұлтан")

    for query in (code, "Нурсултан", "Nursultan", "сейиткалиева"):
        page.locator(".main-nav a[href='/cases/']").click()
        page.locator("input[name=q]").fill(query)
        page.locator(".search-box button").click()
        expect(page.locator("#results table.cases tbody")).to_contain_text(code)
        expect(page.locator("#results .count")).to_contain_text("1")
    assert "Nursultan" not in page.url and "q=" not in page.url

    page.locator(f"#results a:has-text('{code}')").click()
    page.locator("#note-form textarea[name=text]").fill("Первичная консультация проведена.")
    page.locator("#note-form button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("Первичная консультация проведена.")
    expect(page.locator("#note-form textarea[name=text]")).to_have_value("")
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("Первичная консультация проведена.")
    assert csp_violations == []


def test_set_up_the_second_factor_from_the_qr_page(
    page: Page, csp_violations: list[str], live_server, carol
):
    sign_in_with_password(page, live_server.url, "carol")
    expect(page).to_have_url(re.compile("/account/second-factor/setup/"))
    expect(page.locator("figure svg path")).to_have_count(1)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=carol, confirmed=False)
    assert secret in device.config_url
    page.locator("input[name=code]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    page.locator("main a.button.primary").click()
    expect(page.locator("h1")).to_contain_text("carol")
    assert csp_violations == []
