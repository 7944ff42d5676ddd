"""Inserting tens of thousands of rows at once, faster than the ORM's bulk_create.

bulk_create compiles every value of every object through the SQL compiler (expression
checks, a placeholder per value), which for the demo set of 100,000 persons costs
several times the database's own work. These helpers prepare each value once with the
field's own `pre_save` and `get_db_prep_save` (so encrypted fields are encrypted and
blind indexes computed, as on save) and send plain parameters:

- `insert_rows`: rows of values already prepared, every column but the id given
  (COPY on PostgreSQL, executemany on SQLite);
- `insert_objects`: model instances, like bulk_create without signals or
  expressions; the objects get their ids back when `ids` is True (on PostgreSQL drawn
  from the table's sequence and copied with the rows, on SQLite a multi-row INSERT ...
  RETURNING), or are copied without (faster; for rows nothing points at).

Neither sends signals or validates: callers are bulk loaders and the periodic task, which
build their rows from validated data.
"""

import operator
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router


def connection_for(model: type[models.Model]) -> Any:
    return connections[router.db_for_write(model)]


def stored(model: type[models.Model], name: str, value: Any) -> Any:
    """`value` of field `name` as the database takes it."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection_for(model))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows of values already prepared for the database, many rows a statement.

    Every column but the id must be given, so that a field added to the model fails here
    rather than being left out.
    """
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    if set(columns) != set(fields):
        raise ImproperlyConfigured(f"{model.__name__} columns: {set(columns) ^ set(fields)}")
    _copy(connection_for(model), model, [str(fields[name].column) for name in columns], rows)


def _copy(db: Any, model: type[models.Model], columns: list[str], rows: Sequence[Any]) -> None:
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY: no statement per row, values adapted by psycopg in C.
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Names from the model, quoted; every value is a parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            cursor.executemany(sql, rows)


def insert_objects(objs: Sequence[models.Model], *, ids: bool = True) -> None:
    """Insert new objects of one model, their ids set back on them when `ids` is True.

    A foreign key whose related object was saved after it was assigned takes that
    object's id, as with bulk_create. Objects that have an id already are refused.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    if meta.parents:
        raise ImproperlyConfigured(f"{model.__name__}: multi-table inheritance")
    concrete = [f for f in meta.concrete_fields if not f.primary_key]
    relations: list[Any] = [f for f in concrete if f.is_relation]  # ForeignKeys
    # Values the database takes as they are come straight from the object; the others
    # are prepared by their field (dates, JSON, encrypted text, blind indexes).
    plain = [f for f in concrete if _taken_as_is(f)]
    prepared = [f for f in concrete if not _taken_as_is(f)]
    take = operator.itemgetter(*[f.attname for f in plain]) if plain else None
    db = connection_for(model)
    rows = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError(f"insert_objects takes new {model.__name__} objects only")
        values = obj.__dict__
        for field in relations:
            if values[field.attname] is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name}: unsaved object")
                    setattr(obj, field.attname, related.pk)
        taken = take(values) if take is not None else ()
        rows.append(
            (
                *(taken if len(plain) != 1 else (taken,)),
                *(f.get_db_prep_save(f.pre_save(obj, True), db) for f in prepared),
            )
        )
    fields = [*plain, *prepared]
    columns = [str(f.column) for f in fields]
    if not ids:
        _copy(db, model, columns, rows)
    elif db.vendor == "postgresql":
        # Ids drawn from the table's sequence, then COPY with them: a multi-row INSERT
        # ... RETURNING costs PostgreSQL several times more to parse and plan.
        pk = meta.pk
        assert pk is not None
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(rows)],
            )
            keys = [key for (key,) in cursor.fetchall()]
        _copy(
            db,
            model,
            [str(pk.column), *columns],
            [(k, *row) for k, row in zip(keys, rows, strict=True)],
        )
        for obj, key in zip(objs, keys, strict=True):
            setattr(obj, pk.attname, key)
    else:
        _insert_returning(db, model, fields, objs, rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


# Field classes (exactly these, not subclasses such as the encrypted ones) whose Python
# value is what both databases store.
_AS_IS = (
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
)
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)


def _taken_as_is(field: Any) -> bool:
    if type(field) is models.ForeignKey:
        return type(field.target_field) in _INTEGER_KEYS
    return type(field) in _AS_IS


def _insert_returning(
    db: Any,
    model: type[models.Model],
    fields: list[Any],
    objs: Sequence[models.Model],
    rows: list[tuple[Any, ...]],
) -> None:
    quote = db.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, db.ops.bulk_batch_size(fields, objs))
    pk = meta.pk
    assert pk is not None
    with db.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            # Names from the model, quoted; every value is a parameter. Both databases
            # return the rows of a multi-row INSERT in the order of VALUES.
            sql = (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))} "  # noqa: S608
                f"RETURNING {quote(pk.column)}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
            for obj, (key,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
