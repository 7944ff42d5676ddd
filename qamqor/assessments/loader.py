"""Reading instrument files (data/instruments.yaml is the shipped one).

`load_instruments` checks a whole file first and writes nothing unless every row is
right; each problem names its instrument and item. It takes the app registry it is
given, so the data migration (historical models) and `qamqor instruments import` (the
current ones) read a file in the same way.
"""

import datetime
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps as current_apps
from django.apps.registry import Apps
from django.db import transaction

from .scoring import RiskRules

SHIPPED = Path(__file__).parent / "data" / "instruments.yaml"
LANGUAGES = ("kk", "ru", "en")
KINDS = ("trafficking_identification", "domestic_violence_risk", "eligibility")
ANSWER_TYPES = ("yes_no_unknown", "checklist")


class InstrumentFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _translations(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: give the text in kk, ru and en")
        return {}
    missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
    if missing:
        problems.append(f"{where}: no text in {', '.join(missing)}")
    return {lang: str(value.get(lang) or "").strip() for lang in LANGUAGES}


def _date(value: Any, where: str, problems: list[str]) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def parse_instruments(text: str) -> list[dict[str, Any]]:
    """The instruments of a YAML file, checked; InstrumentFileError lists every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InstrumentFileError([f"not a YAML file: {error}"]) from None
    rows = data.get("instruments") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InstrumentFileError(["the file has no list `instruments`"])
    problems: list[str] = []
    parsed: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(f"instrument {number}: not a mapping")
            continue
        code = str(row.get("code") or "").strip()
        where = f"instrument {number} ({code or 'no code'})"
        if not code:
            problems.append(f"{where}: no code")
        version = row.get("version")
        if not isinstance(version, int) or version < 1:
            problems.append(f"{where}: version must be a whole number from 1")
        elif (code, version) in seen:
            problems.append(f"{where}: version {version} appears twice in the file")
        seen.add((code, version if isinstance(version, int) else 0))
        kind = row.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(KINDS)}")
        start = _date(row.get("effective_from"), f"{where} effective_from", problems)
        end = _date(row.get("effective_to"), f"{where} effective_to", problems)
        if start is None and "effective_from" not in row:
            problems.append(f"{where}: no effective_from date")
        if start and end and end <= start:
            problems.append(f"{where}: effective_to must come after effective_from")
        name = _translations(row.get("name"), f"{where} name", problems)
        rules = row.get("rules") or {}
        if kind == "domestic_violence_risk":
            try:
                RiskRules.from_data(rules)
            except (KeyError, TypeError, ValueError) as error:
                problems.append(f"{where} rules: incomplete or wrong risk rules ({error})")
        if kind == "trafficking_identification":
            days = rules.get("reflection_days") if isinstance(rules, dict) else None
            if not isinstance(days, int) or days < 1:
                problems.append(f"{where} rules: reflection_days must be a whole number of days")
        groups = row.get("groups") or {}
        group_names = {
            group: _translations(names, f"{where} group {group}", problems)
            for group, names in (groups.items() if isinstance(groups, dict) else [])
        }
        items = row.get("items")
        if not isinstance(items, list) or not items:
            problems.append(f"{where}: no items")
            items = []
        parsed_items = []
        codes: set[str] = set()
        for position, item in enumerate(items, start=1):
            item_where = f"{where} item {position}"
            if not isinstance(item, dict):
                problems.append(f"{item_where}: not a mapping")
                continue
            item_code = str(item.get("code") or "").strip()
            item_where = f"{where} item {position} ({item_code or 'no code'})"
            if not item_code:
                problems.append(f"{item_where}: no code")
            elif item_code in codes:
                problems.append(f"{item_where}: the code appears twice")
            codes.add(item_code)
            group = str(item.get("group") or "")
            if group and group not in group_names:
                problems.append(f"{item_where}: group {group!r} is not named under groups")
            answer_type = item.get("answer_type")
            if answer_type not in ANSWER_TYPES:
                problems.append(f"{item_where}: answer_type must be one of {ANSWER_TYPES}")
            texts = _translations(item, item_where, problems)
            parsed_items.append(
                {"code": item_code, "position": position, "group": group,
                 "answer_type": answer_type, **{f"text_{k}": v for k, v in texts.items()}}
            )  # fmt: skip
        parsed.append(
            {"code": code, "version": version, "kind": kind, "effective_from": start,
             "effective_to": end, "rules": rules, "groups": group_names,
             **{f"name_{k}": v for k, v in name.items()}, "items": parsed_items}
        )  # fmt: skip
    if problems:
        raise InstrumentFileError(problems)
    return parsed


def load_instruments(
    text: str, apps: Apps | None = None, *, skip_loaded: bool = False
) -> list[str]:
    """Write every instrument version of `text`, all or nothing; the versions written.

    A version already loaded is refused (results point at it, so a change needs a new
    version number), or passed over with `skip_loaded`: a migration shipping a new version
    in the same file loads only what is new.
    """
    registry = apps or current_apps
    instrument_model = registry.get_model("assessments", "Instrument")
    item_model = registry.get_model("assessments", "Item")
    parsed = parse_instruments(text)
    loaded = {
        (row["code"], row["version"])
        for row in parsed
        if instrument_model.objects.filter(code=row["code"], version=row["version"]).exists()
    }
    if skip_loaded:
        parsed = [row for row in parsed if (row["code"], row["version"]) not in loaded]
        loaded = set()
    existing = [
        f"{row['code']} version {row['version']} is already loaded; "
        "a changed instrument needs a new version number"
        for row in parsed
        if (row["code"], row["version"]) in loaded
    ]
    if existing:
        raise InstrumentFileError(existing)
    written = []
    with transaction.atomic():
        for row in parsed:
            fields = {key: value for key, value in row.items() if key != "items"}
            instrument = instrument_model.objects.create(**fields)
            item_model.objects.bulk_create(
                item_model(instrument=instrument, **item) for item in row["items"]
            )
            written.append(f"{row['code']} v{row['version']} ({len(row['items'])} items)")
    return written


def load_shipped_instruments(apps: Apps) -> list[str]:
    return load_instruments(SHIPPED.read_text(encoding="utf-8"), apps, skip_loaded=True)
