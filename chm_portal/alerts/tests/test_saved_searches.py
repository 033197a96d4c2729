"""Saving a database's filtered list, and managing one's saved searches: happy path, refused
lists, duplicates, and another person's searches (404)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chm_portal.alerts import services
from chm_portal.alerts.models import SavedSearch, normalise_query_string
from tests.factories import OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("alerts:saved_search_create")
LIST_URL = reverse("alerts:saved_searches")


def save(user, query: str = "q=mangrove", database: str = "offers", **kwargs) -> SavedSearch:
    return services.saved_search_create(
        user=user,
        database_key=database,
        query=query,
        name=kwargs.pop("name", "Mangroves"),
        **kwargs,
    )


def test_the_query_is_normalised():
    assert normalise_query_string("target=GBF-T3&q=mangrove&page=3&a=&target=GBF-T1") == (
        "q=mangrove&target=GBF-T1&target=GBF-T3"
    )
    assert normalise_query_string("q=m%C3%A9tro&page_size=100") == "q=m%C3%A9tro"


def test_the_list_links_to_saving_its_search_for_signed_in_people_only(client, learner):
    OfferFactory(title="Mangrove restoration training")
    url = reverse("partners:offers_list") + "?q=mangrove&page=1"

    anonymous = client.get(url).content.decode()
    client.force_login(learner)
    signed_in = client.get(url).content.decode()

    assert "Save this search and get alerts" not in anonymous
    assert f"{CREATE_URL}?database=offers&amp;query=q%3Dmangrove" in signed_in


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(CREATE_URL, {"database": "offers", "query": "q=mangrove"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_save_a_search(client, learner):
    client.force_login(learner)

    page = client.get(
        CREATE_URL, {"database": "offers", "query": "page=2&target=GBF-T3&q=mangrove"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    # The name suggested from the database and its filters; the query as it will be stored.
    assert 'value="Offers of support · Search: “mangrove”, GBF target: GBF-T3"' in html
    assert 'name="query" value="q=mangrove&amp;target=GBF-T3"' in html
    assert "<legend>Email me the new records" in html

    response = client.post(
        CREATE_URL,
        {
            "database": "offers",
            "query": "q=mangrove&target=GBF-T3",
            "name": "Mangrove training",
            "frequency": "weekly",
        },
        follow=True,
    )

    saved = SavedSearch.objects.get(user=learner)
    assert (saved.database, saved.query, saved.name, saved.frequency) == (
        "offers",
        "q=mangrove&target=GBF-T3",
        "Mangrove training",
        "weekly",
    )
    html = response.content.decode()
    assert "Search “Mangrove training” saved." in html
    assert 'href="/en/partners/offers/?q=mangrove&amp;target=GBF-T3">Mangrove training' in html
    assert "None yet" in html  # no email sent yet


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"database": "unicorns", "query": "q=mangrove"}, "not one of the portal"),
        ({"database": "offers", "query": "target=GBF-T99"}, "Some filters of this list are not"),
        ({"database": "offers", "query": "year=abc"}, "Some filters of this list are not"),
    ],
)
def test_a_list_that_cannot_be_saved_is_refused(client, learner, params, message):
    client.force_login(learner)

    page = client.get(CREATE_URL, params)
    posted = client.post(CREATE_URL, {**params, "name": "Anything", "frequency": "daily"})

    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'role="alert"' in page.content.decode()
    assert posted.status_code == 400
    assert message in posted.content.decode()
    assert not SavedSearch.objects.exists()


def test_a_search_is_saved_once(client, learner):
    save(learner, query="q=mangrove&target=GBF-T3")
    client.force_login(learner)

    response = client.post(
        CREATE_URL,
        {
            "database": "offers",
            "query": "target=GBF-T3&page=4&q=mangrove",  # the same list, written differently
            "name": "Again",
            "frequency": "daily",
        },
    )

    assert response.status_code == 400
    assert "You have already saved this search." in response.content.decode()
    assert SavedSearch.objects.count() == 1


def test_a_name_is_required(client, learner):
    client.force_login(learner)

    response = client.post(
        CREATE_URL, {"database": "offers", "query": "q=mangrove", "name": "", "frequency": "daily"}
    )

    assert response.status_code == 400
    assert 'href="#id_name">Name: This field is required.' in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_the_number_of_saved_searches_is_capped(learner):
    for number in range(services.MAX_SAVED_SEARCHES):
        save(learner, query=f"q=word{number}")

    with pytest.raises(ValidationError, match="50 saved searches at most"):
        save(learner, query="q=one-more")


def test_change_the_frequency_and_delete(client, learner):
    saved = save(learner)
    client.force_login(learner)

    client.post(reverse("alerts:saved_search_update", args=[saved.pk]), {"frequency": "off"})
    saved.refresh_from_db()
    assert saved.frequency == SavedSearch.Frequency.OFF

    response = client.post(reverse("alerts:saved_search_delete", args=[saved.pk]), follow=True)
    assert "Saved search “Mangroves” deleted." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_another_persons_saved_search_is_not_found(client, learner):
    saved = save(UserFactory(full_name="Someone else"))
    client.force_login(learner)

    deleted = client.post(reverse("alerts:saved_search_delete", args=[saved.pk]))
    changed = client.post(
        reverse("alerts:saved_search_update", args=[saved.pk]), {"frequency": "off"}
    )
    listed = client.get(LIST_URL).content.decode()

    assert deleted.status_code == 404
    assert changed.status_code == 404
    saved.refresh_from_db()
    assert saved.frequency == SavedSearch.Frequency.DAILY
    assert "Mangroves" not in listed


def test_deleting_needs_a_post(client, learner):
    saved = save(learner)
    client.force_login(learner)

    assert client.get(reverse("alerts:saved_search_delete", args=[saved.pk])).status_code == 405
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_my_saved_searches_in_constant_queries(client, learner, django_assert_max_num_queries):
    for number in range(12):
        save(learner, query=f"q=word{number}", name=f"Search {number}")
    client.force_login(learner)

    # Session, user, the count for the paginator, the page of searches, unread inbox messages.
    with django_assert_max_num_queries(5):
        response = client.get(LIST_URL)

    html = response.content.decode()
    assert html.count('<th scope="row">') == 12
    assert 'for="id_frequency_' in html  # each frequency select has its own label
