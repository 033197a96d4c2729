"""The Bio-Bridge workflow in a browser: the help desk proposes a suggested offer from the
request's admin page, the provider accepts, the requester confirms and launches a pilot project."""

import re

import pytest

from matchmaking.models import Match, Project
from matchmaking.services.suggestions import suggestions_refresh_needs
from needs.services import need_import
from tests.browser.conftest import run_axe
from tests.browser.test_partner_journeys import sign_in
from tests.factories import OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_helpdesk_proposes_provider_accepts_requester_confirms_and_launches_a_project(
    live_server, page, helpdesk_user, focal_point_a, member_x, organisation_x
):
    need, _created = need_import(
        source="journey",
        external_id="N-1",
        country_code=focal_point_a.focal_points.get().country.code,
        language="fr",
        title="Lutte contre les plantes aquatiques envahissantes",
        description="Le typha et la salvinia envahissent nos zones humides : nous voulons former "
        "nos agents à la détection précoce et à la lutte contre ces espèces envahissantes.",
        related={"working_languages": ["fr", "en"]},
    )
    offer = OfferFactory(
        provider=organisation_x,
        title="Early detection of invasive aquatic plants",
        description="Training for wetland managers on surveillance and control of invasive "
        "aquatic weeds such as salvinia and water hyacinth.",
    )
    suggestions_refresh_needs(need_ids=[need.pk])
    assert need.suggestions.get().offer == offer

    # The help desk sees the ranked suggestion on the request's admin page and proposes it.
    sign_in(page, live_server.url, helpdesk_user.email)
    page.goto(f"{live_server.url}/en/admin/needs/need/{need.pk}/change/")
    assert page.get_by_text("Early detection of invasive aquatic plants").first.is_visible()
    page.get_by_role("link", name="Propose").first.click()
    page.get_by_label("Message to the provider").fill("Could you train twelve park agents?")
    page.get_by_role("button", name="Propose to the provider").click()
    page.wait_for_load_state()
    match = Match.objects.get()
    assert match.status == Match.Status.PROPOSED

    # The provider finds the proposal in its list and accepts it with a contact person.
    page.context.clear_cookies()
    sign_in(page, live_server.url, member_x.email)
    page.goto(f"{live_server.url}/en/matchmaking/proposals/")
    assert run_axe(page) == []
    page.get_by_role("link", name=re.compile("Lutte contre les plantes")).first.click()
    page.wait_for_url(re.compile(rf".*/matchmaking/matches/{match.pk}/$"))
    assert run_axe(page) == []
    page.get_by_label("Contact person").fill("Grace Mwangi")
    page.get_by_label("Contact email").fill("grace@invasions.example")
    page.get_by_role("button", name="Accept the match").click()
    page.wait_for_load_state()
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED

    # The requester, in French, confirms the match and launches the pilot project.
    page.context.clear_cookies()
    sign_in(page, live_server.url, focal_point_a.email)
    page.goto(f"{live_server.url}/fr/matchmaking/requests/{need.pk}/")
    assert run_axe(page) == []
    assert page.get_by_text("Early detection of invasive aquatic plants").first.is_visible()
    page.goto(f"{live_server.url}/en/matchmaking/matches/{match.pk}/")
    page.get_by_role("button", name="Confirm the match").click()
    page.wait_for_load_state()
    match.refresh_from_db()
    assert match.status == Match.Status.AGREED
    page.get_by_role("link", name="Launch a pilot project").click()
    page.get_by_label("Title").fill("Wetland agents trained against invasive plants")
    page.get_by_label("Objectives").fill("Twelve agents able to detect and control new outbreaks.")
    assert run_axe(page) == []
    page.get_by_role("button", name="Launch the project").click()
    page.wait_for_url(re.compile(r".*/matchmaking/projects/\d+/$"))
    project = Project.objects.get()
    assert project.status == Project.Status.PLANNING and project.match == match
    assert page.locator("h1").inner_text() == "Wetland agents trained against invasive plants"
