"""The portal-wide search: every database at once, grouped by type, best matches first, a
constant number of queries per database, public records only (SQLite fallback in this suite)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chm_portal.core.databases import registered
from chm_portal.core.portal_search import RESULTS_PER_DATABASE, search_all
from partners.models import RecordStatus
from tests.factories import EventFactory, OfferFactory, OrganisationFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def search(client, query: str):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response, response.content.decode()


def section(html: str, key: str) -> str:
    """The HTML of one database's group of results."""
    match = re.search(
        rf'<section aria-labelledby="group-{key}".*?</section>', html, flags=re.DOTALL
    )
    assert match, f"no group for {key}"
    return match.group(0)


def test_results_are_grouped_by_type_with_counts_and_a_link_to_each_list(client):
    OfferFactory(title="Mangrove restoration training")
    OfferFactory(title="Coral reef monitoring", description="Includes a day in the mangrove.")
    EventFactory(title="Mangrove webinar")
    ResourceFactory(title="Seagrass toolkit")

    _response, html = search(client, "mangrove")

    assert "3 records found for “mangrove”." in html
    offers = section(html, "offers")
    assert "<h3" in offers and "Offers of support" in offers and "(2 results)" in offers
    assert 'href="/en/partners/offers/?q=mangrove">See all 2 results in Offers of support' in offers
    events = section(html, "events")
    assert "Mangrove webinar" in events and "(1 result)" in events
    assert "Seagrass toolkit" not in html
    # Databases with nothing are listed apart, without a group of their own.
    assert 'aria-labelledby="group-resources"' not in html
    assert re.search(r"No results in</h3>.*Resources", html, flags=re.DOTALL)


def test_a_title_match_ranks_before_a_description_only_match(client):
    # Created first and so listed first by the offers' own ordering (newest first) if the
    # search did not rank: the description-only match.
    description_only = OfferFactory(
        title="Coral reef monitoring", description="Includes a day in the mangrove."
    )
    in_title = OfferFactory(title="Mangrove restoration training")
    description_only.published_at = in_title.published_at.replace(year=2099)
    description_only.save(update_fields=["published_at"])

    groups = {group.database.key: group for group in search_all("mangrove")}
    assert [hit.title for hit in groups["offers"].hits] == [
        "Mangrove restoration training",
        "Coral reef monitoring",
    ]

    _response, html = search(client, "mangrove")
    offers = section(html, "offers")
    assert offers.index("Mangrove restoration training") < offers.index("Coral reef monitoring")


def test_only_public_records_are_found(client):
    OfferFactory(title="Mangrove draft", status=RecordStatus.DRAFT)
    OfferFactory(
        title="Mangrove of a pending organisation",
        provider=OrganisationFactory(status="pending"),
    )

    _response, html = search(client, "mangrove")

    assert "0 records found" in html
    assert "Mangrove draft" not in html
    assert "pending organisation" not in html


def test_at_most_five_results_per_database_and_two_queries_each(
    client, django_assert_max_num_queries
):
    for number in range(RESULTS_PER_DATABASE + 3):
        OfferFactory(title=f"Mangrove offer {number}")
        EventFactory(title=f"Mangrove event {number}")

    # Per database: the count, then (when something matches) the five rows; nothing else.
    with django_assert_max_num_queries(2 * len(registered())):
        _response, html = search(client, "mangrove")

    offers = section(html, "offers")
    assert offers.count('<li class="card">') == RESULTS_PER_DATABASE
    assert "See all 8 results in Offers of support" in offers


def test_an_empty_query_shows_the_form_and_the_databases(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        _response, html = search(client, "   ")

    assert 'role="search"' in html
    assert '<label for="portal-q">' in html
    assert "Results" not in html
    for database in registered():
        assert str(database.label) in html


def test_a_long_query_is_capped(client):
    OfferFactory(title="Mangrove restoration training")

    _response, html = search(client, "mangrove " + "x" * 5000)

    assert 'maxlength="200"' in html
    value = re.search(r'id="portal-q" name="q" value="([^"]*)"', html).group(1)
    assert len(value) == 200


def test_the_header_links_to_the_search(client):
    response = client.get(reverse("home"))
    assert f'href="{reverse("search")}"' in response.content.decode()
