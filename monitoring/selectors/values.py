"""Reads of the stored indicator values: what every dashboard, download and report shows.

Pages never compute an indicator: they read the values the daily recompute stored. Every function
here is a fixed number of queries whatever the length of the history or the number of keys, so
the dashboards' query counts stay constant as the data grows.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Max, Min, OuterRef, Q, QuerySet, Subquery

from ..indicators import all_indicators
from ..indicators.base import UNKNOWN, Indicator
from ..models import Dimension, Evaluation, IndicatorValue, RecomputeRun

# Points of an overview sparkline: the last value of each of the last 12 months, and the latest.
SPARKLINE_MONTHS = 12
# Distinct dates read to choose them: a year of daily values and some.
DATES_SCANNED = 400


def totals() -> QuerySet[IndicatorValue]:
    """Every stored total (no breakdown)."""
    return IndicatorValue.objects.filter(dimension="")


def latest_date() -> datetime.date | None:
    """The last day any value was computed for. One query."""
    return totals().aggregate(last=Max("date"))["last"]


def latest_totals() -> dict[str, IndicatorValue]:
    """``{code: total on the indicator's last computed day}``. One query.

    Per indicator, because a recompute of some codes only moves their own last day.
    """
    last_day = totals().filter(indicator=OuterRef("indicator")).order_by("-date").values("date")[:1]
    rows = totals().filter(date=Subquery(last_day)).order_by("indicator")
    return {row.indicator: row for row in rows}


def latest_run() -> RecomputeRun | None:
    """The last recompute that succeeded (when the values were last brought up to date)."""
    return (
        RecomputeRun.objects.filter(status=RecomputeRun.Status.SUCCEEDED)
        .order_by(F("finished_at").desc(nulls_last=True), "-pk")
        .first()
    )


def series(
    code: str,
    *,
    dimension: str = "",
    key: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[IndicatorValue]:
    """The values of ``code`` over time (its total by default), oldest first; both ends included."""
    rows = IndicatorValue.objects.filter(indicator=code, dimension=dimension, key=key)
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    return rows.order_by("date")


def values_in_period(
    code: str, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[IndicatorValue]:
    """Every stored value of ``code`` (total and breakdowns) in the period, for downloads."""
    rows = IndicatorValue.objects.filter(indicator=code)
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    return rows.order_by("date", "dimension", "key")


def breakdown(
    code: str, dimension: str, *, on: datetime.date | None = None
) -> QuerySet[IndicatorValue]:
    """The values of one breakdown of ``code`` on ``on`` (default: its last computed day),
    largest first (years in order), the unknown key last."""
    rows = IndicatorValue.objects.filter(indicator=code, dimension=dimension)
    if on is None:
        last_day = (
            IndicatorValue.objects.filter(indicator=code, dimension=dimension)
            .order_by("-date")
            .values("date")[:1]
        )
        rows = rows.filter(date=Subquery(last_day))
    else:
        rows = rows.filter(date=on)
    return rows.order_by(*_breakdown_order(dimension))


def breakdowns_on(code: str, on: datetime.date) -> dict[str, list[IndicatorValue]]:
    """Every breakdown of ``code`` on ``on``: ``{dimension: [values in display order]}``. One
    query; dimensions in the order of ``Dimension``."""
    found: dict[str, list[IndicatorValue]] = defaultdict(list)
    for row in IndicatorValue.objects.filter(indicator=code, date=on).exclude(dimension=""):
        found[row.dimension].append(row)
    ordered = {}
    for dimension in Dimension.values:
        if dimension in found:
            ordered[dimension] = sort_breakdown(dimension, found[dimension])
    return ordered


def _breakdown_order(dimension: str) -> list:
    if dimension == Dimension.YEAR:
        return ["key"]
    return [F("value").desc(nulls_last=True), "key"]


def sort_breakdown(dimension: str, rows: Iterable[IndicatorValue]) -> list[IndicatorValue]:
    """Years in order; other keys largest value first, then by key; "not known" last."""
    rows = list(rows)
    if dimension == Dimension.YEAR:
        rows.sort(key=lambda row: row.key)
    else:
        rows.sort(key=lambda row: (row.value is None, -(row.value or 0), _natural(row.key)))
    return [row for row in rows if row.key != UNKNOWN] + [r for r in rows if r.key == UNKNOWN]


def _natural(key: str) -> tuple:
    """``GBF-T2`` before ``GBF-T10``: digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))


# --- Overview ---------------------------------------------------------------------------------
@dataclass
class IndicatorSummary:
    """One indicator on the overview: its latest total, the one before, its recent trend."""

    indicator: Indicator
    value: float | None = None
    date: datetime.date | None = None
    previous: float | None = None
    previous_date: datetime.date | None = None
    trend: list[float | None] = field(default_factory=list)

    @property
    def computed(self) -> bool:
        return self.date is not None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)

    @property
    def progress(self) -> float | None:
        return progress_towards_target(self.indicator, self.value)


def progress_towards_target(indicator: Indicator, value: float | None) -> float | None:
    """How far ``value`` is towards the plan's target, in per cent (above 100 once passed)."""
    target = indicator.target
    if target is None or value is None:
        return None
    if indicator.higher_is_better:
        return 100.0 * value / target if target else 100.0
    # A delay: at or under the target is 100 %.
    return 100.0 if value <= target else 100.0 * target / value


def overview_rows() -> list[IndicatorSummary]:
    """For every indicator of the registry, in dashboard order: its latest total, the previous
    one and a sparkline of the last year. Two queries (the recent dates, then the totals on a
    sample of them: the last of each month and the two latest), whatever the history's length.
    """
    dates = list(
        totals().order_by("-date").values_list("date", flat=True).distinct()[:DATES_SCANNED]
    )
    sample = _sparkline_dates(dates)
    by_code: dict[str, list[tuple[datetime.date, float | None]]] = defaultdict(list)
    if sample:
        rows = totals().filter(date__in=sample).order_by("date")
        for code, day, value in rows.values_list("indicator", "date", "value"):
            by_code[code].append((day, value))
    summaries = []
    for indicator in all_indicators():
        points = by_code.get(indicator.code, [])
        summary = IndicatorSummary(indicator=indicator, trend=[value for _day, value in points])
        if points:
            summary.date, summary.value = points[-1]
        if len(points) > 1:
            summary.previous_date, summary.previous = points[-2]
        summaries.append(summary)
    return summaries


def _sparkline_dates(dates: list[datetime.date]) -> list[datetime.date]:
    """From ``dates`` (newest first): the two newest and the newest of each of the last months."""
    if not dates:
        return []
    chosen = set(dates[:2])
    months: set[tuple[int, int]] = set()
    newest = dates[0]
    for day in dates:
        if (newest - day).days > 366 or len(months) >= SPARKLINE_MONTHS:
            break
        if (day.year, day.month) not in months:
            months.add((day.year, day.month))
            chosen.add(day)
    return sorted(chosen)


# --- Interim report ---------------------------------------------------------------------------
@dataclass
class PeriodValues:
    """Each indicator's total at the start and at the end of a period."""

    start_date: datetime.date | None
    end_date: datetime.date | None
    start: dict[str, float | None]
    end: dict[str, float | None]


def period_values(start: datetime.date, end: datetime.date) -> PeriodValues:
    """The totals on the last computed day on or before ``start`` (or the first one in the
    period, when none was before) and on the last computed day on or before ``end``. Two
    queries."""
    bounds = totals().aggregate(
        before=Max("date", filter=Q(date__lte=start)),
        first_in=Min("date", filter=Q(date__gte=start, date__lte=end)),
        last=Max("date", filter=Q(date__lte=end)),
    )
    start_date = bounds["before"] or bounds["first_in"]
    end_date = bounds["last"]
    at_start: dict[str, float | None] = {}
    at_end: dict[str, float | None] = {}
    days = {day for day in (start_date, end_date) if day}
    if days:
        for code, day, value in (
            totals().filter(date__in=days).values_list("indicator", "date", "value")
        ):
            if day == start_date:
                at_start[code] = value
            if day == end_date:
                at_end[code] = value
    return PeriodValues(start_date=start_date, end_date=end_date, start=at_start, end=at_end)


def evaluations_published(start: datetime.date, end: datetime.date) -> QuerySet[Evaluation]:
    """Evaluations published during the period (both days included), oldest first."""
    return Evaluation.objects.filter(
        status=Evaluation.Status.PUBLISHED,
        published_at__date__gte=start,
        published_at__date__lte=end,
    ).order_by("published_at", "pk")
