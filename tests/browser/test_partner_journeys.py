"""A partner registers an organisation and publishes an offer; the public finds it, in a browser."""

import re

import pytest

from partners import services
from partners.models import Offer, Organisation, RecordStatus
from tests.browser.conftest import run_axe
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/en/me/$"))


def test_partner_registers_publishes_an_offer_and_the_public_finds_it(
    live_server, page, helpdesk_user
):
    partner = UserFactory(email="ana@coral-trainers.example", full_name="Ana Reyes")
    sign_in(page, live_server.url, partner.email)

    # Register the organisation: it waits for the help desk.
    page.goto(f"{live_server.url}/en/partners/organisations/register/")
    assert run_axe(page) == []
    page.locator("#id_name").fill("Coral Reef Trainers Network")
    page.locator("#id_organisation_type").select_option(label="Network or partnership")
    page.locator("#id_description").fill("Trainers of reef monitoring teams in island states.")
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_url(re.compile(r".*/en/partners/mine/$"))
    organisation = Organisation.objects.get(name="Coral Reef Trainers Network")
    assert organisation.status == Organisation.Status.PENDING
    assert page.get_by_text("Coral Reef Trainers Network").first.is_visible()

    services.organisation_approve(organisation=organisation, by=helpdesk_user)

    # Publish an offer from the organisation's records page.
    page.goto(f"{live_server.url}/en/partners/organisations/{organisation.pk}/records/")
    assert run_axe(page) == []
    page.get_by_role("link", name=re.compile("Add an offer")).click()
    page.locator("#id_title_en").fill("Reef monitoring training for island states")
    page.locator("#id_description_en").fill("Two-week courses on coral reef monitoring methods.")
    page.get_by_label("Training and education").first.check()
    assert run_axe(page) == []
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(re.compile(r".*/partners/offers/\d+/$"))
    offer = Offer.objects.get()
    assert offer.status == RecordStatus.PUBLISHED
    assert offer.support_types.filter(code="training").exists()

    # A visitor who is not signed in finds it in French, in the offers database.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/partners/offers/?q=reef")
    assert page.locator("h1").inner_text() == "Offres de soutien"
    assert page.get_by_role("link", name="Reef monitoring training for island states").is_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Reef monitoring training for island states").click()
    page.wait_for_url(re.compile(rf".*/fr/partners/offers/{offer.pk}/$"))
    assert page.get_by_text("Coral Reef Trainers Network").first.is_visible()
