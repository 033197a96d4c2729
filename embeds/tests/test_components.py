"""What each component shows: public records only, narrowed by its parameters; wrong parameters
answer 400 with a message, in the page's language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from chm_portal.vocabularies.models import Country, CountryGroup, GBFTarget, Region
from commitments.models import ActorType, ModerationStatus
from commitments.tests.factories import CommitmentFactory, PublishedCommitmentFactory
from partners.models import Organisation, RecordStatus
from tests.factories import (
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def _json(client, key: str, language: str = "en", **parameters):
    response = client.get(f"/{language}/embed/{key}.json", parameters)
    return response, response.json()


def _titles(body: dict) -> set[str]:
    return {item["title"] for section in body["sections"] for item in section["items"]}


# --- Opportunities ---------------------------------------------------------------------------
@pytest.fixture
def opportunities(organisation_x):
    """Open ones (to all, to Kenya, to South America), and what must never show."""
    now = timezone.now()
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    to_kenya = OpportunityFactory(title="Fellowship for Kenya", organisation=organisation_x)
    to_kenya.eligible_countries.add(Country.objects.get(code="KE"))
    to_south_america = OpportunityFactory(title="Course for South America")
    to_south_america.eligible_regions.add(Region.objects.get(code="005"))
    to_sids = OpportunityFactory(title="Call for small islands")
    to_sids.eligible_groups.add(_group("SIDS"))
    OpportunityFactory(title="Open to all")
    OpportunityFactory(title="Draft", status=RecordStatus.DRAFT)
    OpportunityFactory(title="Closed", status=RecordStatus.CLOSED)
    OpportunityFactory(title="Past deadline", deadline=now - datetime.timedelta(days=1))
    OpportunityFactory(title="Not yet open", opens_at=now + datetime.timedelta(days=3))
    OpportunityFactory(title="Of a pending organisation", organisation=pending)


def _group(code: str) -> CountryGroup:
    return CountryGroup.objects.get(code=code)


PUBLIC_OPEN = {
    "Fellowship for Kenya",
    "Course for South America",
    "Call for small islands",
    "Open to all",
}


def test_opportunities_show_open_public_ones_only(client, opportunities):
    response, body = _json(client, "opportunities", limit=20)

    assert response.status_code == 200
    assert _titles(body) == PUBLIC_OPEN


def test_opportunities_open_to_a_country(client, opportunities):
    _response, body = _json(client, "opportunities", country="ke", limit=20)

    assert _titles(body) == {"Fellowship for Kenya", "Open to all"}
    assert "Kenya" in body["title"]


def test_opportunities_open_to_a_region(client, opportunities):
    # Africa: Kenya's, and the small islands' (Mauritius, Seychelles... are African SIDS).
    _response, body = _json(client, "opportunities", region="002", limit=20)
    assert _titles(body) == {"Fellowship for Kenya", "Call for small islands", "Open to all"}

    # The Americas include South America (a region includes its sub-regions), and the SIDS.
    _response, body = _json(client, "opportunities", region="019", limit=20)
    assert _titles(body) == {"Course for South America", "Call for small islands", "Open to all"}


def test_opportunities_region_and_country_must_both_hold(client, opportunities):
    _response, body = _json(client, "opportunities", region="019", country="KE", limit=20)

    assert _titles(body) == {"Open to all"}


def test_opportunities_limit_newest_first(client, opportunities):
    newest = OpportunityFactory(title="Newest", published_at=timezone.now())

    _response, body = _json(client, "opportunities", limit=2)

    items = body["sections"][0]["items"]
    assert len(items) == 2
    assert items[0]["title"] == newest.title
    assert items[0]["url"] == f"http://testserver/en/partners/opportunities/{newest.pk}/"
    assert items[0]["data"]["deadline"] == newest.deadline.isoformat()


# --- A country -------------------------------------------------------------------------------
def test_country_shows_its_public_requests_and_projects(client, country_a, country_b):
    published = MatchNeedFactory(country=country_a, title="Waterbird census")
    MatchNeedFactory(country=country_a, title="Restricted request", visibility="restricted")
    MatchNeedFactory(country=country_a, title="Draft request", status="draft")
    MatchNeedFactory(country=country_b, title="Brazilian request")
    ProjectFactory(match__need=published, title="Census pilot")
    ProjectFactory(match__need=published, title="Cancelled pilot", status="cancelled")
    hidden_need = MatchNeedFactory(country=country_a, visibility="restricted", title="Hidden")
    ProjectFactory(match__need=hidden_need, title="Pilot of a restricted request")
    # A match still being negotiated is not public: it must not show in any form.
    MatchFactory(need=published, status="proposed")

    response, body = _json(client, "country", country="KE")

    assert response.status_code == 200
    requests, projects = body["sections"]
    assert [item["title"] for item in requests["items"]] == ["Waterbird census"]
    assert requests["items"][0]["data"]["reference"] == published.reference
    assert [item["title"] for item in projects["items"]] == ["Census pilot"]
    assert [figure["value"] for figure in body["figures"]] == [1, 1]
    assert "Kenya" in body["title"]


def test_country_is_required(client):
    response, body = _json(client, "country")

    assert response.status_code == 400
    assert body["errors"] == [
        {
            "parameter": "country",
            "message": "Country: Give the country's two-letter ISO code, e.g. KE.",
        }
    ]


# --- An organisation's offers ----------------------------------------------------------------
def test_offers_of_an_approved_organisation(client, organisation_x, organisation_y):
    OfferFactory(provider=organisation_x, title="Mangrove training")
    OfferFactory(provider=organisation_x, title="Paused offer", status=RecordStatus.PAUSED)
    OfferFactory(provider=organisation_x, title="Draft offer", status=RecordStatus.DRAFT)
    OfferFactory(provider=organisation_y, title="Savanna survey")

    response, body = _json(client, "offers", organisation=organisation_x.pk)

    assert response.status_code == 200
    assert _titles(body) == {"Mangrove training", "Paused offer"}
    assert organisation_x.name in body["title"]


@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REJECTED])
def test_offers_of_an_unapproved_organisation_are_not_found(client, status):
    organisation = OrganisationFactory(status=status, name="Not yet approved")
    OfferFactory(provider=organisation, title="Offer of an unapproved organisation")

    response, body = _json(client, "offers", organisation=organisation.pk)

    assert response.status_code == 400
    # Exactly as for an identifier that does not exist: nothing is revealed.
    _missing, missing = _json(client, "offers", organisation=organisation.pk + 1000)
    assert body["errors"][0]["message"] == missing["errors"][0]["message"].replace(
        str(organisation.pk + 1000), str(organisation.pk)
    )
    assert "Not yet approved" not in response.content.decode()
    assert "sections" not in body


# --- Commitments -----------------------------------------------------------------------------
def _figures(body: dict) -> dict[str, int]:
    return {figure["label"]: figure["value"] for figure in body["figures"]}


def _counts(body: dict, heading: str) -> dict[str, int]:
    section = next(s for s in body["sections"] if s["heading"] == heading)
    return {item["data"]["code"]: item["count"] for item in section["items"]}


def test_commitments_count_published_ones_only(client):
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS)
    PublishedCommitmentFactory(actor_type=ActorType.INDIVIDUAL)
    CommitmentFactory(actor_type=ActorType.BUSINESS)  # a draft
    CommitmentFactory(actor_type=ActorType.BUSINESS, status=ModerationStatus.SUBMITTED)
    CommitmentFactory(actor_type=ActorType.BUSINESS, status=ModerationStatus.WITHDRAWN)

    response, body = _json(client, "commitments")

    assert response.status_code == 200
    assert _figures(body)["Commitments"] == 2
    assert _counts(body, "By type of actor")["business"] == 1
    assert _counts(body, "By GBF target") == {"GBF-T2": 2}
    assert _counts(body, "By region") == {"002": 2}


def test_commitments_filtered(client):
    brazil = Country.objects.get(code="BR")
    target_3 = GBFTarget.objects.get(code="GBF-T3")
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS, targets=[target_3])
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS, country=brazil)
    PublishedCommitmentFactory(actor_type=ActorType.INDIVIDUAL)

    assert _figures(_json(client, "commitments", actor_type="business")[1])["Commitments"] == 2
    assert _figures(_json(client, "commitments", target="gbf-t3")[1])["Commitments"] == 1
    assert _figures(_json(client, "commitments", region="019")[1])["Commitments"] == 1
    assert _figures(_json(client, "commitments", country="KE")[1])["Commitments"] == 2
    both = _json(client, "commitments", actor_type="business", region="002")[1]
    assert _figures(both)["Commitments"] == 1
    assert "Business" in both["title"]


# --- Wrong parameters ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "parameters", "parameter", "message"),
    [
        ("opportunities", {"limit": "0"}, "limit", "greater than or equal to 1"),
        ("opportunities", {"limit": "21"}, "limit", "less than or equal to 20"),
        ("opportunities", {"limit": "many"}, "limit", "Enter a whole number."),
        ("opportunities", {"region": "999"}, "region", "No UN M49 region has the code 999."),
        ("opportunities", {"country": "ZZ"}, "country", "No country has the ISO code ZZ."),
        ("opportunities", {"regoin": "002"}, "regoin", "regoin is not a parameter"),
        ("country", {"country": "<b>KE</b>"}, "country", "No country has the ISO code <B>KE</B>."),
        ("offers", {"organisation": "abc"}, "organisation", "No approved partner organisation"),
        ("offers", {}, "organisation", "Give the identifier of a partner organisation"),
        ("commitments", {"actor_type": "state"}, "actor_type", "No type of actor has the code"),
        ("commitments", {"target": "GBF-T99"}, "target", "No GBF target has the code GBF-T99."),
    ],
)
def test_wrong_parameters_answer_400_with_a_message(client, key, parameters, parameter, message):
    response, body = _json(client, key, **parameters)
    assert response.status_code == 400
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert message in body["errors"][0]["message"]

    frame = client.get(f"/en/embed/{key}/", parameters)
    assert frame.status_code == 400
    html = frame.content.decode()
    assert 'role="alert"' in html
    # The message, escaped: a parameter's value never becomes markup.
    assert "<B>" not in html and "<b>" not in html
    assert "chm-embed__items" not in html


def test_wrong_parameters_in_french(client):
    response, body = _json(client, "opportunities", language="fr", limit="0", region="999")

    assert response.status_code == 400
    assert body["language"] == "fr"
    messages = {error["parameter"]: error["message"] for error in body["errors"]}
    # Django's own message is translated already; ours go through the same catalogue.
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in messages["limit"]
    with translation.override("fr"):
        expected = translation.gettext("No UN M49 region has the code %(value)s.") % {
            "value": "999"
        }
    assert expected in messages["region"]

    frame = client.get("/fr/embed/opportunities/", {"limit": "0"})
    assert frame.status_code == 400
    html = frame.content.decode()
    assert '<html lang="fr"' in html
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in html


def test_a_language_does_not_get_another_languages_cached_answer(client):
    # The outcome is cached per language: English first must not answer the French page.
    _json(client, "opportunities", limit="0")
    _response, body = _json(client, "opportunities", language="fr", limit="0")

    assert "Assurez-vous" in body["errors"][0]["message"]


def test_unknown_component_is_not_found(client):
    assert client.get("/en/embed/secrets/").status_code == 404
    assert client.get("/en/embed/secrets.json").status_code == 404
