"""The accounts API: role requests, ``me`` and the token endpoint."""

import pytest
from django.urls import reverse

from chm_portal.accounts.models import RoleRequest
from chm_portal.accounts.roles import FocalPointKind, Role
from tests.factories import PASSWORD, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_REQUESTS = reverse("role-request-list")
ME = reverse("api-me")
TOKEN = reverse("api-token")


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Role requests ------------------------------------------------------------------------------
def test_anonymous_visitors_get_nothing(api_client, learner, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)

    assert api_client.get(ROLE_REQUESTS).status_code in (401, 403)
    assert api_client.get(reverse("role-request-detail", args=[role_request.pk])).status_code in (
        401,
        403,
    )
    assert api_client.post(ROLE_REQUESTS, {"role": Role.HELPDESK}).status_code in (401, 403)
    assert api_client.get(ME).status_code in (401, 403)


def test_people_see_only_their_own_requests(api_client, learner, focal_point_b, country_a):
    mine = RoleRequestFactory(user=learner, country=country_a)
    theirs = RoleRequestFactory(user=focal_point_b, country=country_a)
    api_client.force_authenticate(learner)

    assert _ids(api_client.get(ROLE_REQUESTS)) == {mine.pk}
    assert api_client.get(reverse("role-request-detail", args=[mine.pk])).status_code == 200
    assert api_client.get(reverse("role-request-detail", args=[theirs.pk])).status_code == 404


def test_the_help_desk_sees_every_request(api_client, helpdesk_user, learner, focal_point_b):
    requests = {
        RoleRequestFactory(user=learner).pk,
        RoleRequestFactory(user=focal_point_b, role=Role.CONTENT_REVIEWER).pk,
    }
    api_client.force_authenticate(helpdesk_user)

    response = api_client.get(ROLE_REQUESTS)

    assert _ids(response) == requests
    assert api_client.get(ROLE_REQUESTS, {"role": Role.CONTENT_REVIEWER}).json()["count"] == 1


def test_unknown_filters_are_refused(api_client, learner):
    api_client.force_authenticate(learner)

    assert api_client.get(ROLE_REQUESTS, {"stauts": "pending"}).status_code == 400


def test_creating_a_request_ignores_status_and_user(
    api_client, learner, focal_point_b, country_a, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(learner)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            ROLE_REQUESTS,
            {
                "role": Role.FOCAL_POINT,
                "country": "KE",
                "focal_point_kind": FocalPointKind.SBSTTA,
                "justification": "Nominated for SBSTTA-27.",
                "status": "approved",
                "user": focal_point_b.pk,
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["user"], body["country"]) == ("pending", learner.email, "KE")
    role_request = RoleRequest.objects.get(pk=body["id"])
    assert role_request.user == learner
    assert role_request.status == RoleRequest.Status.PENDING


def test_creating_a_focal_point_request_without_country_explains(api_client, learner):
    api_client.force_authenticate(learner)

    response = api_client.post(
        ROLE_REQUESTS,
        {"role": Role.FOCAL_POINT, "focal_point_kind": "chm", "justification": "Please."},
        format="json",
    )

    assert response.status_code == 400
    assert "country" in response.json()
    assert not RoleRequest.objects.exists()


def test_a_duplicate_pending_request_is_refused(api_client, learner):
    RoleRequestFactory(user=learner, role=Role.HELPDESK)
    api_client.force_authenticate(learner)

    response = api_client.post(
        ROLE_REQUESTS, {"role": Role.HELPDESK, "justification": "Again."}, format="json"
    )

    assert response.status_code == 400
    assert "pending request" in str(response.json())


def test_requests_cannot_be_changed_or_deleted_through_the_api(api_client, learner):
    role_request = RoleRequestFactory(user=learner, role=Role.HELPDESK)
    api_client.force_authenticate(learner)
    url = reverse("role-request-detail", args=[role_request.pk])

    assert api_client.patch(url, {"status": "approved"}, format="json").status_code == 405
    assert api_client.delete(url).status_code == 405
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.PENDING


# --- Me -----------------------------------------------------------------------------------------
def test_me_lists_roles_and_where_they_are_held(api_client, focal_point_a, organisation_x):
    organisation_x.memberships.create(user=focal_point_a, role="editor")
    api_client.force_authenticate(focal_point_a)

    body = api_client.get(ME).json()

    assert body["email"] == focal_point_a.email
    assert body["roles"] == [Role.LEARNER, Role.FOCAL_POINT, Role.ORGANISATION_MEMBER]
    assert [(row["country"], row["focal_point_kind"]) for row in body["focal_points"]] == [
        ("KE", "chm")
    ]
    assert body["organisation_memberships"][0]["organisation_name"] == "Mangrove Alliance"


def test_me_shows_staff_roles(api_client, helpdesk_user):
    api_client.force_authenticate(helpdesk_user)

    body = api_client.get(ME).json()

    assert body["roles"] == [Role.LEARNER, Role.HELPDESK]
    assert body["staff_groups"] == ["Help desk"]


# --- Token --------------------------------------------------------------------------------------
def test_token_for_email_and_password_opens_the_api(api_client, learner):
    response = api_client.post(TOKEN, {"email": learner.email, "password": PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(ME).json()["email"] == learner.email


def test_no_token_for_a_wrong_password(api_client, learner):
    response = api_client.post(TOKEN, {"email": learner.email, "password": "guess"})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_no_token_before_the_email_is_confirmed(api_client):
    person = UserFactory(verified_email=False)

    response = api_client.post(TOKEN, {"email": person.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "Confirm your email address" in str(response.json())


def test_token_endpoint_slows_down_password_guessing(api_client, learner):
    answers = [
        api_client.post(TOKEN, {"email": learner.email, "password": "guess"}).status_code
        for _attempt in range(11)
    ]

    # Five failures lock the email address (as the sign-in form does; see test_lockout.py).
    assert answers == [400] * 5 + [429] * 6
