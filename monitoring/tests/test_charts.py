"""The shared pieces of the dashboards: SVG charts (monitoring/charts.py), labels of stored keys
and values written by unit (monitoring/labels.py)."""

import xml.etree.ElementTree as ElementTree

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString

from monitoring import charts
from monitoring.labels import format_change, format_value, labels_for, unit_label
from monitoring.models import MaturityLevel

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ElementTree.Element:
    """The chart as XML: it must be well-formed to be inlined in HTML and printed."""
    return ElementTree.fromstring(markup)


# --- Charts -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.sparkline_svg([1, 2, None, 4], label="Trend of needs"),
        lambda: charts.line_chart_svg(
            [("2026-01-31", 4), ("2026-02-28", 6)], title="Needs over time", unit_label="number"
        ),
        lambda: charts.bar_chart_svg([("Africa", 5), ("Americas", 3)], title="Needs by region"),
    ],
    ids=["sparkline", "line", "bar"],
)
def test_a_chart_is_one_accessible_static_image(draw):
    markup = draw()

    assert isinstance(markup, SafeString)
    root = _parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    # Its name is also its <title>, the first thing a browser or a printout names it by.
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    # Explicit size and viewBox: it scales with CSS and prints at its size.
    width, height = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {width} {height}"
    # No JavaScript (pygal's config script and tooltips), no link to a CDN, no XML declaration.
    assert "<script" not in markup
    assert "http://" not in markup.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in markup
    assert not markup.startswith("<?xml")
    assert root.findall(f".//{SVG}desc") == []


def test_chart_names_are_given_by_the_caller():
    markup = charts.line_chart_svg(
        [("2026-01-31", 4)], title="Needs in the database over time", unit_label="number"
    )

    root = _parse(markup)
    assert root.get("aria-label") == "Needs in the database over time"
    # The unit names the value axis.
    assert "number" in markup


def test_labels_and_titles_are_escaped():
    markup = charts.bar_chart_svg([("R&D <b>centres</b>", 2)], title='Partners "by" <kind>')

    root = _parse(markup)  # still well-formed
    assert "<b>" not in markup
    assert "R&amp;D &lt;b&gt;centres&lt;/b&gt;" in markup
    assert root.get("aria-label") == 'Partners "by" <kind>'


def test_bars_print_their_values_in_the_order_given():
    markup = charts.bar_chart_svg(
        [("Africa", 5), ("Americas", 3), ("Not known", 1)],
        title="Needs by region",
        formatter=lambda value: format_value(value, "count"),
    )

    root = _parse(markup)
    printed = [
        text.text for text in root.iter(f"{SVG}text") if "value" in (text.get("class") or "")
    ]
    # pygal draws bottom-up; the chart is given reversed so that it reads top-down like its table.
    assert sorted(printed) == ["1", "3", "5"]
    labels = [text.text for text in root.iter(f"{SVG}text") if text.text in {"Africa", "Americas"}]
    assert labels == ["Americas", "Africa"]  # drawn bottom-up: Africa is on top


def test_axes_have_a_few_round_ticks():
    # Counts 0 to 3 over about six steps: 0.5 would be the step, whole numbers are: 1.
    assert charts.nice_ticks([3, 1], integers=True) == [0, 1, 2, 3]
    # 13 / 6 = 2.2 -> a step of 5 (1, 2, 5 times a power of ten): 0, 5, 10, 15.
    assert charts.nice_ticks([13], integers=True) == [0, 5, 10, 15]
    # 1,092 / 6 = 182 -> a step of 200, up to 1,200.
    assert charts.nice_ticks([1092, None], integers=True) == [0, 200, 400, 600, 800, 1000, 1200]
    assert charts.nice_ticks([], integers=True) == [0, 1]
    # Shares on a bar chart, about 4 ticks: 100 / 4 = 25 -> a step of 50.
    assert charts.nice_ticks([100, 75, 0], most=4) == [0, 50, 100]
    # Days: 2.6 / 6 = 0.43 -> a step of 0.5.
    assert charts.nice_ticks([2.6]) == [0, 0.5, 1, 1.5, 2, 2.5, 3]

    markup = charts.bar_chart_svg([("Africa", 3)], title="Needs by region", integers=True)
    axis = [text.text for text in _parse(markup).iter(f"{SVG}text") if text.get("class") == ""]
    assert "0.5" not in axis and "1.5" not in axis


def test_an_empty_series_says_so():
    markup = charts.line_chart_svg([], title="Needs over time", unit_label="number")

    assert "No value in this period" in markup


def test_charts_are_cached_by_data_and_language(monkeypatch):
    drawn = []
    render = charts.pygal.Line.render

    def counting_render(self, *args, **kwargs):
        drawn.append(self)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(charts.pygal.Line, "render", counting_render)
    cache.clear()

    first = charts.sparkline_svg([1, 2, 3])
    again = charts.sparkline_svg([1, 2, 3])
    assert first == again
    assert len(drawn) == 1  # the second came from the cache

    charts.sparkline_svg([1, 2, 4])  # other data: drawn
    assert len(drawn) == 2
    with translation.override("fr"):
        charts.sparkline_svg([1, 2, 3])  # other language (its name is translated): drawn
    assert len(drawn) == 3


def test_sparklines_are_small():
    """Dozens of them on the overview: only the line, styled by attributes."""
    markup = charts.sparkline_svg(list(range(13)))

    assert len(markup) < 1000
    assert "<style" not in markup
    path = _parse(markup).find(f".//{SVG}path")
    assert path.get("fill") == "none"
    assert path.get("stroke")


# --- Labels -----------------------------------------------------------------------------------
def test_labels_name_vocabulary_keys_in_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        regions = labels_for("region", ["002", "019", "unknown"])
    assert regions == {"002": "Africa", "019": "Americas", "unknown": "Not known"}

    with django_assert_num_queries(1):
        groups = labels_for("country_group", ["LDC", "SIDS"])
    assert groups == {"LDC": "Least developed countries", "SIDS": "Small island developing States"}

    with django_assert_num_queries(1):
        targets = labels_for("target", ["GBF-T1"])
    assert targets["GBF-T1"].startswith("GBF-T1 \u2013 All areas are planned")
    assert len(targets["GBF-T1"]) <= len("GBF-T1 \u2013 ") + 48

    with django_assert_num_queries(1):
        countries = labels_for("country", ["KE"])
    assert countries == {"KE": "Kenya"}

    with django_assert_num_queries(0):
        years = labels_for("year", ["2025", "2026", "unknown"])
    assert years == {"2025": "2025", "2026": "2026", "unknown": "Not known"}


def test_labels_follow_the_language(db):
    with translation.override("fr"):
        assert labels_for("region", ["002"]) == {"002": "Afrique"}
        assert labels_for("country_group", ["LDC"]) == {"LDC": "Pays les moins avancés"}


def test_kinds_and_statuses_have_the_indicators_labels(db):
    assert labels_for("status", ["published"])["published"] == "Published (open for matching)"
    assert labels_for("kind", ["party", "non_party", "unknown"], indicator="2.4") == {
        "party": "From CBD Parties",
        "non_party": "From other countries",
        "unknown": "Not known",
    }
    assert labels_for("kind", ["matchmaking"], indicator="9.1") == {
        "matchmaking": "The matchmaking mechanism"
    }
    assert labels_for("kind", ["3"], indicator="P.5")["3"] == MaturityLevel(3).label
    # A key nobody named stays readable.
    assert labels_for("kind", ["field_station"], indicator="7.2") == {
        "field_station": "Field station"
    }


@pytest.mark.parametrize(
    ("language", "count", "share", "days"),
    [
        ("en", "1,234", "45.3%", "12.5 days"),
        ("fr", "1\xa0234", "45,3%", "12,5 days"),
        ("es", "1\xa0234", "45,3%", "12,5 days"),
    ],
)
def test_values_are_written_for_their_unit_and_language(language, count, share, days):
    with translation.override(language):
        assert format_value(1234, "count") == count
        assert format_value(45.26, "percent").replace(" ", "").replace("\xa0", "") == share
        # The words are translated; the number is what this test pins.
        assert format_value(12.5, "days").startswith(days.split(" ")[0])
        assert format_value(None, "count") == str(translation.gettext("no value"))


def test_changes_carry_their_sign():
    assert format_change(3, "count") == "+3"
    assert format_change(-1.5, "days") == "\u22121.5 days"
    assert format_change(0, "count") == "0"
    # Shares change by percentage points: 71.8% - 70.0% = +1.8 points.
    assert format_change(1.8, "percent") == "+1.8 points"
    assert format_value(2.5, "count") == "2.5"
    assert format_value(2.25, "count") == "2.25"
    assert unit_label("percent") == "per cent"
