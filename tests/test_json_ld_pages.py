"""Every public detail page carries schema.org JSON-LD that parses, has the right type and
holds no private field (contacts, budgets kept for the sides, notes, people's names).

Each record is given private values that would show up in the JSON-LD if a builder read them.
"""

import datetime
import json
import re

import pytest
from django.urls import reverse

from chm_portal.vocabularies.models import GBFTarget
from matchmaking.models import MatchingWorkshop
from monitoring.tests.factories import CountryProfileFactory, EvaluationFactory
from tests.factories import (
    CommunityFactory,
    CourseFactory,
    EventFactory,
    InitiativeFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    PartnershipAgreementFactory,
    ProjectFactory,
    ResourceFactory,
    SuccessStoryFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
SECRET = "secret-7f3a"


def json_ld(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    scripts = SCRIPT.findall(html)
    assert len(scripts) == 1, "one JSON-LD block per page"
    assert SECRET not in scripts[0]
    data = json.loads(scripts[0])
    assert data["@context"] == "https://schema.org"
    return data


def types(data: dict) -> list[str]:
    return data["@type"] if isinstance(data["@type"], list) else [data["@type"]]


def test_organisation_page(client, organisation_x):
    organisation_x.contact_email = f"{SECRET}@example.org"
    organisation_x.contact_phone = SECRET
    organisation_x.save()

    data = json_ld(client, reverse("partners:organisation_detail", args=[organisation_x.pk]))

    assert types(data) == ["Organization"] and data["name"] == "Mangrove Alliance"


@pytest.mark.parametrize(
    ("factory", "url_name", "schema_type"),
    [
        (OfferFactory, "partners:offer_detail", "Offer"),
        (InitiativeFactory, "partners:initiative_detail", "Project"),
        (ResourceFactory, "partners:resource_detail", "LearningResource"),
        (OpportunityFactory, "partners:opportunity_detail", "Grant"),
        (EventFactory, "partners:event_detail", "Event"),
        (PartnershipAgreementFactory, "partners:agreement_detail", "DigitalDocument"),
    ],
)
def test_partner_record_pages(client, factory, url_name, schema_type):
    record = factory(external_id=SECRET)

    data = json_ld(client, reverse(url_name, args=[record.pk]))

    assert types(data) == [schema_type] and data["name"] == record.title


def test_request_page(client):
    need = MatchNeedFactory(contact_email=f"{SECRET}@example.org", contact_name=SECRET)

    data = json_ld(client, reverse("needs:detail", args=[need.reference]))

    assert "Demand" in types(data) and data["identifier"] == need.reference


def test_course_page(client):
    course = CourseFactory()

    data = json_ld(client, reverse("elearning:course_detail", args=[course.pk]))

    assert types(data) == ["Course"] and data["name"] == course.title


def test_pilot_project_page_has_only_the_public_part(client, country_a):
    project = ProjectFactory(
        match__need__country=country_a,
        budget=987654,
        cofinancing_sources=SECRET,
        end_date=datetime.date(2030, 1, 1),
    )
    project.match.need.targets.set([GBFTarget.objects.get(number=2)])

    data = json_ld(client, reverse("matchmaking:project_detail", args=[project.pk]))

    assert types(data) == ["Project"] and data["identifier"] == project.reference
    assert data["areaServed"]["identifier"] == "KE"
    assert data["about"][0]["termCode"] == "GBF-T2"
    assert "987654" not in json.dumps(data)


def test_a_side_sees_no_private_field_in_the_json_ld_either(client, country_a, focal_point_a):
    project = ProjectFactory(match__need__country=country_a, budget=987654)
    client.force_login(focal_point_a)

    data = json_ld(client, reverse("matchmaking:project_detail", args=[project.pk]))

    assert "987654" not in json.dumps(data)


def test_a_project_that_is_not_public_has_no_json_ld(client, helpdesk_user):
    project = ProjectFactory(match__need__visibility="restricted")
    client.force_login(helpdesk_user)

    response = client.get(reverse("matchmaking:project_detail", args=[project.pk]))

    assert response.status_code == 200 and not SCRIPT.findall(response.content.decode())


def test_success_story_page(client):
    story = SuccessStoryFactory(
        status="published", published_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    )
    story.project.budget = 987654
    story.project.save()

    data = json_ld(client, reverse("matchmaking:story_detail", args=[story.pk]))

    assert types(data) == ["Article"] and data["headline"] == story.title
    assert data["about"]["@type"] == "Project"
    assert "987654" not in json.dumps(data) and "author" not in data


def test_matchmaking_workshop_page(client):
    workshop = MatchingWorkshop.objects.create(
        event=EventFactory(title="Roundtable on wetlands"), summary="Six requests discussed."
    )

    data = json_ld(client, reverse("matchmaking:workshop_detail", args=[workshop.pk]))

    assert types(data) == ["Event"] and data["name"] == "Roundtable on wetlands"
    assert data["description"] == "Six requests discussed."
    assert data["url"].endswith(reverse("matchmaking:workshop_detail", args=[workshop.pk]))


def test_community_page(client, learner):
    community = CommunityFactory(created_by=learner)

    data = json_ld(client, reverse("elearning:community_detail", args=[community.slug]))

    assert types(data) == ["Organization"] and data["name"] == community.name
    assert learner.email not in json.dumps(data)


def test_country_profile_page(client, country_a):
    CountryProfileFactory(country=country_a, maturity_level=3, notes=SECRET)

    data = json_ld(client, reverse("monitoring:country", args=["KE"]))

    assert types(data) == ["Country"] and data["identifier"] == "KE"
    assert data["additionalProperty"]["value"] == 3


def test_evaluation_page(client):
    evaluation = EvaluationFactory(
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )

    data = json_ld(client, reverse("monitoring:evaluation", args=[evaluation.pk]))

    assert types(data) == ["Report"] and data["name"] == evaluation.title
    assert data["temporalCoverage"] == "2025-01-01/2025-12-31"
