"""The demo data command: a plausible network and caseload, loaded once, consistent with
the rules the rest of Qamqor keeps (IINs, case codes, search keys, audit)."""

import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from qamqor.accounts.models import Agency, AgencyKind, Membership, Region, Role, User
from qamqor.audit.models import AuditEvent
from qamqor.cases.access import visible_cases
from qamqor.cases.models import (
    CLOSED_STATUSES,
    Case,
    CaseAssignment,
    CaseCounter,
    ClosureRequest,
    Grounds,
    Incident,
    Status,
)
from qamqor.clock import today
from qamqor.demo import generator
from qamqor.plans.models import Delivery, ServicePlan
from qamqor.registry.iin import parse_iin
from qamqor.registry.models import Person
from qamqor.registry.search_index import persons_named
from qamqor.services.models import ServiceType

PERSONS = 120
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    # The production hasher is slow on purpose; these tests check data, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return run("--persons", str(PERSONS))


def test_every_region_has_agencies_and_every_kind_is_present(loaded: str) -> None:
    assert set(Region.objects.filter(agencies__isnull=True)) == set()
    assert set(AgencyKind.objects.filter(agencies__isnull=True)) == set()
    assert 55 <= Agency.objects.count() <= 70
    for agency in Agency.objects.all():
        assert agency.name_kk and agency.name_ru and agency.name_en
        assert agency.address and agency.phone
        assert agency.services.exists(), agency.name_en


def test_thirteen_crisis_centres_serve_victims_of_trafficking(loaded: str) -> None:
    all_eight = ServiceType.objects.count()
    crisis = Agency.objects.filter(kind__code__startswith="crisis_centre")
    trafficking = [a for a in crisis if "trafficking" in a.name_en]
    assert len(trafficking) == 13
    assert sum(a.kind.code == "crisis_centre_state" for a in trafficking) == 2
    assert all(a.services.count() == all_eight for a in trafficking)
    assert any("domestic violence" in a.name_en for a in crisis)


def test_every_role_has_a_demo_user_who_can_log_in(loaded: str) -> None:
    for role in Role.objects.all():
        assert Membership.objects.filter(role=role).exists(), role.code
    for username in ("worker.almaty", "supervisor.almaty", "police.astana", "analyst",
                     "sysadmin", "auditor"):  # fmt: skip
        # The lock-out backend checks every sign-in, so it needs the request.
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=generator.DEMO_PASSWORD)


def test_crisis_centre_and_police_users_see_cases(loaded: str) -> None:
    for username in ("worker.almaty", "supervisor.almaty", "police.almaty", "police.astana"):
        assert visible_cases(User.objects.get(username=username)).exists(), username


def test_persons_and_cases_of_every_ground(loaded: str) -> None:
    assert Person.objects.count() == PERSONS
    assert not Person.objects.filter(cases__isnull=True).exists()
    cases = Case.objects.count()
    assert PERSONS <= cases <= PERSONS * 2
    grounds = set(Case.objects.values_list("grounds", flat=True))
    assert grounds == {Grounds.TRAFFICKING, Grounds.DOMESTIC_VIOLENCE, Grounds.CRUEL_TREATMENT}
    trafficking = Case.objects.filter(grounds=Grounds.TRAFFICKING)
    in_centres_or_police = trafficking.filter(
        owner_agency__kind__code__in=["crisis_centre_state", "crisis_centre_ngo", "police"]
    )
    assert in_centres_or_police.count() == trafficking.count()


def test_cases_are_complete_and_consistent(loaded: str) -> None:
    for case in Case.objects.select_related("person", "owner_agency"):
        case.full_clean()
        assert case.region_id == case.owner_agency.region_id
        assert case.code.startswith(f"{case.region.case_prefix}-{case.opened_on.year}-")
        assert (today() - case.opened_on).days <= 3 * 366
        assert case.created_at <= case.updated_at
        assert (case.status in CLOSED_STATUSES) == (case.closed_on is not None)
        assert (case.status in CLOSED_STATUSES) == bool(case.closure_reason)
        assert 1 <= case.incidents.count() <= 3
        assert 0 <= case.notes.count() <= 4
        members = set(
            Membership.objects.filter(agency=case.owner_agency).values_list("user_id", flat=True)
        )
        workers = set(CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True))
        assert workers and workers <= members
        assert case.created_by_id in workers
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.ACTIVE, Status.CLOSED} <= statuses


def test_incidents_carry_the_facts_of_their_grounds(loaded: str) -> None:
    for incident in Incident.objects.select_related("case"):
        incident.full_clean()
        assert incident.narrative
        if incident.case.grounds == Grounds.TRAFFICKING:
            assert incident.exploitation_types and not incident.forms_of_violence
        else:
            assert incident.forms_of_violence and not incident.exploitation_types
    narrative = Incident.objects.values_list("narrative", flat=True).first()
    assert narrative and re.search("[а-яё]", narrative)


def test_every_iin_is_valid_and_agrees_with_birth_date_and_sex(loaded: str) -> None:
    with_iin = Person.objects.exclude(iin="")
    assert with_iin.count() > PERSONS // 2
    for person in with_iin:
        facts = parse_iin(person.iin)
        assert facts.birth_date == person.birth_date()
        assert facts.sex == person.sex
        assert person.iin[6] in ("3", "4") if person.birth_year < 2000 else person.iin[6] in "56"
        assert list(person.citizenship) == ["KZ"]
    for person in Person.objects.all():
        person.full_clean()  # Person.clean checks the IIN against the birth date and sex
    assert len(set(with_iin.values_list("iin", flat=True))) == with_iin.count()


def test_names_ages_and_nationalities_are_varied(loaded: str) -> None:
    persons = list(Person.objects.all())
    assert any(KAZAKH_LETTERS & set(p.surname + p.given_name) for p in persons)
    assert any(p.patronymic.endswith(("ұлы", "қызы")) for p in persons)
    assert any(p.patronymic.endswith(("ович", "евич", "овна", "евна")) for p in persons)
    assert any(not p.patronymic for p in persons)
    latin = sum(bool(p.latin_surname) for p in persons) / len(persons)
    assert 0.2 <= latin <= 0.4
    foreign = [p for p in persons if list(p.citizenship) != ["KZ"]]
    assert 0.12 <= len(foreign) / len(persons) <= 0.3
    assert not any(p.iin for p in foreign)
    assert {"UZ", "KG", "TJ"} <= {c.code for p in foreign for c in p.citizenship}
    assert any(p.birth_year and not p.birth_month for p in persons)
    assert any(p.age_estimate is not None and not p.birth_year for p in persons)


def test_demo_persons_are_found_by_name_in_any_script(loaded: str) -> None:
    person = Person.objects.exclude(surname="").order_by("id").first()
    assert person is not None
    found = persons_named(person.surname)
    assert found is not None and person in found
    spelled = Person.objects.exclude(latin_surname="").order_by("id").first()
    assert spelled is not None
    found = persons_named(f"{spelled.latin_surname} {spelled.latin_given_name}")
    assert found is not None and spelled in found


def test_the_load_is_one_audit_event_by_the_system(loaded: str) -> None:
    events = AuditEvent.objects.filter(action="demo_data.load")
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.details["persons"] == PERSONS
    assert AuditEvent.objects.count() == 1


def test_output_lists_the_logins_and_the_password(loaded: str) -> None:
    assert generator.DEMO_PASSWORD in loaded
    for username in ("worker.almaty", "police.astana", "analyst", "sysadmin", "auditor"):
        assert username in loaded
    centre = Membership.objects.get(user__username="worker.almaty").agency
    assert centre.name in loaded  # in the active language


def test_a_second_run_changes_nothing_and_prints_the_logins_again(loaded: str) -> None:
    counts = (Person.objects.count(), Case.objects.count(), User.objects.count(),
              Agency.objects.count(), Incident.objects.count())  # fmt: skip
    again = run("--persons", "20")
    assert "loaded already" in again
    assert generator.DEMO_PASSWORD in again and "worker.almaty" in again
    assert counts == (Person.objects.count(), Case.objects.count(), User.objects.count(),
                      Agency.objects.count(), Incident.objects.count())  # fmt: skip
    assert AuditEvent.objects.filter(action="demo_data.load").count() == 1


def test_case_codes_continue_after_the_demo_cases(
    loaded: str, make_case: Callable[..., Case]
) -> None:
    region = Region.objects.get(iso_code="KZ-75")
    year = today().year
    demo_codes = Case.objects.filter(region=region, opened_on__year=year).values_list(
        "code", flat=True
    )
    highest = max((int(code.rsplit("-", 1)[1]) for code in demo_codes), default=0)
    assert highest == len(demo_codes)
    case = make_case()  # through cases.actions.open_case, in the ALA region
    assert case.code == f"ALA-{year}-{highest + 1:06d}"
    assert Case.objects.filter(code=case.code).count() == 1
    for counter in CaseCounter.objects.all():
        numbers = [
            int(code.rsplit("-", 1)[1])
            for code in Case.objects.filter(
                region_id=counter.region_id, opened_on__year=counter.year
            ).values_list("code", flat=True)
        ]
        assert counter.last_number == max(numbers) == len(numbers)


class _Rollback(Exception):
    pass


def test_the_same_seed_gives_the_same_data_all_day(monkeypatch: pytest.MonkeyPatch) -> None:
    def clock_at(hour: int) -> None:
        moment = datetime.datetime.combine(
            today(), datetime.time(hour), tzinfo=timezone.get_current_timezone()
        )
        monkeypatch.setattr(generator, "clock_now", lambda: moment)

    def snapshot() -> list[tuple[object, ...]]:
        persons = Person.objects.order_by("id", "cases__code").values_list(
            "surname", "given_name", "patronymic", "iin", "birth_year", "sex", "cases__code"
        )
        plans = ServicePlan.objects.order_by("case__code").values_list(
            "case__code", "started_on", "review_on", "status", "closed_on"
        )
        deliveries = Delivery.objects.order_by(
            "plan__case__code", "delivered_on", "service__code", "outcome"
        ).values_list("plan__case__code", "delivered_on", "service__code", "outcome")
        closures = ClosureRequest.objects.order_by("case__code").values_list(
            "case__code", "outcome", "decision", "decided_by__username"
        )
        return [*persons, *plans, *deliveries, *closures]

    clock_at(8)
    with pytest.raises(_Rollback), transaction.atomic():
        generator.load(40, seed=7)
        first = snapshot()
        raise _Rollback
    with pytest.raises(_Rollback), transaction.atomic():
        generator.load(40, seed=8)
        other = snapshot()
        raise _Rollback
    clock_at(20)
    generator.load(40, seed=7)
    assert snapshot() == first
    assert other != first


@pytest.mark.parametrize("value", ["0", "-5", "many", "2.5"])
def test_persons_must_be_a_positive_integer(value: str) -> None:
    with pytest.raises(CommandError, match="persons"):
        run("--persons", value)
    with pytest.raises(CommandError, match="persons"):
        call_command("demo_data", persons=0, stdout=io.StringIO())
    assert not Person.objects.exists() and not Agency.objects.exists()


def test_refuses_an_installation_that_holds_persons(make_case: Callable[..., Case]) -> None:
    make_case()
    agencies, users = Agency.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="person records"):
        run("--persons", "10")
    assert (Agency.objects.count(), User.objects.count()) == (agencies, users)
    assert Person.objects.count() == 1
