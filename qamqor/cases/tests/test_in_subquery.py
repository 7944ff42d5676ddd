"""`pk__in_subquery` selects what `pk__in` selects, alone and under an OR, with the
subquery read inside the same statement (qamqor/cases/lookups.py)."""

from django.db import connection
from django.db.models import Q

from qamqor.cases.models import Case, Status


def ids(condition: Q) -> set[int]:
    return set(Case.objects.filter(condition).values_list("pk", flat=True))


def test_the_same_cases_as_in_alone_and_under_an_or(make_case, other_agency):
    make_case()
    closed_case, moved_case = make_case(), make_case()
    Case.objects.filter(pk=closed_case.pk).update(status=Status.CLOSED)
    Case.objects.filter(pk=moved_case.pk).update(owner_agency=other_agency)
    closed = Case.objects.filter(status=Status.CLOSED).values("pk")
    nothing = Case.objects.none().values("pk")
    moved = Q(owner_agency=other_agency)

    assert ids(Q(pk__in_subquery=closed)) == ids(Q(pk__in=closed)) == {closed_case.pk}
    assert ids(moved | Q(pk__in_subquery=closed)) == {closed_case.pk, moved_case.pk}
    assert ids(moved | Q(pk__in_subquery=nothing)) == {moved_case.pk}
    assert ids(~Q(pk__in_subquery=closed)) == ids(~Q(pk__in=closed))


def test_postgresql_reads_it_as_an_index_condition_sqlite_as_in() -> None:
    sql = str(Case.objects.filter(pk__in_subquery=Case.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert '"cases_case"."id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"cases_case"."id" IN (SELECT' in sql
