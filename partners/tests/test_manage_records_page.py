"""The members' list of their organisation's records: every type, every status, with actions,
in a number of queries that does not grow with the records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Membership, RecordStatus
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "offers": (OfferFactory, "provider"),
    "initiatives": (InitiativeFactory, "organisation"),
    "resources": (ResourceFactory, "organisation"),
    "opportunities": (OpportunityFactory, "organisation"),
    "events": (EventFactory, "organisation"),
    "agreements": (PartnershipAgreementFactory, "organisation"),
}


def make_records(organisation, count: int, **fields) -> None:
    for factory, owner in FACTORIES.values():
        factory.create_batch(count, **{owner: organisation}, **fields)


def manage_url(organisation) -> str:
    return reverse("partners:manage_records", args=[organisation.pk])


def test_members_see_every_record_of_their_organisation(client, member_x, organisation_x):
    OfferFactory(provider=organisation_x, title="Draft offer", status=RecordStatus.DRAFT)
    OfferFactory(provider=organisation_x, title="Paused offer", status=RecordStatus.PAUSED)
    EventFactory(organisation=organisation_x, title="Closed event", status=RecordStatus.CLOSED)
    PartnershipAgreementFactory(organisation=organisation_x, title="Signed agreement")
    OfferFactory(title="Someone else's offer")
    client.force_login(member_x)

    response = client.get(manage_url(organisation_x))

    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Draft offer", "Paused offer", "Closed event", "Signed agreement"):
        assert title in html
    assert "Someone else's offer" not in html
    assert '<span class="badge">Draft</span>' in html
    assert '<span class="badge">Paused</span>' in html
    for kind, label in [
        ("offers", "Add an offer"),
        ("initiatives", "Add an initiative"),
        ("resources", "Add a resource"),
        ("opportunities", "Add an opportunity"),
        ("events", "Add an event"),
        ("agreements", "Add an agreement"),
    ]:
        url = reverse("partners:record_create", args=[organisation_x.pk, kind])
        assert f'href="{url}">{label}</a>' in html
    offer = organisation_x.offers.get(title="Draft offer")
    assert reverse("partners:record_edit", args=["offers", offer.pk]) in html
    assert reverse("partners:record_delete", args=["offers", offer.pk]) in html


def test_status_counts_per_type(client, member_x, organisation_x):
    OfferFactory.create_batch(2, provider=organisation_x, status=RecordStatus.DRAFT)
    OfferFactory(provider=organisation_x, status=RecordStatus.PAUSED)
    client.force_login(member_x)

    html = client.get(manage_url(organisation_x)).content.decode()

    assert "Draft: 2 · Paused: 1" in html  # statuses without records are left out
    assert "Offers of support (3)" in html
    assert "Initiatives (0)" in html


def test_editors_see_no_delete_links(client, organisation_x):
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)
    offer = OfferFactory(provider=organisation_x)
    client.force_login(editor)

    html = client.get(manage_url(organisation_x)).content.decode()

    assert reverse("partners:record_edit", args=["offers", offer.pk]) in html
    assert reverse("partners:record_delete", args=["offers", offer.pk]) not in html


def test_the_overview_shows_the_latest_ten_and_links_to_all(client, member_x, organisation_x):
    offers = OfferFactory.create_batch(12, provider=organisation_x)
    client.force_login(member_x)

    html = client.get(manage_url(organisation_x)).content.decode()
    assert html.count('/edit/">Edit') == 10
    assert "See all 12: Offers of support" in html

    page = client.get(manage_url(organisation_x), {"kind": "offers"})
    html = page.content.decode()
    assert all(offer.title in html for offer in offers)
    assert "Add an initiative" not in html  # one type only
    assert 'aria-current="page"' in html


def test_the_help_desk_manages_any_organisation(client, helpdesk_user, organisation_y):
    OfferFactory(provider=organisation_y, title="Savanna offer", status=RecordStatus.DRAFT)
    client.force_login(helpdesk_user)

    response = client.get(manage_url(organisation_y))

    assert response.status_code == 200
    assert "Savanna offer" in response.content.decode()


def test_other_people_do_not_find_the_page(client, member_y, learner, organisation_x):
    OfferFactory(provider=organisation_x, title="Secret draft", status=RecordStatus.DRAFT)
    for person in (member_y, learner):
        client.force_login(person)
        response = client.get(manage_url(organisation_x))
        assert response.status_code == 404
        assert b"Secret draft" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation_x):
    response = client.get(manage_url(organisation_x))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _queries(client, organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(manage_url(organisation))
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_whatever_the_records(
    client, member_x, organisation_x, django_assert_num_queries
):
    client.force_login(member_x)
    make_records(organisation_x, 1)
    few = _queries(client, organisation_x)

    make_records(organisation_x, 11, status=RecordStatus.DRAFT, published_at=None)
    make_records(organisation_x, 2, status=RecordStatus.CLOSED)

    # session, user, the organisation, the person's memberships (permission), one union
    # counting the records by type and status, one query per record type (six), and the
    # unread inbox messages (header).
    with django_assert_num_queries(12):
        response = client.get(manage_url(organisation_x))
    assert response.status_code == 200
    assert _queries(client, organisation_x) == few


def test_one_type_pages_in_constant_queries(client, member_x, organisation_x):
    client.force_login(member_x)
    OfferFactory.create_batch(3, provider=organisation_x)
    with CaptureQueriesContext(connection) as few:
        client.get(manage_url(organisation_x), {"kind": "offers"})
    OfferFactory.create_batch(30, provider=organisation_x, status=RecordStatus.DRAFT)

    with CaptureQueriesContext(connection) as many:
        response = client.get(manage_url(organisation_x), {"kind": "offers", "page": 2})

    assert response.status_code == 200
    assert "Page 2 of 2" in response.content.decode()
    assert len(many) == len(few)
