"""A focal point assesses capacity and submits a request for assistance, in a real browser."""

import re

import pytest

from needs.models import AssessmentEntry, Need
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/en/me/$"))


def test_focal_point_submits_a_request_through_the_four_steps(live_server, page, focal_point_a):
    sign_in(page, live_server.url, focal_point_a.email)
    page.goto(f"{live_server.url}/en/needs/new/")

    # Step 1: about the request.
    page.get_by_label("Title").fill("Monitoring waterbirds at the Rift Valley lakes")
    page.get_by_label("Requesting organisation").fill("Kenya Wildlife Service")
    page.get_by_label("Problem statement").fill("Census counts have gaps since 2022.")
    page.get_by_label("Objectives", exact=False).first.fill("Train 40 county officers.")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: what is needed.
    page.wait_for_url(re.compile(r".*/edit/needed/$"))
    page.get_by_label(re.compile(r"\bGBF-T4 ")).check()
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: practicalities.
    page.wait_for_url(re.compile(r".*/edit/practicalities/$"))
    page.get_by_role("button", name="Save and continue").click()

    # Step 4: review, then submit.
    page.wait_for_url(re.compile(r".*/edit/review/$"))
    assert page.get_by_text("Monitoring waterbirds at the Rift Valley lakes").first.is_visible()
    page.get_by_role("button", name="Submit to the help desk").click()

    page.wait_for_url(re.compile(r".*/submitted/$"))
    need = Need.objects.get()
    assert need.status == Need.Status.SUBMITTED
    assert need.targets.filter(code="GBF-T4").exists()
    assert page.get_by_text(need.reference).first.is_visible()


def test_assessment_rows_save_as_the_focal_point_goes(live_server, page, focal_point_a):
    sign_in(page, live_server.url, focal_point_a.email)
    page.goto(f"{live_server.url}/en/needs/assessments/")
    page.get_by_role("button", name=re.compile("assessment", re.I)).first.click()
    page.wait_for_url(re.compile(r".*/needs/assessments/\d+/$"))

    row = page.locator("tr#target-6")
    row.get_by_label(re.compile("individual", re.I)).select_option("1")
    # The row is saved in the background and says so to screen readers and sighted users.
    row.locator("[data-autosave-status]").filter(has_text="Saved").wait_for()

    entry = AssessmentEntry.objects.get(target__number=6)
    assert entry.capacity_individual == 1
    assert "1 of 23" in page.locator("#assessment-progress-text").inner_text()
