"""The public registry of requests: list, facets, search, detail page, exports and Atom feed.

Requests that only need a state are written with the ORM (``registry_need``); the flow through
the services (create, submit, publish) is covered by ``published_need`` of ``conftest.py``.
"""

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import Country, GBFTarget, SupportType
from needs import selectors, services
from needs.filtersets import NeedFilterSet
from needs.models import Need, NeedSupport

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
REGISTRY = "/en/needs/registry/"
_numbers = itertools.count(1)


def registry_need(
    country,
    *,
    title="Seagrass mapping",
    problem_statement="Nobody has mapped the seagrass meadows of the coast.",
    status=Need.Status.PUBLISHED,
    visibility=Need.Visibility.PUBLIC,
    published_at=None,
    targets=(),
    support=(),
    **fields,
):
    """A request straight in the database, in ``status`` (published and public by default)."""
    now = timezone.now()
    public = status in (Need.Status.PUBLISHED, Need.Status.MATCHED, Need.Status.FULFILLED)
    need = Need.objects.create(
        reference=f"NEED-TEST-{next(_numbers):05d}",
        country=country,
        title=title,
        problem_statement=problem_statement,
        status=status,
        visibility=visibility,
        requesting_organisation="Ministry of Environment",
        contact_name="Contact Person",
        contact_email="contact.person@environment.example",
        estimated_budget=125000,
        budget_currency="USD",
        submitted_at=now,
        published_at=published_at or (now if public else None),
        **fields,
    )
    need.targets.set(GBFTarget.objects.filter(code__in=targets))
    NeedSupport.objects.bulk_create(
        NeedSupport(need=need, support_type=support_type)
        for support_type in SupportType.objects.filter(code__in=support)
    )
    return need


def references(response) -> list[str]:
    return [need.reference for need in response.context["records"]]


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    text = streamed(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def feed_entries(response) -> list[ET.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


@pytest.fixture
def mixed_needs(country_a, country_b, published_need, make_need, focal_point_a, helpdesk_user):
    """What anonymous visitors may and may not see.

    Visible: Amani's published Kenyan request (via the services) and a Brazilian one.
    Hidden: a draft, a restricted published request and a rejected one.
    """
    brazilian = registry_need(country_b, title="Mangrove restoration", targets=["GBF-T2"])
    draft = make_need(title="Draft about lions")
    restricted = registry_need(
        country_a, title="Restricted wetlands", visibility=Need.Visibility.RESTRICTED
    )
    rejected = registry_need(country_a, title="Rejected plan", status=Need.Status.REJECTED)
    return {
        "visible": [published_need, brazilian],
        "hidden": [draft, restricted, rejected],
    }


# --- Who sees what ------------------------------------------------------------------------------
def test_anonymous_sees_only_published_public_requests_everywhere(client, mixed_needs):
    visible = {need.reference for need in mixed_needs["visible"]}
    hidden = [need.reference for need in mixed_needs["hidden"]]

    page = client.get(REGISTRY)
    assert page.status_code == 200
    assert set(references(page)) == visible

    csv_references = {row["reference"] for row in csv_rows(client.get(reverse("needs:export_csv")))}
    assert csv_references == visible

    records = json.loads(streamed(client.get(reverse("needs:export_json"))))
    assert {record["id"] for record in records} == visible

    feed = client.get(reverse("needs:feed"))
    assert {entry.findtext(f"{ATOM}id").rsplit(":", 1)[-1] for entry in feed_entries(feed)} == (
        visible
    )

    for reference in hidden:
        assert client.get(f"/en/needs/{reference}/").status_code == 404


def test_public_list_shows_no_contact_details_or_budget(client, mixed_needs):
    body = client.get(REGISTRY).content.decode()
    text = streamed(client.get(reverse("needs:export_csv")))
    records = streamed(client.get(reverse("needs:export_json")))
    for content in (body, text, records):
        assert "contact.person@environment.example" not in content
        assert "amani.otieno@environment.go.ke" not in content
        assert "125000" not in content


# --- The list page ------------------------------------------------------------------------------
def test_registry_page_is_an_accessible_get_form_with_feed_and_exports(client, country_a):
    registry_need(country_a, targets=["GBF-T3"])

    response = client.get(REGISTRY, {"target": "GBF-T3", "q": "seagrass"})

    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form method="get" action="/en/needs/registry/"', body)
    assert '<label for="list-q">' in body
    assert 'type="checkbox" name="target" value="GBF-T3"' in body
    assert "<legend>GBF target</legend>" in body
    assert 'href="/en/needs/registry/export.csv?target=GBF-T3&amp;q=seagrass"' in body
    assert 'href="/en/needs/registry/export.json?target=GBF-T3&amp;q=seagrass"' in body
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" '
        r'href="/en/needs/registry/feed/\?target=GBF-T3&amp;q=seagrass"',
        body,
    )
    # The footer links to the feed too.
    assert '<a href="/en/needs/registry/feed/" type="application/atom+xml">' in body


def test_selected_filters_are_removable_chips(client, country_a, country_b):
    registry_need(country_a, targets=["GBF-T3"])
    registry_need(country_b, targets=["GBF-T3"])

    response = client.get(REGISTRY, {"country": ["KE", "BR"], "target": "GBF-T3", "page": 1})

    chips = {chip["label"]: chip["url"] for chip in response.context["chips"]}
    assert chips == {
        "Country: Kenya": "country=BR&target=GBF-T3",
        "Country: Brazil": "country=KE&target=GBF-T3",
        "GBF target: GBF-T3": "country=KE&country=BR",
    }
    assert 'href="/en/needs/registry/?country=BR&amp;target=GBF-T3"' in response.content.decode()


def test_results_show_reference_country_targets_support_status_and_date(client, country_a):
    need = registry_need(
        country_a,
        title="Invasive Prosopis control",
        targets=["GBF-T6", "GBF-T1"],
        support=["training"],
        published_at=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
    )

    body = client.get(REGISTRY).content.decode()

    row = body[body.index(need.reference) - 400 :]
    assert "Invasive Prosopis control" in row
    assert "Kenya" in row
    assert row.index("GBF-T1") < row.index("GBF-T6")
    assert "Training and education" in row
    assert '<span class="badge">Published (open for matching)</span>' in row
    assert '<time datetime="2025-03-14">' in row


def test_pagination_by_twenty_keeps_the_filters(client, country_a, country_b):
    for number in range(25):
        registry_need(country_a, title=f"Kenyan request {number}")
    registry_need(country_b)

    first = client.get(REGISTRY, {"country": "KE"})
    second = client.get(REGISTRY, {"country": "KE", "page": 2})

    assert len(references(first)) == 20
    assert len(references(second)) == 5
    assert set(references(first)).isdisjoint(references(second))
    assert first.context["paginator"].count == 25
    assert 'href="?country=KE&amp;page=2" rel="next"' in first.content.decode()


def test_unknown_code_is_shown_as_an_error(client, country_a):
    registry_need(country_a)

    response = client.get(REGISTRY, {"target": "GBF-T99"})

    assert response.status_code == 400
    assert "GBF-T99" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert "needs" not in response.context


def test_non_public_status_cannot_be_asked_for_in_the_registry(client, helpdesk_user):
    client.force_login(helpdesk_user)
    assert client.get(REGISTRY, {"status": "draft"}).status_code == 400
    assert client.get(REGISTRY, {"status": "published"}).status_code == 200


def _registry_queries(client, django_assert_num_queries):
    # 1 count, 1 page of requests (with countries), 2 prefetches (targets, support types),
    # 13 for the facets: country, region, target and support type each counted by id then their
    # terms read (thematic areas are counted, no term is read: none has one), groups counted then
    # named, status and year. No session or user query for an anonymous visitor.
    with django_assert_num_queries(17):
        response = client.get(REGISTRY)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("number_of_requests", [5, 40])
def test_registry_page_query_count_does_not_grow(
    client, country_a, country_b, number_of_requests, django_assert_num_queries
):
    for number in range(number_of_requests):
        registry_need(
            country_a if number % 2 else country_b,
            targets=["GBF-T1", "GBF-T6"],
            support=["training", "equipment"],
        )

    response = _registry_queries(client, django_assert_num_queries)

    assert len(references(response)) == min(number_of_requests, 20)


def test_facet_counts_are_shared_until_a_request_changes(
    client, focal_point_a, country_a, django_assert_num_queries
):
    """Signed-in visitors get no cached page, but the facet counts of the same filters, the same
    for everyone, come from the cache until a request is saved."""
    registry_need(country_a, targets=["GBF-T1"])
    client.force_login(focal_point_a)
    client.get(REGISTRY, {"target": "GBF-T1"})  # counts the facets, then keeps them

    # Session, user, the target asked for, count, unread messages, page and its two prefetches:
    # no facet query.
    with django_assert_num_queries(8):
        response = client.get(REGISTRY, {"target": "GBF-T1"})
    assert {value["code"]: value["count"] for value in _group(response, "country")} == {"KE": 1}

    registry_need(country_a, targets=["GBF-T1"])
    response = client.get(REGISTRY, {"target": "GBF-T1"})
    assert {value["code"]: value["count"] for value in _group(response, "country")} == {"KE": 2}


def _group(response, name: str) -> list[dict]:
    [group] = [group for group in response.context["facet_groups"] if group["name"] == name]
    return group["values"]


# --- Facets ---------------------------------------------------------------------------------------
def _facet(facets, name) -> dict[str, int]:
    return {value.code: value.count for value in facets[name]}


def test_facet_counts(country_a, country_b):
    ethiopia = Country.objects.get(code="ET")  # a least developed, landlocked country
    registry_need(
        country_a,
        targets=["GBF-T1", "GBF-T6"],
        support=["training"],
        published_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    registry_need(country_a, targets=["GBF-T6"], status=Need.Status.MATCHED)
    registry_need(country_b, targets=["GBF-T3"], support=["training", "equipment"])
    registry_need(ethiopia, targets=["GBF-T6"])
    registry_need(country_b, status=Need.Status.DRAFT)  # not public: counted nowhere

    facets = selectors.need_registry_facets(selectors.need_registry_list())

    assert _facet(facets, "country") == {"KE": 2, "BR": 1, "ET": 1}
    assert facets["country"][0].code == "KE"  # most requests first
    assert _facet(facets, "region") == {"002": 3, "019": 1}
    assert _facet(facets, "group") == {"LDC": 1, "LLDC": 1}
    assert _facet(facets, "target") == {"GBF-T1": 1, "GBF-T3": 1, "GBF-T6": 3}
    assert [value.code for value in facets["target"]] == ["GBF-T1", "GBF-T3", "GBF-T6"]
    assert _facet(facets, "support_type") == {"training": 2, "equipment": 1}
    assert _facet(facets, "status") == {"published": 3, "matched": 1}
    this_year = str(timezone.now().year)
    assert _facet(facets, "year") == {"2025": 1, this_year: 3}
    assert facets["region"][0].label == "Africa"


def test_facets_of_a_filter_still_offer_its_other_values(client, country_a, country_b):
    registry_need(country_a, targets=["GBF-T1"])
    registry_need(country_b, targets=["GBF-T3"])

    response = client.get(REGISTRY, {"country": "KE"})

    groups = {group["name"]: group["values"] for group in response.context["facet_groups"]}
    countries = {value["code"]: (value["count"], value["checked"]) for value in groups["country"]}
    assert countries == {"KE": (1, True), "BR": (1, False)}
    # Other facets count within the filtered list only.
    assert [value["code"] for value in groups["target"]] == ["GBF-T1"]
    assert references(response) == [Need.objects.get(country=country_a).reference]


# --- Filters ------------------------------------------------------------------------------------
def query(params) -> QueryDict:
    """``params`` as a query string reads them (lists are repeated parameters)."""
    return QueryDict(urlencode(params, doseq=True))


def _filtered(params, *, request=None) -> set[str]:
    filterset = NeedFilterSet(
        query(params), queryset=selectors.need_registry_list(), request=request
    )
    assert filterset.is_valid(), filterset.errors
    return {need.title for need in filterset.qs}


def test_filters_by_country_region_group_and_vocabularies(country_a, country_b):
    ethiopia = Country.objects.get(code="ET")
    registry_need(
        country_a,
        title="Kenya",
        targets=["GBF-T1"],
        support=["training"],
        language="fr",
        application_level=Need.ApplicationLevel.COMMUNITY,
    )
    registry_need(country_b, title="Brazil", targets=["GBF-T3"], support=["equipment"])
    registry_need(ethiopia, title="Ethiopia", targets=["GBF-T1", "GBF-T3"])

    assert _filtered({"country": ["KE", "BR"]}) == {"Kenya", "Brazil"}
    assert _filtered({"region": "002"}) == {"Kenya", "Ethiopia"}  # Africa
    assert _filtered({"region": "014"}) == {"Kenya", "Ethiopia"}  # Eastern Africa
    assert _filtered({"region": "005"}) == {"Brazil"}  # South America
    assert _filtered({"group": "LDC"}) == {"Ethiopia"}
    assert _filtered({"target": ["GBF-T1", "GBF-T3"]}) == {"Kenya", "Brazil", "Ethiopia"}
    assert _filtered({"target": "GBF-T1", "country": "ET"}) == {"Ethiopia"}
    assert _filtered({"support_type": "equipment"}) == {"Brazil"}
    assert _filtered({"language": "fr"}) == {"Kenya"}


def test_filter_by_year_and_status(country_a):
    registry_need(country_a, title="Old", published_at=datetime(2024, 12, 31, 23, 0, tzinfo=UTC))
    registry_need(country_a, title="Matched", status=Need.Status.MATCHED)

    assert _filtered({"year": "2024"}) == {"Old"}
    assert _filtered({"status": "matched"}) == {"Matched"}


@pytest.mark.parametrize(
    "params",
    [
        {"target": "GBF-T99"},
        {"country": "ZZ"},
        {"region": "999"},
        {"group": "G77"},
        {"thematic_area": "unknown"},
        {"status": "draft"},
        {"year": "last"},
        {"language": "xx"},
    ],
)
def test_unknown_codes_are_invalid(params):
    filterset = NeedFilterSet(query(params), queryset=selectors.need_registry_list())
    assert not filterset.is_valid()
    assert set(filterset.errors) == set(params)


# --- Full-text search ---------------------------------------------------------------------------
def test_search_finds_a_word_of_the_problem_statement(client, country_a):
    registry_need(country_a, title="Mapping", problem_statement="Dugongs graze the seagrass.")
    registry_need(country_a, title="Wetlands", problem_statement="Flamingos feed at the lake.")

    response = client.get(REGISTRY, {"q": "flamingos"})

    assert [need.title for need in response.context["records"]] == ["Wetlands"]


def test_search_ranks_a_title_match_first(country_a):
    registry_need(
        country_a, title="Lake monitoring", problem_statement="Counting pelicans each year."
    )
    registry_need(country_a, title="Pelican census", problem_statement="A census of waterbirds.")
    registry_need(country_a, title="Forests", problem_statement="Nothing about birds.")

    filterset = NeedFilterSet(query({"q": "pelican"}), queryset=selectors.need_registry_list())
    assert filterset.is_valid()

    assert [need.title for need in filterset.qs] == ["Pelican census", "Lake monitoring"]


def test_search_needs_every_word(country_a):
    registry_need(country_a, title="Coral reefs", problem_statement="Bleaching of the reefs.")
    registry_need(country_a, title="Coral nurseries", problem_statement="Growing fragments.")

    assert _filtered({"q": "coral bleaching"}) == {"Coral reefs"}
    assert _filtered({"q": "coral -bleaching"}) == {"Coral nurseries"}


# --- One request's page -------------------------------------------------------------------------
def test_published_request_page_for_everyone(client, published_need):
    response = client.get(f"/en/needs/{published_need.reference}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert published_need.title in body
    assert published_need.reference in body
    assert "County officers cannot identify the waterbirds" in body
    assert "GBF-T4" in body and "GBF-T21" in body
    assert "Two field courses of five days at Lake Nakuru." in body
    assert "Ministry of Environment, Climate Change and Forestry" in body
    assert "Eastern Africa" in body
    assert "<dd>English</dd>" in body
    assert "amani.otieno@environment.go.ke" not in body
    assert reverse("needs:manage", args=[published_need.reference]) not in body


def test_request_page_has_schema_org_json_ld(client, published_need):
    body = client.get(f"/en/needs/{published_need.reference}/").content.decode()

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(script.group(1))
    assert data["@context"] == "https://schema.org"
    assert "Demand" in data["@type"]
    assert data["identifier"] == published_need.reference
    assert data["name"] == published_need.title
    assert data["areaServed"]["identifier"] == "KE"
    assert data["inLanguage"] == "en"
    assert [term["termCode"] for term in data["about"]] == ["GBF-T4", "GBF-T21"]
    assert data["url"] == f"http://testserver/en/needs/{published_need.reference}/"


def test_json_ld_cannot_close_its_script_element(client, country_a):
    need = registry_need(country_a, title="</script><script>alert(1)</script>")

    body = client.get(f"/en/needs/{need.reference}/").content.decode()

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert json.loads(script.group(1))["name"] == need.title
    assert "<script>alert(1)" not in body


def test_owners_and_help_desk_see_private_fields_and_the_manage_link(
    client, published_need, focal_point_a, colleague_a, helpdesk_user, focal_point_b
):
    url = f"/en/needs/{published_need.reference}/"
    manage = reverse("needs:manage", args=[published_need.reference])
    for person in (focal_point_a, colleague_a, helpdesk_user):
        client.force_login(person)
        body = client.get(url).content.decode()
        assert "amani.otieno@environment.go.ke" in body, person
        assert manage in body, person
    client.force_login(focal_point_b)
    body = client.get(url).content.decode()
    assert "amani.otieno@environment.go.ke" not in body
    assert manage not in body


def test_draft_page_only_for_its_owners_and_the_help_desk(
    client, draft_need, focal_point_a, colleague_a, helpdesk_user, focal_point_b, learner
):
    url = f"/en/needs/{draft_need.reference}/"
    assert client.get(url).status_code == 404
    for outsider in (focal_point_b, learner):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    for owner in (focal_point_a, colleague_a, helpdesk_user):
        client.force_login(owner)
        response = client.get(url)
        assert response.status_code == 200
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_unknown_reference_is_404(client):
    assert client.get("/en/needs/NEED-1999-00001/").status_code == 404


# --- Exports ------------------------------------------------------------------------------------
def test_csv_export_parses_and_neutralises_formulas(client, country_a):
    registry_need(country_a, title="=cmd()", targets=["GBF-T6", "GBF-T1"], support=["training"])

    response = client.get(reverse("needs:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="needs-')
    [row] = csv_rows(response)
    assert row["title"] == "'=cmd()"
    assert row["targets"] == "GBF-T1;GBF-T6"
    assert row["support_types"] == "training"
    assert row["country"] == "KE"
    assert row["status"] == "published"
    assert "contact_email" not in row and "estimated_budget" not in row


def test_exports_apply_the_registry_filters(client, country_a, country_b):
    registry_need(country_a, title="Kenyan", targets=["GBF-T1"])
    registry_need(country_b, title="Brazilian", targets=["GBF-T3"])

    csv_titles = [
        row["title"]
        for row in csv_rows(client.get(reverse("needs:export_csv"), {"target": "GBF-T3"}))
    ]
    json_titles = [
        record["title"]
        for record in json.loads(
            streamed(client.get(reverse("needs:export_json"), {"country": "KE"}))
        )
    ]

    assert csv_titles == ["Brazilian"]
    assert json_titles == ["Kenyan"]


def test_json_export_uses_the_record_format(client, published_need):
    response = client.get(reverse("needs:export_json"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    [record] = json.loads(streamed(response))
    assert record == {
        "id": published_need.reference,
        "title": "Waterbird monitoring at the Rift Valley lakes",
        "description": "County officers cannot identify the waterbirds counted at Lake Nakuru.",
        "language": "en",
        "country": "KE",
        "support_types": ["training"],
        "thematic_areas": ["inland_waters", "monitoring_data"],
        "targets": ["GBF-T4", "GBF-T21"],
        "capacity_levels": ["individual"],
        "languages": ["en", "sw"],
        "submitted": timezone.localdate(published_need.submitted_at).isoformat(),
        "status": "published",
        "published": timezone.localdate(published_need.published_at).isoformat(),
        "url": f"http://testserver/en/needs/{published_need.reference}/",
    }


def test_exports_refuse_invalid_filters(client):
    for name in ("needs:export_csv", "needs:export_json"):
        response = client.get(reverse(name), {"country": "ZZ"})
        assert response.status_code == 400
        assert "country" in response.json()["errors"]


# --- Atom feed ----------------------------------------------------------------------------------
def test_feed_lists_newly_published_requests_newest_first(client, country_a):
    older = registry_need(
        country_a,
        title="Older",
        targets=["GBF-T2", "GBF-T8"],
        published_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    newer = registry_need(country_a, title="Newer", published_at=datetime(2025, 2, 1, tzinfo=UTC))

    entries = feed_entries(client.get(reverse("needs:feed")))

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Newer (Kenya)",
        "Older (Kenya)",
    ]
    last = entries[1]
    assert last.findtext(f"{ATOM}id").endswith(f":{older.reference}")
    assert last.find(f"{ATOM}link").get("href") == f"http://testserver/en/needs/{older.reference}/"
    assert [category.get("term") for category in last.findall(f"{ATOM}category")] == [
        "GBF-T2",
        "GBF-T8",
    ]
    assert last.findtext(f"{ATOM}published").startswith("2025-01-01")
    assert entries[0].findtext(f"{ATOM}id").endswith(f":{newer.reference}")


def test_feed_honours_the_filters(client, country_a, country_b):
    registry_need(country_a, title="Kenyan", targets=["GBF-T1"])
    registry_need(country_b, title="Brazilian", targets=["GBF-T3"])

    response = client.get(reverse("needs:feed"), {"target": "GBF-T3"})

    assert [entry.findtext(f"{ATOM}title") for entry in feed_entries(response)] == [
        "Brazilian (Brazil)"
    ]
    root = ET.fromstring(response.content)
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/en/needs/registry/?target=GBF-T3"


def test_feed_refuses_invalid_filters(client):
    assert client.get(reverse("needs:feed"), {"target": "GBF-T99"}).status_code == 400


def test_feed_holds_the_fifty_newest(client, country_a):
    for _number in range(52):
        registry_need(country_a)

    assert len(feed_entries(client.get(reverse("needs:feed")))) == 50


def test_requests_published_through_the_services_reach_the_feed(
    client, make_need, focal_point_a, helpdesk_user
):
    need = services.need_submit(need=make_need(title="Through the workflow"), by=focal_point_a)
    assert feed_entries(client.get(reverse("needs:feed"))) == []

    services.need_publish(need=need, by=helpdesk_user)

    [entry] = feed_entries(client.get(reverse("needs:feed")))
    assert entry.findtext(f"{ATOM}title") == "Through the workflow (Kenya)"
