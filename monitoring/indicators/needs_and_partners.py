"""The indicators of needs and partners: activities 1, 2, 4, 6, 7, 11, 12 and 14 of the annex of
the short-term action plan (2017-2020) on capacity-building, and the portal's request workflow.

What counts as public, approved, held or in force is decided by the apps' selectors
(``needs.selectors.indicators``, ``partners.selectors.indicators``; see
docs/indicators-partners.md); this module only says how the records are broken down. "Parties" are
the countries that are Parties to the CBD (``Country.is_cbd_party``).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS
from needs.selectors import indicators as needs
from partners.selectors import indicators as partners

from .base import (
    COUNTRY,
    COUNTRY_GROUP,
    KIND,
    REGION,
    STATUS,
    TARGET,
    THEMATIC_AREA,
    UNKNOWN,
    YEAR,
    Computed,
    CountOf,
    Indicator,
    MedianDays,
    Pairs,
    Result,
    Unit,
)

BY_PLACE = frozenset({REGION, COUNTRY})  # a record has one country, so one region


def _parties(queryset: QuerySet) -> QuerySet:
    """Only the records of countries that are Parties to the CBD."""
    return queryset.filter(country__is_cbd_party=True)


# --- Activity 2: records of the seven databases, one UNION query per breakdown ----------------
_RECORD_DIMENSIONS = (REGION, COUNTRY_GROUP, COUNTRY, TARGET, THEMATIC_AREA, YEAR, KIND)


def _database_paths(name: str, queryset: QuerySet) -> tuple[str, dict[str, object]]:
    """Where the records of a database keep what they are broken down by: the country path (the
    headquarters of the organisation, or of the record's owner), and ``{dimension: expression}``
    for targets, thematic areas, the year they count from and the database itself."""
    model = queryset.model
    owner = getattr(model, "ORGANISATION_FIELD", None)  # None: the organisations themselves
    country = f"{owner}__country" if owner else "country"
    none = Value(None, output_field=CharField())  # agreements have no targets
    return country, {
        REGION: F(f"{country}__region__code"),
        COUNTRY: F(f"{country}__code"),
        TARGET: F("targets__code") if hasattr(model, "targets") else none,
        THEMATIC_AREA: F("thematic_areas__code") if hasattr(model, "thematic_areas") else none,
        YEAR: ExtractYear("published_at" if owner else "created_at"),
        KIND: Value(name, output_field=CharField()),
    }


def _counted_by(queryset: QuerySet, key) -> QuerySet:
    """``(key, n)`` rows: ``queryset`` grouped by the expression ``key``."""
    return (
        queryset.annotate(group_key=key)
        .values("group_key")
        .annotate(n=Count("pk", distinct=True))
        .values_list("group_key", "n")
    )


def _summed(parts: list[QuerySet]) -> Pairs:
    """The ``(key, n)`` rows of ``parts`` read in one UNION ALL query and added up by key (a loop
    over groups, not records), largest first; empty groups left out."""
    totals: dict[str, float] = {}
    for key, n in parts[0].union(*parts[1:], all=True):
        key = UNKNOWN if key in (None, "") else str(key)
        totals[key] = totals.get(key, 0) + n
    return sorted(((k, n) for k, n in totals.items() if n), key=lambda pair: (-pair[1], pair[0]))


def _public_records(as_of: datetime.date) -> Result:
    """Indicator 2.3: the records of the seven databases, seven queries in all."""
    databases = [
        (queryset.order_by(), *_database_paths(name, queryset))
        for name, queryset in partners.public_records_by_database(as_of).items()
    ]
    breakdowns: dict[str, Pairs] = {
        dimension: _summed(
            [_counted_by(queryset, paths[dimension]) for queryset, _country, paths in databases]
        )
        for dimension in (REGION, COUNTRY, TARGET, THEMATIC_AREA, YEAR, KIND)
    }
    # Country groups: a part per database and group (a record counts in every group of its
    # country), still one query.
    by_group = dict(
        _summed(
            [
                _counted_by(
                    queryset.filter(**{f"{country}__{flag}": True}),
                    Value(code, output_field=CharField()),
                )
                for queryset, country, _paths in databases
                for code, flag in COUNTRY_GROUP_FLAGS.items()
            ]
        )
    )
    breakdowns[COUNTRY_GROUP] = [
        (code, by_group[code]) for code in COUNTRY_GROUP_FLAGS if code in by_group
    ]
    return Result(
        total=sum(n for _key, n in breakdowns[KIND]),
        breakdowns={d: breakdowns[d] for d in _RECORD_DIMENSIONS},
    )


#: The party status of a download's country: the kinds of indicator 2.4.
DOWNLOADER_KIND = Case(
    When(country__isnull=True, then=Value(UNKNOWN)),
    When(country__is_cbd_party=True, then=Value("party")),
    default=Value("non_party"),
    output_field=CharField(),
)


INDICATORS = [
    # --- Activity 1: assessing and registering needs ------------------------------------------
    Indicator(
        code="1.1",
        activity=1,
        name=_("Parties using the common assessment format"),
        description=_(
            "How many Parties have assessed their capacity against the GBF targets with the "
            "portal's common assessment format and submitted the assessment."
        ),
        computation=_(
            "Distinct Parties (countries that are Parties to the CBD) with at least one "
            "capacity assessment submitted by the day, counted from the date it was submitted. "
            "A Party that submitted assessments in several years counts once in the total and "
            "once in each of those years. By GBF target and thematic area: the Parties whose "
            "assessment covers it."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=lambda as_of: _parties(needs.submitted_assessments(as_of)),
            country="country",
            targets="entries__target",
            thematic_areas="entries__thematic_area",
            date="submitted_at",
            distinct="country",
        ),
        additive=BY_PLACE,
    ),
    Indicator(
        code="1.2",
        activity=1,
        name=_("Parties submitting requests for assistance"),
        description=_(
            "How many Parties have asked for capacity-building support with a request for "
            "assistance submitted on the portal."
        ),
        computation=_(
            "Distinct Parties (countries that are Parties to the CBD) that are the requesting "
            "country of at least one request submitted to the help desk by the day, counted from "
            "the date it was submitted, whatever became of the request since. By year: the "
            "Parties that submitted a request that year."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=lambda as_of: _parties(needs.submitted_needs(as_of)),
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="submitted_at",
            distinct="country",
        ),
        additive=BY_PLACE,
    ),
    Indicator(
        code="1.3",
        activity=1,
        name=_("Needs in the database"),
        description=_(
            "The requests for assistance published in the registry of needs, open for matching "
            "or further along."
        ),
        computation=_(
            "Requests for assistance published by the help desk by the day, counted from their "
            "first publication, including restricted ones and those matched, fulfilled or "
            "withdrawn since. The status is the request's status today. By year: the year of "
            "first publication."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=needs.published_needs,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="published_at",
            extra={STATUS: "status"},
        ),
        additive=BY_PLACE | {YEAR, STATUS},
    ),
    # --- Activity 2: databases and partners ---------------------------------------------------
    Indicator(
        code="2.1",
        activity=2,
        name=_("Partners registered"),
        description=_(
            "Partner organisations registered on the portal and approved by the help desk, by "
            "type of organisation."
        ),
        computation=_(
            "Organisations approved by the help desk (their status today), counted from the date "
            "they registered, by the day. Country: the country of their headquarters; GBF "
            "targets and thematic areas: their declared expertise."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.registered_organisations,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="created_at",
            extra={KIND: "organisation_type__code"},
        ),
        target=50,
        target_note=_(
            "Short-term action plan (2017-2020) on capacity-building, annex, activity 2: at "
            "least 50 partners registered."
        ),
        additive=BY_PLACE | {YEAR, KIND},
    ),
    Indicator(
        code="2.2",
        activity=2,
        name=_("Partners with records"),
        description=_(
            "Approved partner organisations that publish at least one record in the portal's "
            "databases (offers, initiatives, resources, opportunities, events or agreements)."
        ),
        computation=_(
            "Organisations approved by the help desk with at least one public record (published "
            "or closed, offers also paused, today) first published by the day. Country: the "
            "country of their headquarters; kind: the type of organisation."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.partners_with_records,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            extra={KIND: "organisation_type__code"},
        ),
        additive=BY_PLACE | {KIND},
    ),
    Indicator(
        code="2.3",
        activity=2,
        name=_("Records of initiatives, resources and opportunities"),
        description=_(
            "Public records of the seven databases of partners: organisations, offers of "
            "support, initiatives, resources, opportunities, events and agreements."
        ),
        computation=_(
            "Approved organisations counted from the date they registered, and public records "
            "(published or closed, offers also paused, of an approved organisation, today) "
            "counted from their first publication, by the day; kind: the database. Country: "
            "the headquarters country of the organisation (of the owning organisation for "
            "records). By year: the year of registration or first publication."
        ),
        unit=Unit.COUNT,
        measure=Computed(_public_records, dimensions=_RECORD_DIMENSIONS),
        additive=BY_PLACE | {YEAR, KIND},
    ),
    Indicator(
        code="2.4",
        activity=2,
        name=_("Downloads from the databases"),
        description=_(
            "Downloads of resources through the portal, by Parties and other users: the kind "
            "says whether the downloader's country is a Party."
        ),
        computation=_(
            "Every download of a resource through the portal up to the end of the day, placed "
            "in time by the moment of the download. Country: the downloader's, when known; kind: "
            "party (the country is a Party to the CBD), non-party, or unknown (no country). GBF "
            "targets and thematic areas: those of the resource."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.resource_downloads,
            country="country",
            targets="resource__targets",
            thematic_areas="resource__thematic_areas",
            date="downloaded_at",
            extra={KIND: DOWNLOADER_KIND},
        ),
        additive=BY_PLACE | {YEAR, KIND},
    ),
    # --- Activity 4: help desk ----------------------------------------------------------------
    Indicator(
        code="4.1",
        activity=4,
        name=_("Parties using the help desk"),
        description=_(
            "How many Parties the help desk has worked with on their requests for assistance."
        ),
        computation=_(
            "Distinct Parties (countries that are Parties to the CBD) that are the requesting "
            "country of at least one request the help desk worked on by the day: a request the "
            "help desk helped express (written with its assistance and submitted by the day), "
            "or a request on which the help desk sent a message to the requester by the day."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=lambda as_of: _parties(needs.helpdesk_needs(as_of)),
            country="country",
            distinct="country",
        ),
        additive=BY_PLACE,
    ),
    Indicator(
        code="4.2",
        activity=4,
        name=_("Needs the help desk helped express"),
        description=_(
            "Requests for assistance written with the help desk's assistance on behalf of a "
            "country."
        ),
        computation=_(
            "Requests marked as expressed with help-desk assistance (created by help-desk staff "
            "for a country they are not focal point of), counted from the date they were "
            "submitted, by the day. The status is the request's status today. By year: the year "
            "of submission."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=needs.needs_expressed_with_helpdesk,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="submitted_at",
            extra={STATUS: "status"},
        ),
        additive=BY_PLACE | {YEAR, STATUS},
    ),
    # --- Activities 6, 7 and 12: workshops and agreements -------------------------------------
    Indicator(
        code="6.1",
        activity=6,
        name=_("Matchmaking workshops and roundtables organised"),
        description=_(
            "Matchmaking workshops and roundtables held, where requesters and providers of "
            "support meet."
        ),
        computation=_(
            "Public events of the type matchmaking workshop or roundtable that had ended by the "
            "end of the day. Country: the venue's (online events: unknown); by year: the year "
            "the event started."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.held_matchmaking_events,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="starts_at",
        ),
        additive=BY_PLACE | {YEAR},
    ),
    Indicator(
        code="7.2",
        activity=7,
        name=_("Agreements signed with support-network partners"),
        description=_(
            "Agreements signed with the partners of the support network for pilot projects."
        ),
        computation=_(
            "Public partnership agreements (published or closed, of an approved organisation, "
            "today) of the kind support-network agreement, signed on or before the day. "
            "Country: the partner's headquarters; by year: the year of signature."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.support_network_agreements,
            country="organisation__country",
            date="signed_on",
        ),
        additive=BY_PLACE | {YEAR},
    ),
    # --- Activities 11, 12 and 14 -------------------------------------------------------------
    Indicator(
        code="11.1",
        activity=11,
        name=_("Participants in the fellowship and exchange programme"),
        description=_("People accepted into the portal's own fellowship and exchange programme."),
        computation=_(
            "Applications to the opportunities of the portal's fellowship and exchange "
            "programme accepted by the day, counted from the date of acceptance. Country: the "
            "applicant's; GBF targets and thematic areas: those of the opportunity."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.programme_participants,
            country="country",
            targets="opportunity__targets",
            thematic_areas="opportunity__thematic_areas",
            date="reviewed_at",
        ),
        additive=BY_PLACE | {YEAR},
    ),
    Indicator(
        code="12.1",
        activity=12,
        name=_("Active partnerships with education and training institutions"),
        description=_("Partnerships with education and training institutions in force."),
        computation=_(
            "Public partnership agreements of the kind education-institution partnership in "
            "force on the day: signed on or before it, and ending on or after it (without an "
            "end date: still published today; a closed agreement without an end date no longer "
            "counts). Country: the institution's headquarters; by year: the year of signature."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.education_partnerships_in_force,
            country="organisation__country",
            date="signed_on",
        ),
        additive=BY_PLACE | {YEAR},
    ),
    Indicator(
        code="14.1",
        activity=14,
        name=_("New teaching materials produced"),
        description=_(
            "Training and teaching materials (videos, presentations, multimedia...) published "
            "in the resources database."
        ),
        computation=_(
            "Public resources (published or closed, of an approved organisation, today) of the "
            "type training and teaching material, counted from their first publication, by the "
            "day. Country: the publishing organisation's headquarters; by year: the year of "
            "first publication, which gives the new materials of each year."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=partners.teaching_materials,
            country="organisation__country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="published_at",
        ),
        additive=BY_PLACE | {YEAR},
    ),
    # --- The portal's request workflow --------------------------------------------------------
    Indicator(
        code="P.2",
        activity=0,
        name=_("Requests submitted, by status"),
        description=_(
            "Every request for assistance submitted to the help desk, and where each stands."
        ),
        computation=_(
            "Requests submitted by the day, counted from the date of submission (drafts never "
            "submitted do not count). The status is the request's status today, not on the day. "
            "By year: the year of submission."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=needs.submitted_needs,
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="submitted_at",
            extra={STATUS: "status"},
        ),
        additive=BY_PLACE | {YEAR, STATUS},
    ),
    Indicator(
        code="P.3",
        activity=0,
        name=_("Median days from submission to publication"),
        description=_(
            "How long the help desk takes to publish a request for assistance once submitted."
        ),
        computation=_(
            "The median, over the requests published by the day, of the days from their "
            "submission to their first publication (time spent waiting for clarifications "
            "included). By region: of the requesting country; by year: the year of publication."
        ),
        unit=Unit.DAYS,
        measure=MedianDays(
            queryset=needs.published_needs,
            country="country",
            date="published_at",
            start="submitted_at",
            end="published_at",
        ),
        higher_is_better=False,
    ),
]
