"""Writing many new rows of one model at once, for imports that have already checked
every row: PostgreSQL's COPY where the database is PostgreSQL (several times quicker
than INSERT for a million rows), Django's bulk_create elsewhere (SQLite, in tests).

The rows are plain values in the order of `fields` (a foreign key by its `_id` name),
as the database stores them: no model instance is made, so no default is filled in and
no save() or signal runs. Give every column the model has except its id. Must run
inside the caller's transaction, so the rows commit or fail with the rest."""

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

BATCH = 2000  # bulk_create's batch, where COPY is not used


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` into `model`'s table; how many."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("insert_rows must be called inside the change's transaction.")
    opts = model._meta
    by_name = {f.attname: f for f in opts.concrete_fields}
    columns: list[str] = [by_name[name].column for name in fields]
    missing = {
        f.column
        for f in opts.concrete_fields
        if not f.primary_key and f.column not in columns and f.db_default is models.NOT_PROVIDED
    }
    if missing:
        raise ValueError(f"insert_rows into {opts.db_table} lacks {sorted(missing)}.")
    count = 0
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        table = connection.ops.quote_name(opts.db_table)
        # A JSON value goes as the database takes it (the other types psycopg adapts).
        json = [i for i, name in enumerate(fields) if isinstance(by_name[name], models.JSONField)]
        # wrap_database_errors: a broken rule is Django's IntegrityError, as from INSERT.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                if json:
                    row = list(row)  # noqa: PLW2901 - the row, its JSON adapted
                    for i in json:
                        row[i] = by_name[fields[i]].get_db_prep_save(row[i], connection)
                copy.write_row(row)
                count += 1
        return count
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) == BATCH:
            model._default_manager.bulk_create(batch)
            count, batch = count + len(batch), []
    model._default_manager.bulk_create(batch)
    return count + len(batch)


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from `model`'s table's own sequence, as INSERT would take them
    (PostgreSQL), for rows written with COPY that others must point at first."""
    opts = model._meta
    if opts.pk is None:  # an abstract model: never given here
        raise ValueError(f"{model.__name__} has no table.")
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence named first: asked inside the SELECT, PostgreSQL would look it
        # up again for every id (ten times the cost of the ids themselves).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [row[0] for row in cursor.fetchall()]


@functools.cache
def _defaults(model: type[models.Model]) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """Each concrete field but the id: its attname, and its value where a row gives
    none: the default when that is one value, else what makes it afresh for each row
    (a `default=timezone.now`; an automatic date, as a save would set it)."""
    found: list[tuple[str, Any, Callable[[], Any] | None]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
            make = timezone.now if isinstance(f, models.DateTimeField) else date.today
            found.append((f.attname, None, make))
        elif type(f).pre_save is not models.Field.pre_save and not isinstance(f, models.DateField):
            raise ValueError(f"{model.__name__}.{f.name} is set as it is saved: use save().")
        elif f.has_default() and callable(f.default):
            found.append((f.attname, None, f.get_default))
        else:
            found.append((f.attname, f.get_default(), None))
    return tuple(found)


def insert_values(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert new rows of `model`, each given as {attname: value} (a foreign key by its
    `_id`), every other field taking its default and the automatic dates set as a save
    sets them: what `bulk_create([model(**row) ...])` writes, without making a model
    instance per row on PostgreSQL (COPY, ids from the table's sequence). The new ids,
    in the rows' order. Must run inside the caller's transaction."""
    defaults = _defaults(model)
    known = {name for name, _, _ in defaults}
    for row in rows:
        if unknown := row.keys() - known:
            raise TypeError(f"{model.__name__} has no field {sorted(unknown)}.")
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        ids = [obj.pk for obj in objs]
        if None in ids:
            raise RuntimeError(f"The database did not say the ids of the new {model.__name__}s.")
        return ids
    ids = new_ids(model, len(rows))
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - new_ids refused a model without one  # nosec B101
    names = [name for name, _, _ in defaults]
    insert_rows(
        model,
        [*names, pk.attname],
        (
            (
                *(
                    row[name] if name in row else (default if make is None else make())
                    for name, default, make in defaults
                ),
                new_id,
            )
            for row, new_id in zip(rows, ids, strict=True)
        ),
    )
    return ids
