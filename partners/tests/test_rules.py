"""Who may see, change and manage partner organisations (see docs/roles-and-permissions.md)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from partners.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_x(organisation_x):
    """Eitan Levi, editor (not administrator) of organisation X."""
    user = UserFactory(full_name="Eitan Levi")
    MembershipFactory(user=user, organisation=organisation_x, role=Membership.Role.EDITOR)
    return user


@pytest.mark.parametrize("permission", ["partners.change_organisation", "partners.manage_members"])
@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("member_x", True),  # administrator of X
        ("editor_x", False),  # editor of X
        ("member_y", False),  # administrator of another organisation
        ("helpdesk_user", True),
        ("site_admin", True),
        ("reviewer_user", False),
        ("focal_point_a", False),
        ("learner", False),
    ],
)
def test_who_changes_an_organisation(request, organisation_x, permission, person, allowed):
    user = request.getfixturevalue(person)

    assert user.has_perm(permission, organisation_x) is allowed


def test_anonymous_visitors_change_nothing(organisation_x):
    assert not AnonymousUser().has_perm("partners.change_organisation", organisation_x)


def test_approved_organisations_are_public(organisation_x, learner):
    assert AnonymousUser().has_perm("partners.view_organisation", organisation_x)
    assert learner.has_perm("partners.view_organisation", organisation_x)


def test_pending_organisations_are_seen_by_members_and_help_desk_only(
    learner, member_y, helpdesk_user
):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    founder = UserFactory()
    MembershipFactory(user=founder, organisation=pending, role=Membership.Role.ADMIN)

    assert founder.has_perm("partners.view_organisation", pending)
    assert helpdesk_user.has_perm("partners.view_organisation", pending)
    assert not learner.has_perm("partners.view_organisation", pending)
    assert not member_y.has_perm("partners.view_organisation", pending)
    assert not AnonymousUser().has_perm("partners.view_organisation", pending)


def test_objects_of_an_organisation_follow_it(member_x, editor_x, organisation_x):
    """Records that carry an ``organisation_id`` get their organisation's permissions."""
    membership = Membership.objects.get(user=editor_x)

    assert member_x.has_perm("partners.manage_members", membership)
    assert not editor_x.has_perm("partners.manage_members", membership)


def test_only_the_help_desk_approves(member_x, helpdesk_user, organisation_x):
    assert helpdesk_user.has_perm("partners.approve_organisation", organisation_x)
    assert not member_x.has_perm("partners.approve_organisation", organisation_x)
