"""Organisations through the services: registration with the full profile, look-alikes, the help
desk's decision and its emails, profile changes, members and invitations.

Emails are sent by tasks enqueued after commit: tests that expect them run the service inside
``django_capture_on_commit_callbacks(execute=True)`` (tasks run eagerly).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from chm_portal.vocabularies.models import GBFTarget, Language, SupportType, ThematicArea
from partners import selectors, services, tasks
from partners.models import Invitation, Membership, Organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HELPDESK = "helpdesk@chm-portal.example"


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.SITE_URL = "https://chm.example"
    settings.HELPDESK_EMAIL = HELPDESK


@pytest.fixture
def ngo():
    return OrganisationTypeFactory(code="ngo")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and send the emails it calls for, as after a committed request."""

    def sent(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return sent


def to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def _register(by, ngo, **extra):
    arguments = {
        "by": by,
        "name": "Coral Reef Watch",
        "acronym": "CRW",
        "organisation_type": ngo,
        "country": None,
        "website": "https://coral-reef-watch.example",
        "description": "Reef monitoring with island communities.",
        **extra,
    }
    return services.organisation_register(**arguments)


# --- Registration -------------------------------------------------------------------------------
def test_registration_keeps_the_whole_profile_in_the_language_it_was_written_in(
    learner, ngo, country_a, country_b, sent
):
    relations = {
        "countries_of_operation": [country_a, country_b],
        "targets": list(GBFTarget.objects.order_by("number")[:2]),
        "thematic_areas": list(ThematicArea.objects.all()[:1]),
        "support_types": list(SupportType.objects.all()[:2]),
        "languages": list(Language.objects.filter(code__in=["fr", "en"])),
    }
    with translation.override("fr"):
        organisation = sent(
            _register,
            by=learner,
            ngo=ngo,
            name="Veille des récifs coralliens",
            description="Suivi des récifs avec les communautés insulaires.",
            country=country_a,
            contact_name="Lea Martin",
            contact_email="lea@reefs.example",
            contact_phone="+254 700 000 000",
            relations=relations,
        )

    organisation.refresh_from_db()
    assert organisation.name_fr == "Veille des récifs coralliens"
    assert organisation.description_fr.startswith("Suivi des récifs")
    assert not organisation.name_en
    assert (organisation.contact_email, organisation.country) == ("lea@reefs.example", country_a)
    assert set(organisation.countries_of_operation.all()) == {country_a, country_b}
    assert set(organisation.languages.values_list("code", flat=True)) == {"fr", "en"}
    assert organisation.targets.count() == 2
    assert organisation.status == Organisation.Status.PENDING
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN

    (email,) = to(HELPDESK)
    assert "Veille des récifs coralliens" in email.subject
    assert "lea.martin@example.org" in email.body
    assert f"https://chm.example/en/admin/partners/organisation/{organisation.pk}/" in email.body


def test_script_in_the_description_is_refused_and_nothing_is_registered(learner, ngo, sent):
    with pytest.raises(ValidationError) as raised:
        sent(_register, by=learner, ngo=ngo, description="<script>alert('x')</script>")

    assert "description" in raised.value.message_dict
    assert not Organisation.objects.exists()
    assert not mail.outbox


def test_registration_refuses_a_bad_contact_email(learner, ngo):
    with pytest.raises(ValidationError) as raised:
        _register(learner, ngo, contact_email="not-an-address")
    assert "contact_email" in raised.value.message_dict


def test_registering_needs_an_active_account(ngo):
    with pytest.raises(PermissionDenied):
        _register(AnonymousUser(), ngo)
    with pytest.raises(PermissionDenied):
        _register(UserFactory(is_active=False), ngo)
    assert not Organisation.objects.exists()


# --- Look-alikes --------------------------------------------------------------------------------
def test_similar_names_are_found_whatever_case_accents_punctuation_and_little_words(
    organisation_x, organisation_y
):
    for typed in (
        "The Mangrove-Alliance",
        "mangrove alliance",
        "Mangróve Aliance",
        "MANGROVE ALLIANCES",
    ):
        assert selectors.organisation_similar(typed, "", None, "") == [organisation_x], typed
    assert selectors.organisation_similar("Mangrove Research Trust", "", None, "") == []


def test_names_in_other_languages_count(organisation_x):
    organisation_x.name_fr = "Alliance pour les mangroves"
    organisation_x.save()

    assert selectors.organisation_similar("Alliance des mangroves", "", None, "") == [
        organisation_x
    ]


def test_same_acronym_in_the_same_country_or_same_website_domain(country_a, country_b):
    kenyan = OrganisationFactory(
        name="Kenya Wetlands Forum", acronym="KWF", country=country_a, website=""
    )
    with_site = OrganisationFactory(
        name="Blue Carbon Lab", website="https://www.bluecarbon.example/about"
    )

    assert selectors.organisation_similar("Other name", "kwf", country_a, "") == [kenyan]
    assert selectors.organisation_similar("Other name", "KWF", country_b, "") == []
    assert selectors.organisation_similar("Unrelated", "", None, "http://bluecarbon.example") == [
        with_site
    ]
    assert selectors.organisation_similar("Unrelated", "", None, "https://carbon.example") == []


def test_rejected_registrations_are_not_look_alikes():
    OrganisationFactory(name="Mangrove Alliance", status=Organisation.Status.REJECTED)
    pending = OrganisationFactory(name="Mangrove Alliance", status=Organisation.Status.PENDING)

    assert selectors.organisation_similar("Mangrove Alliance", "", None, "") == [pending]


# --- The help desk's decision -------------------------------------------------------------------
def test_approval_is_recorded_and_emailed_in_the_founders_language(ngo, helpdesk_user, sent):
    founder = UserFactory(preferred_language="fr", full_name="Chloé Martin")
    organisation = _register(founder, ngo)

    sent(services.organisation_approve, organisation=organisation, by=helpdesk_user)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    assert organisation.decided_by == helpdesk_user
    assert organisation.decided_at is not None
    (email,) = to(founder.email)
    assert "Coral Reef Watch" in email.subject
    assert "Chloé Martin" in email.body
    assert f"https://chm.example/fr/partners/organisations/{organisation.pk}/" in email.body


def test_rejection_keeps_and_sends_the_reason(learner, ngo, helpdesk_user, sent):
    organisation = _register(learner, ngo)

    sent(
        services.organisation_reject,
        organisation=organisation,
        by=helpdesk_user,
        rejection_reason="This is a personal project, not an organisation.",
    )

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.rejection_reason == "This is a personal project, not an organisation."
    assert (organisation.decided_by, organisation.decided_at is not None) == (helpdesk_user, True)
    (email,) = to(learner.email)
    assert "not accepted" in email.subject
    assert "This is a personal project, not an organisation." in email.body
    assert "https://chm.example/en/partners/organisations/register/" in email.body


def test_a_reason_with_markup_is_refused(learner, ngo, helpdesk_user, sent):
    organisation = _register(learner, ngo)

    with pytest.raises(ValidationError) as raised:
        sent(
            services.organisation_reject,
            organisation=organisation,
            by=helpdesk_user,
            rejection_reason="<b>no</b>",
        )

    assert "rejection_reason" in raised.value.message_dict
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert not to(learner.email)


def test_a_decision_is_emailed_once_even_if_its_task_runs_twice(learner, ngo, helpdesk_user, sent):
    organisation = _register(learner, ngo)
    sent(services.organisation_approve, organisation=organisation, by=helpdesk_user)

    assert tasks.notify_organisation_decided(organisation.pk) is False
    assert len(to(learner.email)) == 1


# --- Profile ------------------------------------------------------------------------------------
def test_administrators_change_the_profile_and_its_translations(
    member_x, organisation_x, country_b
):
    services.organisation_update(
        organisation=organisation_x,
        by=member_x,
        data={"name_fr": "Alliance des mangroves", "website": "https://mangroves.example"},
        relations={"countries_of_operation": [country_b]},
    )

    organisation_x.refresh_from_db()
    assert organisation_x.name_en == "Mangrove Alliance"
    assert organisation_x.name_fr == "Alliance des mangroves"
    assert organisation_x.website == "https://mangroves.example"
    assert list(organisation_x.countries_of_operation.all()) == [country_b]


def test_the_profile_keeps_a_name_and_refuses_bad_values(member_x, organisation_x):
    for data, field in (
        ({"name_en": "", "name_fr": "", "name_es": ""}, "name_en"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"description_es": "<img src=x onerror=alert(1)>"}, "description_es"),
    ):
        with pytest.raises(ValidationError) as raised:
            services.organisation_update(organisation=organisation_x, by=member_x, data=data)
        assert field in raised.value.message_dict, data
    organisation_x.refresh_from_db()
    assert (organisation_x.name_en, organisation_x.website) == ("Mangrove Alliance", "")


def test_only_administrators_and_the_help_desk_change_a_profile(
    member_x, member_y, organisation_x, helpdesk_user
):
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)

    for outsider in (member_y, editor):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                organisation=organisation_x, by=outsider, data={"acronym": "XX"}
            )
    services.organisation_update(
        organisation=organisation_x, by=helpdesk_user, data={"acronym": "MAL"}
    )
    organisation_x.refresh_from_db()
    assert organisation_x.acronym == "MAL"


# --- Members ------------------------------------------------------------------------------------
def test_the_last_administrator_can_be_neither_removed_nor_made_editor(member_x, organisation_x):
    only_admin = Membership.objects.get(user=member_x, organisation=organisation_x)

    with pytest.raises(ValidationError, match="at least one administrator"):
        services.membership_remove(membership=only_admin, by=member_x)
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.membership_change_role(membership=only_admin, role="editor", by=member_x)
    assert Membership.objects.filter(pk=only_admin.pk, role=Membership.Role.ADMIN).exists()


def test_administrators_change_roles_and_remove_members(member_x, organisation_x):
    colleague = UserFactory()
    membership = services.membership_add(
        organisation=organisation_x, user=colleague, role="editor", by=member_x
    )
    assert not colleague.has_perm("partners.manage_members", organisation_x)

    services.membership_change_role(membership=membership, role="admin", by=member_x)
    assert colleague.has_perm("partners.manage_members", organisation_x)

    # Now that there are two administrators, the first may leave.
    mine = Membership.objects.get(user=member_x, organisation=organisation_x)
    services.membership_remove(membership=mine, by=member_x)
    assert not member_x.has_perm("partners.change_organisation", organisation_x)
    assert list(organisation_x.memberships.values_list("user", flat=True)) == [colleague.pk]


def test_other_organisations_do_not_manage_members(member_x, member_y, organisation_x):
    membership = Membership.objects.get(user=member_x, organisation=organisation_x)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=membership, by=member_y)
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            organisation=organisation_x, email="a@b.example", role="editor", by=member_y
        )


# --- Invitations --------------------------------------------------------------------------------
def test_an_invitation_is_emailed_and_makes_a_membership_once(
    member_x, organisation_x, learner, sent
):
    invitation = sent(
        services.invitation_send,
        organisation=organisation_x,
        email="New.Colleague@Example.org",
        role="admin",
        by=member_x,
    )

    assert len(invitation.token) >= 40
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    (email,) = to("New.Colleague@Example.org")
    assert "Mangrove Alliance" in email.subject
    assert f"https://chm.example/en/partners/invitations/{invitation.token}/" in email.body
    assert "Xavier Dupont" in email.body

    membership = services.invitation_accept(token=invitation.token, by=learner)

    assert (membership.user, membership.role, membership.added_by) == (learner, "admin", member_x)
    assert learner.has_perm("partners.manage_members", organisation_x)  # cached roles forgotten
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (learner, True)
    with pytest.raises(ValidationError, match="already used"):
        services.invitation_accept(token=invitation.token, by=UserFactory())


def test_expired_withdrawn_and_unknown_invitations_are_refused(member_x, organisation_x, learner):
    expired = services.invitation_send(
        organisation=organisation_x, email="late@example.org", role="editor", by=member_x
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    withdrawn = services.invitation_send(
        organisation=organisation_x, email="nobody@example.org", role="editor", by=member_x
    )
    services.invitation_revoke(invitation=withdrawn, by=member_x)

    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(token=expired.token, by=learner)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(token=withdrawn.token, by=learner)
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(token="made-up", by=learner)
    assert not Membership.objects.filter(user=learner).exists()


def test_members_are_not_invited_twice(member_x, organisation_x):
    with pytest.raises(ValidationError) as raised:
        services.invitation_send(
            organisation=organisation_x, email=member_x.email.upper(), role="editor", by=member_x
        )
    assert "already is a member" in str(raised.value)

    services.invitation_send(
        organisation=organisation_x, email="new@example.org", role="editor", by=member_x
    )
    with pytest.raises(ValidationError, match="withdraw it first"):
        services.invitation_send(
            organisation=organisation_x, email="NEW@example.org", role="editor", by=member_x
        )


def test_an_expired_invitation_is_replaced_by_a_new_one(member_x, organisation_x):
    first = services.invitation_send(
        organisation=organisation_x, email="late@example.org", role="editor", by=member_x
    )
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(days=1))

    second = services.invitation_send(
        organisation=organisation_x, email="late@example.org", role="admin", by=member_x
    )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.token != first.token
    assert list(selectors.invitations_open_of_organisation(organisation=organisation_x)) == [second]


def test_members_cannot_accept_an_invitation_to_their_own_organisation(member_x, organisation_x):
    colleague = UserFactory()
    invitation = services.invitation_send(
        organisation=organisation_x, email="someone@example.org", role="editor", by=member_x
    )
    MembershipFactory(user=colleague, organisation=organisation_x)

    with pytest.raises(ValidationError, match="already are a member"):
        services.invitation_accept(token=invitation.token, by=colleague)


def test_invitations_to_a_pending_organisation_reveal_it_to_the_new_member(ngo, learner):
    founder = UserFactory()
    pending = _register(founder, ngo)
    invitation = services.invitation_send(
        organisation=pending, email=learner.email, role="editor", by=founder
    )
    assert not learner.has_perm("partners.view_organisation", pending)

    services.invitation_accept(token=invitation.token, by=learner)

    assert learner.has_perm("partners.view_organisation", pending)
    assert not learner.has_perm("partners.change_organisation", pending)
