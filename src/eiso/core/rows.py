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

import hashlib
from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.db import connection, models

Spec = tuple[type[models.Model], Sequence[str]]  # a model and the attribute names of the columns to read


@cache
def _fields(model: type[models.Model], names: tuple[str, ...]) -> tuple:
    """The concrete fields named by attribute name (`agency_id`) or field name (`agency`)."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    by_name.update((f.name, f) for f in model._meta.concrete_fields)
    return tuple(by_name[name] for name in names)


@cache
def _ordered(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, ...]:
    """`names` (attribute names) in the model's column order, which `Model.from_db` expects."""
    wanted = set(names)
    ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)
    if len(ordered) != len(wanted):
        raise ValueError(f"not attribute names of {model.__name__}: {sorted(wanted - set(ordered))}")
    return ordered


def attnames(model: type[models.Model]) -> tuple[str, ...]:
    """Every concrete column of `model` (attribute names, `agency_id` style)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


def columns(alias: str, model: type[models.Model], names: Sequence[str]) -> str:
    """`alias."col", …` for a SELECT list (in the model's column order, whatever the order of `names`)."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _fields(model, _ordered(model, tuple(names))))


@cache
def _converters(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple:
    """Per column: the expression and the converters the ORM would apply to its value."""
    found = []
    for f in _fields(model, names):
        column = f.get_col(model._meta.db_table)
        found.append((column, (*connection.ops.get_db_converters(column), *f.get_db_converters(connection))))
    return tuple(found)


def build(model: type[models.Model], names: Sequence[str], values: Sequence) -> models.Model:
    """A model instance from raw column values (in the order `columns` lists them), converted as the
    ORM converts them.

    Columns not in `names` are deferred: reading one later loads it, as with `.only()`."""
    names = _ordered(model, tuple(names))
    converted = []  # from_db wants attribute names; callers pass them (see `attnames`)
    for value, (expression, converters) in zip(
        values, _converters(model, names, connection.vendor), strict=True
    ):
        for converter in converters:
            value = converter(value, expression, connection)
        converted.append(value)
    return model.from_db(connection.alias, list(names), converted)


Found = tuple[list[models.Model], tuple] | None


def _instances(row, specs: Sequence[Spec]) -> Found:
    if row is None:
        return None
    instances, start = [], 0
    for model, names in specs:
        instances.append(build(model, names, row[start : start + len(names)]))
        start += len(names)
    return instances, tuple(row[start:])


def fetch(sql: str, params: Sequence, specs: Sequence[Spec]) -> Found:
    """Run a one-row SELECT whose list is `columns(...)` of each spec in order, then any extra columns.

    Returns the instances (one per spec) and the extra values, or None when no row matched."""
    return fetch_each([(sql, params, specs)])[0]


def fetch_each(queries: Sequence[tuple[str, Sequence, Sequence[Spec]]]) -> list[Found]:
    """Several `fetch`es, run in order, in one round trip where the database allows it (PostgreSQL).

    Each statement takes its own snapshot, so a read after a `FOR UPDATE` sees what the lock waited
    for."""
    with connection.cursor() as cursor:
        rows = run(cursor, [(sql, params) for sql, params, _specs in queries], [True] * len(queries))
    return [_instances(row, specs) for row, (_sql, _params, specs) in zip(rows, queries, strict=True)]


@cache
def _prepared_forms(sql: str) -> tuple[str, str, str]:
    """The name, PREPARE and EXECUTE statements standing for `sql` (whose parameters are `%s`)."""
    if "%%" in sql:
        raise ValueError("a statement to prepare must not hold a literal %")
    parts = sql.split("%s")
    body = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))
    name = "eiso_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    arguments = f"({', '.join(['%s'] * (len(parts) - 1))})" if len(parts) > 1 else ""
    return name, f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}"


# A statement is prepared when a session runs it for the 5th time (psycopg's own threshold): a
# connection that lives for one request (CONN_MAX_AGE=0) would pay a PREPARE for nothing.
PREPARE_THRESHOLD = 5


def _prepared(cursor, statements: Sequence[tuple[str, Sequence]]) -> list[tuple[str, Sequence]]:
    """`statements` as this database session should send them (PostgreSQL): a statement it has run
    `PREPARE_THRESHOLD` times is prepared, then sent as an EXECUTE.

    A prepared statement is parsed and planned once per session instead of once per call: the dossier
    lock, a 4-table join, spent more time being planned than run. Client-side binding stays (values
    travel as literals in the EXECUTE), so several statements still go in one string. A statement is
    prepared on its own: PREPARE is not undone by a rollback, and a failed one leaves nothing behind."""
    if not settings.EISO_DB_PREPARE:
        return list(statements)
    raw = connection.connection
    runs = getattr(raw, "_eiso_runs", None)
    if runs is None:
        runs = raw._eiso_runs = {}  # statement name → runs so far in this session, or -1 once prepared
    sent = []
    for sql, params in statements:
        name, prepare, execute = _prepared_forms(sql)
        count = runs.get(name, 0)
        if count >= 0 and count + 1 >= PREPARE_THRESHOLD:
            cursor.execute(prepare)
            runs[name] = count = -1
        if count < 0:
            sent.append((execute, params))
        else:
            runs[name] = count + 1
            sent.append((sql, params))
    return sent


def run(cursor, statements: Sequence[tuple[str, Sequence]], wants_row: Sequence[bool]) -> list:
    """Execute `statements` in order; the first row of each one that `wants_row` (else None)."""
    if connection.vendor == "postgresql":
        statements = _prepared(cursor, statements)
    if connection.vendor != "postgresql" or len(statements) == 1:
        found = []
        for (sql, params), want in zip(statements, wants_row, strict=True):
            cursor.execute(sql, params)
            found.append(cursor.fetchone() if want else None)
        return found
    # Django's psycopg cursor binds on the client, so several statements travel as one string.
    cursor.execute("; ".join(sql for sql, _params in statements), [p for _sql, ps in statements for p in ps])
    found = []
    for index, want in enumerate(wants_row):
        if index:
            cursor.nextset()
        found.append(cursor.fetchone() if want else None)
    return found


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


def _insert_statement(obj: models.Model) -> tuple[str, list, bool]:
    sql, fields, returning = _insert_sql(type(obj), connection.vendor)
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields], returning


def _inserted(obj: models.Model, pk) -> models.Model:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def insert(obj: models.Model) -> models.Model:
    """INSERT `obj` (its primary key is set from the database) and mark it as saved."""
    sql, params, returning = _insert_statement(obj)
    with connection.cursor() as cursor:
        if returning:
            return _inserted(obj, run(cursor, [(sql, params)], [True])[0][0])
        cursor.execute(sql, params)
        return _inserted(obj, cursor.lastrowid)


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    if len(set(fields)) != len(fields):  # SQLite would take it; PostgreSQL refuses it
        raise ValueError(f"a column named twice in an update of {model.__name__}: {names}")
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from model metadata
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    return sql, fields


def _update_statement(obj: models.Model, names: Sequence[str]) -> tuple[str, list]:
    sql, fields = _update_sql(type(obj), tuple(names), connection.vendor)
    return sql, [*(f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields), obj.pk]


def update(obj: models.Model, names: Sequence[str]) -> None:
    """UPDATE the `names` columns of `obj`'s row (`auto_now` fields among them take the current time)."""
    with connection.cursor() as cursor:
        run(cursor, [_update_statement(obj, names)], [False])


class Batch:
    """Writes collected, then sent in one round trip on PostgreSQL (in order, one by one elsewhere).

    Only for writes that no read in between depends on: nothing is in the database before `send()`.
    Inserted objects get their primary keys when the batch is sent."""

    def __init__(self):
        self._statements: list[tuple[str, list]] = []
        self._inserts: list[tuple[int, models.Model]] = []
        self._returning: list[bool] = []

    def insert(self, obj: models.Model) -> models.Model:
        sql, params, returning = _insert_statement(obj)
        if not returning:  # the key can only come from lastrowid: run what is queued, then this one
            self.send()
            return insert(obj)
        self._inserts.append((len(self._statements), obj))
        self._statements.append((sql, params))
        self._returning.append(True)
        return obj

    def update(self, obj: models.Model, names: Sequence[str]) -> None:
        self._statements.append(_update_statement(obj, names))
        self._returning.append(False)

    def send(self) -> None:
        if self._statements:
            self.fetch_each([])

    def fetch_each(self, queries: Sequence[tuple[str, Sequence, Sequence[Spec]]]) -> list[Found]:
        """Send the queued writes, then run `queries` as the module's `fetch_each` does, in the same
        round trip: the reads see the writes."""
        statements = [*self._statements, *((sql, params) for sql, params, _specs in queries)]
        if not statements:
            return []
        with connection.cursor() as cursor:
            found = run(cursor, statements, [*self._returning, *([True] * len(queries))])
        for index, obj in self._inserts:
            _inserted(obj, found[index][0])
        reads = found[len(self._statements) :]
        self._statements, self._inserts, self._returning = [], [], []
        return [_instances(row, specs) for row, (_sql, _params, specs) in zip(reads, queries, strict=True)]
