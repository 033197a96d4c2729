"""Registering and approving organisations, and adding members, through the services."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from partners import selectors, services
from partners.models import Membership, Organisation
from tests.factories import OrganisationTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngo():
    return OrganisationTypeFactory(code="ngo")


def _register(by, ngo, country=None, **extra):
    return services.organisation_register(
        by=by,
        name="Coral Reef Watch",
        acronym="CRW",
        organisation_type=ngo,
        country=country,
        website="https://coral-reef-watch.example",
        description="Reef monitoring with island communities.",
        **extra,
    )


def test_registering_makes_a_pending_organisation_with_its_founder_as_admin(
    learner, ngo, country_a
):
    organisation = _register(learner, ngo, country_a)

    assert organisation.status == Organisation.Status.PENDING
    assert organisation.created_by == learner
    assert Membership.objects.get(organisation=organisation).user == learner
    assert learner.has_perm("partners.change_organisation", organisation)
    assert learner.has_perm("partners.view_organisation", organisation)
    assert organisation not in selectors.organisations_public()


def test_registering_needs_an_account(ngo):
    with pytest.raises(PermissionDenied):
        _register(AnonymousUser(), ngo)
    assert not Organisation.objects.exists()


def test_a_bad_website_is_refused(learner, ngo):
    with pytest.raises(ValidationError) as raised:
        services.organisation_register(
            by=learner,
            name="Coral Reef Watch",
            organisation_type=ngo,
            country=None,
            website="not a web address",
        )
    assert "website" in raised.value.message_dict


def test_help_desk_approves_once(learner, helpdesk_user, ngo):
    organisation = _register(learner, ngo)

    services.organisation_approve(organisation=organisation, by=helpdesk_user)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    assert organisation in selectors.organisations_public()
    with pytest.raises(ValidationError):
        services.organisation_approve(organisation=organisation, by=helpdesk_user)


def test_founders_do_not_approve_their_own_organisation(learner, ngo):
    organisation = _register(learner, ngo)

    with pytest.raises(PermissionDenied):
        services.organisation_approve(organisation=organisation, by=learner)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_organisation_admin_adds_members(member_x, organisation_x, learner):
    membership = services.membership_add(
        organisation=organisation_x, user=learner, role=Membership.Role.EDITOR, by=member_x
    )

    assert (membership.added_by, membership.role) == (member_x, Membership.Role.EDITOR)
    assert learner.has_perm("partners.view_organisation", organisation_x)
    assert not learner.has_perm("partners.manage_members", organisation_x)
    with pytest.raises(ValidationError):
        services.membership_add(
            organisation=organisation_x, user=learner, role=Membership.Role.ADMIN, by=member_x
        )


def test_editors_and_other_organisations_do_not_add_members(
    member_x, member_y, organisation_x, learner
):
    editor = UserFactory()
    services.membership_add(
        organisation=organisation_x, user=editor, role=Membership.Role.EDITOR, by=member_x
    )

    for outsider in (editor, member_y, learner):
        with pytest.raises(PermissionDenied):
            services.membership_add(
                organisation=organisation_x, user=UserFactory(), role="editor", by=outsider
            )


def test_help_desk_adds_members_anywhere(helpdesk_user, organisation_y, learner):
    services.membership_add(
        organisation=organisation_y, user=learner, role=Membership.Role.ADMIN, by=helpdesk_user
    )

    assert learner.has_perm("partners.change_organisation", organisation_y)


def test_visible_organisations(learner, member_x, helpdesk_user, organisation_x, ngo):
    pending = _register(member_x, ngo)

    assert set(selectors.organisations_visible_to(user=learner)) == {organisation_x}
    assert set(selectors.organisations_visible_to(user=member_x)) == {organisation_x, pending}
    assert pending in selectors.organisations_visible_to(user=helpdesk_user)
    assert set(selectors.organisations_visible_to(user=AnonymousUser())) == {organisation_x}
