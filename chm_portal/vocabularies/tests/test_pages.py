"""The reference-data pages at /<language>/reference/, in English, French and Spanish."""

import pytest
from django.urls import reverse
from django.utils import translation

from chm_portal.vocabularies.filtersets import CountryFilterSet

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es"]


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def test_page_addresses():
    assert _url("vocabularies:index", "en") == "/en/reference/"
    assert _url("vocabularies:country_list", "fr") == "/fr/reference/countries/"
    assert _url("vocabularies:target_list", "es") == "/es/reference/targets/"
    assert (
        _url("vocabularies:term_list", "en", slug="thematic-areas")
        == "/en/reference/terms/thematic-areas/"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_index_lists_every_vocabulary_with_counts(client, language, django_assert_max_num_queries):
    # One count per list (19: 11 flat vocabularies, 8 other lists), nothing per row.
    with django_assert_max_num_queries(19):
        response = client.get(_url("vocabularies:index", language))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert f'lang="{language}"' in html
    for slug in (
        "thematic-areas",
        "support-types",
        "priorities",
        "languages",
        "beneficiary-types",
        "country-groups",
    ):
        assert _url("vocabularies:term_list", language, slug=slug) in html
        assert f"/api/v1/{slug}/" in html
    assert _url("vocabularies:country_list", language) in html
    assert _url("vocabularies:target_list", language) in html
    assert "<td>250</td>" in html
    assert "<td>28</td>" in html


@pytest.mark.parametrize(
    ("language", "algeria", "africa"),
    [("en", "Algeria", "Africa"), ("fr", "Algérie", "Afrique"), ("es", "Argelia", "África")],
)
def test_country_list_shows_names_in_the_page_language(client, language, algeria, africa):
    response = client.get(_url("vocabularies:country_list", language))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert f'<th scope="row">{algeria}</th>' in html
    assert f'<option value="002">{africa}</option>' in html
    assert len(response.context["countries"]) == 250


def test_region_choices_survive_the_schema_generator(client):
    # drf-spectacular builds the class-level filter fields once; pages must still list regions.
    CountryFilterSet.base_filters["region"].field  # noqa: B018

    html = client.get(_url("vocabularies:country_list", "en")).content.decode()

    assert '<option value="002">Africa</option>' in html


def test_country_list_form_fields_are_labelled(client):
    html = client.get(_url("vocabularies:country_list", "en")).content.decode()

    for name in ("code", "region", "regional_group", "group", "is_cbd_party"):
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html
    assert "<caption>" in html


def test_country_list_filters_by_region_group_and_party(client):
    url = _url("vocabularies:country_list", "en")

    africa = client.get(url, {"region": "002"}).context["countries"]
    african_sids = client.get(url, {"region": "002", "group": "SIDS"}).context["countries"]
    non_parties = client.get(url, {"is_cbd_party": "false", "regional_group": "WEOG"}).context[
        "countries"
    ]

    assert len(africa) == 54
    assert {c.code for c in african_sids} == {"CV", "KM", "GW", "MU", "ST", "SC"}
    assert [c.code for c in non_parties] == ["US"]


def test_country_list_shows_an_error_for_an_unknown_region(client):
    response = client.get(_url("vocabularies:country_list", "en"), {"region": "999"})

    assert response.status_code == 200
    assert list(response.context["countries"]) == []
    assert response.context["filter"].errors["region"]
    assert "No country matches these filters." in response.content.decode()


def test_country_list_query_count_is_constant(client, django_assert_num_queries):
    url = _url("vocabularies:country_list", "fr")
    # 1. regions (choices of the region filter), 2. regional groups (select), 3. country groups
    # (select), 4. countries with their regions and regional group joined, 5. country groups
    # (legend). Without joins the 250 rows would cost 4 more queries each.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert "Algérie" in response.content.decode()

    # Filtering adds the checks of the group and regional group codes.
    with django_assert_num_queries(7):
        client.get(url, {"region": "002", "group": "SIDS", "regional_group": "AFRICAN"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_target_list_shows_gbf_aichi_and_sdgs(client, language, django_assert_num_queries):
    # GBF goals, GBF targets, Aichi targets with their strategic goal joined, SDGs.
    with django_assert_num_queries(4):
        response = client.get(_url("vocabularies:target_list", language))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    for code in ("GBF-GA", "GBF-GD", "GBF-T1", "GBF-T23", "AICHI-T1", "AICHI-T20", "SDG17"):
        assert f"<code>{code}</code>" in html


def test_target_list_in_french_and_spanish_uses_translated_titles(client):
    french = client.get(_url("vocabularies:target_list", "fr")).content.decode()
    spanish = client.get(_url("vocabularies:target_list", "es")).content.decode()

    assert "Sensibilisation aux valeurs de la biodiversité" in french
    assert "Conciencia de los valores de la biodiversidad" in spanish
    assert "Pas de pauvreté" in french


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Protected and conserved areas"),
        ("fr", "Aires protégées et conservées"),
        ("es", "Áreas protegidas y conservadas"),
    ],
)
def test_term_list_shows_codes_and_names(client, language, name, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(_url("vocabularies:term_list", language, slug="thematic-areas"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "<code>protected_areas</code>" in html
    assert name in html
    assert "/api/v1/thematic-areas/" in html


def test_term_list_of_an_unknown_vocabulary_is_not_found(client):
    response = client.get(_url("vocabularies:term_list", "en", slug="no-such-list"))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("slug", "language", "code", "name"),
    [
        ("languages", "en", "sw", "Swahili"),
        ("languages", "fr", "en", "Anglais"),
        ("languages", "es", "zh", "Chino"),
        ("beneficiary-types", "en", "iplc", "Indigenous peoples and local communities"),
        ("beneficiary-types", "fr", "women", "Femmes"),
        ("beneficiary-types", "es", "persons_with_disabilities", "Personas con discapacidad"),
    ],
)
def test_portal_vocabularies_have_term_pages(client, slug, language, code, name):
    response = client.get(_url("vocabularies:term_list", language, slug=slug))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<code>{code}</code>" in html
    assert name in html
    assert f"/api/v1/{slug}/" in html
