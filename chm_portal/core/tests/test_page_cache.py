"""Public pages served to anonymous visitors from the cache, dropped when their records change."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.urls import get_resolver

from chm_portal.core.page_cache import cached_page_names, public_pages_changed
from needs.models import Need
from needs.tests.test_registry import registry_need

pytestmark = pytest.mark.django_db

REGISTRY = "/en/needs/registry/"


def _view_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _view_names(pattern, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_cached_page_name_is_a_url_of_the_portal():
    assert set(cached_page_names()) <= _view_names()
    assert "needs:registry" in cached_page_names()


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, country_a, django_assert_num_queries
):
    registry_need(country_a, title="Seagrass mapping in Lamu")
    first = client.get(REGISTRY)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(REGISTRY)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Seagrass mapping in Lamu" in second.content.decode()
    # The headers of the middleware around the cache are there on a hit too.
    assert second["Content-Type"].startswith("text/html")
    assert second["X-Content-Type-Options"] == "nosniff"


def test_a_change_made_through_the_orm_shows_at_the_next_visit(client, country_a):
    need = registry_need(country_a, title="Seagrass mapping in Lamu")
    client.get(REGISTRY)
    need.title = "Seagrass and dugong survey in Lamu"
    need.save()
    page = client.get(REGISTRY)
    assert page["X-Page-Cache"] == "miss"
    assert "Seagrass and dugong survey in Lamu" in page.content.decode()


def test_a_change_of_a_related_app_drops_the_page_too(client, country_a):
    registry_need(country_a)
    client.get(REGISTRY)
    country_a.name = "Republic of Kenya"
    country_a.save()  # vocabularies: the registry depends on it
    assert client.get(REGISTRY)["X-Page-Cache"] == "miss"


def test_writes_without_signals_are_covered_by_an_explicit_call(client, country_a):
    need = registry_need(country_a, title="Seagrass mapping in Lamu")
    client.get(REGISTRY)
    Need.objects.filter(pk=need.pk).update(title="Mangrove nursery in Lamu")
    assert client.get(REGISTRY)["X-Page-Cache"] == "hit"  # until the cache expires (<= 60 s)
    public_pages_changed("needs")
    page = client.get(REGISTRY)
    assert "Mangrove nursery in Lamu" in page.content.decode()


def test_each_language_and_query_is_a_page_of_its_own(client, country_a):
    registry_need(country_a)
    client.get(REGISTRY)
    french = client.get("/fr/needs/registry/")
    assert french["X-Page-Cache"] == "miss"
    assert 'lang="fr"' in french.content.decode()
    assert client.get(REGISTRY + "?q=seagrass")["X-Page-Cache"] == "miss"
    assert client.get("/fr/needs/registry/")["X-Page-Cache"] == "hit"


def test_signed_in_people_get_their_own_page_and_do_not_fill_the_cache(
    client, focal_point_a, country_a
):
    registry_need(country_a)
    client.force_login(focal_point_a)
    page = client.get(REGISTRY)
    assert not page.has_header("X-Page-Cache")
    assert "Sign out" in page.content.decode()
    anonymous = Client().get(REGISTRY)
    assert anonymous["X-Page-Cache"] == "miss"
    assert "Sign out" not in anonymous.content.decode()


def test_a_visitor_with_a_message_waiting_sees_it(client, country_a):
    registry_need(country_a)
    client.get(REGISTRY)
    # A message waiting in the cookie storage, as after a redirect.
    storage = CookieStorage(HttpRequest())
    encoded = storage._encode([_message("Your email address is confirmed.")])
    client.cookies["messages"] = encoded
    page = client.get(REGISTRY)
    assert not page.has_header("X-Page-Cache")
    assert "Your email address is confirmed." in page.content.decode()


def _message(text):
    from django.contrib.messages.storage.base import Message

    return Message(constants.SUCCESS, text)


def test_pages_not_registered_are_never_cached(client):
    page = client.get("/en/accounts/login/")
    assert not page.has_header("X-Page-Cache")


def test_the_cache_can_be_turned_off(client, country_a, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    registry_need(country_a)
    client.get(REGISTRY)
    assert not client.get(REGISTRY).has_header("X-Page-Cache")


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/needs/registry/",
        "/en/needs/capacity/",
        "/en/partners/",
        "/en/partners/offers/",
        "/en/partners/organisations/",
        "/en/learning/",
        "/en/learning/courses/",
        "/en/dashboards/",
        "/en/dashboards/gaps/",
        "/en/dashboards/countries/",
        "/en/reference/",
        "/en/search/?q=water",
    ],
)
def test_public_pages_hold_nothing_personal_and_are_cached(client, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss", "the page set a cookie or used a CSRF token"
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
