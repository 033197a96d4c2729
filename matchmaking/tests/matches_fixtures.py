"""Fixtures of the matches' tests, on top of the named people of the root ``conftest.py``.

Amani (focal point of Kenya) wrote a published Kenyan request; its colleague Baraka is also on
the requester side; Beatriz (Brazil) is not. Xavier's organisation X (Mangrove Alliance) offers
wetland training, Yara's organisation Y (Savanna Research Institute) field surveys. Hana is the
help desk. Matches are made through the services, as the portal makes them; their notifications
are only sent by the tests that run the services in ``django_capture_on_commit_callbacks``.

The test modules import the fixtures they use from here.
"""

from __future__ import annotations

import pytest

from matchmaking.models import Match, Suggestion
from matchmaking.services import matches as services
from tests.factories import MatchNeedFactory, OfferFactory

CONTACT = {"contact_name": "Xavier Dupont", "contact_email": "xavier@mangrove-alliance.example"}


@pytest.fixture
def need(country_a, focal_point_a):
    """Amani's published, public Kenyan request."""
    return MatchNeedFactory(
        country=country_a,
        created_by=focal_point_a,
        title="Waterbird monitoring at the Rift Valley lakes",
        contact_name="Amani Otieno",
        contact_email=focal_point_a.email,
    )


@pytest.fixture
def need_b(country_b, focal_point_b):
    """Beatriz's published Brazilian request."""
    return MatchNeedFactory(
        country=country_b, created_by=focal_point_b, title="Amazon river dolphin census"
    )


@pytest.fixture
def offer_x(organisation_x):
    """Organisation X's published offer (no limit of requests)."""
    return OfferFactory(provider=organisation_x, title="Wetland bird monitoring training")


@pytest.fixture
def offer_y(organisation_y):
    """Organisation Y's published offer."""
    return OfferFactory(provider=organisation_y, title="Field survey mentoring")


@pytest.fixture
def suggestion_x(need, offer_x):
    """The engine ranks offer X first for the Kenyan request."""
    return Suggestion.objects.create(
        need=need,
        offer=offer_x,
        rank=1,
        score=0.82,
        reasons=[["target", "GBF-T4"], ["support_type", "training"]],
        algorithm_version="test-1",
    )


@pytest.fixture
def interest(need, offer_x, focal_point_a) -> Match:
    """Amani's interest in offer X."""
    return services.match_express_interest(
        need=need, offer=offer_x, by=focal_point_a, note="Could they train in Kiswahili?"
    )


@pytest.fixture
def proposed(need, offer_x, helpdesk_user, member_x) -> Match:
    """Hana proposes the Kenyan request to organisation X (Xavier is its member)."""
    return services.match_propose(
        need=need, offer=offer_x, by=helpdesk_user, message="A good fit for your training."
    )


@pytest.fixture
def accepted(proposed, member_x) -> Match:
    """Xavier accepted, naming himself as the contact person."""
    return services.match_accept(match=proposed, by=member_x, **CONTACT)


@pytest.fixture
def agreed(accepted, focal_point_a) -> Match:
    """Amani confirmed: the match is agreed and the request matched."""
    return services.match_confirm(match=accepted, by=focal_point_a)
