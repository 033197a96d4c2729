"""The public dashboards: overview, one page per indicator with its downloads, interim report.

They read stored values only (``monitoring.selectors.values``), never compute an indicator, so a
page costs the same few queries whatever the history's length. Charts are server-side SVG
(``monitoring.charts``); each is followed by a data table holding the same numbers, which is its
accessible alternative and what prints in black and white.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from chm_portal.core.exports import stream_csv, stream_json

from .. import charts
from ..indicators import ACTIVITIES, all_indicators, get_indicator
from ..indicators.base import Indicator, Unit
from ..labels import format_change, format_percent, format_value, labels_for, unit_label
from ..models import Dimension, IndicatorValue
from ..selectors import values as stored

# Points of a time series drawn at most; longer ones keep the last value of each month (then
# quarter, then year). The downloads have every day.
MAX_POINTS = 60
# Bars of a breakdown chart (and rows of its table) at most; the downloads have every key.
MAX_BARS = 20
DOWNLOAD_FORMATS = ("csv", "json")
# How a breakdown's chart is titled ("Needs in the database, by UN region, 31/01/2026").
BY_DIMENSION = {
    Dimension.REGION: _("by UN region"),
    Dimension.COUNTRY_GROUP: _("by country group"),
    Dimension.COUNTRY: _("by country"),
    Dimension.TARGET: _("by GBF target"),
    Dimension.THEMATIC_AREA: _("by thematic area"),
    Dimension.YEAR: _("by year"),
    Dimension.STATUS: _("by status"),
    Dimension.KIND: _("by kind"),
}


class PeriodForm(forms.Form):
    """The ``?from=&to=`` period of a dashboard, both days included, either one optional."""

    # The fields' names in the query string ("from" is a Python keyword).
    PARAMETERS = {"start": "from", "end": "to"}

    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def add_prefix(self, field_name: str) -> str:
        return self.PARAMETERS.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(
                _("The start of the period must not be after its end."), code="period_order"
            )
        return data

    @classmethod
    def from_request(cls, request: HttpRequest) -> PeriodForm:
        present = any(name in request.GET for name in cls.PARAMETERS.values())
        return cls(request.GET if present else None)

    @property
    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The valid period asked for; nothing when the form has errors (all is shown)."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")

    @property
    def error_messages_list(self) -> list[str]:
        """Every error with the name of its field, for the error summary."""
        messages = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                messages.append(f"{label}: {error}" if label else str(error))
        return messages


def _short_date(day: datetime.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _long_date(day: datetime.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else ""


def _target_text(indicator: Indicator) -> str:
    if indicator.target is None:
        return ""
    return format_value(indicator.target, indicator.unit)


def _progress_text(progress: float | None) -> str:
    if progress is None:
        return ""
    return gettext("%(percent)s of the target") % {"percent": format_percent(progress)}


# --- Overview ---------------------------------------------------------------------------------
@dataclass
class Card:
    """An indicator as its overview card shows it, every text written for its unit."""

    code: str
    name: str
    url: str
    computed: bool
    value: str
    unit: str
    date: datetime.date | None
    change: str
    previous_date: datetime.date | None
    target: str
    progress: float | None  # the bar's position, 0 to 100
    progress_text: str
    target_met: bool
    sparkline: str


@dataclass
class ActivityGroup:
    """The indicators of one activity of the action plan, in dashboard order."""

    number: int
    name: str
    items: list = field(default_factory=list)  # cards of the overview, rows of the report


class OverviewView(TemplateView):
    """Every indicator of the action plan as a card, grouped by activity. Three queries (for an
    anonymous visitor): the recent dates, the totals on a sample of them, the last recompute."""

    template_name = "monitoring/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups: dict[int, ActivityGroup] = {}
        as_of = None
        for summary in stored.overview_rows():
            indicator = summary.indicator
            group = groups.setdefault(
                indicator.activity,
                ActivityGroup(number=indicator.activity, name=ACTIVITIES[indicator.activity]),
            )
            group.items.append(self._card(summary))
            if summary.date and (as_of is None or summary.date > as_of):
                as_of = summary.date
        context.update(
            groups=list(groups.values()),
            indicator_count=sum(len(group.items) for group in groups.values()),
            as_of=as_of,
            latest_run=stored.latest_run() if as_of else None,
        )
        return context

    @staticmethod
    def _card(summary: stored.IndicatorSummary) -> Card:
        indicator = summary.indicator
        progress = summary.progress
        values = [value for value in summary.trend if value is not None]
        return Card(
            code=indicator.code,
            name=str(indicator.name),
            url=reverse("monitoring:indicator", args=[indicator.code]),
            computed=summary.computed,
            value=format_value(summary.value, indicator.unit),
            unit=unit_label(indicator.unit),
            date=summary.date,
            change=format_change(summary.change, indicator.unit)
            if summary.change is not None
            else "",
            previous_date=summary.previous_date,
            target=_target_text(indicator),
            progress=None if progress is None else max(0.0, min(100.0, progress)),
            progress_text=_progress_text(progress),
            target_met=progress is not None and progress >= 100,
            sparkline=charts.sparkline_svg(
                summary.trend,
                label=gettext("Trend of %(name)s: from %(first)s to %(last)s")
                % {
                    "name": indicator.name,
                    "first": format_value(values[0], indicator.unit),
                    "last": format_value(values[-1], indicator.unit),
                },
            )
            if len(values) > 1
            else "",
        )


# --- One indicator ----------------------------------------------------------------------------
@dataclass
class ChartTable:
    """A chart and the data table that is its accessible alternative: the same rows."""

    title: str
    svg: str
    header: str  # the first column's heading
    rows: list[tuple[str, str]]  # (label, value written for the unit)
    total: str = ""  # the indicator's total, under breakdowns that add up to it
    note: str = ""
    slug: str = ""


def _get_indicator_or_404(code: str) -> Indicator:
    indicator = get_indicator(code)
    if indicator is None:
        raise Http404(gettext("No indicator has this code."))
    return indicator


def thin_series(points: Sequence[IndicatorValue]) -> list[IndicatorValue]:
    """At most MAX_POINTS points: the last of each month, quarter or year, and always the last."""
    points = list(points)
    for period in (
        lambda day: (day.year, day.month),
        lambda day: (day.year, (day.month - 1) // 3),
        lambda day: (day.year,),
    ):
        if len(points) <= MAX_POINTS:
            break
        last_of: dict[tuple, IndicatorValue] = {}
        for point in points:
            last_of[period(point.date)] = point
        points = list(last_of.values())
    return points


class IndicatorView(TemplateView):
    """One indicator: its definition, time series, breakdowns on its last day, downloads.

    Queries: the series, the breakdowns (one for all), one per named breakdown for its labels.
    """

    template_name = "monitoring/indicator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = _get_indicator_or_404(kwargs["code"])
        form = PeriodForm.from_request(self.request)
        start, end = form.period
        series = list(stored.series(indicator.code, start=start, end=end))
        shown = thin_series(series)
        last_day = series[-1].date if series else None
        breakdowns = stored.breakdowns_on(indicator.code, last_day) if last_day else {}
        total_on_last_day = series[-1].value if series else None
        query = urlencode({k: v for k, v in (("from", start), ("to", end)) if v})
        context.update(
            indicator=indicator,
            activity_name=ACTIVITIES.get(indicator.activity, ""),
            unit=unit_label(indicator.unit),
            target=_target_text(indicator),
            dimensions=[Dimension(d).label for d in indicator.dimensions if d in Dimension.values],
            form=form,
            start=start,
            end=end,
            last_day=last_day,
            value=format_value(total_on_last_day, indicator.unit) if series else "",
            progress_text=_progress_text(
                stored.progress_towards_target(indicator, total_on_last_day)
            ),
            series_chart=self._series_chart(indicator, series, shown),
            breakdown_charts=[
                self._breakdown_chart(indicator, dimension, rows, last_day, total_on_last_day)
                for dimension, rows in breakdowns.items()
            ],
            csv_url=_with_query(
                reverse("monitoring:indicator-data", args=[indicator.code, "csv"]), query
            ),
            json_url=_with_query(
                reverse("monitoring:indicator-data", args=[indicator.code, "json"]), query
            ),
        )
        return context

    @staticmethod
    def _series_chart(
        indicator: Indicator, series: list[IndicatorValue], shown: list[IndicatorValue]
    ) -> ChartTable | None:
        if not series:
            return None
        title = gettext("%(name)s over time") % {"name": indicator.name}
        rows = [(_short_date(p.date), format_value(p.value, indicator.unit)) for p in shown]
        note = ""
        if len(shown) < len(series):
            note = gettext(
                "%(shown)s of %(all)s values shown: the last of each period. "
                "The downloads have every value."
            ) % {"shown": len(shown), "all": len(series)}
        return ChartTable(
            title=title,
            svg=charts.line_chart_svg(
                [(_short_date(p.date), p.value) for p in shown],
                title=title,
                unit_label=unit_label(indicator.unit),
                formatter=lambda value: format_value(value, indicator.unit),
                integers=indicator.unit == Unit.COUNT,
            ),
            header=gettext("Date"),
            rows=rows,
            note=note,
            slug="series",
        )

    @staticmethod
    def _breakdown_chart(
        indicator: Indicator,
        dimension: str,
        rows: list[IndicatorValue],
        day: datetime.date,
        total: float | None,
    ) -> ChartTable:
        names = labels_for(dimension, [row.key for row in rows], indicator=indicator.code)
        shown = rows[:MAX_BARS]
        dimension_label = Dimension(dimension).label
        title = gettext("%(name)s, %(by_breakdown)s, %(date)s") % {
            "name": indicator.name,
            "by_breakdown": BY_DIMENSION.get(dimension, dimension_label),
            "date": _short_date(day),
        }
        note = ""
        if len(shown) < len(rows):
            note = gettext(
                "The %(shown)s largest of %(all)s are shown. The downloads have them all."
            ) % {"shown": len(shown), "all": len(rows)}
        return ChartTable(
            title=title,
            svg=charts.bar_chart_svg(
                [(names[row.key], row.value) for row in shown],
                title=title,
                formatter=lambda value: format_value(value, indicator.unit),
                integers=indicator.unit == Unit.COUNT,
            ),
            header=str(dimension_label),
            rows=[(names[row.key], format_value(row.value, indicator.unit)) for row in shown],
            total=format_value(total, indicator.unit) if dimension in indicator.additive else "",
            note=note,
            slug=dimension,
        )


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


class IndicatorDataView(View):
    """Every stored value of one indicator in the period, as CSV or JSON, with readable labels.

    Streamed; queries: the breakdowns' keys, one per named breakdown for its labels, the rows.
    """

    def get(self, request: HttpRequest, code: str, fmt: str) -> HttpResponse:
        if fmt not in DOWNLOAD_FORMATS:
            raise Http404(gettext("This format is not offered."))
        indicator = _get_indicator_or_404(code)
        form = PeriodForm.from_request(request)
        if form.is_bound and not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        start, end = form.period
        rows = stored.values_in_period(indicator.code, start=start, end=end)
        names = self._labels(indicator, rows)
        total_label = gettext("Total")

        def label(row: IndicatorValue) -> str:
            return names.get((row.dimension, row.key), total_label if not row.dimension else "")

        def breakdown(row: IndicatorValue) -> str:
            return row.dimension or "total"

        filename = f"indicator-{indicator.code}.{fmt}"
        if fmt == "csv":
            columns = [
                ("indicator", lambda row: row.indicator),
                ("date", lambda row: row.date),
                ("breakdown", breakdown),
                ("key", lambda row: row.key),
                ("label", label),
                ("value", lambda row: row.value),
                ("unit", lambda row: indicator.unit),
            ]
            return stream_csv(rows, columns, filename)
        return stream_json(
            rows,
            lambda row: {
                "indicator": row.indicator,
                "date": row.date,
                "breakdown": breakdown(row),
                "key": row.key,
                "label": label(row),
                "value": row.value,
                "unit": indicator.unit,
            },
            filename,
        )

    @staticmethod
    def _labels(indicator: Indicator, rows) -> dict[tuple[str, str], str]:
        keys: dict[str, set[str]] = {}
        for dimension, key in (
            rows.exclude(dimension="").order_by().values_list("dimension", "key").distinct()
        ):
            keys.setdefault(dimension, set()).add(key)
        names = {}
        for dimension, found in keys.items():
            for key, name in labels_for(dimension, sorted(found), indicator=indicator.code).items():
                names[(dimension, key)] = name
        return names


# --- Interim report ---------------------------------------------------------------------------
@dataclass
class ReportRow:
    code: str
    name: str
    url: str
    start: str
    end: str
    change: str
    target: str
    progress: str


class InterimReportView(TemplateView):
    """One printable page for subsidiary-body meetings: each activity's indicators at the start
    and end of the period, and the evaluations published in it. Queries: the period's bounds,
    the totals on those two days, the evaluations."""

    template_name = "monitoring/report.html"
    DEFAULT_DAYS = 365

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm.from_request(self.request)
        start, end = form.period
        end = end or timezone.localdate()
        start = start or end - datetime.timedelta(days=self.DEFAULT_DAYS)
        if not form.is_bound:
            form.initial = {"start": start, "end": end}  # show the period the report covers
        values = stored.period_values(start, end)
        groups: dict[int, ActivityGroup] = {}
        for indicator in all_indicators():
            group = groups.setdefault(
                indicator.activity,
                ActivityGroup(number=indicator.activity, name=ACTIVITIES[indicator.activity]),
            )
            group.items.append(self._row(indicator, values))
        context.update(
            form=form,
            start=start,
            end=end,
            values=values,
            activities=list(groups.values()),
            evaluations=list(stored.evaluations_published(start, end)),
            generated_at=timezone.now(),
        )
        return context

    @staticmethod
    def _row(indicator: Indicator, values: stored.PeriodValues) -> ReportRow:
        at_start = values.start.get(indicator.code)
        at_end = values.end.get(indicator.code)
        known = indicator.code in values.start and indicator.code in values.end
        change = None
        if known and at_start is not None and at_end is not None:
            change = round(at_end - at_start, 2)
        progress = stored.progress_towards_target(indicator, at_end)
        return ReportRow(
            code=indicator.code,
            name=str(indicator.name),
            url=reverse("monitoring:indicator", args=[indicator.code]),
            start=format_value(at_start, indicator.unit),
            end=format_value(at_end, indicator.unit),
            change=format_change(change, indicator.unit),
            target=_target_text(indicator),
            progress=format_percent(progress) if progress is not None else "",
        )
