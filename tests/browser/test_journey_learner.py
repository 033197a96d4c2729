"""Journey of a learner: she finds a course in the catalogue, signs in from its page, enrols,
follows its lessons, passes the quiz and downloads her certificate; anyone then checks it by
typing its code on the public verification page. Each main page passes axe-core's checks."""

import re

import pytest

from elearning.models import Certificate, Enrolment, EnrolmentStatus, LessonProgress
from tests.browser.conftest import run_axe, snap
from tests.factories import PASSWORD, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_completes_a_course_and_anyone_verifies_her_certificate(
    live_server, page, request, learner, organisation_x
):
    base = live_server.url
    course = build_course(
        organisation_x,
        title="Restoring seagrass meadows",
        summary="Map, protect and replant seagrass meadows with fishing communities.",
        modules=1,
        lessons_per_module=2,
    )

    # --- She finds the course and signs in from its page.
    page.goto(f"{base}/en/learning/courses/?q=seagrass")
    assert run_axe(page) == []
    page.get_by_role("link", name="Restoring seagrass meadows").click()
    page.wait_for_url(re.compile(rf".*/en/learning/courses/{course.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Restoring seagrass meadows"
    page.get_by_role("link", name="Sign in to enrol").click()
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/en/learning/courses/{course.pk}/$"))
    assert run_axe(page) == []
    snap(page, request, "1-course")

    # --- She enrols and follows the two lessons to the quiz.
    page.get_by_role("button", name="Enrol in this course").click()
    page.wait_for_url(re.compile(r".*/lessons/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lesson 1.1"
    assert page.get_by_text("Text of the lesson.").is_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(r".*/lessons/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lesson 1.2"
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(r".*/quiz/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your knowledge"
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).count() == 2
    )
    assert run_axe(page) == []

    # --- She passes the quiz at the first attempt.
    page.get_by_label("GBF-T3").check()
    page.get_by_label("Mangroves").check()
    page.get_by_label("Coral reefs").check()
    snap(page, request, "2-quiz")
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("you passed").first.wait_for()
    assert page.get_by_text("Yes: protected areas.").is_visible()
    assert run_axe(page) == []
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment)

    # --- Her dashboard lists the course as completed; she downloads the certificate.
    page.goto(f"{base}/en/learning/my/")
    page.get_by_role("link", name=re.compile("Completed")).click()
    assert page.get_by_role("cell", name=course.title).is_visible()
    assert run_axe(page) == []
    snap(page, request, "3-dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    code = page.get_by_role("link", name=re.compile(r"^Check ")).inner_text().removeprefix("Check ")
    assert code == certificate.code

    # --- Signed out, anyone types the code, in lower case, to check it.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/en/certificates/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check a certificate"
    assert run_axe(page) == []
    page.get_by_label(re.compile("^Certificate code")).fill(code.lower())
    page.get_by_role("button", name="Check").click()
    page.wait_for_url(re.compile(rf".*/en/certificates/verify/{code}/$"))
    assert page.get_by_text("This is a valid certificate of completion").is_visible()
    assert page.get_by_text("Lea Martin").is_visible()
    assert page.get_by_role("link", name=course.title).is_visible()
    assert "Mangrove Alliance" in page.inner_text("main")
    assert run_axe(page) == []
    snap(page, request, "4-verified")
