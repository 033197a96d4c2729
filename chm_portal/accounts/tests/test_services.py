"""Role requests, focal points and staff roles through the services, with their emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chm_portal.accounts import services, tasks
from chm_portal.accounts.models import FocalPoint, RoleRequest
from chm_portal.accounts.roles import HELPDESK_GROUP, FocalPointKind, Role
from tests.factories import CountryFactory, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Creating a request -------------------------------------------------------------------------
def test_request_needs_a_party_and_a_kind(learner):
    with pytest.raises(ValidationError) as raised:
        services.role_request_create(
            user=learner, role=Role.FOCAL_POINT, justification="Nominated in March."
        )

    assert set(raised.value.message_dict) == {"country", "focal_point_kind"}


def test_request_for_a_role_already_held_is_refused(focal_point_a, country_a):
    with pytest.raises(ValidationError, match="You already have this role"):
        services.role_request_create(
            user=focal_point_a,
            role=Role.FOCAL_POINT,
            country=country_a,
            focal_point_kind=FocalPointKind.CHM,
            justification="Again.",
        )


def test_site_administrator_cannot_be_requested(learner):
    with pytest.raises(ValidationError):
        services.role_request_create(user=learner, role=Role.SITE_ADMIN, justification="Please.")


# --- Approving ----------------------------------------------------------------------------------
def test_approving_a_focal_point_request_records_the_assignment_and_tells_the_requester(
    helpdesk_user, country_a, django_capture_on_commit_callbacks
):
    requester = UserFactory(full_name="Aïcha Diallo", preferred_language="fr")
    role_request = RoleRequestFactory(user=requester, country=country_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_approve(
            role_request=role_request, by=helpdesk_user, note="Nomination checked."
        )

    focal_point = FocalPoint.objects.get(user=requester)
    assert (focal_point.country, focal_point.kind, focal_point.granted_by) == (
        country_a,
        FocalPointKind.CHM,
        helpdesk_user,
    )
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.APPROVED
    assert role_request.decided_by == helpdesk_user
    assert role_request.decided_at is not None
    assert role_request.decision_note == "Nomination checked."
    assert requester.has_perm("accounts.view_focalpoint", focal_point)
    [email] = mail.outbox
    assert email.to == [requester.email]
    assert "Nomination checked." in email.body
    # Written in the requester's language: the link goes to the French pages.
    assert "/fr/me/" in email.body


def test_approving_a_help_desk_request_adds_the_group_and_staff_status(
    site_admin, learner, django_capture_on_commit_callbacks
):
    role_request = RoleRequestFactory(user=learner, role=Role.HELPDESK)

    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_approve(role_request=role_request, by=site_admin)

    learner.refresh_from_db()
    assert learner.is_staff
    assert list(learner.groups.values_list("name", flat=True)) == [HELPDESK_GROUP]
    assert len(mail.outbox) == 1


def test_only_the_help_desk_decides(learner, focal_point_b, reviewer_user, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)

    for outsider in (focal_point_b, reviewer_user, learner):
        with pytest.raises(PermissionDenied):
            services.role_request_approve(role_request=role_request, by=outsider)

    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.PENDING
    assert not FocalPoint.objects.filter(user=learner).exists()


def test_nobody_decides_their_own_request(helpdesk_user, country_a):
    role_request = RoleRequestFactory(user=helpdesk_user, country=country_a)

    with pytest.raises(PermissionDenied):
        services.role_request_approve(role_request=role_request, by=helpdesk_user)


def test_a_decided_request_cannot_be_decided_again(helpdesk_user, learner, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    services.role_request_approve(role_request=role_request, by=helpdesk_user)

    with pytest.raises(ValidationError, match="already been decided"):
        services.role_request_reject(role_request=role_request, by=helpdesk_user, note="No.")


# --- Rejecting ----------------------------------------------------------------------------------
def test_rejecting_needs_a_note_and_emails_it(
    helpdesk_user, learner, country_a, django_capture_on_commit_callbacks
):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    with pytest.raises(ValidationError):
        services.role_request_reject(role_request=role_request, by=helpdesk_user, note=" ")

    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_reject(
            role_request=role_request,
            by=helpdesk_user,
            note="Kenya's nomination names someone else.",
        )

    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.REJECTED
    assert role_request.decided_by == helpdesk_user
    assert not FocalPoint.objects.filter(user=learner).exists()
    [email] = mail.outbox
    assert email.to == [learner.email]
    assert "not approved" in email.subject
    assert "Kenya's nomination names someone else." in email.body


def test_the_decision_email_goes_out_once(helpdesk_user, learner, country_a):
    role_request = RoleRequestFactory(user=learner, country=country_a)
    services.role_request_reject(role_request=role_request, by=helpdesk_user, note="No.")

    assert tasks.notify_requester_of_decision.delay(role_request.pk).get() is True
    assert tasks.notify_requester_of_decision.delay(role_request.pk).get() is False
    assert len(mail.outbox) == 1


# --- Focal points -------------------------------------------------------------------------------
def test_help_desk_grants_and_revokes_a_focal_point(helpdesk_user, learner, country_b):
    focal_point = services.focal_point_grant(
        user=learner, country=country_b, kind=FocalPointKind.BIOSAFETY, by=helpdesk_user
    )
    assert learner.has_perm("accounts.view_focalpoint", focal_point)

    services.focal_point_revoke(focal_point=focal_point, by=helpdesk_user)

    focal_point.refresh_from_db()
    assert focal_point.revoked_at is not None
    assert focal_point.revoked_by == helpdesk_user
    assert not FocalPoint.objects.active().filter(user=learner).exists()
    with pytest.raises(ValidationError):
        services.focal_point_revoke(focal_point=focal_point, by=helpdesk_user)


def test_focal_points_are_for_parties_only(helpdesk_user, learner):
    nowhere = CountryFactory(code="XZ", name="Nowhere Land", is_cbd_party=False)

    with pytest.raises(ValidationError) as raised:
        services.focal_point_grant(
            user=learner, country=nowhere, kind=FocalPointKind.CHM, by=helpdesk_user
        )
    assert "country" in raised.value.message_dict


def test_the_same_active_assignment_is_not_recorded_twice(helpdesk_user, focal_point_a, country_a):
    with pytest.raises(ValidationError):
        services.focal_point_grant(
            user=focal_point_a, country=country_a, kind=FocalPointKind.CHM, by=helpdesk_user
        )


def test_a_focal_point_cannot_appoint_another(focal_point_a, learner, country_a):
    with pytest.raises(PermissionDenied):
        services.focal_point_grant(
            user=learner, country=country_a, kind=FocalPointKind.CHM, by=focal_point_a
        )


# --- Staff roles --------------------------------------------------------------------------------
def test_help_desk_adds_reviewers_but_not_site_administrators(helpdesk_user, learner):
    services.staff_role_grant(user=learner, role=Role.CONTENT_REVIEWER, by=helpdesk_user)
    learner.refresh_from_db()
    assert learner.is_staff

    with pytest.raises(PermissionDenied):
        services.staff_role_grant(user=learner, role=Role.SITE_ADMIN, by=helpdesk_user)


def test_site_administrator_grants_and_revokes_staff_roles(site_admin, learner):
    services.staff_role_grant(user=learner, role=Role.SITE_ADMIN, by=site_admin)
    services.staff_role_grant(user=learner, role=Role.HELPDESK, by=site_admin)
    assert learner.has_perm("accounts.decide_rolerequest")

    services.staff_role_revoke(user=learner, role=Role.SITE_ADMIN, by=site_admin)
    learner.refresh_from_db()
    assert learner.is_staff  # still help desk

    services.staff_role_revoke(user=learner, role=Role.HELPDESK, by=site_admin)
    learner.refresh_from_db()
    assert not learner.is_staff
    assert not learner.groups.exists()
    assert not learner.has_perm("accounts.decide_rolerequest")


def test_learners_grant_nothing(learner, focal_point_a):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(user=focal_point_a, role=Role.HELPDESK, by=learner)


# --- Reminder -----------------------------------------------------------------------------------
def test_reminder_lists_requests_pending_more_than_three_days(learner, focal_point_b, country_a):
    old = RoleRequestFactory(
        user=learner, country=country_a, created_at=timezone.now() - timedelta(days=4)
    )
    RoleRequestFactory(user=focal_point_b, country=country_a)  # yesterday's: not yet

    assert tasks.remind_pending_role_requests.delay().get() == 1

    [email] = mail.outbox
    assert email.to == ["helpdesk@chm-portal.example"]
    assert "1 role request waits for a decision" in email.subject
    assert old.user.email in email.body
    assert focal_point_b.email not in email.body


def test_no_reminder_when_nothing_waits():
    assert tasks.remind_pending_role_requests.delay().get() == 0
    assert mail.outbox == []
