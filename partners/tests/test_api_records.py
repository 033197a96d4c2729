"""The API of the partners' records (offers, initiatives, resources, opportunities, events,
agreements): who sees and changes what, filters, representation, pagination and query counts.

The permission matrix: an anonymous visitor, Xavier (administrator of organisation X, whose
records these are), Yara (administrator of organisation Y, another tenant) and Hana (help desk).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from chm_portal.core.exports import ExportJSONEncoder
from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    CountryGroup,
    GBFTarget,
    Language,
    Region,
    SupportType,
    ThematicArea,
)
from partners import databases
from partners.models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
)
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/offers/"
TOMORROW = timezone.now() + datetime.timedelta(days=1)
IN_A_MONTH = (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)


@dataclass(frozen=True)
class Kind:
    """One record type as the API serves it."""

    path: str
    model: type
    factory: Any
    # A valid body to create one, without its organisation.
    body: dict[str, Any]
    # The record function of the JSON exports the API output must equal.
    record: Any
    organisation_field: str = "organisation"

    def url(self, record=None, action: str = "") -> str:
        url = f"/api/v1/{self.path}/"
        if record is not None:
            url += f"{record.pk}/"
        return url + (f"{action}/" if action else "")

    def make(self, organisation, **kwargs):
        return self.factory(**{self.organisation_field: organisation}, **kwargs)

    def create_body(self, organisation) -> dict[str, Any]:
        return {
            self.organisation_field: organisation.pk,
            "title": f"New {self.path}",
            "description": "Written through the API.",
            **self.body,
        }


KINDS = [
    Kind(
        "offers",
        Offer,
        OfferFactory,
        {"targets": ["GBF-T6"], "eligible_countries": ["KE"]},
        databases.offer_record,
        organisation_field="provider",
    ),
    Kind(
        "initiatives",
        Initiative,
        InitiativeFactory,
        {"countries": ["KE"], "stage": "planned"},
        databases.initiative_record,
    ),
    Kind(
        "resources",
        Resource,
        ResourceFactory,
        {"type": "toolkit", "link": "https://resources.example.org/guide.pdf"},
        databases.resource_record,
    ),
    Kind(
        "opportunities",
        Opportunity,
        OpportunityFactory,
        {
            "type": "fellowship",
            "deadline": IN_A_MONTH.isoformat(),
            "link": "https://opportunities.example.org/apply",
        },
        databases.opportunity_record,
    ),
    Kind(
        "events",
        Event,
        EventFactory,
        {
            "type": "workshop",
            "starts": "2031-03-02T09:00:00",
            "ends": "2031-03-02T17:00:00",
            "time_zone": "Africa/Nairobi",
            "online": True,
        },
        databases.event_record,
    ),
    Kind(
        "agreements",
        PartnershipAgreement,
        PartnershipAgreementFactory,
        {"kind": "mou", "signed_on": "2026-01-15"},
        databases.agreement_record,
    ),
]
KIND_IDS = [kind.path for kind in KINDS]
by_kind = pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)


@pytest.fixture
def people(member_x, member_y, helpdesk_user):
    return {
        "anonymous": None,
        "member_x": member_x,
        "member_y": member_y,
        "helpdesk": helpdesk_user,
    }


def as_person(api_client, people, who: str):
    api_client.force_authenticate(people[who])
    return api_client


def ids(response) -> set[str]:
    return {item["id"] for item in response.json()["results"]}


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """What the JSON exports write for a record."""
    return json.loads(json.dumps(data, cls=ExportJSONEncoder))


# --- Reading: who sees what ---------------------------------------------------------------------
@by_kind
@pytest.mark.parametrize(
    ("who", "sees_draft"),
    [("anonymous", False), ("member_x", True), ("member_y", False), ("helpdesk", True)],
)
def test_public_records_for_all_drafts_for_their_organisation_and_help_desk(
    api_client, people, organisation_x, kind, who, sees_draft
):
    public = kind.make(organisation_x)
    draft = kind.make(organisation_x, status=RecordStatus.DRAFT, published_at=None)
    client = as_person(api_client, people, who)

    listed = client.get(kind.url())

    assert listed.status_code == 200
    assert ids(listed) == ({str(public.pk), str(draft.pk)} if sees_draft else {str(public.pk)})
    assert client.get(kind.url(public)).status_code == 200
    assert client.get(kind.url(draft)).status_code == (200 if sees_draft else 404)


@by_kind
def test_records_of_unapproved_organisations_are_not_public(
    api_client, kind, learner, helpdesk_user
):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    MembershipFactory(user=learner, organisation=pending)
    record = kind.make(pending)

    assert api_client.get(kind.url()).json()["results"] == []
    assert api_client.get(kind.url(record)).status_code == 404
    api_client.force_authenticate(learner)
    assert ids(api_client.get(kind.url())) == {str(record.pk)}


# --- Representation -----------------------------------------------------------------------------
RECORD_FORMAT_OFFER_KEYS = [
    "id",
    "title",
    "description",
    "language",
    "provider",
    "support_types",
    "thematic_areas",
    "targets",
    "capacity_levels",
    "languages",
    "eligible_countries",
    "eligible_regions",
    "eligible_groups",
    "available_from",
    "available_until",
    "cost",
    "contribution",
    "budget_min",
    "budget_max",
    "budget_currency",
    "max_concurrent_requests",
    "status",
    "published",
    "url",
    "translations",
]


@pytest.fixture
def full_offer(organisation_x, country_a):
    organisation_x.country = country_a
    organisation_x.save()
    offer = OfferFactory(
        provider=organisation_x,
        title="Mangrove restoration training",
        description="Field courses on replanting mangroves.",
        title_fr="Formation à la restauration des mangroves",
        description_fr="Cours de terrain sur la replantation des mangroves.",
        available_from=datetime.date(2026, 1, 1),
        available_until=datetime.date(2030, 12, 31),
        contribution=Offer.Contribution.FINANCIAL,
        cost=Offer.Cost.AT_COST,
        budget_min="10000.00",
        budget_max="50000.00",
        budget_currency="EUR",
        max_concurrent_requests=3,
    )
    offer.support_types.set(SupportType.objects.filter(code="training"))
    offer.thematic_areas.set(ThematicArea.objects.filter(code="restoration"))
    offer.targets.set(GBFTarget.objects.filter(code__in=["GBF-T2", "GBF-T6"]))
    offer.capacity_levels.set(CapacityLevel.objects.filter(code="individual"))
    offer.languages.set(Language.objects.filter(code__in=["en", "fr"]))
    offer.eligible_countries.set(Country.objects.filter(code="KE"))
    offer.eligible_regions.set(Region.objects.filter(code="002"))
    offer.eligible_groups.set(CountryGroup.objects.filter(code="SIDS"))
    return offer


def test_offer_has_the_field_names_and_codes_of_the_record_format(api_client, full_offer):
    item = api_client.get(f"{OFFERS}{full_offer.pk}/").json()

    assert list(item) == RECORD_FORMAT_OFFER_KEYS
    assert item["id"] == str(full_offer.pk)
    assert item["provider"] == {
        "id": str(full_offer.provider.pk),
        "name": "Mangrove Alliance",
        "type": "ngo",
        "country": "KE",
    }
    assert item["support_types"] == ["training"]
    assert item["thematic_areas"] == ["restoration"]
    assert item["targets"] == ["GBF-T2", "GBF-T6"]
    assert item["capacity_levels"] == ["individual"]
    assert sorted(item["languages"]) == ["en", "fr"]
    assert item["eligible_countries"] == ["KE"]
    assert item["eligible_regions"] == ["002"]
    assert item["eligible_groups"] == ["SIDS"]
    assert (item["available_from"], item["available_until"]) == ("2026-01-01", "2030-12-31")
    assert (item["budget_min"], item["budget_max"], item["budget_currency"]) == (
        "10000.00",
        "50000.00",
        "EUR",
    )
    assert item["url"] == f"http://testserver/en/partners/offers/{full_offer.pk}/"
    assert item["translations"] == {
        "en": {
            "title": "Mangrove restoration training",
            "description": "Field courses on replanting mangroves.",
        },
        "fr": {
            "title": "Formation à la restauration des mangroves",
            "description": "Cours de terrain sur la replantation des mangroves.",
        },
    }


def test_offer_title_follows_accept_language(api_client, full_offer):
    item = api_client.get(f"{OFFERS}{full_offer.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert item["title"] == "Formation à la restauration des mangroves"
    assert item["language"] == "en"


def _with_everything(kind: Kind, record) -> None:
    """Related rows for the record types whose output lists them."""
    if kind.model is Initiative:
        record.partner_organisations.set([OrganisationFactory(name="Reef Partners")])
        record.countries.set(Country.objects.filter(code__in=["KE", "BR"]))
    for name in ("targets", "thematic_areas", "languages"):
        if hasattr(record, name):
            related = getattr(record, name)
            related.set(related.model.objects.order_by("code")[:2])


@by_kind
def test_output_is_the_record_of_the_json_export(api_client, organisation_x, kind):
    record = kind.make(organisation_x)
    _with_everything(kind, record)
    if kind.model is Opportunity:
        record.deadline = IN_A_MONTH
        record.save()
    record = kind.model.objects.get(pk=record.pk)

    item = api_client.get(kind.url(record)).json()

    request = APIRequestFactory().get("/")
    expected = as_json(kind.record(request, record))
    # Keys in the order of the export's CSV columns (databases.RECORD_KEYS), then translations.
    assert list(item) == [*databases.RECORD_KEYS[kind.record], "translations"]
    assert {key: value for key, value in item.items() if key != "translations"} == expected
    assert item["translations"]["en"]["title"] == record.title


def test_organisation_contacts_are_never_in_records(api_client, organisation_x):
    organisation_x.contact_email = "secret@mangrove-alliance.example"
    organisation_x.contact_phone = "+254 700 000000"
    organisation_x.save()
    for kind in KINDS:
        kind.make(organisation_x)
        body = api_client.get(kind.url()).content.decode()
        assert "secret@mangrove-alliance.example" not in body, kind.path
        assert "+254 700 000000" not in body, kind.path


# --- Filters ------------------------------------------------------------------------------------
def _offer(organisation, title: str, targets: list[str], countries: list[str] = ()):
    offer = OfferFactory(provider=organisation, title=title)
    offer.targets.set(GBFTarget.objects.filter(code__in=targets))
    offer.eligible_countries.set(Country.objects.filter(code__in=countries))
    return offer


def test_offers_are_filtered_as_on_the_page(api_client, organisation_x, country_a, country_b):
    for_kenya = _offer(organisation_x, "Mangrove restoration in Kenya", ["GBF-T6"], ["KE"])
    open_to_all = _offer(organisation_x, "Mangrove seed banks", ["GBF-T6"])
    _offer(organisation_x, "Mangrove nurseries", ["GBF-T2"], ["KE"])
    _offer(organisation_x, "Mangrove mapping in Brazil", ["GBF-T6"], ["BR"])
    _offer(organisation_x, "Seagrass monitoring", ["GBF-T6"])

    response = api_client.get(
        OFFERS, {"target": "GBF-T6", "eligible_country": "KE", "q": "mangrove"}
    )

    assert response.status_code == 200
    assert ids(response) == {str(for_kenya.pk), str(open_to_all.pk)}


@by_kind
def test_unknown_filter_parameter_is_400(api_client, kind):
    response = api_client.get(kind.url(), {"targett": "GBF-T6"})

    assert response.status_code == 400
    assert "targett" in response.json()


def test_unknown_code_is_400(api_client):
    response = api_client.get(OFFERS, {"target": "GBF-T99"})

    assert response.status_code == 400
    assert "target" in response.json()


def test_only_members_filter_by_statuses_the_public_does_not_see(
    api_client, organisation_x, organisation_y, member_x
):
    draft = OfferFactory(provider=organisation_x, status=RecordStatus.DRAFT, published_at=None)
    OfferFactory(provider=organisation_x)
    OfferFactory(provider=organisation_y, status=RecordStatus.DRAFT, published_at=None)
    # The schema generator builds (and keeps) the class-level form fields of the FilterSets.
    assert api_client.get("/api/v1/schema/", {"format": "json"}).status_code == 200

    assert api_client.get(OFFERS, {"status": "draft"}).status_code == 400
    api_client.force_authenticate(member_x)
    response = api_client.get(OFFERS, {"status": "draft"})
    assert response.status_code == 200
    assert ids(response) == {str(draft.pk)}


def test_other_record_types_have_their_own_filters(api_client, organisation_x):
    online = EventFactory(organisation=organisation_x, is_online=True)
    EventFactory(organisation=organisation_x, is_online=False, city="Mombasa")

    assert ids(api_client.get("/api/v1/events/", {"online": "true"})) == {str(online.pk)}
    assert api_client.get("/api/v1/events/", {"event_type": "picnic"}).status_code == 400


# --- Pagination and query counts ----------------------------------------------------------------
def test_lists_are_paginated(api_client, organisation_x):
    OfferFactory.create_batch(12, provider=organisation_x)

    first = api_client.get(OFFERS, {"page_size": 5}).json()
    last = api_client.get(OFFERS, {"page_size": 5, "page": 3}).json()

    assert first["count"] == 12
    assert len(first["results"]) == 5
    assert first["next"].endswith("/api/v1/offers/?page=2&page_size=5")
    assert len(last["results"]) == 2
    assert last["next"] is None


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# Per list: the count, the page of rows with their organisation (and types) joined, and one query
# per many-to-many relation shown: 8 for offers (support types, thematic areas, targets,
# capacity levels, languages, eligible countries, regions and groups).
EXPECTED_QUERIES = {
    "offers": 2 + 8,
    "initiatives": 2 + 4,
    "resources": 2 + 3,
    "opportunities": 2 + 6,
    "events": 2 + 3,
    "agreements": 2,
}


@by_kind
def test_list_queries_do_not_grow_with_rows(api_client, organisation_x, member_x, kind):
    def fill(count: int) -> None:
        for _ in range(count):
            record = kind.make(organisation_x)
            _with_everything(kind, record)

    fill(3)
    with CaptureQueriesContext(connection) as captured:
        assert len(api_client.get(kind.url()).json()["results"]) == 3
    assert len(captured.captured_queries) == EXPECTED_QUERIES[kind.path]
    api_client.force_authenticate(member_x)
    api_client.get(kind.url())  # the person's roles are read once, then remembered
    few = _queries(api_client, kind.url())

    fill(17)
    api_client.force_authenticate(None)
    assert _queries(api_client, kind.url()) == EXPECTED_QUERIES[kind.path]
    api_client.force_authenticate(member_x)
    assert _queries(api_client, kind.url()) == few


# --- Writing: the permission matrix ---------------------------------------------------------------
CREATE_STATUS = {"anonymous": 403, "member_x": 201, "member_y": 403, "helpdesk": 201}


@by_kind
@pytest.mark.parametrize("who", list(CREATE_STATUS))
def test_create_in_an_organisation(api_client, people, organisation_x, kind, who):
    client = as_person(api_client, people, who)

    response = client.post(kind.url(), kind.create_body(organisation_x), format="json")

    assert response.status_code == CREATE_STATUS[who], response.json()
    created = kind.model.objects.filter(title=f"New {kind.path}")
    if CREATE_STATUS[who] == 201:
        record = created.get()
        assert record.status == RecordStatus.DRAFT
        assert record.owner_organisation == organisation_x
        assert record.created_by == people[who]
        assert response.json()["id"] == str(record.pk)
        assert response.json()["status"] == "draft"
    else:
        assert not created.exists()


UPDATE_STATUS = {"anonymous": 403, "member_x": 200, "member_y": 403, "helpdesk": 200}


@by_kind
@pytest.mark.parametrize("who", list(UPDATE_STATUS))
def test_change_a_public_record(api_client, people, organisation_x, kind, who):
    record = kind.make(organisation_x, title="Before")
    client = as_person(api_client, people, who)

    response = client.patch(kind.url(record), {"title": "After"}, format="json")

    assert response.status_code == UPDATE_STATUS[who]
    record.refresh_from_db()
    assert record.title == ("After" if UPDATE_STATUS[who] == 200 else "Before")
    if UPDATE_STATUS[who] == 200:
        assert response.json()["title"] == "After"
        assert record.status == RecordStatus.PUBLISHED


@by_kind
def test_another_organisations_draft_is_404_on_every_write(
    api_client, member_y, organisation_x, kind
):
    draft = kind.make(organisation_x, status=RecordStatus.DRAFT, published_at=None)
    api_client.force_authenticate(member_y)

    assert api_client.patch(kind.url(draft), {"title": "Mine"}, format="json").status_code == 404
    assert api_client.post(kind.url(draft, "publish")).status_code == 404
    assert api_client.delete(kind.url(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT


PUBLISH_STATUS = {"anonymous": 403, "member_x": 200, "member_y": 404, "helpdesk": 200}


@by_kind
@pytest.mark.parametrize("who", list(PUBLISH_STATUS))
def test_publish_a_draft(api_client, people, organisation_x, kind, who):
    draft = kind.make(organisation_x, status=RecordStatus.DRAFT, published_at=None)
    client = as_person(api_client, people, who)

    response = client.post(kind.url(draft, "publish"))

    assert response.status_code == PUBLISH_STATUS[who]
    draft.refresh_from_db()
    published = PUBLISH_STATUS[who] == 200
    assert draft.status == (RecordStatus.PUBLISHED if published else RecordStatus.DRAFT)
    if published:
        assert response.json()["status"] == "published"
        assert draft.published_at is not None


@by_kind
def test_other_organisations_do_not_close_public_records(
    api_client, member_y, organisation_x, kind
):
    record = kind.make(organisation_x)
    api_client.force_authenticate(member_y)

    assert api_client.post(kind.url(record, "close")).status_code == 403
    assert api_client.post(kind.url(record, "unpublish")).status_code == 403
    record.refresh_from_db()
    assert record.status == RecordStatus.PUBLISHED


DELETE_STATUS = {"anonymous": 403, "member_x": 204, "member_y": 403, "helpdesk": 204}


@by_kind
@pytest.mark.parametrize("who", list(DELETE_STATUS))
def test_delete(api_client, people, organisation_x, kind, who):
    record = kind.make(organisation_x)
    client = as_person(api_client, people, who)

    response = client.delete(kind.url(record))

    assert response.status_code == DELETE_STATUS[who]
    assert kind.model.objects.filter(pk=record.pk).exists() is (DELETE_STATUS[who] != 204)


@by_kind
def test_editors_change_but_do_not_delete(api_client, organisation_x, kind):
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)
    record = kind.make(organisation_x)
    api_client.force_authenticate(editor)

    assert api_client.patch(kind.url(record), {"title": "Edited"}, format="json").status_code == 200
    refused = api_client.delete(kind.url(record))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the organisation's administrators delete its records."
    assert kind.model.objects.filter(pk=record.pk, title="Edited").exists()


# --- Writing: what is sent ------------------------------------------------------------------------
def test_offer_written_with_codes_and_translations(api_client, member_x, organisation_x):
    api_client.force_authenticate(member_x)
    body = {
        "provider": organisation_x.pk,
        "title": "Formation à la gestion des mangroves",
        "description": "Cours pratiques.",
        "language": "fr",
        "translations": {"en": {"title": "Mangrove management training"}},
        "support_types": ["training"],
        "targets": ["GBF-T6", "GBF-T2"],
        "languages": ["fr"],
        "eligible_countries": ["KE"],
        "eligible_regions": ["002"],
        "eligible_groups": ["SIDS", "LDC"],
        "available_until": "2030-06-30",
        "contribution": "financial",
        "budget_min": "1000",
        "budget_max": "5000",
        "budget_currency": "EUR",
    }

    response = api_client.post(OFFERS, body, format="json")

    assert response.status_code == 201, response.json()
    offer = Offer.objects.get(pk=response.json()["id"])
    assert offer.language == "fr"
    assert (offer.title_fr, offer.title_en) == (
        "Formation à la gestion des mangroves",
        "Mangrove management training",
    )
    assert offer.description_fr == "Cours pratiques."
    assert set(offer.targets.values_list("code", flat=True)) == {"GBF-T6", "GBF-T2"}
    assert set(offer.eligible_groups.values_list("code", flat=True)) == {"SIDS", "LDC"}
    assert list(offer.eligible_regions.values_list("code", flat=True)) == ["002"]
    assert offer.budget_max == 5000
    assert response.json()["translations"]["fr"]["title"] == "Formation à la gestion des mangroves"


def test_patch_changes_only_what_is_sent(api_client, member_x, full_offer):
    api_client.force_authenticate(member_x)

    response = api_client.patch(
        f"{OFFERS}{full_offer.pk}/",
        {"targets": ["GBF-T1"], "translations": {"es": {"title": "Formación en manglares"}}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    full_offer.refresh_from_db()
    assert list(full_offer.targets.values_list("code", flat=True)) == ["GBF-T1"]
    assert full_offer.title_es == "Formación en manglares"
    assert full_offer.title_en == "Mangrove restoration training"
    assert list(full_offer.support_types.values_list("code", flat=True)) == ["training"]
    assert set(response.json()["translations"]) == {"en", "fr", "es"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "published"}, "status"),
        ({"provider": 1}, "provider"),
        ({"colour": "green"}, "colour"),
        ({"targets": ["GBF-T99"]}, "targets"),
        ({"eligible_countries": ["XX"]}, "eligible_countries"),
        ({"translations": {"xx": {"title": "?"}}}, "translations"),
        ({"translations": {"en": {"title": "Same language"}}}, "translations"),
        ({"translations": {"fr": {"subtitle": "?"}}}, "translations"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"available_from": "2031-01-01", "available_until": "2030-01-01"}, "available_until"),
        ({"budget_min": "100"}, "contribution"),
    ],
)
def test_bad_input_is_400_with_the_field(api_client, member_x, full_offer, body, field):
    full_offer.contribution = Offer.Contribution.IN_KIND
    full_offer.budget_min = full_offer.budget_max = None
    full_offer.save()
    api_client.force_authenticate(member_x)

    response = api_client.patch(f"{OFFERS}{full_offer.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    full_offer.refresh_from_db()
    assert full_offer.title == "Mangrove restoration training"


def test_create_needs_the_title_in_the_records_language(api_client, member_x, organisation_x):
    api_client.force_authenticate(member_x)

    response = api_client.post(
        OFFERS,
        {"provider": organisation_x.pk, "description": "No title."},
        format="json",
    )

    assert response.status_code == 400
    assert "title" in response.json()
    assert not Offer.objects.exists()


def test_organisation_one_may_not_see_is_unknown(api_client, member_x):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    api_client.force_authenticate(member_x)

    response = api_client.post(
        OFFERS,
        {"provider": pending.pk, "title": "Hidden", "description": "Hidden."},
        format="json",
    )

    assert response.status_code == 400
    assert "provider" in response.json()


def test_event_times_without_offset_are_in_its_time_zone(api_client, member_x, organisation_x):
    api_client.force_authenticate(member_x)
    kind = KINDS[KIND_IDS.index("events")]

    response = api_client.post(kind.url(), kind.create_body(organisation_x), format="json")

    assert response.status_code == 201, response.json()
    event = Event.objects.get(pk=response.json()["id"])
    assert event.starts_at == datetime.datetime(2031, 3, 2, 6, 0, tzinfo=datetime.UTC)
    assert response.json()["starts"] == "2031-03-02T09:00:00+03:00"


def test_dates_already_past_are_refused_on_publishing(api_client, member_x, organisation_x):
    offer = OfferFactory(
        provider=organisation_x,
        status=RecordStatus.DRAFT,
        published_at=None,
        available_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    api_client.force_authenticate(member_x)

    response = api_client.post(f"{OFFERS}{offer.pk}/publish/")

    assert response.status_code == 400
    assert "available_until" in response.json()
    offer.refresh_from_db()
    assert offer.status == RecordStatus.DRAFT


def test_status_actions_take_no_body(api_client, member_x, organisation_x):
    offer = OfferFactory(provider=organisation_x)
    api_client.force_authenticate(member_x)

    response = api_client.post(f"{OFFERS}{offer.pk}/close/", {"reason": "done"}, format="json")

    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.status == RecordStatus.PUBLISHED


def test_offer_pause_publish_close_and_back_to_draft(api_client, member_x, organisation_x):
    offer = OfferFactory(provider=organisation_x)
    api_client.force_authenticate(member_x)

    for action, expected in [
        ("pause", "paused"),
        ("publish", "published"),
        ("close", "closed"),
        ("unpublish", "draft"),
    ]:
        response = api_client.post(f"{OFFERS}{offer.pk}/{action}/")
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == expected
        offer.refresh_from_db()
        assert offer.status == expected
    assert api_client.get(f"{OFFERS}{offer.pk}/").status_code == 200
    api_client.force_authenticate(None)
    assert api_client.get(f"{OFFERS}{offer.pk}/").status_code == 404


def test_only_offers_pause(api_client, member_x, organisation_x):
    event = EventFactory(organisation=organisation_x)
    api_client.force_authenticate(member_x)

    assert api_client.post(f"/api/v1/events/{event.pk}/pause/").status_code == 404
    event.refresh_from_db()
    assert event.status == RecordStatus.PUBLISHED


# --- The schema ---------------------------------------------------------------------------------
def test_schema_documents_the_partners_endpoints(api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    for kind in [*KIND_IDS, "organisations"]:
        assert f"/api/v1/{kind}/" in schema["paths"], kind
        assert f"/api/v1/{kind}/{{id}}/" in schema["paths"], kind
    assert "/api/v1/offers/{id}/pause/" in schema["paths"]
    assert "/api/v1/events/{id}/pause/" not in schema["paths"]
    offer = schema["components"]["schemas"]["Offer"]["properties"]
    assert list(offer) == RECORD_FORMAT_OFFER_KEYS
    offers = schema["paths"]["/api/v1/offers/"]
    assert offers["get"]["summary"] == "Search offers of support"
    assert {"target", "eligible_country", "q"} <= {p["name"] for p in offers["get"]["parameters"]}


def test_schema_generates_without_warnings(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")
    assert "Warning" not in capsys.readouterr().err


def test_errors_of_the_services_use_the_api_names(api_client, member_x, organisation_x):
    api_client.force_authenticate(member_x)

    response = api_client.post(
        "/api/v1/resources/",
        {
            "organisation": organisation_x.pk,
            "title": "A toolkit without a link",
            "description": "Nowhere to find it.",
            "type": "toolkit",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "link" in response.json()
    assert not Resource.objects.filter(title="A toolkit without a link").exists()


def test_put_needs_the_required_fields_and_keeps_the_others(api_client, member_x, full_offer):
    api_client.force_authenticate(member_x)
    url = f"{OFFERS}{full_offer.pk}/"

    incomplete = api_client.put(url, {"title": "Only a title"}, format="json")
    complete = api_client.put(
        url, {"title": "New title", "description": "New description."}, format="json"
    )

    assert incomplete.status_code == 400
    assert "description" in incomplete.json()
    assert complete.status_code == 200
    full_offer.refresh_from_db()
    assert (full_offer.title, full_offer.max_concurrent_requests) == ("New title", 3)
