"""The help desk approves organisations and adds members in the admin, through the services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from partners.models import Membership, Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_approving_selected_organisations(client, helpdesk_user):
    pending = OrganisationFactory(name="Coral Reef Watch", status=Organisation.Status.PENDING)
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:partners_organisation_changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [pending.pk]},
        follow=True,
    )

    assert "1 organisation approved." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED


def test_organisation_page_shows_its_members(client, helpdesk_user, member_x, organisation_x):
    client.force_login(helpdesk_user)

    content = client.get(
        reverse("admin:partners_organisation_change", args=[organisation_x.pk])
    ).content.decode()

    assert "Xavier Dupont" in content
    assert 'name="name_fr"' in content  # translated name fields


def test_adding_a_member_in_the_admin(client, helpdesk_user, organisation_x, learner):
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:partners_membership_add"),
        {"user": learner.pk, "organisation": organisation_x.pk, "role": "editor"},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=learner)
    assert (membership.organisation, membership.added_by) == (organisation_x, helpdesk_user)


def test_organisation_admins_without_staff_status_do_not_reach_the_admin(client, member_x):
    client.force_login(member_x)

    response = client.get(reverse("admin:partners_organisation_changelist"))

    assert response.status_code == 302
