"""The public dashboards: overview, indicator pages and their downloads.

The registry is replaced by four indicators built here, so that the tests depend on the codes of
the catalogue and not on the definitions' texts. Their stored values, worked out by hand:

=========  ==========  ==========  ==========  ==================================================
indicator  2026-01-31  2026-02-28  2026-03-31  breakdowns on 2026-03-31
=========  ==========  ==========  ==========  ==================================================
1.3 count  4           6           9           region 002: 5, 019: 3, unknown: 1 (5+3+1 = 9);
                                               country_group LDC: 2, SIDS: 1 (overlapping);
                                               year 2025: 4, 2026: 5 (4+5 = 9)
2.1 count  —           30          35          target 50: 35 / 50 = 70 %
13.1 count —           —           20          target 20: 20 / 20 = 100 %, met
P.3 days   —           12          10.5        lower is better: 12 - 10.5 = 1.5 days fewer
=========  ==========  ==========  ==========  ==================================================
"""

import csv
import datetime
import html
import io
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring import indicators as registry_module
from monitoring.indicators.base import Computed, Indicator, Result, Unit
from monitoring.labels import format_change, format_percent, format_value
from monitoring.models import RecomputeRun
from monitoring.selectors import values as stored
from monitoring.tests.factories import IndicatorValueFactory
from monitoring.views import dashboards

JAN, FEB, MAR = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)
LANGUAGES = ["en", "fr", "es"]


def _indicator(code, activity, name, unit=Unit.COUNT, dimensions=(), **kwargs):
    return Indicator(
        code=code,
        activity=activity,
        name=name,
        description=f"What {code} counts.",
        computation=f"How {code} is computed.",
        unit=unit,
        measure=Computed(lambda as_of: Result(total=None), dimensions=tuple(dimensions)),
        **kwargs,
    )


TEST_INDICATORS = [
    _indicator(
        "1.3",
        1,
        "Needs in the database",
        dimensions=("region", "country_group", "year"),
        additive=frozenset({"region", "year"}),
    ),
    _indicator("2.1", 2, "Partners registered", dimensions=("kind",), target=50),
    _indicator("13.1", 13, "New online courses", target=20),
    _indicator("P.3", 0, "Median days to publication", unit=Unit.DAYS, higher_is_better=False),
]


@pytest.fixture
def registry(monkeypatch):
    """The four indicators of the module docstring, in place of the catalogue."""
    monkeypatch.setattr(
        registry_module, "_REGISTRY", {indicator.code: indicator for indicator in TEST_INDICATORS}
    )
    return registry_module


def _value(code, day, value, dimension="", key=""):
    return IndicatorValueFactory(
        indicator=code, date=day, value=value, dimension=dimension, key=key
    )


@pytest.fixture
def values(db, registry):
    """The values of the module docstring."""
    for day, total in ((JAN, 4), (FEB, 6), (MAR, 9)):
        _value("1.3", day, total)
    for key, value in (("002", 5), ("019", 3), ("unknown", 1)):
        _value("1.3", MAR, value, "region", key)
    for key, value in (("LDC", 2), ("SIDS", 1)):
        _value("1.3", MAR, value, "country_group", key)
    for key, value in (("2025", 4), ("2026", 5)):
        _value("1.3", MAR, value, "year", key)
    _value("2.1", FEB, 30)
    _value("2.1", MAR, 35)
    _value("13.1", MAR, 20)
    _value("P.3", FEB, 12)
    _value("P.3", MAR, 10.5)
    RecomputeRun.objects.create(
        as_of=MAR,
        trigger=RecomputeRun.Trigger.COMMAND,
        status=RecomputeRun.Status.SUCCEEDED,
        finished_at=datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC),
    )


def _history(months: int, keys: int = 3, after: int = 0):
    """``months`` month-ends (after the first ``after`` ones, from January 2023) of values of
    every test indicator, ``keys`` keys per breakdown."""
    day = datetime.date(2023, 1, 1)
    for month in range(after + months):
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        if month < after:
            continue
        month_end = day - datetime.timedelta(days=1)
        for indicator in TEST_INDICATORS:
            _value(indicator.code, month_end, 10)
            for dimension in indicator.dimensions:
                for number in range(keys):
                    _value(indicator.code, month_end, 1, dimension, f"{number:03d}")


def _url(name, *args, language="en", query=""):
    with translation.override(language):
        url = reverse(f"monitoring:{name}", args=args)
    return f"{url}?{query}" if query else url


class ChartTables(HTMLParser):
    """The data tables of a page's charts: ``{figure id: [(row heading, value), ...]}``."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[tuple[str, str]]] = {}
        self.figure = None
        self.cell = None
        self.row: list[str] = []
        self.in_tbody = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "chart" in (attrs.get("class") or ""):
            self.figure = attrs["id"]
            self.tables[self.figure] = []
        elif tag == "tbody":
            self.in_tbody = True
        elif tag in ("th", "td") and self.figure and self.in_tbody:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        elif tag == "tbody":
            self.in_tbody = False
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row:
            if self.figure and len(self.row) == 2:
                self.tables[self.figure].append(tuple(self.row))
            self.row = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def chart_tables(content: bytes) -> dict[str, list[tuple[str, str]]]:
    parser = ChartTables()
    parser.feed(content.decode())
    return parser.tables


# --- Selectors --------------------------------------------------------------------------------
def test_latest_totals_are_each_indicators_last_day(values):
    _value("2.1", datetime.date(2026, 4, 2), 36)  # a recompute of 2.1 alone, later

    latest = stored.latest_totals()

    assert {code: (row.date, row.value) for code, row in latest.items()} == {
        "1.3": (MAR, 9),
        "2.1": (datetime.date(2026, 4, 2), 36),
        "13.1": (MAR, 20),
        "P.3": (MAR, 10.5),
    }
    assert stored.latest_date() == datetime.date(2026, 4, 2)


def test_breakdowns_come_largest_first_and_not_known_last(values):
    regions = [(row.key, row.value) for row in stored.breakdown("1.3", "region")]
    years = [(row.key, row.value) for row in stored.breakdown("1.3", "year", on=MAR)]
    all_of_them = stored.breakdowns_on("1.3", MAR)

    assert regions == [("002", 5), ("019", 3), ("unknown", 1)]
    assert years == [("2025", 4), ("2026", 5)]
    assert list(all_of_them) == ["region", "country_group", "year"]
    # The additive breakdowns add up to the total: 5 + 3 + 1 = 9 and 4 + 5 = 9.
    assert sum(row.value for row in all_of_them["region"]) == 9
    assert sum(row.value for row in all_of_them["year"]) == 9


def test_keys_with_equal_values_come_in_natural_order(db):
    rows = [
        IndicatorValueFactory.build(dimension="target", key=key, value=value)
        for key, value in (("GBF-T10", 1), ("GBF-T2", 1), ("unknown", 5), ("GBF-T1", 2))
    ]

    ordered = stored.sort_breakdown("target", rows)

    assert [row.key for row in ordered] == ["GBF-T1", "GBF-T2", "GBF-T10", "unknown"]


def test_overview_rows_give_latest_previous_trend_and_progress(values, django_assert_num_queries):
    with django_assert_num_queries(2):  # the recent dates; the totals on a sample of them
        rows = {row.indicator.code: row for row in stored.overview_rows()}

    assert list(rows) == ["1.3", "2.1", "13.1", "P.3"]
    assert (rows["1.3"].value, rows["1.3"].previous, rows["1.3"].change) == (9, 6, 3)
    assert rows["1.3"].trend == [4, 6, 9]
    assert rows["2.1"].progress == pytest.approx(70.0)  # 35 / 50
    assert rows["13.1"].progress == pytest.approx(100.0)  # 20 / 20
    assert rows["13.1"].previous is None
    assert rows["P.3"].change == -1.5  # 10.5 - 12
    assert rows["P.3"].progress is None  # no target


def test_sparklines_keep_the_last_value_of_each_month(db, registry):
    # Daily values for 400 days: the sample is the last day of each of the last 12 months (the
    # latest month's being the latest day) and the day before the latest.
    start = datetime.date(2025, 1, 1)
    for offset in range(400):
        _value("1.3", start + datetime.timedelta(days=offset), offset)

    row = next(row for row in stored.overview_rows() if row.indicator.code == "1.3")

    latest = start + datetime.timedelta(days=399)  # 2026-02-04
    assert (row.date, row.value) == (latest, 399)
    assert (row.previous_date, row.previous) == (latest - datetime.timedelta(days=1), 398)
    assert len(row.trend) == 13  # 12 months + the day before the latest


# --- Overview ---------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_overview_shows_every_indicator_by_activity(client, values, language):
    response = client.get(_url("index", language=language))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert f'<html lang="{language}"' in content
    with translation.override(language):
        heading = translation.gettext("Dashboards: the action plan's indicators")
        activity = translation.gettext("Activity %(number)s: %(name)s") % {
            "number": 1,
            "name": registry_module.ACTIVITIES[1],
        }
        progress = format_percent(70)  # 35 / 50
        days = format_value(10.5, "days")
        fewer_days = format_change(-1.5, "days")  # P.3: 10.5 - 12
    assert f"<h1>{heading}</h1>" in content
    assert activity in content
    for indicator in TEST_INDICATORS:
        assert _url("indicator", indicator.code, language=language) in content
    assert '<p class="indicator-value">9</p>' in content
    assert '<p class="indicator-value">35</p>' in content
    assert days in content
    assert progress in content  # 2.1: 35 of 50
    assert '<progress max="100" value="70"' in content
    assert 'value="100"' in content  # 13.1 met its target
    assert "+3" in content  # 1.3: 9 - 6
    assert fewer_days.startswith("\u22121")
    assert fewer_days in content
    assert 'role="img"' in content  # sparklines
    assert 'aria-current="page"' in content  # Overview in the sub-navigation


def test_overview_says_when_nothing_is_computed(client, db, registry):
    response = client.get(_url("index"))

    assert response.status_code == 200
    assert "No indicator has been computed yet" in response.content.decode()
    assert "Not computed yet." in response.content.decode()
    assert "Target: 50" in response.content.decode()


def test_overview_runs_the_same_queries_whatever_the_history(
    client, db, registry, django_assert_num_queries
):
    # The recent dates, the totals on a sample of them, the last recompute.
    _history(5)
    RecomputeRun.objects.create(
        as_of=datetime.date(2023, 6, 30), trigger="command", status="succeeded"
    )
    with django_assert_num_queries(3):
        assert client.get(_url("index")).status_code == 200
    _history(30, keys=10, after=5)  # more dates and more keys per breakdown
    with django_assert_num_queries(3):
        assert client.get(_url("index")).status_code == 200


# --- One indicator ----------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_indicator_page_has_definition_charts_and_tables(client, values, language):
    response = client.get(_url("indicator", "1.3", language=language))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "<h1>Needs in the database</h1>" in content
    assert "What 1.3 counts." in content
    assert "How 1.3 is computed." in content
    with translation.override(language):
        definition = translation.gettext("Definition")
        africa = "Africa" if language == "en" else {"fr": "Afrique", "es": "África"}[language]
    assert definition in content
    tables = chart_tables(response.content)
    assert list(tables) == [
        "chart-series",
        "chart-region",
        "chart-country_group",
        "chart-year",
    ]
    assert [value for _date, value in tables["chart-series"]] == ["4", "6", "9"]
    assert tables["chart-region"][0] == (africa, "5")
    assert [value for _label, value in tables["chart-region"]] == ["5", "3", "1"]
    assert [value for _label, value in tables["chart-year"]] == ["4", "5"]
    assert content.count("<svg") == 4
    # Every table has a caption and scoped headers.
    assert content.count("<caption>") == 4
    assert 'scope="row"' in content and 'scope="col"' in content


def test_the_tables_hold_the_numbers_of_the_charts(client, values, monkeypatch):
    drawn = {}
    line, bar = dashboards.charts.line_chart_svg, dashboards.charts.bar_chart_svg

    def spy_line(points, **kwargs):
        drawn["series"] = [(label, format_value(value)) for label, value in points]
        return line(points, **kwargs)

    def spy_bar(pairs, **kwargs):
        drawn[len(drawn)] = [(label, format_value(value)) for label, value in pairs]
        return bar(pairs, **kwargs)

    monkeypatch.setattr(dashboards.charts, "line_chart_svg", spy_line)
    monkeypatch.setattr(dashboards.charts, "bar_chart_svg", spy_bar)

    tables = chart_tables(client.get(_url("indicator", "1.3")).content)

    assert tables["chart-series"] == drawn["series"]
    assert (
        tables["chart-region"]
        == drawn[1]
        == [
            ("Africa", "5"),
            ("Americas", "3"),
            ("Not known", "1"),
        ]
    )
    assert tables["chart-country_group"] == drawn[2]
    assert tables["chart-year"] == drawn[3] == [("2025", "4"), ("2026", "5")]


def test_breakdowns_that_add_up_show_the_total(client, values):
    content = client.get(_url("indicator", "1.3")).content.decode()
    region = content[content.index('id="chart-region"') : content.index('id="chart-country_group"')]
    groups = content[content.index('id="chart-country_group"') : content.index('id="chart-year"')]

    # Regions are additive (5 + 3 + 1 = 9); country groups overlap: no total under them.
    assert "<tfoot>" in region and '<td class="number">9</td>' in region
    assert "<tfoot>" not in groups


def test_indicator_page_of_an_unknown_code_is_404(client, values):
    assert client.get(_url("indicator", "99.9")).status_code == 404
    assert client.get("/en/dashboards/indicators/1.3x/").status_code == 404


def test_indicator_page_filters_the_period(client, values):
    response = client.get(_url("indicator", "1.3", query="from=2026-02-01&to=2026-02-28"))

    tables = chart_tables(response.content)
    assert [value for _date, value in tables["chart-series"]] == ["6"]
    # The breakdowns are those of the last day of the period: none stored on 28 February.
    assert list(tables) == ["chart-series"]
    # The download links keep the period.
    assert "data.csv?from=2026-02-01&amp;to=2026-02-28" in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_dates_show_a_translated_error_and_the_page_still_renders(client, values, language):
    response = client.get(_url("indicator", "1.3", language=language, query="from=31-31-2026"))

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    with translation.override(language):
        invalid = translation.gettext("Enter a valid date.")
    assert invalid in content
    assert 'aria-invalid="true"' in content
    assert 'value="31-31-2026"' in content  # what was typed is kept
    # The period is left out: the whole series is shown.
    assert [v for _d, v in chart_tables(response.content)["chart-series"]] == ["4", "6", "9"]


def test_a_period_that_ends_before_it_starts_is_an_error(client, values):
    response = client.get(_url("indicator", "1.3", query="from=2026-03-01&to=2026-01-01"))

    assert response.status_code == 200
    assert "The start of the period must not be after its end." in response.content.decode()


def test_an_indicator_with_no_value_says_so(client, values):
    _value("13.1", FEB, None)
    response = client.get(_url("indicator", "13.1", query="to=2026-02-28"))

    assert response.status_code == 200
    assert chart_tables(response.content)["chart-series"] == [("02/28/2026", "no value")]


def test_indicator_page_runs_the_same_queries_whatever_the_history(
    client, db, registry, django_assert_num_queries
):
    # The series; the breakdowns of its last day; the labels of regions, of country groups
    # (years need none).
    _history(5)
    with django_assert_num_queries(4):
        response = client.get(_url("indicator", "1.3"))
    assert len(chart_tables(response.content)["chart-series"]) == 5
    _history(30, keys=10, after=5)
    with django_assert_num_queries(4):
        response = client.get(_url("indicator", "1.3"))
    assert len(chart_tables(response.content)["chart-series"]) == 35


def test_long_series_show_the_last_value_of_each_month(client, db, registry):
    start = datetime.date(2026, 1, 1)
    for offset in range(90):  # 1 January to 31 March, daily
        _value("1.3", start + datetime.timedelta(days=offset), offset)

    response = client.get(_url("indicator", "1.3"))

    assert [v for _d, v in chart_tables(response.content)["chart-series"]] == ["30", "58", "89"]
    assert "3 of 90 values shown" in response.content.decode()


def test_every_indicator_of_the_catalogue_has_a_page(client, db):
    """With the real registry, whatever the definitions say."""
    for indicator in registry_module.all_indicators():
        IndicatorValueFactory(indicator=indicator.code, date=MAR, value=1)
        response = client.get(_url("indicator", indicator.code))
        assert response.status_code == 200, indicator.code
    assert client.get(_url("index")).status_code == 200


# --- Downloads --------------------------------------------------------------------------------
def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_csv_download_has_the_series_and_every_breakdown_with_labels(client, values):
    response = client.get(_url("indicator-data", "1.3", "csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="indicator-1.3.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    # 3 totals + 3 regions + 2 groups + 2 years = 10 rows.
    assert len(rows) == 10
    assert rows[0] == {
        "indicator": "1.3",
        "date": "2026-01-31",
        "breakdown": "total",
        "key": "",
        "label": "Total",
        "value": "4.0",
        "unit": "count",
    }
    regions = {
        row["key"]: (row["label"], row["value"]) for row in rows if row["breakdown"] == "region"
    }
    assert regions == {
        "002": ("Africa", "5.0"),
        "019": ("Americas", "3.0"),
        "unknown": ("Not known", "1.0"),
    }


def test_json_download_filters_the_period(client, values):
    response = client.get(_url("indicator-data", "P.3", "json", query="from=2026-03-01"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(_body(response)) == [
        {
            "indicator": "P.3",
            "date": "2026-03-31",
            "breakdown": "total",
            "key": "",
            "label": "Total",
            "value": 10.5,
            "unit": "days",
        }
    ]


def test_downloads_in_other_formats_or_of_unknown_codes_are_404(client, values):
    assert client.get("/en/dashboards/indicators/1.3/data.xml").status_code == 404
    assert client.get(_url("indicator-data", "99.9", "csv")).status_code == 404


def test_downloads_with_bad_dates_are_400(client, values):
    response = client.get(_url("indicator-data", "1.3", "json", query="to=tomorrow"))

    assert response.status_code == 400
    assert response.json()["errors"]["end"][0]["message"] == "Enter a valid date."


def test_downloads_run_the_same_queries_whatever_the_history(
    client, db, registry, django_assert_num_queries
):
    # The breakdowns' keys; the labels of regions, of country groups; the rows (streamed).
    _history(5)
    with django_assert_num_queries(4):
        first = _body(client.get(_url("indicator-data", "1.3", "csv")))
    _history(30, keys=10, after=5)
    with django_assert_num_queries(4):
        second = _body(client.get(_url("indicator-data", "1.3", "csv")))
    # A header, 5 dates x (1 total + 3 breakdowns x 3 keys) = 50 rows, then 30 dates x
    # (1 + 3 x 10) = 930 more.
    assert first.count("\n") == 1 + 50
    assert second.count("\n") == 1 + 50 + 930
