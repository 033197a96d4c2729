"""The shared export, feed and search helpers, on plain rows and on the reference data."""

import csv
import datetime
import gc
import io
import json
import weakref
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.test import RequestFactory, override_settings
from django.utils.translation import gettext_lazy as _

from chm_portal.core.exports import (
    csv_cell,
    iterate_rows,
    json_ld_script,
    neutralise_formula,
    stream_csv,
    stream_json,
)
from chm_portal.core.feeds import filter_query_string, tag_uri, with_query
from chm_portal.core.search import apply_full_text_search, query_words, search_config_for
from chm_portal.vocabularies.models import Country, Region


def content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


COLUMNS = [
    ("name", lambda row: row["name"]),
    ("score", lambda row: row["score"]),
    ("tags", lambda row: row["tags"]),
]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=cmd()", "'=cmd()"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_triggers_are_neutralised(text, safe):
    assert neutralise_formula(text) == safe


def test_cells_keep_numbers_and_join_lists():
    assert csv_cell(None) == ""
    assert csv_cell(-5) == -5
    assert csv_cell(Decimal("-1.50")) == Decimal("-1.50")
    assert csv_cell(True) == "true"
    assert csv_cell(["GBF-T1", "GBF-T6"]) == "GBF-T1;GBF-T6"
    assert csv_cell(["=1", "x"]) == "'=1;x"


def test_stream_csv_writes_a_bom_a_header_and_safe_rows():
    rows = [
        {"name": '=HYPERLINK("http://evil")', "score": -3, "tags": ["a", "b"]},
        {"name": "Line\nbreak, and comma", "score": 2, "tags": []},
    ]

    response = stream_csv(iter(rows), COLUMNS, "scores.csv")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scores.csv"'
    text = content(response)
    assert text.startswith("\ufeffname,score,tags\r\n")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert parsed == [
        ["name", "score", "tags"],
        ['\'=HYPERLINK("http://evil")', "-3", "a;b"],
        ["Line\nbreak, and comma", "2", ""],
    ]


def test_stream_json_is_one_valid_array_even_when_empty():
    assert json.loads(content(stream_json([], dict))) == []

    response = stream_json(
        iter([{"n": 1, "label": _("Country")}, {"n": Decimal("2.5")}]), dict, "n.json"
    )

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="n.json"'
    assert json.loads(content(response)) == [{"n": 1, "label": "Country"}, {"n": "2.5"}]


@pytest.mark.django_db
def test_querysets_are_read_in_chunks_with_their_prefetches(django_assert_num_queries):
    regions = Region.objects.filter(level=Region.Level.REGION).prefetch_related(
        Prefetch("countries_in_region", queryset=Country.objects.order_by("code"))
    )
    columns = [
        ("region", lambda region: region.code),
        (
            "countries",
            lambda region: [country.code for country in region.countries_in_region.all()],
        ),
    ]

    response = stream_csv(regions, columns, chunk_size=2)
    # One query for the five M49 regions, read two at a time: three chunks, each with its
    # prefetch of countries.
    with django_assert_num_queries(4):
        rows = list(csv.DictReader(io.StringIO(content(response).removeprefix("\ufeff"))))

    africa = next(row for row in rows if row["region"] == "002")
    assert "KE" in africa["countries"].split(";")
    assert len(rows) == 5


@pytest.mark.django_db
def test_rows_written_are_freed_without_the_garbage_collector():
    """Each row's prefetched relations are dropped once it is written: the reference cycle
    (region -> its countries -> region) is broken, so the row goes as soon as the export moves
    on, even with the collector off."""
    regions = Region.objects.filter(level=Region.Level.REGION).prefetch_related(
        "countries_in_region"
    )
    alive = []
    gc.disable()
    try:
        for region in iterate_rows(regions, chunk_size=2):
            assert region.countries_in_region.all()  # prefetched: no query
            alive.append(weakref.ref(region))
        del region
    finally:
        gc.enable()
    assert len(alive) == 5
    assert [ref for ref in alive if ref() is not None] == []


def test_json_ld_script_escapes_html():
    html = json_ld_script({"name": "</script><script>alert(1)</script> & more"})

    assert html.startswith('<script type="application/ld+json">')
    assert "</script><script>" not in html
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner) == {"name": "</script><script>alert(1)</script> & more"}


# --- Feeds ----------------------------------------------------------------------------------------
def test_filter_query_string_drops_pagination():
    request = RequestFactory().get("/", {"target": ["GBF-T1", "GBF-T3"], "page": "2"})

    assert filter_query_string(request.GET) == "target=GBF-T1&target=GBF-T3"
    assert with_query("/feed/", "") == "/feed/"
    assert with_query("/feed/", "a=1") == "/feed/?a=1"


@override_settings(SITE_URL="https://chm.example.org")
def test_tag_uri_uses_the_site_host_and_a_fixed_date():
    assert tag_uri("NEED-2026-00001", datetime.date(2026, 1, 5)) == (
        "tag:chm.example.org,2026-01-05:NEED-2026-00001"
    )


# --- Search ---------------------------------------------------------------------------------------
def test_search_configuration_follows_the_language():
    assert search_config_for("en") == "english"
    assert search_config_for("fr-ca") == "french"
    assert search_config_for("es") == "spanish"
    assert search_config_for("sw") == "simple"
    assert search_config_for(None) == "simple"


def test_query_words_for_the_fallback():
    assert query_words('"sea grass" or -coral  mangroves') == (
        ["sea", "grass", "mangroves"],
        ["coral"],
    )


@pytest.mark.django_db
def test_full_text_search_on_any_model():
    countries = Country.objects.all()

    found = apply_full_text_search(countries, "Kenya", fields={"name": "A"}, language="en")

    assert [country.code for country in found] == ["KE"]
    assert apply_full_text_search(countries, "  ", fields={"name": "A"}) is countries
    with pytest.raises(ValueError):
        apply_full_text_search(countries, "Kenya", fields={"name": "E"})
