"""Reading and checking a facilities file for `qamqor facilities import` (docs/facilities.md).

`read_facility_file` parses the YAML, checks every row against itself and against the
agencies, regions and placement categories the database holds, and reports every problem
at once with its row and line. What needs the database's current state under locks (the
residents staying, a code held by another agency) is checked when the rows are written
(actions.import_facilities), in the same all-or-nothing transaction.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from qamqor.accounts.models import Agency, Region

from .models import Facility, PlacementCategory

FORMAT_VERSION = 1
CODE_LENGTH = Facility._meta.get_field("code").max_length or 40
NAME_LENGTH = Facility._meta.get_field("name").max_length or 200
CODE_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")
REQUIRED = {"code", "agency"}
OPTIONAL = {"name", "region", "address", "capacity"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (`facilities[2].capacity.men`), what, which line."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        line = f" (line {self.line})" if self.line else ""
        return f"{where}{self.message}{line}"


class FacilityFileError(Exception):
    """A file that cannot be imported; `problems` lists every bad row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class FacilityRow:
    """One checked row. None for a field the file leaves out (an existing facility keeps
    its value; a new one takes the agency's region)."""

    path: str
    code: str
    agency: Agency
    name: str | None
    region: Region | None
    address: str | None
    places: dict[PlacementCategory, int]
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def problem(self, key: str, message: str) -> Problem:
        line = self.lines.get(key) or self.lines.get(key.split(".")[0]) or self.lines.get("")
        return Problem(f"{self.path}.{key}" if key else self.path, message, line)


class _Known:
    """The reference rows a file may name, read once."""

    def __init__(self) -> None:
        self.agencies = list(Agency.objects.filter(is_active=True))
        self.regions = {region.iso_code: region for region in Region.objects.all()}
        self.categories = {category.code: category for category in PlacementCategory.objects.all()}

    def agency(self, value: Any) -> tuple[Agency | None, str]:
        """The agency a file names by its number or its name in any language."""
        if isinstance(value, bool):
            return None, "must be an agency's number or name"
        if isinstance(value, int):
            found = [agency for agency in self.agencies if agency.pk == value]
            return (found[0], "") if found else (None, f"unknown agency {value}")
        if not isinstance(value, str) or not value.strip():
            return None, "must be an agency's number or name"
        name = value.strip()
        found = [
            agency
            for agency in self.agencies
            if name in (agency.name_kk, agency.name_ru, agency.name_en)
        ]
        if not found:
            return None, f"unknown agency {name!r}"
        if len(found) > 1:
            numbers = ", ".join(str(agency.pk) for agency in found)
            return None, f"{len(found)} agencies are named {name!r} ({numbers}): give the number"
        return found[0], ""


def read_facility_file(text: str) -> list[FacilityRow]:
    """Parse and check a facilities file; raise FacilityFileError listing every problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise FacilityFileError(
            [Problem("", f"not valid YAML: {error.problem}", mark.line + 1 if mark else None)]
        ) from None
    except yaml.YAMLError as error:
        raise FacilityFileError([Problem("", f"not valid YAML: {error}")]) from None
    problems: list[Problem] = []
    if not isinstance(data, dict) or node is None:
        raise FacilityFileError(
            [Problem("", "the file must be a mapping with format and facilities")]
        )
    lines = _key_lines(node)
    unknown = sorted(str(key) for key in data if key not in ("format", "facilities"))
    for key in unknown:
        problems.append(Problem(key, "unknown section", lines.get(key)))
    version = data.get("format")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        problems.append(
            Problem("format", f"this version reads format {FORMAT_VERSION}, not {version!r}", 1)
        )
    entries = data.get("facilities")
    if not isinstance(entries, list):
        problems.append(
            Problem("facilities", "must be a list of facilities", lines.get("facilities"))
        )
        raise FacilityFileError(problems)
    item_nodes = _items(node, "facilities")
    known = _Known()
    rows: list[FacilityRow] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        path = f"facilities[{index}]"
        item_node = item_nodes[index] if index < len(item_nodes) else None
        twice: list[str] = []
        row_lines = _key_lines(item_node, twice) if item_node is not None else {}
        if item_node is not None:
            row_lines[""] = item_node.start_mark.line + 1
        for key in twice:
            problems.append(Problem(f"{path}.{key}", "written twice", row_lines.get(key)))
        row = _read_row(entry, path, row_lines, known, problems)
        if row is None:
            continue
        if row.code in seen:
            problems.append(row.problem("code", f"written twice (first in {seen[row.code]})"))
            continue
        seen[row.code] = path
        rows.append(row)
    if problems:
        raise FacilityFileError(problems)
    return rows


def _read_row(
    entry: Any, path: str, lines: dict[str, int], known: _Known, problems: list[Problem]
) -> FacilityRow | None:
    def problem(key: str, message: str) -> None:
        line = lines.get(key) or lines.get(key.split(".")[0]) or lines.get("")
        problems.append(Problem(f"{path}.{key}" if key else path, message, line))

    if not isinstance(entry, dict):
        problem("", "must be a mapping with code, agency, name, region, address and capacity")
        return None
    before = len(problems)
    for key in sorted(str(key) for key in entry if key not in REQUIRED | OPTIONAL):
        problem(key, "unknown field")
    for key in sorted(REQUIRED - set(entry)):
        problem(key, "missing")

    code = entry.get("code")
    if "code" in entry:
        if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            problem("code", "must be letters, digits, - and _ only")
        elif len(code) > CODE_LENGTH:
            problem("code", f"at most {CODE_LENGTH} characters")

    agency = None
    if "agency" in entry:
        agency, refusal = known.agency(entry["agency"])
        if agency is None:
            problem("agency", refusal)

    texts: dict[str, str | None] = {}
    for key in ("name", "address"):
        value = entry.get(key)
        if key not in entry:
            texts[key] = None
        elif not isinstance(value, str) or not value.strip():
            problem(key, "must be text")
        else:
            texts[key] = value.strip()
    if texts.get("name") and len(texts["name"] or "") > NAME_LENGTH:
        problem("name", f"at most {NAME_LENGTH} characters")

    region = None
    if "region" in entry:
        region = known.regions.get(str(entry["region"]))
        if region is None:
            problem("region", f"unknown region {entry['region']!r} (an ISO code such as KZ-75)")

    places: dict[PlacementCategory, int] = {}
    capacity = entry.get("capacity", {})
    if not isinstance(capacity, dict):
        problem("capacity", "must map placement categories to numbers of places")
        capacity = {}
    for key, count in capacity.items():
        category = known.categories.get(str(key))
        if category is None:
            codes = ", ".join(known.categories)
            problem(f"capacity.{key}", f"unknown category {key!r} (known: {codes})")
        elif isinstance(count, bool) or not isinstance(count, int):
            problem(f"capacity.{key}", "must be a whole number of places")
        elif count < 0:
            problem(f"capacity.{key}", "places cannot be negative")
        else:
            places[category] = count

    if len(problems) > before or agency is None or not isinstance(code, str):
        return None
    return FacilityRow(
        path=path,
        code=code,
        agency=agency,
        name=texts.get("name"),
        region=region,
        address=texts.get("address"),
        places=places,
        lines=lines,
    )


def _key_lines(node: yaml.Node, twice: list[str] | None = None) -> dict[str, int]:
    """The line of every key of a mapping and of its nested mappings (`capacity.men`);
    keys written twice, which YAML would let the last one win silently, go to `twice`."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in lines and twice is not None:
                twice.append(key)
            lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.MappingNode):
                inner_twice: list[str] = []
                for inner, line in _key_lines(value_node, inner_twice).items():
                    lines[f"{key}.{inner}"] = line
                if twice is not None:
                    twice.extend(f"{key}.{inner}" for inner in inner_twice)
    return lines


def _items(node: yaml.Node, key: str) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
                return list(value_node.value)
    return []
