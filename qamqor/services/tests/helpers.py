"""Catalogue files for tests, built from the shipped one so they stay in step with it."""

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from qamqor.services.catalogue import SHIPPED_FILE


def shipped() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shipped_standard(code: str) -> dict[str, Any]:
    return next(row for row in shipped()["standards"] if row["code"] == code)


def regulation_change(
    starts: datetime.date, *, period_days: int = 210, code: str = "trafficking-2026"
) -> dict[str, Any]:
    """A file entering a new trafficking standard from `starts`, ending the shipped one."""
    old = shipped_standard("trafficking-2023")
    return {
        "format": 1,
        "standards": [
            {**old, "effective_to": starts - datetime.timedelta(days=1)},
            {
                **old,
                "code": code,
                "version": "Synthetic amendment for tests",
                "effective_from": starts,
                "service_period_days": period_days,
            },
        ],
    }


def write(path: Path, data: dict[str, Any] | str) -> Path:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    """Run `qamqor standards ...`; return what it printed and what it complained."""
    out, err = io.StringIO(), io.StringIO()
    call_command("standards", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    """Run `qamqor standards ...`, expecting exit status 1; return what it complained."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("standards", *args, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert not out.getvalue()
    return err.getvalue()
