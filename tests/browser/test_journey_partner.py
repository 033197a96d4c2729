"""Journey of a partner: she registers her organisation, publishes an offer and a resource,
accepts the match the help desk proposes, launches the pilot project, reports its progress,
completes it and evaluates it. Each main page passes axe-core's checks."""

import datetime
import re

import pytest
from django.utils import timezone

from matchmaking.models import Match, Project, ProjectEvaluation
from matchmaking.services.matches import match_confirm, match_propose
from partners import services as partner_services
from partners.models import Offer, Organisation, RecordStatus, Resource
from tests.browser.conftest import run_axe, snap
from tests.browser.test_partner_journeys import sign_in
from tests.factories import MatchNeedFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_publishes_accepts_a_match_and_runs_the_pilot_project_to_its_evaluation(
    live_server, page, request, helpdesk_user, focal_point_a
):
    base = live_server.url
    started = timezone.localdate() - datetime.timedelta(days=60)
    partner = UserFactory(email="ana@wetland-trainers.example", full_name="Ana Reyes")
    need = MatchNeedFactory(
        country=focal_point_a.focal_points.get().country,
        created_by=focal_point_a,
        title="Training wetland officers against invasive plants",
        objectives="Twelve officers able to detect and control new outbreaks.",
    )
    sign_in(page, base, partner.email)

    # --- She registers the organisation; the help desk approves it.
    page.goto(f"{base}/en/partners/organisations/register/")
    assert page.get_by_role("heading", level=1).inner_text() == "Register an organisation"
    page.locator("#id_name").fill("Wetland Trainers Network")
    page.locator("#id_organisation_type").select_option(label="Network or partnership")
    page.locator("#id_description").fill("Trainers of wetland managers in East Africa.")
    snap(page, request, "1-register")
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_url(re.compile(r".*/en/partners/mine/$"))
    organisation = Organisation.objects.get(name="Wetland Trainers Network")
    assert organisation.status == Organisation.Status.PENDING
    assert page.get_by_text("Wetland Trainers Network").first.is_visible()
    assert run_axe(page) == []
    partner_services.organisation_approve(organisation=organisation, by=helpdesk_user)

    # --- She publishes an offer of support, then a resource.
    records_url = f"{base}/en/partners/organisations/{organisation.pk}/records/"
    page.goto(records_url)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Records of Wetland Trainers Network"
    )
    page.get_by_role("link", name="Add an offer").click()
    page.locator("#id_title_en").fill("Early detection of invasive aquatic plants")
    page.locator("#id_description_en").fill(
        "Field training for wetland officers on detecting and controlling invasive plants."
    )
    page.get_by_label("Training and education").first.check()
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(re.compile(r".*/partners/offers/\d+/$"))
    offer = Offer.objects.get()
    assert offer.status == RecordStatus.PUBLISHED
    assert page.get_by_text(f"“{offer.title}” is saved and published.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == offer.title
    assert run_axe(page) == []

    page.goto(records_url)
    page.get_by_role("link", name="Add a resource").click()
    page.locator("#id_title_en").fill("Field guide to invasive aquatic plants")
    page.locator("#id_description_en").fill("Identification sheets for 20 invasive species.")
    page.locator("#id_resource_type").select_option(label="Toolkit")
    page.locator("#id_url").fill("https://wetland-trainers.example/field-guide.pdf")
    assert run_axe(page) == []
    snap(page, request, "2-resource")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(re.compile(r".*/partners/resources/\d+/$"))
    resource = Resource.objects.get()
    assert resource.status == RecordStatus.PUBLISHED
    assert page.get_by_text(f"“{resource.title}” is saved and published.").is_visible()
    page.goto(records_url)
    assert "Early detection of invasive aquatic plants" in page.inner_text("#records-offers")
    assert "Field guide to invasive aquatic plants" in page.inner_text("#records-resources")

    # --- The help desk proposes Kenya's request to her offer; she accepts.
    match = match_propose(
        need=need, offer=offer, by=helpdesk_user, message="Could you train twelve officers?"
    )
    page.goto(f"{base}/en/matchmaking/proposals/")
    assert page.get_by_role("heading", level=1).inner_text() == "Proposals to my organisations"
    assert run_axe(page) == []
    page.get_by_role("link", name=re.compile("Training wetland officers")).first.click()
    page.wait_for_url(re.compile(rf".*/matchmaking/matches/{match.pk}/$"))
    assert "Could you train twelve officers?" in page.inner_text("main")
    page.get_by_label("Contact person").fill("Ana Reyes")
    page.get_by_label("Contact email").fill("ana@wetland-trainers.example")
    snap(page, request, "3-accept")
    page.get_by_role("button", name="Accept the match").click()
    page.get_by_text("You accepted the match: the requester is asked to confirm it.").wait_for()
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED

    # --- Kenya's focal point confirms; she launches the pilot project.
    match_confirm(match=match, by=focal_point_a)
    page.reload()
    page.get_by_role("link", name="Launch a pilot project").click()
    page.wait_for_url(re.compile(rf".*/matchmaking/matches/{match.pk}/launch/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Launch the pilot project"
    page.get_by_label("Title").fill("Wetland officers trained against invasive plants")
    page.get_by_label(re.compile("^Start date")).fill(started.isoformat())
    assert run_axe(page) == []
    page.get_by_role("button", name="Launch the project").click()
    page.wait_for_url(re.compile(r".*/matchmaking/projects/\d+/$"))
    project = Project.objects.get()
    assert page.get_by_text(f"The pilot project {project.reference} is launched.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Wetland officers trained against invasive plants"
    )
    assert project.status == Project.Status.PLANNING and project.start_date == started
    assert run_axe(page) == []

    # --- She starts it and reports its progress.
    status = page.locator("section", has=page.get_by_role("heading", name="Move the project along"))
    status.get_by_label("New status").select_option("implementation")
    status.get_by_role("button", name="Change the status").click()
    page.get_by_text(f"{project.reference} is now “Implementation”.").wait_for()
    page.get_by_role("link", name="Report progress").click()
    page.wait_for_url(re.compile(rf".*/matchmaking/projects/{project.pk}/report/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Report progress"
    page.get_by_label(re.compile("^Progress")).fill("60")
    page.get_by_label(re.compile("^Achievements")).fill(
        "Two field courses held; 8 officers trained."
    )
    assert run_axe(page) == []
    snap(page, request, "4-report")
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("Thank you: the progress report is recorded.").wait_for()
    reports = page.locator("section", has=page.get_by_role("heading", name="Progress reports"))
    assert "60% done" in reports.inner_text()
    assert "Two field courses held; 8 officers trained." in reports.inner_text()

    # --- She completes it and evaluates it for the provider's side.
    status.get_by_label("New status").select_option("completed")
    status.get_by_label(re.compile("^Note")).fill("All twelve officers trained.")
    status.get_by_role("button", name="Change the status").click()
    page.get_by_text(f"{project.reference} is now “Completed”.").wait_for()
    page.get_by_role("link", name="Evaluate the project").click()
    page.wait_for_url(re.compile(rf".*/matchmaking/projects/{project.pk}/evaluate/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Evaluate the pilot project"
    page.get_by_role("group", name=re.compile("^Effectiveness")).get_by_label("4").check()
    page.get_by_role("group", name=re.compile("^Quality")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("^Objectives")).get_by_label(
        "Objectives mostly achieved"
    ).check()
    page.get_by_label(re.compile("^Lessons learned")).fill(
        "Start the field courses before the rainy season."
    )
    assert run_axe(page) == []
    snap(page, request, "5-evaluate")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_text("Thank you: the evaluation is recorded.").wait_for()
    evaluation = ProjectEvaluation.objects.get(project=project)
    assert (evaluation.side, evaluation.effectiveness, evaluation.quality) == ("provider", 4, 5)
    evaluations = page.locator("section", has=page.get_by_role("heading", name="Final evaluation"))
    assert "Start the field courses before the rainy season." in evaluations.inner_text()
    assert "4 / 5" in evaluations.inner_text()
    assert run_axe(page) == []
