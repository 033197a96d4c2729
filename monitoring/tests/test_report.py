"""The interim report: one printable page of every indicator's progress over a period, and the
evaluations published in it.

Four indicators replace the registry (codes of the catalogue, texts of this test). Period
2026-01-01 to 2026-06-30; stored totals, worked out by hand:

=========  ==========  ==========  ==========  ===============================================
indicator  2025-12-31  2026-06-30  2026-09-30  in the report
=========  ==========  ==========  ==========  ===============================================
1.3 count  4           9           12          start 4 (last day before the period), end 9, +5
2.1 count  30          45                      +15; target 50: 45 / 50 = 90 %
13.1 count             20                      no start value, end 20; target 20: 100 %
P.3 days   12          10.5                    10.5 - 12 = 1.5 days fewer
=========  ==========  ==========  ==========  ===============================================
"""

import datetime
import html
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from monitoring import indicators as registry_module
from monitoring.indicators.base import Computed, Indicator, Result, Unit
from monitoring.labels import format_change, format_percent, format_value
from monitoring.models import Evaluation
from monitoring.tests.factories import EvaluationFactory, IndicatorValueFactory

BEFORE, END, AFTER = (
    datetime.date(2025, 12, 31),
    datetime.date(2026, 6, 30),
    datetime.date(2026, 9, 30),
)
PERIOD = "from=2026-01-01&to=2026-06-30"
LANGUAGES = ["en", "fr", "es"]


def _indicator(code, activity, name, unit=Unit.COUNT, **kwargs):
    return Indicator(
        code=code,
        activity=activity,
        name=name,
        description="",
        computation="",
        unit=unit,
        measure=Computed(lambda as_of: Result(total=None)),
        **kwargs,
    )


@pytest.fixture
def registry(monkeypatch):
    indicators = [
        _indicator("1.3", 1, "Needs in the database"),
        _indicator("2.1", 2, "Partners registered", target=50),
        _indicator("13.1", 13, "New online courses", target=20),
        _indicator("P.3", 0, "Median days to publication", unit=Unit.DAYS, higher_is_better=False),
    ]
    monkeypatch.setattr(registry_module, "_REGISTRY", {i.code: i for i in indicators})
    return indicators


def _at(day: str, time: str = "12:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=datetime.UTC)


@pytest.fixture
def values(db, registry):
    for code, day, value in [
        ("1.3", BEFORE, 4),
        ("1.3", END, 9),
        ("1.3", AFTER, 12),
        ("2.1", BEFORE, 30),
        ("2.1", END, 45),
        ("13.1", END, 20),
        ("P.3", BEFORE, 12),
        ("P.3", END, 10.5),
    ]:
        IndicatorValueFactory(indicator=code, date=day, value=value)
    IndicatorValueFactory(indicator="1.3", date=END, dimension="region", key="002", value=9)


@pytest.fixture
def evaluations(db):
    return {
        "in": EvaluationFactory(
            title="Mid-term review of the help desk", published_at=_at("2026-03-15")
        ),
        "last_day": EvaluationFactory(
            title="Review of the matchmaking",
            subject=Evaluation.Subject.MATCHMAKING,
            activity=None,
            published_at=_at("2026-06-30", "23:00"),
        ),
        "before": EvaluationFactory(title="Earlier review", published_at=_at("2025-11-01")),
        "draft": EvaluationFactory(
            title="Draft review", status=Evaluation.Status.DRAFT, published_at=None
        ),
    }


def _url(language="en", query=PERIOD):
    with translation.override(language):
        url = reverse("monitoring:report")
    return f"{url}?{query}" if query else url


def _rows(content: str) -> dict[str, list[str]]:
    """``{indicator code: [start, end, change, target, progress]}`` from the report's tables."""
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", content, re.S):
        code = re.search(r">(\S+) ", row).group(1)
        rows[code] = [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    return rows


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_gives_each_activitys_indicators_over_the_period(
    client, values, evaluations, language
):
    response = client.get(_url(language))

    assert response.status_code == 200
    content = response.content.decode()
    text = html.unescape(content)
    with translation.override(language):
        heading = translation.gettext("Interim report on the capacity-building action plan")
        activity = translation.gettext("Activity %(number)s: %(name)s") % {
            "number": 2,
            "name": registry_module.ACTIVITIES[2],
        }
        no_value = translation.gettext("no value")
        expected = {
            "1.3": ["4", "9", "+5", "—", "—"],
            "2.1": ["30", "45", "+15", "50", format_percent(90)],  # 45 / 50
            "13.1": [no_value, "20", no_value, "20", format_percent(100)],
            "P.3": [
                format_value(12, Unit.DAYS),
                format_value(10.5, Unit.DAYS),
                format_change(-1.5, Unit.DAYS),  # 10.5 - 12
                "—",
                "—",
            ],
        }
    assert f"<h1>{heading}</h1>" in text
    assert activity in text
    assert _rows(content) == expected
    # The portal's own indicators come last, under their own heading.
    assert text.index("P.3") > text.index("13.1")


def test_report_lists_the_evaluations_published_in_the_period(client, values, evaluations):
    content = html.unescape(client.get(_url()).content.decode())

    assert "Mid-term review of the help desk" in content
    assert "Review of the matchmaking" in content  # published on the period's last day
    assert "The matchmaking mechanism" in content  # what was evaluated
    assert "Earlier review" not in content
    assert "Draft review" not in content
    assert reverse("monitoring:evaluation", args=[evaluations["in"].pk]) in content


def test_report_without_evaluations_says_so(client, values):
    content = client.get(_url()).content.decode()

    assert "No evaluation was published in this period." in content


def test_report_covers_the_last_year_by_default(client, values):
    today = timezone.localdate()
    response = client.get(_url(query=""))

    assert response.status_code == 200
    content = response.content.decode()
    start = today - datetime.timedelta(days=365)
    assert f'<input type="date" name="from" value="{start.isoformat()}"' in content
    assert f'<input type="date" name="to" value="{today.isoformat()}"' in content


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_dates_show_a_translated_error(client, values, language):
    response = client.get(_url(language, query="from=2026-02-30&to=2026-06-30"))

    assert response.status_code == 200
    with translation.override(language):
        invalid = translation.gettext("Enter a valid date.")
    assert invalid in html.unescape(response.content.decode())
    assert 'role="alert"' in response.content.decode()


def test_report_runs_the_same_queries_whatever_the_history(
    client, registry, evaluations, django_assert_num_queries
):
    # The bounds of the period; the totals on its two days; the evaluations.
    def history(days):
        for number in range(days):
            day = datetime.date(2025, 1, 1) + datetime.timedelta(days=number * 7)
            for indicator in registry:
                IndicatorValueFactory(indicator=indicator.code, date=day, value=number)
                IndicatorValueFactory(
                    indicator=indicator.code, date=day, dimension="year", key="2025", value=1
                )

    history(5)
    with django_assert_num_queries(3):
        assert client.get(_url(query="from=2025-01-01&to=2026-12-31")).status_code == 200
    for number in range(5, 30):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=number * 7)
        for indicator in registry:
            IndicatorValueFactory(indicator=indicator.code, date=day, value=number)
    with django_assert_num_queries(3):
        response = client.get(_url(query="from=2025-01-01&to=2026-12-31"))
    # 1.3 from 0 (1 January 2025) to 29 (its 30th week): +29.
    assert _rows(response.content.decode())["1.3"][:3] == ["0", "29", "+29"]


# --- Print --------------------------------------------------------------------------------------
def _print_rules() -> str:
    with open(finders.find("css/monitoring.css"), encoding="utf-8") as css:
        text = css.read()
    return text[text.index("@media print") :]


def test_report_loads_the_print_stylesheet_and_marks_what_not_to_print(client, values):
    content = client.get(_url()).content.decode()

    assert "/static/css/monitoring.css" in content
    assert 'class="dashboard-nav no-print"' in content
    assert 'class="breadcrumbs no-print"' in content
    # The period form and the instructions are for the screen only.
    assert '<div class="no-print">' in content
    assert content.count('class="report-activity"') == 5  # 4 activities and the evaluations


def test_print_rules_leave_out_navigation_and_break_pages_between_activities():
    rules = _print_rules()

    hidden = re.search(r"([^{}]*)\{\s*display:\s*none\s*!important;\s*\}", rules).group(1)
    for selector in (".no-print", ".dashboard-nav", ".breadcrumbs", ".site-header", ".site-footer"):
        assert selector in hidden
    assert re.search(r"\.report-activity \+ \.report-activity \{[^}]*break-before: page", rules)
    assert re.search(r"\.print-only \{ display: block; \}", rules)
    assert "@page" in rules
