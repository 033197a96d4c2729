"""The help desk moderates partners in the admin: organisations (approval), members,
invitations, the records of the partners' databases, applications and harvests, all through the
services. Content reviewers see resources and events only.
"""

import datetime
from unittest import mock

import pytest
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import Country
from partners import tasks
from partners.models import (
    HarvestRun,
    HarvestSource,
    Invitation,
    Membership,
    OpportunityApplication,
    Organisation,
    RecordStatus,
    ResourceDownload,
)
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _changelist(model_name: str) -> str:
    return reverse(f"admin:partners_{model_name}_changelist")


def _change(obj) -> str:
    return reverse(f"admin:partners_{obj._meta.model_name}_change", args=[obj.pk])


def _act(client, model_name: str, action: str, objects, **extra):
    return client.post(
        _changelist(model_name),
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra},
        follow=True,
    )


@pytest.fixture
def one_of_each(organisation_x, member_x, country_a, learner):
    """A row of every model of partners, all of organisation X."""
    resource = ResourceFactory(organisation=organisation_x)
    opportunity = OpportunityFactory(
        organisation=organisation_x, applications_on_portal=True, link=""
    )
    source = HarvestSource.objects.create(
        name="Mangrove Alliance resources",
        url="https://mangrove-alliance.example/feed.xml",
        format=HarvestSource.Format.FEED,
        organisation=organisation_x,
    )
    return {
        "organisation": organisation_x,
        "membership": Membership.objects.get(user=member_x),
        "invitation": Invitation.objects.create(
            organisation=organisation_x,
            email="new.colleague@mangrove-alliance.example",
            token="t" * 40,
            invited_by=member_x,
            expires_at=timezone.now() + datetime.timedelta(days=14),
        ),
        "offer": OfferFactory(provider=organisation_x),
        "initiative": InitiativeFactory(organisation=organisation_x),
        "resource": resource,
        "resourcedownload": ResourceDownload.objects.create(resource=resource, country=country_a),
        "opportunity": opportunity,
        "opportunityapplication": OpportunityApplication.objects.create(
            opportunity=opportunity,
            applicant=learner,
            country=country_a,
            motivation="I restore mangroves in Kilifi.",
        ),
        "event": EventFactory(organisation=organisation_x),
        "partnershipagreement": PartnershipAgreementFactory(organisation=organisation_x),
        "harvestsource": source,
        "harvestrun": HarvestRun.objects.create(
            source=source, status=HarvestRun.Status.SUCCEEDED, created=3, unchanged=7
        ),
    }


MODEL_NAMES = (
    "organisation",
    "membership",
    "invitation",
    "offer",
    "initiative",
    "resource",
    "resourcedownload",
    "opportunity",
    "opportunityapplication",
    "event",
    "partnershipagreement",
    "harvestsource",
    "harvestrun",
)


# --- Who reaches what ---------------------------------------------------------------------------
@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_the_help_desk_opens_every_list_and_page(client, helpdesk_user, one_of_each, model_name):
    client.force_login(helpdesk_user)
    obj = one_of_each[model_name]

    listing = client.get(_changelist(model_name))
    page = client.get(_change(obj))

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == type(obj).objects.count() >= 1
    assert page.status_code == 200
    assert page.context["original"] == obj


def test_content_reviewers_see_resources_and_events_but_not_offers(
    client, reviewer_user, one_of_each
):
    client.force_login(reviewer_user)

    for model_name in ("resource", "event"):
        assert client.get(_changelist(model_name)).status_code == 200
        assert client.get(_change(one_of_each[model_name])).status_code == 200
    assert client.get(_changelist("offer")).status_code == 403
    assert client.get(_change(one_of_each["offer"])).status_code == 403


def test_organisation_admins_without_staff_status_do_not_reach_the_admin(client, member_x):
    client.force_login(member_x)

    response = client.get(reverse("admin:partners_organisation_changelist"))

    assert response.status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(_changelist("offer"))

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- Lists cost the same whatever their length ----------------------------------------------------
def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("model_name", "make_row"),
    [
        ("offer", lambda: OfferFactory(provider=OrganisationFactory(country=_kenya()))),
        ("organisation", lambda: OrganisationFactory(country=_kenya())),
        ("event", lambda: EventFactory(organisation=OrganisationFactory(), country=_kenya())),
        ("resource", lambda: ResourceFactory(organisation=OrganisationFactory())),
    ],
)
def test_lists_read_the_same_number_of_queries_for_3_and_15_rows(
    client, helpdesk_user, model_name, make_row
):
    client.force_login(helpdesk_user)
    for _ in range(3):
        make_row()
    with_3 = _queries_for(client, _changelist(model_name))

    for _ in range(12):
        make_row()
    with_15 = _queries_for(client, _changelist(model_name))

    assert with_15 == with_3


def _kenya() -> Country:
    return Country.objects.get(code="KE")


# --- Organisations ------------------------------------------------------------------------------
def test_approving_selected_organisations(client, helpdesk_user):
    pending = OrganisationFactory(name="Coral Reef Watch", status=Organisation.Status.PENDING)
    client.force_login(helpdesk_user)

    response = _act(client, "organisation", "approve_selected", [pending])

    assert "1 organisation approved." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED
    assert pending.decided_by == helpdesk_user


def test_rejecting_asks_for_the_reason_then_rejects(client, helpdesk_user, organisation_x):
    pending = OrganisationFactory(name="Coral Reef Watch", status=Organisation.Status.PENDING)
    client.force_login(helpdesk_user)

    asked = _act(client, "organisation", "reject_selected", [pending, organisation_x])

    page = asked.content.decode()
    assert "These 2 organisations will be rejected:" in page
    assert '<label for="id_rejection_reason">Reason</label>' in page
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING  # nothing decided yet

    done = _act(
        client,
        "organisation",
        "reject_selected",
        [pending, organisation_x],
        apply="1",
        rejection_reason="We could not confirm that the organisation exists.",
    )

    page = done.content.decode()
    assert "1 organisation rejected." in page
    assert "Mangrove Alliance (MA): This organisation has already been decided." in page
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.REJECTED
    assert pending.rejection_reason == "We could not confirm that the organisation exists."
    organisation_x.refresh_from_db()
    assert organisation_x.status == Organisation.Status.APPROVED


def test_organisation_page_shows_profile_contacts_decision_and_members(
    client, helpdesk_user, member_x, organisation_x
):
    client.force_login(helpdesk_user)

    content = client.get(_change(organisation_x)).content.decode()

    assert "Xavier Dupont" in content
    assert 'name="name_fr"' in content  # translated name fields
    for heading in ("Profile", "Expertise", "Contacts (never public)", "Decision"):
        assert f">{heading}</h2>" in content
    assert 'name="contact_email"' in content
    assert 'name="status"' not in content  # decided through the actions only


def test_organisations_are_filtered_by_region_of_their_headquarters(
    client, helpdesk_user, country_a, country_b
):
    OrganisationFactory(name="Kenyan Wildlife Network", country=country_a)
    OrganisationFactory(name="Amazon Partners", country=country_b)
    client.force_login(helpdesk_user)

    response = client.get(_changelist("organisation"), {"region": country_a.region.code})

    names = [organisation.name for organisation in response.context["cl"].result_list]
    assert names == ["Kenyan Wildlife Network"]


def test_adding_a_member_in_the_admin(client, helpdesk_user, organisation_x, learner):
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:partners_membership_add"),
        {"user": learner.pk, "organisation": organisation_x.pk, "role": "editor"},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=learner)
    assert (membership.organisation, membership.added_by) == (organisation_x, helpdesk_user)


def test_withdrawing_invitations(client, helpdesk_user, one_of_each, learner):
    invitation = one_of_each["invitation"]
    accepted = Invitation.objects.create(
        organisation=invitation.organisation,
        email="lea.martin@example.org",
        token="a" * 40,
        expires_at=timezone.now() + datetime.timedelta(days=3),
        accepted_at=timezone.now(),
        accepted_by=learner,
    )
    client.force_login(helpdesk_user)

    response = _act(client, "invitation", "revoke_selected", [invitation, accepted])

    page = response.content.decode()
    assert "1 invitation withdrawn." in page
    assert "This invitation was already accepted" in page
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    accepted.refresh_from_db()
    assert accepted.revoked_at is None


def test_invitations_are_read_only(client, helpdesk_user, one_of_each):
    client.force_login(helpdesk_user)

    page = client.get(_change(one_of_each["invitation"]))

    assert 'name="email"' not in page.content.decode()
    assert client.get(reverse("admin:partners_invitation_add")).status_code == 403


# --- Records ------------------------------------------------------------------------------------
def test_publish_close_and_back_to_draft(client, helpdesk_user, organisation_x):
    draft = OpportunityFactory(
        organisation=organisation_x, title="Mangrove fellowship", status=RecordStatus.DRAFT
    )
    past = OpportunityFactory(
        organisation=organisation_x,
        title="Past call",
        status=RecordStatus.DRAFT,
        deadline=timezone.now() - datetime.timedelta(days=1),
        published_at=None,
    )
    client.force_login(helpdesk_user)

    published = _act(client, "opportunity", "publish_selected", [draft, past])

    page = published.content.decode()
    assert "1 record published." in page
    assert "Past call: The deadline has passed: set a later one." in page
    draft.refresh_from_db()
    assert draft.status == RecordStatus.PUBLISHED and draft.published_at is not None
    past.refresh_from_db()
    assert past.status == RecordStatus.DRAFT

    _act(client, "opportunity", "close_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == RecordStatus.CLOSED

    back = _act(client, "opportunity", "draft_selected", [draft])
    assert "1 record taken back to draft." in back.content.decode()
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT


def test_offers_can_be_paused(client, helpdesk_user, organisation_x):
    offer = OfferFactory(provider=organisation_x)
    client.force_login(helpdesk_user)

    response = _act(client, "offer", "pause_selected", [offer])

    assert "1 offer paused." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == RecordStatus.PAUSED


def test_records_are_filtered_by_their_organisation_status(client, helpdesk_user):
    OfferFactory(title="Approved offer", provider=OrganisationFactory())
    OfferFactory(
        title="Offer of a pending organisation",
        provider=OrganisationFactory(status=Organisation.Status.PENDING),
    )
    client.force_login(helpdesk_user)

    response = client.get(_changelist("offer"), {"organisation_status": "pending"})

    titles = [offer.title for offer in response.context["cl"].result_list]
    assert titles == ["Offer of a pending organisation"]


def _form_data(response) -> dict:
    """What the change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # inside the "add" wrapper
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None and not isinstance(field, forms.FileField):
            data[name] = str(value)
    return data


def test_saving_a_record_runs_the_model_checks(client, helpdesk_user, organisation_x):
    event = EventFactory(organisation=organisation_x, title="Mangrove restoration workshop")
    client.force_login(helpdesk_user)
    data = _form_data(client.get(_change(event)))
    starts_at = event.starts_at
    data["ends_at_0"] = (starts_at - datetime.timedelta(days=1)).date().isoformat()

    refused = client.post(_change(event), data)

    assert refused.status_code == 200
    assert "The event ends before it starts." in refused.content.decode()
    event.refresh_from_db()
    assert event.ends_at > event.starts_at

    ends_at = starts_at + datetime.timedelta(hours=2)
    data["ends_at_0"], data["ends_at_1"] = ends_at.date().isoformat(), f"{ends_at:%H:%M:%S}"
    data["title_fr"] = "Atelier sur la restauration des mangroves"
    saved = client.post(_change(event), data)

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.ends_at == ends_at.replace(microsecond=0)
    assert event.title_fr == "Atelier sur la restauration des mangroves"
    assert event.status == RecordStatus.PUBLISHED  # the status is not in the form


def test_records_added_in_the_admin_are_drafts_by_their_author(
    client, helpdesk_user, organisation_x
):
    client.force_login(helpdesk_user)
    data = _form_data(client.get(reverse("admin:partners_partnershipagreement_add")))
    data.update(
        organisation=organisation_x.pk,
        language="en",
        title_en="Support-network agreement with Mangrove Alliance",
        description_en="Mangrove Alliance answers requests on mangrove restoration.",
        kind="support_network",
        signed_on="2026-01-15",
    )

    response = client.post(reverse("admin:partners_partnershipagreement_add"), data)

    assert response.status_code == 302
    agreement = organisation_x.agreements.get()
    assert (agreement.status, agreement.created_by) == (RecordStatus.DRAFT, helpdesk_user)


# --- Applications -------------------------------------------------------------------------------
def test_accepting_and_rejecting_applications(client, helpdesk_user, one_of_each):
    first = one_of_each["opportunityapplication"]
    opportunity = first.opportunity
    second = OpportunityApplication.objects.create(
        opportunity=opportunity,
        applicant=UserFactory(full_name="Kamau Njoroge"),
        country=first.country,
        motivation="I teach marine ecology.",
    )
    client.force_login(helpdesk_user)

    accepted = _act(client, "opportunityapplication", "accept_selected", [first])
    rejected = _act(client, "opportunityapplication", "reject_selected", [second, first])

    assert "1 application accepted." in accepted.content.decode()
    page = rejected.content.decode()
    assert "1 application turned down." in page
    assert "it cannot be decided again." in page
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by) == (
        OpportunityApplication.Status.ACCEPTED,
        helpdesk_user,
    )
    assert second.status == OpportunityApplication.Status.REJECTED


def test_applications_list_shows_opportunity_applicant_country_and_status(
    client, helpdesk_user, one_of_each
):
    client.force_login(helpdesk_user)

    page = client.get(_changelist("opportunityapplication")).content.decode()

    assert "Lea Martin" in page
    assert one_of_each["opportunity"].title in page
    assert "Kenya" in page
    assert "Submitted" in page


# --- Harvesting ---------------------------------------------------------------------------------
def test_harvest_now_enqueues_a_harvest_per_source_after_commit(
    client, helpdesk_user, one_of_each, django_capture_on_commit_callbacks
):
    source = one_of_each["harvestsource"]
    other = HarvestSource.objects.create(
        name="Savanna events",
        url="https://savanna.example/events.json",
        format=HarvestSource.Format.RECORDS,
        organisation=source.organisation,
    )
    client.force_login(helpdesk_user)

    with (
        mock.patch.object(tasks.harvest_source, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = _act(client, "harvestsource", "harvest_now", [source, other])

    assert "A harvest of 2 sources was requested" in response.content.decode()
    assert len(callbacks) == 2
    assert sorted(call.args for call in delay.call_args_list) == sorted([(source.pk,), (other.pk,)])


def test_harvest_source_shows_its_last_run(client, helpdesk_user, one_of_each):
    source = one_of_each["harvestsource"]
    HarvestRun.objects.create(
        source=source,
        started_at=timezone.now() - datetime.timedelta(days=2),
        status=HarvestRun.Status.FAILED,
    )
    client.force_login(helpdesk_user)

    listing = client.get(_changelist("harvestsource")).content.decode()
    page = client.get(_change(source)).content.decode()

    summary = "Succeeded: 3 created, 0 updated, 7 unchanged, 0 gone from the source"
    assert summary in listing
    assert summary in page
    assert "latest harvests" in page.lower()
    assert page.count('class="field-status"') >= 2  # both runs in the inline


def test_downloads_are_read_only_and_filtered_by_country(
    client, helpdesk_user, one_of_each, country_b
):
    resource = one_of_each["resource"]
    ResourceDownload.objects.create(resource=resource, country=country_b)
    client.force_login(helpdesk_user)

    kenya = one_of_each["resourcedownload"].country
    response = client.get(_changelist("resourcedownload"), {"country__id__exact": kenya.pk})

    assert response.context["cl"].result_count == 1
    assert client.get(reverse("admin:partners_resourcedownload_add")).status_code == 403


def test_members_are_listed_with_their_organisation(client, helpdesk_user, organisation_y):
    MembershipFactory(organisation=organisation_y, user=UserFactory(full_name="Yusuf Ali"))
    client.force_login(helpdesk_user)

    page = client.get(_changelist("membership")).content.decode()

    assert "Yusuf Ali" in page and "Savanna Research Institute" in page


def test_offers_and_events_lists_link_to_their_pages(client, helpdesk_user, one_of_each):
    client.force_login(helpdesk_user)

    page = client.get(_changelist("event")).content.decode()

    assert _change(one_of_each["event"]) in page


def test_organisation_page_previews_the_logo(
    client, helpdesk_user, organisation_x, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    organisation_x.logo.save("mangrove-alliance.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    client.force_login(helpdesk_user)

    page = client.get(_change(organisation_x)).content.decode()

    assert f'<img src="{organisation_x.logo.url}" alt="Logo of Mangrove Alliance"' in page
