"""The indicators' API: ``/api/v1/indicators/``, ``/{code}/`` and ``/{code}/values/``.

The registry is replaced by three indicators built here, and their values are stored by hand
(the API reads stored values only): ``T.1`` (activity 2, target 50, by region and country),
``T.2`` (activity 9, per cent, no target) and ``P.8`` (the portal, days, nothing stored yet).
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from monitoring import indicators as registry
from monitoring.api.indicators import ROUTES
from monitoring.indicators.base import Computed, Indicator, Result, Unit
from monitoring.tests.factories import IndicatorValueFactory

JAN, FEB, MAR = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)


def _indicator(code, activity, unit, dimensions=(), **options) -> Indicator:
    return Indicator(
        code=code,
        activity=activity,
        name=f"Indicator {code}",
        description=f"What {code} measures.",
        computation=f"How {code} is computed.",
        unit=unit,
        measure=Computed(lambda as_of: Result(total=None), dimensions=dimensions),
        **options,
    )


PARTNERS = _indicator(
    "T.1",
    2,
    Unit.COUNT,
    ("region", "country", "year"),
    target=50,
    additive=frozenset({"region", "country"}),
)
LINKED = _indicator("T.2", 9, Unit.PERCENT, ("target",))
DELAY = _indicator("P.8", 0, Unit.DAYS, higher_is_better=False)


@pytest.fixture(autouse=True)
def small_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {i.code: i for i in (DELAY, LINKED, PARTNERS)})


@pytest.fixture
def values(db):
    """T.1 on three month-ends (totals 30, 35, 40; in March by region Africa 25, Americas 10,
    not known 5); T.2 in February only (62.5 %)."""
    for day, total in ((JAN, 30), (FEB, 35), (MAR, 40)):
        IndicatorValueFactory(indicator="T.1", date=day, value=total)
    for key, value in (("002", 25), ("019", 10), ("unknown", 5)):
        IndicatorValueFactory(indicator="T.1", date=MAR, dimension="region", key=key, value=value)
    IndicatorValueFactory(indicator="T.1", date=MAR, dimension="country", key="KE", value=7)
    IndicatorValueFactory(indicator="T.2", date=FEB, value=62.5)


def get(client, url, **headers):
    return client.get(url, HTTP_ACCEPT="application/json", **headers)


# --- The list ---------------------------------------------------------------------------------
def test_list_gives_every_indicator_in_dashboard_order(api_client, values):
    response = get(api_client, "/api/v1/indicators/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    # By activity (the portal's own last), then by code.
    assert [row["code"] for row in body["results"]] == ["T.1", "T.2", "P.8"]
    first = body["results"][0]
    assert first == {
        "code": "T.1",
        "activity": 2,
        "activity_name": "Databases of initiatives, resources, opportunities and providers",
        "name": "Indicator T.1",
        "description": "What T.1 measures.",
        "computation": "How T.1 is computed.",
        "unit": "count",
        "target": 50.0,
        # The total of the last day computed (31 March): 40; 40 / 50 = 80 % of the target.
        "latest_value": 40.0,
        "latest_date": "2026-03-31",
        "progress": 80.0,
        "dimensions": ["region", "country", "year"],
        "page_url": "http://testserver/en/dashboards/indicators/T.1/",
        "values_url": "http://testserver/api/v1/indicators/T.1/values/",
    }
    second, third = body["results"][1:]
    assert (second["latest_value"], second["latest_date"], second["progress"]) == (
        62.5,
        "2026-02-28",
        None,  # no target
    )
    assert (third["latest_value"], third["latest_date"], third["progress"]) == (None, None, None)


def test_list_filters_by_activity_and_unit(api_client, values):
    by_activity = get(api_client, "/api/v1/indicators/?activity=9").json()
    by_unit = get(api_client, "/api/v1/indicators/?unit=days").json()
    portal = get(api_client, "/api/v1/indicators/?activity=0&unit=days").json()
    none = get(api_client, "/api/v1/indicators/?activity=2&unit=percent").json()

    assert [row["code"] for row in by_activity["results"]] == ["T.2"]
    assert [row["code"] for row in by_unit["results"]] == ["P.8"]
    assert [row["code"] for row in portal["results"]] == ["P.8"]
    assert none["count"] == 0


def test_list_is_paginated(api_client, values):
    body = get(api_client, "/api/v1/indicators/?page_size=2&page=2").json()

    assert body["count"] == 3
    assert [row["code"] for row in body["results"]] == ["P.8"]
    assert body["previous"].endswith("/api/v1/indicators/?page_size=2")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("activity=15", "activity", "is not a valid choice"),
        ("activity=two", "activity", "is not a valid choice"),
        ("unit=euros", "unit", "is not a valid choice"),
        ("activty=2", "activty", "Unknown filter parameter. Allowed: activity, format, ordering"),
    ],
)
def test_list_refuses_bad_filters(api_client, db, query, field, message):
    response = get(api_client, f"/api/v1/indicators/?{query}")

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_bad_filters_are_explained_in_the_language_of_the_request(api_client, db):
    response = get(api_client, "/api/v1/indicators/?unit=euros", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "n'est pas un choix valide" in response.json()["unit"][0]


def test_list_costs_one_query_whatever_the_history(api_client, values, django_assert_num_queries):
    # 1. the latest total of each indicator (one query with a subquery).
    with django_assert_num_queries(1):
        assert get(api_client, "/api/v1/indicators/").status_code == 200
    for month in range(1, 13):
        IndicatorValueFactory(indicator="T.2", date=datetime.date(2025, month, 1), value=month)
    with django_assert_num_queries(1):
        assert get(api_client, "/api/v1/indicators/").status_code == 200


# --- One indicator ----------------------------------------------------------------------------
def test_detail_of_an_indicator_whose_code_has_a_dot(api_client, values):
    response = get(api_client, "/api/v1/indicators/T.1/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "T.1"
    assert body["latest_value"] == 40.0
    assert body["additive"] == ["region", "country"]
    assert (body["historical"], body["higher_is_better"], body["target_note"]) == (
        True,
        True,
        "",
    )
    portal = get(api_client, "/api/v1/indicators/P.8/").json()
    assert (portal["code"], portal["higher_is_better"], portal["unit"]) == ("P.8", False, "days")


@pytest.mark.parametrize("code", ["9.99", "T1", "t.1", "T.1.2"])
def test_detail_of_an_unknown_code_is_404(api_client, db, code):
    assert get(api_client, f"/api/v1/indicators/{code}/").status_code == 404
    assert get(api_client, f"/api/v1/indicators/{code}/values/").status_code == 404


def test_detail_costs_one_query(api_client, values, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert get(api_client, "/api/v1/indicators/T.1/").status_code == 200


# --- Values -----------------------------------------------------------------------------------
def test_values_are_the_stored_totals_oldest_first(api_client, values):
    response = get(api_client, "/api/v1/indicators/T.1/values/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["results"] == [
        {"date": "2026-01-31", "key": "", "label": "Total", "value": 30.0},
        {"date": "2026-02-28", "key": "", "label": "Total", "value": 35.0},
        {"date": "2026-03-31", "key": "", "label": "Total", "value": 40.0},
    ]


def test_values_between_two_days_both_included(api_client, values):
    body = get(api_client, "/api/v1/indicators/T.1/values/?from=2026-02-28&to=2026-03-31").json()
    only_from = get(api_client, "/api/v1/indicators/T.1/values/?from=2026-02-01").json()
    only_to = get(api_client, "/api/v1/indicators/T.1/values/?to=2026-02-28").json()

    assert [row["date"] for row in body["results"]] == ["2026-02-28", "2026-03-31"]
    assert [row["value"] for row in only_from["results"]] == [35.0, 40.0]
    assert [row["value"] for row in only_to["results"]] == [30.0, 35.0]


def test_values_by_region_with_their_labels(api_client, values):
    body = get(api_client, "/api/v1/indicators/T.1/values/?by=region").json()

    # Keys in order ("002" < "019" < "unknown"); 25 + 10 + 5 = 40, the total of 31 March.
    assert body["results"] == [
        {"date": "2026-03-31", "key": "002", "label": "Africa", "value": 25.0},
        {"date": "2026-03-31", "key": "019", "label": "Americas", "value": 10.0},
        {"date": "2026-03-31", "key": "unknown", "label": "Not known", "value": 5.0},
    ]
    assert sum(row["value"] for row in body["results"]) == 40.0


def test_value_labels_are_in_the_language_of_the_request(api_client, values):
    french = get(
        api_client, "/api/v1/indicators/T.1/values/?by=region", HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    spanish = get(
        api_client, "/api/v1/indicators/T.1/values/?by=region", HTTP_ACCEPT_LANGUAGE="es"
    ).json()

    assert [row["label"] for row in french["results"]][:2] == ["Afrique", "Amériques"]
    assert [row["label"] for row in spanish["results"]][:2] == ["África", "Américas"]


def test_values_by_country(api_client, values):
    body = get(api_client, "/api/v1/indicators/T.1/values/?by=country").json()

    assert body["results"] == [{"date": "2026-03-31", "key": "KE", "label": "Kenya", "value": 7.0}]


def test_values_are_paginated(api_client, values):
    body = get(api_client, "/api/v1/indicators/T.1/values/?page_size=2").json()

    assert body["count"] == 3
    assert [row["value"] for row in body["results"]] == [30.0, 35.0]
    assert "page=2" in body["next"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-31-01", "from", "Date has wrong format"),
        ("to=tomorrow", "to", "Date has wrong format"),
        ("from=2026-03-01&to=2026-02-01", "to", "The end date comes before the start date."),
        ("by=planet", "by", "is not a valid choice"),
        (
            "by=target",
            "by",
            "Indicator T.1 is not broken down by target. Its breakdowns: region, country, year.",
        ),
        ("since=2026-01-01", "since", "Unknown filter parameter. Allowed: by, format, from"),
    ],
)
def test_values_refuse_bad_parameters(api_client, values, query, field, message):
    response = get(api_client, f"/api/v1/indicators/T.1/values/?{query}")

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_an_indicator_without_breakdowns_says_so(api_client, values):
    response = get(api_client, "/api/v1/indicators/P.8/values/?by=region")

    assert response.status_code == 400
    assert response.json()["by"] == [
        "Indicator P.8 is not broken down by region. Its breakdowns: none."
    ]


def test_a_bad_date_is_explained_in_french(api_client, values):
    response = get(
        api_client, "/api/v1/indicators/T.1/values/?from=hier", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert "La date n'a pas le bon format" in response.json()["from"][0]


def test_values_cost_the_same_queries_at_two_sizes(api_client, values, django_assert_num_queries):
    def by_region():
        assert get(api_client, "/api/v1/indicators/T.1/values/?by=region").status_code == 200

    def total():
        assert get(api_client, "/api/v1/indicators/T.1/values/").status_code == 200

    # Breakdown: 1. count, 2. the page of rows, 3. the names of the regions on the page.
    with django_assert_num_queries(3):
        by_region()
    # Total: 1. count, 2. the page (its label needs no query).
    with django_assert_num_queries(2):
        total()
    day = datetime.date(2025, 1, 1)
    for n in range(60):
        day += datetime.timedelta(days=1)
        IndicatorValueFactory(indicator="T.1", date=day, value=n)
        for key in ("002", "009", "142", "150"):
            IndicatorValueFactory(indicator="T.1", date=day, dimension="region", key=key, value=n)
    with django_assert_num_queries(3):
        by_region()
    with django_assert_num_queries(2):
        total()


# --- Schema -----------------------------------------------------------------------------------
# The indicators' routes alone, so that the schema check below speaks of them only.
_router = SimpleRouter()
for _prefix, _viewset, _basename in ROUTES:
    _router.register(_prefix, _viewset, basename=_basename)
urlpatterns = [path("api/v1/", include(_router.urls))]


def test_the_schema_of_the_indicators_builds_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--urlconf",
        __name__,
        "--file",
        str(target),
    )
    schema = target.read_text()
    for route in (
        "/api/v1/indicators/:",
        "/api/v1/indicators/{code}/:",
        "/api/v1/indicators/{code}/values/:",
    ):
        assert route in schema
    assert "name: from" in schema and "name: by" in schema


def test_the_whole_api_schema_lists_the_indicators(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/indicators/{code}/values/" in paths
