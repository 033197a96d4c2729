"""Writes of the engine's output: the stored suggestions of requests, and the bookkeeping that
keeps them current.

A change of a request or an offer calls :func:`suggestions_request_refresh` inside its own
transaction: a :class:`~matchmaking.models.SuggestionRefresh` row (one per record, so a burst of
edits is one row) and, after commit, a task. :func:`suggestions_process_refreshes` computes what is
due; it runs from that task and from a periodic sweep, so a broker that was down delays the work
without losing it. Every computation replaces a request's rows at once and is idempotent.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from chm_portal.core.background import enqueue_after_commit
from matchmaking import engine
from matchmaking.engine.records import NeedRecord
from matchmaking.engine.records import Suggestion as Ranked
from needs.models import Need

from ..models import RelatedSuggestion, Suggestion, SuggestionRefresh
from ..selectors import suggestions as selectors

logger = logging.getLogger(__name__)

# Requests recomputed per task of the nightly run (spread over the workers), and per step of a
# refresh pass.
CHUNK_SIZE = 500
# Refresh rows handled per pass; more offer refreshes than this at once are a full recomputation.
BATCH_SIZE = 5000
COLLAPSE_OFFER_REFRESHES = 20
# A refresh that keeps failing is left for an operator (admin) after this many attempts.
MAX_ATTEMPTS = 5


def suggestions_request_refresh(*, kind: str, object_id: int = 0) -> None:
    """Record that the suggestions a request or an offer (or all) affect must be recomputed.

    Called in the transaction of the change: the row commits with it. A task is sent after commit
    to run once the debounce delay has passed; the periodic sweep catches what it misses.
    """
    if kind not in SuggestionRefresh.Kind.values:
        raise ValueError(f"Unknown refresh kind {kind!r}")
    # One statement (INSERT ... ON CONFLICT DO UPDATE): a later change moves the same row on.
    SuggestionRefresh.objects.bulk_create(
        [SuggestionRefresh(kind=kind, object_id=object_id, requested_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["requested_at", "attempts", "last_error"],
    )
    from ..tasks import process_suggestion_refreshes

    delay = settings.MATCHING_REFRESH_DEBOUNCE_SECONDS
    enqueue_after_commit(process_suggestion_refreshes, countdown=delay + 1 if delay else None)


def suggestions_process_refreshes(*, now: datetime.datetime | None = None) -> int:
    """Compute the refreshes whose debounce delay has passed; returns how many were handled.

    The rows are read, the work is done without holding them, and each row is deleted only if
    nobody asked again meanwhile (its ``requested_at`` unchanged), so a change made during the
    computation is computed on the next pass. Many offer refreshes at once (a harvest, an import)
    are one full recomputation. A failure is counted on the rows, which are retried.
    """
    now = now or timezone.now()
    due_before = now - datetime.timedelta(seconds=settings.MATCHING_REFRESH_DEBOUNCE_SECONDS)
    rows = list(
        SuggestionRefresh.objects.filter(requested_at__lte=due_before, attempts__lt=MAX_ATTEMPTS)
        .order_by("requested_at")
        .values_list("pk", "kind", "object_id", "requested_at")[:BATCH_SIZE]
    )
    if not rows:
        return 0
    kinds = [kind for _pk, kind, _id, _at in rows]
    try:
        if SuggestionRefresh.Kind.ALL in kinds or (
            kinds.count(SuggestionRefresh.Kind.OFFER) > COLLAPSE_OFFER_REFRESHES
        ):
            suggestions_refresh_all(inline=True)
        else:
            need_ids = {
                object_id
                for _pk, kind, object_id, _at in rows
                if kind == SuggestionRefresh.Kind.NEED
            }
            for _pk, kind, object_id, _at in rows:
                if kind == SuggestionRefresh.Kind.OFFER:
                    need_ids |= needs_affected_by_offer(offer_id=object_id)
            for chunk in _chunks(sorted(need_ids), CHUNK_SIZE):
                suggestions_refresh_needs(need_ids=chunk)
    except Exception as error:  # kept for the sweep, with why
        logger.exception("Suggestion refreshes failed")
        SuggestionRefresh.objects.filter(pk__in=[row[0] for row in rows]).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000]
        )
        return 0
    done = Q(pk__in=[])
    for pk, _kind, _id, requested_at in rows:
        done |= Q(pk=pk, requested_at=requested_at)
    SuggestionRefresh.objects.filter(done).delete()
    return len(rows)


def _chunks(values: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _stored_rows(need_id: int, ranked: Sequence[Ranked], computed_at) -> list[Suggestion]:
    return [
        Suggestion(
            need_id=need_id,
            offer_id=item.offer_id,
            rank=rank,
            score=item.score,
            reasons=[[reason.code, reason.value] for reason in item.reasons],
            algorithm_version=engine.ALGORITHM_VERSION,
            computed_at=computed_at,
        )
        for rank, item in enumerate(_worth_showing(ranked), start=1)
    ]


def _worth_showing(ranked: Sequence[Ranked]) -> list[Ranked]:
    return [item for item in ranked if item.score >= selectors.MIN_STORED_SCORE and item.reasons]


def suggestions_refresh_needs(
    *, need_ids: Iterable[int], as_of: datetime.date | None = None, related: bool = True
) -> int:
    """Recompute and store the suggestions of ``need_ids``; returns how many rows were stored.

    Requests no longer open to suggestions lose theirs. Idempotent: the same data gives the same
    rows.
    """
    need_ids = sorted(set(need_ids))
    if not need_ids:
        return 0
    as_of = as_of or selectors.today()
    records = selectors.need_records(selectors.needs_to_suggest_for().filter(pk__in=need_ids))
    index = selectors.offer_index()
    computed_at = timezone.now()
    rows: list[Suggestion] = []
    for need_id, ranked in index.rank_many(records, as_of=as_of, top=selectors.TOP_OFFERS):
        rows.extend(_stored_rows(need_id, ranked, computed_at))
    related_rows = _related_rows(records, as_of, computed_at) if related else None
    with transaction.atomic():
        # One writer per request at a time: the rows are replaced under the request's lock.
        list(Need.objects.select_for_update().filter(pk__in=need_ids).values_list("pk"))
        Suggestion.objects.filter(need_id__in=need_ids).delete()
        Suggestion.objects.bulk_create(rows)
        if related_rows is not None:
            RelatedSuggestion.objects.filter(need_id__in=need_ids).delete()
            RelatedSuggestion.objects.bulk_create(related_rows)
    return len(rows)


def _related_rows(
    records: Sequence[NeedRecord], as_of: datetime.date, computed_at
) -> list[RelatedSuggestion]:
    rows = []
    for kind in selectors.RELATED_MODELS:
        index = selectors.related_index(kind)
        if not index.offer_ids:
            continue
        for need_id, ranked in index.rank_many(records, as_of=as_of, top=selectors.TOP_RELATED):
            rows.extend(
                RelatedSuggestion(
                    need_id=need_id,
                    kind=kind,
                    object_id=item.offer_id,
                    rank=rank,
                    score=item.score,
                    reasons=[[reason.code, reason.value] for reason in item.reasons],
                    algorithm_version=engine.ALGORITHM_VERSION,
                    computed_at=computed_at,
                )
                for rank, item in enumerate(_worth_showing(ranked), start=1)
            )
    return rows


def needs_affected_by_offer(*, offer_id: int, as_of: datetime.date | None = None) -> set[int]:
    """The requests an offer's change can affect: those that had it among their suggestions, and
    those for which it now scores at least as high as their last stored suggestion."""
    as_of = as_of or selectors.today()
    affected = set(Suggestion.objects.filter(offer_id=offer_id).values_list("need_id", flat=True))
    index: engine.OfferIndex = selectors.offer_index()
    if offer_id not in index.offer_ids:
        return affected
    scores = index.score_offer(offer_id, selectors.open_need_records(), as_of=as_of)
    thresholds = {
        row["need_id"]: row["lowest"] if row["count"] >= selectors.TOP_OFFERS else 0.0
        for row in Suggestion.objects.values("need_id").annotate(
            count=Count("pk"), lowest=Min("score")
        )
    }
    affected.update(
        need_id
        for need_id, score in scores.items()
        if score > 0 and score >= thresholds.get(need_id, 0.0)
    )
    return affected


def suggestions_refresh_all(*, inline: bool = False) -> int:
    """Recompute every open request, in chunks: sent to the workers (the nightly run), or
    computed here one after the other (``inline``: a refresh pass that found too many changes,
    whose rows are deleted only once the work is done). Returns the number of chunks.

    Requests closed since the last run lose their suggestions here too.
    """
    from ..tasks import refresh_suggestions_chunk

    open_ids = list(selectors.needs_to_suggest_for().order_by("pk").values_list("pk", flat=True))
    stale_ids = set(Suggestion.objects.values_list("need_id", flat=True).distinct()) - set(open_ids)
    if stale_ids:
        Suggestion.objects.filter(need_id__in=stale_ids).delete()
        RelatedSuggestion.objects.filter(need_id__in=stale_ids).delete()
    chunks = list(_chunks(open_ids, CHUNK_SIZE))
    for chunk in chunks:
        if inline:
            suggestions_refresh_needs(need_ids=chunk)
        else:
            enqueue_after_commit(refresh_suggestions_chunk, chunk)
    return len(chunks)


def suggestions_on_need_changed(*, need: Need) -> None:
    """A request was created, edited or changed status: recompute its suggestions soon."""
    suggestions_request_refresh(kind=SuggestionRefresh.Kind.NEED, object_id=need.pk)


def suggestions_on_offer_changed(*, offer_id: int) -> None:
    """An offer was published, edited, paused, closed or deleted: recompute the requests it can
    affect soon (debounced)."""
    suggestions_request_refresh(kind=SuggestionRefresh.Kind.OFFER, object_id=offer_id)
