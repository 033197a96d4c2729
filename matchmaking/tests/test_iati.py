"""Pilot projects as IATI activity XML: the public part of public projects only, valid against
the IATI 2.03 schema, with the IATI codes of their statuses and countries."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from chm_portal.core import iati
from chm_portal.vocabularies.models import GBFTarget
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(country_a, organisation_x):
    """A public pilot project in Kenya, carried out by Mangrove Alliance."""
    project = ProjectFactory(
        match__need__country=country_a,
        match__offer__provider=organisation_x,
        title="Census <b>of</b> waterbirds & wetlands",
        objectives="Train forty officers.",
        budget=45000,
        cofinancing=5000,
        cofinancing_sources="Ministry of Finance (confidential)",
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2026, 1, 31),
        status="implementation",
    )
    project.match.need.targets.set([GBFTarget.objects.get(number=3)])
    return project


def fetch(client, url, **params):
    response = client.get(url, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def activities(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("iati-activity")


def test_a_public_project_is_a_valid_iati_activity(client, project, settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "XM-TEST-2"
    response, body = fetch(client, reverse("matchmaking:project_iati", args=[project.pk]))

    assert response.status_code == 200
    assert iati.validate_iati(body) == []
    (activity,) = activities(body)
    assert activity.findtext("iati-identifier") == f"XM-TEST-2-{project.reference}"
    assert activity.findtext("title/narrative") == "Census <b>of</b> waterbirds & wetlands"
    assert b"&lt;b&gt;of&lt;/b&gt;" in body
    assert activity.find("description").get("type") == "2"
    assert activity.find("recipient-country").get("code") == "KE"
    assert activity.find("activity-status").get("code") == "2"
    (provider,) = activity.findall("participating-org")
    assert provider.get("role") == "4" and provider.findtext("narrative") == "Mangrove Alliance"
    assert activity.find("sector[@vocabulary='99']").get("code") == "GBF-T3"
    assert (
        activity.find("document-link")
        .get("url")
        .endswith(reverse("matchmaking:project_detail", args=[project.pk]))
    )


def test_the_private_part_of_a_project_is_not_published(client, project):
    _response, body = fetch(client, reverse("matchmaking:project_iati", args=[project.pk]))

    (activity,) = activities(body)
    assert activity.find("budget") is None
    assert b"45000" not in body and b"Ministry of Finance" not in body


@pytest.mark.parametrize(
    ("status", "code"),
    [("planning", "1"), ("implementation", "2"), ("completed", "3"), ("evaluated", "4")],
)
def test_the_project_status_becomes_the_iati_activity_status(client, project, status, code):
    project.status = status
    project.save()

    _response, body = fetch(client, reverse("matchmaking:project_iati", args=[project.pk]))

    (activity,) = activities(body)
    assert activity.find("activity-status").get("code") == code
    assert iati.validate_iati(body) == []


def test_a_completed_project_without_an_end_date_ends_when_it_was_completed(client, project):
    project.status = "completed"
    project.end_date = None
    project.completed_at = datetime.datetime(2025, 12, 15, 10, 0, tzinfo=datetime.UTC)
    project.save()

    _response, body = fetch(client, reverse("matchmaking:project_iati", args=[project.pk]))

    (activity,) = activities(body)
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"2": "2025-02-01", "4": "2025-12-15"}


@pytest.mark.parametrize(
    "hide",
    [
        lambda project: setattr(project.match.need, "visibility", "restricted"),
        lambda project: setattr(project.match.need, "status", "draft"),
        lambda project: setattr(project, "status", "cancelled"),
    ],
    ids=["restricted request", "unpublished request", "cancelled"],
)
def test_projects_that_are_not_public_are_absent(client, project, helpdesk_user, hide):
    other = ProjectFactory(title="Still public")
    hide(project)
    project.save()
    project.match.need.save()
    client.force_login(helpdesk_user)

    response, _body = fetch(client, reverse("matchmaking:project_iati", args=[project.pk]))
    assert response.status_code == 404
    _response, body = fetch(client, reverse("matchmaking:project_export_iati"))
    assert [a.findtext("iati-identifier") for a in activities(body)] == [
        iati.iati_identifier(other.reference)
    ]
    assert iati.validate_iati(body) == []


def test_the_list_follows_the_filters_of_the_list_page(client, project, country_b):
    elsewhere = ProjectFactory(match__need__country=country_b, title="In Brazil")

    _response, body = fetch(client, reverse("matchmaking:project_export_iati"), country="BR")
    assert [a.findtext("iati-identifier") for a in activities(body)] == [
        iati.iati_identifier(elsewhere.reference)
    ]
    _response, body = fetch(client, reverse("matchmaking:project_export_iati"))
    assert len(activities(body)) == 2
    assert iati.validate_iati(body) == []
    response, _body = fetch(client, reverse("matchmaking:project_export_iati"), status="evaluated")
    assert response.status_code == 404


def test_pages_link_their_iati_xml(client, project):
    detail = client.get(reverse("matchmaking:project_detail", args=[project.pk]))
    listing = client.get(reverse("matchmaking:project_list"), {"country": "KE"})

    assert reverse("matchmaking:project_iati", args=[project.pk]) in detail.content.decode()
    assert reverse("matchmaking:project_export_iati") + "?country=KE" in listing.content.decode()


def test_export_iati_writes_initiatives_and_projects_together(project, tmp_path, capsys):
    output = tmp_path / "all.xml"

    call_command("export_iati", str(output))

    body = output.read_bytes()
    assert iati.validate_iati(body) == []
    assert [a.findtext("iati-identifier") for a in activities(body)] == [
        iati.iati_identifier(project.reference)
    ]
    assert "1 projects" in capsys.readouterr().out
