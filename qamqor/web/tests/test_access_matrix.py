"""docs/access.md, checked page by page: every URL of the project, every role.

The walk enumerates the URL patterns themselves, so a new page fails this test until it
is given its row below; a new kind of URL argument fails it until the walk can fill it.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qamqor.assessments.actions import start_assessment
from qamqor.assessments.models import instrument_in_force
from qamqor.cases.actions import add_incident, add_note
from qamqor.cases.models import Incident
from qamqor.conftest import make_agency, make_user, signed_in
from qamqor.registry.actions import add_document
from qamqor.registry.models import IdentityDocument
from qamqor.web.tests.matrix import (
    APP_ROWS,
    CAST,
    IDENTITY,
    OPENERS,
    case_change,
    case_page,
    everyone,
)

# Who manages alice's account: the system administrator and her agency's administrator.
ALICES_MANAGERS = {"erin", "asel"}
STAFF_PAGES = [
    "staff:list", "staff:create", "staff:detail", "staff:add_role", "staff:end_membership",
    "staff:deactivate", "staff:reset_second_factor",
]  # fmt: skip

IDENTIFYING = {
    "surname": "Бекмұхамбетова",
    "given name": "Сандуғаш",
    "patronymic": "Ерболқызы",
    "Latin spelling": "Bekmukhambetova",
    "IIN": "900101400003",
    "phone": "+7 701 555 0199",
    "address": "улица Тестовая, 7",
    "narrative": "Рассказ о событии для проверки доступа",
    "note": "Заметка для проверки доступа",
    "document": "N99887766",
}


# GET status per page and user. POST-only pages answer GET with 405 before anything else.
MATRIX: dict[str, dict[str, int]] = {
    "home": everyone(200),
    "login": everyone(302),
    "logout": everyone(405),
    "set_language": everyone(302),
    "notifications": everyone(200),
    # Signed in with the second factor given: its pages send the user on.
    "accounts:second_factor": everyone(302),
    "accounts:enrol": everyone(302),
    "accounts:reauthenticate": everyone(200),
    "cases:list": everyone(200),
    "cases:intake": {user: 200 if user in OPENERS else 403 for user in CAST},
    "cases:break_glass": everyone(403, carol=200),
    "cases:detail": case_page(200, de_identified=200),
    "cases:person_edit": case_page(200, de_identified=403),
    "cases:incident_add": case_page(200, de_identified=403),
    "cases:document_add": everyone(405),
    "cases:note_add": everyone(405),
    "cases:status_change": everyone(405),
    "cases:assignment_change": everyone(405),
    "protection:page": case_page(200, de_identified=403),
    "protection:measure_add": everyone(405),
    "protection:breach_add": everyone(405),
    "protection:safety_plan_save": everyone(405),
    "assessments:page": case_page(200, de_identified=403),
    "assessments:detail": case_page(200, de_identified=403),
    "assessments:start": everyone(405),
    "assessments:trafficking_decision": everyone(405),
    "assessments:eligibility_decision": everyone(405),
    "assessments:answers_save": everyone(405),
    "assessments:complete": everyone(405),
    "assessments:supersede": everyone(405),
    "facilities:placement": case_page(200, de_identified=403),
    "facilities:admit": everyone(405),
    "facilities:discharge": everyone(405),
    "facilities:transfer": everyone(405),
    # Find a place is for those who place people; to anyone else it does not exist.
    "facilities:free": {user: 200 if user in OPENERS else 404 for user in CAST},
    # The audit log is the auditor's alone; to anyone else it does not exist.
    "audit:list": everyone(404, olga=200),
    "audit:export": everyone(404, olga=200),
    # Staff pages, with alice as the member: to anyone who manages no one they do not
    # exist. The change pages answer a GET with their confirmation or form.
    **{name: everyone(404, erin=200, asel=200) for name in STAFF_PAGES},
    **APP_ROWS.pages,
}
# POST status per page and user for the pages that change a case.
POSTS: dict[str, dict[str, set[int]]] = {
    **{name: case_change() for name in (
        "cases:person_edit", "cases:document_add", "cases:incident_add", "cases:note_add",
        "cases:status_change", "cases:assignment_change",
        "protection:measure_add", "protection:breach_add", "protection:safety_plan_save",
        "assessments:start", "assessments:trafficking_decision",
        "assessments:eligibility_decision", "assessments:answers_save",
        "assessments:complete", "assessments:supersede",
        "facilities:admit", "facilities:discharge", "facilities:transfer",
    )},
    **APP_ROWS.posts,
}  # fmt: skip


def url_names() -> list[tuple[str, list[str]]]:
    """Every named URL pattern of the project with the names of its arguments."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"an unnamed URL pattern: {entry.pattern}"
                found.append((namespace + entry.name, list(entry.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def cast(request, alice, bob, carol, charlie, dana, erin, gulnara, region, agency):
    auditor = make_user("olga", make_agency(region, kind="akimat", name="Audit"), role="auditor")
    agency_admin = make_user("asel", agency, role="agency_admin")
    users = {"alice": alice, "bob": bob, "carol": carol, "charlie": charlie, "dana": dana,
             "erin": erin, "gulnara": gulnara, "olga": auditor, "asel": agency_admin}  # fmt: skip
    return users


def url_arguments(member, case) -> dict[str, object]:
    """What the walk fills each kind of URL argument with."""
    return {
        "code": case.code,
        "user_id": member.pk,
        "membership_id": member.memberships.get().pk,
        "assessment_id": case.assessments.get().pk,
        **APP_ROWS.arguments(case),
    }


@pytest.fixture
def sensitive_case(make_case, alice):
    case = make_case(
        surname=IDENTIFYING["surname"],
        given_name=IDENTIFYING["given name"],
        patronymic=IDENTIFYING["patronymic"],
        latin_surname=IDENTIFYING["Latin spelling"],
        iin=IDENTIFYING["IIN"],
        birth_year=1990,
        birth_month=1,
        birth_day=1,
        phone=IDENTIFYING["phone"],
        address=IDENTIFYING["address"],
    )
    add_incident(
        alice,
        case,
        Incident(
            occurred_on=case.opened_on - datetime.timedelta(days=3),
            narrative=IDENTIFYING["narrative"],
        ),
    )
    add_note(alice, case, IDENTIFYING["note"])
    add_document(
        alice, case.person, IdentityDocument(kind="id_card", number=IDENTIFYING["document"])
    )
    start_assessment(alice, case, instrument_in_force("dv-risk"))
    return case


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def leaked(body: str) -> list[str]:
    return [label for label, value in IDENTIFYING.items() if value in body]


def test_every_page_is_in_the_matrix():
    names = {name for name, _args in url_names()}
    assert names - set(MATRIX) == set(), "pages missing from docs/access.md and MATRIX"
    assert set(MATRIX) - names == set(), "rows of MATRIX for pages that no longer exist"


def test_every_page_for_every_role(cast, sensitive_case):
    fillers = url_arguments(cast["alice"], sensitive_case)
    for name, args in url_names():
        kwargs = {}
        for arg in args:
            assert arg in fillers, f"{name}: teach this test to fill the argument {arg!r}"
            kwargs[arg] = fillers[arg]
        url = reverse(name, kwargs=kwargs)
        for username, user in cast.items():
            response = signed_in(user).get(url)
            expected = MATRIX[name][username]
            assert response.status_code == expected, (name, username, response.status_code)
            body = body_of(response)
            if name == "cases:detail" and username in IDENTITY:
                assert IDENTIFYING["surname"] in body and IDENTIFYING["note"] in body
            if username not in IDENTITY:
                assert leaked(body) == [], (name, username, leaked(body))
            if name.startswith("staff:"):
                assert sensitive_case.code not in body, (name, username)


def test_changes_for_every_role(cast, sensitive_case):
    fillers = url_arguments(cast["alice"], sensitive_case)
    arguments = dict(url_names())
    for name, statuses in POSTS.items():
        url = reverse(name, kwargs={arg: fillers[arg] for arg in arguments[name]})
        for username, user in cast.items():
            response = signed_in(user).post(url, {})
            assert response.status_code in statuses[username], (
                name,
                username,
                response.status_code,
            )
            if username not in IDENTITY:
                assert leaked(response.content.decode()) == [], (name, username)


def test_name_and_iin_search_only_where_identity_is_seen(cast, sensitive_case):
    for query in (IDENTIFYING["surname"], IDENTIFYING["Latin spelling"], IDENTIFYING["IIN"]):
        for username, user in cast.items():
            body = signed_in(user).post(reverse("cases:list"), {"q": query}).content.decode()
            found = sensitive_case.code in body
            assert found == (username in IDENTITY), (query, username)
            # The search box shows back what was typed; nothing else may name the person.
            assert leaked(body.replace(query, "")) == [] or username in IDENTITY


def test_a_de_identified_reach_finds_the_case_by_its_code(cast, sensitive_case):
    body = (
        signed_in(cast["gulnara"])
        .post(reverse("cases:list"), {"q": sensitive_case.code})
        .content.decode()
    )
    assert sensitive_case.code in body and leaked(body) == []


def test_the_case_file_shows_identity_to_those_the_matrix_allows(cast, sensitive_case):
    url = reverse("cases:detail", args=[sensitive_case.code])
    for username in IDENTITY:
        body = signed_in(cast[username]).get(url).content.decode()
        assert set(leaked(body)) == set(IDENTIFYING), username
    body = signed_in(cast["gulnara"]).get(url).content.decode()
    assert sensitive_case.code in body and leaked(body) == []
    assert sensitive_case.age_band in body  # what a de-identified reach shows instead


def test_staff_changes_by_anyone_who_manages_no_one(cast, sensitive_case):
    alice = cast["alice"]
    fillers = url_arguments(alice, sensitive_case)
    arguments = dict(url_names())
    changes = [name for name in STAFF_PAGES if name not in ("staff:list", "staff:detail")]
    for name in changes:
        url = reverse(name, kwargs={arg: fillers[arg] for arg in arguments[name]})
        for username, user in cast.items():
            if username not in ALICES_MANAGERS:
                assert signed_in(user).post(url, {}).status_code == 404, (name, username)
    alice.refresh_from_db()
    assert alice.is_active and alice.memberships.get().ended_at is None


def test_an_agency_administrator_manages_only_the_users_of_their_agency(cast, sensitive_case):
    charlie = cast["charlie"]
    fillers = url_arguments(charlie, sensitive_case)
    for name, args in url_names():
        if "user_id" not in args:
            continue
        url = reverse(name, kwargs={arg: fillers[arg] for arg in args})
        assert signed_in(cast["asel"]).get(url).status_code == 404, name
        assert signed_in(cast["erin"]).get(url).status_code == 200, name
