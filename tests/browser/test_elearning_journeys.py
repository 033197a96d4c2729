"""A learner finds a course in the catalogue, enrols, follows its lessons, passes the quiz,
downloads the certificate and anyone verifies it, in a browser."""

import re

import pytest

from elearning.models import Certificate, Enrolment, EnrolmentStatus
from tests.browser.conftest import run_axe
from tests.browser.test_partner_journeys import sign_in
from tests.factories import UserFactory, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_enrols_completes_a_course_and_the_public_verifies_the_certificate(
    live_server, page, organisation_x
):
    course = build_course(
        organisation_x,
        title="Mangrove restoration for coastal communities",
        summary="Plan and monitor the restoration of mangrove forests with local communities.",
        modules=1,
        lessons_per_module=2,
    )
    learner = UserFactory(email="amina@learners.example", full_name="Amina Diallo")

    # The catalogue finds the course by a word of its summary; its page invites to sign in.
    page.goto(f"{live_server.url}/en/learning/courses/?q=mangrove")
    assert run_axe(page) == []
    page.get_by_role("link", name="Mangrove restoration for coastal communities").click()
    page.wait_for_url(re.compile(rf".*/learning/courses/{course.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == course.title
    assert page.get_by_role("link", name="Sign in to enrol").is_visible()
    assert run_axe(page) == []

    # Signed in, the learner enrols and lands on the first lesson.
    sign_in(page, live_server.url, learner.email)
    page.goto(f"{live_server.url}/en/learning/courses/{course.pk}/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.wait_for_url(re.compile(r".*/lessons/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lesson 1.1"
    assert run_axe(page) == []

    # Two lessons, each marked as done, lead to the quiz.
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(r".*/lessons/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lesson 1.2"
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(r".*/quiz/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your knowledge"
    assert run_axe(page) == []

    # A first attempt with a wrong answer fails and explains why; the second passes.
    page.get_by_label("GBF-T99").check()
    page.get_by_label("Mangroves").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()
    assert page.get_by_text("you need 50 % to pass").is_visible()
    assert page.get_by_text("There is no such target.").is_visible()
    page.get_by_label("GBF-T3").check()
    page.get_by_label("Mangroves").check()
    page.get_by_label("Coral reefs").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_load_state()
    assert page.get_by_text("you passed").first.is_visible()

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment)

    # The dashboard lists the completed course with its certificate, as a PDF.
    page.goto(f"{live_server.url}/en/learning/my/")
    assert page.get_by_role("heading", name="Tell us what you thought").is_visible()
    page.get_by_role("link", name=re.compile("Completed")).click()
    assert page.get_by_role("cell", name=course.title).is_visible()
    assert run_axe(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (PDF)").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # Anyone, signed out, checks the code on the public verification page.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/certificates/verify/{certificate.code}/")
    assert page.get_by_text("This is a valid certificate of completion").is_visible()
    assert page.get_by_text("Amina Diallo").is_visible()
    assert page.get_by_role("link", name=course.title).is_visible()
    assert run_axe(page) == []

    # A tampered code is refused, clearly.
    tampered = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    response = page.goto(f"{live_server.url}/en/certificates/verify/{tampered}/")
    assert response.status == 404
    assert page.get_by_text("The code is unknown or was mistyped or altered.").is_visible()
