"""The profile page and the role request form."""

import pytest
from django.core import mail
from django.urls import reverse

from chm_portal.accounts.models import RoleRequest
from chm_portal.accounts.roles import FocalPointKind, Role
from partners.models import Membership
from tests.factories import (
    CountryFactory,
    FocalPointFactory,
    MembershipFactory,
    OrganisationFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
REQUEST_ROLE = reverse("accounts:role_request")


# --- Profile ------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [PROFILE, REQUEST_ROLE])
def test_pages_require_signing_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_profile_lists_roles_memberships_and_requests(client, focal_point_a, country_b):
    organisation = OrganisationFactory(name="Kenya Wildlife Trust")
    MembershipFactory(user=focal_point_a, organisation=organisation, role=Membership.Role.EDITOR)
    RoleRequestFactory(user=focal_point_a, country=country_b, focal_point_kind=FocalPointKind.ABS)
    client.force_login(focal_point_a)

    content = client.get(PROFILE).content.decode()

    assert content.count("<h1") == 1
    assert "Clearing-House Mechanism focal point for Kenya" in content
    # Focal points keep their country's profile up to date: a link leads to it.
    assert reverse("monitoring:country", args=["KE"]) in content
    assert "Editor of Kenya Wildlife Trust" in content
    assert "Brazil" in content and "Pending" in content
    assert reverse("mfa_index") in content
    assert reverse("account_change_password") in content


def test_profile_shows_staff_groups(client, helpdesk_user):
    client.force_login(helpdesk_user)

    assert "Staff: Help desk" in client.get(PROFILE).content.decode()


def test_profile_page_queries_do_not_grow_with_roles(
    client, focal_point_a, django_assert_num_queries
):
    countries = [CountryFactory(code=code) for code in ("TZ", "UG", "RW", "ET", "GH")]
    for country in countries:
        FocalPointFactory(user=focal_point_a, country=country)
        RoleRequestFactory(user=focal_point_a, country=country, focal_point_kind="abs")
        MembershipFactory(user=focal_point_a, organisation=OrganisationFactory())
    client.force_login(focal_point_a)

    # 1 session, 2 user, 3 focal points + countries, 4 memberships + organisations,
    # 5 staff groups, 6 role requests + countries, 7 countries of the "country" select,
    # 8 the unread messages of the inbox (header).
    with django_assert_num_queries(8):
        response = client.get(PROFILE)

    assert response.status_code == 200
    assert response.content.decode().count("Clearing-House Mechanism focal point for") == 6


def test_profile_details_are_saved(client, learner, country_b):
    client.force_login(learner)

    response = client.post(
        PROFILE,
        {
            "full_name": "Léa Martin",
            "country": country_b.pk,
            "organisation_name": "Université de Montpellier",
            "preferred_language": "fr",
        },
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.full_name, learner.country, learner.preferred_language) == (
        "Léa Martin",
        country_b,
        "fr",
    )
    assert "Your details are saved." in client.get(PROFILE).content.decode()


def test_profile_without_a_name_shows_the_error(client, learner):
    client.force_login(learner)

    response = client.post(PROFILE, {"full_name": "", "preferred_language": "en"})

    assert response.status_code == 400
    assert 'href="#id_full_name"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.full_name == "Lea Martin"


# --- Role request form --------------------------------------------------------------------------
def _request_focal_point(client, country, **overrides):
    data = {
        "role": Role.FOCAL_POINT,
        "country": country.pk if country else "",
        "focal_point_kind": FocalPointKind.CHM,
        "position": "Director of Biodiversity, Ministry of Environment",
        "justification": "Nominated by note verbale of 12 January.",
        **overrides,
    }
    return client.post(REQUEST_ROLE, data)


def test_role_request_form_lists_only_cbd_parties(client, learner):
    CountryFactory(code="XZ", name="Nowhere Land", is_cbd_party=False)
    client.force_login(learner)

    content = client.get(REQUEST_ROLE).content.decode()

    assert content.count("<h1") == 1
    assert "Kenya" in content
    assert "Nowhere Land" not in content
    assert '<label for="id_country">' in content


def test_a_valid_request_is_saved_and_the_help_desk_emailed(
    client, learner, country_a, django_capture_on_commit_callbacks
):
    client.force_login(learner)

    with django_capture_on_commit_callbacks(execute=True):
        response = _request_focal_point(client, country_a)

    assert response.status_code == 302
    assert response.url == PROFILE
    role_request = RoleRequest.objects.get(user=learner)
    assert (role_request.role, role_request.country, role_request.status) == (
        Role.FOCAL_POINT,
        country_a,
        RoleRequest.Status.PENDING,
    )
    assert [message.to for message in mail.outbox] == [["helpdesk@chm-portal.example"]]
    assert "Lea Martin" in mail.outbox[0].subject
    assert "Nominated by note verbale" in mail.outbox[0].body
    assert "Your request is sent." in client.get(PROFILE).content.decode()


def test_focal_point_request_without_country_shows_a_linked_error(client, learner):
    client.force_login(learner)

    response = _request_focal_point(client, None)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose the country that nominated you as focal point." in content
    assert 'href="#id_country"' in content
    assert not RoleRequest.objects.exists()


def test_focal_point_request_for_a_non_party_is_refused(client, learner):
    nowhere = CountryFactory(code="XZ", name="Nowhere Land", is_cbd_party=False)
    client.force_login(learner)

    response = _request_focal_point(client, nowhere)

    assert response.status_code == 400
    assert not RoleRequest.objects.exists()


def test_a_second_pending_request_is_refused(client, learner, country_a):
    RoleRequestFactory(user=learner, country=country_a, focal_point_kind=FocalPointKind.CBD)
    client.force_login(learner)

    response = _request_focal_point(client, country_a)

    assert response.status_code == 400
    assert "You already have a pending request for this role" in response.content.decode()
    assert RoleRequest.objects.filter(user=learner).count() == 1


def test_staff_role_request_ignores_the_country(client, learner, country_a):
    client.force_login(learner)

    response = client.post(
        REQUEST_ROLE,
        {
            "role": Role.HELPDESK,
            "country": country_a.pk,
            "focal_point_kind": FocalPointKind.CHM,
            "justification": "I join the Secretariat's help desk team in May.",
        },
    )

    assert response.status_code == 302
    role_request = RoleRequest.objects.get(user=learner)
    assert (role_request.role, role_request.country, role_request.focal_point_kind) == (
        Role.HELPDESK,
        None,
        "",
    )


def test_the_form_works_in_spanish(client, learner, country_a):
    client.force_login(learner)

    response = client.get("/es/me/roles/request/")

    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()
