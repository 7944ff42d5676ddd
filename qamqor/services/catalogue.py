"""Reading, checking and loading a standards catalogue file (data/standards.yaml).

The data migration and `qamqor standards import` share this one code path:
`read_catalogue` checks a file against itself and against what the database already holds
and reports every problem at once; `apply_catalogue` upserts a checked catalogue by code.
Both take a model registry (`apps`), so the migration passes its historical models and the
command the current ones, and the two cannot disagree about what a file means.
docs/standards.md describes the format.
"""

import datetime
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps.registry import Apps
from django.db.models import Model

from qamqor.translated import TranslatedName

from .models import CODE_LENGTH, CountsFrom, Standard

FORMAT_VERSION = 1
SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "standards.yaml"
LANGUAGES = ("kk", "ru", "en")
NAME_LENGTH = TranslatedName._meta.get_field("name_en").max_length or 200
VERSION_LENGTH = Standard._meta.get_field("version").max_length or 100
CODE_PATTERN = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{CODE_LENGTH - 1}}}")

# The sections of plain named rows: file section -> model name.
NAMED_SECTIONS = {
    "settings": "ServiceSetting",
    "recipient_categories": "RecipientCategory",
    "extension_reasons": "ExtensionReason",
    "time_limits": "TimeLimit",
}
SECTIONS = ("format", *NAMED_SECTIONS, "services", "standards")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path such as `standards[2].category`) and what."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        line = f" (line {self.line})" if self.line else ""
        return f"{where}{self.message}{line}"


class CatalogueError(Exception):
    """A file that cannot be imported; `problems` lists every bad row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class NamedRow:
    code: str
    names: dict[str, str]  # {"name_kk": ..., "name_ru": ..., "name_en": ...}
    position: int
    extra: dict[str, str] = field(default_factory=dict)  # counts_from of a time limit


@dataclass(frozen=True)
class ServiceRow:
    code: str
    names: dict[str, str]
    position: int
    service_type: str


@dataclass(frozen=True)
class StandardRow:
    code: str
    category: str
    version: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    service_period_days: int
    extension_days: int
    extension_reasons: tuple[str, ...]
    required_service_types: tuple[str, ...]
    required_services: tuple[str, ...]
    allowed_settings: tuple[str, ...]
    time_limits: dict[str, int]
    source: str
    verified: bool


@dataclass(frozen=True)
class Catalogue:
    named: dict[str, tuple[NamedRow, ...]]  # by section, only the sections the file has
    services: tuple[ServiceRow, ...]
    standards: tuple[StandardRow, ...]


@dataclass(frozen=True)
class Span:
    """When a standard is in force, for the overlap check."""

    code: str
    category: str
    effective_from: datetime.date
    effective_to: datetime.date | None

    def overlaps(self, other: "Span") -> bool:
        return (other.effective_to is None or self.effective_from <= other.effective_to) and (
            self.effective_to is None or other.effective_from <= self.effective_to
        )

    def __str__(self) -> str:
        return f"{self.effective_from} to {self.effective_to or 'open end'}"


@dataclass(frozen=True)
class Existing:
    """The codes the database holds already, which a file may refer to without repeating."""

    codes: dict[str, frozenset[str]]  # by named section, and "service_types"
    service_types_of: dict[str, str]  # service code -> service type code
    standards: tuple[Span, ...]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def existing_catalogue(apps: Apps) -> Existing:
    def codes(model_name: str) -> frozenset[str]:
        model = apps.get_model("services", model_name)
        return frozenset(model._default_manager.values_list("code", flat=True))

    Service = apps.get_model("services", "Service")
    StandardModel = apps.get_model("services", "Standard")
    return Existing(
        codes={
            "service_types": codes("ServiceType"),
            **{section: codes(model) for section, model in NAMED_SECTIONS.items()},
        },
        service_types_of=dict(Service._default_manager.values_list("code", "service_type__code")),
        standards=tuple(
            Span(*row)
            for row in StandardModel._default_manager.values_list(
                "code", "category__code", "effective_from", "effective_to"
            )
        ),
    )


def read_catalogue(text: str, existing: Existing) -> Catalogue:
    """Parse and check a catalogue file; raise CatalogueError listing every problem."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise CatalogueError(
            [Problem("", f"not valid YAML: {error.problem}", mark.line + 1 if mark else None)]
        ) from None
    except yaml.YAMLError as error:
        raise CatalogueError([Problem("", f"not valid YAML: {error}")]) from None
    reader = _Reader()
    if node is not None:
        reader.index_lines(node, "")
    catalogue = reader.catalogue(data, existing)
    if reader.problems or catalogue is None:
        raise CatalogueError(reader.problems)
    return catalogue


def apply_catalogue(apps: Apps, catalogue: Catalogue) -> dict[str, Tally]:
    """Write a checked catalogue: insert new codes, update changed rows, leave the rest.

    Rows the file does not mention stay as they are: a file may carry only a new standard.
    """
    tallies: dict[str, Tally] = {}
    for section, model_name in NAMED_SECTIONS.items():
        if section not in catalogue.named:
            continue
        model = apps.get_model("services", model_name)
        tally = tallies[section] = Tally()
        for named in catalogue.named[section]:
            values = {**named.names, **named.extra, "position": named.position}
            tally.count(_upsert(model, named.code, values)[1])

    ids = _Ids(apps)
    if catalogue.services:
        Service = apps.get_model("services", "Service")
        tally = tallies["services"] = Tally()
        for service in catalogue.services:
            values = {
                **service.names,
                "service_type_id": ids.of("ServiceType", service.service_type),
                "position": service.position,
            }
            tally.count(_upsert(Service, service.code, values)[1])

    if catalogue.standards:
        tally = tallies["standards"] = Tally()
        for standard in catalogue.standards:
            tally.count(_upsert_standard(apps, ids, standard))
    return tallies


def load_shipped_catalogue(apps: Apps) -> dict[str, Tally]:
    """Load data/standards.yaml: what the data migration runs, with its historical models."""
    catalogue = read_catalogue(SHIPPED_FILE.read_text(encoding="utf-8"), existing_catalogue(apps))
    return apply_catalogue(apps, catalogue)


# Writing


class _Ids:
    """Primary keys by code, read once per model after the named rows are written."""

    def __init__(self, apps: Apps) -> None:
        self.apps = apps
        self.cache: dict[str, dict[str, int]] = {}

    def of(self, model_name: str, code: str) -> int:
        if model_name not in self.cache:
            model = self.apps.get_model("services", model_name)
            self.cache[model_name] = dict(model._default_manager.values_list("code", "pk"))
        return self.cache[model_name][code]

    def all_of(self, model_name: str, codes: Iterable[str]) -> set[int]:
        return {self.of(model_name, code) for code in codes}


def _upsert(model: type[Model], code: str, values: dict[str, Any]) -> tuple[Model, str]:
    instance = model._default_manager.filter(code=code).first()
    if instance is None:
        return model._default_manager.create(code=code, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    return instance, "updated"


def _upsert_standard(apps: Apps, ids: _Ids, row: StandardRow) -> str:
    StandardModel = apps.get_model("services", "Standard")
    StandardTimeLimit = apps.get_model("services", "StandardTimeLimit")
    values = {
        "category_id": ids.of("RecipientCategory", row.category),
        "version": row.version,
        "effective_from": row.effective_from,
        "effective_to": row.effective_to,
        "service_period_days": row.service_period_days,
        "extension_days": row.extension_days,
        "source": row.source,
        "verified": row.verified,
    }
    standard, outcome = _upsert(StandardModel, row.code, values)
    relations = {
        "extension_reasons": ids.all_of("ExtensionReason", row.extension_reasons),
        "required_service_types": ids.all_of("ServiceType", row.required_service_types),
        "required_services": ids.all_of("Service", row.required_services),
        "allowed_settings": ids.all_of("ServiceSetting", row.allowed_settings),
    }
    relations_changed = False
    for name, wanted in relations.items():
        manager = getattr(standard, name)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            relations_changed = True

    wanted_limits = {ids.of("TimeLimit", code): days for code, days in row.time_limits.items()}
    limits = StandardTimeLimit._default_manager.filter(standard_id=standard.pk)
    if dict(limits.values_list("time_limit_id", "days")) != wanted_limits:
        limits.delete()
        StandardTimeLimit._default_manager.bulk_create(
            StandardTimeLimit(standard_id=standard.pk, time_limit_id=limit_id, days=days)
            for limit_id, days in wanted_limits.items()
        )
        relations_changed = True
    if outcome == "unchanged" and relations_changed:
        return "updated"
    return outcome


# Reading


def _field(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _parent(path: str) -> str:
    return re.sub(r"(\[\d+\]|\.[^.\[]*|^[^.\[]+)$", "", path)


class _Reader:
    """Walks the parsed file, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        self.indexed: set[int] = set()

    def index_lines(self, node: yaml.Node, path: str, line: int | None = None) -> None:
        """Note the line of every path (a field's is that of its key), and catch keys
        written twice, which YAML would silently let the last one win."""
        self.lines[path] = line or node.start_mark.line + 1
        if id(node) in self.indexed:
            # An alias of a node seen before: its lines are those of the anchor, and
            # walking it again could go round a self-referring alias for ever.
            return
        self.indexed.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key, key_line = str(key_node.value), key_node.start_mark.line + 1
                child = _field(path, key)
                if key in seen:
                    self.problems.append(Problem(child, "written twice", key_line))
                seen.add(key)
                self.index_lines(value_node, child, key_line)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.index_lines(item, _item(path, index))

    def problem(self, path: str, message: str) -> None:
        line_path = path
        while line_path and line_path not in self.lines:
            line_path = _parent(line_path)
        self.problems.append(Problem(path, message, self.lines.get(line_path)))

    # Whole file

    def catalogue(self, data: Any, existing: Existing) -> Catalogue | None:
        if data is None:
            self.problem("", "the file is empty")
            return None
        top = self.fields(data, "", required={"format"}, optional=set(SECTIONS))
        if top is None:
            return None
        version = top.get("format", FORMAT_VERSION)
        if isinstance(version, bool) or version != FORMAT_VERSION:
            self.problem("format", f"this version reads format {FORMAT_VERSION}, not {version!r}")
            return None

        named = {
            section: self.named_rows(top[section], section)
            for section in NAMED_SECTIONS
            if section in top
        }
        known = {
            section: existing.codes[section] | {row.code for row in named.get(section, ())}
            for section in NAMED_SECTIONS
        }
        services = self.services(top["services"], existing) if "services" in top else ()
        service_types_of = {
            **existing.service_types_of,
            **{service.code: service.service_type for service in services},
        }
        standards = (
            self.standards(top["standards"], existing, known, service_types_of)
            if "standards" in top
            else ()
        )
        return Catalogue(named=named, services=services, standards=standards)

    # Sections

    def rows(self, value: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.problem(path, "expected a list")
            return []
        return [(_item(path, index), item) for index, item in enumerate(value)]

    def named_rows(self, value: Any, section: str) -> tuple[NamedRow, ...]:
        extra_fields = {"counts_from"} if section == "time_limits" else set()
        rows = []
        seen: dict[str, str] = {}
        for position, (path, item) in enumerate(self.rows(value, section), start=1):
            fields = self.fields(item, path, required={"code", "name", *extra_fields})
            if fields is None:
                continue
            code = self.unique_code(fields.get("code"), _field(path, "code"), seen)
            names = self.names(fields.get("name"), _field(path, "name"))
            extra = {}
            if "counts_from" in fields:
                counts_from = self.choice(
                    fields["counts_from"], _field(path, "counts_from"), CountsFrom.values
                )
                if counts_from is not None:
                    extra["counts_from"] = counts_from
            if code is not None and names is not None and len(extra) == len(extra_fields):
                rows.append(NamedRow(code, names, position, extra))
        return tuple(rows)

    def services(self, value: Any, existing: Existing) -> tuple[ServiceRow, ...]:
        if not isinstance(value, dict):
            self.problem("services", "expected a mapping of service type codes to lists")
            return ()
        rows = []
        seen: dict[str, str] = {}
        for type_code, items in value.items():
            type_path = _field("services", type_code)
            if type_code not in existing.codes["service_types"]:
                self.problem(type_path, f"unknown service type {str(type_code)!r}")
                continue
            for position, (path, item) in enumerate(self.rows(items, type_path), start=1):
                fields = self.fields(item, path, required={"code", "name"})
                if fields is None:
                    continue
                code = self.unique_code(fields.get("code"), _field(path, "code"), seen)
                names = self.names(fields.get("name"), _field(path, "name"))
                if code is not None and names is not None:
                    rows.append(ServiceRow(code, names, position, type_code))
        return tuple(rows)

    def standards(
        self,
        value: Any,
        existing: Existing,
        known: dict[str, frozenset[str]],
        service_types_of: dict[str, str],
    ) -> tuple[StandardRow, ...]:
        rows = []
        seen: dict[str, str] = {}
        spans: list[tuple[str, Span]] = []
        for path, item in self.rows(value, "standards"):
            row = self.standard(item, path, seen, spans, existing, known, service_types_of)
            if row is not None:
                rows.append(row)
        self.check_overlaps(spans, set(seen), existing)
        return tuple(rows)

    def standard(
        self,
        item: Any,
        path: str,
        seen: dict[str, str],
        spans: list[tuple[str, Span]],
        existing: Existing,
        known: dict[str, frozenset[str]],
        service_types_of: dict[str, str],
    ) -> StandardRow | None:
        fields = self.fields(
            item,
            path,
            required={
                "code",
                "category",
                "version",
                "effective_from",
                "service_period_days",
                "required_service_types",
                "allowed_settings",
                "source",
            },
            optional={"effective_to", "extension", "required_services", "time_limits", "verified"},
        )
        if fields is None:
            return None
        before = len(self.problems)

        def at(key: str) -> str:
            return _field(path, key)

        code = self.unique_code(fields.get("code"), at("code"), seen)
        category = self.known_code(
            fields.get("category"), at("category"), known["recipient_categories"], "category"
        )
        version = self.text(fields.get("version"), at("version"), VERSION_LENGTH)
        effective_from = self.date(fields.get("effective_from"), at("effective_from"))
        effective_to = None
        dates_valid = effective_from is not None
        if fields.get("effective_to") is not None:
            effective_to = self.date(fields["effective_to"], at("effective_to"))
            dates_valid = dates_valid and effective_to is not None
            if effective_from and effective_to and effective_to < effective_from:
                self.problem(
                    at("effective_to"),
                    f"{effective_to} is before effective_from {effective_from}",
                )
                dates_valid = False
        if code and category and effective_from and dates_valid:
            # Checked for overlaps even when another field of the row is wrong, so that
            # one report names every problem.
            spans.append((path, Span(code, category, effective_from, effective_to)))
        period = self.days(fields.get("service_period_days"), at("service_period_days"), 1)
        extension_days, reasons = self.extension(fields.get("extension"), at("extension"), known)
        types = self.code_list(
            fields.get("required_service_types"),
            at("required_service_types"),
            existing.codes["service_types"],
            "service type",
        )
        services = self.code_list(
            fields.get("required_services", []),
            at("required_services"),
            service_types_of.keys(),
            "service",
            allow_empty=True,
        )
        for index, service in enumerate(services or ()):
            service_type = service_types_of.get(service)
            if types is not None and service_type is not None and service_type not in types:
                self.problem(
                    _item(at("required_services"), index),
                    f"service {service!r} is of type {service_type!r},"
                    " which required_service_types does not list",
                )
        settings = self.code_list(
            fields.get("allowed_settings"), at("allowed_settings"), known["settings"], "setting"
        )
        limits = self.time_limits(fields.get("time_limits", {}), at("time_limits"), known)
        source = self.text(fields.get("source"), at("source"))
        verified = fields.get("verified", False)
        if not isinstance(verified, bool):
            self.problem(at("verified"), "must be true or false")

        if len(self.problems) > before:
            return None
        # Every check above passed, so none of these is None: the asserts tell mypy so.
        assert code and category and version and effective_from and period is not None
        assert types is not None and services is not None and settings is not None
        assert limits is not None and source is not None
        return StandardRow(
            code=code,
            category=category,
            version=version,
            effective_from=effective_from,
            effective_to=effective_to,
            service_period_days=period,
            extension_days=extension_days,
            extension_reasons=reasons,
            required_service_types=types,
            required_services=services,
            allowed_settings=settings,
            time_limits=limits,
            source=source,
            verified=verified,
        )

    def extension(
        self, value: Any, path: str, known: dict[str, frozenset[str]]
    ) -> tuple[int, tuple[str, ...]]:
        if value is None:
            return 0, ()
        fields = self.fields(value, path, required={"days", "reasons"})
        if fields is None:
            return 0, ()
        days = self.days(fields.get("days"), _field(path, "days"), 1)
        reasons = self.code_list(
            fields.get("reasons"),
            _field(path, "reasons"),
            known["extension_reasons"],
            "extension reason",
        )
        return days or 0, reasons or ()

    def time_limits(
        self, value: Any, path: str, known: dict[str, frozenset[str]]
    ) -> dict[str, int] | None:
        if not isinstance(value, dict):
            self.problem(path, "expected a mapping of time limit codes to days")
            return None
        limits = {}
        for code, days_value in value.items():
            limit_path = _field(path, code)
            if code not in known["time_limits"]:
                self.problem(limit_path, f"unknown time limit {str(code)!r}")
                continue
            days = self.days(days_value, limit_path, 0)
            if days is not None:
                limits[code] = days
        return limits

    def check_overlaps(
        self, spans: list[tuple[str, Span]], in_file: set[str], existing: Existing
    ) -> None:
        """Two versions for one category may not be in force on the same day.

        The spans compared are those the database will hold after the import: the file's
        rows, and the stored rows the file does not replace.
        """
        earlier = [span for span in existing.standards if span.code not in in_file]
        for path, span in spans:
            for other in earlier:
                if other.category == span.category and span.overlaps(other):
                    self.problem(path, self.overlap_message(span, other))
            earlier.append(span)

    @staticmethod
    def overlap_message(span: Span, other: Span) -> str:
        message = (
            f"in force {span} for category {span.category!r},"
            f" overlapping standard {other.code!r} ({other})"
        )
        if other.effective_from < span.effective_from:
            last_day = span.effective_from - datetime.timedelta(days=1)
            message += f"; end {other.code!r} with effective_to: {last_day} in this file"
        return message

    # Values

    def fields(
        self, value: Any, path: str, *, required: set[str], optional: Collection[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, "expected a mapping of fields")
            return None
        allowed = required | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(_field(path, key), f"unknown field {str(key)!r}")
        for key in sorted(required - value.keys()):
            self.problem(_field(path, key), "missing")
        return value

    def unique_code(self, value: Any, path: str, seen: dict[str, str]) -> str | None:
        if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
            self.problem(
                path,
                f"{value!r} is not a code: lower-case letters, digits, '_' and '-',"
                f" at most {CODE_LENGTH} characters",
            )
            return None
        if value in seen:
            self.problem(path, f"duplicate code {value!r} (first at {seen[value]})")
            return None
        seen[value] = path
        return value

    def names(self, value: Any, path: str) -> dict[str, str] | None:
        fields = self.fields(value, path, required=set(), optional=LANGUAGES)
        if fields is None:
            return None
        names = {}
        for language in LANGUAGES:
            text = fields.get(language)
            if text is None or (isinstance(text, str) and not text.strip()):
                self.problem(_field(path, language), "missing translation")
            elif (checked := self.text(text, _field(path, language), NAME_LENGTH)) is not None:
                names[f"name_{language}"] = checked
        return names if len(names) == len(LANGUAGES) else None

    def text(self, value: Any, path: str, max_length: int | None = None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "must be text (quote it if YAML reads it as a number or date)")
            return None
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.problem(path, f"longer than {max_length} characters")
            return None
        return value

    def date(self, value: Any, path: str) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            self.problem(path, "must be a date (YYYY-MM-DD), not a moment in time")
            return None
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def days(self, value: Any, path: str, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(
                path, f"must be a whole number of days, at least {minimum} (got {value!r})"
            )
            return None
        return value

    def choice(self, value: Any, path: str, choices: Collection[str]) -> str | None:
        if value not in choices:
            self.problem(path, f"{value!r} is not one of {', '.join(choices)}")
            return None
        return str(value)

    def known_code(self, value: Any, path: str, known: Collection[str], kind: str) -> str | None:
        if not isinstance(value, str) or value not in known:
            self.problem(path, f"unknown {kind} {value!r}")
            return None
        return value

    def code_list(
        self,
        value: Any,
        path: str,
        known: Collection[str],
        kind: str,
        *,
        allow_empty: bool = False,
    ) -> tuple[str, ...] | None:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.problem(
                path, f"expected a list of {kind} codes" + ("" if allow_empty else ", at least one")
            )
            return None
        codes = []
        for index, item in enumerate(value):
            item_path = _item(path, index)
            code = self.known_code(item, item_path, known, kind)
            if code is None:
                continue
            if code in codes:
                self.problem(item_path, f"{kind} {code!r} listed twice")
                continue
            codes.append(code)
        return tuple(codes) if len(codes) == len(value) else None


def describe(tallies: dict[str, Tally]) -> str:
    """`standards: 1 created, 2 unchanged; services: 40 unchanged`, for a report."""
    parts = []
    for section, tally in tallies.items():
        counts = ", ".join(f"{n} {name}" for name, n in tally.as_dict().items() if n)
        parts.append(f"{section.replace('_', ' ')}: {counts or 'none'}")
    return "; ".join(parts) or "nothing in the file"
