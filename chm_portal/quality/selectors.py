"""Reads of quality reviews: the reviewers' queue, one review with its checklist, the reviews of
an item, and the aggregates monitoring reads (one query each).

"Reviewed" means a review was completed (approved, improvements requested or rejected);
"reviewed and improved" means the improvements a review requested were confirmed by the
follow-up review that approved the item (``improved_at``): the action plan's indicator "items
reviewed against the standards and improved" (activity 8).
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Model,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from . import registry
from .models import QualityReview, ReviewCheck

__all__ = [
    "OPEN",
    "candidate_items",
    "completed_reviews",
    "improved_reviews",
    "latest_reviews_of",
    "open_review_of",
    "review_awaiting_improvements",
    "review_counts_by_status",
    "review_for_page",
    "review_queue",
    "review_to_follow_up",
    "reviewed_and_improved_count",
    "reviewed_and_improved_items",
    "reviewed_items_count",
    "reviews_of",
    "reviews_of_item",
]

# The queue's status filter value for "waiting or in progress".
OPEN = "open"
CANDIDATES_SHOWN = 10
# How far back a review looks for the review whose requested improvements it follows up.
_FOLLOW_UP_LOOKBACK = 20


def _kind_filter(queryset: QuerySet, kind: str | None) -> QuerySet:
    if not kind:
        return queryset
    reviewable = registry.reviewable_for_kind(kind)
    if reviewable is None:
        return queryset.none()
    return queryset.filter(content_type=reviewable.content_type())


def review_queue(*, kind: str | None = None, status: str | None = OPEN) -> QuerySet[QualityReview]:
    """Reviews for the reviewers' queue: open ones first, then the oldest first. ``status`` is
    :data:`OPEN`, one of the review statuses, or empty for every review. Rows carry their
    content type, reviewer and requester (constant queries per page)."""
    queryset = QualityReview.objects.select_related("content_type", "reviewer", "requested_by")
    if status == OPEN:
        queryset = queryset.filter(status__in=QualityReview.OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    queryset = _kind_filter(queryset, kind)
    return queryset.annotate(
        closed=Case(
            When(status__in=QualityReview.OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed", "requested_at", "pk")


def review_for_page() -> QuerySet[QualityReview]:
    """Reviews with what their page shows: the checklist with its standards, the people, and the
    review it follows up."""
    return QualityReview.objects.select_related(
        "content_type", "reviewer", "requested_by", "previous"
    ).prefetch_related(Prefetch("checks", queryset=ReviewCheck.objects.select_related("standard")))


def reviews_of_item(*, content_type, object_id: int) -> QuerySet[QualityReview]:
    """Every review of one item, the latest first, with its checklist."""
    return (
        review_for_page()
        .filter(content_type=content_type, object_id=object_id)
        .order_by("-requested_at", "-pk")
    )


def reviews_of(item: Model) -> QuerySet[QualityReview]:
    """Every review of ``item`` (a registered reviewable record), the latest first."""
    content_type = registry.reviewable_for(item).content_type()
    return reviews_of_item(content_type=content_type, object_id=item.pk)


def open_review_of(item: Model) -> QualityReview | None:
    content_type = registry.reviewable_for(item).content_type()
    return (
        QualityReview.objects.filter(
            content_type=content_type,
            object_id=item.pk,
            status__in=QualityReview.OPEN_STATUSES,
        )
        .select_related("reviewer")
        .first()
    )


def latest_reviews_of(items) -> dict[int, QualityReview]:
    """``{item pk: its latest review}`` for items of one record type, in one query."""
    items = list(items)
    if not items:
        return {}
    content_type = registry.reviewable_for(items[0]).content_type()
    latest: dict[int, QualityReview] = {}
    reviews = QualityReview.objects.filter(
        content_type=content_type, object_id__in=[item.pk for item in items]
    ).order_by("object_id", "-requested_at", "-pk")
    for review in reviews:
        latest.setdefault(review.object_id, review)
    return latest


def review_to_follow_up(*, content_type, object_id: int) -> QualityReview | None:
    """The last completed review of an item that requested improvements not yet confirmed,
    unless the item was approved since (then there is nothing left to follow up)."""
    done = QualityReview.objects.filter(
        content_type=content_type, object_id=object_id, status__in=QualityReview.DONE_STATUSES
    ).order_by("-completed_at", "-pk")[:_FOLLOW_UP_LOOKBACK]
    for review in done:
        if review.status == QualityReview.Status.APPROVED:
            return None
        if review.status == QualityReview.Status.CHANGES_REQUESTED and review.improved_at is None:
            return review
    return None


def review_awaiting_improvements(item: Model) -> QualityReview | None:
    """The review of ``item`` whose requested improvements its team answers (or None)."""
    content_type = registry.reviewable_for(item).content_type()
    return review_to_follow_up(content_type=content_type, object_id=item.pk)


def candidate_items(*, kind: str, query: str) -> list[Model]:
    """Items of ``kind`` a reviewer may open a review of from the queue, matching ``query`` (a
    record number, or words of the title); at most :data:`CANDIDATES_SHOWN`."""
    reviewable = registry.reviewable_for_kind(kind)
    query = (query or "").strip()
    if reviewable is None or reviewable.candidates is None or not query:
        return []
    queryset = reviewable.candidates()
    if query.isdigit():
        queryset = queryset.filter(pk=int(query))
    else:
        for word in query.split()[:8]:
            queryset = queryset.filter(title__icontains=word)
    return list(queryset.order_by("-pk")[:CANDIDATES_SHOWN])


# --- Monitoring -------------------------------------------------------------------------------
def _period(
    queryset: QuerySet,
    field: str,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
) -> QuerySet:
    if since is not None:
        queryset = queryset.filter(**{f"{field}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field}__lt": until})
    return queryset


def _distinct_items(queryset: QuerySet) -> int:
    # order_by(): the default ordering would add requested_at to the DISTINCT columns.
    return queryset.order_by().values("content_type_id", "object_id").distinct().count()


def _with_item_key(queryset: QuerySet[QualityReview]) -> QuerySet[QualityReview]:
    """Each review with ``item_key`` ("content type id:record id"), so that items are counted
    once each with ``Count("item_key", distinct=True)`` in any grouping."""
    return queryset.annotate(
        item_key=Concat(
            Cast("content_type_id", CharField()),
            Value(":"),
            Cast("object_id", CharField()),
            output_field=CharField(),
        )
    )


def completed_reviews(*, until: datetime.datetime | None = None) -> QuerySet[QualityReview]:
    """Reviews completed (whatever their result) before ``until``, with ``item_key``: the
    reviews behind "items reviewed against the standards"."""
    queryset = QualityReview.objects.filter(status__in=QualityReview.DONE_STATUSES)
    return _with_item_key(_period(queryset, "completed_at", None, until))


def improved_reviews(*, until: datetime.datetime | None = None) -> QuerySet[QualityReview]:
    """Reviews whose requested improvements were confirmed before ``until``, with
    ``item_key``: the reviews behind "items reviewed and improved"."""
    return _with_item_key(reviewed_and_improved_items(until=until))


def reviewed_items_count(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    kind: str | None = None,
) -> int:
    """Items (counted once each) whose review was completed in the period."""
    queryset = QualityReview.objects.filter(status__in=QualityReview.DONE_STATUSES)
    queryset = _period(_kind_filter(queryset, kind), "completed_at", since, until)
    return _distinct_items(queryset)


def reviewed_and_improved_items(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    kind: str | None = None,
) -> QuerySet[QualityReview]:
    """Reviews whose requested improvements were confirmed in the period."""
    queryset = QualityReview.objects.filter(improved_at__isnull=False)
    return _period(_kind_filter(queryset, kind), "improved_at", since, until)


def reviewed_and_improved_count(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    kind: str | None = None,
) -> int:
    """Items (counted once each) reviewed against the standards and improved in the period."""
    return _distinct_items(reviewed_and_improved_items(since=since, until=until, kind=kind))


def review_counts_by_status(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    """``{status: reviews asked for in the period}``, every status present (one query)."""
    queryset = _period(
        _kind_filter(QualityReview.objects.all(), kind), "requested_at", since, until
    )
    counts = queryset.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in QualityReview.Status.values}
    )
    return {status: counts[status] or 0 for status in QualityReview.Status.values}
