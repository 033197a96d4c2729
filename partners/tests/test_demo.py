"""The partners' demo data: enough organisations and records of every kind, valid, and created once.

One test only: seeding takes a few seconds.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.utils import timezone

from chm_portal.accounts import demo as accounts_demo
from chm_portal.vocabularies.models import EventType, OpportunityType, ResourceType
from partners import demo, selectors
from partners.models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    OpportunityApplication,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)
from partners.services import translated_fields

pytestmark = pytest.mark.django_db

RECORD_MODELS = (Offer, Initiative, Resource, Opportunity, Event, PartnershipAgreement)


def _counts() -> dict[str, int]:
    models = (
        *RECORD_MODELS,
        Organisation,
        Membership,
        ResourceDownload,
        OpportunityApplication,
        *(model.targets.through for model in RECORD_MODELS if hasattr(model, "targets")),
        Organisation.thematic_areas.through,
        Initiative.partner_organisations.through,
    )
    return {model._meta.label: model.objects.count() for model in models}


def test_seed_creates_a_realistic_directory_once():
    lines = []
    accounts_demo.seed(log=lines.append)
    demo.seed(log=lines.append)
    counts = _counts()
    demo.seed(log=lines.append)
    # Running it again creates nothing.
    assert _counts() == counts
    assert lines[-1].startswith("partners: 66 approved organisations (3 pending); created 0 offers")

    # At least 60 approved organisations of every type, on every continent, with their expertise;
    # the help desk has registrations to decide.
    approved = Organisation.objects.filter(status=Organisation.Status.APPROVED)
    assert approved.count() >= 60
    assert Organisation.objects.filter(status=Organisation.Status.PENDING).count() == 3
    assert approved.values("organisation_type").distinct().count() == 11
    assert set(approved.values_list("country__region__code", flat=True)) == {
        "002",
        "009",
        "019",
        "142",
        "150",
    }
    assert not approved.filter(thematic_areas__isnull=True).exists()
    assert not approved.filter(languages__isnull=True).exists()
    assert not approved.exclude(website__contains=".example.org").exists()
    # The demo partner administrator and editor still belong to the three demo organisations.
    for name, *_rest in demo.DEMO_ORGANISATIONS:
        roles = set(
            Membership.objects.filter(organisation__name=name).values_list("user__email", "role")
        )
        assert roles == {
            ("partner.admin@demo.chm-portal.org", Membership.Role.ADMIN),
            ("partner.editor@demo.chm-portal.org", Membership.Role.EDITOR),
        }

    # Records of every kind, in the numbers the issue asks for, in three languages.
    assert Offer.objects.count() >= 80
    assert Initiative.objects.count() >= 30
    assert Resource.objects.count() >= 80
    assert Opportunity.objects.count() >= 25
    assert Event.objects.count() >= 30
    assert PartnershipAgreement.objects.count() >= 15
    assert set(Offer.objects.values_list("status", flat=True)) == set(RecordStatus.values)
    assert set(Offer.objects.values_list("language", flat=True)) == {"en", "fr", "es"}
    translated = Offer.objects.filter(language="fr").exclude(title_en=None)
    assert translated.exists()
    assert Offer.objects.filter(language="fr", title_en=None).exists()
    assert Offer.objects.exclude(eligible_groups=None).exists()
    assert Offer.objects.exclude(eligible_regions=None).exists()
    assert Offer.objects.exclude(eligible_countries=None).exists()
    assert Offer.objects.filter(contribution=Offer.Contribution.FINANCIAL).exists()
    assert set(Resource.objects.values_list("resource_type__code", flat=True)) == set(
        ResourceType.objects.values_list("code", flat=True)
    )
    assert set(Opportunity.objects.values_list("opportunity_type__code", flat=True)) == set(
        OpportunityType.objects.values_list("code", flat=True)
    )
    assert set(Event.objects.values_list("event_type__code", flat=True)) == set(
        EventType.objects.values_list("code", flat=True)
    )
    assert set(PartnershipAgreement.objects.values_list("kind", flat=True)) == set(
        PartnershipAgreement.Kind.values
    )
    now = timezone.now()
    assert Event.objects.filter(is_online=True).exists()
    assert Event.objects.filter(is_online=False, country__isnull=False).exists()
    assert len(set(Event.objects.values_list("time_zone", flat=True))) >= 5
    # Past events have their participants; future ones do not yet.
    assert not Event.objects.filter(ends_at__lt=now, participant_count=None).exists()
    assert not Event.objects.filter(starts_at__gt=now, participant_count__isnull=False).exists()
    assert Opportunity.objects.filter(status=RecordStatus.PUBLISHED, deadline__gt=now).exists()
    assert Opportunity.objects.filter(status=RecordStatus.CLOSED, deadline__lt=now).exists()

    # Every record passes the models' checks.
    for model in (*RECORD_MODELS, Organisation):
        for record in model.objects.all():
            try:
                record.full_clean(exclude=translated_fields(model), validate_unique=False)
            except ValidationError as error:  # pragma: no cover - the message says which
                pytest.fail(f"{model.__name__} {record}: {error}")

    # Downloads: the counter of each resource is the number of its download rows.
    assert ResourceDownload.objects.count() > 500
    assert (
        not Resource.objects.annotate(rows=Count("downloads"))
        .exclude(download_count=F("rows"))
        .exists()
    )
    assert not ResourceDownload.objects.filter(
        downloaded_at__lt=now - datetime.timedelta(days=731)
    ).exists()

    # Monitoring has something to count for every activity.
    assert selectors.partners_registered_count() >= 50
    assert (
        0
        < selectors.resource_downloads_count(parties_only=True)
        < (selectors.resource_downloads_count())
    )
    assert selectors.teaching_materials_count() >= 5
    assert selectors.matchmaking_events_count() >= 3
    assert selectors.matchmaking_participants_count() > 0
    assert selectors.support_network_agreements_count(in_force=True) > 0
    assert selectors.education_partnerships_count(in_force=True) > 0
    assert selectors.programme_participants_count() == 3
    programme = Opportunity.objects.get(
        is_portal_programme=True, applications_on_portal=True, status=RecordStatus.CLOSED
    )
    assert (
        programme.applications.filter(
            status=OpportunityApplication.Status.ACCEPTED, reviewed_by__isnull=False
        ).count()
        == 3
    )
