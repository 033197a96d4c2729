"""The help desk's admin: the role request queue, focal points and people."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from chm_portal.accounts.models import FocalPoint, RoleRequest
from chm_portal.accounts.roles import FocalPointKind, Role
from tests.factories import FocalPointFactory, RoleRequestFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:accounts_rolerequest_changelist")


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:accounts_rolerequest_changelist",
        "admin:accounts_focalpoint_changelist",
        "admin:accounts_focalpoint_add",
        "admin:accounts_user_changelist",
        "admin:partners_organisation_changelist",
        "admin:partners_membership_changelist",
        "admin:partners_membership_add",
    ],
)
def test_help_desk_pages_open(client, helpdesk_user, focal_point_a, member_x, url_name):
    RoleRequestFactory(user=focal_point_a, role=Role.HELPDESK)
    client.force_login(helpdesk_user)

    assert client.get(reverse(url_name)).status_code == 200


def test_learners_do_not_reach_the_admin(client, learner):
    client.force_login(learner)

    response = client.get(QUEUE)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_queue_filters_by_status_and_opens_a_request(client, helpdesk_user, learner, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    client.force_login(helpdesk_user)

    listing = client.get(QUEUE, {"status__exact": "pending"}).content.decode()
    detail = client.get(
        reverse("admin:accounts_rolerequest_change", args=[role_request.pk])
    ).content.decode()

    assert learner.full_name in listing
    assert "letter of 3 March" in detail


def test_approve_selected(
    client, helpdesk_user, learner, focal_point_b, country_a, django_capture_on_commit_callbacks
):
    first = RoleRequestFactory(user=learner, country=country_a)
    second = RoleRequestFactory(user=focal_point_b, country=country_a, focal_point_kind="abs")
    client.force_login(helpdesk_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {"action": "approve_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
            follow=True,
        )

    assert "2 requests approved." in response.content.decode()
    assert FocalPoint.objects.active().filter(country=country_a, user=learner).exists()
    assert FocalPoint.objects.active().filter(country=country_a, user=focal_point_b).exists()
    first.refresh_from_db()
    assert (first.status, first.decided_by) == (RoleRequest.Status.APPROVED, helpdesk_user)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [learner.email, focal_point_b.email]
    )


def test_approving_an_already_decided_request_is_reported(
    client, helpdesk_user, learner, country_a
):
    decided = RoleRequestFactory(
        user=learner, country=country_a, status=RoleRequest.Status.REJECTED
    )
    client.force_login(helpdesk_user)

    response = client.post(
        QUEUE, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [decided.pk]}, follow=True
    )

    assert "already been decided" in response.content.decode()
    assert not FocalPoint.objects.filter(user=learner).exists()


def test_reject_selected_asks_for_a_note_then_rejects(
    client, helpdesk_user, learner, country_a, django_capture_on_commit_callbacks
):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    client.force_login(helpdesk_user)
    selection = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [role_request.pk]}

    first_step = client.post(QUEUE, selection)
    assert first_step.status_code == 200
    assert "Note to the requesters" in first_step.content.decode()
    role_request.refresh_from_db()
    assert role_request.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {**selection, "apply": "1", "decision_note": "Please ask your ministry first."},
            follow=True,
        )

    assert "1 request rejected." in response.content.decode()
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.REJECTED
    assert role_request.decision_note == "Please ask your ministry first."
    assert "Please ask your ministry first." in mail.outbox[0].body


def test_content_reviewers_cannot_decide(client, reviewer_user, learner, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    client.force_login(reviewer_user)

    client.post(QUEUE, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [role_request.pk]})

    role_request.refresh_from_db()
    assert role_request.is_pending


def test_recording_a_focal_point_in_the_admin(client, helpdesk_user, learner, country_b):
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:accounts_focalpoint_add"),
        {"user": learner.pk, "country": country_b.pk, "kind": FocalPointKind.ABS},
    )

    assert response.status_code == 302
    focal_point = FocalPoint.objects.get(user=learner)
    assert (focal_point.country, focal_point.granted_by) == (country_b, helpdesk_user)


def test_ending_assignments_in_the_admin(client, helpdesk_user, focal_point_a):
    assignment = FocalPoint.objects.get(user=focal_point_a)
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:accounts_focalpoint_changelist"),
        {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [assignment.pk]},
        follow=True,
    )

    assert "1 assignment ended." in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.revoked_at is not None, assignment.revoked_by) == (True, helpdesk_user)


def test_giving_a_staff_role_from_the_people_list(client, site_admin, learner):
    client.force_login(site_admin)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": f"grant_{Role.CONTENT_REVIEWER.value}", ACTION_CHECKBOX_NAME: [learner.pk]},
    )

    learner.refresh_from_db()
    assert learner.is_staff
    assert learner.groups.filter(name="Content reviewers").exists()


def test_help_desk_cannot_change_anyones_powers(client, helpdesk_user, learner):
    client.force_login(helpdesk_user)

    content = client.get(reverse("admin:accounts_user_change", args=[learner.pk])).content.decode()

    assert 'name="full_name"' in content
    assert 'name="groups"' not in content
    assert 'name="is_superuser"' not in content


def test_the_person_page_lists_focal_point_assignments(client, helpdesk_user, focal_point_a):
    FocalPointFactory(user=focal_point_a, kind=FocalPointKind.IPLC)
    client.force_login(helpdesk_user)

    content = client.get(
        reverse("admin:accounts_user_change", args=[focal_point_a.pk])
    ).content.decode()

    assert "Kenya" in content


def test_help_desk_cannot_take_over_a_staff_account(client, helpdesk_user, site_admin):
    client.force_login(helpdesk_user)

    password_page = client.get(reverse("admin:auth_user_password_change", args=[site_admin.pk]))
    client.post(
        reverse("admin:accounts_user_change", args=[site_admin.pk]),
        {"email": "mine@example.org", "full_name": "Sam Taylor", "preferred_language": "en"},
    )

    assert password_page.status_code == 403
    site_admin.refresh_from_db()
    assert site_admin.email == "sam.taylor@chm-portal.example"
