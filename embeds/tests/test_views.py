"""The frames and JSON as a partner's page meets them: frameable and readable by any site, for
these addresses only; no cookie, even for a signed-in visitor; cacheable; a fixed number of
queries, none once cached; and the documentation page."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.urls import reverse

from commitments.tests.factories import PublishedCommitmentFactory
from tests.factories import MatchNeedFactory, OfferFactory, OpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PARTNER = "https://biodiversity.example.go.ke"


def _policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def records(country_a, organisation_x):
    """A few public records of every component."""
    for _n in range(3):
        OpportunityFactory(organisation=organisation_x)
        OfferFactory(provider=organisation_x)
        need = MatchNeedFactory(country=country_a)
        ProjectFactory(match__need=need)
        PublishedCommitmentFactory()
    return {
        "opportunities": {"region": "002"},
        "country": {"country": "KE"},
        "offers": {"organisation": str(organisation_x.pk)},
        "commitments": {"actor_type": "individual"},
    }


KEYS = ["opportunities", "country", "offers", "commitments"]


# --- Framing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_a_frame_may_be_framed_by_any_site(client, records, key):
    # The second answer comes from the cached outcome: the headers must be there too.
    for _visit in range(2):
        response = client.get(reverse("embeds:frame", kwargs={"key": key}), records[key])

        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        policy = _policy(response)
        assert policy["frame-ancestors"] == ["*"]
        # The rest of the policy is the portal's: no script but its own files.
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]


def test_a_frame_with_wrong_parameters_may_be_framed_too(client):
    response = client.get(reverse("embeds:frame", kwargs={"key": "country"}))

    assert response.status_code == 400
    assert "X-Frame-Options" not in response
    assert _policy(response)["frame-ancestors"] == ["*"]


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/embed/",
        "/en/embed/opportunities.json",
        "/en/partners/opportunities/",
    ],
)
def test_other_pages_may_still_not_be_framed(client, url):
    for _visit in range(2):  # the second one may come from the public page cache
        response = client.get(url)

        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert _policy(response)["frame-ancestors"] == ["'none'"]


def test_a_frame_is_a_small_accessible_document_in_its_language(client, records):
    response = client.get("/fr/embed/opportunities/", records["opportunities"])

    html = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "<title>" in html and "<h1" in html
    assert "base.html" not in [t.name for t in response.templates]
    # Every link opens the portal in a new tab, away from the partner's page.
    links = re.findall(r"<a [^>]*>", html)
    assert len(links) >= 5
    assert all('target="_blank" rel="noopener"' in link for link in links)
    assert all('href="/fr/' in link for link in links)
    # The portal's own stylesheet; no script at all, nothing from elsewhere.
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == [
        "/static/embeds/embed.css"
    ]
    assert "<script" not in html


# --- No cookie ---------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["/", ".json"])
@pytest.mark.parametrize("key", KEYS)
def test_no_cookie_even_for_a_signed_in_visitor(client, records, member_x, key, suffix):
    url = f"/en/embed/{key}{suffix}"
    anonymous = client.get(url, records[key])
    client.force_login(member_x)
    signed_in = client.get(url, records[key])
    wrong = client.get(url, {"limit": "0"})

    for response in (anonymous, signed_in, wrong):
        assert response.status_code in (200, 400)
        assert not response.cookies
        assert "Set-Cookie" not in response
    assert signed_in.content == anonymous.content  # nothing personal


def test_no_cookie_when_the_visitor_has_messages_waiting(client, records, member_x):
    """A message waiting in the session is neither shown nor used up by a component."""
    client.force_login(member_x)
    session = client.session
    session[SessionStorage.session_key] = json.dumps(
        [Message(constants.INFO, "Welcome back")], cls=MessageEncoder
    )
    session.save()

    response = client.get("/en/embed/country/", records["country"])

    assert response.status_code == 200
    assert "Welcome back" not in response.content.decode()
    assert not response.cookies
    assert SessionStorage.session_key in client.session  # still waiting for a portal page


# --- Caching -----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["/", ".json"])
def test_cache_control_is_public_for_five_minutes(client, records, suffix):
    for parameters in (records["opportunities"], {"limit": "0"}):
        response = client.get(f"/en/embed/opportunities{suffix}", parameters)

        assert response["Cache-Control"] in ("public, max-age=300", "max-age=300, public")


def test_the_documentation_page_is_not_publicly_cacheable(client):
    response = client.get("/en/embed/")

    assert "public" not in response.get("Cache-Control", "")


def test_a_change_shows_at_once(client, records, organisation_x):
    """The cached outcome depends on the app's records: saving one renews it."""
    url = "/en/embed/opportunities.json"
    before = client.get(url, {"limit": "20"}).json()
    OpportunityFactory(organisation=organisation_x, title="Just published")

    after = client.get(url, {"limit": "20"}).json()

    titles = [item["title"] for item in after["sections"][0]["items"]]
    assert "Just published" in titles
    assert len(titles) == len(before["sections"][0]["items"]) + 1


def test_a_change_of_every_components_app_shows_at_once(client, records, country_a):
    """Each app a component reads renews its cached outcome (``depends_on``)."""

    def figures(key: str) -> list[int]:
        body = client.get(f"/en/embed/{key}.json", records[key]).json()
        return [figure["value"] for figure in body["figures"]]

    assert figures("country") == [3, 3]
    project = ProjectFactory(match__need=MatchNeedFactory(country=country_a))
    assert figures("country") == [4, 4]
    project.status = "cancelled"
    project.save(update_fields=["status"])  # matchmaking's record only
    assert figures("country") == [4, 3]

    assert figures("commitments")[0] == 3
    PublishedCommitmentFactory()
    assert figures("commitments")[0] == 4


# Queries of a frame asked for the first time, whatever the number of records; none once cached.
QUERIES = {
    # the region (form), the region (FilterSet), the region's countries, the opportunities
    "opportunities": 4,
    # the country; the requests' and projects' counts; the requests; the projects
    "country": 5,
    # the approved organisation; its offers; their support types
    "offers": 3,
    # the type of actor needs none; the statistics: by type of actor, by phase, by target and
    # the targets, by region and the regions, the totals, the deliverables
    "commitments": 8,
}


@pytest.mark.parametrize("key", KEYS)
def test_constant_queries_and_none_once_cached(
    client, records, key, country_a, organisation_x, django_assert_num_queries
):
    url = reverse("embeds:frame", kwargs={"key": key})
    parameters = records[key] if key == "commitments" else {**records[key], "limit": "20"}
    with django_assert_num_queries(QUERIES[key]):
        assert client.get(url, parameters).status_code == 200
    # Three times as many records: the same number of queries.
    for _n in range(6):
        OpportunityFactory(organisation=organisation_x)
        OfferFactory(provider=organisation_x)
        ProjectFactory(match__need=MatchNeedFactory(country=country_a))
        PublishedCommitmentFactory()
    cache.clear()
    with django_assert_num_queries(QUERIES[key]):
        response = client.get(url, parameters)
    assert response.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url, parameters)
    assert again.content == response.content


# --- CORS --------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_the_json_may_be_read_by_any_site_without_credentials(client, records, key):
    response = client.get(f"/en/embed/{key}.json", records[key], HTTP_ORIGIN=PARTNER)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    body = response.json()
    assert body["component"] == key
    assert body["portal"] == "http://testserver/en/"
    # Absolute addresses: the script writes them into another site's page.
    for section in body["sections"]:
        for item in section["items"]:
            if item["url"]:
                assert item["url"].startswith("http://testserver/en/")


def test_a_preflight_of_the_json_is_answered(client):
    response = client.options(
        "/fr/embed/opportunities.json",
        HTTP_ORIGIN=PARTNER,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_an_error_of_the_json_may_be_read_too(client):
    response = client.get("/es/embed/offers.json", HTTP_ORIGIN=PARTNER)

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        "/en/embed/opportunities/",
        "/en/embed/",
        "/en/",
        "/en/partners/opportunities/export.json",
        "/api/v1/",
        "/api/v1/partners/opportunities/",
        "/en/embed/opportunities.json/",
        "/embed/opportunities.json",
    ],
)
def test_no_other_address_answers_other_sites(client, url):
    response = client.get(url, HTTP_ORIGIN=PARTNER)

    assert "Access-Control-Allow-Origin" not in response


# --- The documentation page --------------------------------------------------------------------
def test_the_documentation_page(client, records, organisation_x):
    OfferFactory(provider=organisation_x, title="The latest offer")

    response = client.get("/en/embed/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "base.html" in [t.name for t in response.templates]
    for key in KEYS:
        assert f'id="component-{key}"' in html
        # Its live preview, the iframe of the component itself.
        assert f'<iframe class="embed-docs-preview" src="/en/embed/{key}/' in html
        # Its snippets, escaped for showing in <pre><code>, each with a copy button.
        assert f'id="snippet-{key}-frame"' in html
        assert f'data-copy="snippet-{key}-script"' in html
        assert f"&lt;div data-chm-component=&quot;{key}&quot;" in html
    # The examples come from public data: Kenya has the requests, X the latest public offer.
    assert 'src="/en/embed/country/?country=KE&amp;limit=5"' in html
    assert f'src="/en/embed/offers/?organisation={organisation_x.pk}&amp;limit=5"' in html
    assert "&lt;script src=&quot;http://testserver/static/embeds/chm-embed.js&quot; async" in html
    assert "http://testserver/en/embed/opportunities/?region=002&amp;amp;limit=5" in html
    # Its previews are frames of the portal itself: allowed on this page; it may not be framed.
    policy = _policy(response)
    assert "'self'" in policy["frame-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    # Scripts only as files (the policy allows no inline script).
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" src=" in script for script in scripts)
    assert '<script src="/static/embeds/docs.js" defer>' in html


def test_the_documentation_page_without_any_public_record(client):
    response = client.get("/fr/embed/")

    assert response.status_code == 200
    html = response.content.decode()
    # No organisation: nothing to preview for the offers; the others show their defaults.
    assert 'src="/fr/embed/offers/' not in html
    assert 'src="/fr/embed/country/?country=KE&amp;limit=5"' in html
    assert 'src="/fr/embed/commitments/"' in html


def test_the_footer_links_to_the_documentation(client):
    html = client.get("/en/").content.decode()

    assert f'href="{reverse("embeds:index")}"' in html
