"""How an indicator is defined and computed.

An :class:`Indicator` names what it measures (code, activity of the action plan, unit, target) and
holds a *measure*: a callable that, given the day ``as_of``, returns a :class:`Result` — the total
and its breakdowns. Measures run SQL aggregates only: the helpers below (:class:`CountOf`,
:class:`ShareOf`, :class:`MedianDays`) take a queryset of the records counted as of the day (from
the apps' selectors) and the paths to the country, targets, thematic areas and date of those
records, and issue one ``COUNT``/``GROUP BY`` query per breakdown.

Values are as of the end of ``as_of``: stocks (records registered, people enrolled) count
everything up to that day; the ``year`` breakdown spreads the same records over the year of their
date, so it sums to the total.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Model,
    Q,
    QuerySet,
    Value,
)
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS
from monitoring.models import Dimension

# The dimensions as plain strings: the keys of breakdowns, of ``extra`` and of ``additive``.
REGION, COUNTRY_GROUP, COUNTRY, TARGET, THEMATIC_AREA, YEAR, STATUS, KIND = (
    str(dimension)
    for dimension in (
        Dimension.REGION,
        Dimension.COUNTRY_GROUP,
        Dimension.COUNTRY,
        Dimension.TARGET,
        Dimension.THEMATIC_AREA,
        Dimension.YEAR,
        Dimension.STATUS,
        Dimension.KIND,
    )
)

Pairs = list[tuple[str, float]]
_DAYS = DurationField()
UNKNOWN = "unknown"  # the key of records whose country (target, year...) is not known


class Unit:
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"

    LABELS = {COUNT: _("number"), PERCENT: _("per cent"), DAYS: _("days")}


@dataclass
class Result:
    """What a measure computed for one day: the total and ``{dimension: [(key, value), ...]}``."""

    total: float | None
    breakdowns: dict[str, Pairs] = field(default_factory=dict)


Measure = Callable[[datetime.date], Result]


@dataclass(frozen=True)
class Indicator:
    """One indicator of the action plan (``activity`` 1 to 14) or of the portal (0)."""

    code: str
    activity: int
    name: Promise | str
    description: Promise | str
    computation: Promise | str  # how it is computed, in words, for the indicator's page
    unit: str
    measure: Measure
    target: float | None = None  # the plan's target, where it sets one
    target_note: Promise | str = ""
    # Breakdowns whose values add up to the total (a request has one region but many targets).
    additive: frozenset[str] = frozenset()
    # False when past values cannot be rebuilt from record dates (active users, say): the demo's
    # history then approximates them from the latest activity dates.
    historical: bool = True
    # A higher value is better (progress bars); False for delays.
    higher_is_better: bool = True

    @property
    def dimensions(self) -> tuple[str, ...]:
        return getattr(self.measure, "dimensions", ())

    def compute(self, as_of: datetime.date) -> Result:
        result = self.measure(as_of)
        return Result(
            total=_round(result.total),
            breakdowns={
                dimension: [(str(key), _round(value)) for key, value in pairs]
                for dimension, pairs in result.breakdowns.items()
            },
        )


def _round(value):
    return None if value is None else round(float(value), 2)


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the portal's time zone (compare with ``__lt``)."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


# --- Measures ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Grouped:
    """The paths shared by the measures: where a record's country, targets, thematic areas and
    date are, and which further fields it may be broken down by (``{dimension: path}``)."""

    queryset: Callable[[datetime.date], QuerySet]
    country: str | None = None
    targets: str | None = None
    thematic_areas: str | None = None
    date: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[str, ...]:
        found = []
        if self.country:
            found += [Dimension.REGION, Dimension.COUNTRY_GROUP, Dimension.COUNTRY]
        if self.targets:
            found.append(Dimension.TARGET)
        if self.thematic_areas:
            found.append(Dimension.THEMATIC_AREA)
        if self.date:
            found.append(Dimension.YEAR)
        found += list(self.extra)
        return tuple(str(d) for d in found)

    def _paths(self) -> dict[str, str | object]:
        paths: dict[str, str | object] = {}
        if self.country:
            paths[Dimension.REGION] = f"{self.country}__region__code"
            paths[Dimension.COUNTRY] = f"{self.country}__code"
        if self.targets:
            paths[Dimension.TARGET] = f"{self.targets}__code"
        if self.thematic_areas:
            paths[Dimension.THEMATIC_AREA] = f"{self.thematic_areas}__code"
        if self.date:
            paths[Dimension.YEAR] = ExtractYear(self.date)
        paths.update(self.extra)
        return paths

    def _by(self, queryset: QuerySet, path, **aggregates) -> list[tuple[str, dict]]:
        """``queryset`` grouped by ``path``: ``[(key, {name: aggregate}), ...]``."""
        # annotate() then values("key"): modeltranslation's values() without field names would
        # select (and group by) every column.
        rows = (
            queryset.order_by()
            .annotate(group_key=F(path) if isinstance(path, str) else path)
            .values("group_key")
            .annotate(**aggregates)
            .order_by("group_key")
        )
        return [
            (UNKNOWN if row["group_key"] in (None, "") else str(row["group_key"]), row)
            for row in rows
        ]

    def _by_group(self, queryset: QuerySet, make) -> dict[str, dict]:
        """One query with conditional aggregates, one per country group."""
        aggregates = {}
        for code, flag in COUNTRY_GROUP_FLAGS.items():
            for name, aggregate in make(Q(**{f"{self.country}__{flag}": True})).items():
                aggregates[f"{code}__{name}"] = aggregate
        row = queryset.order_by().aggregate(**aggregates)
        return {
            code: {name: row[f"{code}__{name}"] for name in make(Q())}
            for code in COUNTRY_GROUP_FLAGS
        }


def one_row_per_record(queryset: QuerySet) -> bool:
    """No join of ``queryset`` repeats a record: they all follow foreign keys."""
    query = queryset.query
    if query.combinator or query.distinct or query.group_by is not None:
        return False
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.one_to_many or field.many_to_many):
            return False
    return True


def once_per_key(model: type[Model], path, *, many_allowed: int = 1) -> bool:
    """A record meets each key of ``path`` (a field path or an expression) at most once: the
    path follows foreign keys and at most one many-to-many field, whose join table holds each
    pair once. Then grouping by ``path`` counts each record once per key without DISTINCT.
    With ``many_allowed=0`` the path adds no row at all (a condition of a filtered count)."""
    if isinstance(path, Q):
        return all(
            once_per_key(model, child, many_allowed=many_allowed)
            if isinstance(child, Q)
            else once_per_key(model, child[0], many_allowed=many_allowed)
            for child in path.children
        )
    if not isinstance(path, str):
        # An expression: the paths it reads (F()s, and the lookups of its conditions).
        names = [
            node.name if isinstance(node, F) else node[0]
            for node in path.flatten()
            if isinstance(node, (F, tuple))
        ]
        return all(once_per_key(model, name, many_allowed=many_allowed) for name in names)
    many = 0
    for position, name in enumerate(path.split(LOOKUP_SEP)):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            if position == 0:
                return False  # an annotation: its joins are not known here
            break  # a lookup or a transform ends the path
        if not field.is_relation:
            break
        if field.one_to_many:
            return False
        if field.many_to_many:
            many += 1
        model = field.related_model
    return many <= many_allowed


@dataclass(frozen=True)
class CountOf(_Grouped):
    """How many records (or distinct values of ``distinct``, a field path) ``queryset(as_of)``
    holds, in total and by each dimension its paths allow."""

    distinct: str = "pk"

    def __call__(self, as_of: datetime.date) -> Result:
        queryset = self.queryset(as_of)
        # Records counted once each: a plain COUNT is exact and spares PostgreSQL the sort of
        # COUNT(DISTINCT) (twice as fast on the benchmark's 300,000 downloads).
        plain = self.distinct == "pk" and one_row_per_record(queryset)

        def count(path=None, condition: Q | None = None) -> Count:
            exact = plain and (path is None or once_per_key(queryset.model, path))
            return Count(self.distinct, distinct=not exact, filter=condition)

        total = queryset.order_by().aggregate(n=count())["n"]
        breakdowns: dict[str, Pairs] = {}
        for dimension, path in self._paths().items():
            breakdowns[str(dimension)] = sorted(
                ((key, row["n"]) for key, row in self._by(queryset, path, n=count(path))),
                key=lambda pair: (-pair[1], pair[0]),
            )
        if self.country:
            groups = self._by_group(queryset, lambda q: {"n": count(None, q)})
            breakdowns[str(Dimension.COUNTRY_GROUP)] = [
                (code, values["n"]) for code, values in groups.items() if values["n"]
            ]
        return Result(total=total, breakdowns=_ordered(breakdowns, self.dimensions))


@dataclass(frozen=True)
class ShareOf(_Grouped):
    """The percentage of the records of ``queryset(as_of)`` that meet ``condition`` (``None``
    when there are none), in total and by dimension."""

    condition: Q = field(default_factory=Q)
    distinct: str = "pk"

    def _aggregates(self, within: Q, *, distinct: bool = True) -> dict:
        return {
            "all": Count(self.distinct, distinct=distinct, filter=within),
            "met": Count(self.distinct, distinct=distinct, filter=within & self.condition),
        }

    @staticmethod
    def _share(values: dict) -> float | None:
        return 100.0 * values["met"] / values["all"] if values["all"] else None

    def __call__(self, as_of: datetime.date) -> Result:
        queryset = self.queryset(as_of)
        # As in CountOf; the condition must not join rows either (a reverse or many-to-many
        # lookup in it would repeat the records it filters).
        plain = (
            self.distinct == "pk"
            and one_row_per_record(queryset)
            and once_per_key(queryset.model, self.condition, many_allowed=0)
        )

        def aggregates(within: Q, path=None) -> dict:
            exact = plain and (path is None or once_per_key(queryset.model, path))
            return self._aggregates(within, distinct=not exact)

        total = self._share(queryset.order_by().aggregate(**aggregates(Q())))
        breakdowns: dict[str, Pairs] = {}
        for dimension, path in self._paths().items():
            breakdowns[str(dimension)] = [
                (key, self._share(row))
                for key, row in self._by(queryset, path, **aggregates(Q(), path))
                if row["all"]
            ]
        if self.country:
            groups = self._by_group(queryset, aggregates)
            breakdowns[str(Dimension.COUNTRY_GROUP)] = [
                (code, self._share(values)) for code, values in groups.items() if values["all"]
            ]
        return Result(total=total, breakdowns=_ordered(breakdowns, self.dimensions))


@dataclass(frozen=True)
class MedianDays(_Grouped):
    """The median number of days from ``start`` to ``end`` (two datetime paths) over the records
    of ``queryset(as_of)`` that have both.

    On PostgreSQL the median is ``percentile_cont(0.5)``, one ``GROUP BY`` query per breakdown,
    over the queryset's own SQL (which may carry aggregates, such as the first agreement of a
    request). Elsewhere it is read by ordering the durations and taking the middle row or two by
    offset, which every database supports, once per region and per year.
    """

    start: str = ""
    end: str = ""

    @property
    def dimensions(self) -> tuple[str, ...]:
        found = []
        if self.country:
            found.append(str(Dimension.REGION))
        if self.date:
            found.append(str(Dimension.YEAR))
        return tuple(found)

    def _median(self, queryset: QuerySet) -> float | None:
        durations = (
            queryset.filter(**{f"{self.start}__isnull": False, f"{self.end}__isnull": False})
            .order_by()
            .annotate(duration=ExpressionWrapper(F(self.end) - F(self.start), output_field=_DAYS))
        )
        count = durations.count()
        if not count:
            return None
        ordered = durations.order_by("duration", "pk").values_list("duration", flat=True)
        middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
        seconds = sum(value.total_seconds() for value in middle) / len(middle)
        return seconds / 86400

    def _percentiles(self, queryset: QuerySet, key) -> Pairs:
        """``[(key, median days)]`` of ``queryset`` grouped by the expression ``key``, in one
        PostgreSQL query."""
        rows = (
            queryset.order_by()
            .filter(**{f"{self.start}__isnull": False, f"{self.end}__isnull": False})
            .annotate(median_key=key, median_start=F(self.start), median_end=F(self.end))
            .values("median_key", "median_start", "median_end")
        )
        sql, params = rows.query.sql_with_params()
        with connections[rows.db].cursor() as cursor:
            cursor.execute(
                "SELECT durations.median_key, percentile_cont(0.5) WITHIN GROUP (ORDER BY "
                "EXTRACT(EPOCH FROM durations.median_end - durations.median_start)) / 86400 "
                f"FROM ({sql}) AS durations GROUP BY durations.median_key "  # nosec B608
                "ORDER BY durations.median_key",
                params,
            )
            return [(key, float(days)) for key, days in cursor.fetchall() if key is not None]

    def _on_postgresql(self, as_of: datetime.date) -> Result:
        queryset = self.queryset(as_of)
        total = self._percentiles(queryset, Value("", output_field=CharField()))
        breakdowns: dict[str, Pairs] = {}
        if self.country:
            breakdowns[str(Dimension.REGION)] = self._percentiles(
                queryset, F(f"{self.country}__region__code")
            )
        if self.date:
            breakdowns[str(Dimension.YEAR)] = [
                (str(year), days)
                for year, days in self._percentiles(queryset, ExtractYear(self.date))
            ]
        return Result(total=total[0][1] if total else None, breakdowns=breakdowns)

    def __call__(self, as_of: datetime.date) -> Result:
        if connections[self.queryset(as_of).db].vendor == "postgresql":
            return self._on_postgresql(as_of)
        queryset = self.queryset(as_of)
        breakdowns: dict[str, Pairs] = {}
        if self.country:
            regions = (
                queryset.order_by()
                .filter(**{f"{self.country}__isnull": False})
                .values_list(f"{self.country}__region__code", flat=True)
                .distinct()
            )
            breakdowns[str(Dimension.REGION)] = [
                (code, self._median(queryset.filter(**{f"{self.country}__region__code": code})))
                for code in sorted(filter(None, regions))
            ]
        if self.date:
            years = (
                queryset.order_by()
                .annotate(group_year=ExtractYear(self.date))
                .values_list("group_year", flat=True)
                .distinct()
            )
            breakdowns[str(Dimension.YEAR)] = [
                (str(year), self._median(queryset.filter(**{f"{self.date}__year": year})))
                for year in sorted(filter(None, years))
            ]
        return Result(total=self._median(queryset), breakdowns=breakdowns)


@dataclass(frozen=True)
class Computed:
    """A measure written by hand from other selectors: ``function(as_of)`` returns a Result.

    For the few indicators whose parts come from several apps (sums of counts of different
    records). It must still run SQL aggregates only.
    """

    function: Callable[[datetime.date], Result]
    dimensions: tuple[str, ...] = ()

    def __call__(self, as_of: datetime.date) -> Result:
        return self.function(as_of)


def _ordered(breakdowns: dict[str, Pairs], dimensions: Iterable[str]) -> dict[str, Pairs]:
    return {str(d): breakdowns[str(d)] for d in dimensions if str(d) in breakdowns}
