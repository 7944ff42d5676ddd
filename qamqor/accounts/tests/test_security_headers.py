"""Security headers on every page, and a clean `qamqor check --deploy` in production."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from qamqor.conftest import signed_in

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def test_every_page_carries_the_content_security_policy(alice, case):
    client = signed_in(alice)
    responses = [
        Client().get(reverse("login")),
        client.get(reverse("home")),
        client.get(reverse("cases:detail", args=[case.code])),
        client.get(reverse("accounts:reauthenticate")),
    ]
    for response in responses:
        header = response["Content-Security-Policy"]
        assert directives(header) == POLICY
        assert "unsafe" not in header


def test_pages_have_no_inline_script_or_style(alice, case):
    client = signed_in(alice)
    for url in (reverse("home"), reverse("cases:detail", args=[case.code])):
        page = client.get(url).content.decode()
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert "htmx-config" in page and '"includeIndicatorStyles":false' in page


def test_the_second_factor_pages_are_framed_by_no_one_and_cached_nowhere(alice):
    client = Client()
    client.force_login(alice)
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_check_deploy_reports_nothing_with_production_settings(tmp_path: Path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("QAMQOR_", "DJANGO_"))
    }
    environment.update(
        QAMQOR_HTTPS="1",
        QAMQOR_SECRET_KEY=secrets.token_urlsafe(64),
        QAMQOR_ALLOWED_HOSTS="qamqor.example.kz",
        QAMQOR_CSRF_TRUSTED_ORIGINS="https://qamqor.example.kz",
        QAMQOR_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "qamqor.cli", "check", "--deploy", "--fail-level", "DEBUG"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
