"""`pk__in_subquery`: `IN (subquery)` that PostgreSQL can still use an index for under OR.

A case's reach is an OR of conditions: the owning agency, and the cases referred to the
user's agency (a subquery). PostgreSQL turns `id IN (SELECT ...)` under an OR into a
hashed subplan checked against every row of the table, a sequential scan of all cases;
`id = ANY(ARRAY(SELECT ...))` is evaluated once and is an index condition, so the OR
becomes a bitmap OR of two index scans (a 100,000-case count: 31 ms to 9 ms). The
subquery still runs inside the same statement, so what it reads is as live as before.
SQLite keeps `IN (SELECT ...)`, which it already plans as a multi-index OR.

On a foreign key (`plan_id__in_subquery`) it also keeps PostgreSQL from walking a date
index in list order past hundreds of thousands of rows of other agencies when a query
has a LIMIT: the array is read first, then only its rows.
"""

from typing import Any

from django.db import models
from django.db.models.lookups import In


class InSubquery(In):
    lookup_name = "in_subquery"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


def register() -> None:
    for field in (models.AutoField, models.BigAutoField, models.ForeignKey):
        field.register_lookup(InSubquery)
