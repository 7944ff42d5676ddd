"""Shared fixtures: the alice / bob / carol / charlie / dana cast of DESIGN.md rule 7.

alice  case worker, agency A (owns the cases she opens)
bob    case worker, agency A, not assigned
carol  supervisor, agency A
charlie case worker, agency B (another region)
dana   national analyst
erin   system administrator
gulnara regional coordinator of agency A's region
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from qamqor.accounts.models import Agency, AgencyKind, Membership, Region, Role, User
from qamqor.cases.actions import open_case
from qamqor.cases.models import Case, Grounds
from qamqor.clock import now
from qamqor.registry.models import Person

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _database(db: None) -> None:
    """Every test may use the database (reference data comes with the migrations)."""


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request leaves its language active in the thread; the next test starts afresh."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def signed_in(user: User, language: str = "en", *, reauthenticated: bool = True) -> Client:
    """A test client signed in as `user`, second factor verified as at a real sign-in.

    `reauthenticated=False` gives a session whose sign-in is older than the 5 minutes
    within which grave acts (exports, break-glass) go ahead without a new prompt.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qamqor.accounts.reauth import AUTHENTICATED_AT_KEY

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # Password and code were just given, as at sign-in: grave acts need no new prompt.
    if reauthenticated:
        session[AUTHENTICATED_AT_KEY] = now().timestamp()
    session.save()
    return client


@pytest.fixture
def region() -> Region:
    return Region.objects.get(iso_code="KZ-75")


@pytest.fixture
def other_region() -> Region:
    return Region.objects.get(iso_code="KZ-71")


def make_agency(region: Region, kind: str = "crisis_centre_ngo", name: str = "Agency") -> Agency:
    return Agency.objects.create(
        name_kk=name, name_ru=name, name_en=name, kind=AgencyKind.objects.get(code=kind),
        region=region,
    )  # fmt: skip


def make_user(username: str, agency: Agency | None, role: str = "case_worker") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if agency is not None:
        Membership.objects.create(
            user=user, agency=agency, role=Role.objects.get(code=role), started_at=now()
        )
    return user


@pytest.fixture
def agency(region: Region) -> Agency:
    return make_agency(region, name="Crisis centre A")


@pytest.fixture
def other_agency(other_region: Region) -> Agency:
    return make_agency(other_region, kind="police", name="Police B")


@pytest.fixture
def alice(agency: Agency) -> User:
    return make_user("alice", agency)


@pytest.fixture
def bob(agency: Agency) -> User:
    return make_user("bob", agency)


@pytest.fixture
def carol(agency: Agency) -> User:
    return make_user("carol", agency, role="supervisor")


@pytest.fixture
def charlie(other_agency: Agency) -> User:
    return make_user("charlie", other_agency)


@pytest.fixture
def dana(region: Region) -> User:
    ministry = make_agency(region, kind="social_protection", name="Ministry")
    return make_user("dana", ministry, role="national_analyst")


@pytest.fixture
def gulnara(region: Region) -> User:
    """Regional coordinator of alice's region (an akimat): de-identified reach."""
    return make_user(
        "gulnara", make_agency(region, kind="akimat", name="Akimat"), role="regional_coordinator"
    )


@pytest.fixture
def erin(region: Region) -> User:
    return make_user("erin", make_agency(region, kind="akimat", name="IT"), role="system_admin")


@pytest.fixture
def make_case(alice: User, agency: Agency) -> Callable[..., Case]:
    """Open a case through the intake action; keyword arguments go to the person."""

    def build(
        actor: User | None = None,
        in_agency: Agency | None = None,
        grounds: str = Grounds.DOMESTIC_VIOLENCE,
        opened_on: datetime.date | None = None,
        **person_fields: Any,
    ) -> Case:
        fields = {"surname": "Сәрсенбаева", "given_name": "Әйгерім", "sex": "female"}
        fields.update(person_fields)
        return open_case(
            actor or alice,
            in_agency or agency,
            Person(**fields),
            Case(grounds=grounds, opened_on=opened_on),  # type: ignore[misc]
        )

    return build


@pytest.fixture
def case(make_case: Callable[..., Case]) -> Case:
    return make_case()


# Audit triggers refuse the flush ending a transactional test; lifted around it (autouse).
from qamqor.audit.testing import audit_triggers_lifted_for_flush  # noqa: E402, F401
from qamqor.web.tests.browser import *  # noqa: E402, F401, F403 - one Playwright for all apps


def close_case(
    case: Case,
    requester: User,
    approver: User,
    *,
    outcome: str = "services_completed",
    reason: str = "Помощь оказана.",
) -> Case:
    """Close a case the only way there is: a request by one user, approved by another."""
    from qamqor.cases.closure import approve_closure, request_closure

    request = request_closure(requester, case, outcome, reason)
    closed = approve_closure(approver, request)
    case.refresh_from_db()
    return closed
