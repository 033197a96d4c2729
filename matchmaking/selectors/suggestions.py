"""Reads for the matching engine: records of the database in the engine's shape, the offer index
(cached per process while the offers do not change), and the stored suggestions of a need.

The engine (``matchmaking.engine``) knows nothing of Django; this module is the only bridge.
Loading N records costs a constant number of queries: one for the rows and one per relation.
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Model, Q, QuerySet
from django.utils import timezone

from elearning.models import Course
from matchmaking import engine
from matchmaking.engine.geography import Geography
from matchmaking.engine.records import NeedRecord, OfferRecord
from needs.models import Need, NeedEvent
from partners.models import Offer, Opportunity, RecordStatus, Resource

from ..models import Match, RelatedSuggestion, Suggestion
from .matches import offer_places_taken

# Requests the engine ranks offers for: from submission (the help desk triages with them) until
# matched. Requesters see the suggestions once their request is published.
SUGGESTION_STATUSES = (
    Need.Status.SUBMITTED,
    Need.Status.IN_TRIAGE,
    Need.Status.PUBLISHED,
    Need.Status.MATCHED,
)
# Requesters see suggestions of their request in these statuses.
REQUESTER_SUGGESTION_STATUSES = (Need.Status.PUBLISHED, Need.Status.MATCHED)
# How many suggestions are stored per request, and per kind of related support.
TOP_OFFERS = 10
TOP_RELATED = 5
# Below this score a suggestion shares nothing that can be named: it is not shown (the
# suggest_matches command, which reports the engine's own ranking, keeps them).
MIN_STORED_SCORE = 0.05

# The relations of each side in the engine's vocabulary: (record field, model field, code path).
NEED_RELATIONS = (
    ("targets", "targets", "code"),
    ("thematic_areas", "thematic_areas", "code"),
    ("support_types", "support_types", "code"),
    ("capacity_levels", "capacity_levels", "code"),
    ("languages", "working_languages", "code"),
)
OFFER_RELATIONS = (
    ("targets", "targets", "code"),
    ("thematic_areas", "thematic_areas", "code"),
    ("support_types", "support_types", "code"),
    ("capacity_levels", "capacity_levels", "code"),
    ("languages", "languages", "code"),
    ("eligible_countries", "eligible_countries", "code"),
    ("eligible_regions", "eligible_regions", "code"),
    ("eligible_groups", "eligible_groups", "code"),
)
# Related support ranked for a need: its records are passed to the engine as offers open to all.
RELATED_MODELS: dict[str, type[Model]] = {
    RelatedSuggestion.Kind.RESOURCE: Resource,
    RelatedSuggestion.Kind.OPPORTUNITY: Opportunity,
    RelatedSuggestion.Kind.COURSE: Course,
}
# The fields whose text the engine reads as a related record's title and description.
RELATED_TEXT_FIELDS: dict[str, tuple[str, str]] = {
    RelatedSuggestion.Kind.COURSE: ("title", "summary"),
}
DEFAULT_TEXT_FIELDS = ("title", "description")
RELATED_RELATIONS = (
    ("targets", "targets", "code"),
    ("thematic_areas", "thematic_areas", "code"),
    ("languages", "languages", "code"),
)


def _codes(model: type[Model], field: str, code: str, owners: QuerySet) -> dict[int, tuple]:
    """{owner pk: codes of ``field``} for the rows of ``owners``: one query through the M2M."""
    relation = model._meta.get_field(field)
    through = relation.remote_field.through
    owner_column = relation.m2m_field_name()
    target_column = relation.m2m_reverse_field_name()
    rows = through.objects.filter(**{f"{owner_column}__in": owners.values("pk")}).values_list(
        f"{owner_column}_id", f"{target_column}__{code}"
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in rows:
        codes[owner_id].append(value)
    return {owner_id: tuple(sorted(values)) for owner_id, values in codes.items()}


def _relations(model, relations, queryset) -> dict[str, dict[int, tuple]]:
    return {name: _codes(model, field, code, queryset) for name, field, code in relations}


def _joined(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


# --- Needs ---------------------------------------------------------------------------------------
def need_records(needs: QuerySet[Need]) -> list[NeedRecord]:
    """The needs of ``needs`` as the engine's records (text in the language written)."""
    needs = needs.order_by("pk")
    relations = _relations(Need, NEED_RELATIONS, needs)
    support_details = _support_details(needs)
    records = []
    for row in needs.values(
        "pk",
        "title",
        "problem_statement",
        "objectives",
        "expected_outputs",
        "thematic_area_other",
        "support_type_other",
        "language",
        "country__code",
        "submitted_at",
    ):
        pk = row["pk"]
        records.append(
            NeedRecord(
                id=pk,
                title=row["title"],
                description=_joined(
                    row["problem_statement"],
                    row["objectives"],
                    row["expected_outputs"],
                    row["thematic_area_other"],
                    row["support_type_other"],
                    support_details.get(pk, ""),
                ),
                language=row["language"] or "en",
                country=row["country__code"] or "",
                submitted=row["submitted_at"].date() if row["submitted_at"] else None,
                **{name: codes.get(pk, ()) for name, codes in relations.items()},
            )
        )
    return records


def _support_details(needs: QuerySet[Need]) -> dict[int, str]:
    details: dict[int, list[str]] = defaultdict(list)
    rows = (
        Need.support_details.rel.related_model.objects.filter(need__in=needs.values("pk"))
        .exclude(details="")
        .values_list("need_id", "details")
    )
    for need_id, text in rows:
        details[need_id].append(text)
    return {need_id: "\n".join(texts) for need_id, texts in details.items()}


def need_record(need: Need) -> NeedRecord:
    return need_records(Need.objects.filter(pk=need.pk))[0]


def needs_to_suggest_for() -> QuerySet[Need]:
    """Requests whose suggestions are kept up to date."""
    return Need.objects.filter(status__in=SUGGESTION_STATUSES)


# --- Offers --------------------------------------------------------------------------------------
def suggestable_offers(*, as_of: datetime.date | None = None) -> QuerySet[Offer]:
    """Offers the engine may suggest: published (not paused or closed), of approved
    organisations. Judged at a past date, offers closed since because their availability ended
    count too (the engine checks their dates)."""
    published = Q(status=RecordStatus.PUBLISHED)
    if as_of is not None and as_of < today():
        published |= Q(
            status=RecordStatus.CLOSED,
            closed_automatically=True,
            gone_from_source_at__isnull=True,
            available_until__gte=as_of,
        )
    return Offer.objects.public().filter(published)


def _original(row: dict, field: str) -> str:
    """The text of a translated field in the record's original language (else any)."""
    language = (row.get("language") or "en").replace("-", "_")
    return row.get(f"{field}_{language}") or row.get(field) or ""


def offer_records(offers: QuerySet[Offer] | None = None) -> list[OfferRecord]:
    """Offers (by default every suggestable one) as the engine's records, with the places left."""
    offers = (suggestable_offers() if offers is None else offers).order_by("pk")
    relations = _relations(Offer, OFFER_RELATIONS, offers)
    taken = offer_places_taken(offers.values("pk"))
    records = []
    for row in offers.values(
        "pk",
        "language",
        "provider_id",
        "available_from",
        "available_until",
        "max_concurrent_requests",
        *_translated_columns(Offer),
    ):
        pk = row["pk"]
        places = row["max_concurrent_requests"]
        records.append(
            OfferRecord(
                id=pk,
                title=_original(row, "title"),
                description=_original(row, "description"),
                language=row["language"] or "en",
                available_from=row["available_from"],
                available_until=row["available_until"],
                remaining_capacity=None if places is None else places - taken.get(pk, 0),
                provider_id=row["provider_id"],
                **{name: codes.get(pk, ()) for name, codes in relations.items()},
            )
        )
    return records


def _translated_columns(
    model: type[Model], fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS
) -> list[str]:
    from django.conf import settings

    return [
        f"{field}_{code.replace('-', '_')}"
        for field in fields
        for code, _name in settings.CONTENT_LANGUAGES
        if hasattr(model, f"{field}_{code.replace('-', '_')}")
    ]


@dataclass(frozen=True)
class _CachedIndex:
    fingerprint: tuple
    index: Any  # an OfferIndex, or a list of NeedRecords


_index_lock = threading.Lock()
_cached: dict[str, _CachedIndex] = {}  # per process: offers, needs, resources...
_geography: list[Geography] = []


def geography() -> Geography:
    if not _geography:
        _geography.append(Geography.from_reference())
    return _geography[0]


def _fingerprint(queryset: QuerySet) -> tuple:
    """Changes when a record of ``queryset`` is added, removed or saved (one query)."""
    summary = queryset.aggregate(count=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    return (summary["count"], summary["changed"], summary["last"])


def offer_index(*, as_of: datetime.date | None = None) -> engine.OfferIndex:
    """The index of every suggestable offer (at ``as_of``, by default today), rebuilt only when
    offers or their places changed.

    Building it reads every offer (a few queries and a second for 10,000 offers); a worker that
    recomputes many needs reuses it. The fingerprint covers offers saved (``updated_at``) and the
    matches that use their places.
    """
    offers = suggestable_offers(as_of=as_of)
    key = f"offers:{as_of.isoformat()}" if as_of is not None and as_of < today() else "offers"
    fingerprint = (
        _fingerprint(offers),
        _fingerprint(Match.objects.filter(status__in=Match.CAPACITY_STATUSES)),
    )
    with _index_lock:
        cached = _cached.get(key)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached.index
        index = engine.OfferIndex.build(offer_records(offers), geography=geography())
        _cached[key] = _CachedIndex(fingerprint, index)
        return index


def open_need_records() -> list[NeedRecord]:
    """Every request open to suggestions, as records; cached while no request changes (any
    event of a request's history, an edit included, moves the fingerprint)."""
    fingerprint = (
        _fingerprint(needs_to_suggest_for()),
        NeedEvent.objects.aggregate(last=Max("pk"))["last"],
    )
    with _index_lock:
        cached = _cached.get("needs")
        if cached is not None and cached.fingerprint == fingerprint:
            return cached.index
        records = need_records(needs_to_suggest_for())
        _cached["needs"] = _CachedIndex(fingerprint, records)
        return records


def related_index(kind: str) -> engine.OfferIndex:
    """The index of public resources, open opportunities or courses open for enrolment
    (``RelatedSuggestion.Kind``)."""
    model = RELATED_MODELS[kind]
    queryset = _related_queryset(kind)
    fingerprint = _fingerprint(queryset)
    with _index_lock:
        cached = _cached.get(kind)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached.index
        relations = _relations(model, RELATED_RELATIONS, queryset)
        title_field, description_field = RELATED_TEXT_FIELDS.get(kind, DEFAULT_TEXT_FIELDS)
        columns = _translated_columns(model, (title_field, description_field))
        records = [
            OfferRecord(
                id=row["pk"],
                title=_original(row, title_field),
                description=_original(row, description_field),
                language=row["language"] or "en",
                **{name: codes.get(row["pk"], ()) for name, codes in relations.items()},
            )
            for row in queryset.order_by("pk").values("pk", "language", *columns)
        ]
        index = engine.OfferIndex.build(records, geography=geography())
        _cached[kind] = _CachedIndex(fingerprint, index)
        return index


def _related_queryset(kind: str) -> QuerySet:
    model = RELATED_MODELS[kind]
    if model is Course:
        # Courses people can still enrol in; the catalogue's own notion of "open".
        return Course.objects.open_for_enrolment()
    queryset = model.objects.public().filter(status=RecordStatus.PUBLISHED)
    if model is Opportunity:
        queryset = queryset.filter(deadline__gte=timezone.now())
    return queryset


def forget_cached_indexes() -> None:
    """Drop the cached indexes (tests, and after a bulk import)."""
    with _index_lock:
        _cached.clear()


# --- Stored suggestions --------------------------------------------------------------------------
def suggestion_list_for_need(*, need: Need) -> QuerySet[Suggestion]:
    """The stored suggestions of ``need``, best first, of offers that are still public."""
    public = suggestable_offers().values("pk")
    return (
        Suggestion.objects.filter(need=need, offer__in=public)
        .select_related("offer", "offer__provider")
        .order_by("rank")
    )


def suggestions_of_needs(need_ids: Sequence[int]) -> dict[int, list[Suggestion]]:
    """{need pk: its stored suggestions, best first} in one query (offers selected)."""
    grouped: dict[int, list[Suggestion]] = defaultdict(list)
    for suggestion in (
        Suggestion.objects.filter(need_id__in=need_ids, offer__in=suggestable_offers().values("pk"))
        .select_related("offer", "offer__provider")
        .order_by("need_id", "rank")
    ):
        grouped[suggestion.need_id].append(suggestion)
    return grouped


def related_suggestion_list_for_need(*, need: Need) -> dict[str, list[Model]]:
    """{kind: the public records of that kind suggested for ``need``, best first}; one query per
    kind, plus one for the suggestions."""
    rows = list(
        RelatedSuggestion.objects.filter(need=need)
        .order_by("kind", "rank")
        .values_list("kind", "object_id", "reasons")
    )
    related: dict[str, list[Model]] = {}
    for kind in RELATED_MODELS:
        ids = [object_id for row_kind, object_id, _reasons in rows if row_kind == kind]
        if not ids:
            continue
        reasons = {object_id: stored for row_kind, object_id, stored in rows if row_kind == kind}
        records = _related_queryset(kind).in_bulk(ids)
        related[kind] = []
        for object_id in ids:
            if object_id in records:
                record = records[object_id]
                record.suggestion_reasons = reasons[object_id]
                related[kind].append(record)
    return related


def today() -> datetime.date:
    return timezone.localdate()
