"""Writing many new rows of one model at once, for imports that have already checked
every row: PostgreSQL's COPY where the database is PostgreSQL (several times quicker
than INSERT for a million rows), Django's bulk_create elsewhere (SQLite, in tests).

The rows are plain values in the order of `fields` (a foreign key by its `_id` name),
as the database stores them: no model instance is made, so no default is filled in and
no save() or signal runs. Give every column the model has except its id. Must run
inside the caller's transaction, so the rows commit or fail with the rest."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction

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


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """bulk_create for new, unsaved `objs`, with COPY on PostgreSQL: each is given an
    id from the table's own sequence first (as INSERT would take it) and its automatic
    dates (auto_now_add, auto_now) as a save would, so the caller can name the rows
    (a foreign key, an audit event's target) once this returns."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    if not objs:
        return
    opts = model._meta
    pk = opts.pk
    if pk is None:  # an abstract model: never given here
        raise ValueError(f"{model.__name__} has no table.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    related = [f for f in fields if isinstance(f, models.ForeignKey)]
    for obj, new_id in zip(objs, ids, strict=True):
        # A foreign key to a row written just before (a new pupil's carer), as
        # bulk_create takes it from the related object.
        for key in related:
            if getattr(obj, key.attname) is None and key.is_cached(obj):
                setattr(obj, key.attname, getattr(key.get_cached_value(obj), "pk", None))
        obj.pk = new_id
        for f in fields:
            f.pre_save(obj, add=True)  # sets the automatic dates, as a save would
        obj._state.adding = False
    insert_rows(
        model,
        [f.attname for f in fields] + [pk.attname],
        (tuple(getattr(obj, f.attname) for f in fields) + (obj.pk,) for obj in objs),
    )
