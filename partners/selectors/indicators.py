"""Reads: counts for monitoring, activities 2, 6, 7, 11, 12 and 14 of the capacity-building action
plan (see docs/indicators-partners.md for which function counts what).

Every function is one SQL query whose size does not depend on the number of rows: counts and sums
are computed by the database. ``start`` and ``end`` are dates, both included; leaving one out
leaves the period open on that side (``end`` alone gives the total at that date). Functions named
``..._by_...`` return ``(key, count)`` pairs, largest count first, where the key is a stable code
(ISO country code, M49 region code, vocabulary code, year) and ``None`` stands for "not known".
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
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)

__all__ = [
    "agreements_count_by_kind",
    "education_partnerships_count",
    "events_held_by_type",
    "fellowship_opportunities_count",
    "matchmaking_events_by_region",
    "matchmaking_events_count",
    "matchmaking_participants_count",
    "partners_registered_by_country_group",
    "partners_registered_by_region",
    "partners_registered_by_type",
    "partners_registered_count",
    "partners_with_records_count",
    "programme_participants_by_region",
    "programme_participants_count",
    "public_records_count_by_database",
    "resource_downloads_by_country",
    "resource_downloads_by_region",
    "resource_downloads_by_year",
    "resource_downloads_count",
    "support_network_agreements_count",
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
            condition &= Q(**{f"{field}__lt": _midnight(end + datetime.timedelta(days=1))})
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
    has_records = Q()
    for _key, model in PUBLIC_RECORD_MODELS:
        has_records |= Exists(
            model.objects.filter(
                _within("published_at", start, end),
                status__in=model.PUBLIC_STATUSES,
                **{model.ORGANISATION_FIELD: OuterRef("pk")},
            )
        )
    return Organisation.objects.filter(has_records, status=Organisation.Status.APPROVED).count()


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
        model.objects.public()
        .filter(_within("published_at", start, end))
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
    return Resource.objects.public().filter(
        _within("published_at", start, end), resource_type__code=TEACHING_MATERIAL
    )


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


def matchmaking_events_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """Matchmaking workshops and roundtables held in the period (activity 6)."""
    return _events_held(start, end).filter(event_type__code=MATCHMAKING_EVENT).count()


def matchmaking_participants_count(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """People who took part in the matchmaking workshops and roundtables held in the period
    (the organisers' ``participant_count``; events not yet counted add nothing)."""
    return (
        _events_held(start, end)
        .filter(event_type__code=MATCHMAKING_EVENT)
        .aggregate(total=Coalesce(Sum("participant_count"), Value(0), output_field=IntegerField()))[
            "total"
        ]
    )


def matchmaking_events_by_region(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> Pairs:
    """Matchmaking events held, by M49 region code of their country (``None``: online events
    and events without a country)."""
    return _pairs(
        _events_held(start, end).filter(event_type__code=MATCHMAKING_EVENT),
        "country__region__code",
    )


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
