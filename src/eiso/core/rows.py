"""Plain-SQL reads and writes of model rows, for the few paths that run thousands of times a second.

Building an ORM statement costs more CPU than PostgreSQL spends running it: a `select_related` lock of a
dossier compiles a ~110-column join on every call, and every `save()` or `create()` compiles its
statement again (docs/benchmarks.md, issue 6). These helpers build each statement once per model and
column list, then only bind values. Values still go through the fields' own preparation
(`get_db_prep_save`, `pre_save` for `auto_now`) and come back through the backend's and the fields'
converters, exactly as the ORM does, so the instances are ordinary model instances.

They write rows and nothing else: no signals (none of the models they serve has receivers), no
`full_clean`. Use them only where a benchmark shows the ORM is the cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from django.db import connection, models

Spec = tuple[type[models.Model], Sequence[str]]  # a model and the attnames to read (first one: "id")


@cache
def _fields(model: type[models.Model], names: tuple[str, ...]) -> tuple:
    """The concrete fields named by attribute name (`agency_id`) or field name (`agency`)."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    by_name.update((f.name, f) for f in model._meta.concrete_fields)
    return tuple(by_name[name] for name in names)


def attnames(model: type[models.Model], *, exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Every concrete column of `model` (attribute names, `agency_id` style), minus `exclude`."""
    skip = set(exclude)
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip)


def columns(alias: str, model: type[models.Model], names: Sequence[str]) -> str:
    """`alias."col", …` for a SELECT list."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _fields(model, tuple(names)))


def _converters(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple:
    key = (model, names, vendor)
    found = _CONVERTERS.get(key)
    if found is None:
        found = _CONVERTERS[key] = tuple(
            (
                f.get_col(model._meta.db_table),
                tuple(connection.ops.get_db_converters(f.get_col(model._meta.db_table)))
                + tuple(f.get_db_converters(connection)),
            )
            for f in _fields(model, names)
        )
    return found


_CONVERTERS: dict[tuple, tuple] = {}


def build(model: type[models.Model], names: Sequence[str], values: Sequence) -> models.Model:
    """A model instance from raw column values, converted as the ORM converts them.

    Columns not in `names` are deferred: reading one later loads it, as with `.only()`."""
    names = tuple(names)
    converted = []  # from_db wants attribute names; callers pass them (see `attnames`)
    for value, (expression, converters) in zip(
        values, _converters(model, names, connection.vendor), strict=True
    ):
        for converter in converters:
            value = converter(value, expression, connection)
        converted.append(value)
    return model.from_db(connection.alias, list(names), converted)


def fetch(sql: str, params: Sequence, specs: Sequence[Spec]) -> tuple[list[models.Model], tuple] | None:
    """Run a one-row SELECT whose list is `columns(...)` of each spec in order, then any extra columns.

    Returns the instances (one per spec) and the extra values, or None when no row matched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, names in specs:
        instances.append(build(model, names, row[start : start + len(names)]))
        start += len(names)
    return instances, tuple(row[start:])


@cache
def _insert_sql(model: type[models.Model], vendor: str) -> tuple[str, tuple, bool]:
    quote = connection.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    returning = connection.features.can_return_columns_from_insert
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608 - names from model metadata
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(model._meta.pk.column)}" if returning else "",
    )
    return sql, fields, returning


def insert(obj: models.Model) -> models.Model:
    """INSERT `obj` (its primary key is set from the database) and mark it as saved."""
    sql, fields, returning = _insert_sql(type(obj), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from model metadata
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    return sql, fields


def update(obj: models.Model, names: Sequence[str]) -> None:
    """UPDATE the `names` columns of `obj`'s row (`auto_now` fields among them take the current time)."""
    sql, fields = _update_sql(type(obj), tuple(names), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
