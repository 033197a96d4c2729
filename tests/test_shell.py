"""The multilingual shell: home page, navigation, language switching, health and the API."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Where to start"),
        ("fr", "Par où commencer"),
        ("es", "Por dónde empezar"),
    ],
)
def test_home_page_is_served_in_three_languages(client, language, heading):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert heading in html
    # Landmarks and the skip link of an accessible layout.
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert html.count("<nav") >= 2


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_navigation_links_every_area(client):
    html = client.get("/en/").content.decode()
    for url_name in [
        "needs:index",
        "partners:index",
        "matchmaking:index",
        "elearning:index",
        "monitoring:index",
        "vocabularies:index",
    ]:
        with translation.override("en"):
            url = reverse(url_name)
        assert f'href="{url}"' in html, url_name
    assert 'href="/api/v1/"' in html


@pytest.mark.parametrize(
    "url", ["/en/needs/", "/fr/partners/", "/es/matchmaking/", "/en/learning/", "/fr/dashboards/"]
)
def test_area_pages_render_and_mark_current_area(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


def test_language_switcher_links_to_the_same_page_in_each_language(client):
    page = client.get("/en/learning/courses/?q=coral&page=1").content.decode()
    switcher = page[page.index('class="language-switcher"') :].split("</nav>")[0]
    assert 'href="/fr/learning/courses/?q=coral&amp;page=1" lang="fr"' in switcher
    assert 'href="/es/learning/courses/?q=coral&amp;page=1" lang="es"' in switcher
    assert 'lang="en" hreflang="en" aria-current="true">English' in switcher
    french = client.get("/fr/learning/courses/?q=coral&page=1")
    assert french.status_code == 200
    assert '<html lang="fr"' in french.content.decode()


def test_health_reports_database_and_cache(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    body = response.json()
    assert any("Database" in name for name in body)
    assert any("Cache" in name for name in body)
    assert all(status == "OK" for status in body.values())


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    from health_check.checks import Database
    from health_check.exceptions import ServiceUnavailable

    def broken(self):
        raise ServiceUnavailable("database unreachable")

    monkeypatch.setattr(Database, "run", broken)
    response = client.get("/health/?format=json")
    assert response.status_code == 503


def test_openapi_schema_is_generated(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/countries/" in schema["paths"]
    assert "/api/v1/gbf-targets/{code}/" in schema["paths"]


def test_api_docs_are_served_without_a_cdn(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet comes from this server, none from another host.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_api_root_lists_collections(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["countries"].endswith("/api/v1/countries/")
    assert body["schema"].endswith("/api/v1/schema/")


def test_api_page_size_is_capped(client):
    response = client.get("/api/v1/countries/?page_size=1000", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_unknown_filter_parameter_is_rejected(client):
    response = client.get("/api/v1/countries/?regoin=002", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "regoin" in response.json()
