"""Journey of a business on the Action Agenda: it commits (the business form, a deliverable with
its indicator), submits; the help desk publishes; anyone finds it in the list and the statistics;
the owner reports progress. Each main page passes axe-core's checks."""

import re

import pytest

from commitments import services
from commitments.models import Commitment, ModerationStatus, Phase, ProgressReport
from tests.browser.conftest import run_axe, snap
from tests.browser.test_partner_journeys import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_business_commits_is_published_and_reports_progress(
    live_server, page, request, helpdesk_user, country_a
):
    base = live_server.url
    owner = UserFactory(email="wanjiru@highland-coffee.example", full_name="Wanjiru Kamau")
    sign_in(page, base, owner.email)

    # --- The Action Agenda's home: she chooses the business form.
    page.goto(f"{base}/en/action-agenda/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Action Agenda for Nature and People"
    )
    assert run_axe(page) == []
    page.get_by_role("link", name="Business", exact=True).click()
    page.wait_for_url(re.compile(r".*/action-agenda/new/business/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "New commitment: Business"

    page.get_by_label("Name of the business", exact=True).fill("Highland Coffee Cooperative")
    page.get_by_label("Sector", exact=True).select_option(label="Agriculture and food")
    page.get_by_label("Size", exact=True).select_option(label="250 people or more")
    page.get_by_label("Country", exact=True).select_option(label="Kenya")
    page.locator("#id_title_en").fill("Deforestation-free coffee by 2027")
    page.locator("#id_description_en").fill(
        "Every bag we sell is traced to farms that keep their forest cover."
    )
    page.get_by_label(re.compile(r"\bGBF-T15 ")).check()
    page.get_by_label("Scope", exact=True).select_option(label="National")
    page.get_by_label("Audience", exact=True).fill("Member farms and buyers")
    page.get_by_label("Start date", exact=True).fill("2025-01-01")
    page.get_by_label("End date", exact=True).fill("2027-12-31")
    first = page.get_by_role("group", name="Deliverable 1")
    first.get_by_label("Deliverable", exact=True).fill("Traceable coffee")
    first.get_by_label("Key performance indicator", exact=True).fill("Share of coffee traced")
    first.get_by_label("Unit", exact=True).fill("%")
    first.get_by_label("Baseline", exact=True).fill("35")
    first.get_by_label("Target", exact=True).fill("100")
    assert run_axe(page) == []
    snap(page, request, "1-form")
    page.get_by_role("button", name="Save and submit for publication").click()
    page.wait_for_url(re.compile(r".*/action-agenda/\d+/$"))
    commitment = Commitment.objects.get()
    assert commitment.status == ModerationStatus.SUBMITTED
    assert commitment.sector == "agriculture" and commitment.owner == owner
    assert page.get_by_text("is sent to the moderators").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Deforestation-free coffee by 2027"
    assert run_axe(page) == []

    # --- The help desk publishes it (the admin's action calls the same service).
    services.commitment_publish(commitment=commitment, by=helpdesk_user)

    # --- Anyone finds it among businesses' commitments and in the statistics.
    page.goto(f"{base}/en/action-agenda/commitments/?actor_type=business")
    assert page.get_by_role("link", name="Deforestation-free coffee by 2027").is_visible()
    assert run_axe(page) == []
    page.goto(f"{base}/en/action-agenda/statistics/")
    businesses = page.get_by_role("row", name=re.compile(r"^Business\b"))
    assert businesses.get_by_role("cell").first.inner_text() == "1"
    assert run_axe(page) == []
    snap(page, request, "2-statistics")

    # --- She reports progress: 60 % of the coffee is traced, and the work has begun.
    page.goto(f"{base}/en/action-agenda/{commitment.pk}/")
    page.get_by_role("link", name="Report progress").click()
    page.get_by_label("Reporting date", exact=True).fill("2025-06-30")
    page.get_by_label("Phase reached", exact=True).select_option(label="Implementation")
    page.get_by_label("What was done", exact=True).fill("Half of the member farms are mapped.")
    page.get_by_label(re.compile(r"^Share of coffee traced")).fill("60")
    assert run_axe(page) == []
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r".*/action-agenda/\d+/$"))
    report = ProgressReport.objects.get()
    assert report.status == ModerationStatus.SUBMITTED
    commitment.refresh_from_db()
    assert commitment.phase == Phase.IMPLEMENTATION

    # --- Once the report is published, the page shows how far the indicator has come.
    services.progress_report_publish(report=report, by=helpdesk_user)
    page.goto(f"{base}/en/action-agenda/{commitment.pk}/")
    assert page.locator("progress").get_attribute("value") == "38"  # (60 - 35) / 65
    snap(page, request, "3-progress")
