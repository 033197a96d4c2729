"""A donor, not signed in, reads the dashboards in Spanish: the overview, an indicator's chart and
its data table, the gap analysis and a country profile; a focal point updates their country's
CHM maturity level. Each page passes axe-core's checks."""

import datetime

import pytest
from django.utils import timezone

from monitoring import services
from tests.browser.conftest import run_axe
from tests.browser.test_partner_journeys import sign_in
from tests.factories import CountryFactory, MatchNeedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def computed(db):
    """Three published requests of Kenya and one of Brazil, computed as of today."""
    kenya, brazil = CountryFactory(code="KE"), CountryFactory(code="BR")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for country in (kenya, kenya, kenya, brazil):
        MatchNeedFactory(country=country, submitted_at=long_ago, published_at=long_ago)
    services.recompute_indicators(timezone.localdate() - datetime.timedelta(days=30))
    services.recompute_indicators()


def test_a_donor_reads_the_dashboards_in_spanish(live_server, page, computed):
    page.goto(f"{live_server.url}/es/dashboards/")
    assert page.locator("h1").first.inner_text().strip()
    card = page.locator(".indicator-card", has_text="1.3").first
    assert "4" in card.inner_text()
    assert run_axe(page) == []

    card.get_by_role("link").first.click()
    page.wait_for_url("**/es/dashboards/indicators/1.3/")
    # The chart is an SVG image with a name, and a table carries the same numbers.
    assert page.locator("svg[role='img']").count() >= 2
    region_table = page.locator("table", has_text="África").first
    assert "3" in region_table.inner_text()
    assert run_axe(page) == []

    page.goto(f"{live_server.url}/es/dashboards/gaps/")
    assert page.locator("table.heatmap tbody tr").count() == 23
    assert run_axe(page) == []

    page.goto(f"{live_server.url}/es/dashboards/countries/KE/")
    assert "Kenya" in page.locator("h1").inner_text()
    assert run_axe(page) == []


def test_a_focal_point_updates_the_maturity_of_their_country(live_server, page, focal_point_a):
    sign_in(page, live_server.url, focal_point_a.email)
    page.goto(f"{live_server.url}/en/dashboards/countries/KE/edit/")
    page.get_by_label("Level 3: Web presence").check()
    page.get_by_label("National CHM website").fill("https://chm.example.ke")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/dashboards/countries/KE/")
    assert "Level 3: Web presence" in page.content()
    assert run_axe(page) == []
