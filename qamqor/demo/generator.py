"""The demo data set: agencies, staff, and synthetic persons with their cases.

Everything is invented: names are random combinations from qamqor.demo.names, IINs are
built by the check-digit rule from the invented date of birth, addresses and telephone
numbers are made up. The load is one transaction with one audit event, so it happens
entirely or not at all, and it happens once per installation.

Rows are written in batches by qamqor.bulk, so 100,000 persons take minutes, not hours;
this bypasses the actions of cases/actions.py on purpose, and writes what they would
write: name keys for search, case codes from the CaseCounter rows, timestamps.
"""

import datetime
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import Generic, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.utils import timezone

from qamqor.accounts.models import Agency, AgencyKind, Membership, Region, Role, User
from qamqor.assessments.models import (
    Assessment,
    AssessmentStatus,
    DecisionMakingOrg,
    EligibilityDecision,
    Instrument,
    TraffickingDecision,
    TraffickingStatus,
)
from qamqor.assessments.scoring import RiskRules, risk_result, yes_count
from qamqor.audit.events import record
from qamqor.audit.models import AuditEvent
from qamqor.bulk import insert_objects
from qamqor.cases.codes import assign_case_codes
from qamqor.cases.models import (
    CLOSING_STATUS,
    Case,
    CaseAssignment,
    CaseNote,
    ClosureDecision,
    ClosureOutcome,
    ClosureRequest,
    Grounds,
    Incident,
    Status,
)
from qamqor.clock import now as clock_now
from qamqor.clock import today as clock_today
from qamqor.facilities.models import Facility, FacilityCapacity, Placement, PlacementCategory
from qamqor.facilities.queries import standard_category
from qamqor.plans.actions import _first_services, _settings_for, review_days
from qamqor.plans.models import (
    COUNTING_OUTCOMES,
    Delivery,
    DeliveryOutcome,
    Frequency,
    Goal,
    GoalStatus,
    PlanExtension,
    PlannedService,
    PlanOutcome,
    PlanStatus,
    ServicePlan,
)
from qamqor.protection.models import MeasureKind, ProtectionMeasure, add_months
from qamqor.registry.iin import check_digit
from qamqor.registry.models import Gender, Person
from qamqor.registry.search_index import name_key_rows
from qamqor.services.models import (
    RecipientCategory,
    Service,
    ServiceSetting,
    ServiceType,
    Standard,
)

from . import names, texts
from .network import (
    FEATURED_USERNAMES,
    PLACE_BY_ISO,
    PLACES,
    STREETS,
    TRAFFICKING_CENTRES,
    AgencySpec,
    agency_specs,
    all_usernames,
)

# Printed by the command for anyone to log in with: a demo log-in, not a secret.
DEMO_PASSWORD = "qamqor-demo-2026"  # noqa: S105
DEFAULT_SEED = 2026
BATCH_SIZE = 2000
LOAD_ACTION = "demo_data.load"
EXTEND_ACTION = "demo_data.add_open_cases"
HISTORY_DAYS = 3 * 365

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed weighted choice; cumulative weights are summed once, not per draw."""

    def __init__(self, options: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _weight in options]
        self.cumulative = list(accumulate(weight for _value, weight in options))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


class DemoDataConflict(Exception):
    """The installation is not one the demo set may be loaded into."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str


@dataclass
class LoadSummary:
    agencies: int = 0
    users: int = 0
    persons: int = 0
    cases: int = 0
    incidents: int = 0
    notes: int = 0
    name_keys: int = 0
    grounds: Counter[str] = field(default_factory=Counter)
    facilities: int = 0
    placements: int = 0
    assessments: int = 0
    decisions: int = 0  # trafficking status and eligibility
    measures: int = 0
    plans: int = 0
    goals: int = 0
    planned_services: int = 0
    extensions: int = 0
    deliveries: int = 0
    closure_requests: int = 0


def is_loaded() -> bool:
    return AuditEvent.objects.filter(action=LOAD_ACTION).exists()


def demo_logins() -> list[DemoLogin]:
    """The featured demo log-ins as they stand in the database, in a fixed order."""
    order = {username: index for index, username in enumerate(FEATURED_USERNAMES)}
    memberships = Membership.objects.filter(
        user__username__in=FEATURED_USERNAMES, ended_at__isnull=True
    ).select_related("user", "role", "agency")
    logins = [DemoLogin(m.user.username, m.role.code, m.agency.name) for m in memberships]
    return sorted(logins, key=lambda login: (order[login.username], login.agency))


def load(
    persons: int,
    *,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary | None:
    """Load the demo set with `persons` persons; None when it was loaded before.

    Raises DemoDataConflict, changing nothing, when the installation holds persons or
    users by the demo usernames already.
    """
    if persons < 1:
        raise ValueError("persons must be a positive integer")
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DemoDataConflict("this database does not return keys from bulk inserts")
    validate_password(DEMO_PASSWORD)
    specs = agency_specs()
    with transaction.atomic():
        if is_loaded():
            return None
        _check_installation(specs)
        rng = random.Random(seed)
        network = _create_network(rng, specs)
        casework_rng = _casework_random(seed)
        shelters = _create_shelters(casework_rng, network.agencies, network.region_ids)
        builder = _CaseBuilder(
            rng,
            network,
            _CaseWork(casework_rng, network, shelters),
            _PlanWork(_plans_random(seed)),
        )
        summary = LoadSummary(
            agencies=len(network.agencies),
            users=network.user_count,
            facilities=sum(len(found) for found in shelters.values()),
        )
        opened = sorted(builder.first_opening() for _ in range(persons))
        for start in range(0, persons, batch_size):
            batch = _Batch()
            for opened_on in opened[start : start + batch_size]:
                builder.add_person(batch, opened_on)
            batch.save(network.case_prefixes, summary)
            if progress is not None:
                progress(start + len(opened[start : start + batch_size]), persons)
        record(None, LOAD_ACTION, persons=persons, cases=summary.cases, seed=seed)
    return summary


def _casework_random(seed: int | str) -> random.Random:
    # A stream of its own: the persons and cases of a seed stay what they were without it.
    return random.Random(f"{seed}:casework")


def _plans_random(seed: int | str) -> random.Random:
    # Likewise for plans and closures: the case work of a seed stays what it was.
    return random.Random(f"{seed}:plans")


def _check_installation(specs: list[AgencySpec]) -> None:
    demo_users = User.objects.filter(username__in=all_usernames(specs))
    taken = sorted(demo_users.values_list("username", flat=True))
    if taken:
        raise DemoDataConflict(
            "users with demo usernames exist already (" + ", ".join(taken[:5]) + "); "
            "the demo set is loaded only into an installation without them"
        )
    held = Person.objects.count()
    if held:
        # Invented victims beside real ones would be taken for real: keep them apart.
        raise DemoDataConflict(
            f"this installation holds {held} person records already; the demo set is "
            "loaded only into an installation without persons"
        )


# ---- agencies and staff -------------------------------------------------------------


@dataclass
class _AgencyInfo:
    agency_id: int
    region_id: int
    iso_code: str
    spec: AgencySpec
    workers: list[int] = field(default_factory=list)  # users who open and work cases
    supervisors: list[int] = field(default_factory=list)


@dataclass
class _Network:
    agencies: list[_AgencyInfo]
    region_ids: dict[str, int]
    region_isos: dict[int, str]
    case_prefixes: dict[int, str]  # region id -> prefix of its case codes
    user_count: int
    owners: dict[tuple[str, str], Weighted[_AgencyInfo]]  # (grounds, region) -> agencies


# How likely an agency of a kind is to own a case on these grounds, in its region.
_OWNER_WEIGHTS = {
    Grounds.TRAFFICKING: {"trafficking_centre": 4.0, "police": 1.0},
    Grounds.DOMESTIC_VIOLENCE: {
        "dv_centre": 3.0, "trafficking_centre": 1.0, "police": 3.0, "social": 0.5,
    },
    Grounds.CRUEL_TREATMENT: {
        "social": 3.0, "dv_centre": 1.0, "trafficking_centre": 1.0, "police": 1.0,
    },
}  # fmt: skip


def _owner_group(spec: AgencySpec) -> str:
    if spec.serves_trafficking and spec.kind.startswith("crisis_centre"):
        return "trafficking_centre"
    if spec.kind.startswith("crisis_centre"):
        return "dv_centre"
    if spec.kind == "police":
        return "police"
    return "social"


def _create_network(rng: random.Random, specs: list[AgencySpec]) -> _Network:
    regions = {region.iso_code: region for region in Region.objects.all()}
    kinds = {kind.code: kind for kind in AgencyKind.objects.all()}
    roles = {role.code: role for role in Role.objects.all()}
    service_types = {service.code: service for service in ServiceType.objects.all()}
    started = clock_now() - datetime.timedelta(days=4 * 365)

    agencies = [
        Agency(
            name_kk=spec.name_kk,
            name_ru=spec.name_ru,
            name_en=spec.name_en,
            kind=kinds[spec.kind],
            region=regions[spec.iso_code],
            address=_address(rng, spec.iso_code, office=True),
            phone=_phone(rng, spec.iso_code),
        )
        for spec in specs
    ]
    Agency.objects.bulk_create(agencies)
    Agency.services.through.objects.bulk_create(
        [
            Agency.services.through(agency_id=agency.pk, servicetype_id=service_types[code].pk)
            for agency, spec in zip(agencies, specs, strict=True)
            for code in spec.services
        ]
    )

    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    users: list[User] = []
    memberships: list[Membership] = []
    for agency, spec in zip(agencies, specs, strict=True):
        for staff in spec.staff:
            sex = "female" if rng.random() < 0.7 else "male"
            name = (names.kazakh_name if rng.random() < 0.7 else names.russian_name)(
                rng, sex, latin=False
            )
            user = User(
                username=staff.username,
                first_name=name.given_name,
                last_name=name.surname,
                email=f"{staff.username}@qamqor-demo.invalid",
                password=password,
                date_joined=started,
            )
            users.append(user)
            memberships.append(
                Membership(user=user, agency=agency, role=roles[staff.role], started_at=started)
            )
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(memberships)

    infos = []
    for agency, spec in zip(agencies, specs, strict=True):
        info = _AgencyInfo(agency.pk, agency.region_id, spec.iso_code, spec)
        infos.append(info)
    by_agency = {info.agency_id: info for info in infos}
    for membership in memberships:
        info = by_agency[membership.agency_id]
        if membership.role.code == "case_worker":
            info.workers.append(membership.user_id)
        elif membership.role.code == "supervisor":
            info.supervisors.append(membership.user_id)

    return _Network(
        agencies=infos,
        region_ids={iso: region.pk for iso, region in regions.items()},
        region_isos={region.pk: iso for iso, region in regions.items()},
        case_prefixes={region.pk: region.case_prefix for region in regions.values()},
        user_count=len(users),
        owners=_owners(infos),
    )


def _owners(infos: list[_AgencyInfo]) -> dict[tuple[str, str], Weighted[_AgencyInfo]]:
    owners: dict[tuple[str, str], Weighted[_AgencyInfo]] = {}
    for grounds, weights in _OWNER_WEIGHTS.items():
        for place in PLACES:
            options = [
                (info, weights[_owner_group(info.spec)])
                for info in infos
                if info.iso_code == place.iso_code
                and grounds in info.spec.owns_cases
                and info.workers
                and info.supervisors  # someone to approve closures
                and _owner_group(info.spec) in weights
            ]
            if options:
                owners[(grounds, place.iso_code)] = Weighted(options)
    return owners


def _address(rng: random.Random, iso_code: str, *, office: bool = False) -> str:
    place = PLACE_BY_ISO[iso_code]
    street = rng.choice(STREETS)
    if office:
        return f"{place.city_ru}, {street}, {rng.randint(1, 150)}, офис {rng.randint(1, 40)}"
    return f"{street}, д. {rng.randint(1, 150)}, кв. {rng.randint(1, 120)}"


def _phone(rng: random.Random, iso_code: str) -> str:
    # Local numbers beginning with 0 are not subscriber numbers: a demo number reaches no
    # one, whoever dials it from the demo.
    code = PLACE_BY_ISO[iso_code].phone_code
    local = "0" + "".join(str(rng.randrange(10)) for _ in range(9 - len(code)))
    return f"+7 ({code}) {local}"


# ---- persons and cases --------------------------------------------------------------

_GROUNDS_SHARES = [
    (Grounds.TRAFFICKING, 0.15),
    (Grounds.DOMESTIC_VIOLENCE, 0.75),
    (Grounds.CRUEL_TREATMENT, 0.10),
]
_GROUNDS = Weighted(_GROUNDS_SHARES)
_REGIONS = Weighted([(place.iso_code, place.weight) for place in PLACES])
_TRAFFICKING_REGIONS = Weighted(
    [
        (place.iso_code, place.weight)
        for place in PLACES
        if place.iso_code in {iso for iso, _state in TRAFFICKING_CENTRES}
    ]
)
_FOREIGN_SHARE = {
    Grounds.TRAFFICKING: 0.45,  # 114 of 247 victims served in 2024 were foreign nationals
    Grounds.DOMESTIC_VIOLENCE: 0.16,
    Grounds.CRUEL_TREATMENT: 0.10,
}
_FEMALE_SHARE = {
    Grounds.TRAFFICKING: 0.45,
    Grounds.DOMESTIC_VIOLENCE: 0.88,
    Grounds.CRUEL_TREATMENT: 0.6,
}
_COUNTRIES = Weighted([("UZ", 45), ("KG", 20), ("TJ", 15), ("RU", 10), ("CN", 5), ("TM", 5)])
_ABROAD = ["Российская Федерация", "Турция", "ОАЭ", "Республика Корея"]
_DISABILITY_NOTES = [
    "нарушение слуха",
    "инвалидность II группы",
    "нарушение опорно-двигательного аппарата",
    "хроническое заболевание, нуждается в лекарствах",
]

_DV_RELATIONSHIPS = {
    "female": Weighted(
        [("spouse", 55), ("former_spouse", 15), ("in_law", 10), ("parent", 4), ("child", 6),
         ("sibling", 4), ("other_relative", 6)]
    ),
    "male": Weighted(
        [("spouse", 30), ("parent", 20), ("child", 20), ("sibling", 15), ("other_relative", 10),
         ("in_law", 5)]
    ),
    "minor": Weighted([("parent", 80), ("sibling", 10), ("other_relative", 10)]),
}  # fmt: skip
_TRAFFICKING_RELATIONSHIPS = Weighted(
    [("employer", 50), ("acquaintance", 30), ("stranger", 12), ("other_relative", 5),
     ("spouse", 3)]
)  # fmt: skip
_CRUEL_RELATIONSHIPS = {
    "minor": Weighted(
        [("parent", 60), ("other_relative", 25), ("acquaintance", 10), ("unknown", 5)]
    ),
    "elderly": Weighted([("child", 60), ("other_relative", 20), ("acquaintance", 20)]),
    "adult": Weighted(
        [("acquaintance", 40), ("other_relative", 30), ("stranger", 20), ("unknown", 10)]
    ),
}
_EXPLOITATION = {
    "male": Weighted(
        [("ForcedLabour", 80), ("Servitude", 5), ("ForcedBegging", 5), ("Other", 5),
         ("SexualExploitation", 5)]
    ),
    "female": Weighted(
        [("SexualExploitation", 40), ("ForcedLabour", 35), ("Servitude", 12),
         ("ForcedMarriage", 8), ("ForcedBegging", 5)]
    ),
}  # fmt: skip
_FORM_SHARES = [("physical", 0.65), ("psychological", 0.85), ("sexual", 0.08), ("economic", 0.3)]
_INCIDENT_COUNTS = Weighted([(1, 55), (2, 30), (3, 15)])
_NOTE_COUNTS = Weighted([(0, 20), (1, 30), (2, 25), (3, 15), (4, 10)])
# How long services last, in days: trafficking 6 months, up to 9 during proceedings.
_SERVICE_DAYS: dict[str, tuple[int, int]] = {
    Grounds.TRAFFICKING: (60, 275),
    Grounds.DOMESTIC_VIOLENCE: (7, 180),
    Grounds.CRUEL_TREATMENT: (14, 150),
}
# Digit 7 of an IIN: century of birth and sex.
_IIN_MARKERS = {(1900, "male"): 3, (1900, "female"): 4, (2000, "male"): 5, (2000, "female"): 6}
_CHILDREN = Weighted([(1, 50), (2, 30), (3, 20)])
_DISABILITY = Weighted([("none", 55), ("unknown", 40), ("yes", 5)])


@dataclass
class _Batch:
    persons: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    assignments: list[CaseAssignment] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    transfers: list[Placement] = field(default_factory=list)  # each from one of placements
    assessments: list[Assessment] = field(default_factory=list)
    eligibility: list[EligibilityDecision] = field(default_factory=list)
    eligibility_revisions: list[EligibilityDecision] = field(default_factory=list)
    trafficking: list[TraffickingDecision] = field(default_factory=list)
    trafficking_revisions: list[TraffickingDecision] = field(default_factory=list)
    measures: list[ProtectionMeasure] = field(default_factory=list)
    plans: list[ServicePlan] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    planned_services: list[PlannedService] = field(default_factory=list)
    extensions: list[PlanExtension] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    closure_requests: list[ClosureRequest] = field(default_factory=list)

    def save(self, prefixes: dict[int, str], summary: LoadSummary) -> None:
        # Rows something points at get their ids back; the rest are copied (qamqor.bulk).
        insert_objects(self.persons)
        keys = [row for person in self.persons for row in name_key_rows(person)]
        insert_objects(keys, ids=False)
        assign_case_codes(self.cases, prefixes)
        insert_objects(self.cases)
        insert_objects(self.assignments, ids=False)
        insert_objects(self.incidents, ids=False)
        insert_objects(self.notes, ids=False)
        # Earlier rows first: a transfer, a revision or a decision points at them.
        insert_objects(self.placements)
        insert_objects(self.transfers, ids=False)
        insert_objects(self.assessments)
        insert_objects(self.eligibility)
        insert_objects(self.eligibility_revisions)
        insert_objects(self.trafficking)
        insert_objects(self.trafficking_revisions)
        insert_objects(self.measures, ids=False)
        insert_objects(self.plans)
        insert_objects(self.goals)
        insert_objects(self.planned_services)
        insert_objects(self.extensions, ids=False)
        insert_objects(self.deliveries, ids=False)
        insert_objects(self.closure_requests, ids=False)
        summary.persons += len(self.persons)
        summary.cases += len(self.cases)
        summary.incidents += len(self.incidents)
        summary.notes += len(self.notes)
        summary.name_keys += len(keys)
        summary.grounds.update(case.grounds for case in self.cases)
        summary.placements += len(self.placements) + len(self.transfers)
        summary.assessments += len(self.assessments)
        summary.decisions += sum(
            len(rows)
            for rows in (
                self.eligibility,
                self.eligibility_revisions,
                self.trafficking,
                self.trafficking_revisions,
            )
        )
        summary.measures += len(self.measures)
        summary.plans += len(self.plans)
        summary.goals += len(self.goals)
        summary.planned_services += len(self.planned_services)
        summary.extensions += len(self.extensions)
        summary.deliveries += len(self.deliveries)
        summary.closure_requests += len(self.closure_requests)


def _office_moment(
    rng: random.Random,
    now: datetime.datetime,
    day: datetime.date,
    not_before: datetime.datetime | None = None,
) -> datetime.datetime:
    """A time in office hours of `day`, never in the future nor before `not_before`."""
    # Every call draws the same four numbers, whatever the time of day, so that one
    # seed gives the same data all day long.
    zone = now.tzinfo
    hour, minute, delay, fraction = (
        rng.randint(9, 18),
        rng.randrange(60),
        rng.randint(5, 240),
        rng.random(),
    )
    at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
    if not_before is not None and at < not_before:
        at = not_before + datetime.timedelta(minutes=delay)
    if at > now:
        # Today, before now: somewhere between the earliest allowed moment and now.
        earliest = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
        if not_before is not None:
            earliest = max(earliest, not_before)
        at = earliest + (now - earliest) * fraction if earliest < now else now
    return at


class _CaseBuilder:
    def __init__(
        self,
        rng: random.Random,
        network: _Network,
        casework: "_CaseWork",
        plans: "_PlanWork",
    ) -> None:
        self.rng = rng
        self.network = network
        self.casework = casework
        self.plans = plans
        # Times are made in the zone of the office (Almaty), where "today" is.
        self.now = timezone.localtime(clock_now())
        self.today = clock_today()
        self.iins: set[str] = set()

    # -- time

    def first_opening(self) -> datetime.date:
        # More cases in recent years, as reporting has grown.
        days_ago = int(HISTORY_DAYS * self.rng.random() ** 1.2)
        return self.today - datetime.timedelta(days=days_ago)

    def moment(
        self, day: datetime.date, not_before: datetime.datetime | None = None
    ) -> datetime.datetime:
        return _office_moment(self.rng, self.now, day, not_before)

    # -- persons

    def add_person(self, batch: _Batch, opened_on: datetime.date) -> None:
        rng = self.rng
        grounds = _GROUNDS.pick(rng)
        iso = (_TRAFFICKING_REGIONS if grounds == Grounds.TRAFFICKING else _REGIONS).pick(rng)
        owner = self.network.owners[(grounds, iso)].pick(rng)
        sex = "female" if rng.random() < _FEMALE_SHARE[grounds] else "male"
        age = self._age(grounds)
        foreign = rng.random() < _FOREIGN_SHARE[grounds]
        person = self._person(sex, age, foreign, opened_on, owner)
        batch.persons.append(person)

        case = self._case(batch, person, grounds, owner, opened_on, age, foreign)
        person.created_at = person.updated_at = case.created_at
        if case.closed_on and rng.random() < 0.1:
            # Some come back: a new case after the first was closed.
            second_on = case.closed_on + datetime.timedelta(days=rng.randint(30, 400))
            if second_on <= self.today:
                again = grounds if rng.random() < 0.8 else Grounds.DOMESTIC_VIOLENCE
                second_owner = self.network.owners[(again, iso)].pick(rng)
                second_age = age + (second_on - opened_on).days // 365
                self._case(batch, person, again, second_owner, second_on, second_age, foreign)

    def add_open_case(
        self, batch: _Batch, opened_on: datetime.date, owner: _AgencyInfo, grounds: Grounds
    ) -> None:
        """A person with one case of `owner` that is still open (active or follow-up)."""
        rng = self.rng
        sex = "female" if rng.random() < _FEMALE_SHARE[grounds] else "male"
        age = self._age(grounds)
        foreign = rng.random() < _FOREIGN_SHARE[grounds]
        person = self._person(sex, age, foreign, opened_on, owner)
        batch.persons.append(person)
        case = self._case(batch, person, grounds, owner, opened_on, age, foreign, stays_open=True)
        person.created_at = person.updated_at = case.created_at

    def _age(self, grounds: str) -> int:
        rng = self.rng
        if grounds == Grounds.TRAFFICKING:
            return rng.randint(14, 17) if rng.random() < 0.1 else int(rng.triangular(18, 55, 27))
        if grounds == Grounds.DOMESTIC_VIOLENCE:
            return rng.randint(14, 17) if rng.random() < 0.04 else int(rng.triangular(18, 75, 34))
        share = rng.random()
        if share < 0.4:
            return rng.randint(3, 17)
        if share < 0.7:
            return rng.randint(60, 88)
        return rng.randint(18, 59)

    def _person(
        self, sex: str, age: int, foreign: bool, opened_on: datetime.date, owner: _AgencyInfo
    ) -> Person:
        rng = self.rng
        born = opened_on - datetime.timedelta(days=int((age + rng.random()) * 365.25))
        stateless = foreign and rng.random() < 0.03
        country = "" if stateless else (_COUNTRIES.pick(rng) if foreign else "KZ")
        latin = rng.random() < (0.6 if foreign else 0.22)
        make_name: Callable[..., names.FullName]
        if country in names.FOREIGN:
            make_name = partial(names.foreign_name, rng, country)
            languages = list(names.FOREIGN[country].languages)
        elif country == "RU" or (country == "KZ" and rng.random() < 0.28):
            make_name = partial(names.russian_name, rng)
            languages = ["ru"]
        else:
            make_name = partial(names.kazakh_name, rng)
            languages = ["kk", "ru"] if rng.random() < 0.8 else ["kk"]
        name = make_name(sex, latin=latin)

        person = Person(
            surname=name.surname,
            given_name=name.given_name,
            patronymic=name.patronymic,
            latin_surname=name.latin_surname,
            latin_given_name=name.latin_given_name,
            sex=sex,
            gender=self._gender(sex),
            citizenship=country,  # one code, or "" for none
            stateless=stateless,
            languages=languages,
            disability=_DISABILITY.pick(rng),
        )
        if person.disability == "yes":
            person.disability_notes = rng.choice(_DISABILITY_NOTES)
        if sex == "female" and age >= 25 and rng.random() < 0.05:
            person.other_names = make_name("female", latin=False).surname  # a maiden name
        # Most live where their case is; some came from elsewhere in the country.
        home = owner.iso_code if rng.random() < 0.9 else _REGIONS.pick(rng)
        place = PLACE_BY_ISO[home]
        person.region_id = self.network.region_ids[home]
        person.locality = (
            rng.choice(place.towns) if place.towns and rng.random() < 0.35 else place.city_ru
        )
        if rng.random() < 0.4:
            person.address = _address(rng, home)
        if rng.random() < 0.45:
            person.phone = _phone(rng, home)
        if sex == "female" and age >= 20 and rng.random() < 0.5:
            person.accompanying_children = _CHILDREN.pick(rng)
        self._birth(person, born, opened_on, foreign)
        return person

    def _gender(self, sex: str) -> str:
        if self.rng.random() < 0.1:
            return Gender.NOT_SPECIFIED
        return Gender.FEMININE if sex == "female" else Gender.MASCULINE

    def _birth(
        self, person: Person, born: datetime.date, opened_on: datetime.date, foreign: bool
    ) -> None:
        rng = self.rng
        precision = rng.random()
        full, year_only = (0.6, 0.8) if foreign else (0.9, 0.96)
        if precision < full:
            person.birth_year, person.birth_month, person.birth_day = (
                born.year,
                born.month,
                born.day,
            )
            if not foreign and rng.random() < 0.88:
                person.iin = self._iin(born, person.sex)
        elif precision < year_only:
            person.birth_year = born.year
        else:
            # Estimated at intake, by eye: a year or two off either way.
            person.age_estimate = max(0, (opened_on - born).days // 365 + rng.randint(-2, 2))
            person.age_estimated_on = opened_on

    def _iin(self, born: datetime.date, sex: str) -> str:
        head = f"{born:%y%m%d}{_IIN_MARKERS[(born.year // 100 * 100, sex)]}"
        # Serials come from 9000-9999 only, on the guess that registers number upward from
        # the low end; nothing guarantees that a number built this way was never issued.
        for _attempt in range(50):
            first_eleven = f"{head}{self.rng.randint(9000, 9999)}"
            check = check_digit(first_eleven)
            if check is None:
                continue
            iin = f"{first_eleven}{check}"
            if iin not in self.iins:
                self.iins.add(iin)
                return iin
        return ""

    # -- cases

    def _case(
        self,
        batch: _Batch,
        person: Person,
        grounds: str,
        owner: _AgencyInfo,
        opened_on: datetime.date,
        age: int,
        foreign: bool,
        *,
        stays_open: bool = False,
    ) -> Case:
        rng = self.rng
        sex = person.sex
        created_at = self.moment(opened_on)
        ends_on = opened_on + datetime.timedelta(days=rng.randint(*_SERVICE_DAYS[grounds]))
        status, closed_on, outcome, reason = Status.ACTIVE, None, "", ""
        if ends_on < self.today and stays_open:
            status = Status.FOLLOW_UP
        elif ends_on < self.today:
            share = rng.random()
            if share < 0.12:
                status = Status.FOLLOW_UP
            else:
                referred = share > 0.82
                closed_on = ends_on
                outcome, reason = texts.closure(rng, sex, referred=referred, foreign=foreign)
                status = CLOSING_STATUS.get(ClosureOutcome(outcome), Status.CLOSED)
        case = Case(
            person=person,
            grounds=grounds,
            status=status,
            opened_on=opened_on,
            closed_on=closed_on,
            closure_reason=reason,
            closure_outcome=outcome,
            owner_agency_id=owner.agency_id,
            region_id=owner.region_id,
            created_at=created_at,
            updated_at=created_at,
        )
        workers = rng.sample(owner.workers, k=min(len(owner.workers), rng.choice((1, 1, 2))))
        case.created_by_id = workers[0]
        supervisor = owner.supervisors[0] if owner.supervisors else workers[0]
        for index, worker in enumerate(workers):
            batch.assignments.append(
                CaseAssignment(
                    case=case,
                    user_id=worker,
                    assigned_at=created_at if index == 0 else self.moment(opened_on, created_at),
                    assigned_by_id=workers[0] if index == 0 else supervisor,
                )
            )
        last_day = closed_on or self.today
        activity = [created_at]
        incident_dates = []
        for number in range(_INCIDENT_COUNTS.pick(rng)):
            incident = self._incident(case, number, age, foreign, last_day)
            activity.append(incident.recorded_at)
            incident_dates.append(incident.occurred_on)
            batch.incidents.append(incident)
        for _note in range(_NOTE_COUNTS.pick(rng)):
            day = opened_on + datetime.timedelta(days=rng.randint(0, (last_day - opened_on).days))
            written = self.moment(day, created_at)
            activity.append(written)
            batch.notes.append(
                CaseNote(
                    case=case,
                    author_id=rng.choice([*workers, supervisor]),
                    created_at=written,
                    text=texts.note(rng, sex, grounds == Grounds.TRAFFICKING),
                )
            )
        if closed_on is not None:
            activity.append(self.moment(closed_on, created_at))
        case.updated_at = max(activity)
        batch.cases.append(case)
        facts = _CaseFacts(
            case, owner, age, foreign, min(ends_on, last_day), workers, incident_dates
        )
        self.plans.add(batch, facts, self.casework.add(batch, facts))
        return case

    def _incident(
        self, case: Case, number: int, age: int, foreign: bool, last_day: datetime.date
    ) -> Incident:
        rng = self.rng
        sex = case.person.sex
        opened_on = case.opened_on
        trafficking = case.grounds == Grounds.TRAFFICKING
        if number == 0:
            lag = rng.randint(14, 400) if trafficking else rng.randint(0, 30)
            occurred_on = opened_on - datetime.timedelta(days=lag)
        elif not trafficking and rng.random() < 0.3 and last_day > opened_on:
            # A repeat while the case is open: the reason many cases stay open for months.
            occurred_on = opened_on + datetime.timedelta(
                days=rng.randint(1, (last_day - opened_on).days)
            )
        else:
            occurred_on = opened_on - datetime.timedelta(days=rng.randint(30, 730))
        incident = Incident(
            case=case,
            occurred_on=occurred_on,
            date_is_approximate=rng.random() < (0.5 if trafficking else 0.1),
            region_id=case.region_id,
            recorded_by_id=case.created_by_id,
            recorded_at=self.moment(max(occurred_on, opened_on), case.created_at),
        )
        place = PLACE_BY_ISO[self.network.region_isos[case.region_id]]
        incident.locality = rng.choice([place.city_ru, *place.towns])
        if trafficking:
            self._trafficking_facts(incident, sex, age, foreign)
        elif case.grounds == Grounds.DOMESTIC_VIOLENCE:
            self._violence_facts(incident, sex, age)
        else:
            self._cruel_treatment_facts(incident, sex, age)
        return incident

    def _forms(self) -> list[str]:
        forms = [form for form, share in _FORM_SHARES if self.rng.random() < share]
        return forms or ["psychological"]

    def _violence_facts(self, incident: Incident, sex: str, age: int) -> None:
        rng = self.rng
        if age < 18:
            relationship = _DV_RELATIONSHIPS["minor"].pick(rng)
        else:
            relationship = _DV_RELATIONSHIPS[sex].pick(rng)
            if relationship == "child" and age < 40:
                relationship = "spouse"
        incident.forms_of_violence = self._forms()
        incident.relationship = relationship
        incident.perpetrator_description = texts.perpetrator(rng, relationship, sex, age)
        incident.narrative = texts.dv_narrative(rng, incident.forms_of_violence, relationship, sex)

    def _cruel_treatment_facts(self, incident: Incident, sex: str, age: int) -> None:
        rng = self.rng
        group = "minor" if age < 18 else ("elderly" if age >= 60 else "adult")
        relationship = _CRUEL_RELATIONSHIPS[group].pick(rng)
        incident.forms_of_violence = self._forms()
        incident.relationship = relationship
        incident.perpetrator_description = texts.perpetrator(rng, relationship, sex, age)
        incident.narrative = texts.cruel_treatment_narrative(rng, sex)

    def _trafficking_facts(self, incident: Incident, sex: str, age: int, foreign: bool) -> None:
        rng = self.rng
        kind = _EXPLOITATION[sex].pick(rng)
        if age < 18 and rng.random() < 0.5:
            kind = "ChildLabour"
        types = [kind]
        if rng.random() < 0.1:
            extra = _EXPLOITATION[sex].pick(rng)
            if extra not in types:
                types.append(extra)
        if not foreign and rng.random() < 0.15:
            # Citizens of Kazakhstan exploited abroad.
            incident.region_id = None
            incident.locality = rng.choice(_ABROAD)
        elif rng.random() < 0.4:
            elsewhere = rng.choice(PLACES)
            incident.region_id = self.network.region_ids[elsewhere.iso_code]
            incident.locality = elsewhere.city_ru
        relationship = _TRAFFICKING_RELATIONSHIPS.pick(rng)
        incident.exploitation_types = types
        incident.relationship = relationship
        incident.perpetrator_description = texts.perpetrator(rng, relationship, sex, age)
        incident.narrative = texts.trafficking_narrative(rng, types, sex)


# ---- what happens in a case: assessments, decisions, placements, protection -----------
#
# Written as the actions of assessments, facilities and protection would write them: a
# draft has no score, a completed assessment has every item answered and its score, a
# decision rests on a completed assessment of its case, a revision supersedes the decision
# before it, a "possible victim" decision carries the reflection period of the instrument
# version it rests on, admissions respect capacity (counted as places taken today) and
# never precede the opening, a transfer continues a stay, measures last what the law
# allows. Nothing is dated in the future. A stream of random numbers of its own leaves the
# persons and cases of a seed as they were without it.


@dataclass(frozen=True)
class _CaseFacts:
    case: Case
    owner: _AgencyInfo
    age: int
    foreign: bool
    services_end: datetime.date  # the last day of services: closure, or today at most
    workers: list[int]
    incident_dates: list[datetime.date]


@dataclass
class _FacilityInfo:
    facility_id: int
    places: dict[str, int]  # category code -> places
    taken: Counter[str] = field(default_factory=Counter)  # places taken today

    def has_room(self, category: str) -> bool:
        return self.taken[category] < self.places.get(category, 0)


@dataclass(frozen=True)
class _InstrumentVersion:
    instrument_id: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    items: tuple[str, ...]
    rules: dict[str, object]

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


# Places per category in a shelter of each kind of crisis centre.
_SHELTER_PLACES = {
    "trafficking_centre": {
        "women": 8, "women_with_children": 6, "men": 6, "minors": 3, "foreign_nationals": 4,
        "persons_with_disabilities": 1,
    },
    "dv_centre": {
        "women": 10, "women_with_children": 10, "minors": 3, "persons_with_disabilities": 2,
    },
}  # fmt: skip
_PLACED_SHARE: dict[str, float] = {
    Grounds.TRAFFICKING: 0.6,
    Grounds.DOMESTIC_VIOLENCE: 0.35,
    Grounds.CRUEL_TREATMENT: 0.15,
}
NEED_INSTRUMENT = "eligibility-cruel-treatment"
FOREIGN_VICTIM = "foreign_victim"  # the recipient category of foreign victims of trafficking
IDENTIFICATION_INSTRUMENT = "trafficking-identification"
RISK_INSTRUMENT = "dv-risk"
# Days from admission (or opening) to the completed need assessment: mostly within the
# standard's three days, some late.
_ASSESSMENT_LAG = Weighted([(0, 30), (1, 25), (2, 15), (3, 10), (5, 10), (8, 6), (14, 4)])
_DECIDING_BODY = "Комиссия по оценке потребности в специальных социальных услугах, {city}"
_ELIGIBILITY_REASONS = {
    "eligible": "Критерии жестокого обращения и социальной дезадаптации подтверждены.",
    "not_eligible": "Критерии социальной дезадаптации не подтверждены.",
    "needs_information": "Нужны сведения о документах и доходах; запрос направлен.",
}
_TRAFFICKING_GROUNDS = {
    TraffickingStatus.POSSIBLE: "Признаки принудительного труда и удержания документов.",
    TraffickingStatus.ACTUAL: "Признаки эксплуатации подтверждены материалами проверки.",
    TraffickingStatus.NOT_A_VICTIM: "Признаки торговли людьми не подтвердились.",
}
_POLICE_CONDITIONS = ["no_seeking", "no_contact", "no_harassment", "no_approach"]
_COURT_CONDITIONS = [
    "no_seeking", "no_contact", "no_harassment", "no_approach", "no_firearms",
    "no_psychoactive", "not_living_together",
]  # fmt: skip
_COURT = "Специализированный межрайонный суд по административным правонарушениям, {city}"


def _create_shelters(
    rng: random.Random, agencies: list[_AgencyInfo], region_ids: dict[str, int]
) -> dict[int, list[_FacilityInfo]]:
    """One shelter for every crisis centre, two for state-run ones."""
    categories = dict(PlacementCategory.objects.values_list("code", "pk"))
    planned: list[tuple[_AgencyInfo, Facility, dict[str, int]]] = []
    for info in agencies:
        group = _owner_group(info.spec)
        if group not in _SHELTER_PLACES:
            continue
        place = PLACE_BY_ISO[info.iso_code]
        handle = place.slug if group == "trafficking_centre" else f"{place.slug}-dv"
        for number in range(1, (3 if info.spec.kind == "crisis_centre_state" else 2)):
            facility = Facility(
                agency_id=info.agency_id,
                code=f"{handle}-shelter-{number}",
                name=f"Приют № {number}, {info.spec.name_ru}",
                region_id=region_ids[info.iso_code],
                address=_address(rng, info.iso_code),
            )
            planned.append((info, facility, _SHELTER_PLACES[group]))
    Facility.objects.bulk_create([facility for _info, facility, _places in planned])
    FacilityCapacity.objects.bulk_create(
        [
            FacilityCapacity(facility=facility, category_id=categories[code], places=count)
            for _info, facility, places in planned
            for code, count in places.items()
        ]
    )
    shelters: dict[int, list[_FacilityInfo]] = {}
    for info, facility, places in planned:
        shelters.setdefault(info.agency_id, []).append(_FacilityInfo(facility.pk, dict(places)))
    return shelters


class _CaseWork:
    def __init__(
        self,
        rng: random.Random,
        network: _Network,
        shelters: dict[int, list[_FacilityInfo]],
    ) -> None:
        self.rng = rng
        self.network = network
        self.shelters = shelters
        self.now = timezone.localtime(clock_now())
        self.today = clock_today()
        self.categories = dict(PlacementCategory.objects.values_list("code", "pk"))
        self.instruments: dict[str, list[_InstrumentVersion]] = {}
        for instrument in Instrument.objects.prefetch_related("items").order_by("-version"):
            self.instruments.setdefault(instrument.code, []).append(
                _InstrumentVersion(
                    instrument.pk,
                    instrument.effective_from,
                    instrument.effective_to,
                    tuple(item.code for item in instrument.items.all()),
                    dict(instrument.rules),
                )
            )
        self.police = {
            info.iso_code: info.agency_id for info in network.agencies if info.spec.kind == "police"
        }

    def moment(
        self, day: datetime.date, not_before: datetime.datetime | None = None
    ) -> datetime.datetime:
        return _office_moment(self.rng, self.now, day, not_before)

    def version(self, code: str, day: datetime.date) -> _InstrumentVersion | None:
        return next((v for v in self.instruments.get(code, []) if v.in_force_on(day)), None)

    def add(self, batch: _Batch, facts: _CaseFacts) -> "_CaseWorkDone":
        admitted_on = self._placement(batch, facts)
        eligibility = self._need_assessment(batch, facts, admitted_on or facts.case.opened_on)
        trafficking = None
        if facts.case.grounds == Grounds.TRAFFICKING:
            trafficking = self._identification(batch, facts)
        else:
            self._risk_assessment(batch, facts)
            self._protection(batch, facts)
        return _CaseWorkDone(admitted_on, eligibility, trafficking)

    def _day(self, after: datetime.date, days: int, facts: _CaseFacts) -> datetime.date | None:
        """`days` after a date, if services still ran then (never after today)."""
        day = after + datetime.timedelta(days=days)
        return day if day <= facts.services_end else None

    # -- placements

    def _category(self, facts: _CaseFacts, shelter: _FacilityInfo) -> str | None:
        person = facts.case.person
        wishes = []
        if facts.age < 18:
            wishes.append("minors")
        if person.disability == "yes":
            wishes.append("persons_with_disabilities")
        if facts.foreign:
            wishes.append("foreign_nationals")
        if person.sex == "female":
            wishes += ["women_with_children"] if person.accompanying_children else []
            wishes.append("women")
        else:
            wishes.append("men")
        return next((code for code in wishes if code in shelter.places), None)

    def _placement(self, batch: _Batch, facts: _CaseFacts) -> datetime.date | None:
        """Admit the person to a shelter of the owning agency; the day of admission."""
        rng, case = self.rng, facts.case
        shelters = self.shelters.get(facts.owner.agency_id)
        if not shelters or rng.random() >= _PLACED_SHARE[case.grounds]:
            return None
        shelter = rng.choice(shelters)
        category = self._category(facts, shelter)
        admitted_on = self._day(case.opened_on, rng.choice((0, 0, 0, 1, 2)), facts)
        if category is None or admitted_on is None:
            return None
        stay = rng.randint(3, 200)
        leaves_on = admitted_on + datetime.timedelta(days=stay)
        # Still there today only while services run and the stay has not ended.
        staying = facts.services_end >= self.today and leaves_on > self.today
        if staying and not shelter.has_room(category):
            return None
        discharged_on = None if staying else min(leaves_on, facts.services_end)
        recorded_by = facts.workers[0]
        moved_on = None
        if len(shelters) > 1 and stay > 40 and rng.random() < 0.15:
            moved_on = admitted_on + datetime.timedelta(days=rng.randint(10, stay - 20))
            if moved_on > facts.services_end or (
                discharged_on is not None and moved_on >= discharged_on
            ):
                moved_on = None
        first = Placement(
            case=case,
            facility_id=shelter.facility_id,
            category_id=self.categories[category],
            admitted_on=admitted_on,
            discharged_on=moved_on or discharged_on,
            recorded_by_id=recorded_by,
            recorded_at=self.moment(admitted_on),
        )
        batch.placements.append(first)
        where = shelter
        if moved_on is not None:
            where = next(other for other in shelters if other is not shelter)
            moved_category = self._category(facts, where) or category
            if moved_category not in where.places or (
                discharged_on is None and not where.has_room(moved_category)
            ):
                # No room to move to: the stay goes on where it began.
                first.discharged_on = discharged_on
                where = shelter
            else:
                category = moved_category
                batch.transfers.append(
                    Placement(
                        case=case,
                        facility_id=where.facility_id,
                        category_id=self.categories[category],
                        admitted_on=moved_on,
                        discharged_on=discharged_on,
                        transferred_from=first,
                        recorded_by_id=recorded_by,
                        recorded_at=self.moment(moved_on),
                    )
                )
        if discharged_on is None:
            where.taken[category] += 1
        return admitted_on

    # -- assessments and decisions

    def _assessment(
        self,
        facts: _CaseFacts,
        version: _InstrumentVersion,
        day: datetime.date,
        answers: dict[str, str],
        *,
        complete: bool,
    ) -> Assessment:
        started_at = self.moment(day)
        assessment = Assessment(
            case=facts.case,
            instrument_id=version.instrument_id,
            answers=answers,
            assessed_on=day,
            started_at=started_at,
            started_by_id=facts.workers[0],
        )
        if complete:
            assessment.status = AssessmentStatus.COMPLETED
            assessment.yes_count = yes_count(answers)
            assessment.completed_at = self.moment(day, started_at)
            assessment.completed_by_id = facts.workers[0]
        return assessment

    def _need_assessment(
        self, batch: _Batch, facts: _CaseFacts, started: datetime.date
    ) -> EligibilityDecision | None:
        """The first needs assessment counted from admission (or opening), and the
        eligibility decision that rests on it; the current decision, if any."""
        rng = self.rng
        if rng.random() < 0.03:
            return None  # never assessed
        due = started + datetime.timedelta(days=_ASSESSMENT_LAG.pick(rng))
        day = due if due <= facts.services_end else None
        if day is None or rng.random() < 0.03:
            # Not done yet (or left unfinished): now and then a draft is under way.
            begun = self._day(started, rng.randint(0, 2), facts)
            version = self.version(NEED_INSTRUMENT, begun) if begun else None
            if begun is not None and version is not None and rng.random() < 0.4:
                answers = {code: "yes" for code in version.items[: rng.randint(0, 3)]}
                batch.assessments.append(
                    self._assessment(facts, version, begun, answers, complete=False)
                )
            return None
        version = self.version(NEED_INSTRUMENT, day)
        if version is None:
            return None
        answers = {code: "yes" if rng.random() < 0.85 else "no" for code in version.items}
        assessment = self._assessment(facts, version, day, answers, complete=True)
        batch.assessments.append(assessment)
        return self._eligibility(batch, facts, assessment)

    def _eligibility(
        self, batch: _Batch, facts: _CaseFacts, assessment: Assessment
    ) -> EligibilityDecision | None:
        """The decision on the assessment and a revision of it; the current one."""
        rng = self.rng
        decided_on = self._day(assessment.assessed_on, rng.choice((0, 0, 1, 2, 3, 6)), facts)
        if decided_on is None:
            return None  # pending
        share = rng.random()
        if (assessment.yes_count or 0) < 4:
            decision = "not_eligible" if share < 0.5 else "needs_information"
        else:
            decision = "eligible" if share < 0.88 else (
                "needs_information" if share < 0.97 else "not_eligible"
            )  # fmt: skip
        first = self._decision(facts, decision, decided_on, assessment)
        batch.eligibility.append(first)
        if decision != "needs_information":
            return first
        revised_on = self._day(decided_on, rng.randint(5, 40), facts)
        if revised_on is not None and rng.random() < 0.85:
            revision = self._decision(
                facts, "eligible" if rng.random() < 0.85 else "not_eligible", revised_on, None
            )
            revision.supersedes = first
            batch.eligibility_revisions.append(revision)
            return revision
        return first

    def _decision(
        self,
        facts: _CaseFacts,
        decision: str,
        decided_on: datetime.date,
        assessment: Assessment | None,
    ) -> EligibilityDecision:
        city = PLACE_BY_ISO[facts.owner.iso_code].city_ru
        return EligibilityDecision(
            case=facts.case,
            assessment=assessment,
            decision=decision,
            deciding_body=_DECIDING_BODY.format(city=city),
            decided_on=decided_on,
            decided_by_id=facts.workers[0],
            reasons=_ELIGIBILITY_REASONS[decision],
            recorded_at=self.moment(decided_on),
        )

    def _identification(self, batch: _Batch, facts: _CaseFacts) -> str | None:
        """The identification checklist, a "possible victim" decision on it with its
        reflection period, and mostly a final decision after the period; the status in
        force, if any."""
        rng = self.rng
        day = self._day(facts.case.opened_on, rng.choice((0, 0, 1, 2, 3)), facts)
        version = self.version(IDENTIFICATION_INSTRUMENT, day) if day else None
        if day is None or version is None:
            return None
        answers = {code: "yes" if rng.random() < 0.3 else "no" for code in version.items}
        assessment = self._assessment(facts, version, day, answers, complete=True)
        batch.assessments.append(assessment)
        reflection_days = int(str(version.rules["reflection_days"]))
        possible = self._trafficking(facts, TraffickingStatus.POSSIBLE, day, assessment)
        possible.reflection_days = reflection_days
        batch.trafficking.append(possible)
        final_on = self._day(day, reflection_days + rng.randint(-10, 15), facts)
        share = rng.random()
        if final_on is None or share >= 0.9:
            return TraffickingStatus.POSSIBLE
        status = TraffickingStatus.ACTUAL if share < 0.82 else TraffickingStatus.NOT_A_VICTIM
        final = self._trafficking(facts, status, final_on, None)
        final.supersedes = possible
        batch.trafficking_revisions.append(final)
        return status

    def _trafficking(
        self,
        facts: _CaseFacts,
        status: str,
        decided_on: datetime.date,
        assessment: Assessment | None,
    ) -> TraffickingDecision:
        org = DecisionMakingOrg.POLICE if self.rng.random() < 0.55 else DecisionMakingOrg.NGO
        return TraffickingDecision(
            case=facts.case,
            assessment=assessment,
            status=status,
            deciding_org_type=org,
            decided_on=decided_on,
            decided_by_id=facts.workers[0],
            grounds=_TRAFFICKING_GROUNDS[TraffickingStatus(status)],
            recorded_at=self.moment(decided_on),
        )

    def _risk_assessment(self, batch: _Batch, facts: _CaseFacts) -> None:
        rng = self.rng
        share = rng.random()
        if share >= 0.85:
            return
        day = self._day(facts.case.opened_on, rng.choice((0, 0, 1, 2, 5)), facts)
        version = self.version(RISK_INSTRUMENT, day) if day else None
        if day is None or version is None:
            return
        if share >= 0.8:
            answers = {code: "no" for code in version.items[: rng.randint(1, 10)]}
            batch.assessments.append(self._assessment(facts, version, day, answers, complete=False))
            return
        likely = rng.uniform(0.1, 0.7)
        answers = {code: "yes" if rng.random() < likely else "no" for code in version.items}
        assessment = self._assessment(facts, version, day, answers, complete=True)
        result = risk_result(
            RiskRules.from_data(version.rules),
            answers,
            incident_dates=facts.incident_dates,
            assessed_on=day,
        )
        assessment.count_level = result.count_level
        assessment.incidents_in_window = result.incidents_in_window
        assessment.escalated = result.escalated
        assessment.level = result.level
        assessment.conference_proposed = result.conference_proposed
        batch.assessments.append(assessment)

    # -- protection

    def _protection(self, batch: _Batch, facts: _CaseFacts) -> None:
        """A police protective order for some, court special requirements after it for a
        few; both only issued by today."""
        rng, case = self.rng, facts.case
        if rng.random() >= (0.35 if case.grounds == Grounds.DOMESTIC_VIOLENCE else 0.1):
            return
        issued_on = case.opened_on + datetime.timedelta(days=rng.choice((0, 0, 1)))
        if issued_on > self.today:
            return
        year = f"{issued_on:%y}"
        batch.measures.append(
            ProtectionMeasure(
                case=case,
                kind=MeasureKind.POLICE_ORDER,
                issuer_agency_id=self.police.get(facts.owner.iso_code),
                number=f"ЗП-{rng.randint(100, 9999)}/{year}",
                issued_on=issued_on,
                starts_on=issued_on,
                ends_on=issued_on + datetime.timedelta(days=29),
                conditions=sorted(rng.sample(_POLICE_CONDITIONS, k=rng.randint(1, 3))),
                recorded_by_id=facts.workers[0],
                recorded_at=self.moment(min(issued_on, self.today)),
            )
        )
        if rng.random() >= 0.25:
            return
        court_on = issued_on + datetime.timedelta(days=rng.randint(15, 29))
        if court_on > self.today:
            return
        starts_on = court_on + datetime.timedelta(days=rng.randint(0, 5))
        conditions = sorted(rng.sample(_COURT_CONDITIONS, k=rng.randint(2, 4)))
        reports = None
        if rng.random() < 0.4:
            conditions.append("report_to_police")
            reports = rng.randint(1, 4)
        batch.measures.append(
            ProtectionMeasure(
                case=case,
                kind=MeasureKind.COURT_REQUIREMENTS,
                issuer=_COURT.format(city=PLACE_BY_ISO[facts.owner.iso_code].city_ru),
                number=f"{rng.randint(1000, 99999)}-{year}",
                issued_on=court_on,
                starts_on=starts_on,
                ends_on=add_months(starts_on, rng.randint(3, 12)) - datetime.timedelta(days=1),
                conditions=conditions,
                reports_per_month=reports,
                recorded_by_id=facts.workers[0],
                recorded_at=self.moment(court_on),
            )
        )


# ---- service plans and closures ---------------------------------------------------------
#
# Written as plans.actions and cases.closure would write them. A plan follows the case's
# current eligibility decision when it is "eligible", starts on or after it (mostly within
# the standard's seven days) while services run, takes the standard in force on its first
# day (services.standards.standard_for) and keeps it. Its planned services are those
# generate_plan draws up (one per required service, then one per required type those
# leave uncovered; the owning agency as provider; a setting the standard allows), due on
# the first review; at later reviews the worker moves the review date on and, now and
# then, the due date of a service not given yet. Goals, deliveries and extensions fall
# within the plan's life and never after today; extensions keep to the standard's reasons
# and days. A plan closes through a request by the case worker approved by a supervisor
# of the owning agency, before the case's own closure request, which a supervisor approves
# on the day the case closes. A stream of random numbers of its own leaves the rest of a
# seed as it was.


@dataclass(frozen=True)
class _CaseWorkDone:
    admitted_on: datetime.date | None  # first admission to a shelter
    eligibility: EligibilityDecision | None  # the decision in force
    trafficking_status: str | None  # the trafficking status in force


@dataclass(frozen=True)
class _StandardInfo:
    standard: Standard
    category: str
    review_days: int
    extension_reasons: dict[str, int]  # code -> ExtensionReason pk
    allowed_settings: frozenset[int]

    def in_force_on(self, day: datetime.date) -> bool:
        # As services.standards.in_force_on: effective_to is the last day in force.
        ends = self.standard.effective_to
        return self.standard.effective_from <= day and (ends is None or day <= ends)


@dataclass
class _PlanEnd:
    """How a plan stands today: its status and, once its closure is asked for, the days
    of the request and of the decision, with the outcome."""

    status: str
    requested_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    outcome: str = ""


# Days from the eligibility decision to the plan's start: mostly within the standard's
# seven days, some later.
_PLAN_LAG = Weighted([(0, 15), (1, 20), (2, 18), (3, 14), (5, 12), (7, 9), (10, 7), (16, 5)])
_PLAN_SHARE = 0.9  # of the eligible cases, those with a plan
_GOAL_COUNTS = Weighted([(1, 30), (2, 45), (3, 25)])
_PLAN_OUTCOMES: dict[str, Weighted[str]] = {
    ClosureOutcome.SERVICES_COMPLETED: Weighted(
        [(PlanOutcome.GOALS_ACHIEVED, 6), (PlanOutcome.SERVICES_COMPLETED, 4)]
    ),
    ClosureOutcome.DECLINED: Weighted([(PlanOutcome.DECLINED, 1)]),
    ClosureOutcome.LOST_CONTACT: Weighted([(PlanOutcome.MOVED_OR_LOST_CONTACT, 1)]),
    ClosureOutcome.MOVED_AWAY: Weighted([(PlanOutcome.MOVED_OR_LOST_CONTACT, 1)]),
    ClosureOutcome.REFERRED: Weighted([(PlanOutcome.TRANSFERRED, 1)]),
    ClosureOutcome.DIED: Weighted([(PlanOutcome.DIED, 1)]),
}
_OTHER_PLAN_OUTCOME = Weighted([(PlanOutcome.OTHER, 1)])
# Services given again and again while the plan runs (weekly sessions).
_SESSIONS = {"crisis_support", "individual_counselling", "support_group"}
# Services often given outside the plan's list.
_UNPLANNED = ("meals", "clothing_and_hygiene", "medicines", "escort")
_DURATIONS: dict[str, tuple[int, ...]] = {
    "accommodation": (),
    "crisis_support": (45, 60, 90),
    "legal_consultation": (30, 45, 60),
    "first_medical_aid": (20, 30, 60),
    "interpreting": (60, 90, 120),
    "residence_permit": (60, 120, 180),
    "leisure_activities": (120, 180),
    "meals": (),
    "clothing_and_hygiene": (),
}


class _PlanWork:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.localtime(clock_now())
        self.today = clock_today()
        standards = Standard.objects.select_related("category").prefetch_related(
            "extension_reasons", "allowed_settings"
        )
        self.standards = [
            _StandardInfo(
                standard,
                standard.category.code,
                review_days(standard),
                {reason.code: reason.pk for reason in standard.extension_reasons.all()},
                frozenset(setting.pk for setting in standard.allowed_settings.all()),
            )
            for standard in standards
        ]
        self.categories = dict(RecipientCategory.objects.values_list("code", "pk"))
        self.service_codes: dict[int, str] = dict(Service.objects.values_list("pk", "code"))
        self.service_ids = {code: pk for pk, code in self.service_codes.items()}
        self.day_care = ServiceSetting.objects.filter(code="semi_inpatient").first()
        self.drawn_up: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def moment(
        self, day: datetime.date, not_before: datetime.datetime | None = None
    ) -> datetime.datetime:
        return _office_moment(self.rng, self.now, day, not_before)

    def moments(self, lower: datetime.datetime, *days: datetime.date) -> list[datetime.datetime]:
        """A moment in each of `days` (in order, none earlier than `lower`), in order."""
        # Each moment falls within its day, so sorting keeps them with their days.
        return [max(lower, at) for at in sorted(self.moment(day) for day in days)]

    def standard(self, category: str, day: datetime.date) -> _StandardInfo | None:
        return next(
            (
                info
                for info in self.standards
                if info.category == category and info.in_force_on(day)
            ),
            None,
        )

    def services(self, info: _StandardInfo, agency_id: int) -> list[tuple[int, int]]:
        """(service, setting) pairs generate_plan draws up for the agency's cases."""
        key = (info.standard.pk, agency_id)
        if key not in self.drawn_up:
            services = _first_services(info.standard)
            settings = _settings_for(info.standard, Agency(pk=agency_id), services)
            self.drawn_up[key] = [(service.pk, settings[service.pk].pk) for service in services]
        return self.drawn_up[key]

    # -- the case

    def add(self, batch: _Batch, facts: _CaseFacts, done: _CaseWorkDone) -> None:
        rng, case = self.rng, facts.case
        sex = case.person.sex
        start, info = self._start(facts, done)
        ended = facts.services_end < self.today
        outcome, reason = case.closure_outcome, case.closure_reason
        if case.closed_on is None:
            # What the worker gives as the outcome when the closure is asked for.
            outcome, reason = texts.closure(
                rng, sex, referred=rng.random() < 0.15, foreign=facts.foreign
            )
        elif case.status == Status.CLOSED and info is None and self._found_not_eligible(done):
            # Closed without a plan after a negative decision, and not referred on.
            outcome, reason = ClosureOutcome.NOT_ELIGIBLE, texts.not_eligible_reason(rng, sex)
            case.closure_outcome, case.closure_reason = outcome, reason

        asked_on = None  # the day the closure of the case was asked for
        if case.closed_on is not None:
            earliest = start if info is not None and start is not None else case.opened_on
            asked_on = max(_days_before(case.closed_on, rng.choice((0, 0, 1, 1, 2, 3))), earliest)
        plan = None
        if info is not None and start is not None:
            end = self._plan_end(facts, start, ended, outcome, asked_on)
            plan = self._plan(batch, facts, done, info, start, end)

        if case.closed_on is not None and asked_on is not None:
            self._closure_request(batch, facts, plan, outcome, reason, asked_on, case.closed_on)
        elif (
            ended
            and (plan is None or plan.closed_on is not None)
            and rng.random() < (0.4 if plan is not None else 0.15)
        ):
            # Asked for lately, after the plan closed; awaiting a supervisor.
            after = plan.closed_on if plan is not None else facts.services_end
            assert after is not None
            asked_on = max(_days_before(self.today, rng.randint(0, 14)), after)
            self._closure_request(batch, facts, plan, outcome, reason, asked_on, None)

    def _found_not_eligible(self, done: _CaseWorkDone) -> bool:
        not_eligible = done.eligibility is not None and done.eligibility.decision == "not_eligible"
        return not_eligible or done.trafficking_status == TraffickingStatus.NOT_A_VICTIM

    def _start(
        self, facts: _CaseFacts, done: _CaseWorkDone
    ) -> tuple[datetime.date | None, _StandardInfo | None]:
        """The first day of the case's plan and the standard in force then, if it has one."""
        rng, decision = self.rng, done.eligibility
        if decision is None or decision.decision != "eligible" or rng.random() >= _PLAN_SHARE:
            return None, None
        start = decision.decided_on + datetime.timedelta(days=_PLAN_LAG.pick(rng))
        category = standard_category(facts.case)
        if facts.foreign and facts.case.grounds == Grounds.TRAFFICKING and rng.random() < 0.8:
            category = FOREIGN_VICTIM
        if start > facts.services_end:
            return None, None
        return start, self.standard(category, start)

    def _plan_end(
        self,
        facts: _CaseFacts,
        start: datetime.date,
        ended: bool,
        outcome: str,
        case_asked_on: datetime.date | None,
    ) -> _PlanEnd:
        rng = self.rng
        plan_outcome = _PLAN_OUTCOMES.get(outcome, _OTHER_PLAN_OUTCOME).pick(rng)
        if case_asked_on is not None:
            # Closed before the case: the case's closure cannot be asked for while it is open.
            decided_on = max(_days_before(case_asked_on, rng.choice((0, 0, 1, 2))), start)
            requested_on = max(_days_before(decided_on, rng.choice((0, 1, 1, 2, 3))), start)
            return _PlanEnd(PlanStatus.CLOSED, requested_on, decided_on, plan_outcome)
        # After the services: mostly closed, some awaiting approval, some followed on.
        share = rng.random()
        if ended and share < 0.45:
            requested_on = max(_days_before(facts.services_end, rng.randint(0, 3)), start)
            decided_on = min(requested_on + datetime.timedelta(days=rng.randint(0, 3)), self.today)
            return _PlanEnd(PlanStatus.CLOSED, requested_on, decided_on, plan_outcome)
        running = (self.today - start).days
        if (ended and share < 0.55) or (not ended and running >= 45 and share < 0.05):
            requested_on = max(_days_before(self.today, rng.randint(0, 8)), start)
            return _PlanEnd(PlanStatus.CLOSURE_REQUESTED, requested_on, None, plan_outcome)
        return _PlanEnd(PlanStatus.ACTIVE)

    # -- the plan

    def _plan(
        self,
        batch: _Batch,
        facts: _CaseFacts,
        done: _CaseWorkDone,
        info: _StandardInfo,
        start: datetime.date,
        end: _PlanEnd,
    ) -> ServicePlan:
        rng, case, decision = self.rng, facts.case, done.eligibility
        assert decision is not None
        worker = facts.workers[0]
        created_at = max(self.moment(start), decision.recorded_at, case.created_at)
        first_review = start + datetime.timedelta(days=info.review_days)
        plan = ServicePlan(
            case=case,
            category_id=self.categories[info.category],
            standard=info.standard,
            eligibility_decision=decision,
            started_on=start,
            review_on=self._review_on(first_review, info.review_days, end),
            status=end.status,
            created_by_id=worker,
            created_at=created_at,
        )
        # Deliveries, goals and extensions come before the closure is asked for.
        last_day = facts.services_end
        if end.requested_on is not None:
            last_day = min(last_day, _days_before(end.requested_on, 1))
            days = [end.requested_on] + ([end.decided_on] if end.decided_on else [])
            moments = self.moments(created_at, *days)
            plan.outcome = end.outcome
            plan.closure_reason = texts.plan_closure_reason(rng, end.outcome, case.person.sex)
            plan.closure_requested_by_id = worker
            plan.closure_requested_at = moments[0]
            if end.decided_on is not None:
                plan.closure_decided_by_id = rng.choice(facts.owner.supervisors)
                plan.closure_decided_at = moments[1]
                plan.closed_on = end.decided_on
        batch.plans.append(plan)
        self._goals(batch, facts, plan, last_day)
        self._services(batch, facts, done, info, plan, first_review, last_day)
        self._extensions(batch, facts, info, plan, last_day)
        return plan

    def _review_on(self, first: datetime.date, every: int, end: _PlanEnd) -> datetime.date:
        """The review date as it stands: moved on by a cycle at each review held, the last
        one sometimes late."""
        on = (
            end.requested_on if end.status == PlanStatus.CLOSED and end.requested_on else self.today
        )
        if first >= on:
            return first
        cycles = -(-(on - first).days // every)
        upcoming = first + datetime.timedelta(days=cycles * every)
        if end.status != PlanStatus.CLOSED and self.rng.random() < 0.12:
            return upcoming - datetime.timedelta(days=every)
        return upcoming

    def _goals(
        self, batch: _Batch, facts: _CaseFacts, plan: ServicePlan, last_day: datetime.date
    ) -> None:
        rng, case = self.rng, facts.case
        group = texts.goal_group(case.grounds, facts.age)
        speaks_kazakh = "kk" in case.person.languages
        agreed: set[str] = set()
        for number in range(_GOAL_COUNTS.pick(rng)):
            day = plan.started_on
            if number:
                day += datetime.timedelta(days=rng.randint(0, 14))
            text = texts.goal(
                rng, group, case.person.sex, kazakh=speaks_kazakh and rng.random() < 0.5
            )
            if (day != plan.started_on and day > last_day) or text in agreed:
                continue
            agreed.add(text)
            created_at = plan.created_at
            if day != plan.started_on:
                created_at = max(self.moment(day), plan.created_at)
            batch.goals.append(
                Goal(
                    plan=plan,
                    text=text,
                    agreed_on=day,
                    status=self._goal_status(plan, day),
                    created_by_id=plan.created_by_id,
                    created_at=created_at,
                )
            )

    def _goal_status(self, plan: ServicePlan, agreed_on: datetime.date) -> str:
        share = self.rng.random()
        if plan.status == PlanStatus.CLOSED:
            if plan.outcome == PlanOutcome.GOALS_ACHIEVED:
                return GoalStatus.ACHIEVED if share < 0.9 else GoalStatus.OPEN
            if plan.outcome == PlanOutcome.SERVICES_COMPLETED:
                return GoalStatus.ACHIEVED if share < 0.6 else GoalStatus.OPEN
            return GoalStatus.DROPPED if share < 0.5 else GoalStatus.OPEN
        if (self.today - agreed_on).days > 60 and share < 0.35:
            return GoalStatus.ACHIEVED
        return GoalStatus.OPEN

    # -- services and deliveries

    def _services(
        self,
        batch: _Batch,
        facts: _CaseFacts,
        done: _CaseWorkDone,
        info: _StandardInfo,
        plan: ServicePlan,
        first_review: datetime.date,
        last_day: datetime.date,
    ) -> None:
        rng, owner = self.rng, facts.owner.agency_id
        day_care = self.day_care.pk if self.day_care else None
        if day_care not in info.allowed_settings:
            day_care = None
        for service_id, setting_id in self.services(info, owner):
            code = self.service_codes[service_id]
            planned = PlannedService(
                plan=plan,
                service_id=service_id,
                provider_id=owner,
                # A person not staying in a shelter comes in by day, where the standard allows.
                setting_id=day_care
                if day_care and done.admitted_on is None and code != "accommodation"
                else setting_id,
                frequency=Frequency.ONCE,
                due_on=first_review,
                created_by_id=plan.created_by_id,
                created_at=plan.created_at,
            )
            batch.planned_services.append(planned)
            given = self._given_on(code, plan.started_on, first_review, last_day, done.admitted_on)
            if given is not None:
                self._deliver(batch, facts, plan, planned, code, given, last_day)
            elif plan.is_open and plan.review_on > first_review and rng.random() < 0.5:
                planned.due_on = plan.review_on  # moved on at a review
        if last_day >= plan.started_on and rng.random() < 0.25:
            code = rng.choice(_UNPLANNED)
            day = plan.started_on + datetime.timedelta(
                days=rng.randint(0, (last_day - plan.started_on).days)
            )
            batch.deliveries.append(
                self._delivery(facts, plan, None, code, day, DeliveryOutcome.DELIVERED)
            )

    def _given_on(
        self,
        code: str,
        start: datetime.date,
        due: datetime.date,
        last_day: datetime.date,
        admitted_on: datetime.date | None,
    ) -> datetime.date | None:
        """The day a planned service was first given, or None while it has not been."""
        rng = self.rng
        if last_day < start:
            return None
        if code == "accommodation" and admitted_on is not None:
            day = max(start, admitted_on)
            return day if day <= last_day else None
        if due <= last_day:
            # Past due within the plan's life: mostly given, now and then late.
            if rng.random() >= 0.88:
                return None
            if due < last_day and rng.random() < 0.15:
                return due + datetime.timedelta(days=rng.randint(1, (last_day - due).days))
            return start + datetime.timedelta(days=rng.randint(0, (due - start).days))
        # Not due yet: the longer the plan has run, the likelier it was given already.
        elapsed = (last_day - start).days / max((due - start).days, 1)
        if rng.random() >= 0.15 + 0.7 * elapsed:
            return None
        return start + datetime.timedelta(days=rng.randint(0, (last_day - start).days))

    def _deliver(
        self,
        batch: _Batch,
        facts: _CaseFacts,
        plan: ServicePlan,
        planned: PlannedService,
        code: str,
        given: datetime.date,
        last_day: datetime.date,
    ) -> None:
        rng, start = self.rng, plan.started_on
        if given > start and rng.random() < 0.07:
            missed = start + datetime.timedelta(days=rng.randint(0, (given - start).days - 1))
            outcome = (
                DeliveryOutcome.DID_NOT_ATTEND if rng.random() < 0.7 else DeliveryOutcome.REFUSED
            )
            batch.deliveries.append(self._delivery(facts, plan, planned, code, missed, outcome))
        outcome = (
            DeliveryOutcome.DELIVERED if rng.random() < 0.85 else DeliveryOutcome.PARTLY_DELIVERED
        )
        batch.deliveries.append(self._delivery(facts, plan, planned, code, given, outcome))
        if code in _SESSIONS:
            day = given + datetime.timedelta(days=7)
            while day <= last_day and rng.random() < 0.75:
                planned.frequency = Frequency.WEEKLY
                batch.deliveries.append(
                    self._delivery(facts, plan, planned, code, day, DeliveryOutcome.DELIVERED)
                )
                day += datetime.timedelta(days=7)

    def _delivery(
        self,
        facts: _CaseFacts,
        plan: ServicePlan,
        planned: PlannedService | None,
        code: str,
        day: datetime.date,
        outcome: str,
    ) -> Delivery:
        rng = self.rng
        given = outcome in COUNTING_OUTCOMES
        durations = _DURATIONS.get(code, (30, 45, 60, 90))
        return Delivery(
            plan=plan,
            planned_service=planned,
            provider_id=facts.owner.agency_id,
            service_id=self.service_ids[code],
            delivered_on=day,
            duration_minutes=rng.choice(durations) if given and durations else None,
            outcome=outcome,
            notes=texts.delivery_note(rng, code, facts.case.person.sex)
            if given and rng.random() < 0.3
            else "",
            recorded_by_id=rng.choice(facts.workers),
            recorded_at=max(self.moment(day), plan.created_at),
        )

    def _extensions(
        self,
        batch: _Batch,
        facts: _CaseFacts,
        info: _StandardInfo,
        plan: ServicePlan,
        last_day: datetime.date,
    ) -> None:
        """Extensions granted as the period nears its end while services still run."""
        rng, standard = self.rng, info.standard
        reasons = sorted(info.extension_reasons)
        if not standard.extension_days or not reasons:
            return
        period_ends = plan.started_on + datetime.timedelta(days=standard.service_period_days)
        granted = 0
        while (
            granted < standard.extension_days
            and last_day >= _days_before(period_ends, 20)
            and rng.random() < 0.8
        ):
            day = max(min(_days_before(period_ends, rng.randint(5, 20)), last_day), plan.started_on)
            days = min(rng.choice((30, 60, 90)), standard.extension_days - granted)
            code = "criminal_proceedings" if rng.random() < 0.75 else "hospitalisation"
            if code not in info.extension_reasons:
                code = rng.choice(reasons)
            batch.extensions.append(
                PlanExtension(
                    plan=plan,
                    reason_id=info.extension_reasons[code],
                    days=days,
                    granted_on=day,
                    note=texts.extension_note(rng, code, facts.case.person.sex),
                    granted_by_id=facts.workers[0],
                    granted_at=max(self.moment(day), plan.created_at),
                )
            )
            granted += days
            period_ends += datetime.timedelta(days=days)

    # -- closure of the case

    def _closure_request(
        self,
        batch: _Batch,
        facts: _CaseFacts,
        plan: ServicePlan | None,
        outcome: str,
        reason: str,
        asked_on: datetime.date,
        closed_on: datetime.date | None,
    ) -> None:
        """The case worker's request to close the case; approved by a supervisor of the
        owning agency on the day the case closed, or still awaiting one."""
        case = facts.case
        after = case.created_at
        if plan is not None and plan.closure_decided_at is not None:
            after = max(after, plan.closure_decided_at)
        moments = self.moments(after, asked_on, *([closed_on] if closed_on else []))
        request = ClosureRequest(
            case=case,
            outcome=outcome,
            reason=reason,
            requested_by_id=facts.workers[0],
            requested_at=moments[0],
        )
        if closed_on is not None:
            request.decision = ClosureDecision.APPROVED
            request.decided_by_id = self.rng.choice(facts.owner.supervisors)
            request.decided_at = moments[1]
        batch.closure_requests.append(request)
        case.updated_at = max(case.updated_at, moments[-1])


def _days_before(day: datetime.date, days: int) -> datetime.date:
    return day - datetime.timedelta(days=days)


# ---- one busy agency ------------------------------------------------------------------


def add_open_cases(
    username: str,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    within_days: int = 180,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Give the agency of the demo user `username` `count` more persons, each with an open
    case opened in the last `within_days` days and the same mix of assessments, decisions,
    placements and protection as the rest: the caseload of one busy agency, for
    benchmarks (bench/my_tasks.py). One audit event; all or nothing."""
    if count < 1:
        raise ValueError("count must be a positive integer")
    with transaction.atomic():
        if not is_loaded():
            raise DemoDataConflict("load the demo data set first")
        network = _network_from_database()
        membership = (
            Membership.objects.filter(user__username=username, ended_at__isnull=True)
            .order_by("pk")
            .first()
        )
        agency_id = membership.agency_id if membership else None
        owner = next((info for info in network.agencies if info.agency_id == agency_id), None)
        if owner is None or not owner.workers or not owner.supervisors or not owner.spec.owns_cases:
            raise DemoDataConflict(f"{username} is not a demo user of an agency that owns cases")
        rng = random.Random(f"{seed}:{username}:{count}")
        casework_rng = _casework_random(f"{seed}:{username}:{count}")
        shelters = _shelters_from_database(network)
        builder = _CaseBuilder(
            rng,
            network,
            _CaseWork(casework_rng, network, shelters),
            _PlanWork(_plans_random(f"{seed}:{username}:{count}")),
        )
        builder.iins.update(iin for iin in Person.objects.values_list("iin", flat=True) if iin)
        grounds = Weighted(
            [(value, weight) for value, weight in _GROUNDS_SHARES if value in owner.spec.owns_cases]
        )
        summary = LoadSummary()
        opened = sorted(
            builder.today - datetime.timedelta(days=rng.randrange(within_days))
            for _ in range(count)
        )
        for start in range(0, count, batch_size):
            batch = _Batch()
            for opened_on in opened[start : start + batch_size]:
                builder.add_open_case(batch, opened_on, owner, grounds.pick(rng))
            batch.save(network.case_prefixes, summary)
            if progress is not None:
                progress(start + len(opened[start : start + batch_size]), count)
        record(
            None,
            EXTEND_ACTION,
            agency=owner.agency_id,
            persons=count,
            cases=summary.cases,
            seed=seed,
        )
    return summary


def _network_from_database() -> _Network:
    """The demo network as loaded: agencies with their specs, workers and supervisors."""
    specs = {spec.name_en: spec for spec in agency_specs()}
    regions = list(Region.objects.all())
    infos = [
        _AgencyInfo(
            agency.pk, agency.region_id, specs[agency.name_en].iso_code, specs[agency.name_en]
        )
        for agency in Agency.objects.filter(name_en__in=list(specs)).order_by("pk")
    ]
    by_agency = {info.agency_id: info for info in infos}
    memberships = Membership.objects.filter(
        agency_id__in=list(by_agency), ended_at__isnull=True
    ).order_by("pk")
    for agency_id, user_id, role in memberships.values_list("agency_id", "user_id", "role__code"):
        if role == "case_worker":
            by_agency[agency_id].workers.append(user_id)
        elif role == "supervisor":
            by_agency[agency_id].supervisors.append(user_id)
    return _Network(
        agencies=infos,
        region_ids={region.iso_code: region.pk for region in regions},
        region_isos={region.pk: region.iso_code for region in regions},
        case_prefixes={region.pk: region.case_prefix for region in regions},
        user_count=0,
        owners=_owners(infos),
    )


def _shelters_from_database(network: _Network) -> dict[int, list[_FacilityInfo]]:
    """The demo shelters with their places and the places taken today."""
    agencies = [info.agency_id for info in network.agencies]
    found: dict[int, _FacilityInfo] = {}
    shelters: dict[int, list[_FacilityInfo]] = {}
    capacities = FacilityCapacity.objects.filter(
        facility__agency_id__in=agencies, facility__is_active=True
    ).order_by("facility_id", "category__position")
    for agency_id, facility_id, category, places in capacities.values_list(
        "facility__agency_id", "facility_id", "category__code", "places"
    ):
        if facility_id not in found:
            found[facility_id] = _FacilityInfo(facility_id, {})
            shelters.setdefault(agency_id, []).append(found[facility_id])
        found[facility_id].places[category] = places
    taken = Placement.objects.filter(discharged_on__isnull=True, facility_id__in=list(found))
    for facility_id, category in taken.values_list("facility_id", "category__code"):
        found[facility_id].taken[category] += 1
    return shelters
