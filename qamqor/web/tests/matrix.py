"""The cast and the shorthands of the access matrix (test_access_matrix.py).

An app adds the rows of its own pages in `<app>/tests/access_rows.py` (or several
`access_rows_<part>.py`), which may define:

- `PAGES`: GET status per user for each of its URL names;
- `POSTS`: accepted POST statuses per user for the URL names that change something;
- `arguments(case)`: values for the URL arguments its pages introduce (e.g. a plan id),
  made for the matrix's sensitive case, which alice owns.

The walk in test_access_matrix.py still enumerates every URL of the project, so a page
without a row fails it wherever the row was meant to live.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.apps import apps

CAST = ["alice", "bob", "carol", "charlie", "dana", "erin", "gulnara", "olga", "asel"]
# Who may see who the person in the case is (docs/access.md).
IDENTITY = {"alice", "carol"}
EDITORS = {"alice", "carol"}
OPENERS = {"alice", "bob", "carol", "charlie"}


def case_page(identity_status: int, de_identified: int, others: int = 404) -> dict[str, int]:
    """A page of one case: those who see identity get it, the de-identified reach gets
    `de_identified`, and to everyone else the case does not exist."""
    statuses = {user: others for user in CAST}
    statuses.update({user: identity_status for user in IDENTITY})
    statuses["gulnara"] = de_identified
    return statuses


def everyone(status: int, **exceptions: int) -> dict[str, int]:
    return {user: exceptions.get(user, status) for user in CAST}


def case_change() -> dict[str, set[int]]:
    """A POST that changes a case: its editors get through, the de-identified reach is
    refused, and to everyone else the case does not exist."""
    return {
        user: {200, 302, 400} if user in EDITORS else {403 if user == "gulnara" else 404}
        for user in CAST
    }


@dataclass
class AppRows:
    pages: dict[str, dict[str, int]] = field(default_factory=dict)
    posts: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    fillers: list[Callable[[Any], dict[str, object]]] = field(default_factory=list)

    def arguments(self, case: Any) -> dict[str, object]:
        values: dict[str, object] = {}
        for filler in self.fillers:
            values.update(filler(case))
        return values


def row_modules() -> list[str]:
    """`<app>/tests/access_rows.py` and `access_rows_<part>.py` of every project app."""
    names = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qamqor.") or find_spec(f"{config.name}.tests") is None:
            continue
        folder = Path(config.path) / "tests"
        names += [f"{config.name}.tests.{p.stem}" for p in sorted(folder.glob("access_rows*.py"))]
    return names


def collect_app_rows() -> AppRows:
    rows = AppRows()
    for name in row_modules():
        module = import_module(name)
        rows.pages.update(getattr(module, "PAGES", {}))
        rows.posts.update(getattr(module, "POSTS", {}))
        if hasattr(module, "arguments"):
            rows.fillers.append(module.arguments)
    return rows


APP_ROWS = collect_app_rows()
