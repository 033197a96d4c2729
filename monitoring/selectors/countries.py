"""Reads of the country profiles: the Parties with their national CHM maturity level, and what one
Party's profile page shows, each in a fixed number of queries whatever the data.

A Party without a :class:`~monitoring.models.CountryProfile` row is at level 0, "not yet
described". Indicator figures (published requests, matches, projects, learners, alumni) are the
stored values of the latest recompute, broken down by country, so that the page agrees with the
dashboards; request counts by status are counted live (no indicator breaks them down by country).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce

from chm_portal.vocabularies.models import Country, GBFTarget
from needs.models import Need
from needs.selectors import (
    assessment_largest_gaps,
    latest_submitted_assessment,
    need_registry_list,
)

from ..indicators import get_indicator
from ..models import (
    MATURITY_SUPPORT_ACTIONS,
    CountryProfile,
    Dimension,
    IndicatorValue,
    MaturityLevel,
)

#: The stored indicators a profile shows, by what they are on the page.
PROFILE_INDICATORS = {
    "needs": "1.3",  # published requests
    "matches": "5.1",  # agreed matches
    "projects": "5.2",  # projects launched after a match
    "learners": "3.3",  # people using the learning platform
    "alumni": "10.1",  # active alumni
}
RECENT_REQUESTS = 10
LARGEST_GAPS = 5


# --- The list of Parties --------------------------------------------------------------------------
def party_list() -> QuerySet[Country]:
    """Every CBD Party by name, with its maturity ``level`` (0 without a profile),
    ``is_described`` (it has a profile), ``national_chm_url``, ``support_requested``,
    ``profile_notes`` and ``profile_updated_at``: one query, the region joined."""
    return (
        Country.objects.filter(is_cbd_party=True)
        .select_related("region")
        .annotate(
            level=Coalesce(F("monitoring_profile__maturity_level"), Value(0)),
            is_described=ExpressionWrapper(
                Q(monitoring_profile__isnull=False), output_field=BooleanField()
            ),
            national_chm_url=Coalesce(
                F("monitoring_profile__national_chm_url"), Value(""), output_field=CharField()
            ),
            support_requested=Coalesce(
                F("monitoring_profile__support_requested"), Value(""), output_field=TextField()
            ),
            profile_notes=Coalesce(
                F("monitoring_profile__notes"), Value(""), output_field=TextField()
            ),
            profile_updated_at=F("monitoring_profile__updated_at"),
        )
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class LevelCount:
    level: int
    label: Any
    action: Any
    count: int


def maturity_distribution(parties: QuerySet[Country]) -> list[LevelCount]:
    """How many of ``parties`` (from :func:`party_list`) are at each level, every level listed,
    in one query."""
    counts = dict(parties.order_by().values_list("level").annotate(count=Count("pk")))
    return [
        LevelCount(
            level=level.value,
            label=level.label,
            action=MATURITY_SUPPORT_ACTIONS[level],
            count=counts.get(level.value, 0),
        )
        for level in MaturityLevel
    ]


def country_figures(
    country_codes: Iterable[str], indicators: Iterable[str] | None = None
) -> tuple[dict[str, dict[str, float | None]], datetime.date | None]:
    """Stored values of ``indicators`` (codes; :data:`PROFILE_INDICATORS` by default) for each
    of ``country_codes``, as of each indicator's latest computed day: one query.

    Returns ``({country code: {indicator code: value}}, latest day)``. A country missing from a
    computed breakdown has 0; an indicator never computed, or not broken down by country, None.
    """
    codes = list(indicators if indicators is not None else PROFILE_INDICATORS.values())
    country_codes = list(country_codes)
    latest_day = (
        IndicatorValue.objects.filter(indicator=OuterRef("indicator"), dimension="")
        .order_by("-date")
        .values("date")[:1]
    )
    rows = IndicatorValue.objects.filter(
        Q(dimension="", key="") | Q(dimension=Dimension.COUNTRY, key__in=country_codes),
        indicator__in=codes,
        date=Subquery(latest_day),
    ).values_list("indicator", "date", "dimension", "key", "value")
    computed: dict[str, datetime.date] = {}
    found: dict[tuple[str, str], float | None] = {}
    for indicator, day, dimension, key, value in rows:
        if dimension == "":
            computed[indicator] = day
        else:
            found[(key, indicator)] = value
    by_country: dict = {}
    for country in country_codes:
        by_country[country] = {
            code: (
                found.get((country, code), 0) if _by_country(code) and code in computed else None
            )
            for code in codes
        }
    return by_country, max(computed.values(), default=None)


def _by_country(code: str) -> bool:
    """The indicator is broken down by country (an unknown one is trusted to be)."""
    indicator = get_indicator(code)
    return indicator is None or not indicator.dimensions or "country" in indicator.dimensions


# --- One Party's profile --------------------------------------------------------------------------
def party_by_code(code: str) -> Country | None:
    """The Party with ISO code ``code`` (any case), with its profile as :func:`party_list`
    annotates it; None for unknown codes and countries that are not Parties."""
    return party_list().select_related("monitoring_profile").filter(code=code.upper()).first()


def profile_of(country: Country) -> CountryProfile | None:
    """The country's profile, None when it has none yet (no query after :func:`party_by_code`)."""
    try:
        return country.monitoring_profile
    except CountryProfile.DoesNotExist:
        return None


@dataclass
class CountryProfileData:
    """Everything a Party's profile page (and its API) shows."""

    country: Country
    profile: CountryProfile | None
    level: int
    level_label: Any
    recommended_support: Any
    status_counts: list[tuple[str, Any, int]]
    requests_total: int
    recent_requests: list
    figures: dict[str, float | None]
    figures_as_of: datetime.date | None
    assessment: Any
    largest_gaps: list[dict] = field(default_factory=list)


def request_status_counts(country: Country) -> list[tuple[str, Any, int]]:
    """``(status, label, count)`` of the requests made for ``country`` once submitted (drafts
    are their authors' own), in workflow order, statuses without requests left out: one query.

    Only numbers are shown, so restricted requests count too."""
    counts = dict(
        Need.objects.filter(country=country)
        .exclude(status=Need.Status.DRAFT)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return [
        (status.value, status.label, counts[status.value])
        for status in Need.Status
        if counts.get(status.value)
    ]


def recent_public_requests(country: Country, *, limit: int = RECENT_REQUESTS) -> list:
    """The latest published public requests of ``country``: one query (no prefetch)."""
    return list(need_registry_list().filter(country=country).prefetch_related(None)[:limit])


def largest_gaps(country: Country, *, limit: int = LARGEST_GAPS):
    """The latest submitted assessment of ``country`` and its targets with the largest capacity
    gaps, each ``{"code", "number", "title", "gap"}``: three queries at most."""
    assessment = latest_submitted_assessment(country.pk)
    if assessment is None:
        return None, []
    rows = list(assessment_largest_gaps(assessment, limit=limit))
    titles = dict(
        GBFTarget.objects.filter(code__in=[row["target__code"] for row in rows]).values_list(
            "code", "title"
        )
    )
    return assessment, [
        {
            "code": row["target__code"],
            "number": row["target__number"],
            "title": titles.get(row["target__code"], ""),
            "gap": row["gap"],
        }
        for row in rows
    ]


def country_profile_data(country: Country) -> CountryProfileData:
    """One Party's profile: maturity level and the support recommended, requests by status and
    the latest public ones, stored indicator figures, the assessment's largest gaps. Seven
    queries at most, whatever the number of requests or values."""
    profile = profile_of(country)
    level = MaturityLevel(profile.maturity_level if profile else MaturityLevel.NO_FOCAL_POINT)
    status_counts = request_status_counts(country)
    figures, as_of = country_figures([country.code])
    assessment, gaps = largest_gaps(country)
    return CountryProfileData(
        country=country,
        profile=profile,
        level=level.value,
        level_label=level.label,
        recommended_support=MATURITY_SUPPORT_ACTIONS[level],
        status_counts=status_counts,
        requests_total=sum(count for _status, _label, count in status_counts),
        recent_requests=recent_public_requests(country),
        figures={name: figures[country.code][code] for name, code in PROFILE_INDICATORS.items()},
        figures_as_of=as_of,
        assessment=assessment,
        largest_gaps=gaps,
    )
