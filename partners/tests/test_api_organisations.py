"""The API of partner organisations: public profiles (never contacts), registration pending
approval, profile changes by the organisation's administrators, filters and query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from chm_portal.core.exports import ExportJSONEncoder
from chm_portal.vocabularies.models import Country, GBFTarget, OrganisationType, SupportType
from partners import databases
from partners.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"


def detail(organisation) -> str:
    return f"{ORGANISATIONS}{organisation.pk}/"


def names(response) -> set[str]:
    return {item["name"] for item in response.json()["results"]}


@pytest.fixture
def pending_x(member_x):
    """Xavier's second organisation, still waiting for the help desk."""
    organisation = OrganisationFactory(name="Mangrove Alliance Kenya", status="pending")
    MembershipFactory(user=member_x, organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


# --- Reading ------------------------------------------------------------------------------------
def test_approved_organisations_for_all_pending_ones_for_members_and_help_desk(
    api_client, organisation_x, organisation_y, pending_x, member_x, member_y, helpdesk_user
):
    public = {"Mangrove Alliance", "Savanna Research Institute"}
    assert names(api_client.get(ORGANISATIONS)) == public
    assert api_client.get(detail(pending_x)).status_code == 404

    api_client.force_authenticate(member_x)
    assert names(api_client.get(ORGANISATIONS)) == public | {"Mangrove Alliance Kenya"}
    assert api_client.get(detail(pending_x)).json()["status"] == "pending"

    api_client.force_authenticate(member_y)
    assert names(api_client.get(ORGANISATIONS)) == public
    assert api_client.get(detail(pending_x)).status_code == 404

    api_client.force_authenticate(helpdesk_user)
    assert "Mangrove Alliance Kenya" in names(api_client.get(ORGANISATIONS))


def test_profile_is_the_record_of_the_json_export_without_contacts(
    api_client, organisation_x, member_x, country_a
):
    organisation_x.country = country_a
    organisation_x.website = "https://mangrove-alliance.example"
    organisation_x.description_fr = "Restauration des mangroves."
    organisation_x.contact_name = "Private Person"
    organisation_x.contact_email = "private@mangrove-alliance.example"
    organisation_x.save()
    organisation_x.targets.set(GBFTarget.objects.filter(code="GBF-T2"))
    organisation_x.countries_of_operation.set(Country.objects.filter(code__in=["KE", "TZ"]))
    api_client.force_authenticate(member_x)  # even its own administrator

    response = api_client.get(detail(organisation_x))

    item = response.json()
    expected = json.loads(
        json.dumps(
            databases.organisation_record(APIRequestFactory().get("/"), organisation_x),
            cls=ExportJSONEncoder,
        )
    )
    assert {key: item[key] for key in expected} == expected
    keys = databases.RECORD_KEYS[databases.organisation_record]
    assert list(item) == [*keys, "status", "translations"]
    assert item["type"] == "ngo"
    assert item["country"] == "KE"
    assert item["status"] == "approved"
    assert item["translations"] == {
        "en": {"name": "Mangrove Alliance", "description": ""},
        "fr": {"name": "", "description": "Restauration des mangroves."},
    }
    body = response.content.decode()
    assert "private@mangrove-alliance.example" not in body
    assert "Private Person" not in body


def test_filters_of_the_page(api_client, organisation_x, organisation_y, country_a):
    organisation_y.country = country_a
    organisation_y.organisation_type = OrganisationType.objects.get(code="academia")
    organisation_y.save()

    assert names(api_client.get(ORGANISATIONS, {"country": "KE"})) == {"Savanna Research Institute"}
    assert names(api_client.get(ORGANISATIONS, {"organisation_type": "ngo"})) == {
        "Mangrove Alliance"
    }
    assert names(api_client.get(ORGANISATIONS, {"q": "savanna"})) == {"Savanna Research Institute"}
    assert api_client.get(ORGANISATIONS, {"contact_email": "x"}).status_code == 400
    assert api_client.get(ORGANISATIONS, {"country": "ZZ"}).status_code == 400


def test_list_queries_do_not_grow_with_rows(api_client):
    def fill(count: int) -> None:
        for _ in range(count):
            organisation = OrganisationFactory()
            organisation.support_types.set(SupportType.objects.all()[:2])
            organisation.targets.set(GBFTarget.objects.all()[:3])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(ORGANISATIONS).status_code == 200
        return len(captured.captured_queries)

    fill(3)
    # The count, the page (type and country joined), and one query per relation shown: countries
    # and regions of operation, targets, thematic areas, support types, languages.
    assert queries() == 2 + 6
    fill(17)
    assert queries() == 2 + 6


# --- Registering --------------------------------------------------------------------------------
REGISTRATION = {
    "name": "Coral Reef Watch",
    "acronym": "CRW",
    "type": "ngo",
    "country": "KE",
    "website": "https://coral-reef-watch.example",
    "description": "Reef monitoring with island communities.",
    "targets": ["GBF-T3"],
    "support_types": ["training"],
}


def test_a_signed_in_person_registers_an_organisation_pending_approval(api_client, learner):
    api_client.force_authenticate(learner)

    response = api_client.post(ORGANISATIONS, REGISTRATION, format="json")

    assert response.status_code == 201, response.json()
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name == "Coral Reef Watch"
    assert organisation.country.code == "KE"
    assert list(organisation.targets.values_list("code", flat=True)) == ["GBF-T3"]
    assert Membership.objects.get(organisation=organisation, user=learner).role == "admin"
    assert response.json()["status"] == "pending"
    api_client.force_authenticate(None)
    assert api_client.get(detail(organisation)).status_code == 404


def test_anonymous_visitors_do_not_register(api_client):
    response = api_client.post(ORGANISATIONS, REGISTRATION, format="json")

    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Coral Reef Watch").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "approved"}, "status"),
        ({"contact_email": "a@b.example"}, "contact_email"),
        ({"type": "pirates"}, "type"),
        ({"website": "not a web address"}, "website"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_registrations_are_400(api_client, learner, change, field):
    api_client.force_authenticate(learner)

    response = api_client.post(ORGANISATIONS, {**REGISTRATION, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Organisation.objects.exists()


# --- Changing the profile -----------------------------------------------------------------------
PATCH_STATUS = {"anonymous": 403, "member_x": 200, "member_y": 403, "helpdesk": 200}


@pytest.mark.parametrize("who", list(PATCH_STATUS))
def test_administrators_and_help_desk_change_the_profile(
    api_client, organisation_x, member_x, member_y, helpdesk_user, who
):
    people = {"anonymous": None, "member_x": member_x, "member_y": member_y}
    people["helpdesk"] = helpdesk_user
    api_client.force_authenticate(people[who])

    response = api_client.patch(
        detail(organisation_x),
        {
            "acronym": "MAL",
            "support_types": ["training", "equipment"],
            "translations": {"fr": {"name": "Alliance des mangroves"}},
        },
        format="json",
    )

    assert response.status_code == PATCH_STATUS[who]
    organisation_x.refresh_from_db()
    changed = PATCH_STATUS[who] == 200
    assert organisation_x.acronym == ("MAL" if changed else "MA")
    assert (organisation_x.name_fr or "") == ("Alliance des mangroves" if changed else "")
    assert organisation_x.support_types.count() == (2 if changed else 0)
    assert organisation_x.name_en == "Mangrove Alliance"
    if changed:
        assert response.json()["translations"]["fr"]["name"] == "Alliance des mangroves"


def test_editors_do_not_change_the_profile(api_client, organisation_x):
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)
    api_client.force_authenticate(editor)

    response = api_client.patch(detail(organisation_x), {"acronym": "NEW"}, format="json")

    assert response.status_code == 403
    organisation_x.refresh_from_db()
    assert organisation_x.acronym == "MA"


def test_another_pending_organisation_is_404(api_client, pending_x, member_y):
    api_client.force_authenticate(member_y)

    assert api_client.patch(detail(pending_x), {"acronym": "X"}, format="json").status_code == 404


def test_profile_changes_are_checked(api_client, organisation_x, member_x):
    api_client.force_authenticate(member_x)

    unknown = api_client.patch(detail(organisation_x), {"status": "approved"}, format="json")
    markup = api_client.patch(detail(organisation_x), {"name": "<b>MA</b>"}, format="json")

    assert unknown.status_code == 400
    assert "status" in unknown.json()
    assert markup.status_code == 400
    assert "name" in markup.json()
    organisation_x.refresh_from_db()
    assert (organisation_x.status, organisation_x.name) == ("approved", "Mangrove Alliance")
    assert api_client.put(detail(organisation_x), {}, format="json").status_code == 405
