"""Reads of saved searches and follows: what a page lists, what the scheduled jobs must do."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from django.http import HttpRequest, QueryDict

from chm_portal.core.databases import Database, get_database, registered
from chm_portal.core.faceting import FacetedFilterSet

from .models import FOLLOWABLE, Follow, Followable, InboxMessage, SavedSearch

__all__ = [
    "DIGEST_RECORDS_LISTED",
    "SearchNews",
    "database_for_model",
    "followable_of",
    "follows_due_for_reminder",
    "follows_of",
    "inbox_list_for_user",
    "inbox_unread_count",
    "is_following",
    "saved_search_filterset",
    "saved_search_news",
    "saved_searches_due",
    "saved_searches_of",
]

# Records listed per saved search in a digest; the rest are counted and linked.
DIGEST_RECORDS_LISTED = 20


# --- Databases --------------------------------------------------------------------------------
def database_for_model(model: type[Model]) -> Database | None:
    """The first registered database listing records of ``model``."""
    return next((database for database in registered() if database.model is model), None)


def saved_search_filterset(
    database: Database, query: str, request: HttpRequest | None = None
) -> FacetedFilterSet:
    """The database's FilterSet bound to a saved query string (validate it with ``is_valid``)."""
    return database.filterset(QueryDict(query), request)


# --- Saved searches ---------------------------------------------------------------------------
def saved_searches_of(*, user) -> QuerySet[SavedSearch]:
    """A person's saved searches, the newest first."""
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk")


def _due(frequency: str, now: datetime.datetime) -> Q:
    checked_before = now - SavedSearch.PERIODS[frequency] + SavedSearch.DUE_SLACK
    return Q(frequency=frequency) & (
        Q(last_checked_at__lte=checked_before)
        | Q(last_checked_at__isnull=True, created_at__lte=checked_before)
    )


def saved_searches_due(*, now: datetime.datetime) -> QuerySet[SavedSearch]:
    """Searches whose digest is due at ``now``: not checked (or, never checked, created) for a
    day (daily) or a week (weekly), of active people with an address; by person."""
    due = Q()
    for frequency in SavedSearch.PERIODS:
        due |= _due(frequency, now)
    return (
        SavedSearch.objects.filter(due, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )


@dataclass(frozen=True)
class SearchNews:
    """The records newly matching a saved search: how many, and the newest of them."""

    saved_search: SavedSearch
    database: Database
    count: int
    records: list[Any]


def saved_search_news(
    saved_search: SavedSearch,
    *,
    now: datetime.datetime,
    limit: int = DIGEST_RECORDS_LISTED,
) -> SearchNews | None:
    """Records of the search made public after ``saved_search.since`` and up to ``now``.

    None when the database is gone or its filters no longer validate (a code removed from a
    vocabulary): there is nothing the person could be sent. Two queries: count, then rows.
    """
    database = get_database(saved_search.database)
    if database is None:
        return None
    filterset = saved_search_filterset(database, saved_search.query)
    if not filterset.is_valid():
        return None
    date_field = database.date_field
    new = database.new_since(filterset.qs, saved_search.since).filter(**{f"{date_field}__lte": now})
    count = new.count()
    records = (
        list(new.prefetch_related(None).order_by(f"-{date_field}", "-pk")[:limit]) if count else []
    )
    return SearchNews(saved_search=saved_search, database=database, count=count, records=records)


# --- Follows ----------------------------------------------------------------------------------
def followable_of(record: Any) -> Followable | None:
    """How ``record`` may be followed; None for records that may not be."""
    meta = getattr(record, "_meta", None)
    return FOLLOWABLE.get(meta.label_lower) if meta is not None else None


def is_following(*, user, record: Model) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user=user,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    ).exists()


def follows_of(*, user) -> QuerySet[Follow]:
    """A person's follows with their records (one query per type of record), newest first."""
    return (
        Follow.objects.filter(user=user)
        .select_related("content_type")
        .prefetch_related("record")
        .order_by("-created_at", "-pk")
    )


def _remindable(label: str, rule: Followable, now: datetime.datetime) -> QuerySet:
    """Public records of a followable type whose date falls within the reminder window."""
    model = apps.get_model(label)
    database = database_for_model(model)
    records = database.queryset() if database is not None else model._default_manager.none()
    return records.filter(
        **rule.conditions,
        **{
            f"{rule.date_field}__gt": now,
            f"{rule.date_field}__lte": now + rule.remind_within,
        },
    ).values("pk")


def follows_due_for_reminder(*, now: datetime.datetime) -> QuerySet[Follow]:
    """Follows not reminded yet whose record is still open and due soon (a published
    opportunity's deadline within 7 days, a published event's start within 2), by person."""
    due = Q(pk__in=[])
    for label, rule in FOLLOWABLE.items():
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        due |= Q(content_type=content_type, object_id__in=_remindable(label, rule, now))
    return (
        Follow.objects.filter(due, reminded_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "content_type")
        .order_by("user_id", "pk")
    )


# --- Inbox ------------------------------------------------------------------------------------
def inbox_list_for_user(*, user) -> QuerySet[InboxMessage]:
    """A person's inbox: unread messages first, then the newest first. Nobody else's; empty
    for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return InboxMessage.objects.none()
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return InboxMessage.objects.filter(recipient=user).order_by(unread.desc(), "-created_at", "-pk")


def inbox_unread_count(*, user) -> int:
    """How many messages of a person's inbox are unread (0 for anonymous visitors, no query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
