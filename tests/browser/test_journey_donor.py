"""Journey of a donor who does not sign in, in Spanish: the dashboards' overview, one indicator's
chart and table, then the gap analysis for Africa and its CSV download. Each page passes
axe-core's checks."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from chm_portal.vocabularies.models import GBFTarget
from monitoring import services
from tests.browser.conftest import run_axe, snap
from tests.factories import MatchNeedFactory, OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV_HEADER = [
    "date",
    "scope",
    "target",
    "target_title",
    "needs",
    "offers",
    "resources",
    "courses",
    "matches",
    "projects",
    "supply",
    "supply_per_need",
    "gap_level",
]


@pytest.fixture
def computed(country_a, country_b, organisation_x):
    """Two published requests of Kenya on GBF target 6, one of Brazil on target 2 and an offer
    open to all on target 6, computed as of a month ago and today."""
    long_ago = timezone.now() - datetime.timedelta(days=400)
    invasive, fire = GBFTarget.objects.get(number=6), GBFTarget.objects.get(number=2)
    for country, target in ((country_a, invasive), (country_a, invasive), (country_b, fire)):
        need = MatchNeedFactory(country=country, submitted_at=long_ago, published_at=long_ago)
        need.targets.add(target)
    OfferFactory(provider=organisation_x).targets.add(invasive)
    services.recompute_indicators(timezone.localdate() - datetime.timedelta(days=30))
    services.recompute_indicators()


def test_a_donor_reads_the_dashboards_and_downloads_the_gap_analysis_in_spanish(
    live_server, page, request, computed
):
    base = live_server.url

    # --- The overview: the number of needs in the database.
    page.goto(f"{base}/es/dashboards/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Tableros: los indicadores del plan de acción"
    )
    assert page.locator("html").get_attribute("lang") == "es"
    card = page.locator(".indicator-card", has_text="1.3").first
    assert card.locator(".indicator-value").inner_text().strip() == "3"
    assert run_axe(page) == []
    snap(page, request, "1-overview")

    # --- One indicator: its chart, and a table with the same numbers by region.
    card.get_by_role("link", name="Gráficos y datos del indicador 1.3").click()
    page.wait_for_url(re.compile(r".*/es/dashboards/indicators/1\.3/$"))
    assert page.locator("svg[role='img']").count() >= 1
    regions = page.locator("table", has_text="África").first
    assert re.search(r"África\s+2\b", regions.inner_text())
    assert run_axe(page) == []
    snap(page, request, "2-indicator")

    # --- The gap analysis, everywhere then for Africa.
    page.get_by_role("navigation", name="Paneles de indicadores").get_by_role(
        "link", name="Análisis de brechas"
    ).click()
    page.wait_for_url(re.compile(r".*/es/dashboards/gaps/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Análisis de brechas"
    heatmap = page.locator("table.heatmap tbody tr")
    assert heatmap.count() == 23
    assert page.get_by_role("heading", name="Metas con menos apoyo").is_visible()
    assert run_axe(page) == []
    page.get_by_label("Región de la ONU").select_option("002")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url(re.compile(r".*region=002"))
    assert page.get_by_role("heading", level=1).inner_text() == "Análisis de brechas: África"
    least = page.locator("section", has=page.get_by_role("heading", name="Metas con menos apoyo"))
    assert "GBF-T6" in least.inner_text() and "GBF-T2" not in least.inner_text()
    assert run_axe(page) == []
    snap(page, request, "3-gaps-africa")

    # --- The same table, downloaded as CSV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar esta tabla (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("gap-analysis-region-002-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 1 + 23
    by_target = {row[2]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert by_target["GBF-T6"]["scope"] == "region:002"
    assert (by_target["GBF-T6"]["needs"], by_target["GBF-T6"]["offers"]) == ("2", "1")
    assert by_target["GBF-T2"]["needs"] == "0"
