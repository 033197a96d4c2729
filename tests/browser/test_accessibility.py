"""Every main page passes axe-core's checks without serious or critical violations."""

import re

import pytest

from tests.browser.conftest import run_axe
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


def test_the_check_catches_a_serious_violation(page):
    # The harness itself: an unlabelled input and an image without text are reported.
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text"><img src="x.png"></main></body></html>'
    )
    violations = run_axe(page)
    assert any(line.startswith("label ") for line in violations)
    assert any(line.startswith("image-alt ") for line in violations)
