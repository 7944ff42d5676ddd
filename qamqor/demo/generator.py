"""The demo data set: agencies, staff, and synthetic persons with their cases.

Everything is invented: names are random combinations from qamqor.demo.names, IINs are
built by the check-digit rule from the invented date of birth, addresses and telephone
numbers are made up. The load is one transaction with one audit event, so it happens
entirely or not at all, and it happens once per installation.

Rows are written with bulk_create in batches, so 100,000 persons take minutes, not hours;
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
from qamqor.audit.events import record
from qamqor.audit.models import AuditEvent
from qamqor.cases.codes import assign_case_codes
from qamqor.cases.models import (
    Case,
    CaseAssignment,
    CaseNote,
    Grounds,
    Incident,
    Status,
)
from qamqor.clock import now as clock_now
from qamqor.clock import today as clock_today
from qamqor.registry.iin import check_digit
from qamqor.registry.models import Gender, NameKey, Person
from qamqor.registry.search_index import name_key_rows
from qamqor.services.models import ServiceType

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
        builder = _CaseBuilder(rng, network)
        summary = LoadSummary(agencies=len(network.agencies), users=network.user_count)
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

    owners: dict[tuple[str, str], Weighted[_AgencyInfo]] = {}
    for grounds, weights in _OWNER_WEIGHTS.items():
        for place in PLACES:
            options = [
                (info, weights[_owner_group(info.spec)])
                for info in infos
                if info.iso_code == place.iso_code
                and grounds in info.spec.owns_cases
                and info.workers
                and _owner_group(info.spec) in weights
            ]
            if options:
                owners[(grounds, place.iso_code)] = Weighted(options)
    return _Network(
        agencies=infos,
        region_ids={iso: region.pk for iso, region in regions.items()},
        region_isos={region.pk: iso for iso, region in regions.items()},
        case_prefixes={region.pk: region.case_prefix for region in regions.values()},
        user_count=len(users),
        owners=owners,
    )


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

_GROUNDS = Weighted(
    [
        (Grounds.TRAFFICKING, 0.15),
        (Grounds.DOMESTIC_VIOLENCE, 0.75),
        (Grounds.CRUEL_TREATMENT, 0.10),
    ]
)
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

    def save(self, prefixes: dict[int, str], summary: LoadSummary) -> None:
        Person.objects.bulk_create(self.persons)
        keys = [row for person in self.persons for row in name_key_rows(person)]
        NameKey.objects.bulk_create(keys)
        assign_case_codes(self.cases, prefixes)
        Case.objects.bulk_create(self.cases)
        CaseAssignment.objects.bulk_create(self.assignments)
        Incident.objects.bulk_create(self.incidents)
        CaseNote.objects.bulk_create(self.notes)
        summary.persons += len(self.persons)
        summary.cases += len(self.cases)
        summary.incidents += len(self.incidents)
        summary.notes += len(self.notes)
        summary.name_keys += len(keys)
        summary.grounds.update(case.grounds for case in self.cases)


class _CaseBuilder:
    def __init__(self, rng: random.Random, network: _Network) -> None:
        self.rng = rng
        self.network = network
        self.now = clock_now()
        self.today = clock_today()
        self.zone = timezone.get_current_timezone()
        self.iins: set[str] = set()

    # -- time

    def first_opening(self) -> datetime.date:
        # More cases in recent years, as reporting has grown.
        days_ago = int(HISTORY_DAYS * self.rng.random() ** 1.2)
        return self.today - datetime.timedelta(days=days_ago)

    def moment(
        self, day: datetime.date, not_before: datetime.datetime | None = None
    ) -> datetime.datetime:
        """A time in office hours of `day`, never in the future nor before `not_before`."""
        # Every call draws the same four numbers, whatever the time of day, so that one
        # seed gives the same data all day long.
        rng = self.rng
        hour, minute, delay, fraction = (
            rng.randint(9, 18),
            rng.randrange(60),
            rng.randint(5, 240),
            rng.random(),
        )
        at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)
        if not_before is not None and at < not_before:
            at = not_before + datetime.timedelta(minutes=delay)
        if at > self.now:
            # Today, before now: somewhere between the earliest allowed moment and now.
            earliest = datetime.datetime.combine(day, datetime.time(0), tzinfo=self.zone)
            if not_before is not None:
                earliest = max(earliest, not_before)
            at = earliest + (self.now - earliest) * fraction if earliest < self.now else self.now
        return at

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
    ) -> Case:
        rng = self.rng
        sex = person.sex
        created_at = self.moment(opened_on)
        ends_on = opened_on + datetime.timedelta(days=rng.randint(*_SERVICE_DAYS[grounds]))
        status, closed_on, reason = Status.ACTIVE, None, ""
        if ends_on < self.today:
            share = rng.random()
            if share < 0.12:
                status = Status.FOLLOW_UP
            else:
                referred = share > 0.82
                status = Status.CLOSED_REFERRED if referred else Status.CLOSED
                closed_on = ends_on
                reason = texts.closure_reason(rng, sex, referred=referred, foreign=foreign)
        case = Case(
            person=person,
            grounds=grounds,
            status=status,
            opened_on=opened_on,
            closed_on=closed_on,
            closure_reason=reason,
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
        for number in range(_INCIDENT_COUNTS.pick(rng)):
            incident = self._incident(case, number, age, foreign, last_day)
            activity.append(incident.recorded_at)
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
