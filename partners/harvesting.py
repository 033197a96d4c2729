"""Harvesting of records from partner systems (see :class:`~partners.models.HarvestSource`).

A harvest fetches the source's address, reads it as an Atom/RSS feed or as a JSON file in the
record exchange format (``shared/matching/README.md``), and upserts its entries by (source,
identifier at the source) in one transaction: new entries are created, changed ones updated,
identical ones left alone (not even ``updated_at`` moves), records no longer at the source are
marked gone (and closed when they were public), and records that come back are reopened. Every
harvest writes a :class:`~partners.models.HarvestRun` that says what changed and which entries were
skipped, and why. A source that cannot be fetched or read gives a failed run and changes nothing.

Writes of records go through ``partners.services`` (``record_create``, ``record_update``,
``record_set_status`` with ``by=None``: the portal itself). See ``docs/harvesting.md``.
"""

from __future__ import annotations

import datetime
import email.utils
import html
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.sax  # nosec B406 # SAXException only: feedparser parses (no external entities)
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OrganisationType,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

from . import services
from .models import (
    Event,
    HarvestRun,
    HarvestSource,
    Offer,
    Opportunity,
    Organisation,
    PartnerRecord,
    RecordStatus,
    Resource,
)

__all__ = ["HarvestError", "due_source_ids", "fetch", "harvest", "plain_text"]

logger = logging.getLogger(__name__)

# --- Fetching -------------------------------------------------------------------------------------
# Seconds a connection or a read may wait for the source (urllib applies it per operation)...
FETCH_TIMEOUT = 30
# ...and seconds a whole download may take, so a source that trickles bytes cannot hold a worker.
FETCH_DEADLINE = 120
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
USER_AGENT = "CHM-Portal-Harvester/1.0 (CBD clearing-house mechanism portal; partner records)"
ALLOWED_SCHEMES = ("http", "https")
ACCEPT = {
    HarvestSource.Format.FEED: (
        "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, "
        "*/*;q=0.1"
    ),
    HarvestSource.Format.RECORDS: "application/json, */*;q=0.1",
}

# --- Mapping --------------------------------------------------------------------------------------
# The type given to feed entries whose categories name no type of the vocabulary.
DEFAULT_RESOURCE_TYPE = "publication"
DEFAULT_EVENT_TYPE = "workshop"
# The type of a provider organisation whose JSON record names none.
DEFAULT_ORGANISATION_TYPE = "other"
# ev:location values that mean the event takes place online (compared in lower case).
ONLINE_LOCATIONS = {"online", "virtual", "webinar", "en ligne", "en línea", "internet"}
# How many identifiers a report lists per kind of change before it says "and N more".
REPORT_LIST_LIMIT = 100
# Sources are polled hourly: a source harvested a few minutes late is due a few minutes early.
DUE_GRACE = datetime.timedelta(minutes=10)

RECORD_MODELS: dict[str, type[PartnerRecord]] = {
    HarvestSource.RecordType.OFFER: Offer,
    HarvestSource.RecordType.RESOURCE: Resource,
    HarvestSource.RecordType.OPPORTUNITY: Opportunity,
    HarvestSource.RecordType.EVENT: Event,
}
# Lists of codes in a JSON offer -> the vocabulary each code must exist in.
OFFER_CODE_LISTS: dict[str, type[Model]] = {
    "support_types": SupportType,
    "thematic_areas": ThematicArea,
    "targets": GBFTarget,
    "capacity_levels": CapacityLevel,
    "languages": Language,
    "eligible_countries": Country,
    "eligible_regions": Region,
    "eligible_groups": CountryGroup,
}
# Feed categories are matched against these vocabularies, per record type; unknown ones are tags
# of the partner's own and are ignored.
FEED_CATEGORY_LISTS: dict[type[PartnerRecord], dict[str, type[Model]]] = {
    Offer: {
        "support_types": SupportType,
        "thematic_areas": ThematicArea,
        "targets": GBFTarget,
        "capacity_levels": CapacityLevel,
    },
    Resource: {"thematic_areas": ThematicArea, "targets": GBFTarget},
    Opportunity: {"thematic_areas": ThematicArea, "targets": GBFTarget},
    Event: {"thematic_areas": ThematicArea, "targets": GBFTarget},
}
# Licence statements (a rel="license" link, or the rights text), normalised to lower case with
# spaces as hyphens -> the licence. Checked in order: the first match wins.
LICENCE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("publicdomain/zero", Resource.Licence.CC0),
    ("cc0", Resource.Licence.CC0),
    ("publicdomain/mark", Resource.Licence.PUBLIC_DOMAIN),
    ("public-domain", Resource.Licence.PUBLIC_DOMAIN),
    ("by-nc-nd", Resource.Licence.OTHER),
    ("by-nd", Resource.Licence.OTHER),
    ("by-nc-sa/4.0", Resource.Licence.CC_BY_NC_SA),
    ("by-nc-sa-4.0", Resource.Licence.CC_BY_NC_SA),
    ("by-nc/4.0", Resource.Licence.CC_BY_NC),
    ("by-nc-4.0", Resource.Licence.CC_BY_NC),
    ("by-sa/4.0", Resource.Licence.CC_BY_SA),
    ("by-sa-4.0", Resource.Licence.CC_BY_SA),
    ("licenses/by/4.0", Resource.Licence.CC_BY),
    ("cc-by-4.0", Resource.Licence.CC_BY),
)


class HarvestError(Exception):
    """The source could not be fetched or read: the run fails and no record changes."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


# --- Fetching -------------------------------------------------------------------------------------
class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http and https addresses only (never to ftp: or file:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise HarvestError(
                _("The source redirected to “%(url)s”, which is not an http or https address.")
                % {"url": newurl}
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass(frozen=True)
class Fetched:
    """What a source answered."""

    url: str
    body: bytes
    content_type: str


def _too_large(size: int | None = None) -> HarvestError:
    if size is None:
        return HarvestError(
            _("The source sent more than %(limit)s: it was not read.")
            % {"limit": filesizeformat(MAX_RESPONSE_BYTES)}
        )
    return HarvestError(
        _("The source is %(size)s; at most %(limit)s are read.")
        % {"size": filesizeformat(size), "limit": filesizeformat(MAX_RESPONSE_BYTES)}
    )


def _timed_out() -> HarvestError:
    return HarvestError(
        _("The source did not answer within %(seconds)s seconds.") % {"seconds": FETCH_TIMEOUT}
    )


def fetch(url: str, *, accept: str = "*/*") -> Fetched:
    """Download ``url`` (http or https only), at most ``MAX_RESPONSE_BYTES``, or raise
    :class:`HarvestError` with a message for the run's report."""
    if urllib.parse.urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
        raise HarvestError(
            _("“%(url)s” is not an http or https address: only web addresses are harvested.")
            % {"url": url}
        )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_RESPONSE_BYTES:
                raise _too_large(int(length))
            chunks, size = [], 0
            while chunk := response.read(CHUNK_BYTES):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise _too_large()
                if time.monotonic() - started > FETCH_DEADLINE:
                    raise HarvestError(
                        _("The source took more than %(seconds)s seconds to send its content.")
                        % {"seconds": FETCH_DEADLINE}
                    )
                chunks.append(chunk)
            return Fetched(
                url=response.geturl(),
                body=b"".join(chunks),
                content_type=response.headers.get("Content-Type", ""),
            )
    except urllib.error.HTTPError as error:
        raise HarvestError(
            _("The source answered HTTP %(code)s (%(reason)s).")
            % {"code": error.code, "reason": error.reason}
        ) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timed_out() from error
        raise HarvestError(
            _("The source could not be reached: %(reason)s.") % {"reason": error.reason}
        ) from error
    except TimeoutError as error:
        raise _timed_out() from error
    except (OSError, HTTPException) as error:
        raise HarvestError(
            _("The connection to the source broke off: %(reason)s.")
            % {"reason": str(error) or type(error).__name__}
        ) from error


# --- Text -----------------------------------------------------------------------------------------
_BLOCK_BREAK = re.compile(
    r"<\s*(?:br|hr)\b[^>]*>|<\s*/\s*(?:p|div|li|h[1-6]|tr|blockquote|pre|section|ul|ol)\s*>",
    re.IGNORECASE,
)


def plain_text(value: str | None, *, single_line: bool = False) -> str:
    """The text of an HTML fragment: tags dropped (scripts and styles with their content),
    entities decoded, paragraphs kept as lines. Record fields refuse markup."""
    text = _BLOCK_BREAK.sub("\n", value or "")
    # Decoding "&lt;b&gt;" gives markup again: clean until none is left (twice is enough).
    for _attempt in range(3):
        text = html.unescape(nh3.clean(text, tags=set()))
        if not nh3.is_html(text):
            break
    lines = [" ".join(line.split()) for line in text.splitlines()]
    if single_line:
        return " ".join(line for line in lines if line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _content_language(code: str | None) -> str | None:
    """The content language ``code`` (a BCP 47 tag: "fr-FR", "zh-CN") stands for, if any."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    languages = [language for language, _name in settings.CONTENT_LANGUAGES]
    if code in languages:
        return code
    primary = code.split("-")[0]
    return next((language for language in languages if language.split("-")[0] == primary), None)


def _http_link(value: str | None) -> str:
    value = (value or "").strip()
    return value if urllib.parse.urlsplit(value).scheme.lower() in ALLOWED_SCHEMES else ""


def _struct_datetime(value) -> datetime.datetime | None:
    """feedparser's UTC ``time.struct_time`` as an aware datetime."""
    if not value:
        return None
    return datetime.datetime(*value[:6], tzinfo=datetime.UTC)


def _parse_moment(value: str | None, *, end_of_day: bool = False) -> datetime.datetime | None:
    """A W3C date-time (``2026-05-01T09:00+03:00``), a date, or an RFC 822 date, made aware
    (UTC when the source gives no offset). A date alone is the start (or end) of that day."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        # A date alone first: parse_datetime would read it as midnight, even for an end.
        if day := parse_date(value):
            moment = datetime.datetime.combine(
                day, datetime.time.max.replace(microsecond=0) if end_of_day else datetime.time.min
            )
        else:
            moment = parse_datetime(value) or email.utils.parsedate_to_datetime(value)
    except (ValueError, TypeError):
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _licence(statements: Iterable[str]) -> str:
    """The licence a rel="license" link or a rights statement names; all rights reserved when
    the source states none, "other" when it states one that is not in the list."""
    stated = False
    for statement in statements:
        normalised = "-".join((statement or "").lower().split())
        if not normalised:
            continue
        stated = True
        for pattern, licence in LICENCE_PATTERNS:
            if pattern in normalised:
                return licence
    return Resource.Licence.OTHER if stated else Resource.Licence.ALL_RIGHTS_RESERVED


# --- What a source says ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ProviderSpec:
    """The provider of a JSON offer, as the file describes it."""

    external_id: str
    name: str
    organisation_type: OrganisationType
    country: Country | None


@dataclass
class Harvested:
    """One record as its source gives it: the fields and relations to store."""

    external_id: str
    data: dict[str, Any]
    relations: dict[str, list[Model]]
    provider: ProviderSpec | None = None


@dataclass
class Batch:
    """Everything a source gave: records of ``model``, the entries skipped while reading, and
    every identifier seen (skipped entries included: they are still at the source)."""

    model: type[PartnerRecord]
    items: list[Harvested] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def see(self, external_id: str) -> bool:
        """Note ``external_id``; False when the source already gave it."""
        if external_id in self.seen:
            self.skipped.append(
                (external_id, str(_("The source gives this identifier twice: kept the first.")))
            )
            return False
        self.seen.add(external_id)
        return True


class _Vocabularies:
    """The rows of each vocabulary by code, lower-cased, loaded once per harvest."""

    def __init__(self) -> None:
        self._terms: dict[type[Model], dict[str, Model]] = {}

    def terms(self, model: type[Model]) -> dict[str, Model]:
        if model not in self._terms:
            self._terms[model] = {row.code.lower(): row for row in model.objects.all()}
        return self._terms[model]

    def get(self, model: type[Model], code: Any) -> Model | None:
        return self.terms(model).get(str(code).strip().lower())

    def language(self, content_language: str) -> Language | None:
        """The vocabulary language of a content language ("zh-hans" is "zh")."""
        return self.get(Language, content_language) or self.get(
            Language, content_language.split("-")[0]
        )


def _entry_text(entry: Mapping, *names: str) -> str:
    for name in names:
        if name == "content":
            for content in entry.get("content") or ():
                if (content.get("value") or "").strip():
                    return content["value"]
        elif (entry.get(name) or "").strip():
            return entry[name]
    return ""


def _entry_language(entry: Mapping, feed_language: str | None) -> str:
    for detail in ("title_detail", "summary_detail"):
        language = _content_language((entry.get(detail) or {}).get("language"))
        if language:
            return language
    return feed_language or settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def _localised(name: str, language: str) -> str:
    return build_localized_fieldname(name, language.replace("-", "_"))


def _content(language: str, *, title: str, description: str) -> dict[str, Any]:
    return {
        "language": language,
        _localised("title", language): _shorten(title, 300),
        _localised("description", language): description,
    }


def parse_feed(source: HarvestSource, fetched: Fetched) -> Batch:
    """The entries of an Atom or RSS feed as records of ``source.record_type``."""
    parsed = feedparser.parse(
        fetched.body,
        response_headers={"content-type": fetched.content_type, "content-location": fetched.url},
    )
    if not parsed.get("version"):
        raise HarvestError(_("The address did not return an Atom or RSS feed."))
    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        # A truncated or broken feed would make its missing entries look gone: read none.
        raise HarvestError(
            _("The feed is not well-formed XML (%(error)s).") % {"error": parsed["bozo_exception"]}
        )
    model = RECORD_MODELS[source.record_type]
    batch = Batch(model=model)
    vocabularies = _Vocabularies()
    feed_language = _content_language(parsed.feed.get("language"))
    for position, entry in enumerate(parsed.entries, start=1):
        external_id = (entry.get("id") or entry.get("link") or "").strip()
        if not external_id:
            batch.skipped.append(
                (
                    str(_("entry %(number)s") % {"number": position}),
                    str(_("It has neither an identifier nor a link.")),
                )
            )
            continue
        if not batch.see(external_id):
            continue
        try:
            batch.items.append(_feed_record(model, entry, external_id, feed_language, vocabularies))
        except ValidationError as error:
            batch.skipped.append((external_id, _error_text(model, error)))
    return batch


def _feed_record(
    model: type[PartnerRecord],
    entry: Mapping,
    external_id: str,
    feed_language: str | None,
    vocabularies: _Vocabularies,
) -> Harvested:
    if model is Opportunity:
        # Feeds have no element for an application deadline, which every opportunity needs; a
        # publication or update date is not one.
        raise ValidationError(
            _(
                "Feeds carry no application deadline, which an opportunity needs: publish "
                "opportunities on the portal or ask the help desk."
            )
        )
    if len(external_id) > 200:
        raise ValidationError(_("The identifier is longer than 200 characters."))
    title = plain_text(entry.get("title"), single_line=True)
    description = plain_text(_entry_text(entry, "summary", "content"))
    if not title:
        raise ValidationError(_("The entry has no title."))
    if not description:
        raise ValidationError(_("The entry has no summary or content to describe it."))
    language = _entry_language(entry, feed_language)
    data = _content(language, title=title, description=description)
    terms = [str(tag.get("term") or "").strip() for tag in entry.get("tags") or ()]
    relations: dict[str, list[Model]] = {
        name: _matching(vocabularies, vocabulary, terms)
        for name, vocabulary in FEED_CATEGORY_LISTS[model].items()
    }
    link = _http_link(entry.get("link"))
    if model is Resource:
        published = _struct_datetime(entry.get("published_parsed") or entry.get("updated_parsed"))
        authors = ", ".join(
            plain_text(author.get("name"), single_line=True)
            for author in entry.get("authors") or ()
            if author.get("name")
        )
        licence_links = [
            link_.get("href", "")
            for link_ in entry.get("links") or ()
            if link_.get("rel") == "license"
        ]
        data |= {
            "resource_type": _first(vocabularies, ResourceType, terms, DEFAULT_RESOURCE_TYPE),
            "url": link,
            "authors": _shorten(authors, 500),
            "publication_year": published.year if published and published.year >= 1900 else None,
            "licence": _licence([*licence_links, entry.get("rights") or ""]),
        }
        language_row = vocabularies.language(language)
        relations["languages"] = [language_row] if language_row else []
    elif model is Event:
        starts_at = _parse_moment(entry.get("ev_startdate"))
        ends_at = _parse_moment(entry.get("ev_enddate"), end_of_day=True)
        if starts_at is None or ends_at is None:
            raise ValidationError(
                _(
                    "An event needs its start and end (ev:startdate and ev:enddate of the RSS "
                    "event module) in a date format the harvester reads."
                )
            )
        location = plain_text(entry.get("ev_location"), single_line=True)
        is_online = location.lower() in ONLINE_LOCATIONS
        event_type = vocabularies.get(EventType, entry.get("ev_type") or "")
        data |= {
            "event_type": event_type or _first(vocabularies, EventType, terms, DEFAULT_EVENT_TYPE),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "is_online": is_online,
            "venue": "" if is_online else _shorten(location, 300),
            "registration_url": link,
        }
    return Harvested(external_id=external_id, data=data, relations=relations)


def _matching(vocabularies: _Vocabularies, model: type[Model], terms: Iterable[str]) -> list:
    rows = {vocabularies.get(model, term) for term in terms if term}
    return sorted((row for row in rows if row is not None), key=lambda row: row.pk)


def _first(vocabularies: _Vocabularies, model: type[Model], terms: Iterable[str], default: str):
    for term in terms:
        if row := vocabularies.get(model, term):
            return row
    row = vocabularies.get(model, default)
    if row is None:
        raise ValidationError(_("The vocabulary has no term “%(code)s”.") % {"code": default})
    return row


def parse_records(source: HarvestSource, fetched: Fetched) -> Batch:
    """The offers of a JSON file in the record exchange format (its needs are ignored: requests
    for assistance come from Parties through the portal)."""
    try:
        document = json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise HarvestError(
            _("The source is not a JSON file (%(error)s).") % {"error": error}
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("offers"), list):
        raise HarvestError(
            _("The JSON file has no “offers” list: it is not in the record exchange format.")
        )
    batch = Batch(model=Offer)
    vocabularies = _Vocabularies()
    for position, offer in enumerate(document["offers"], start=1):
        raw_id = offer.get("id") if isinstance(offer, dict) else None
        external_id = str(raw_id).strip() if isinstance(raw_id, str | int) else ""
        if not external_id:
            batch.skipped.append(
                (
                    str(_("offer %(number)s") % {"number": position}),
                    str(_("It is not an object with an “id”.")),
                )
            )
            continue
        if not batch.see(external_id):
            continue
        try:
            batch.items.append(_json_offer(offer, external_id, vocabularies))
        except ValidationError as error:
            batch.skipped.append((external_id, _error_text(Offer, error)))
    if document.get("needs"):
        count = len(document["needs"]) if isinstance(document["needs"], list) else 1
        batch.notes.append(
            ngettext(
                "The file's need was ignored: needs come from Parties.",
                "The file's %(count)s needs were ignored: needs come from Parties.",
                count,
            )
            % {"count": count}
        )
    return batch


def _json_text(offer: Mapping, name: str) -> str:
    value = offer.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(_("“%(name)s” is not text.") % {"name": name})
    return value or ""


def _json_date(offer: Mapping, name: str) -> datetime.date | None:
    value = offer.get(name)
    if value in (None, ""):
        return None
    try:
        day = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(
            _("“%(name)s” is not a date in the form 2026-12-31: “%(value)s”.")
            % {"name": name, "value": value}
        )
    return day


def _json_offer(offer: Mapping, external_id: str, vocabularies: _Vocabularies) -> Harvested:
    if len(external_id) > 200:
        raise ValidationError(_("The identifier is longer than 200 characters."))
    language_code = _json_text(offer, "language") or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    language = _content_language(language_code)
    if language is None:
        raise ValidationError(_("Unknown language code “%(code)s”.") % {"code": language_code})
    title = plain_text(_json_text(offer, "title"), single_line=True)
    description = plain_text(_json_text(offer, "description"))
    if not title:
        raise ValidationError(_("The offer has no title."))
    if not description:
        raise ValidationError(_("The offer has no description."))
    relations: dict[str, list[Model]] = {}
    unknown: list[str] = []
    for name, vocabulary in OFFER_CODE_LISTS.items():
        codes = offer.get(name) or []
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ValidationError(_("“%(name)s” is not a list of codes.") % {"name": name})
        rows = []
        for code in codes:
            row = vocabularies.get(vocabulary, code)
            if row is None:
                unknown.append(f"{name}: {code}")
            elif row not in rows:
                rows.append(row)
        relations[name] = sorted(rows, key=lambda row: row.pk)
    if unknown:
        raise ValidationError(_("Unknown codes (%(codes)s).") % {"codes": ", ".join(unknown)})
    data = _content(language, title=title, description=description) | {
        "available_from": _json_date(offer, "available_from"),
        "available_until": _json_date(offer, "available_until"),
    }
    return Harvested(
        external_id=external_id,
        data=data,
        relations=relations,
        provider=_json_provider(offer.get("provider"), vocabularies),
    )


def _json_provider(provider: Any, vocabularies: _Vocabularies) -> ProviderSpec | None:
    """The provider a JSON offer names; None: the source's own organisation provides it."""
    if provider is None:
        return None
    if not isinstance(provider, dict):
        raise ValidationError(_("“provider” is not an object."))
    raw_id = provider.get("id")
    external_id = str(raw_id).strip() if isinstance(raw_id, str | int) else ""
    name = plain_text(_json_text(provider, "name"), single_line=True)
    if not external_id or not name:
        raise ValidationError(_("The provider needs an “id” and a “name”."))
    if len(external_id) > 200:
        raise ValidationError(_("The provider's identifier is longer than 200 characters."))
    type_code = _json_text(provider, "type") or DEFAULT_ORGANISATION_TYPE
    organisation_type = vocabularies.get(OrganisationType, type_code)
    if organisation_type is None:
        raise ValidationError(
            _("Unknown codes (%(codes)s).") % {"codes": f"provider type: {type_code}"}
        )
    country = None
    if country_code := _json_text(provider, "country"):
        country = vocabularies.get(Country, country_code)
        if country is None:
            raise ValidationError(
                _("Unknown codes (%(codes)s).") % {"codes": f"provider country: {country_code}"}
            )
    return ProviderSpec(
        external_id=external_id,
        name=_shorten(name, 300),
        organisation_type=organisation_type,
        country=country,
    )


def _error_text(model: type[Model], error: ValidationError) -> str:
    """A validation error as one line: "field: message" for each field."""
    if not hasattr(error, "error_dict"):
        return " ".join(str(message) for message in error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(str(message) for message in messages)
        try:
            label = (
                str(model._meta.get_field(name).verbose_name) if name != NON_FIELD_ERRORS else ""
            )
        except FieldDoesNotExist:
            label = name
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


# --- Storing --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a harvest changed, for the run's counts and report."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    gone: list[str] = field(default_factory=list)
    back: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)

    def report(self, batch: Batch, fetched: Fetched) -> str:
        lines = [
            ngettext(
                "Read %(size)s from %(url)s: %(count)s entry.",
                "Read %(size)s from %(url)s: %(count)s entries.",
                len(batch.seen),
            )
            % {
                "size": filesizeformat(len(fetched.body)),
                "url": fetched.url,
                "count": len(batch.seen),
            }
        ]
        for label, ids in (
            (_("Created"), self.created),
            (_("Updated"), self.updated),
            (_("Back at the source (reopened)"), self.back),
            (_("Gone from the source"), self.gone),
            (_("Provider organisations created"), self.providers),
        ):
            if ids:
                lines.append(f"{label} ({len(ids)}): {_listed(ids)}")
        lines.append(f"{_('Unchanged')}: {self.unchanged}")
        lines.extend(batch.notes)
        if batch.skipped:
            lines.append(f"{_('Skipped')} ({len(batch.skipped)}):")
            lines.extend(f"- {external_id}: {reason}" for external_id, reason in batch.skipped)
        return "\n".join(lines)


def _listed(ids: list[str]) -> str:
    shown = ", ".join(ids[:REPORT_LIST_LIMIT])
    if len(ids) > REPORT_LIST_LIMIT:
        shown += " " + str(_("and %(count)s more") % {"count": len(ids) - REPORT_LIST_LIMIT})
    return shown


def _differences(record: PartnerRecord, item: Harvested, data: Mapping[str, Any]) -> list[str]:
    """The names of the fields and relations whose stored value differs from the source's."""
    changed = []
    for name, value in data.items():
        stored = getattr(record, record._meta.get_field(name).attname)
        wanted = value.pk if isinstance(value, Model) else value
        # Translation columns hold NULL where no text was ever given: the same as "".
        if ("" if stored is None else stored) != ("" if wanted is None else wanted):
            changed.append(name)
    for name, rows in item.relations.items():
        # Prefetched by _store: no query per record.
        if {row.pk for row in getattr(record, name).all()} != {row.pk for row in rows}:
            changed.append(name)
    return changed


class _Providers:
    """Provider organisations of JSON offers, found or created by (source, provider id)."""

    def __init__(self, source: HarvestSource, outcome: Outcome) -> None:
        self.source = source
        self.outcome = outcome
        self.resolved: dict[str, Organisation] = {}

    def resolve(self, spec: ProviderSpec) -> Organisation:
        if spec.external_id in self.resolved:
            return self.resolved[spec.external_id]
        with transaction.atomic():
            organisation = Organisation.objects.filter(
                source=self.source, external_id=spec.external_id
            ).first()
            if organisation is None:
                organisation = self._create(spec)
            else:
                self._refresh(organisation, spec)
        self.resolved[spec.external_id] = organisation
        return organisation

    def _create(self, spec: ProviderSpec) -> Organisation:
        # A harvested provider is vouched for by the source's organisation: approved when that
        # organisation is approved, otherwise pending like any new organisation.
        # Files imported by the operators (no organisation) are vouched for by them.
        approved = self.source.organisation is None or self.source.organisation.is_approved
        organisation = Organisation(
            name=spec.name,
            organisation_type=spec.organisation_type,
            country=spec.country,
            status=Organisation.Status.APPROVED if approved else Organisation.Status.PENDING,
            decided_at=timezone.now() if approved else None,
            source=self.source,
            external_id=spec.external_id,
        )
        organisation.full_clean()
        organisation.save()
        self.outcome.providers.append(f"{spec.external_id} ({spec.name})")
        return organisation

    def _refresh(self, organisation: Organisation, spec: ProviderSpec) -> None:
        wanted = {
            "name": spec.name,
            "organisation_type_id": spec.organisation_type.pk,
            "country_id": spec.country.pk if spec.country else None,
        }
        changed = [name for name, value in wanted.items() if getattr(organisation, name) != value]
        if not changed:
            return
        for name, value in wanted.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation.save()


def _store(source: HarvestSource, batch: Batch) -> Outcome:
    """Upsert ``batch`` into the records of ``source`` in one transaction; mark the rest gone.

    Locks the source's row, so that two harvests of one source (the hourly job and a command,
    say) store one after the other; the unique (source, external_id) constraints stand behind it.
    """
    outcome = Outcome()
    model = batch.model
    with transaction.atomic():
        # Only the source's row is locked: its organisation is an outer join (file imports have
        # none), which PostgreSQL cannot lock.
        source = (
            HarvestSource.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=source.pk)
        )
        providers = _Providers(source, outcome)
        relation_names = sorted({name for item in batch.items for name in item.relations})
        existing = {
            record.external_id: record
            for record in model.objects.filter(source=source).prefetch_related(*relation_names)
        }
        for item in batch.items:
            record = existing.get(item.external_id)
            try:
                owner = providers.resolve(item.provider) if item.provider else source.organisation
                if owner is None:
                    raise ValidationError(_("The offer names no provider."))
                data = _record_data(model, item, owner, record)
                if (
                    record is not None
                    and record.gone_from_source_at is None
                    and not _differences(record, item, data)
                ):
                    # No write, not even a savepoint: an unchanged entry costs no query.
                    outcome.unchanged += 1
                    continue
                # One savepoint per entry: an entry that fails validation leaves no trace.
                with transaction.atomic():
                    _store_item(source, model, item, data, record, outcome)
            except ValidationError as error:
                batch.skipped.append((item.external_id, _error_text(model, error)))
            except IntegrityError:
                batch.skipped.append(
                    (
                        item.external_id,
                        str(_("Another harvest stored this identifier at the same time.")),
                    )
                )
        now = timezone.now()
        for other in RECORD_MODELS.values():
            _mark_gone(source, other, batch.seen if other is model else set(), now, outcome)
    return outcome


def _record_data(
    model: type[PartnerRecord],
    item: Harvested,
    owner: Organisation,
    record: PartnerRecord | None,
) -> dict[str, Any]:
    """The fields to store for ``item``, its owning organisation included."""
    data = {model.ORGANISATION_FIELD: owner, **item.data}
    if record is not None and record.language != item.data["language"]:
        # The text moved to another language: the previous original is no longer the source's.
        for name in ("title", "description"):
            data.setdefault(_localised(name, record.language), "")
    return data


def _store_item(
    source: HarvestSource,
    model: type[PartnerRecord],
    item: Harvested,
    data: dict[str, Any],
    record: PartnerRecord | None,
    outcome: Outcome,
) -> None:
    """Create, update or reopen the record of ``item`` (called inside a savepoint)."""
    if record is None:
        # An offer whose availability has already ended (a file of past records) is stored as
        # the daily expiry would have left it: closed.
        ended = model is Offer and (data.get("available_until") or datetime.date.max) < (
            timezone.localdate()
        )
        created = services.record_create(
            model=model,
            organisation=data[model.ORGANISATION_FIELD],
            by=None,
            data=data,
            relations=item.relations,
            publish=source.publish_records and not ended,
        )
        # Protected from record_create's data: set in the same savepoint, under the constraint.
        protected = {"source": source, "external_id": item.external_id}
        if ended and source.publish_records:
            protected.update(
                status=RecordStatus.CLOSED, closed_automatically=True, published_at=timezone.now()
            )
        model.objects.filter(pk=created.pk).update(**protected)
        outcome.created.append(item.external_id)
        return
    if _differences(record, item, data):
        record = services.record_update(record=record, by=None, data=data, relations=item.relations)
    if record.gone_from_source_at is None:
        outcome.updated.append(item.external_id)
        return
    # Back at the source: reopen what the harvest closed, as the source publishes it.
    if record.status == RecordStatus.CLOSED and record.closed_automatically:
        services.record_set_status(
            record=record,
            by=None,
            status=RecordStatus.PUBLISHED if source.publish_records else RecordStatus.DRAFT,
        )
    model.objects.filter(pk=record.pk).update(gone_from_source_at=None)
    outcome.back.append(item.external_id)


def _mark_gone(
    source: HarvestSource,
    model: type[PartnerRecord],
    present: set[str],
    now: datetime.datetime,
    outcome: Outcome,
) -> None:
    """Mark the records of ``source`` that are no longer at it: public ones are closed (they stay
    visible, marked closed); drafts stay drafts. Nothing is deleted."""
    stale = [
        (pk, external_id, status)
        for pk, external_id, status in model.objects.filter(
            source=source, gone_from_source_at__isnull=True
        ).values_list("pk", "external_id", "status")
        if external_id not in present
    ]
    if not stale:
        return
    open_statuses = (RecordStatus.PUBLISHED, RecordStatus.PAUSED)
    public = [pk for pk, _id, status in stale if status in open_statuses]
    others = [pk for pk, _id, status in stale if status not in open_statuses]
    for start in range(0, len(public), 500):
        model.objects.filter(pk__in=public[start : start + 500]).update(
            status=RecordStatus.CLOSED,
            closed_automatically=True,
            gone_from_source_at=now,
            updated_at=now,
        )
    for start in range(0, len(others), 500):
        model.objects.filter(pk__in=others[start : start + 500]).update(
            gone_from_source_at=now, updated_at=now
        )
    outcome.gone.extend(sorted(external_id for _pk, external_id, _status in stale))


# --- Runs -----------------------------------------------------------------------------------------
PARSERS = {HarvestSource.Format.FEED: parse_feed, HarvestSource.Format.RECORDS: parse_records}


def harvest(source_id: int) -> HarvestRun | None:
    """Harvest one source now; returns its :class:`HarvestRun`, or None when the source does not
    exist or is inactive. A source that cannot be fetched or read gives a failed run and leaves
    every record as it was."""
    source = (
        HarvestSource.objects.select_related("organisation")
        .filter(pk=source_id, is_active=True)
        .first()
    )
    if source is None:
        return None
    # Reports and provider names are written in the portal's default language, whoever runs it.
    with translation.override(settings.LANGUAGE_CODE):
        run = HarvestRun.objects.create(source=source, started_at=timezone.now())
        try:
            fetched = fetch(source.url, accept=ACCEPT[source.format])
            batch = PARSERS[source.format](source, fetched)
            outcome = _store(source, batch)
        except HarvestError as error:
            run.status = HarvestRun.Status.FAILED
            run.report = str(_("Nothing was changed. %(error)s") % {"error": error.message})
        except Exception:
            logger.exception("Harvest of source %s failed", source.pk)
            run.status = HarvestRun.Status.FAILED
            run.report = str(
                _(
                    "The harvest stopped on an unexpected error and changed nothing; the details "
                    "are in the server's log."
                )
            )
        else:
            run.status = HarvestRun.Status.SUCCEEDED
            run.created = len(outcome.created)
            run.updated = len(outcome.updated) + len(outcome.back)
            run.unchanged = outcome.unchanged
            run.gone = len(outcome.gone)
            run.report = outcome.report(batch, fetched)
        run.finished_at = timezone.now()
        run.save()
    # Every attempt counts: a failing source is tried again after its interval, not every hour.
    HarvestSource.objects.filter(pk=source.pk).update(last_harvested_at=run.started_at)
    return run


def import_record_file(
    *, source_name: str, path: str, body: bytes, as_of: datetime.date | None = None
) -> tuple[HarvestRun, Batch]:
    """Import the offers of a file in the record exchange format, as the portal's operators do
    with ``manage.py import_records``: offers are created or updated by (source, id), each under
    its provider (found or created by (source, provider id), approved), and published.

    The source is a :class:`HarvestSource` named ``source_name`` with no organisation, kept
    inactive (the hourly harvest never fetches it); every import is one of its runs.
    """
    source = HarvestSource.objects.filter(
        name=source_name, format=HarvestSource.Format.RECORDS, organisation__isnull=True
    ).first() or HarvestSource.objects.create(
        name=source_name,
        url=f"file://{path}"[:500],
        format=HarvestSource.Format.RECORDS,
        record_type=HarvestSource.RecordType.OFFER,
        organisation=None,
        publish_records=True,
        is_active=False,
    )
    fetched = Fetched(url=f"file://{path}", body=body, content_type="application/json")
    with translation.override(settings.LANGUAGE_CODE):
        run = HarvestRun.objects.create(source=source, started_at=timezone.now())
        batch = parse_records(source, fetched)
        outcome = _store(source, batch)
        run.status = HarvestRun.Status.SUCCEEDED
        run.created = len(outcome.created)
        run.updated = len(outcome.updated) + len(outcome.back)
        run.unchanged = outcome.unchanged
        run.gone = len(outcome.gone)
        run.report = outcome.report(batch, fetched)
        run.finished_at = timezone.now()
        run.save()
    HarvestSource.objects.filter(pk=source.pk).update(
        last_harvested_at=run.started_at, records_as_of=as_of
    )
    return run, batch


def due_source_ids(*, now: datetime.datetime | None = None) -> list[int]:
    """Active sources never harvested, or last harvested ``interval_hours`` ago or more."""
    now = now or timezone.now()
    # Few sources, and SQLite cannot add an integer of hours to a date in SQL: decide in Python.
    return [
        pk
        for pk, last, hours in HarvestSource.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "last_harvested_at", "interval_hours")
        if last is None or last + datetime.timedelta(hours=hours) - DUE_GRACE <= now
    ]
