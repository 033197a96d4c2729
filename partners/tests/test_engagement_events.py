"""Events: their pages (times in the event's zone and in UTC), the month calendar and the
iCalendar feeds, parsed with the icalendar library."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import EventType
from partners.models import RecordStatus
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def workshop(organisation_x, country_a):
    """An in-person workshop in Nairobi, 09:00 to 17:00 local time (06:00 to 14:00 UTC)."""
    return EventFactory(
        organisation=organisation_x,
        title="Mangrove matchmaking workshop",
        starts_at=_at(2030, 5, 12, 6, 0),
        ends_at=_at(2030, 5, 12, 14, 0),
        time_zone="Africa/Nairobi",
        is_online=False,
        venue="KICC",
        city="Nairobi",
        country=country_a,
        registration_url="https://events.example.org/register",
    )


@pytest.fixture
def webinar(organisation_x):
    return EventFactory(
        organisation=organisation_x,
        title="Webinar on coral monitoring",
        event_type=EventType.objects.get(code="webinar"),
        starts_at=_at(2030, 5, 20, 13, 0),
        ends_at=_at(2030, 5, 20, 14, 30),
        time_zone="UTC",
        is_online=True,
    )


def _calendar(client, query: str = ""):
    return client.get(reverse("partners:event_calendar") + (f"?{query}" if query else ""))


def _day_cell(page: str, day: str) -> str:
    """The HTML of the calendar cell of ``day`` (YYYY-MM-DD)."""
    start = page.index(f'<time datetime="{day}">')
    return page[start : page.index("</td>", start)]


# --- The page of an event -------------------------------------------------------------------------
def test_the_page_shows_the_times_in_the_events_zone_and_in_utc(client, workshop):
    page = client.get(reverse("partners:event_detail", args=[workshop.pk])).content.decode()

    assert "May 12, 2030, 9 a.m." in page and "5 p.m." in page
    assert "(Africa/Nairobi)" in page
    assert "May 12, 2030, 6 a.m." in page and "2 p.m. (UTC)" in page
    assert 'datetime="2030-05-12T09:00:00+03:00"' in page
    assert "KICC, Nairobi, Kenya" in page
    assert 'href="https://events.example.org/register"' in page
    assert f'href="{reverse("partners:event_ics", args=[workshop.pk])}"' in page
    assert "Add to calendar (.ics)" in page


def test_an_online_event_says_so_and_its_participants_after_it(client, organisation_x):
    event = EventFactory(
        organisation=organisation_x,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-2),
        is_online=True,
        participant_count=148,
        status=RecordStatus.CLOSED,
    )

    page = client.get(reverse("partners:event_detail", args=[event.pk])).content.decode()

    assert "Online" in page
    assert "148 people took part" in page


def test_the_events_list_renders_each_event_in_constant_queries(
    client, organisation_x, django_assert_max_num_queries
):
    url = reverse("partners:events_list")
    EventFactory.create_batch(2, organisation=organisation_x)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    EventFactory.create_batch(15, organisation=organisation_x, is_online=False, city="Lima")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("(Africa/Nairobi)") == 17


# --- The calendar ---------------------------------------------------------------------------------
def test_the_calendar_puts_each_event_on_its_day(client, workshop, webinar, organisation_x):
    later = EventFactory(
        organisation=organisation_x,
        title="June conference",
        starts_at=_at(2030, 6, 3, 8),
        ends_at=_at(2030, 6, 3, 16),
    )

    response = _calendar(client, "month=2030-05")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Events calendar: May 2030</h1>" in page
    assert "<caption>May 2030</caption>" in page
    assert "Mangrove matchmaking workshop" in _day_cell(page, "2030-05-12")
    assert "Webinar on coral monitoring" in _day_cell(page, "2030-05-20")
    assert "Mangrove matchmaking workshop" not in _day_cell(page, "2030-05-13")
    assert later.title not in page
    assert "2 events this month." in page
    assert 'href="/en/partners/events/calendar/?month=2030-04"' in page
    assert 'href="/en/partners/events/calendar/?month=2030-06"' in page


def test_an_event_over_several_days_is_on_each_of_them(client, organisation_x):
    EventFactory(
        organisation=organisation_x,
        title="Regional roundtable",
        starts_at=_at(2030, 5, 30, 8),
        ends_at=_at(2030, 6, 2, 12),
    )

    may = _calendar(client, "month=2030-05").content.decode()
    june = _calendar(client, "month=2030-06").content.decode()

    assert "Regional roundtable" in _day_cell(may, "2030-05-30")
    assert "Regional roundtable" in _day_cell(may, "2030-05-31")
    assert "Regional roundtable" in _day_cell(june, "2030-06-01")
    assert "Regional roundtable" in _day_cell(june, "2030-06-02")
    assert "Regional roundtable" not in _day_cell(june, "2030-06-03")


def test_the_calendar_takes_the_lists_filters(client, workshop, webinar):
    response = _calendar(client, "month=2030-05&event_type=webinar")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Webinar on coral monitoring" in page
    assert "Mangrove matchmaking workshop" not in page
    # The filters follow the reader to the other months, the list and the feed.
    assert "?month=2030-06&amp;event_type=webinar" in page
    assert 'href="/en/partners/events/?event_type=webinar"' in page
    assert 'href="/en/partners/events/calendar.ics?event_type=webinar"' in page


def test_the_calendar_shows_public_events_only(client, workshop, organisation_x):
    EventFactory(
        organisation=organisation_x,
        title="Draft meeting",
        status=RecordStatus.DRAFT,
        starts_at=_at(2030, 5, 14, 8),
        ends_at=_at(2030, 5, 14, 9),
    )

    page = _calendar(client, "month=2030-05").content.decode()

    assert "Mangrove matchmaking workshop" in page
    assert "Draft meeting" not in page


def test_the_current_month_is_the_default(client):
    page = _calendar(client).content.decode()

    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">' in page
    assert 'aria-current="date"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month=May", "Give the month as YYYY-MM"),
        ("month=2030-13", "There is no month 2030-13 in the calendar."),
        ("event_type=no-such-type", "event_type"),
    ],
)
def test_a_bad_month_or_filter_is_explained(client, query, message):
    response = _calendar(client, query)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert message in page


def test_the_calendar_needs_the_same_queries_for_many_events(
    client, organisation_x, django_assert_max_num_queries, django_assert_num_queries
):
    EventFactory(
        organisation=organisation_x, starts_at=_at(2030, 5, 2, 8), ends_at=_at(2030, 5, 2, 9)
    )
    # 1. the month's events (with organisation, type and country joined)
    with django_assert_num_queries(1):
        _calendar(client, "month=2030-05")
    for day in range(3, 28):
        EventFactory(
            organisation=organisation_x,
            starts_at=_at(2030, 5, day, 8),
            ends_at=_at(2030, 5, day + 1, 9),
            is_online=day % 2 == 0,
        )

    # 1. the event type asked for; 2. the month's events
    with django_assert_num_queries(2):
        response = _calendar(client, "month=2030-05&event_type=workshop")

    assert "26 events this month." in response.content.decode()


# --- iCalendar ------------------------------------------------------------------------------------
def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_one_event_as_icalendar(client, workshop, settings):
    settings.SITE_URL = "https://chm.example.org"

    response = client.get(reverse("partners:event_ics", args=[workshop.pk]))

    cal = _parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="event-{workshop.pk}.ics"'
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{workshop.pk}@chm.example.org"
    assert str(vevent["SUMMARY"]) == "Mangrove matchmaking workshop"
    start, end = vevent["DTSTART"], vevent["DTEND"]
    assert start.params["TZID"] == "Africa/Nairobi"
    assert end.params["TZID"] == "Africa/Nairobi"
    assert start.dt == datetime.datetime(2030, 5, 12, 9, 0, tzinfo=NAIROBI)
    assert start.dt.astimezone(UTC) == workshop.starts_at
    assert end.dt.astimezone(UTC) == workshop.ends_at
    assert str(vevent["LOCATION"]) == "KICC, Nairobi, Kenya"
    assert str(vevent["URL"]).endswith(reverse("partners:event_detail", args=[workshop.pk]))
    assert "A record of the partners' databases." in str(vevent["DESCRIPTION"])
    assert "https://events.example.org/register" in str(vevent["DESCRIPTION"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Africa/Nairobi"]


def test_the_uid_of_an_event_never_changes(client, workshop):
    url = reverse("partners:event_ics", args=[workshop.pk])
    first = _parse(client.get(url)).walk("VEVENT")[0]["UID"]
    workshop.title = "Mangrove matchmaking workshop (new date)"
    workshop.save()

    assert _parse(client.get(url)).walk("VEVENT")[0]["UID"] == first


def test_an_unpublished_event_has_no_icalendar(client, organisation_x, member_x):
    draft = EventFactory(organisation=organisation_x, status=RecordStatus.DRAFT)
    url = reverse("partners:event_ics", args=[draft.pk])

    assert client.get(url).status_code == 404
    client.force_login(member_x)
    assert client.get(url).status_code == 200


def test_the_feed_lists_upcoming_and_recent_public_events(client, organisation_x):
    now = timezone.now()

    def event(title, days, **extra):
        start = now + datetime.timedelta(days=days)
        return EventFactory(
            organisation=organisation_x,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            **extra,
        )

    event("Next week", 7)
    event("Last month", -30, status=RecordStatus.CLOSED)
    event("Last year", -365, status=RecordStatus.CLOSED)
    event("Draft", 10, status=RecordStatus.DRAFT)

    cal = _parse(client.get(reverse("partners:events_ics")))

    titles = {str(vevent["SUMMARY"]) for vevent in cal.walk("VEVENT")}
    assert titles == {"Next week", "Last month"}


def test_the_feed_takes_the_lists_filters(client, workshop, webinar):
    cal = _parse(client.get(reverse("partners:events_ics") + "?event_type=webinar"))

    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Webinar on coral monitoring"
    assert str(vevent["LOCATION"]) == "Online"
    # A UTC event needs no time-zone definition.
    assert vevent["DTSTART"].dt == webinar.starts_at


def test_the_feed_refuses_an_unknown_filter(client):
    response = client.get(reverse("partners:events_ics") + "?event_type=no-such-type")

    assert response.status_code == 400
    assert "event_type" in response.content.decode()


def test_the_feed_needs_the_same_queries_for_many_events(
    client, organisation_x, django_assert_num_queries
):
    for day in range(1, 20):
        start = timezone.now() + datetime.timedelta(days=day)
        EventFactory(
            organisation=organisation_x,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )

    # 1. the events, with organisation, type and country joined
    with django_assert_num_queries(1):
        cal = _parse(client.get(reverse("partners:events_ics")))

    assert len(cal.walk("VEVENT")) == 19
