"""Finding cases: by case code, by IIN, by document number, or by any name in any script.

IINs and document numbers are found through their blind indexes and names through keyed
hashes (qamqor.vault): nothing is compared in plaintext, which the database does not hold.
"""

import re
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from qamqor.accounts.models import User
from qamqor.registry.models import IdentityDocument, Person
from qamqor.registry.names import name_keys
from qamqor.registry.search_index import person_ids_with_all
from qamqor.vault.fields import index_candidates

from .models import Case

CASE_CODE = re.compile(r"^[A-Za-z]{3}-\d{4}-\d{1,6}$")
IIN = re.compile(r"^\d{12}$")


def search_cases(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Narrow `cases` to those matching `query`; an empty query narrows nothing."""
    query = query.strip()
    if not query:
        return cases
    if CASE_CODE.match(query):
        prefix, year, number = query.upper().split("-")
        return cases.filter(code=f"{prefix}-{year}-{int(number):06d}")
    compact = "".join(query.split())
    if IIN.match(compact):
        return cases.filter(person__iin_index__in=index_candidates(Person, "iin", compact))
    if _looks_like_document_number(compact):
        documents = IdentityDocument.objects.filter(
            number_index__in=index_candidates(IdentityDocument, "number", compact)
        )
        return cases.filter(person_id__in=documents.values("person_id"))
    keys = name_keys(query)
    if not keys:
        return cases.none()
    return cases.filter(person_id__in=person_ids_with_all(keys))


def _looks_like_document_number(compact: str) -> bool:
    """Mostly digits, at least five: an identity card (041234567), a passport (N12345678,
    AB1234567, 45 06 123456); not a name with a year of birth (Иванова 1990)."""
    digits = sum(ch.isdigit() for ch in compact)
    letters = sum(ch.isalpha() for ch in compact)
    return digits >= 5 and digits >= letters


def filter_cases(cases: QuerySet[Case], user: User, filters: dict[str, Any]) -> QuerySet[Case]:
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("grounds"):
        cases = cases.filter(grounds=filters["grounds"])
    if filters.get("region"):
        cases = cases.filter(region=filters["region"])
    if filters.get("mine"):
        cases = cases.filter(assignments__user=user)
    return cases


# What a list row shows (web/_case_rows.html): no encrypted field is read, so listing
# a page decrypts nothing.
LIST_FIELDS = (
    "code", "status", "grounds", "opened_on", "updated_at", "region__name_kk", "region__name_ru",
    "region__name_en", "person__sex", "person__birth_year", "person__birth_month",
    "person__birth_day", "person__age_estimate", "person__age_estimated_on",
)  # fmt: skip


def for_listing(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("person", "region").only(*LIST_FIELDS)


def listed(cases: QuerySet[Case]) -> list[Case]:
    """The cases of an ordered, sliced queryset, ready for a list row, in two queries.

    The ids come first, from the cases table alone: a reach through referrals (an OR
    of subqueries) cannot walk an index in list order, and sorting thousands of rows
    already joined to their persons costs ten times more. Then the rows of those ids.
    """
    ids = list(cases.values_list("pk", flat=True))
    found = for_listing(Case.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def listing_page(cases: QuerySet[Case], number: Any, per_page: int) -> Page[Case]:
    """A page of an ordered queryset of cases, its rows read as `listed` reads them."""
    page = Paginator(cases, per_page=per_page).get_page(number)
    page.object_list = listed(cast(QuerySet[Case], page.object_list))  # a slice of `cases`
    return page
