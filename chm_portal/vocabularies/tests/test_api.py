"""The read-only reference-data API at /api/v1/: every endpoint, lookups by code, filters."""

import pytest
from django.urls import reverse

from chm_portal.vocabularies.api.urls import API_BASENAMES
from chm_portal.vocabularies.models import BeneficiaryType, Country, Language, ThematicArea

pytestmark = pytest.mark.django_db

CONTENT_LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru"]

# Prefix -> (a code to look up, total records).
ENDPOINTS = {
    "countries": ("DZ", 250),
    "regions": ("002", 29),
    "regional-groups": ("AFRICAN", 5),
    "country-groups": ("SIDS", 4),
    "gbf-goals": ("GBF-GA", 4),
    "gbf-targets": ("GBF-T3", 23),
    "aichi-strategic-goals": ("C", 5),
    "aichi-targets": ("AICHI-T11", 20),
    "sdgs": ("SDG15", 17),
    "thematic-areas": ("protected_areas", 28),
    "support-types": ("training", 11),
    "capacity-levels": ("individual", 3),
    "organisation-types": ("iplc", 11),
    "resource-types": ("toolkit", 8),
    "opportunity-types": ("fellowship", 6),
    "event-types": ("webinar", 5),
    "priorities": ("high", 3),
    "languages": ("fr", 184),  # the portal's 11, and every other ISO 639-1 language (inactive)
    "beneficiary-types": ("iplc", 13),
}


def test_every_endpoint_is_registered_under_its_basename():
    assert set(API_BASENAMES) == set(ENDPOINTS)
    assert reverse("country-list") == "/api/v1/countries/"
    assert reverse("priority-detail", kwargs={"code": "high"}) == "/api/v1/priorities/high/"
    assert reverse("aichi-strategic-goal-list") == "/api/v1/aichi-strategic-goals/"
    assert reverse("language-detail", kwargs={"code": "fr"}) == "/api/v1/languages/fr/"
    assert reverse("beneficiary-type-list") == "/api/v1/beneficiary-types/"


@pytest.mark.parametrize("prefix", ENDPOINTS)
def test_list_is_public_and_paginated(api_client, prefix):
    code, total = ENDPOINTS[prefix]
    response = api_client.get(f"/api/v1/{prefix}/", {"page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == total
    assert len(body["results"]) == min(total, 100)
    assert code in [item["code"] for item in body["results"]]


@pytest.mark.parametrize("prefix", ENDPOINTS)
def test_detail_is_looked_up_by_code(api_client, prefix):
    code, _total = ENDPOINTS[prefix]
    response = api_client.get(f"/api/v1/{prefix}/{code}/")

    assert response.status_code == 200
    assert response.json()["code"] == code
    assert api_client.get(f"/api/v1/{prefix}/NO-SUCH-CODE/").status_code == 404


@pytest.mark.parametrize("prefix", ENDPOINTS)
def test_writes_are_not_allowed(api_client, prefix):
    code, _total = ENDPOINTS[prefix]
    assert api_client.post(f"/api/v1/{prefix}/", {"code": "x"}).status_code == 405
    assert api_client.delete(f"/api/v1/{prefix}/{code}/").status_code == 405


def test_country_detail_has_codes_groups_and_every_language(api_client):
    response = api_client.get("/api/v1/countries/HT/")

    assert response.json() == {
        "code": "HT",
        "name": "Haiti",
        "names": {
            "en": "Haiti",
            "fr": "Haïti",
            "es": "Haití",
            "ar": "",
            "zh-hans": "",
            "ru": "",
        },
        "iso3": "HTI",
        "m49": "332",
        "region": "019",
        "subregion": "419",
        "intermediate_region": "029",
        "regional_group": "GRULAC",
        "groups": ["LDC", "SIDS"],
        "is_cbd_party": True,
    }


def test_eu_has_no_region(api_client):
    body = api_client.get("/api/v1/countries/EU/").json()

    assert (body["region"], body["regional_group"], body["is_cbd_party"]) == (None, None, True)


def test_name_follows_the_requested_language(api_client):
    response = api_client.get("/api/v1/countries/DZ/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["name"] == "Algérie"
    assert response.json()["names"]["es"] == "Argelia"


def test_every_record_has_a_names_dict_with_every_content_language(api_client):
    for prefix in (
        "regions",
        "regional-groups",
        "thematic-areas",
        "country-groups",
        "languages",
        "beneficiary-types",
    ):
        for item in api_client.get(f"/api/v1/{prefix}/").json()["results"]:
            assert list(item["names"]) == CONTENT_LANGUAGES
            assert item["names"]["en"] == item["name"]
            assert item["names"]["fr"]


def test_target_has_titles_texts_and_section(api_client):
    body = api_client.get("/api/v1/gbf-targets/GBF-T3/").json()

    assert body["number"] == 3
    assert body["section"] == "reducing_threats"
    assert body["section_label"] == "Reducing threats to biodiversity"
    assert body["title"] == "30% of areas are effectively conserved"
    assert list(body["titles"]) == CONTENT_LANGUAGES
    assert body["titles"]["fr"].startswith("30")
    assert body["text"].startswith("Ensure and enable that by 2030 at least 30 per cent")
    assert body["texts"]["ru"] == ""


def test_aichi_target_points_to_its_strategic_goal(api_client):
    body = api_client.get("/api/v1/aichi-targets/AICHI-T11/").json()

    assert body["strategic_goal"] == "C"
    assert body["keyword"] == "Protected areas"
    assert body["texts"]["fr"] == ""  # No French text in the files.


def test_term_has_position_and_active_flag(api_client):
    body = api_client.get("/api/v1/priorities/").json()

    assert [(t["code"], t["position"], t["is_active"]) for t in body["results"]] == [
        ("high", 1, True),
        ("medium", 2, True),
        ("low", 3, True),
    ]


def test_language_detail_has_its_names_in_every_file_language(api_client):
    response = api_client.get("/api/v1/languages/zh/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json() == {
        "code": "zh",
        "name": "Chinois",
        "names": {
            "en": "Chinese",
            "fr": "Chinois",
            "es": "Chino",
            "ar": "",
            "zh-hans": "",
            "ru": "",
        },
        "position": 5,
        "is_active": True,
    }


def test_beneficiary_types_are_listed_in_file_order(api_client):
    body = api_client.get("/api/v1/beneficiary-types/", {"page_size": 100}).json()

    codes = [item["code"] for item in body["results"]]
    assert codes[:3] == ["women", "youth", "iplc"]
    assert codes[-1] == "general_public"
    assert codes == list(BeneficiaryType.objects.values_list("code", flat=True))
    spanish = api_client.get("/api/v1/beneficiary-types/women/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["name"] == "Mujeres"


def test_portal_vocabularies_filter_on_active(api_client):
    Language.objects.filter(code="hi").update(is_active=False)

    active = _codes(api_client.get("/api/v1/languages/", {"is_active": "true", "page_size": 100}))

    assert active == {"en", "fr", "es", "ar", "zh", "ru", "pt", "sw", "de", "id"}
    assert api_client.get("/api/v1/languages/", {"is_active": "false"}).json()["count"] == 174


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None, "ask for a page size that holds every result"
    return {item["code"] for item in body["results"]}


def test_region_filter_includes_sub_and_intermediate_regions(api_client):
    africa = _codes(api_client.get("/api/v1/countries/", {"region": "002", "page_size": 100}))
    middle_africa = _codes(api_client.get("/api/v1/countries/", {"region": "017"}))

    assert len(africa) == 54
    assert {"DZ", "AO", "ZA"} <= africa
    assert "AO" in middle_africa
    assert middle_africa < africa


def test_group_filter(api_client):
    sids = _codes(api_client.get("/api/v1/countries/", {"group": "SIDS", "page_size": 100}))

    assert len(sids) == 39
    assert {"FJ", "HT", "CK"} <= sids
    assert sids == set(Country.objects.filter(is_sids=True).values_list("code", flat=True))


def test_party_and_regional_group_filters(api_client):
    parties = api_client.get("/api/v1/countries/", {"is_cbd_party": "true"}).json()
    non_parties = _codes(
        api_client.get("/api/v1/countries/", {"is_cbd_party": "false", "page_size": 100})
    )
    weog_non_parties = _codes(
        api_client.get("/api/v1/countries/", {"regional_group": "WEOG", "is_cbd_party": "false"})
    )

    assert parties["count"] == 196
    assert {"US", "VA", "AW"} <= non_parties
    assert weog_non_parties == {"US"}


def test_country_code_filter_ignores_case(api_client):
    assert _codes(api_client.get("/api/v1/countries/", {"code": "dz"})) == {"DZ"}


def test_region_and_gbf_target_filters(api_client):
    africa_parts = _codes(api_client.get("/api/v1/regions/", {"parent": "002"}))
    top_level = _codes(api_client.get("/api/v1/regions/", {"level": "region"}))
    meeting_needs = _codes(api_client.get("/api/v1/gbf-targets/", {"section": "meeting_needs"}))

    assert africa_parts == {"015", "202"}
    assert top_level == {"002", "009", "019", "142", "150"}
    assert meeting_needs == {f"GBF-T{n}" for n in range(9, 14)}


def test_term_active_filter(api_client):
    ThematicArea.objects.filter(code="urban").update(is_active=False)

    inactive = _codes(api_client.get("/api/v1/thematic-areas/", {"is_active": "false"}))

    assert inactive == {"urban"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/countries/?regoin=002",
        "/api/v1/gbf-targets/?goal=A",
        "/api/v1/sdgs/?number=1",
        "/api/v1/thematic-areas/?name=forests",
    ],
)
def test_unknown_filter_parameter_is_rejected(api_client, url):
    response = api_client.get(url)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "params", [{"region": "999"}, {"group": "G77"}, {"regional_group": "NOPE"}]
)
def test_unknown_filter_value_is_rejected(api_client, params):
    assert api_client.get("/api/v1/countries/", params).status_code == 400


def test_country_list_query_count_does_not_grow_with_rows(api_client, django_assert_num_queries):
    # 1. count for pagination, 2. the page of countries with regions and group joined.
    with django_assert_num_queries(2):
        response = api_client.get("/api/v1/countries/", {"page_size": 100})
    assert len(response.json()["results"]) == 100

    # 1. the regions (to check the region code), 2. count, 3. the page.
    with django_assert_num_queries(3):
        api_client.get("/api/v1/countries/", {"region": "002", "page_size": 100})


def test_target_and_region_lists_query_counts(api_client, django_assert_num_queries):
    # Count and page; the strategic goal and the parent region are joined.
    with django_assert_num_queries(2):
        api_client.get("/api/v1/aichi-targets/")
    with django_assert_num_queries(2):
        api_client.get("/api/v1/regions/", {"page_size": 100})


def test_api_root_lists_the_reference_endpoints(api_client):
    body = api_client.get("/api/v1/").json()

    for prefix in ENDPOINTS:
        assert body[prefix].endswith(f"/api/v1/{prefix}/")


def test_schema_documents_the_names_dict(api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert set(schemas["Translations"]["properties"]) == set(CONTENT_LANGUAGES)
    assert schemas["Country"]["properties"]["names"]["allOf"] == [
        {"$ref": "#/components/schemas/Translations"}
    ]
    assert schemas["Country"]["properties"]["region"]["nullable"] is True
