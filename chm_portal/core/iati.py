"""IATI activity XML (standard 2.03): a small description of an activity, the XML written from
it, streamed documents of many activities, and validation against the official schema.

An app describes its records as :class:`Activity` values in its own ``iati.py`` (the codes of
its statuses, roles and vocabularies are its business) and lists them in ``IATI_SOURCES``; the
``export_iati`` command finds those modules (:func:`iati_sources`), as ``seed_demo`` finds the
``demo`` modules. This module knows no domain app.

What the builder guarantees beyond the XSD (the IATI rulesets check these and the schema does
not): elements in the schema's order; an actual date is never in the future; at least one start
date (planned or actual); the percentages of the recipient countries and regions add up to 100,
and so do those of the sectors of each vocabulary; a budget period is at most one year (a budget
known for a longer period is spread evenly, as indicative budgets, over periods of a year);
narratives carry an ISO 639-1 ``xml:lang``. Text is escaped by lxml, so markup-like text in a
title stays text.

The schema files are vendored in ``iati_schema/`` (see its README for where they came from).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from lxml import etree

from .app_modules import app_modules
from .exports import iterate_rows

IATI_VERSION = "2.03"
SCHEMA_DIR = Path(__file__).resolve().parent / "iati_schema"
ACTIVITIES_SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "application/xml; charset=utf-8"

# The reporting organisation: the CHM, run by the CBD Secretariat (IATI OrganisationType 40,
# "Multilateral"); its identifier comes from the settings (IATI_ORGANISATION_IDENTIFIER).
REPORTING_ORG_TYPE = "40"
REPORTING_ORG_NAME = _("Clearing-House Mechanism of the Convention on Biological Diversity")

# IATI codelists used by the apps' mappings (https://iatistandard.org/en/iati-standard/203/).
STATUS_PIPELINE = "1"
STATUS_IMPLEMENTATION = "2"
STATUS_FINALISATION = "3"  # complete, open pending sign-off or evaluation
STATUS_CLOSED = "4"
STATUS_CANCELLED = "5"
ROLE_FUNDING = "1"
ROLE_ACCOUNTABLE = "2"
ROLE_EXTENDING = "3"
ROLE_IMPLEMENTING = "4"
DATE_PLANNED_START = "1"
DATE_ACTUAL_START = "2"
DATE_PLANNED_END = "3"
DATE_ACTUAL_END = "4"
DESCRIPTION_GENERAL = "1"
DESCRIPTION_OBJECTIVES = "2"
DESCRIPTION_OTHER = "4"
DOCUMENT_ACTIVITY_WEB_PAGE = "A12"
SECTOR_VOCABULARY_DAC = "1"
SECTOR_VOCABULARY_REPORTING_ORG = "99"
REGION_VOCABULARY_UN = "2"
BUDGET_ORIGINAL = "1"
BUDGET_INDICATIVE = "1"
# OECD DAC CRS purpose code 41030, "Biodiversity": what every activity of the portal serves.
DAC_BIODIVERSITY = "41030"

# Characters that IATI identifiers must not contain (IATI ruleset ``regex_matches``).
FORBIDDEN_IDENTIFIER_CHARACTERS = frozenset("/&|?")


# --- The description of an activity -------------------------------------------------------------
@dataclass(frozen=True)
class Narrative:
    """A text in one language (a portal language code such as ``fr`` or ``zh-hans``; ``""``
    when unknown: the text then inherits the activity's default language, if any)."""

    text: str
    language: str = ""


@dataclass(frozen=True)
class Description:
    type: str  # IATI DescriptionType
    narratives: tuple[Narrative, ...]


@dataclass(frozen=True)
class Participant:
    """An organisation taking part: its IATI role, names, and IATI type and identifier if known."""

    role: str
    names: tuple[Narrative, ...]
    type: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Place:
    """A recipient country (ISO 3166-1 alpha-2) or region (UN M49, vocabulary 2)."""

    code: str
    names: tuple[Narrative, ...] = ()


@dataclass(frozen=True)
class Sector:
    vocabulary: str
    code: str
    names: tuple[Narrative, ...] = ()
    vocabulary_uri: str = ""


@dataclass(frozen=True)
class Link:
    """A public web page about the activity (document-link)."""

    url: str
    titles: tuple[Narrative, ...]
    category: str = DOCUMENT_ACTIVITY_WEB_PAGE
    format: str = "text/html"


@dataclass(frozen=True)
class Budget:
    """What the activity is budgeted at over a period (split in years by the builder)."""

    value: Decimal
    currency: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class ActivityDate:
    type: str  # IATI ActivityDateType
    date: datetime.date
    narratives: tuple[Narrative, ...] = ()


@dataclass(frozen=True)
class Activity:
    """One IATI activity, as the apps describe their records (see :func:`activity_element`)."""

    identifier: str
    titles: tuple[Narrative, ...]
    descriptions: tuple[Description, ...]
    participants: tuple[Participant, ...]
    status: str  # IATI ActivityStatus
    dates: tuple[ActivityDate, ...]
    default_language: str = ""
    last_updated: datetime.datetime | None = None
    countries: tuple[Place, ...] = ()
    regions: tuple[Place, ...] = ()
    sectors: tuple[Sector, ...] = ()
    budget: Budget | None = None
    links: tuple[Link, ...] = ()


def iati_identifier(suffix: str) -> str:
    """The activity identifier: the publisher's organisation identifier, a hyphen, ``suffix``."""
    identifier = f"{settings.IATI_ORGANISATION_IDENTIFIER}-{suffix}"
    if FORBIDDEN_IDENTIFIER_CHARACTERS & set(identifier):
        raise ValueError(f"An IATI identifier may not contain / & | or ?: {identifier!r}")
    return identifier


def iati_language(code: str) -> str:
    """The ISO 639-1 code IATI wants for a portal language code (``zh-hans`` -> ``zh``)."""
    return code.split("-")[0].lower() if code else ""


def narratives(texts: dict[str, str]) -> tuple[Narrative, ...]:
    """A narrative per language that has a text (``{"en": ..., "fr": ...}``), in that order."""
    return tuple(
        Narrative(text.strip(), language)
        for language, text in texts.items()
        if text and text.strip()
    )


def activity_dates(
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    started: bool,
    ended: bool,
    recorded_on: datetime.date,
    today: datetime.date | None = None,
) -> tuple[ActivityDate, ...]:
    """The activity-date elements of an activity.

    A date is actual only when the record says that step happened (``started``, ``ended``) and the
    date is not in the future; otherwise it is planned. With no start date, the day the activity
    was recorded on the portal is given as the planned start (IATI wants one), saying so.
    """
    today = today or timezone.localdate()
    dates: list[ActivityDate] = []
    if start is not None:
        actual = started and start <= today
        dates.append(ActivityDate(DATE_ACTUAL_START if actual else DATE_PLANNED_START, start))
    else:
        day = min(recorded_on, end) if end else recorded_on
        note = _("No start date was given; this is the day the activity was recorded.")
        dates.append(ActivityDate(DATE_PLANNED_START, day, (interface_text(note),)))
    if end is not None:
        actual = ended and end <= today
        dates.append(ActivityDate(DATE_ACTUAL_END if actual else DATE_PLANNED_END, end))
    return tuple(dates)


def _active_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def interface_text(text: Any) -> Narrative:
    """A text of the portal itself (a translated label) in the active language."""
    return Narrative(str(text), _active_language())


# --- Arithmetic of shares and budget periods ----------------------------------------------------
CENT = Decimal("0.01")


def even_shares(count: int) -> list[Decimal]:
    """``count`` percentages with two decimals that add up to exactly 100."""
    if count <= 0:
        return []
    share = (Decimal(100) / count).quantize(CENT, rounding=ROUND_DOWN)
    shares = [share] * count
    shares[0] += Decimal(100) - share * count
    return shares


def _add_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def budget_periods(budget: Budget) -> list[tuple[datetime.date, datetime.date, Decimal]]:
    """``(start, end, value)`` of periods of at most a year covering the budget's period, the
    value spread in proportion to their days (to the cent; the last period takes the rounding)."""
    periods: list[tuple[datetime.date, datetime.date]] = []
    start = budget.start
    while start <= budget.end:
        end = min(_add_year(start) - datetime.timedelta(days=1), budget.end)
        periods.append((start, end))
        start = end + datetime.timedelta(days=1)
    total_days = (budget.end - budget.start).days + 1
    values: list[Decimal] = []
    for period_start, period_end in periods[:-1]:
        days = (period_end - period_start).days + 1
        values.append((budget.value * days / total_days).quantize(CENT, rounding=ROUND_DOWN))
    values.append(budget.value - sum(values, Decimal(0)))
    return [(start, end, value) for (start, end), value in zip(periods, values, strict=True)]


# --- XML ----------------------------------------------------------------------------------------
def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(
        parent, tag, {key.replace("_", "-"): v for key, v in attributes.items()}
    )


def _narratives(parent: etree._Element, items: Sequence[Narrative]) -> None:
    for item in items:
        element = _sub(parent, "narrative")
        if item.language:
            element.set(XML_LANG, iati_language(item.language))
        element.text = item.text


def _percentage(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))


def activity_element(activity: Activity) -> etree._Element:
    """The ``<iati-activity>`` element of ``activity``, its children in the schema's order."""
    if not activity.titles:
        raise ValueError("An IATI activity needs a title.")
    root = etree.Element("iati-activity")
    if activity.last_updated:
        root.set("last-updated-datetime", activity.last_updated.isoformat(timespec="seconds"))
    if activity.default_language:
        root.set(XML_LANG, iati_language(activity.default_language))
    _sub(root, "iati-identifier").text = activity.identifier
    reporting = _sub(
        root, "reporting-org", ref=settings.IATI_ORGANISATION_IDENTIFIER, type=REPORTING_ORG_TYPE
    )
    _narratives(reporting, [interface_text(REPORTING_ORG_NAME)])
    _narratives(_sub(root, "title"), activity.titles)
    descriptions = activity.descriptions or (Description(DESCRIPTION_GENERAL, activity.titles),)
    for description in descriptions:
        _narratives(_sub(root, "description", type=description.type), description.narratives)
    for participant in activity.participants:
        element = _sub(root, "participating-org", role=participant.role)
        if participant.ref:
            element.set("ref", participant.ref)
        if participant.type:
            element.set("type", participant.type)
        _narratives(element, participant.names)
    _sub(root, "activity-status", code=activity.status)
    for date in activity.dates:
        _narratives(
            _sub(root, "activity-date", type=date.type, iso_date=date.date.isoformat()),
            date.narratives,
        )
    places = [("recipient-country", place) for place in activity.countries] + [
        ("recipient-region", place) for place in activity.regions
    ]
    # One place needs no percentage; several share 100 evenly (the portal knows no split).
    shares = even_shares(len(places)) if len(places) > 1 else [None] * len(places)
    for (tag, place), share in zip(places, shares, strict=True):
        element = _sub(root, tag, code=place.code)
        if tag == "recipient-region":
            element.set("vocabulary", REGION_VOCABULARY_UN)
        if share is not None:
            element.set("percentage", _percentage(share))
        _narratives(element, place.names)
    for vocabulary in dict.fromkeys(sector.vocabulary for sector in activity.sectors):
        sectors = [sector for sector in activity.sectors if sector.vocabulary == vocabulary]
        for sector, share in zip(sectors, even_shares(len(sectors)), strict=True):
            element = _sub(root, "sector", vocabulary=vocabulary, code=sector.code)
            if sector.vocabulary_uri:
                element.set("vocabulary-uri", sector.vocabulary_uri)
            element.set("percentage", _percentage(share))
            _narratives(element, sector.names)
    if activity.budget is not None:
        for start, end, value in budget_periods(activity.budget):
            element = _sub(root, "budget", type=BUDGET_ORIGINAL, status=BUDGET_INDICATIVE)
            _sub(element, "period-start", iso_date=start.isoformat())
            _sub(element, "period-end", iso_date=end.isoformat())
            amount = _sub(
                element, "value", currency=activity.budget.currency, value_date=start.isoformat()
            )
            amount.text = str(value)
    for link in activity.links:
        element = _sub(root, "document-link", url=link.url, format=link.format)
        _narratives(_sub(element, "title"), link.titles)
        _sub(element, "category", code=link.category)
    return root


def _opening(generated: datetime.datetime) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{IATI_VERSION}" '
        f'generated-datetime="{generated.isoformat(timespec="seconds")}">\n'
    ).encode()


def document_chunks(activities: Iterable[Activity]) -> Iterator[bytes]:
    """The bytes of an ``<iati-activities>`` document, one activity at a time (constant
    memory). The schema wants at least one activity: callers check there is one."""
    yield _opening(timezone.now())
    for activity in activities:
        yield etree.tostring(activity_element(activity), encoding="utf-8") + b"\n"
    yield b"</iati-activities>\n"


def document(activities: Iterable[Activity]) -> bytes:
    """A whole ``<iati-activities>`` document."""
    return b"".join(document_chunks(activities))


def activities_of(
    rows: Iterable[Any], to_activity: Callable[[Any], Activity]
) -> Iterator[Activity]:
    """The activities of ``rows``, a QuerySet being read in chunks with its prefetches."""
    for row in iterate_rows(rows):
        yield to_activity(row)


# --- Validation ---------------------------------------------------------------------------------
def activities_schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema (``xml.xsd`` and ``iati-common.xsd`` beside it). Read anew
    each time: validation runs in the export command and tests, and a schema object keeps the
    errors of its last validation, which threads must not share."""
    return etree.XMLSchema(etree.parse(str(ACTIVITIES_SCHEMA)))


def validate_iati(source: bytes | str | Path) -> list[str]:
    """The errors of an IATI activity document (bytes, or the path of a file) against the
    schema; an empty list when it is valid.

    The document is parsed whole (lxml's streaming parsers let malformed XML through when given
    a schema), without resolving entities or reaching the network.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        if isinstance(source, bytes):
            tree = etree.ElementTree(etree.fromstring(source, parser))
        else:
            tree = etree.parse(str(source), parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    schema = activities_schema()
    if schema.validate(tree):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


# --- HTTP ---------------------------------------------------------------------------------------
def iati_response(activity: Activity, filename: str = "") -> HttpResponse:
    """A document of one activity."""
    response = HttpResponse(document([activity]), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _in_language(language: str | None, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` produced in ``language``: a streamed body is read after the view returned,
    when another language may be active (addresses of pages carry the language)."""
    with translation.override(language):
        yield from chunks


def stream_iati(
    rows: QuerySet, to_activity: Callable[[Any], Activity], filename: str
) -> StreamingHttpResponse:
    """A streamed document of the activities of ``rows`` (which must not be empty)."""
    response = StreamingHttpResponse(
        _in_language(translation.get_language(), document_chunks(activities_of(rows, to_activity))),
        content_type=CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Sources, for the export command ------------------------------------------------------------
@dataclass(frozen=True)
class IatiSource:
    """Records an app publishes as IATI activities: its public rows (with what the activity
    reads loaded) and the activity of a row, given a function making a path absolute."""

    key: str
    label: Any
    rows: Callable[[], QuerySet]
    activity: Callable[[Any, Callable[[str], str]], Activity]


def iati_sources() -> list[IatiSource]:
    """Every app's ``IATI_SOURCES`` (in its ``iati`` module), in the order of INSTALLED_APPS."""
    return [
        source
        for _app, module in app_modules("iati")
        for source in getattr(module, "IATI_SOURCES", ())
    ]
