"""Harvesting partner systems: feeds and JSON record files served by a real local HTTP server.

The partner "site" is a ``ThreadingHTTPServer`` on 127.0.0.1; each test says what it serves at
which path and changes it between harvests, as a partner would change its feed.
"""

import datetime
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chm_portal.vocabularies.models import ThematicArea
from partners import harvesting, tasks
from partners.models import (
    Event,
    HarvestRun,
    HarvestSource,
    Offer,
    Opportunity,
    Organisation,
    RecordStatus,
    Resource,
)
from tests.factories import OrganisationFactory, ResourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


# --- The partner's site ---------------------------------------------------------------------------
@dataclass
class Page:
    body: bytes
    content_type: str = "application/xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    send_length: bool = True
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class PartnerSite:
    """A local web server whose pages a test sets: ``site.serve("/feed.xml", text)``."""

    base_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, path: str, body: str | bytes, **options) -> str:
        self.pages[path] = Page(body=body.encode() if isinstance(body, str) else body, **options)
        return self.base_url + path


@pytest.fixture
def site():
    pages: dict[str, Page] = {}
    requests: list[dict[str, str]] = []
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append({"path": self.path, **dict(self.headers.items())})
            page = pages.get(self.path)
            if page is None:
                self.send_error(404)
                return
            if page.delay:
                stop.wait(page.delay)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            for name, value in page.headers.items():
                self.send_header(name, value)
            if page.send_length:
                self.send_header("Content-Length", str(len(page.body)))
            else:
                # Without a length the body ends when the connection closes.
                self.close_connection = True
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that gave up (the timeout test) is not a failure of the server

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = server.server_address[:2]
    yield PartnerSite(base_url=f"http://{host}:{port}", pages=pages, requests=requests, stop=stop)
    stop.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- Feeds ----------------------------------------------------------------------------------------
ESCAPED_SUMMARY = "&lt;p&gt;Cómo restaurar &lt;b&gt;manglares&lt;/b&gt;.&lt;/p&gt;"
ESCAPED_DESCRIPTION = (
    "&lt;p&gt;Two days on seagrass monitoring.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
)


def atom_entry(number: int, *, title: str | None = None, summary: str | None = None) -> str:
    return f"""
  <entry>
    <id>tag:toolkits.example,2026:guide-{number}</id>
    <title>{title or f"Guía de restauración {number}"}</title>
    <link href="https://toolkits.example/guides/{number}.pdf"/>
    <link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"/>
    <updated>2026-03-0{number}T10:00:00Z</updated>
    <published>2025-02-0{number}T10:00:00Z</published>
    <author><name>Ana Ruiz</name></author>
    <category term="toolkit"/>
    <category term="restoration"/>
    <category term="GBF-T2"/>
    <category term="our-own-tag"/>
    <summary type="html">{summary or ESCAPED_SUMMARY}</summary>
  </entry>"""


def atom_feed(*entries: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es">
  <title>Toolkits</title>
  <id>urn:toolkits.example:feed</id>
  <updated>2026-03-09T10:00:00Z</updated>
  {"".join(entries)}
</feed>"""


def rss_item(guid: str, title: str, *, start: str, end: str | None, location: str) -> str:
    end_element = f"<ev:enddate>{end}</ev:enddate>" if end else ""
    return f"""
    <item>
      <guid isPermaLink="false">{guid}</guid>
      <title>{title}</title>
      <link>https://events.example/{guid}</link>
      <description>{ESCAPED_DESCRIPTION}</description>
      <category>marine_coastal</category>
      <ev:type>webinar</ev:type>
      <ev:startdate>{start}</ev:startdate>
      {end_element}
      <ev:location>{location}</ev:location>
    </item>"""


def rss_feed(*items: str, language: str = "en-GB") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">
  <channel>
    <title>Events</title>
    <link>https://events.example/</link>
    <description>Our events</description>
    <language>{language}</language>
    {"".join(items)}
  </channel>
</rss>"""


def json_offer(offer_id: str, provider_id: str = "P-01", **fields) -> dict:
    return {
        "id": offer_id,
        "title": f"Training on invasive species ({offer_id})",
        "description": "Hands-on training for customs officers.",
        "language": "en",
        "provider": {"id": provider_id, "name": "Island Network", "type": "ngo", "country": "KE"},
        "support_types": ["training"],
        "thematic_areas": ["invasive_species"],
        "targets": ["GBF-T6"],
        "capacity_levels": ["individual"],
        "languages": ["en", "fr"],
        "eligible_countries": [],
        "eligible_regions": [],
        "eligible_groups": ["SIDS"],
        "available_from": "2026-01-01",
        "available_until": "2099-12-31",
        **fields,
    }


def records_file(*offers: dict, needs: list | None = None) -> str:
    return json.dumps({"as_of": "2026-11-01", "offers": list(offers), "needs": needs or []})


def make_source(organisation, url: str, **fields) -> HarvestSource:
    defaults = {
        "name": "Partner toolkits",
        "format": HarvestSource.Format.FEED,
        "record_type": HarvestSource.RecordType.RESOURCE,
    }
    return HarvestSource.objects.create(organisation=organisation, url=url, **(defaults | fields))


def harvested(model, source):
    return model.objects.filter(source=source).order_by("external_id")


# --- Feeds of resources (Atom) --------------------------------------------------------------------
def test_an_atom_feed_creates_published_resources_of_the_sources_organisation(site, organisation_x):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    )

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert (run.created, run.updated, run.unchanged, run.gone) == (2, 0, 0, 0)
    assert "tag:toolkits.example,2026:guide-1" in run.report
    resource = harvested(Resource, source).first()
    assert resource.organisation == organisation_x
    assert resource.external_id == "tag:toolkits.example,2026:guide-1"
    assert resource.language == "es"
    assert resource.title_es == "Guía de restauración 1"
    # The HTML summary arrives as plain text (description fields refuse markup).
    assert resource.description_es == "Cómo restaurar manglares."
    assert resource.url == "https://toolkits.example/guides/1.pdf"
    assert resource.resource_type.code == "toolkit"
    assert resource.licence == Resource.Licence.CC_BY_SA
    assert resource.authors == "Ana Ruiz"
    assert resource.publication_year == 2025
    assert {t.code for t in resource.thematic_areas.all()} == {"restoration"}
    assert {t.code for t in resource.targets.all()} == {"GBF-T2"}
    assert {language.code for language in resource.languages.all()} == {"es"}
    assert resource.status == RecordStatus.PUBLISHED
    assert resource.published_at is not None
    assert resource in Resource.objects.public()
    source.refresh_from_db()
    assert source.last_harvested_at == run.started_at
    assert run.finished_at >= run.started_at
    assert site.requests[0]["User-Agent"].startswith("CHM-Portal-Harvester/")


def test_harvesting_the_same_feed_again_changes_nothing(site, organisation_x):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    )
    harvesting.harvest(source.pk)
    before = list(harvested(Resource, source).values_list("pk", "updated_at", "title_es"))

    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged, run.gone) == (0, 0, 2, 0)
    assert "Unchanged: 2" in run.report
    assert list(harvested(Resource, source).values_list("pk", "updated_at", "title_es")) == before
    assert Resource.objects.count() == 2


def test_a_changed_entry_is_updated_and_the_others_left_alone(site, organisation_x):
    url = site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    source = make_source(organisation_x, url)
    harvesting.harvest(source.pk)
    untouched = harvested(Resource, source).last()
    site.serve("/feed.atom", atom_feed(atom_entry(1, title="Guía revisada"), atom_entry(2)))

    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged, run.gone) == (0, 1, 1, 0)
    assert "Updated (1): tag:toolkits.example,2026:guide-1" in run.report
    first, second = harvested(Resource, source)
    assert first.title_es == "Guía revisada"
    assert second.updated_at == untouched.updated_at
    assert Resource.objects.count() == 2


def test_an_entry_gone_from_the_feed_is_closed_and_reopened_when_it_comes_back(
    site, organisation_x
):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    )
    harvesting.harvest(source.pk)
    site.serve("/feed.atom", atom_feed(atom_entry(1)))

    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged, run.gone) == (0, 0, 1, 1)
    assert "Gone from the source (1): tag:toolkits.example,2026:guide-2" in run.report
    gone = Resource.objects.get(external_id="tag:toolkits.example,2026:guide-2")
    assert gone.status == RecordStatus.CLOSED
    assert gone.closed_automatically
    assert gone.gone_from_source_at is not None
    # Still there, and still public (marked closed), not deleted.
    assert gone in Resource.objects.public()

    site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged, run.gone) == (0, 1, 1, 0)
    assert "Back at the source (reopened) (1)" in run.report
    gone.refresh_from_db()
    assert gone.status == RecordStatus.PUBLISHED
    assert not gone.closed_automatically
    assert gone.gone_from_source_at is None
    assert Resource.objects.count() == 2


def test_a_draft_gone_from_the_source_stays_a_draft(site, organisation_x):
    source = make_source(
        organisation_x,
        site.serve("/feed.atom", atom_feed(atom_entry(1))),
        publish_records=False,
    )
    harvesting.harvest(source.pk)
    record = harvested(Resource, source).get()
    assert record.status == RecordStatus.DRAFT
    assert record.published_at is None
    site.serve("/feed.atom", atom_feed())

    run = harvesting.harvest(source.pk)

    assert run.gone == 1
    record.refresh_from_db()
    # Closing a draft would make it public: it stays a draft, marked gone.
    assert record.status == RecordStatus.DRAFT
    assert record.gone_from_source_at is not None


def test_records_of_other_sources_and_typed_in_records_are_left_alone(site, organisation_x):
    own = ResourceFactory(organisation=organisation_x, title="Typed in by a member")
    other = make_source(organisation_x, site.serve("/other.atom", atom_feed(atom_entry(3))))
    harvesting.harvest(other.pk)
    source = make_source(organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))))
    harvesting.harvest(source.pk)
    site.serve("/feed.atom", atom_feed())

    run = harvesting.harvest(source.pk)

    assert run.gone == 1
    own.refresh_from_db()
    assert own.status == RecordStatus.PUBLISHED
    assert own.gone_from_source_at is None
    assert harvested(Resource, other).get().gone_from_source_at is None


def test_an_entry_given_twice_is_stored_once(site, organisation_x):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(1)))
    )

    run = harvesting.harvest(source.pk)

    assert run.created == 1
    assert Resource.objects.filter(source=source).count() == 1
    assert "gives this identifier twice" in run.report


def test_a_record_changed_on_the_portal_is_brought_back_to_what_the_source_says(
    site, organisation_x
):
    source = make_source(organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))))
    harvesting.harvest(source.pk)
    Resource.objects.filter(source=source).update(title_es="Edited here")
    ThematicArea.objects.get(code="forests").resources.add(harvested(Resource, source).get())

    run = harvesting.harvest(source.pk)

    assert run.updated == 1
    record = harvested(Resource, source).get()
    assert record.title_es == "Guía de restauración 1"
    assert {t.code for t in record.thematic_areas.all()} == {"restoration"}


def test_an_unchanged_harvest_makes_as_many_queries_for_many_entries_as_for_few(
    site, organisation_x, django_assert_max_num_queries
):
    few = make_source(organisation_x, site.serve("/few.atom", atom_feed(atom_entry(1))))
    many = make_source(
        organisation_x,
        site.serve("/many.atom", atom_feed(*(atom_entry(number) for number in range(1, 8)))),
    )
    harvesting.harvest(few.pk)
    harvesting.harvest(many.pk)

    with CaptureQueriesContext(connection) as baseline:
        harvesting.harvest(few.pk)
    # Source, run, lock, records with their relations (prefetched), vocabularies, gone checks.
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        run = harvesting.harvest(many.pk)
    assert run.unchanged == 7


# --- Feeds of events (RSS 2.0 with the event module) ----------------------------------------------
def test_an_rss_feed_of_events_reads_the_event_module(site, organisation_x):
    feed = rss_feed(
        rss_item(
            "seagrass-2026",
            "Seagrass monitoring workshop",
            start="2026-09-01T09:00:00+03:00",
            end="2026-09-02T17:00:00+03:00",
            location="Mombasa, Kenya",
        ),
        rss_item(
            "online-2026",
            "Webinar on marine spatial planning",
            start="2026-10-05",
            end="2026-10-05",
            location="Online",
        ),
        rss_item("no-end", "An event with no end", start="2026-10-05", end=None, location="X"),
    )
    source = make_source(
        organisation_x,
        site.serve("/events.rss", feed, content_type="application/rss+xml"),
        record_type=HarvestSource.RecordType.EVENT,
    )

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert run.created == 2
    assert "- no-end: An event needs its start and end" in run.report
    workshop = Event.objects.get(source=source, external_id="seagrass-2026")
    assert workshop.starts_at == datetime.datetime(2026, 9, 1, 6, 0, tzinfo=datetime.UTC)
    assert workshop.ends_at == datetime.datetime(2026, 9, 2, 14, 0, tzinfo=datetime.UTC)
    assert workshop.venue == "Mombasa, Kenya"
    assert not workshop.is_online
    assert workshop.event_type.code == "webinar"
    assert workshop.registration_url == "https://events.example/seagrass-2026"
    assert workshop.language == "en"
    assert workshop.description_en == "Two days on seagrass monitoring."
    assert {t.code for t in workshop.thematic_areas.all()} == {"marine_coastal"}
    webinar = Event.objects.get(source=source, external_id="online-2026")
    assert webinar.is_online
    assert webinar.venue == ""
    assert webinar.ends_at > webinar.starts_at

    assert harvesting.harvest(source.pk).unchanged == 2


def test_feed_language_outside_the_content_languages_falls_back_to_english(site, organisation_x):
    item = rss_item("x", "Warsztaty", start="2026-09-01", end="2026-09-01", location="Online")
    source = make_source(
        organisation_x,
        site.serve("/events.rss", rss_feed(item, language="pl")),
        record_type=HarvestSource.RecordType.EVENT,
    )

    harvesting.harvest(source.pk)

    event = Event.objects.get(source=source)
    assert event.language == "en"
    assert event.title_en == "Warsztaty"


def test_feeds_of_opportunities_are_refused_entry_by_entry(site, organisation_x):
    source = make_source(
        organisation_x,
        site.serve("/calls.atom", atom_feed(atom_entry(1))),
        record_type=HarvestSource.RecordType.OPPORTUNITY,
    )

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.SUCCEEDED
    assert run.created == 0
    assert "Feeds carry no application deadline" in run.report
    assert not Opportunity.objects.exists()


# --- JSON files in the record exchange format -----------------------------------------------------
def test_a_records_file_creates_offers_and_their_providers_once(site, organisation_x):
    url = site.serve(
        "/offers.json",
        records_file(
            json_offer("O-001"),
            json_offer("O-002"),
            needs=[{"id": "N-001", "title": "Ignored"}],
        ),
        content_type="application/json",
    )
    source = make_source(organisation_x, url, format=HarvestSource.Format.RECORDS)

    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged, run.gone) == (2, 0, 0, 0)
    assert "Provider organisations created (1): P-01 (Island Network)" in run.report
    assert "need was ignored: needs come from Parties" in run.report
    provider = Organisation.objects.get(source=source, external_id="P-01")
    assert provider.name == "Island Network"
    assert provider.organisation_type.code == "ngo"
    assert provider.country.code == "KE"
    # The source's organisation is approved, so the providers it brings are too.
    assert provider.status == Organisation.Status.APPROVED
    offer = Offer.objects.get(source=source, external_id="O-001")
    assert offer.provider == provider
    assert offer.title_en == "Training on invasive species (O-001)"
    assert offer.available_until == datetime.date(2099, 12, 31)
    assert {t.code for t in offer.support_types.all()} == {"training"}
    assert {t.code for t in offer.targets.all()} == {"GBF-T6"}
    assert {g.code for g in offer.eligible_groups.all()} == {"SIDS"}
    assert {language.code for language in offer.languages.all()} == {"en", "fr"}
    assert offer in Offer.objects.public()

    run = harvesting.harvest(source.pk)

    assert (run.created, run.updated, run.unchanged) == (0, 0, 2)
    assert Organisation.objects.filter(source=source).count() == 1


def test_providers_of_a_pending_organisations_source_wait_for_approval(site, db):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    source = make_source(
        pending,
        site.serve("/offers.json", records_file(json_offer("O-001")), content_type="text/json"),
        format=HarvestSource.Format.RECORDS,
    )

    harvesting.harvest(source.pk)

    provider = Organisation.objects.get(source=source)
    assert provider.status == Organisation.Status.PENDING
    assert not Offer.objects.public().exists()


def test_an_unknown_code_skips_the_offer_and_names_the_code(site, organisation_x):
    url = site.serve(
        "/offers.json",
        records_file(
            json_offer("O-001"),
            json_offer("O-002", thematic_areas=["invasive_species", "underwater_basket_weaving"]),
        ),
    )
    source = make_source(organisation_x, url, format=HarvestSource.Format.RECORDS)

    run = harvesting.harvest(source.pk)

    assert run.created == 1
    assert "- O-002: Unknown codes (thematic_areas: underwater_basket_weaving)." in run.report
    assert not Offer.objects.filter(external_id="O-002").exists()


def test_a_skipped_offer_already_harvested_is_kept_not_marked_gone(site, organisation_x):
    url = site.serve("/offers.json", records_file(json_offer("O-001")))
    source = make_source(organisation_x, url, format=HarvestSource.Format.RECORDS)
    harvesting.harvest(source.pk)
    site.serve("/offers.json", records_file(json_offer("O-001", support_types=["nonsense"])))

    run = harvesting.harvest(source.pk)

    assert (run.updated, run.gone) == (0, 0)
    assert "- O-001: Unknown codes (support_types: nonsense)." in run.report
    offer = Offer.objects.get(source=source)
    assert offer.status == RecordStatus.PUBLISHED
    assert {t.code for t in offer.support_types.all()} == {"training"}


def test_a_changed_offer_and_a_changed_provider_are_updated(site, organisation_x):
    url = site.serve("/offers.json", records_file(json_offer("O-001")))
    source = make_source(organisation_x, url, format=HarvestSource.Format.RECORDS)
    harvesting.harvest(source.pk)
    changed = json_offer("O-001", support_types=["training", "equipment"], language="fr")
    changed["provider"]["name"] = "Réseau des îles"
    site.serve("/offers.json", records_file(changed))

    run = harvesting.harvest(source.pk)

    assert run.updated == 1
    offer = Offer.objects.get(source=source)
    assert offer.language == "fr"
    assert offer.title_fr == "Training on invasive species (O-001)"
    assert not offer.title_en
    assert set(offer.support_types.values_list("code", flat=True)) == {"training", "equipment"}
    assert offer.provider.name == "Réseau des îles"
    assert Organisation.objects.filter(source=source).count() == 1
    assert harvesting.harvest(source.pk).unchanged == 1


def test_an_offer_without_provider_belongs_to_the_sources_organisation(site, organisation_x):
    offer = json_offer("O-001")
    del offer["provider"]
    source = make_source(
        organisation_x,
        site.serve("/offers.json", records_file(offer)),
        format=HarvestSource.Format.RECORDS,
    )

    harvesting.harvest(source.pk)

    assert Offer.objects.get(source=source).provider == organisation_x


def test_markup_in_a_records_file_is_stored_as_text(site, organisation_x):
    offer = json_offer("O-001", description="<p>Training &amp; mentoring</p><script>x()</script>")
    source = make_source(
        organisation_x,
        site.serve("/offers.json", records_file(offer)),
        format=HarvestSource.Format.RECORDS,
    )

    harvesting.harvest(source.pk)

    assert Offer.objects.get(source=source).description_en == "Training & mentoring"


def test_a_file_that_is_not_in_the_record_format_fails_the_run(site, organisation_x):
    url = site.serve("/offers.json", records_file(json_offer("O-001")))
    source = make_source(organisation_x, url, format=HarvestSource.Format.RECORDS)
    harvesting.harvest(source.pk)
    site.serve("/offers.json", json.dumps({"needs": []}))

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "no “offers” list" in run.report
    assert Offer.objects.get(source=source).gone_from_source_at is None

    site.serve("/offers.json", "{not json")
    assert "not a JSON file" in harvesting.harvest(source.pk).report


# --- Failures -------------------------------------------------------------------------------------
def _harvested_once(site, organisation_x):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2)))
    )
    harvesting.harvest(source.pk)
    return source, list(harvested(Resource, source).values_list("pk", "status", "updated_at"))


def test_a_server_error_fails_the_run_and_changes_no_record(site, organisation_x):
    source, before = _harvested_once(site, organisation_x)
    site.serve("/feed.atom", "Internal error", status=500, content_type="text/plain")

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "HTTP 500" in run.report
    assert "Nothing was changed." in run.report
    assert (run.created, run.updated, run.gone) == (0, 0, 0)
    assert list(harvested(Resource, source).values_list("pk", "status", "updated_at")) == before
    assert not Resource.objects.filter(gone_from_source_at__isnull=False).exists()


def test_a_source_that_does_not_answer_in_time_fails_the_run(site, organisation_x, monkeypatch):
    source, before = _harvested_once(site, organisation_x)
    monkeypatch.setattr(harvesting, "FETCH_TIMEOUT", 0.2)
    site.serve("/feed.atom", atom_feed(), delay=3)

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "did not answer within 0.2 seconds" in run.report
    assert list(harvested(Resource, source).values_list("pk", "status", "updated_at")) == before


@pytest.mark.parametrize("send_length", [True, False], ids=["announced", "streamed"])
def test_a_response_over_the_size_limit_is_refused(site, organisation_x, monkeypatch, send_length):
    monkeypatch.setattr(harvesting, "MAX_RESPONSE_BYTES", 4096)
    monkeypatch.setattr(harvesting, "CHUNK_BYTES", 1024)
    feed = atom_feed(*(atom_entry(number) for number in range(1, 10)))
    assert len(feed) > 4096
    source = make_source(organisation_x, site.serve("/feed.atom", feed, send_length=send_length))

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "4.0\xa0KB" in run.report
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://toolkits.example/feed.xml", "gopher://x.example/"]
)
def test_only_web_addresses_are_harvested(site, organisation_x, url):
    source = make_source(organisation_x, url)

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "is not an http or https address" in run.report
    assert not Resource.objects.exists()


def test_redirects_are_followed_to_web_addresses_only(site, organisation_x):
    site.serve("/feed.atom", atom_feed(atom_entry(1)))
    moved = site.serve("/moved", "", status=301, headers={"Location": "/feed.atom"})
    source = make_source(organisation_x, moved)

    assert harvesting.harvest(source.pk).created == 1

    for location in ("ftp://toolkits.example/feed.xml", "file:///etc/passwd"):
        site.serve("/moved", "", status=302, headers={"Location": location})
        run = harvesting.harvest(source.pk)

        assert run.status == HarvestRun.Status.FAILED
        assert location in run.report
        assert Resource.objects.get(source=source).gone_from_source_at is None


def test_an_unexpected_error_rolls_the_whole_harvest_back(site, organisation_x, monkeypatch):
    source = make_source(organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(harvesting, "_mark_gone", broken)
    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "unexpected error and changed nothing" in run.report
    assert "disk full" not in run.report
    assert not Resource.objects.exists()


def test_a_page_that_is_not_a_feed_fails_the_run(site, organisation_x):
    source, before = _harvested_once(site, organisation_x)
    site.serve("/feed.atom", "<html><body>Maintenance</body></html>", content_type="text/html")

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "did not return an Atom or RSS feed" in run.report
    assert list(harvested(Resource, source).values_list("pk", "status", "updated_at")) == before


def test_a_truncated_feed_fails_the_run_rather_than_closing_the_missing_entries(
    site, organisation_x
):
    source, before = _harvested_once(site, organisation_x)
    site.serve("/feed.atom", atom_feed(atom_entry(1), atom_entry(2))[:-200])

    run = harvesting.harvest(source.pk)

    assert run.status == HarvestRun.Status.FAILED
    assert "not well-formed XML" in run.report
    assert list(harvested(Resource, source).values_list("pk", "status", "updated_at")) == before


def test_inactive_or_missing_sources_are_not_harvested(site, organisation_x):
    source = make_source(
        organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))), is_active=False
    )

    assert harvesting.harvest(source.pk) is None
    assert harvesting.harvest(source.pk + 1000) is None
    assert not HarvestRun.objects.exists()
    assert site.requests == []


# --- Scheduling, tasks and the command ------------------------------------------------------------
def test_only_active_sources_past_their_interval_are_due(organisation_x):
    now = timezone.now()
    never = make_source(organisation_x, "https://a.example/feed")
    overdue = make_source(
        organisation_x,
        "https://b.example/feed",
        last_harvested_at=now - datetime.timedelta(hours=25),
    )
    recent = make_source(
        organisation_x,
        "https://c.example/feed",
        last_harvested_at=now - datetime.timedelta(hours=2),
    )
    hourly = make_source(
        organisation_x,
        "https://d.example/feed",
        interval_hours=1,
        last_harvested_at=now - datetime.timedelta(hours=2),
    )
    make_source(organisation_x, "https://e.example/feed", is_active=False)

    assert harvesting.due_source_ids(now=now) == [never.pk, overdue.pk, hourly.pk]
    assert recent.pk not in harvesting.due_source_ids(now=now + datetime.timedelta(hours=21))
    assert recent.pk in harvesting.due_source_ids(now=now + datetime.timedelta(hours=22))


def test_the_task_harvests_a_source_and_returns_its_run(site, organisation_x):
    source = make_source(organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))))

    run_id = tasks.harvest_source.delay(source.pk).get()

    run = HarvestRun.objects.get(pk=run_id)
    assert run.source == source
    assert run.created == 1
    assert tasks.harvest_source.delay(source.pk + 1000).get() is None


def test_the_hourly_task_harvests_only_due_sources(site, organisation_x):
    due = make_source(organisation_x, site.serve("/due.atom", atom_feed(atom_entry(1))))
    not_due = make_source(
        organisation_x,
        site.serve("/later.atom", atom_feed(atom_entry(2))),
        last_harvested_at=timezone.now() - datetime.timedelta(hours=1),
    )

    assert tasks.harvest_due_sources.delay().get() == [due.pk]

    assert due.runs.get().status == HarvestRun.Status.SUCCEEDED
    assert not not_due.runs.exists()
    assert [request["path"] for request in site.requests] == ["/due.atom"]
    # Just harvested: no longer due.
    assert tasks.harvest_due_sources.delay().get() == []


def test_the_command_harvests_named_and_due_sources(site, organisation_x):
    source = make_source(organisation_x, site.serve("/feed.atom", atom_feed(atom_entry(1))))
    out = StringIO()

    call_command("harvest", "--source", str(source.pk), "-v", "2", stdout=out)

    assert f"Partner toolkits (source {source.pk}): Succeeded - 1 created" in out.getvalue()
    assert "Created (1): tag:toolkits.example,2026:guide-1" in out.getvalue()

    out = StringIO()
    call_command("harvest", "--all-due", stdout=out)
    assert out.getvalue().strip() == "No source is due."


def test_the_command_says_when_a_harvest_failed(site, organisation_x):
    source = make_source(organisation_x, site.serve("/feed.atom", "oops", status=503))
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 of 1 harvests failed"):
        call_command("harvest", "--source", str(source.pk), stdout=out, stderr=err)

    assert "Failed" in err.getvalue()
    assert "HTTP 503" in out.getvalue()
    with pytest.raises(CommandError, match="--source ID"):
        call_command("harvest")


def test_the_hourly_job_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE["partners-harvest-due-sources"]
    assert schedule["task"] == "partners.tasks.harvest_due_sources"
