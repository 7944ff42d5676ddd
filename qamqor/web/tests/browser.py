"""Headless Chromium for browser tests: Debian's chromium driven by Playwright.

One Playwright and one browser serve the whole test session, whatever app a browser
test belongs to: qamqor/conftest.py imports the fixtures and the ordering hook from
here, and no other conftest or test module may define them again (a second `browser`
fixture would start a second Playwright in the same thread, which Playwright refuses).

A missing browser fails the test; it is never skipped (CI installs chromium).

    def test_something(new_page, csp_violations, live_server, alice, carol):
        worker = sign_in(new_page(), live_server.url, alice)
        supervisor = sign_in(new_page(), live_server.url, carol)
        ...
        assert csp_violations == []
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from qamqor.accounts.models import User
from qamqor.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("QAMQOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_FIXTURE = "browser"

# What qamqor/conftest.py takes in: the fixtures and the ordering hook.
__all__ = ["browser", "csp_violations", "new_page", "page", "pytest_collection_modifyitems"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run after every other test, in the order they were collected.

    Once Playwright has started, its event loop stays running in the main thread until
    the session ends; a test that does not need the browser should never run beside it.
    `trylast` puts this after pytest-django's own ordering (transactional tests last).
    """
    items.sort(key=lambda item: BROWSER_FIXTURE in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses
    # to run beside one unless told that this test process is single-threaded on purpose.
    allowed_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Once Playwright runs this thread inside its event loop, Django hands it new
    # connection objects, without the reference data the test database was serialized
    # with; `serialized_rollback` would then restore nothing after the first browser
    # test. The new connections get it from the old (the database was set up before).
    serialized = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if allowed_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed_before


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy on any page of the test,
    as it says on its console ("Refused to apply inline style because it violates ...
    Content Security Policy")."""
    return []


@pytest.fixture
def new_page(browser: Browser, csp_violations: list[str]) -> Iterator[Callable[..., Page]]:
    """Open a page in a browser context of its own (its own cookies: one per user);
    every context is closed after the test, and every page reports to csp_violations."""
    contexts: list[BrowserContext] = []

    def open_page(locale: str = "ru-RU") -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)

        def note(message: ConsoleMessage) -> None:
            text = message.text
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                csp_violations.append(f"{page.url}: {text}")

        page.on("console", note)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page in Russian, the interface's default language."""
    return new_page()


def sign_in(page: Page, base_url: str, user: User) -> Page:
    """Sign `user` in on `page` with the password and a code of a new authenticator app."""
    device = TOTPDevice.objects.create(user=user, name="browser", confirmed=True)
    page.goto(f"{base_url}/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url(re.compile("/account/second-factor/"))
    page.locator("input[name=code]").fill(f"{totp(device.bin_key):06d}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(user.username)
    return page
