"""The public pages of initiatives and partnership agreements: every public field, links to the
organisations, and nothing of organisations the help desk has not approved."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chm_portal.vocabularies.models import GBFTarget
from partners.models import Organisation, PartnershipAgreement, RecordStatus
from tests.factories import (
    InitiativeFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def initiative(organisation_x, organisation_y, country_a, country_b):
    initiative = InitiativeFactory(
        organisation=organisation_x,
        title="Blue carbon coalition",
        description="Coastal wetlands for the climate.",
        results="Four national blue carbon inventories.",
        other_partners="University of the Coast",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2027, 2, 28),
        budget=Decimal("1250000"),
        budget_currency="EUR",
        stage="ongoing",
        website="https://blue-carbon.example",
    )
    initiative.partner_organisations.set([organisation_y])
    initiative.countries.set([country_a, country_b])
    initiative.targets.set([GBFTarget.objects.get(number=8)])
    return initiative


def test_initiative_page_shows_every_public_field(client, initiative, organisation_y):
    response = client.get(reverse("partners:initiative_detail", args=[initiative.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Blue carbon coalition" in html
    lead = reverse("partners:organisation_detail", args=[initiative.organisation_id])
    assert f'<a href="{lead}">Mangrove Alliance</a>' in html
    partner = reverse("partners:organisation_detail", args=[organisation_y.pk])
    assert f'<a href="{partner}">Savanna Research Institute</a>' in html
    assert "University of the Coast" in html
    assert "Kenya" in html and "Brazil" in html
    assert '<time datetime="2024-03-01">' in html
    assert '<time datetime="2027-02-28">' in html
    assert "1,250,000 EUR" in html
    assert "Ongoing" in html
    assert 'href="https://blue-carbon.example"' in html
    assert "Four national blue carbon inventories." in html
    assert "GBF-T8" in html


def test_initiative_partners_not_approved_are_not_linked(client, initiative):
    pending = OrganisationFactory(name="Tidal Newcomers", status=Organisation.Status.PENDING)
    initiative.partner_organisations.add(pending)

    html = client.get(reverse("partners:initiative_detail", args=[initiative.pk])).content.decode()

    assert "Tidal Newcomers" in html
    assert f'href="{reverse("partners:organisation_detail", args=[pending.pk])}"' not in html


def test_initiative_list_shows_items_in_constant_queries(client, organisation_x, country_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("partners:initiatives_list"))
        assert response.status_code == 200
        return len(captured)

    first = InitiativeFactory(organisation=organisation_x, title="Seagrass watch")
    first.countries.set([country_a])
    few = queries()
    for initiative in InitiativeFactory.create_batch(15, organisation=organisation_x):
        initiative.countries.set([country_a])

    assert queries() == few
    html = client.get(reverse("partners:initiatives_list")).content.decode()
    assert reverse("partners:initiative_detail", args=[first.pk]) in html


@pytest.fixture
def agreement(organisation_x, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return PartnershipAgreementFactory(
        organisation=organisation_x,
        title="Mangrove schools partnership",
        description="Teaching mangroves in coastal schools.",
        kind=PartnershipAgreement.Kind.EDUCATION_INSTITUTION,
        signed_on=datetime.date(2025, 6, 5),
        ends_on=datetime.date(2028, 6, 4),
        document=SimpleUploadedFile("agreement.pdf", PDF),
    )


def test_agreement_page_shows_every_public_field(client, agreement):
    response = client.get(reverse("partners:agreement_detail", args=[agreement.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mangrove schools partnership" in html
    organisation = reverse("partners:organisation_detail", args=[agreement.organisation_id])
    assert f'<a href="{organisation}">Mangrove Alliance</a>' in html
    assert "Education-institution partnership" in html
    assert '<time datetime="2025-06-05">' in html
    assert '<time datetime="2028-06-04">' in html
    assert f'href="{agreement.document.url}"' in html
    assert "Teaching mangroves in coastal schools." in html


def test_agreement_list_shows_items_in_constant_queries(client, organisation_x):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("partners:agreements_list"))
        assert response.status_code == 200
        return len(captured)

    first = PartnershipAgreementFactory(organisation=organisation_x, title="Reef MoU")
    few = queries()
    PartnershipAgreementFactory.create_batch(15, organisation=organisation_x)

    assert queries() == few
    html = client.get(reverse("partners:agreements_list")).content.decode()
    assert "Reef MoU" in html
    assert reverse("partners:agreement_detail", args=[first.pk]) in html


@pytest.mark.parametrize("status", [RecordStatus.PUBLISHED, RecordStatus.CLOSED])
def test_records_of_a_pending_organisation_are_not_public(client, learner, status):
    pending = OrganisationFactory(name="Wetland Friends", status=Organisation.Status.PENDING)
    initiative = InitiativeFactory(organisation=pending, title="Wetland census", status=status)
    agreement = PartnershipAgreementFactory(
        organisation=pending, title="Wetland schools agreement", status=status
    )

    for person in (None, learner):
        if person is not None:
            client.force_login(person)
        assert (
            client.get(reverse("partners:initiative_detail", args=[initiative.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("partners:agreement_detail", args=[agreement.pk])).status_code == 404
        )
        assert b"Wetland census" not in client.get(reverse("partners:initiatives_list")).content
        assert (
            b"Wetland schools agreement"
            not in client.get(reverse("partners:agreements_list")).content
        )


def test_drafts_are_not_public(client, organisation_x):
    initiative = InitiativeFactory(
        organisation=organisation_x, title="Draft census", status=RecordStatus.DRAFT
    )

    assert (
        client.get(reverse("partners:initiative_detail", args=[initiative.pk])).status_code == 404
    )
    assert b"Draft census" not in client.get(reverse("partners:initiatives_list")).content
