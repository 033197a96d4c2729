"""Every main page passes axe-core's checks without serious or critical violations."""

import re

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_partner_journeys import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/en/",
    "/fr/needs/",
    "/es/needs/registry/",
    "/en/needs/capacity/",
    "/en/reference/",
    "/fr/reference/countries/",
    "/en/reference/targets/",
    "/en/accounts/login/",
    "/es/accounts/signup/",
    "/en/partners/",
    "/fr/partners/organisations/",
    "/es/partners/offers/",
    "/en/partners/resources/",
    "/fr/partners/opportunities/",
    "/en/partners/events/",
    "/en/partners/events/calendar/",
    "/es/partners/initiatives/",
    "/en/partners/agreements/",
    "/en/search/?q=biodiversity",
    "/en/matchmaking/",
    "/fr/matchmaking/projects/",
    "/es/matchmaking/statistics/",
    "/en/matchmaking/stories/",
    "/en/learning/",
    "/fr/learning/courses/",
    "/es/learning/communities/",
    "/en/certificates/",
    "/en/dashboards/",
    "/fr/dashboards/countries/",
    "/es/dashboards/evaluations/",
    "/en/dashboards/report/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violations(live_server, page, path):
    page.goto(f"{live_server.url}{path}")
    assert run_axe(page) == []


def test_requester_pages_have_no_serious_accessibility_violations(live_server, page, focal_point_a):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", focal_point_a.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/en/me/$"))
    for path in [
        "/en/me/",
        "/en/me/roles/request/",
        "/en/needs/new/",
        "/en/needs/mine/",
        "/en/needs/assessments/",
        "/en/matchmaking/matches/",
        "/en/matchmaking/my-projects/",
        "/en/alerts/inbox/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert run_axe(page) == [], path


def test_elearning_pages_have_no_serious_accessibility_violations(
    live_server, page, member_x, organisation_x, reviewer_user
):
    from elearning.services.communities import join, start_thread
    from elearning.services.learning import enrol
    from tests.factories import CommunityFactory, build_course

    course = build_course(organisation_x, status="draft", title="Seagrass monitoring")
    lesson = course.lessons.filter(kind="content").first()
    quiz_lesson = course.lessons.get(kind="quiz")
    published = build_course(organisation_x, title="Wetland inventories")
    community = CommunityFactory(name="Marine protected areas")
    join(community=community, user=member_x)
    thread = start_thread(
        community=community, user=member_x, title="Patrol boats", body="Which ones do you use?"
    )
    enrol(course=published, user=member_x)

    sign_in(page, live_server.url, member_x.email)
    for path in [
        f"/en/learning/courses/{published.pk}/",
        "/en/learning/my/",
        f"/fr/learning/courses/{published.pk}/lessons/{published.lessons.first().pk}/",
        "/en/learning/teach/",
        f"/en/learning/teach/courses/{course.pk}/",
        f"/es/learning/teach/courses/{course.pk}/preview/",
        f"/en/learning/teach/lessons/{lesson.pk}/edit/",
        f"/en/learning/teach/lessons/{quiz_lesson.pk}/quiz/",
        f"/fr/learning/teach/lessons/{lesson.pk}/preview/",
        f"/en/learning/communities/{community.slug}/",
        f"/fr/learning/communities/{community.slug}/threads/{thread.pk}/",
        "/en/learning/alumni/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert run_axe(page) == [], path

    page.context.clear_cookies()
    sign_in(page, live_server.url, reviewer_user.email)
    for path in ["/en/quality/", f"/fr/learning/courses/{course.pk}/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert run_axe(page) == [], path


def test_the_check_catches_a_serious_violation(page):
    # The harness itself: an unlabelled input and an image without text are reported.
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text"><img src="x.png"></main></body></html>'
    )
    violations = run_axe(page)
    assert any(line.startswith("label ") for line in violations)
    assert any(line.startswith("image-alt ") for line in violations)
