"""Reads: counts for monitoring, activities 2, 6, 7, 11, 12 and 14 of the capacity-building action
plan (see docs/indicators-partners.md for which function counts what).

Every function is one SQL query whose size does not depend on the number of rows: counts and sums
are computed by the database. ``start`` and ``end`` are dates, both included; leaving one out
leaves the period open on that side (``end`` alone gives the total at that date). Functions named
``..._by_...`` return ``(key, count)`` pairs, largest count first, where the key is a stable code
(ISO country code, M49 region code, vocabulary code, year) and ``None`` stands for "not known".

The functions without ``_count``/``_by_`` (``registered_organisations(as_of)``,
``public_offers(as_of)``...) return the QuerySet of the records counted as of the end of the day
``as_of``, which monitoring groups and counts itself; the counts above are built on the same
querysets, so both always agree on what counts.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS

from ..models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    OpportunityApplication,
    Organisation,
    PartnerRecord,
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)

__all__ = [
    "agreements_count_by_kind",
    "education_partnerships_count",
    "education_partnerships_in_force",
    "events_held_by_type",
    "fellowship_opportunities_count",
    "held_matchmaking_events",
    "matchmaking_events_by_region",
    "matchmaking_events_count",
    "matchmaking_participants_count",
    "partners_registered_by_country_group",
    "partners_registered_by_region",
    "partners_registered_by_type",
    "partners_registered_count",
    "partners_with_records",
    "partners_with_records_count",
    "programme_participants",
    "programme_participants_by_region",
    "programme_participants_count",
    "public_agreements",
    "public_events",
    "public_initiatives",
    "public_offers",
    "public_opportunities",
    "public_records_by_database",
    "public_records_count_by_database",
    "public_resources",
    "registered_organisations",
    "resource_downloads",
    "resource_downloads_by_country",
    "resource_downloads_by_region",
    "resource_downloads_by_year",
    "resource_downloads_count",
    "support_network_agreements",
    "support_network_agreements_count",
    "teaching_materials",
    "teaching_materials_by_year",
    "teaching_materials_count",
]

Pairs = list[tuple[Any, int]]

# The record databases, by the key of their database (partners/databases.py).
PUBLIC_RECORD_MODELS = (
    ("offers", Offer),
    ("initiatives", Initiative),
    ("resources", Resource),
    ("opportunities", Opportunity),
    ("events", Event),
    ("agreements", PartnershipAgreement),
)
TEACHING_MATERIAL = "training_material"
MATCHMAKING_EVENT = "matchmaking_roundtable"
FELLOWSHIP = "fellowship"


# --- Helpers ------------------------------------------------------------------------------------
def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _next_day(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=1)


def _within(
    field: str, start: datetime.date | None, end: datetime.date | None, *, dates: bool = False
) -> Q:
    """``field`` falls between the days ``start`` and ``end`` (both included).

    Datetimes are compared with the bounds of the days (not with ``__date``), so that the
    database can use the field's index.
    """
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start if dates else _midnight(start)})
    if end is not None:
        if dates:
            condition &= Q(**{f"{field}__lte": end})
        else:
            condition &= Q(**{f"{field}__lt": _midnight(_next_day(end))})
    return condition


def _pairs(queryset: QuerySet, key: Any) -> Pairs:
    """``(key, count)`` of ``queryset`` grouped by ``key`` (a field path or an expression)."""
    # annotate() then values("key"): modeltranslation's values() without field names would
    # select (and group by) every column.
    return list(
        queryset.order_by()
        .annotate(key=F(key) if isinstance(key, str) else key)
        .values("key")
        .annotate(n=Count("pk"))
        .order_by("-n", "key")
        .values_list("key", "n")
    )


def _registered(start: datetime.date | None, end: datetime.date | None) -> QuerySet:
    # An organisation counts from its registration, once the help desk has approved it.
    return Organisation.objects.filter(
        _within("created_at", start, end), status=Organisation.Status.APPROVED
    )


def _public(
    model: type[PartnerRecord], start: datetime.date | None, end: datetime.date | None
) -> QuerySet:
    # A record counts from its first publication, while it is public (today's status: public
    # status, approved organisation).
    return model.objects.public().filter(_within("published_at", start, end))


def _with_records(start: datetime.date | None, end: datetime.date | None) -> QuerySet:
    # Approved organisations owning a public record first published in the period.
    has_records = Q()
    for _key, model in PUBLIC_RECORD_MODELS:
        has_records |= Exists(
            _public(model, start, end).filter(**{model.ORGANISATION_FIELD: OuterRef("pk")})
        )
    return Organisation.objects.filter(has_records, status=Organisation.Status.APPROVED)


# --- Activity 2: partners and their databases ---------------------------------------------------
def partners_registered_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Approved partner organisations registered in the period (activity 2: at least 50)."""
    return _registered(start, end).count()


def partners_registered_by_type(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Approved organisations by organisation type code (``government``, ``ngo``...)."""
    return _pairs(_registered(start, end), "organisation_type__code")


def partners_registered_by_region(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Approved organisations by M49 region code (``002`` Africa...) of their headquarters."""
    return _pairs(_registered(start, end), "country__region__code")


def partners_registered_by_country_group(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Approved organisations headquartered in an LDC, SIDS, LLDC or EIT, in that order (an
    organisation counts in each group its country belongs to)."""
    counts = _registered(start, end).aggregate(
        **{
            code: Count("pk", filter=Q(**{f"country__{flag}": True}))
            for code, flag in COUNTRY_GROUP_FLAGS.items()
        }
    )
    return [(code, counts[code]) for code in COUNTRY_GROUP_FLAGS]


def partners_with_records_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Approved organisations with at least one public record first published in the period
    (activity 2: "partners with records")."""
    return _with_records(start, end).count()


def public_records_count_by_database(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Public records of each database, in the order of the databases (activity 2: "records of
    initiatives, resources and opportunities"). Organisations count by registration, records by
    first publication."""
    key = CharField()
    counts = [
        _registered(start, end)
        .order_by()
        .annotate(database=Value("organisations", output_field=key))
        .values("database")
        .annotate(n=Count("pk"))
        .values_list("database", "n")
    ]
    counts += [
        _public(model, start, end)
        .order_by()
        .annotate(database=Value(name, output_field=key))
        .values("database")
        .annotate(n=Count("pk"))
        .values_list("database", "n")
        for name, model in PUBLIC_RECORD_MODELS
    ]
    found = dict(counts[0].union(*counts[1:], all=True))
    return [
        (name, found.get(name, 0))
        for name in ("organisations", *(name for name, _model in PUBLIC_RECORD_MODELS))
    ]


# --- Activities 2 and 14: downloads and teaching materials --------------------------------------
def _downloads(
    start: datetime.date | None, end: datetime.date | None, parties_only: bool
) -> QuerySet[ResourceDownload]:
    queryset = ResourceDownload.objects.filter(_within("downloaded_at", start, end))
    if parties_only:
        queryset = queryset.filter(country__is_cbd_party=True)
    return queryset


def resource_downloads_count(
    *,
    parties_only: bool = False,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> int:
    """Downloads of resources through the portal (activities 2 and 14: "downloads from the
    databases by Parties and other users"); ``parties_only``: from CBD Parties' countries."""
    return _downloads(start, end, parties_only).count()


def resource_downloads_by_country(
    *,
    parties_only: bool = False,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Pairs:
    """Downloads by the downloader's ISO country code (``None``: country not known)."""
    return _pairs(_downloads(start, end, parties_only), "country__code")


def resource_downloads_by_region(
    *,
    parties_only: bool = False,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Pairs:
    """Downloads by the M49 region code of the downloader's country (``None``: not known)."""
    return _pairs(_downloads(start, end, parties_only), "country__region__code")


def resource_downloads_by_year(
    *,
    parties_only: bool = False,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Pairs:
    """Downloads by calendar year (UTC), oldest year first."""
    rows = (
        _downloads(start, end, parties_only)
        .order_by()
        .annotate(year=ExtractYear("downloaded_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
        .values_list("year", "n")
    )
    return list(rows)


def _teaching_materials(start: datetime.date | None, end: datetime.date | None) -> QuerySet:
    return _public(Resource, start, end).filter(resource_type__code=TEACHING_MATERIAL)


def teaching_materials_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Public resources of type "training and teaching material" first published in the period
    (activity 14: "new teaching materials produced")."""
    return _teaching_materials(start, end).count()


def teaching_materials_by_year(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Teaching materials by year of first publication, oldest first."""
    rows = (
        _teaching_materials(start, end)
        .order_by()
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
        .values_list("year", "n")
    )
    return list(rows)


# --- Activity 6: matchmaking workshops and roundtables ------------------------------------------
def _events_held(start: datetime.date | None, end: datetime.date | None) -> QuerySet[Event]:
    # Held: public, and over. An event belongs to the period in which it started.
    return Event.objects.public().filter(
        _within("starts_at", start, end), ends_at__lte=timezone.now()
    )


def _matchmaking_events(start: datetime.date | None, end: datetime.date | None) -> QuerySet[Event]:
    return _events_held(start, end).filter(event_type__code=MATCHMAKING_EVENT)


def matchmaking_events_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Matchmaking workshops and roundtables held in the period (activity 6)."""
    return _matchmaking_events(start, end).count()


def matchmaking_participants_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """People who took part in the matchmaking workshops and roundtables held in the period
    (the organisers' ``participant_count``; events not yet counted add nothing)."""
    return _matchmaking_events(start, end).aggregate(
        total=Coalesce(Sum("participant_count"), Value(0), output_field=IntegerField())
    )["total"]


def matchmaking_events_by_region(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Matchmaking events held, by M49 region code of their country (``None``: online events
    and events without a country)."""
    return _pairs(_matchmaking_events(start, end), "country__region__code")


def events_held_by_type(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Events held in the period, by event type code (``workshop``, ``webinar``...)."""
    return _pairs(_events_held(start, end), "event_type__code")


# --- Activities 7 and 12: agreements ------------------------------------------------------------
def _agreements(
    start: datetime.date | None, end: datetime.date | None, *, in_force: bool
) -> QuerySet[PartnershipAgreement]:
    agreements = PartnershipAgreement.objects.public()
    if not in_force:
        return agreements.filter(_within("signed_on", start, end, dates=True))
    # In force at some time in the period: signed by its end, not ended before its start. A
    # closed agreement without an end date has ended at an unknown date: it no longer counts.
    today = timezone.localdate()
    end = end or today
    start = start or today
    return agreements.filter(
        Q(ends_on__gte=start) | Q(ends_on__isnull=True, status=RecordStatus.PUBLISHED),
        signed_on__lte=end,
    )


def support_network_agreements_count(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    in_force: bool = False,
) -> int:
    """Agreements signed with support-network partners in the period (activity 7); with
    ``in_force``, those in force at some time in the period (today when no period is given)."""
    return (
        _agreements(start, end, in_force=in_force)
        .filter(kind=PartnershipAgreement.Kind.SUPPORT_NETWORK)
        .count()
    )


def education_partnerships_count(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    in_force: bool = False,
) -> int:
    """Partnerships with education and training institutions signed in the period (activity 12);
    with ``in_force``, the active ones (at some time in the period; today without one)."""
    return (
        _agreements(start, end, in_force=in_force)
        .filter(kind=PartnershipAgreement.Kind.EDUCATION_INSTITUTION)
        .count()
    )


def agreements_count_by_kind(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    in_force: bool = False,
) -> Pairs:
    """Agreements signed (or in force) in the period by kind (``support_network``...)."""
    return _pairs(_agreements(start, end, in_force=in_force), "kind")


# --- Activity 11: fellowship and exchange programme ---------------------------------------------
def _participants(
    start: datetime.date | None, end: datetime.date | None
) -> QuerySet[OpportunityApplication]:
    # A participant counts from the day their application was accepted.
    return OpportunityApplication.objects.filter(
        _within("reviewed_at", start, end),
        status=OpportunityApplication.Status.ACCEPTED,
        opportunity__is_portal_programme=True,
    )


def programme_participants_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Participants of the portal's fellowship and exchange programme: applications accepted in
    the period (activity 11)."""
    return _participants(start, end).count()


def programme_participants_by_region(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Programme participants by the M49 region code of their country."""
    return _pairs(_participants(start, end), "country__region__code")


def fellowship_opportunities_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Public fellowship and exchange opportunities (any organisation's, the portal's included)
    first published in the period."""
    return (
        Opportunity.objects.public()
        .filter(_within("published_at", start, end), opportunity_type__code=FELLOWSHIP)
        .count()
    )


# --- Querysets as of a day (monitoring groups and counts them) ----------------------------------
def registered_organisations(as_of: datetime.date) -> QuerySet[Organisation]:
    """Approved organisations registered by the end of ``as_of`` (activity 2: partners
    registered). Approval is today's status: the organisation counts from its registration."""
    return _registered(None, as_of)


def public_offers(as_of: datetime.date) -> QuerySet[Offer]:
    """Public offers of support first published by the end of ``as_of``. Public is today's
    status (for every record type): published or closed (offers also paused), of an approved
    organisation."""
    return _public(Offer, None, as_of)


def public_initiatives(as_of: datetime.date) -> QuerySet[Initiative]:
    """Public initiatives first published by the end of ``as_of``."""
    return _public(Initiative, None, as_of)


def public_resources(as_of: datetime.date) -> QuerySet[Resource]:
    """Public resources first published by the end of ``as_of``."""
    return _public(Resource, None, as_of)


def public_opportunities(as_of: datetime.date) -> QuerySet[Opportunity]:
    """Public opportunities first published by the end of ``as_of``."""
    return _public(Opportunity, None, as_of)


def public_events(as_of: datetime.date) -> QuerySet[Event]:
    """Public events first published by the end of ``as_of`` (held or not)."""
    return _public(Event, None, as_of)


def public_agreements(as_of: datetime.date) -> QuerySet[PartnershipAgreement]:
    """Public partnership agreements first published by the end of ``as_of``."""
    return _public(PartnershipAgreement, None, as_of)


def public_records_by_database(as_of: datetime.date) -> dict[str, QuerySet]:
    """``{database: queryset}`` of the seven databases as of the end of ``as_of``, in the order of
    :func:`public_records_count_by_database`: organisations by registration, records by first
    publication."""
    return {
        "organisations": registered_organisations(as_of),
        **{name: _public(model, None, as_of) for name, model in PUBLIC_RECORD_MODELS},
    }


def partners_with_records(as_of: datetime.date) -> QuerySet[Organisation]:
    """Approved organisations with at least one public record first published by the end of
    ``as_of`` (activity 2: partners with records)."""
    return _with_records(None, as_of)


def resource_downloads(as_of: datetime.date) -> QuerySet[ResourceDownload]:
    """Downloads of resources through the portal by the end of ``as_of`` (activities 2, 14)."""
    return _downloads(None, as_of, False)


def teaching_materials(as_of: datetime.date) -> QuerySet[Resource]:
    """Public resources of type training and teaching material first published by the end of
    ``as_of`` (activity 14)."""
    return _teaching_materials(None, as_of)


def held_matchmaking_events(as_of: datetime.date) -> QuerySet[Event]:
    """Public matchmaking workshops and roundtables over by the end of ``as_of`` (and by now):
    activity 6. Their year is the year they started."""
    return _matchmaking_events(None, as_of).filter(ends_at__lt=_midnight(_next_day(as_of)))


def support_network_agreements(as_of: datetime.date) -> QuerySet[PartnershipAgreement]:
    """Public support-network agreements signed by ``as_of`` (activity 7)."""
    return _agreements(None, as_of, in_force=False).filter(
        kind=PartnershipAgreement.Kind.SUPPORT_NETWORK
    )


def education_partnerships_in_force(as_of: datetime.date) -> QuerySet[PartnershipAgreement]:
    """Public partnerships with education and training institutions in force on ``as_of``:
    signed by then and not ended before (activity 12: active partnerships)."""
    return _agreements(as_of, as_of, in_force=True).filter(
        kind=PartnershipAgreement.Kind.EDUCATION_INSTITUTION
    )


def programme_participants(as_of: datetime.date) -> QuerySet[OpportunityApplication]:
    """Applications to the portal's fellowship and exchange programme accepted by the end of
    ``as_of`` (activity 11)."""
    return _participants(None, as_of)
