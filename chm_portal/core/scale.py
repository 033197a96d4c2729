"""The machinery of ``manage.py seed_scale``: a large, realistic data set written fast.

Each app may have a ``scale.py`` module with a ``generate(ctx: ScaleContext)`` function that adds
its records at ``ctx.scale`` (1.0: the size the issue names, 100,000 requests...). The command runs
them in the order of INSTALLED_APPS, so an app's generator may read the rows of the apps it depends
on. Rows are written with PostgreSQL's ``COPY`` (:func:`copy_rows`), which is an order of magnitude
faster than ``bulk_create``: no model instances, no signals, no services. Ids are reserved from
the table's sequence first (:func:`reserve_ids`), so that related rows are built without reading
anything back. Generators therefore set every denormalised column themselves (counters, dates)
and record that notifications of their made-up history were sent.

This module knows no domain app: it only moves rows.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# The domain of every account the generators create: ``person123@scale.example``.
SCALE_EMAIL_DOMAIN = "scale.example"
# Rows are sent to COPY in batches of this many.
COPY_BATCH = 20_000
# A table written with at least this many rows at once is bulk-loaded (see ``_bulk_load``).
BULK_ROWS = 20_000
# Written for NULL in the CSV sent to COPY (an empty unquoted field is an empty string).
NULL = r"\N"


@dataclass
class ScaleContext:
    """What every generator receives: the size asked for, a seeded random source, the time."""

    scale: float
    seed: int
    log: Callable[[str], None]
    # How many months of history generators compute (the indicators' time series).
    history_months: int = 12
    now: datetime.datetime = field(default_factory=timezone.now)
    started: float = field(default_factory=time.perf_counter)
    # Work to do once every row is committed (and analysed), outside the transaction.
    deferred: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def count(self, full: int, minimum: int = 1) -> int:
        """How many rows of a kind to write: ``full`` at scale 1, at least ``minimum``."""
        return max(minimum, round(full * self.scale))

    def random(self, label: str) -> random.Random:
        """A random source of its own for each generator: one app's output does not shift when
        another app changes how many numbers it draws."""
        return random.Random(f"{self.seed}:{label}")

    def after_commit(self, label: str, work: Callable[[], None]) -> None:
        """Run ``work`` once the data set is committed: e.g. the indicators' recompute, whose
        threads read with connections of their own."""
        self.deferred.append((label, work))

    def step(self, label: str, rows: int) -> None:
        elapsed = time.perf_counter() - self.started
        self.log(f"  {label:<44} {rows:>10,} rows  ({elapsed:6.1f} s)")

    def ago(self, rng: random.Random, days: float, *, skew: float = 1.0) -> datetime.datetime:
        """A moment within the last ``days`` days; ``skew`` > 1 favours recent moments."""
        return self.now - datetime.timedelta(days=days * rng.random() ** skew)


def scale_email(local_part: str) -> str:
    return f"{local_part}@{SCALE_EMAIL_DOMAIN}"


# --- Writing rows ---------------------------------------------------------------------------------
def reserve_ids(model: type[models.Model], count: int) -> range:
    """``count`` consecutive primary keys of ``model`` taken from its sequence (one statement)."""
    if count <= 0:
        return range(0)
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(s, nextval(s) + %s - 1) FROM pg_get_serial_sequence(%s, %s) AS s",
            [count, table, column],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def _cell(value: Any) -> Any:
    """A Python value as COPY's CSV reads it."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _default(field: models.Field) -> Any:
    """What a column takes when a row does not say: the field's default (``auto_now`` fields:
    now), else NULL, false or an empty string, as the portal's forms would store."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if field.default is not NOT_PROVIDED:
        return field.default() if callable(field.default) else field.default
    if field.null:
        return None
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.CharField, models.TextField, models.FileField)):
        return ""
    if isinstance(field, models.JSONField):
        return []
    raise ValueError(f"{field.model._meta.label}.{field.attname} needs a value in every row")


def _writable_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False)  # GeneratedField: the database computes it
    ]


def copy_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` (dicts by attname, e.g. ``country_id``) into the table of ``model`` with
    COPY, in batches; columns a row does not give take their default (:func:`_default`).

    A row either gives the primary key (reserved with :func:`reserve_ids`) or none does.
    A list of :data:`BULK_ROWS` rows or more is loaded as ``pg_restore`` loads a table
    (:func:`_bulk_load`). Returns the number of rows written.
    """
    if isinstance(rows, Sized) and len(rows) >= BULK_ROWS:
        with _bulk_load(model):
            return _copy(model, rows)
    return _copy(model, rows)


def _copy(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    fields = _writable_fields(model)
    defaults: dict[str, Any] = {}
    written = 0
    batch: list[Mapping[str, Any]] = []

    def flush(with_pk: bool) -> None:
        nonlocal written
        columns = [f for f in fields if with_pk or not f.primary_key]
        by_name = {f.attname: f for f in columns}

        def default(name: str) -> Any:
            if name not in defaults:
                defaults[name] = _cell(_default(by_name[name]))
            return defaults[name]

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        names = list(by_name)
        for row in batch:
            writer.writerow([_cell(row[name]) if name in row else default(name) for name in names])
        buffer.seek(0)
        quoted = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        sql = (
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) "
            f"FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
        )
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        written += len(batch)
        batch.clear()

    with_pk: bool | None = None
    pk_name = model._meta.pk.attname
    for row in rows:
        if with_pk is None:
            with_pk = pk_name in row
        batch.append(row)
        if len(batch) >= COPY_BATCH:
            flush(with_pk)
    if batch:
        flush(bool(with_pk))
    return written


# Models whose rows were written without their foreign keys checked one by one.
_UNCHECKED: set[type[models.Model]] = set()


@contextmanager
def _bulk_load(model: type[models.Model]) -> Iterator[None]:
    """Load a large table as ``pg_restore`` does: its secondary indexes dropped, then built once
    from all the rows (much faster than growing them row by row, GIN indexes above all), and,
    when the table has no trigger of its own and the connection may do it, its foreign keys
    not checked row by row: :func:`check_foreign_keys` checks each with one query at the end.

    Inside the command's transaction: a failure restores the indexes with everything else.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text
            FROM pg_index i
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        has_triggers = cursor.fetchone()[0] > 0
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        skip_checks = not has_triggers and cursor.fetchone()[0]
        # Indexes cannot change under pending (deferred) foreign-key checks: run them as the
        # rows are written until the indexes are back.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _definition, name in indexes:
            cursor.execute(f"DROP INDEX {name}")
        if skip_checks:
            # Foreign-key triggers do not fire in this mode (nor would the table's own: it has
            # none); set back below, and before anything else happens on the connection.
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if skip_checks:
                cursor.execute("SET session_replication_role = origin")
    if skip_checks:
        _UNCHECKED.add(model)
    with connection.cursor() as cursor:
        for definition, _name in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def check_foreign_keys() -> int:
    """Check, with one anti-join per foreign key, the rows :func:`_bulk_load` wrote without
    checking them; raise if any points nowhere. Returns how many foreign keys were checked."""
    checked = 0
    with connection.cursor() as cursor:
        for model in sorted(_UNCHECKED, key=lambda m: m._meta.label):
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.target_field
                child = connection.ops.quote_name(model._meta.db_table)
                parent = connection.ops.quote_name(target.model._meta.db_table)
                column = connection.ops.quote_name(field.column)
                key = connection.ops.quote_name(target.column)
                cursor.execute(
                    f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
                )
                orphans = cursor.fetchone()[0]
                if orphans:
                    raise ValueError(
                        f"{orphans} rows of {model._meta.label}.{field.name} point to no "
                        f"{target.model._meta.label}"
                    )
                checked += 1
    _UNCHECKED.clear()
    return checked


def copy_links(field: models.ManyToManyField | Any, pairs: Iterable[tuple[int, int]]) -> int:
    """Rows of a many-to-many field's automatic table: ``(owner id, related id)`` pairs, each
    pair once. ``field`` is the field or its descriptor (``Need.targets``)."""
    field = getattr(field, "field", field)
    through = field.remote_field.through
    source = field.m2m_field_name() + "_id"
    target = field.m2m_reverse_field_name() + "_id"
    return copy_rows(through, [{source: a, target: b} for a, b in pairs])


def some(rng: random.Random, items: Sequence[Any], low: int, high: int) -> list[Any]:
    """Between ``low`` and ``high`` distinct items, at random."""
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def zipf_weights(count: int, exponent: float) -> list[float]:
    """Weights of ``count`` items in a long tail: the n-th weighs ``1 / n ** exponent``."""
    return [1 / rank**exponent for rank in range(1, count + 1)]


def weighted_choices(rng: random.Random, choices: Mapping[Any, float], k: int) -> list[Any]:
    """``k`` draws from ``{value: weight}``."""
    return rng.choices(list(choices), weights=list(choices.values()), k=k)


def analyse() -> None:
    """Refresh the planner's statistics after the bulk writes."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
