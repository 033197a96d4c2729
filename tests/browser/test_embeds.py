"""A national website, served from another origin, shows the portal's components: with the
script (the JSON read across origins) and as an iframe (framed by another site)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chm_portal.vocabularies.models import Country
from commitments.models import ActorType
from commitments.tests.factories import PublishedCommitmentFactory
from partners.models import Organisation, RecordStatus
from tests.factories import OpportunityFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTNER_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Centre d'échange national</title></head>
<body>
  <h1>Centre d'échange national</h1>
  <div id="script-mode" data-chm-component="opportunities" data-region="002" data-limit="5">
    <a href="{portal}/fr/partners/opportunities/">Opportunités sur le portail du CHM</a>
  </div>
  <div id="in-english" data-chm-component="commitments" data-actor-type="business"
       data-lang="en"></div>
  <div id="wrong" data-chm-component="opportunities" data-limit="99"></div>
  <iframe id="frame-mode" src="{portal}/fr/embed/opportunities/?region=002&amp;limit=5"
          title="Opportunités ouvertes" width="100%" height="420" loading="lazy"></iframe>
  <script src="{portal}/static/embeds/chm-embed.js" async></script>
</body>
</html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def partner_site(live_server, tmp_path: Path) -> Iterator[str]:
    """The partner's page, served by Python's http.server on another port of this machine."""
    (tmp_path / "index.html").write_text(PARTNER_PAGE.format(portal=live_server.url))
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def public_records():
    kenya = Country.objects.get(code="KE")
    to_kenya = OpportunityFactory(title="Bourse pour les gardes du Kenya")
    to_kenya.eligible_countries.add(kenya)
    OpportunityFactory(title="Cours ouvert à tous")
    OpportunityFactory(title="Brouillon à ne pas montrer", status=RecordStatus.DRAFT)
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    OpportunityFactory(title="Organisation en attente", organisation=pending)
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS)
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS)


def test_a_partner_site_shows_the_components(live_server, partner_site, page, public_records):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(partner_site)
    assert page.url.startswith("http://127.0.0.1:")
    assert not page.url.startswith(live_server.url)

    # Script mode: the JSON read from the portal, in the page's language (<html lang="fr">).
    script_mode = page.locator("#script-mode")
    items = script_mode.locator(".chm-embed__items li a")
    items.first.wait_for()
    assert sorted(items.all_inner_texts()) == [
        "Bourse pour les gardes du Kenya",
        "Cours ouvert à tous",
    ]
    assert script_mode.get_attribute("data-chm-state") == "done"
    assert script_mode.locator(".chm-embed").get_attribute("lang") == "fr"
    assert f"{live_server.url}/fr/embed/opportunities.json?limit=5&region=002" in requests
    for link in items.all():
        assert link.get_attribute("href").startswith(f"{live_server.url}/fr/partners/")
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener"
    # The partner's fallback link was replaced by the component.
    assert "Opportunités sur le portail du CHM" not in script_mode.inner_text()

    # Another element, in English by its data-lang, with a parameter written with a hyphen.
    english = page.locator("#in-english")
    english.locator(".chm-embed__figures").wait_for()
    assert english.locator(".chm-embed").get_attribute("lang") == "en"
    assert english.locator(".chm-embed__figures dd").first.inner_text() == "2"
    assert "Business" in english.locator(".chm-embed__title").inner_text()

    # A wrong parameter: the portal's message, in the component.
    wrong = page.locator("#wrong")
    wrong.locator("[role=alert]").wait_for()
    assert "20" in wrong.locator("[role=alert]").inner_text()
    assert wrong.get_attribute("data-chm-state") == "invalid"

    # Iframe mode: framed by another origin, with the same records.
    frame = page.frame_locator("#frame-mode")
    frame_items = frame.locator(".chm-embed__items li a")
    frame_items.first.wait_for()
    assert sorted(frame_items.all_inner_texts()) == [
        "Bourse pour les gardes du Kenya",
        "Cours ouvert à tous",
    ]
    assert frame.locator("html").get_attribute("lang") == "fr"
    assert frame_items.first.get_attribute("target") == "_blank"

    # Nothing non-public anywhere on the page, and no cookie from the portal.
    text = page.inner_text("body") + frame.locator("body").inner_text()
    assert "Brouillon" not in text
    assert "Organisation en attente" not in text
    assert page.context.cookies(live_server.url) == []
