"""The predicates and the permissions accounts registers (see docs/roles-and-permissions.md)."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from chm_portal.accounts import predicates, services
from chm_portal.accounts.models import FocalPoint
from chm_portal.accounts.roles import Role
from partners.models import Membership
from tests.factories import CountryFactory, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_organisation_admin_role_matches_partners():
    assert predicates.ORGANISATION_ADMIN_ROLE == Membership.Role.ADMIN


# --- Focal points and countries -----------------------------------------------------------------
def test_focal_points_of_a_country_act_for_objects_of_that_country_only(
    focal_point_a, colleague_a, focal_point_b, learner, country_a, country_b
):
    request_about_a = RoleRequestFactory(user=learner, country=country_a)
    rule = predicates.is_focal_point_of_object_country

    assert rule(focal_point_a, country_a)
    assert rule(colleague_a, country_a)
    assert rule(focal_point_a, request_about_a)  # an object with country_id
    assert not rule(focal_point_a, country_b)
    assert not rule(focal_point_b, request_about_a)
    assert not rule(learner, country_a)
    assert not rule(AnonymousUser(), country_a)
    assert not rule(focal_point_a, None)


def test_a_revoked_focal_point_no_longer_acts_for_the_country(
    focal_point_a, helpdesk_user, country_a
):
    assert predicates.is_focal_point_of_object_country(focal_point_a, country_a)

    services.focal_point_revoke(
        focal_point=FocalPoint.objects.select_related("user").get(user=focal_point_a),
        by=helpdesk_user,
    )
    focal_point_a.refresh_from_db()
    predicates.forget_cached_roles(focal_point_a)

    assert not predicates.is_focal_point_of_object_country(focal_point_a, country_a)


def test_countries_are_read_once_per_user(focal_point_a, django_assert_num_queries):
    countries = [CountryFactory(code=code) for code in ("TZ", "UG", "RW", "ET", "GH")]
    predicates.forget_cached_roles(focal_point_a)

    # One query: the user's active focal-point countries, whatever the number of checks.
    with django_assert_num_queries(1):
        answers = [
            predicates.is_focal_point_of_object_country(focal_point_a, country)
            for country in countries * 4
        ]

    assert not any(answers)


# --- Registered permissions ---------------------------------------------------------------------
def test_role_requests_are_seen_by_their_owner_and_the_help_desk(
    learner, focal_point_b, helpdesk_user, site_admin, reviewer_user, country_a
):
    role_request = RoleRequestFactory(user=learner, country=country_a)

    assert learner.has_perm("accounts.view_rolerequest", role_request)
    assert helpdesk_user.has_perm("accounts.view_rolerequest", role_request)
    assert site_admin.has_perm("accounts.view_rolerequest", role_request)
    assert not focal_point_b.has_perm("accounts.view_rolerequest", role_request)
    assert not reviewer_user.has_perm("accounts.view_rolerequest", role_request)
    assert not AnonymousUser().has_perm("accounts.view_rolerequest", role_request)


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("helpdesk_user", True),
        ("site_admin", True),
        ("reviewer_user", False),
        ("focal_point_a", False),
        ("learner", False),
    ],
)
def test_who_decides_requests_and_records_focal_points(request, person, allowed, country_a):
    user = request.getfixturevalue(person)

    assert user.has_perm("accounts.decide_rolerequest") is allowed
    assert user.has_perm("accounts.grant_focal_point", country_a) is allowed


def test_superusers_do_everything():
    root = UserFactory(is_superuser=True, is_staff=True)

    assert root.has_perm("accounts.decide_rolerequest")
    assert root.has_perm("accounts.grant_staff_role", Role.SITE_ADMIN)


def test_only_site_administrators_make_site_administrators(helpdesk_user, site_admin):
    assert helpdesk_user.has_perm("accounts.grant_staff_role", Role.CONTENT_REVIEWER)
    assert not helpdesk_user.has_perm("accounts.grant_staff_role", Role.SITE_ADMIN)
    assert site_admin.has_perm("accounts.grant_staff_role", Role.SITE_ADMIN)


def test_deactivated_staff_lose_their_powers(helpdesk_user):
    helpdesk_user.is_active = False

    assert not helpdesk_user.has_perm("accounts.decide_rolerequest")
    assert not predicates.is_helpdesk(helpdesk_user)


def test_permissions_are_registered_once():
    for name in (
        "accounts.view_rolerequest",
        "accounts.decide_rolerequest",
        "accounts.grant_focal_point",
        "accounts.revoke_focal_point",
        "accounts.grant_staff_role",
    ):
        assert rules.perm_exists(name), name
