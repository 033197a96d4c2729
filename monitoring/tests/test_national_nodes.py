"""National CHM nodes: the models, the services that keep them, who may edit them (pages and
API), the public page with the records it gathers from the other apps (public ones only), the
list, the feed, the admin and the demo data.

The people are those of ``conftest.py``: Amani (CHM focal point of Kenya, country A), Baraka
(CBD focal point of Kenya), Beatriz (focal point of Brazil, country B), Xavier (member of partner
organisation X), Lea (learner), Hana (help desk), Sam (site administrator), and the anonymous
visitor.
"""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from chm_portal.vocabularies.models import Country, Region, SupportType
from monitoring import demo
from monitoring.models import (
    MATURITY_SUPPORT_ACTIONS,
    CountryProfile,
    MaturityLevel,
    NationalNode,
    NodeInstitution,
    NodeNewsItem,
)
from monitoring.services import node_news_add, node_news_delete, node_news_update, node_update
from monitoring.tests.factories import CountryProfileFactory
from partners.models import RecordStatus
from tests.factories import (
    CountryFactory,
    FocalPointFactory,
    MatchFactory,
    MatchNeedFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGE, EDIT = "monitoring:node", "monitoring:node-edit"
LIST, FEED = "monitoring:nodes", "monitoring:node-feed"
API_DETAIL, API_LIST = "national-node-detail", "national-node-list"

# Who may edit Kenya's node (the rule monitoring.edit_national_node): its focal points of any
# kind, the help desk, site administrators.
EDITORS = ["focal_point_a", "colleague_a", "helpdesk_user", "site_admin"]
OUTSIDERS = ["learner", "focal_point_b", "member_x"]

INTRODUCTION = "Kenya's CHM gathers the country's biodiversity information."

GOOD_POST = {
    "maturity_level": "3",
    "national_chm_url": "https://chm.kenya.example",
    "support_requested": "Training in web publishing for two officers.",
    "introduction": INTRODUCTION,
    "is_published": "on",
    "institutions-TOTAL_FORMS": "2",
    "institutions-INITIAL_FORMS": "0",
    "institutions-MIN_NUM_FORMS": "0",
    "institutions-MAX_NUM_FORMS": "1000",
    "institutions-0-name": "Kenya Wildlife Service",
    "institutions-0-role": "Publishes protected areas data.",
    "institutions-0-website": "https://kws.example",
    "institutions-1-name": "",
    "institutions-1-role": "",
    "institutions-1-website": "",
}


def person(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def node_of(country) -> NationalNode:
    return NationalNode(country=country)


@pytest.fixture
def published_node(country_a, focal_point_a):
    """Kenya's node, published, with two institutions and a piece of news."""
    CountryProfileFactory(
        country=country_a,
        maturity_level=MaturityLevel.WEB_PRESENCE,
        national_chm_url="https://chm.kenya.example",
        support_requested="Hosting for the national website.",
    )
    node = node_update(
        node=node_of(country_a),
        by=focal_point_a,
        introduction=INTRODUCTION,
        is_published=True,
        support_types=[SupportType.objects.get(code="training")],
        institutions=[
            {"name": "Kenya Wildlife Service", "role": "Protected areas data."},
            {"name": "National Museums of Kenya", "website": "https://museums.example"},
        ],
    )
    node_news_add(node=node, by=focal_point_a, title="NBSAP adopted", body="The new NBSAP.")
    return node


# --- Models ---------------------------------------------------------------------------------------
def test_a_country_has_one_node(country_a):
    NationalNode.objects.create(country=country_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        NationalNode.objects.create(country=country_a)


def test_the_maturity_level_is_checked_by_the_database(country_a):
    profile = CountryProfileFactory(country=country_a, maturity_level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryProfile.objects.filter(pk=profile.pk).update(maturity_level=6)


def test_the_support_actions_are_those_of_slide_23():
    # Level 4: share experience to develop other national CHMs; level 5: interoperability.
    assert "other national CHMs" in str(MATURITY_SUPPORT_ACTIONS[MaturityLevel.COMPLETE])
    assert "interoperability" in str(MATURITY_SUPPORT_ACTIONS[MaturityLevel.ADVANCED])
    assert set(MATURITY_SUPPORT_ACTIONS) == set(MaturityLevel)


def test_news_are_newest_first(country_a):
    node = NationalNode.objects.create(country=country_a)
    now = timezone.now()
    old = NodeNewsItem.objects.create(node=node, title="Old", body="x", published_at=now)
    new = NodeNewsItem.objects.create(
        node=node, title="New", body="x", published_at=now + datetime.timedelta(hours=1)
    )
    assert list(node.news.all()) == [new, old]


# --- Services -------------------------------------------------------------------------------------
def test_a_focal_point_creates_the_node_and_the_change_is_signed(country_a, focal_point_a):
    before = timezone.now()

    node = node_update(
        node=node_of(country_a),
        by=focal_point_a,
        maturity_level=3,
        national_chm_url=" https://chm.kenya.example ",
        support_requested="Training.",
        introduction=f"  {INTRODUCTION}  ",
        is_published=True,
        institutions=[{"name": "Kenya Wildlife Service", "website": "https://kws.example"}],
    )

    node.refresh_from_db()
    assert node.introduction == INTRODUCTION  # trimmed
    assert node.is_published and node.updated_by == focal_point_a and node.updated_at >= before
    assert [i.name for i in node.institutions.all()] == ["Kenya Wildlife Service"]
    # The level, website and support asked for are the profile's: one truth for every page.
    profile = CountryProfile.objects.get(country=country_a)
    assert (profile.maturity_level, profile.national_chm_url) == (3, "https://chm.kenya.example")
    assert profile.updated_by == focal_point_a


@pytest.mark.parametrize("name", ["colleague_a", "helpdesk_user", "site_admin"])
def test_other_editors_may_change_the_node(request, country_a, name):
    node_update(node=node_of(country_a), by=request.getfixturevalue(name), introduction="Ours.")
    assert NationalNode.objects.get(country=country_a).introduction == "Ours."


@pytest.mark.parametrize("name", [*OUTSIDERS, "anonymous"])
def test_outsiders_are_refused_and_nothing_is_saved(request, country_a, name):
    user = person(request, name) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        node_update(node=node_of(country_a), by=user, introduction="Not mine.", maturity_level=5)
    assert not NationalNode.objects.filter(country=country_a).exists()
    assert not CountryProfile.objects.filter(country=country_a).exists()


def test_a_revoked_focal_point_may_no_longer_edit(country_a):
    user = UserFactory(full_name="Former focal point")
    FocalPointFactory(user=user, country=country_a, revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        node_update(node=node_of(country_a), by=user, introduction="x")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"introduction": "<script>alert(1)</script>"}, "introduction"),
        ({"maturity_level": 7}, "maturity_level"),
        ({"national_chm_url": "not a web address"}, "national_chm_url"),
        ({"is_published": True, "introduction": ""}, "is_published"),
        ({"institutions": [{"name": "<b>Bold</b>"}]}, "institutions"),
        ({"institutions": [{"name": ""}]}, "institutions"),
        ({"institutions": [{"name": "X", "website": "nowhere"}]}, "institutions"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(focal_point_a, country_a, fields, field):
    CountryProfileFactory(country=country_a, maturity_level=2)
    with pytest.raises(ValidationError) as refused:
        node_update(node=node_of(country_a), by=focal_point_a, **fields)
    assert field in refused.value.message_dict
    assert not NationalNode.objects.filter(country=country_a).exists()
    assert CountryProfile.objects.get(country=country_a).maturity_level == 2


def test_unknown_fields_are_refused(focal_point_a, country_a):
    with pytest.raises(ValidationError):
        node_update(node=node_of(country_a), by=focal_point_a, updated_by=None)


def test_only_parties_have_a_node(helpdesk_user):
    territory = CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    with pytest.raises(ValidationError):
        node_update(node=node_of(territory), by=helpdesk_user, introduction="x")


def test_institutions_are_replaced_in_order(published_node, focal_point_a):
    wildlife, museums = published_node.institutions.all()

    node_update(
        node=published_node,
        by=focal_point_a,
        institutions=[
            {"id": museums.pk, "name": "National Museums", "website": museums.website},
            {"name": "University of Nairobi"},
        ],
    )

    rows = list(published_node.institutions.all())
    assert [(i.name, i.position) for i in rows] == [
        ("National Museums", 1),
        ("University of Nairobi", 2),
    ]
    assert rows[0].pk == museums.pk
    assert not NodeInstitution.objects.filter(pk=wildlife.pk).exists()


def test_an_institution_of_another_node_cannot_be_taken(published_node, country_b, helpdesk_user):
    stolen = published_node.institutions.first()
    with pytest.raises(ValidationError):
        node_update(
            node=node_of(country_b),
            by=helpdesk_user,
            institutions=[{"id": stolen.pk, "name": "Mine now"}],
        )
    stolen.refresh_from_db()
    assert stolen.node == published_node and stolen.name == "Kenya Wildlife Service"


def test_texts_are_written_per_language_and_fall_back(country_a, focal_point_a):
    node_update(node=node_of(country_a), by=focal_point_a, introduction_fr="Le CHM du Kenya.")
    node = NationalNode.objects.get(country=country_a)
    with translation.override("fr"):
        assert node.introduction == "Le CHM du Kenya."
    with translation.override("en"):
        assert node.introduction == "Le CHM du Kenya."  # until it is translated
    assert node.introduction_en in (None, "")


def test_news_are_added_changed_and_deleted_by_editors(published_node, colleague_a):
    item = node_news_add(
        node=published_node, by=colleague_a, title="Workshop", body="A CHM workshop."
    )
    assert item.created_by == colleague_a and item.published_at <= timezone.now()

    node_news_update(item=item, by=colleague_a, title="CHM workshop", link="https://a.example")
    item.refresh_from_db()
    assert (item.title, item.link) == ("CHM workshop", "https://a.example")

    node_news_delete(item=item, by=colleague_a)
    assert not NodeNewsItem.objects.filter(pk=item.pk).exists()


def test_news_of_another_country_are_refused(published_node, focal_point_b):
    item = published_node.news.get()
    with pytest.raises(PermissionDenied):
        node_news_add(node=published_node, by=focal_point_b, title="x", body="y")
    with pytest.raises(PermissionDenied):
        node_news_update(item=item, by=focal_point_b, title="Hijacked")
    with pytest.raises(PermissionDenied):
        node_news_delete(item=item, by=focal_point_b)
    item.refresh_from_db()
    assert item.title == "NBSAP adopted"


def test_bad_news_are_refused(published_node, focal_point_a):
    with pytest.raises(ValidationError) as refused:
        node_news_add(node=published_node, by=focal_point_a, title="<i>x</i>", body="")
    assert {"title", "body"} <= set(refused.value.message_dict)
    assert published_node.news.count() == 1


# --- Who may edit, through the pages --------------------------------------------------------------
@pytest.mark.parametrize("name", EDITORS)
def test_editors_open_the_edit_page(request, client, country_a, name):
    client.force_login(request.getfixturevalue(name))
    response = client.get(reverse(EDIT, args=["KE"]))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_403_and_change_nothing(request, client, country_a, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse(EDIT, args=["KE"])).status_code == 403
    assert client.post(reverse(EDIT, args=["KE"]), GOOD_POST).status_code == 403
    assert client.post(reverse("monitoring:node-news-add", args=["KE"]), {}).status_code == 403
    assert not NationalNode.objects.filter(country=country_a).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, country_a):
    response = client.get(reverse(EDIT, args=["KE"]))
    assert response.status_code == 302 and "login" in response["Location"]
    client.post(reverse(EDIT, args=["KE"]), GOOD_POST)
    assert not NationalNode.objects.filter(country=country_a).exists()


def test_unknown_codes_are_404(client, helpdesk_user):
    client.force_login(helpdesk_user)
    assert client.get(reverse(PAGE, args=["QQ"])).status_code == 404
    assert client.get(reverse(EDIT, args=["QQ"])).status_code == 404
    assert client.get(reverse(FEED, args=["QQ"])).status_code == 404


def test_a_focal_point_saves_the_node_with_its_institutions(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(reverse(EDIT, args=["KE"]), GOOD_POST)

    assert response.status_code == 302
    assert response["Location"] == reverse(PAGE, args=["KE"])
    node = NationalNode.objects.get(country=country_a)
    assert node.is_published and node.introduction == INTRODUCTION
    assert [i.name for i in node.institutions.all()] == ["Kenya Wildlife Service"]
    assert CountryProfile.objects.get(country=country_a).maturity_level == 3


def test_the_edit_form_shows_bad_input_and_saves_nothing(client, focal_point_a, country_a):
    CountryProfileFactory(country=country_a, maturity_level=1)
    client.force_login(focal_point_a)
    typed = {
        **GOOD_POST,
        "maturity_level": "7",
        "national_chm_url": "chm kenya",
        "introduction": "<script>x</script>",
        "institutions-0-website": "nowhere",
    }

    response = client.post(reverse(EDIT, args=["KE"]), typed)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "maturity_level",
        "national_chm_url",
        "introduction",
    }
    assert response.context["formset"].errors[0].keys() == {"website"}
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Kenya Wildlife Service" in page  # what was typed is kept
    assert not NationalNode.objects.filter(country=country_a).exists()
    assert CountryProfile.objects.get(country=country_a).maturity_level == 1


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_edit_form_works_in_french_and_spanish(client, focal_point_a, country_a, language):
    client.force_login(focal_point_a)
    with translation.override(language):
        url = reverse(EDIT, args=["KE"])
        expected = str(forms.URLField().error_messages["invalid"])

    refused = client.post(url, {**GOOD_POST, "national_chm_url": "chm kenya"})
    saved = client.post(url, {**GOOD_POST, "introduction": "Written on this page."})

    assert refused.context["form"].errors["national_chm_url"] == [expected]
    assert f'lang="{language}"' in refused.content.decode()
    assert saved.status_code == 302
    node = NationalNode.objects.get(country=country_a)
    # Written in the page's language; the English text stays empty until translated.
    assert getattr(node, f"introduction_{language}") == "Written on this page."
    assert not node.introduction_en


def test_publishing_without_an_introduction_is_explained(client, focal_point_a, country_a):
    client.force_login(focal_point_a)
    response = client.post(reverse(EDIT, args=["KE"]), {**GOOD_POST, "introduction": ""})
    assert response.status_code == 200
    assert "Write an introduction before publishing" in response.content.decode()
    assert not NationalNode.objects.filter(country=country_a).exists()


def test_news_pages_of_a_focal_point(client, published_node, focal_point_a):
    client.force_login(focal_point_a)
    item = published_node.news.get()

    added = client.post(
        reverse("monitoring:node-news-add", args=["KE"]),
        {"title": "Bioblitz", "body": "A weekend of counting species.", "link": ""},
    )
    bad = client.post(
        reverse("monitoring:node-news-edit", args=["KE", item.pk]),
        {"title": "", "body": "<b>x</b>", "link": "nowhere"},
    )
    edited = client.post(
        reverse("monitoring:node-news-edit", args=["KE", item.pk]),
        {"title": "NBSAP 2030 adopted", "body": "The new NBSAP.", "link": ""},
    )
    deleted = client.post(reverse("monitoring:node-news-delete", args=["KE", item.pk]))

    assert added.status_code == 302
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"title", "body", "link"}
    assert edited.status_code == 302
    assert deleted.status_code == 302
    assert list(published_node.news.values_list("title", flat=True)) == ["Bioblitz"]


def test_news_of_another_country_are_404_or_403(client, published_node, focal_point_b, country_b):
    item = published_node.news.get()
    client.force_login(focal_point_b)
    NationalNode.objects.create(country=country_b)
    # Through her own country's address: not a news item of that node.
    assert client.get(reverse("monitoring:node-news-edit", args=["BR", item.pk])).status_code == 404
    assert (
        client.post(reverse("monitoring:node-news-delete", args=["BR", item.pk])).status_code == 404
    )
    # Through Kenya's: not her country.
    assert client.get(reverse("monitoring:node-news-edit", args=["KE", item.pk])).status_code == 403
    assert NodeNewsItem.objects.filter(pk=item.pk).exists()


# --- The public page ------------------------------------------------------------------------------
@pytest.fixture
def kenya_records(country_a, country_b):
    """Kenya's records in every state, public or not, and records of Brazil."""
    africa = Region.objects.get(code="002")
    public = MatchNeedFactory(country=country_a, title="Train customs officers")
    restricted = MatchNeedFactory(
        country=country_a, title="Restricted request", visibility="restricted"
    )
    MatchNeedFactory(country=country_a, title="Draft request", status="draft", published_at=None)
    MatchNeedFactory(country=country_b, title="Brazilian request")
    agreed = MatchFactory(need=public, status="agreed", agreed_at=timezone.now())
    MatchFactory(need=public, status="proposed")
    MatchFactory(need=restricted, status="agreed", agreed_at=timezone.now())
    ProjectFactory(match=agreed, title="Customs training project")
    ProjectFactory(match__need=restricted, title="Restricted project")
    ProjectFactory(
        match=MatchFactory(need=public, status="withdrawn"),
        title="Cancelled project",
        status="cancelled",
    )
    for_kenya = OpportunityFactory(title="Fellowship for Kenya")
    for_kenya.eligible_countries.add(country_a)
    for_africa = OpportunityFactory(title="Fellowship for Africa")
    for_africa.eligible_regions.add(africa)
    OpportunityFactory(title="Fellowship for everyone")
    for_brazil = OpportunityFactory(title="Fellowship for Brazil")
    for_brazil.eligible_countries.add(country_b)
    draft = OpportunityFactory(title="Draft fellowship", status=RecordStatus.DRAFT)
    draft.eligible_countries.add(country_a)
    past = OpportunityFactory(
        title="Past fellowship",
        opens_at=timezone.now() - datetime.timedelta(days=60),
        deadline=timezone.now() - datetime.timedelta(days=1),
    )
    past.eligible_countries.add(country_a)
    return public


def test_the_page_gathers_the_public_records_of_the_country(client, kenya_records):
    response = client.get(reverse(PAGE, args=["KE"]))

    assert response.status_code == 200
    data = response.context["data"]
    assert [need.title for need in data.requests] == ["Train customs officers"]
    assert data.requests_count == 1
    assert data.matches_count == 1  # the agreed match of the public request only
    assert [project.title for project in data.projects] == ["Customs training project"]
    assert {o.title for o in data.opportunities} == {
        "Fellowship for Kenya",
        "Fellowship for Africa",
        "Fellowship for everyone",
    }
    assert data.opportunities_count == 3
    page = response.content.decode()
    assert "Train customs officers" in page and "Customs training project" in page
    for hidden in (
        "Restricted request",
        "Draft request",
        "Brazilian request",
        "Restricted project",
        "Cancelled project",
        "Fellowship for Brazil",
        "Draft fellowship",
        "Past fellowship",
    ):
        assert hidden not in page, hidden
    assert "eligible_country=KE" in page  # the link to every opportunity open to Kenya


def test_the_page_shows_what_the_focal_points_published(client, published_node, colleague_a):
    response = client.get(reverse(PAGE, args=["KE"]))

    page = response.content.decode()
    assert page.count("<h1") == 1
    assert escape(INTRODUCTION) in page
    assert "Kenya Wildlife Service" in page and "NBSAP adopted" in page
    assert str(MaturityLevel.WEB_PRESENCE.label) in page
    assert escape(str(MATURITY_SUPPORT_ACTIONS[MaturityLevel.WEB_PRESENCE])) in page
    assert "Hosting for the national website." in page
    assert "https://chm.kenya.example" in page
    # Focal points by name and kind; their addresses are never shown.
    assert "Amani Otieno" in page and "Baraka Mwangi" in page
    assert "@environment.go.ke" not in page
    feed = reverse(FEED, args=["KE"])
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in page
    assert reverse("monitoring:country", args=["KE"]) in page


def test_an_unpublished_node_shows_only_what_the_portal_knows(
    client, published_node, focal_point_a
):
    node_update(node=published_node, by=focal_point_a, is_published=False)

    page = client.get(reverse(PAGE, args=["KE"])).content.decode()

    assert "Kenya Wildlife Service" not in page and "NBSAP adopted" not in page
    assert escape(INTRODUCTION) not in page
    assert "Amani Otieno" in page  # focal points come from the portal itself


def test_news_published_later_wait(client, published_node, focal_point_a):
    node_news_add(
        node=published_node,
        by=focal_point_a,
        title="Embargoed",
        body="Tomorrow.",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert "Embargoed" not in client.get(reverse(PAGE, args=["KE"])).content.decode()


def test_a_party_without_node_or_profile_has_a_page_at_level_0(client, country_b):
    response = client.get(reverse(PAGE, args=["BR"]))
    assert response.status_code == 200
    assert response.context["data"].level == 0
    assert response.context["data"].node is None


def test_the_edit_link_is_for_editors_only(client, published_node, focal_point_a, focal_point_b):
    edit = reverse(EDIT, args=["KE"])
    assert edit not in client.get(reverse(PAGE, args=["KE"])).content.decode()
    client.force_login(focal_point_b)
    assert edit not in client.get(reverse(PAGE, args=["KE"])).content.decode()
    client.force_login(focal_point_a)
    assert edit in client.get(reverse(PAGE, args=["KE"])).content.decode()


def test_the_country_profile_links_to_the_node(client, country_a):
    page = client.get(reverse("monitoring:country", args=["KE"])).content.decode()
    assert reverse(PAGE, args=["KE"]) in page


def _records(country, count: int) -> None:
    """``count`` of each kind of record for ``country``, with their related rows."""
    node = NationalNode.objects.get(country=country)
    for number in range(count):
        need = MatchNeedFactory(country=country)
        match = MatchFactory(need=need, status="agreed", agreed_at=timezone.now())
        ProjectFactory(match=match)
        OpportunityFactory().eligible_countries.add(country)
        NodeInstitution.objects.create(node=node, name=f"Institution {number}")
        NodeNewsItem.objects.create(node=node, title=f"News {number}", body="x")
        FocalPointFactory(country=country, user=UserFactory(full_name=f"Focal point {number}"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_whatever_the_records(client, published_node):
    url = reverse(PAGE, args=["KE"])
    _records(published_node.country, 1)
    few = _queries(client, url)
    _records(published_node.country, 12)
    many = _queries(client, url)

    assert many == few
    # 1 the Party with its region, profile and node; 2 focal points; 3 support types,
    # 4 institutions, 5 news; 6 requests, 7 their count; 8 agreed matches; 9 projects, 10 their
    # count; 11 the country the opportunities' filter reads, 12-14 its region, sub-region and
    # intermediate region; 15 opportunities, 16 their count.
    assert many == 16


# --- The list -------------------------------------------------------------------------------------
def test_the_list_shows_every_party_and_filters(client, published_node, country_b):
    CountryProfileFactory(country=country_b, maturity_level=5)
    NationalNode.objects.create(country=country_b)  # not published

    everything = client.get(reverse(LIST))
    published = client.get(reverse(LIST), {"published": "true"})
    level_5 = client.get(reverse(LIST), {"level": "5"})
    in_africa = client.get(reverse(LIST), {"region": "002", "level": "3"})
    bad = client.get(reverse(LIST), {"level": "9"})

    codes = lambda response: [c.code for c in response.context["countries"]]  # noqa: E731
    parties = Country.objects.filter(is_cbd_party=True).count()
    assert everything.context["page_obj"].paginator.count == parties
    assert codes(published) == ["KE"]
    assert codes(level_5) == ["BR"]
    assert codes(in_africa) == ["KE"]
    assert bad.context["countries"] == [] and "level" in bad.context["filterset"].errors
    assert reverse(PAGE, args=["KE"]) in published.content.decode()


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_takes_the_same_queries_whatever_the_nodes(
    client, django_assert_num_queries, count
):
    for number, country in enumerate(Country.objects.filter(is_cbd_party=True)[:count]):
        CountryProfileFactory(country=country, maturity_level=number % 6)
        NationalNode.objects.create(country=country, is_published=number % 2 == 0)
    # 1 count of the page, 2 the page of Parties (region, profile and node joined), 3 the
    # levels' distribution, 4 regions and 5 country groups of the filters.
    with django_assert_num_queries(5):
        response = client.get(reverse(LIST))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_pages_render_in_french_and_spanish(client, published_node, language):
    with translation.override(language):
        urls = [reverse(LIST), reverse(PAGE, args=["KE"])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


# --- The feed -------------------------------------------------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_has_the_news_and_new_public_records(client, published_node, kenya_records):
    response = client.get(reverse(FEED, args=["KE"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert "News: NBSAP adopted" in titles
    assert "Request for assistance: Train customs officers" in titles
    assert "Pilot project: Customs training project" in titles
    assert not any("Restricted" in title or "Draft" in title for title in titles)
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"http://testserver{reverse(FEED, args=['KE'])}"
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    assert all(identifier.startswith("tag:") for identifier in ids) and len(set(ids)) == len(ids)


def test_the_feed_of_an_unpublished_node_has_no_news(client, published_node, focal_point_a):
    node_update(node=published_node, by=focal_point_a, is_published=False)
    response = client.get(reverse(FEED, args=["KE"]))
    assert response.status_code == 200
    assert b"NBSAP adopted" not in response.content


# --- API ------------------------------------------------------------------------------------------
def test_the_api_lists_the_parties_with_their_node(api_client, published_node):
    response = api_client.get(reverse(API_LIST), {"published": "true"})

    assert response.status_code == 200
    (kenya,) = response.json()["results"]
    assert kenya["code"] == "KE" and kenya["maturity_level"] == 3 and kenya["is_published"]
    assert kenya["url"].endswith(reverse(API_DETAIL, kwargs={"code": "KE"}))


def test_the_api_gives_a_node_with_its_records(api_client, published_node, kenya_records):
    response = api_client.get(reverse(API_DETAIL, kwargs={"code": "ke"}))

    assert response.status_code == 200
    body = response.json()
    assert body["introduction"] == INTRODUCTION
    assert body["maturity_level"] == 3
    assert body["support_types"] == ["training"]
    assert [i["name"] for i in body["institutions"]] == [
        "Kenya Wildlife Service",
        "National Museums of Kenya",
    ]
    assert [n["title"] for n in body["news"]] == ["NBSAP adopted"]
    assert {fp["name"] for fp in body["focal_points"]} == {"Amani Otieno"}
    assert "email" not in str(body["focal_points"])
    assert {kind: body["records"][kind]["count"] for kind in body["records"]} == {
        "requests": 1,
        "matches": 1,
        "projects": 1,
        "opportunities": 3,
    }
    assert body["feed_url"].endswith(reverse(FEED, args=["KE"]))
    assert api_client.get(reverse(API_DETAIL, kwargs={"code": "QQ"})).status_code == 404


PATCH = {
    "maturity_level": 4,
    "introduction": "Updated through the API.",
    "is_published": True,
    "support_types": ["training", "equipment"],
    "institutions": [{"name": "Kenya Forest Service", "website": "https://kfs.example"}],
}


@pytest.mark.parametrize("name", ["anonymous", *OUTSIDERS, *EDITORS])
def test_the_api_permission_matrix(request, api_client, country_a, name):
    user = person(request, name)
    if user is not None:
        api_client.force_authenticate(user)

    response = api_client.patch(reverse(API_DETAIL, kwargs={"code": "KE"}), PATCH, format="json")

    if name in EDITORS:
        assert response.status_code == 200, response.content
        node = NationalNode.objects.get(country=country_a)
        assert node.introduction == "Updated through the API." and node.updated_by == user
        assert response.json()["maturity_level"] == 4
        assert [i["name"] for i in response.json()["institutions"]] == ["Kenya Forest Service"]
    else:
        assert response.status_code in (401, 403)
        assert not NationalNode.objects.filter(country=country_a).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"maturity_level": 7}, "maturity_level"),
        ({"introduction": "<script>x</script>"}, "introduction"),
        ({"support_types": ["nonsense"]}, "support_types"),
        ({"is_published": True}, "is_published"),
        ({"institutions": [{"name": "X", "website": "nowhere"}]}, "institutions"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_the_api_refuses_bad_values_and_saves_nothing(
    api_client, focal_point_a, country_a, body, field
):
    api_client.force_authenticate(focal_point_a)
    response = api_client.patch(reverse(API_DETAIL, kwargs={"code": "KE"}), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not NationalNode.objects.filter(country=country_a).exists()


def test_the_api_detail_takes_the_same_queries_whatever_the_records(api_client, published_node):
    url = reverse(API_DETAIL, kwargs={"code": "KE"})
    _records(published_node.country, 1)
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(url).status_code == 200
    _records(published_node.country, 10)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(url).status_code == 200
    assert len(many) == len(few)


# --- The admin ------------------------------------------------------------------------------------
def test_the_help_desk_keeps_nodes_in_the_admin(client, helpdesk_user, published_node, country_b):
    CountryProfileFactory(country=country_b, maturity_level=5)
    brazil = NationalNode.objects.create(country=country_b, introduction_en="Brazil's CHM.")
    client.force_login(helpdesk_user)
    changelist = reverse("admin:monitoring_nationalnode_changelist")

    by_level = client.get(changelist, {"level": "5"})
    by_region = client.get(changelist, {"region": "002"})
    searched = client.get(changelist, {"q": "Brazil"})
    change_page = client.get(reverse("admin:monitoring_nationalnode_change", args=[brazil.pk]))
    published = client.post(
        changelist, {"action": "publish", "_selected_action": [brazil.pk]}, follow=True
    )

    assert [n.country.code for n in by_level.context["cl"].result_list] == ["BR"]
    assert [n.country.code for n in by_region.context["cl"].result_list] == ["KE"]
    assert [n.country.code for n in searched.context["cl"].result_list] == ["BR"]
    assert change_page.status_code == 200 and "Kenya" not in change_page.context["title"]
    assert client.get(reverse("admin:monitoring_nationalnode_add")).status_code == 200
    assert published.status_code == 200
    brazil.refresh_from_db()
    assert brazil.is_published and brazil.updated_by == helpdesk_user


def test_the_help_desk_saves_a_node_in_the_admin_through_the_service(
    client, helpdesk_user, country_b
):
    client.force_login(helpdesk_user)
    form = {
        "country": country_b.pk,
        "introduction_en": "Brazil's national CHM.",
        "introduction_fr": "Le CHM national du Brésil.",
        "is_published": "on",
        "institutions-TOTAL_FORMS": "1",
        "institutions-INITIAL_FORMS": "0",
        "institutions-0-position": "1",
        "institutions-0-name_en": "Ministry of Environment",
        "news-TOTAL_FORMS": "0",
        "news-INITIAL_FORMS": "0",
    }

    empty = client.post(
        reverse("admin:monitoring_nationalnode_add"),
        {**form, "introduction_en": "", "introduction_fr": ""},
    )
    saved = client.post(reverse("admin:monitoring_nationalnode_add"), form)

    assert empty.status_code == 200  # no introduction, no publication
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    node = NationalNode.objects.get(country=country_b)
    assert node.is_published and node.updated_by == helpdesk_user
    assert [i.name for i in node.institutions.all()] == ["Ministry of Environment"]


def test_people_without_a_staff_role_do_not_reach_the_nodes_admin(client, focal_point_a):
    client.force_login(focal_point_a)
    response = client.get(reverse("admin:monitoring_nationalnode_changelist"))
    assert response.status_code == 302


# --- Demo data ------------------------------------------------------------------------------------
def _demo_state() -> dict:
    return {
        "nodes": set(NationalNode.objects.values_list("country_id", "is_published")),
        "institutions": NodeInstitution.objects.count(),
        "news": NodeNewsItem.objects.count(),
    }


def test_the_demo_gives_many_parties_a_node_and_is_idempotent():
    demo._profiles(None)
    demo._nodes(None)
    first = _demo_state()
    demo._profiles(None)
    demo._nodes(None)

    assert _demo_state() == first
    nodes = NationalNode.objects.select_related("country__monitoring_profile")
    assert nodes.count() >= 20
    levels = {node.country.monitoring_profile.maturity_level for node in nodes}
    assert levels == set(MaturityLevel.values)
    assert nodes.filter(is_published=True).count() >= 20
    assert not nodes.filter(institutions__isnull=True).exists()
    assert not nodes.filter(news__isnull=True).exists()
    assert {"KE", "BR"} <= {node.country.code for node in nodes}


def test_a_node_page_describes_the_node_in_json_ld(client, country_a):
    node = NationalNode.objects.create(
        country=country_a, introduction="Kenya's national CHM.", is_published=True
    )
    node.institutions.create(name="Kenya Wildlife Service", website="https://kws.example")
    html = client.get(reverse("monitoring:node", args=[country_a.code])).content.decode()
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "GovernmentOrganization"
    assert data["areaServed"]["identifier"] == country_a.code
    assert data["member"] == [
        {"@type": "Organization", "name": "Kenya Wildlife Service", "url": "https://kws.example"}
    ]
