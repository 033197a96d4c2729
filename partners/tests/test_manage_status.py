"""Publishing, pausing, closing and deleting records from the members' pages, and who may do it:
members of the owning organisation change its records, its administrators delete them, the help
desk does everything; anyone else gets 404 and anonymous visitors are sent to sign in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Membership, Offer, Opportunity, Organisation, RecordStatus
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_x(organisation_x):
    """Eitan Levi, editor (not administrator) of organisation X."""
    user = UserFactory(full_name="Eitan Levi")
    MembershipFactory(user=user, organisation=organisation_x, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def draft_offer(organisation_x):
    return OfferFactory(
        provider=organisation_x,
        title="Seagrass mapping clinic",
        status=RecordStatus.DRAFT,
        published_at=None,
    )


def status_url(kind: str, record) -> str:
    return reverse("partners:record_status", args=[kind, record.pk])


def set_status(client, record, status: str, kind: str = "offers", **extra):
    return client.post(status_url(kind, record), {"status": status, **extra}, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Status --------------------------------------------------------------------------------------
def test_an_editor_publishes_pauses_resumes_and_closes_an_offer(client, editor_x, draft_offer):
    client.force_login(editor_x)

    response = set_status(client, draft_offer, "published")
    draft_offer.refresh_from_db()
    assert draft_offer.status == RecordStatus.PUBLISHED
    assert draft_offer.published_at is not None
    assert "“Seagrass mapping clinic” is published." in page_messages(response)
    first_published = draft_offer.published_at

    set_status(client, draft_offer, "paused")
    draft_offer.refresh_from_db()
    assert draft_offer.status == RecordStatus.PAUSED

    set_status(client, draft_offer, "published")
    set_status(client, draft_offer, "closed")
    draft_offer.refresh_from_db()
    assert draft_offer.status == RecordStatus.CLOSED
    assert draft_offer.published_at == first_published


def test_the_buttons_come_back_to_the_page_they_were_on(client, member_x, draft_offer):
    client.force_login(member_x)
    detail = reverse("partners:offer_detail", args=[draft_offer.pk])

    response = client.post(
        status_url("offers", draft_offer), {"status": "published", "next": detail}
    )
    assert response.status_code == 302
    assert response.url == detail

    # Somewhere else than the portal: back to the organisation's records instead.
    response = client.post(
        status_url("offers", draft_offer), {"status": "closed", "next": "https://evil.example/"}
    )
    assert response.url == reverse("partners:manage_records", args=[draft_offer.provider_id])


def test_the_record_page_shows_the_status_buttons_to_members(client, member_x, draft_offer):
    client.force_login(member_x)

    html = client.get(reverse("partners:offer_detail", args=[draft_offer.pk])).content.decode()

    assert reverse("partners:record_edit", args=["offers", draft_offer.pk]) in html
    assert reverse("partners:record_translate", args=["offers", draft_offer.pk]) in html
    assert f'action="{status_url("offers", draft_offer)}"' in html
    assert 'name="status" value="published"' in html


def test_a_stale_transition_shows_the_service_error(client, member_x, draft_offer):
    client.force_login(member_x)

    # The page was loaded when the offer was published; it is a draft now.
    response = set_status(client, draft_offer, "paused")

    draft_offer.refresh_from_db()
    assert draft_offer.status == RecordStatus.DRAFT
    assert page_messages(response) == ["A record that is Draft cannot become Paused."]


def test_only_offers_pause(client, member_x, organisation_x):
    initiative = InitiativeFactory(organisation=organisation_x)
    client.force_login(member_x)

    response = set_status(client, initiative, "paused", kind="initiatives")

    initiative.refresh_from_db()
    assert initiative.status == RecordStatus.PUBLISHED
    assert page_messages(response) == ["This status does not apply to this record."]


def test_a_closed_opportunity_past_its_deadline_is_not_reopened(client, member_x, organisation_x):
    opportunity = OpportunityFactory(
        organisation=organisation_x,
        status=RecordStatus.CLOSED,
        deadline=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(member_x)

    response = set_status(client, opportunity, "published", kind="opportunities")

    opportunity.refresh_from_db()
    assert opportunity.status == RecordStatus.CLOSED
    assert page_messages(response) == ["The deadline has passed: set a later one."]


def test_status_changes_are_posted(client, member_x, draft_offer):
    client.force_login(member_x)

    response = client.get(status_url("offers", draft_offer) + "?status=published")

    assert response.status_code == 405
    draft_offer.refresh_from_db()
    assert draft_offer.status == RecordStatus.DRAFT


# --- Deleting ------------------------------------------------------------------------------------
def test_an_administrator_deletes_after_confirming(client, member_x, draft_offer):
    client.force_login(member_x)
    url = reverse("partners:record_delete", args=["offers", draft_offer.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Delete “Seagrass mapping clinic”?" in page.content.decode()
    assert Offer.objects.filter(pk=draft_offer.pk).exists()

    response = client.post(url, follow=True)

    assert not Offer.objects.filter(pk=draft_offer.pk).exists()
    assert response.request["PATH_INFO"] == reverse(
        "partners:manage_records", args=[draft_offer.provider_id]
    )
    assert "“Seagrass mapping clinic” is deleted." in page_messages(response)


def test_the_help_desk_deletes_any_record(client, helpdesk_user, organisation_y):
    opportunity = OpportunityFactory(organisation=organisation_y)
    client.force_login(helpdesk_user)

    client.post(reverse("partners:record_delete", args=["opportunities", opportunity.pk]))

    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()


# --- The permission matrix -----------------------------------------------------------------------
ENDPOINTS = {
    # name: (method, address for the draft offer of organisation X)
    "manage": ("get", lambda offer: reverse("partners:manage_records", args=[offer.provider_id])),
    "create_page": (
        "get",
        lambda offer: reverse("partners:record_create", args=[offer.provider_id, "offers"]),
    ),
    "create": (
        "post",
        lambda offer: reverse("partners:record_create", args=[offer.provider_id, "offers"]),
    ),
    "edit_page": ("get", lambda offer: reverse("partners:record_edit", args=["offers", offer.pk])),
    "edit": ("post", lambda offer: reverse("partners:record_edit", args=["offers", offer.pk])),
    "translate": (
        "post",
        lambda offer: reverse("partners:record_translate", args=["offers", offer.pk]),
    ),
    "status": ("post", lambda offer: reverse("partners:record_status", args=["offers", offer.pk])),
    "delete_page": (
        "get",
        lambda offer: reverse("partners:record_delete", args=["offers", offer.pk]),
    ),
    "delete": ("post", lambda offer: reverse("partners:record_delete", args=["offers", offer.pk])),
}
FORM = {
    "language": "en",
    "title_en": "Changed title",
    "description_en": "Changed description.",
    "cost": "free",
    "contribution": "in_kind",
    "budget_currency": "USD",
    "status": "published",
    "title_fr": "Titre changé",
    "action": "draft",
}
# endpoint -> status for: administrator of X, editor of X, help desk, member of Y, learner
MATRIX = {
    "manage": (200, 200, 200, 404, 404),
    "create_page": (200, 200, 200, 404, 404),
    "create": (302, 302, 302, 404, 404),
    "edit_page": (200, 200, 200, 404, 404),
    "edit": (302, 302, 302, 404, 404),
    "translate": (302, 302, 302, 404, 404),
    "status": (302, 302, 302, 404, 404),
    "delete_page": (200, 404, 200, 404, 404),
    "delete": (302, 404, 302, 404, 404),
}
PEOPLE = ("member_x", "editor_x", "helpdesk_user", "member_y", "learner")


def _call(client, endpoint: str, offer):
    method, url = ENDPOINTS[endpoint]
    if method == "get":
        return client.get(url(offer))
    return client.post(url(offer), FORM)


@pytest.mark.parametrize(
    ("endpoint", "person", "expected"),
    [
        (endpoint, person, statuses[index])
        for endpoint, statuses in MATRIX.items()
        for index, person in enumerate(PEOPLE)
    ],
)
def test_permission_matrix(request, client, draft_offer, endpoint, person, expected):
    client.force_login(request.getfixturevalue(person))
    before = set(Offer.objects.values_list("pk", "title", "status", "title_fr"))

    response = _call(client, endpoint, draft_offer)

    assert response.status_code == expected
    if expected == 404:
        # Refused: nothing changed, and the page does not say whose record it is.
        assert set(Offer.objects.values_list("pk", "title", "status", "title_fr")) == before
        assert b"Seagrass mapping clinic" not in response.content


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_anonymous_visitors_are_sent_to_sign_in(client, draft_offer, endpoint):
    response = _call(client, endpoint, draft_offer)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Offer.objects.get().status == RecordStatus.DRAFT


def test_the_help_desk_edits_other_organisations_records(client, helpdesk_user, draft_offer):
    client.force_login(helpdesk_user)

    client.post(reverse("partners:record_edit", args=["offers", draft_offer.pk]), FORM)

    draft_offer.refresh_from_db()
    assert draft_offer.title == "Changed title"
    assert draft_offer.created_by is None  # still the record of organisation X


def test_a_member_of_y_cannot_add_records_to_x(client, member_y, organisation_x):
    client.force_login(member_y)

    response = client.post(
        reverse("partners:record_create", args=[organisation_x.pk, "offers"]), FORM
    )

    assert response.status_code == 404
    assert not Offer.objects.exists()


def test_unknown_record_types_are_not_found(client, member_x, organisation_x):
    client.force_login(member_x)

    assert (
        client.get(f"/en/partners/organisations/{organisation_x.pk}/needs/new/").status_code == 404
    )
    assert (
        client.get(
            reverse("partners:manage_records", args=[organisation_x.pk]) + "?kind=needs"
        ).status_code
        == 404
    )


# --- Organisations not approved yet --------------------------------------------------------------
def test_published_records_of_a_pending_organisation_stay_hidden(client, learner):
    pending = OrganisationFactory(name="Wetland Friends", status=Organisation.Status.PENDING)
    founder = UserFactory()
    MembershipFactory(user=founder, organisation=pending, role=Membership.Role.ADMIN)
    client.force_login(founder)
    response = client.post(
        reverse("partners:record_create", args=[pending.pk, "agreements"]),
        {
            "language": "en",
            "title_en": "Wetland schools agreement",
            "description_en": "Teaching wetlands in schools.",
            "kind": "education_institution",
            "signed_on": timezone.localdate().isoformat(),
            "action": "publish",
        },
    )
    assert response.status_code == 302
    agreement = pending.agreements.get()
    assert agreement.status == RecordStatus.PUBLISHED
    manage = client.get(reverse("partners:manage_records", args=[pending.pk])).content.decode()
    assert "has not approved your organisation yet" in manage

    for visitor in (None, learner):
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        detail = client.get(reverse("partners:agreement_detail", args=[agreement.pk]))
        listing = client.get(reverse("partners:agreements_list"))
        assert detail.status_code == 404
        assert listing.status_code == 200
        assert b"Wetland schools agreement" not in listing.content


def test_an_approved_organisation_shows_its_published_records(client, organisation_x):
    agreement = PartnershipAgreementFactory(
        organisation=organisation_x, title="Mangrove schools agreement"
    )

    listing = client.get(reverse("partners:agreements_list"))

    assert b"Mangrove schools agreement" in listing.content
    assert reverse("partners:agreement_detail", args=[agreement.pk]).encode() in listing.content
