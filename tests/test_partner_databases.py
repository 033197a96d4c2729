"""Every database of the partners, through the shared framework: list pages with facets and
constant queries, public records only, streamed exports, feeds read by a real feed parser,
schema.org JSON-LD on detail pages, search across languages."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import Country, CountryGroup, GBFTarget, SupportType
from partners.databases import PARTNER_DATABASES
from partners.models import Offer, Organisation, RecordStatus
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
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
RECORD_KEYS = list(FACTORIES)


def make(key: str, organisation: Organisation, **fields):
    factory, owner = FACTORIES[key]
    return factory(**{owner: organisation}, **fields)


def list_url(key: str) -> str:
    return reverse(f"partners:{key}_list")


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, body(response)[:500]
    return len(captured)


@pytest.mark.parametrize("key", RECORD_KEYS)
def test_list_pages_keep_the_same_number_of_queries(client, key, organisation_x):
    for _ in range(3):
        make(key, organisation_x)
    few = queries_for(client, list_url(key))
    for _ in range(15):
        make(key, organisation_x)
    many = queries_for(client, list_url(key))

    assert many == few


def test_organisation_list_keeps_the_same_number_of_queries(client):
    for _ in range(3):
        OrganisationFactory()
    few = queries_for(client, list_url("organisations"))
    for _ in range(15):
        OrganisationFactory()

    assert queries_for(client, list_url("organisations")) == few


@pytest.mark.parametrize("key", RECORD_KEYS)
def test_only_public_records_are_listed_exported_and_syndicated(client, key, organisation_x):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    make(key, organisation_x, title="Visible record")
    make(key, organisation_x, title="Draft record", status=RecordStatus.DRAFT, published_at=None)
    make(key, pending, title="Record of a pending organisation")

    for url in (
        list_url(key),
        reverse(f"partners:{key}_export_csv"),
        reverse(f"partners:{key}_export_json"),
        reverse(f"partners:{key}_feed"),
    ):
        text = body(client.get(url))
        assert "Visible record" in text, url
        assert "Draft record" not in text, url
        assert "pending organisation" not in text, url


@pytest.mark.parametrize("key", RECORD_KEYS)
def test_drafts_and_records_of_pending_organisations_have_no_public_page(
    client, key, organisation_x, member_y
):
    draft = make(key, organisation_x, status=RecordStatus.DRAFT, published_at=None)
    pending = make(key, OrganisationFactory(status=Organisation.Status.PENDING))
    detail = f"partners:{FACTORIES[key][0]._meta.model._meta.model_name}_detail"
    detail = detail.replace("partnershipagreement", "agreement")

    assert client.get(reverse(detail, args=[draft.pk])).status_code == 404
    assert client.get(reverse(detail, args=[pending.pk])).status_code == 404
    client.force_login(member_y)
    assert client.get(reverse(detail, args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("key", RECORD_KEYS)
def test_feeds_parse_and_follow_the_filters(client, key, organisation_x, organisation_y):
    make(key, organisation_x, title="From Mangrove Alliance")
    make(key, organisation_y, title="From Savanna Research")
    organisation_filter = "provider" if key == "offers" else "organisation"

    response = client.get(reverse(f"partners:{key}_feed"), {organisation_filter: organisation_x.pk})
    feed = feedparser.parse(body(response))

    assert response.status_code == 200
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["From Mangrove Alliance"]
    assert feed.entries[0].link.startswith("http://testserver/")
    assert feed.entries[0].id.startswith("tag:")
    assert client.get(reverse(f"partners:{key}_feed"), {"year": "last"}).status_code == 400


@pytest.mark.parametrize("key", RECORD_KEYS)
def test_detail_pages_carry_schema_org_json_ld(client, key, organisation_x):
    record = make(key, organisation_x, title="Described record")
    database = next(database for database in PARTNER_DATABASES if database.key == key)

    response = client.get(database.detail_url(record))

    assert response.status_code == 200
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body(response), re.S)
    data = json.loads(match.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Described record"
    assert data["url"].endswith(database.detail_url(record))


def test_offer_exports_use_the_record_exchange_format(client, organisation_x):
    offer = OfferFactory(provider=organisation_x, title="Mangrove restoration training")
    offer.targets.set(GBFTarget.objects.filter(code__in=["GBF-T2", "GBF-T11"]))
    offer.support_types.set(SupportType.objects.filter(code="training"))
    offer.eligible_groups.set(CountryGroup.objects.filter(code="SIDS"))
    organisation_x.contact_email = "secret@mangrove.example"
    organisation_x.save()

    records = json.loads(body(client.get(reverse("partners:offers_export_json"))))
    rows = list(
        csv.DictReader(
            io.StringIO(body(client.get(reverse("partners:offers_export_csv"))).lstrip("\ufeff"))
        )
    )

    assert records[0]["provider"]["id"] == str(organisation_x.pk)
    assert records[0]["targets"] == ["GBF-T11", "GBF-T2"] or records[0]["targets"] == [
        "GBF-T2",
        "GBF-T11",
    ]
    assert records[0]["eligible_groups"] == ["SIDS"]
    assert rows[0]["support_types"] == "training"
    assert rows[0]["provider"] == "Mangrove Alliance"
    assert "secret@" not in json.dumps(records) + str(rows)


def test_eligibility_filter_follows_the_record_format(client, organisation_x):
    open_to_all = OfferFactory(provider=organisation_x, title="Open to all")
    for_sids = OfferFactory(provider=organisation_x, title="For SIDS")
    for_sids.eligible_groups.set(CountryGroup.objects.filter(code="SIDS"))
    for_brazil = OfferFactory(provider=organisation_x, title="For Brazil")
    for_brazil.eligible_countries.set(Country.objects.filter(code="BR"))
    for_africa = OfferFactory(provider=organisation_x, title="For Africa")
    for_africa.eligible_regions.set([Country.objects.get(code="KE").region])

    def titles(country: str) -> set[str]:
        response = client.get(list_url("offers"), {"eligible_country": country})
        return {offer.title for offer in response.context["records"]}

    assert titles("FJ") == {open_to_all.title, for_sids.title}
    assert titles("BR") == {open_to_all.title, for_brazil.title}
    assert titles("KE") == {open_to_all.title, for_africa.title}


def test_facets_count_in_the_list_filtered_by_the_other_parameters(client, organisation_x):
    training = SupportType.objects.get(code="training")
    equipment = SupportType.objects.get(code="equipment")
    for support, count in ((training, 3), (equipment, 1)):
        for _ in range(count):
            OfferFactory(provider=organisation_x).support_types.set([support])

    response = client.get(list_url("offers"), {"support_type": "training"})
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    counts = {value["code"]: value["count"] for value in groups["support_type"]["values"]}

    assert response.context["paginator"].count == 3
    assert counts == {"training": 3, "equipment": 1}
    assert [chip["label"] for chip in response.context["chips"]] == [
        "Support type: Training and education"
    ]


def test_a_french_offer_is_found_and_shown_with_a_fallback_notice(client, organisation_x):
    OfferFactory(
        provider=organisation_x,
        language="fr",
        title_en=None,
        title_fr="Formation sur les espèces exotiques envahissantes",
        description_en=None,
        description_fr="Ateliers pour les agents des douanes.",
    )

    response = client.get("/es/partners/offers/", {"q": "envahissantes"})
    page = body(response)
    detail = client.get(reverse("partners:offer_detail", args=[response.context["records"][0].pk]))

    assert response.context["paginator"].count == 1
    assert 'lang="fr"' in page
    assert "Formation sur les espèces exotiques envahissantes" in body(detail)
    assert "translation-notice" in body(detail)


@pytest.mark.slow
def test_csv_export_streams_with_constant_memory(client, organisation_x):
    def peak_while_reading(count: int) -> int:
        Offer.objects.all().delete()
        now = timezone.now()
        Offer.objects.bulk_create(
            Offer(
                provider=organisation_x,
                title_en=f"Offer {number}",
                description_en="Support for national biodiversity strategies. " * 5,
                status=RecordStatus.PUBLISHED,
                published_at=now,
            )
            for number in range(count)
        )
        response = client.get(reverse("partners:offers_export_csv"))
        tracemalloc.start()
        lines = sum(1 for _chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert lines == count + 1
        return peak

    small = peak_while_reading(1000)
    large = peak_while_reading(4000)

    # Four times the rows, not four times the memory: chunks of 500 rows are read at a time.
    assert large < small * 1.5
