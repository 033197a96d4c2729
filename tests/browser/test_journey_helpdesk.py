"""Journey of the help desk in the Django admin: it filters the queue of requests down to Kenya's
new ones, assigns one to itself, publishes it from the request's page and proposes the best
suggested offer to its provider. Each main page passes axe-core's checks."""

import re

import pytest

from chm_portal.vocabularies.models import GBFTarget
from matchmaking.models import Match
from matchmaking.services.suggestions import suggestions_refresh_needs
from needs.models import Need
from needs.services import need_create, need_submit
from tests.browser.conftest import run_axe, snap
from tests.browser.test_partner_journeys import sign_in
from tests.factories import OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted_request(*, by, title: str, problem: str, target: int) -> Need:
    """A request its focal point wrote and submitted on the portal."""
    need = need_create(
        by=by,
        country=by.focal_points.get().country,
        title=title,
        fields={
            "problem_statement": problem,
            "objectives": "Train the officers who run the surveys.",
            "requesting_organisation": "Ministry of Environment",
            "contact_name": by.full_name,
            "contact_email": by.email,
        },
        related={"targets": [GBFTarget.objects.get(number=target)]},
    )
    return need_submit(need=need, by=by)


def test_the_helpdesk_filters_the_queue_assigns_publishes_and_proposes_a_match(
    live_server, page, request, helpdesk_user, focal_point_a, focal_point_b, organisation_x
):
    base = live_server.url
    wetlands = submitted_request(
        by=focal_point_a,
        title="Control of invasive aquatic plants in Kenya's wetlands",
        problem="Water hyacinth and salvinia choke our lakes; officers cannot detect new "
        "outbreaks of these invasive aquatic weeds early.",
        target=6,
    )
    grasslands = submitted_request(
        by=focal_point_a,
        title="Grassland bird census in the Mara",
        problem="Census counts of grassland birds have gaps since 2022.",
        target=4,
    )
    cerrado = submitted_request(
        by=focal_point_b,
        title="Fire management in the Cerrado",
        problem="Wildfires in the Cerrado savanna destroy habitats every dry season.",
        target=2,
    )
    offer = OfferFactory(
        provider=organisation_x,
        title="Early detection of invasive aquatic plants",
        description="Training for wetland managers on surveillance and control of invasive "
        "aquatic weeds such as salvinia and water hyacinth.",
    )
    offer.targets.add(GBFTarget.objects.get(number=6))
    # The background sweep computes the suggestions of submitted requests.
    suggestions_refresh_needs(need_ids=[wetlands.pk, grasslands.pk, cerrado.pk])

    # --- The queue, filtered to Kenya's submitted requests.
    sign_in(page, base, helpdesk_user.email)
    page.goto(f"{base}/en/admin/needs/need/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Select request for assistance to change"
    )
    results = page.locator("#result_list tbody")
    assert results.locator("tr").count() == 3
    assert run_axe(page) == []
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="Submitted", exact=True).click()
    page.wait_for_url(re.compile(r".*status__exact=submitted"))
    filters.get_by_role("link", name="Kenya", exact=True).click()
    page.wait_for_url(re.compile(r".*country__id__exact=\d+"))
    assert results.locator("tr").count() == 2
    assert "Fire management in the Cerrado" not in results.inner_text()
    assert "Control of invasive aquatic plants in Kenya's wetlands" in results.inner_text()
    snap(page, request, "1-queue-filtered")

    # --- Assign the wetlands request to herself with the list's action.
    row = results.locator("tr", has_text=wetlands.reference)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("assign_to_me")
    page.get_by_role("button", name="Go").click()
    messages = page.locator("ul.messagelist")
    messages.get_by_text("1 request assigned to you.").wait_for()
    wetlands.refresh_from_db()
    assert wetlands.assigned_to == helpdesk_user
    assert wetlands.status == Need.Status.IN_TRIAGE
    # In triage now, it leaves the list of submitted requests for that of her own.
    assert results.locator("tr").count() == 1
    filters.get_by_role("link", name="In triage", exact=True).click()
    page.wait_for_url(re.compile(r".*status__exact=in_triage"))
    filters.get_by_role("link", name="Me", exact=True).click()
    page.wait_for_url(re.compile(r".*assignee=me"))
    assert results.locator("tr").count() == 1
    assert "Hana Kim" in row.inner_text()
    snap(page, request, "2-assigned")

    # --- On the request's page: publish it, then propose the best suggestion.
    row.get_by_role("link", name=wetlands.reference).click()
    page.wait_for_url(re.compile(rf".*/admin/needs/need/{wetlands.pk}/change/.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "Change request for assistance"
    assert page.locator("#content h2").first.inner_text() == str(wetlands)
    suggestions = page.locator("#need-suggestions")
    assert "Only published requests can be proposed to providers." in suggestions.inner_text()
    assert run_axe(page) == []
    page.locator("#need-workflow-actions").get_by_role(
        "button", name="Publish (open for matching)"
    ).click()
    messages.get_by_text("1 request published.").wait_for()
    wetlands.refresh_from_db()
    assert wetlands.status == Need.Status.PUBLISHED
    snap(page, request, "3-published")

    suggestion = suggestions.locator("tr", has_text=offer.title)
    assert "Mangrove Alliance" in suggestion.inner_text()
    suggestion.get_by_role("link", name="Propose").click()
    page.wait_for_url(re.compile(rf".*/admin/needs/need/{wetlands.pk}/propose/{offer.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Propose {wetlands.reference} to Mangrove Alliance"
    )
    assert run_axe(page) == []
    page.get_by_label("Message to the provider").fill(
        "Could you train twelve wetland officers at Lake Naivasha?"
    )
    snap(page, request, "4-propose")
    page.get_by_role("button", name="Propose to the provider").click()
    messages.get_by_text(
        f"{wetlands.reference} is proposed to Mangrove Alliance for “{offer.title}”."
    ).wait_for()
    match = Match.objects.get()
    assert (match.need, match.offer, match.status) == (wetlands, offer, Match.Status.PROPOSED)
    assert match.proposed_by == helpdesk_user
    assert run_axe(page) == []
