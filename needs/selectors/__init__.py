"""Reads of requests for assistance and assessments; each owns its related-row loading.

Other sections are appended by the registry (public search, facets) as it grows.
"""

from collections.abc import Iterable, Mapping

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import focal_point_country_ids, is_helpdesk_or_site_admin
from chm_portal.core.faceting import FacetValue
from chm_portal.vocabularies.models import (
    Country,
)

from ..filtersets import NEED_FACETS
from ..models import (
    PUBLIC_STATUSES,
    Assessment,
    AssessmentEntry,
    Need,
    NeedAttachment,
    NeedEvent,
    NeedMessage,
    NeedSupport,
)

CAPACITY_FIELDS = ("capacity_individual", "capacity_organisational", "capacity_systemic")


def _with_related(queryset: QuerySet[Need]) -> QuerySet[Need]:
    """The related rows every list and detail shows, in a fixed number of queries."""
    return queryset.select_related(
        "country", "country__region", "priority", "assigned_to", "duplicate_of"
    ).prefetch_related(
        "targets",
        "thematic_areas",
        "capacity_levels",
        "working_languages",
        Prefetch("support_details", queryset=NeedSupport.objects.select_related("support_type")),
    )


def need_public_list() -> QuerySet[Need]:
    """Requests anyone may see: published (or further along) and not restricted."""
    return _with_related(
        Need.objects.filter(status__in=PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC)
    ).order_by("-published_at", "-pk")


def need_visible_to(user: User) -> QuerySet[Need]:
    """Every request ``user`` may open: public ones, their country's, their own; all for staff."""
    if is_helpdesk_or_site_admin(user):
        queryset = Need.objects.all()
    elif user.is_authenticated:
        queryset = Need.objects.filter(
            Q(status__in=PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC)
            | Q(country_id__in=focal_point_country_ids(user))
            | Q(created_by=user)
        )
    else:
        queryset = Need.objects.filter(
            status__in=PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC
        )
    return _with_related(queryset)


def need_list_for_requester(user: User) -> QuerySet[Need]:
    """ "My requests": those of the countries ``user`` is focal point of, and those they created."""
    return _with_related(
        Need.objects.filter(Q(country_id__in=focal_point_country_ids(user)) | Q(created_by=user))
    ).order_by("-created_at", "-pk")


def need_history(need: Need, *, include_internal: bool) -> QuerySet[NeedEvent]:
    events = need.events.select_related("actor").order_by("created_at", "pk")
    return events if include_internal else events.filter(is_internal=False)


def need_messages(need: Need) -> QuerySet[NeedMessage]:
    return need.messages.select_related("author").order_by("created_at", "pk")


# --- Assessments --------------------------------------------------------------------------------
def assessment_list_for_user(user: User) -> QuerySet[Assessment]:
    queryset = Assessment.objects.select_related("country")
    if is_helpdesk_or_site_admin(user):
        return queryset
    return queryset.filter(country_id__in=focal_point_country_ids(user))


def assessment_entries(assessment: Assessment) -> QuerySet[AssessmentEntry]:
    return assessment.entries.select_related("target", "thematic_area", "priority").annotate(
        need_count=Count("needs")
    )


def _gap_score_expression():
    """4 minus the mean of the capacity scores given, in SQL; NULL when none is given."""
    total = sum((Coalesce(F(name), Value(0)) for name in CAPACITY_FIELDS), Value(0))
    given = sum(
        (
            Case(When(**{f"{name}__isnull": False}, then=Value(1)), default=Value(0))
            for name in CAPACITY_FIELDS
        ),
        Value(0),
    )
    return Value(4.0) - Cast(total, FloatField()) / NullIf(given, Value(0))


def assessment_largest_gaps(assessment: Assessment, *, limit: int = 5) -> QuerySet:
    """The targets with the largest capacity gaps of a submitted assessment (public summary)."""
    return (
        assessment.entries.exclude(
            capacity_individual__isnull=True,
            capacity_organisational__isnull=True,
            capacity_systemic__isnull=True,
        )
        .values("target__code", "target__number")
        .annotate(gap=Avg(_gap_score_expression()))
        .order_by("-gap", "target__number")[:limit]
    )


def latest_submitted_assessment(country_id: int) -> Assessment | None:
    return (
        Assessment.objects.filter(country_id=country_id, status=Assessment.Status.SUBMITTED)
        .order_by("-cycle")
        .first()
    )


# --- The requester's pages ----------------------------------------------------------------------
def need_attachments(need: Need) -> QuerySet[NeedAttachment]:
    """The documents attached to a request, oldest first."""
    return need.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


def countries_user_may_assess(user: User) -> QuerySet[Country]:
    """The Parties whose capacity ``user`` may assess: their own as focal point; any as staff."""
    parties = Country.objects.filter(is_cbd_party=True)
    if is_helpdesk_or_site_admin(user):
        return parties
    return parties.filter(pk__in=focal_point_country_ids(user))


def _scored_q(prefix: str = "") -> Q:
    """An entry with at least one capacity score given."""
    query = Q()
    for name in CAPACITY_FIELDS:
        query |= Q(**{f"{prefix}{name}__isnull": False})
    return query


def assessment_list_with_progress(user: User) -> QuerySet[Assessment]:
    """:func:`assessment_list_for_user`, each with ``targets_assessed``: the number of GBF
    targets with at least one capacity score (one query for the whole list)."""
    return assessment_list_for_user(user).annotate(
        targets_assessed=Count("entries__target", filter=_scored_q("entries__"), distinct=True)
    )


# --- The public registry ------------------------------------------------------------------------
def need_registry_list() -> QuerySet[Need]:
    """Published public requests as the registry page and its feed show them, newest first."""
    return (
        Need.objects.filter(status__in=PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC)
        .select_related("country")
        .prefetch_related(
            "targets",
            Prefetch(
                "support_details", queryset=NeedSupport.objects.select_related("support_type")
            ),
        )
        .order_by("-published_at", "-pk")
    )


def need_api_list(user: User) -> QuerySet[Need]:
    """:func:`need_visible_to` with everything the API shows, published first, newest first."""
    return (
        need_visible_to(user)
        .prefetch_related("beneficiary_types", "other_countries")
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    )


def need_for_page() -> QuerySet[Need]:
    """Every request with all its page shows; the view decides who may open which."""
    return (
        _with_related(Need.objects.all())
        .select_related("country__subregion", "country__intermediate_region")
        .prefetch_related("beneficiary_types", "other_countries")
    )


def need_registry_facets(
    queryset: QuerySet[Need], *, querysets: Mapping[str, QuerySet[Need]] | None = None
) -> dict[str, list[FacetValue]]:
    """How many requests of ``queryset`` have each country, M49 region, country group, GBF
    target, thematic area, support type, status and year (of publication, else submission).

    ``querysets`` may give, per facet, the list to count in instead (the registry counts each
    facet in the list filtered by every other facet). Counting is done by the database.
    """
    querysets = querysets or {}
    return {facet.name: facet.counts(querysets.get(facet.name, queryset)) for facet in NEED_FACETS}


# --- Assessments in the API ---------------------------------------------------------------------
def assessment_list_with_entries(user: User) -> QuerySet[Assessment]:
    """:func:`assessment_list_for_user` with every entry's target, area and priority loaded."""
    return assessment_list_for_user(user).prefetch_related(
        Prefetch(
            "entries",
            queryset=AssessmentEntry.objects.select_related("target", "thematic_area", "priority"),
        )
    )


def assessment_largest_gaps_by_assessment(
    assessment_ids: Iterable[int], *, limit: int = 5
) -> dict[int, list[dict]]:
    """:func:`assessment_largest_gaps` of several assessments in one query:
    ``{assessment id: [{"target": code, "gap": score}, ...]}``, largest first."""
    rows = (
        AssessmentEntry.objects.filter(assessment_id__in=list(assessment_ids))
        .exclude(
            capacity_individual__isnull=True,
            capacity_organisational__isnull=True,
            capacity_systemic__isnull=True,
        )
        .values("assessment_id", "target__code", "target__number")
        .annotate(gap=Avg(_gap_score_expression()))
        .order_by("assessment_id", "-gap", "target__number")
    )
    gaps: dict[int, list[dict]] = {}
    for row in rows:
        largest = gaps.setdefault(row["assessment_id"], [])
        if len(largest) < limit:
            largest.append({"target": row["target__code"], "gap": row["gap"]})
    return gaps


# --- Public summary of assessments ----------------------------------------------------------------
def assessment_public_latest() -> QuerySet[Assessment]:
    """Each country's latest submitted assessment, by country name (public summary)."""
    latest_cycle = (
        Assessment.objects.filter(
            country_id=OuterRef("country_id"), status=Assessment.Status.SUBMITTED
        )
        .order_by("-cycle")
        .values("cycle")[:1]
    )
    return (
        Assessment.objects.filter(status=Assessment.Status.SUBMITTED, cycle=Subquery(latest_cycle))
        .select_related("country")
        .order_by("country__name", "pk")
    )
