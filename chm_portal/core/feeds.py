"""Atom feeds of filtered lists: the newest records matching the same filters as a list page.

A feed is ``FilteredFeed`` subclass naming the list's FilterSet, the queryset it filters and the
page it mirrors. ``/needs/registry/feed/?target=GBF-T3`` then lists what
``/needs/registry/?target=GBF-T3`` shows, newest first; invalid filters answer 400 rather than an
unfiltered feed a reader could not tell apart from the right one.

Feeds are instantiated once in the URLconf and shared by every request; what belongs to one
request travels in the :class:`FeedRequest` that ``get_object`` returns.
"""

from __future__ import annotations

import datetime
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django_filters import FilterSet

# Query parameters that belong to pages, not filters: dropped from the links of a feed.
PAGE_PARAMETERS = ("page", "page_size")

# The request a feed is being written for (entries' links are made absolute with its host).
_feed_request: ContextVar[FeedRequest] = ContextVar("feed_request")


@dataclass(frozen=True)
class FeedRequest:
    """One request for a feed: who asked, and its validated filters."""

    request: HttpRequest
    filterset: FilterSet

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    @property
    def query_string(self) -> str:
        """The filters of the request, to pass along to the page and other formats."""
        return filter_query_string(self.request.GET)


def filter_query_string(query: QueryDict) -> str:
    """``query`` without the pagination parameters, URL-encoded (``""`` when empty)."""
    filters = query.copy()
    for name in PAGE_PARAMETERS:
        filters.pop(name, None)
    return filters.urlencode()


def with_query(path: str, query_string: str) -> str:
    return f"{path}?{query_string}" if query_string else path


def tag_uri(specific: str, date: datetime.date | datetime.datetime | None = None) -> str:
    """A permanent ``tag:`` URI (RFC 4151) for an entry, e.g. ``tag:chm.example,2026-01-05:X``.

    The authority is the host of ``settings.SITE_URL``, so identifiers do not change with the
    address a reader happened to use. ``date`` should be a date that never changes for the record
    (its creation).
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    day = (date or datetime.date(2025, 1, 1)).strftime("%Y-%m-%d")
    return f"tag:{host},{day}:{specific}"


class FilteredFeed(Feed):
    """An Atom feed of the newest rows of a filtered list, honouring the list's filters.

    Subclasses set ``filterset_class``, ``list_url_name`` (the page with the same list) and
    ``feed_url_name``, and implement :meth:`get_queryset`, :meth:`order_items` and
    :meth:`item_path` (the entry's page, made absolute here with the host the reader used).
    """

    feed_type = Atom1Feed
    filterset_class: type[FilterSet]
    list_url_name: str
    feed_url_name: str
    # Entries per feed: readers poll often, the list page has the rest.
    limit = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        raise NotImplementedError

    def get_filterset_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        """Extra arguments of the FilterSet (e.g. the statuses the public may ask for)."""
        return {}

    def order_items(self, queryset: QuerySet) -> QuerySet:
        """The filtered rows, newest first."""
        raise NotImplementedError

    def item_path(self, item: Any) -> str:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedRequest:
        filterset = self.filterset_class(
            request.GET,
            queryset=self.get_queryset(request),
            request=request,
            **self.get_filterset_kwargs(request),
        )
        if not filterset.is_valid():
            errors = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
            )
            raise BadRequest(errors)
        return FeedRequest(request=request, filterset=filterset)

    def items(self, obj: FeedRequest) -> QuerySet:
        return self.order_items(obj.filterset.qs)[: self.limit]

    def link(self, obj: FeedRequest) -> str:
        return obj.absolute(with_query(reverse(self.list_url_name), obj.query_string))

    def feed_url(self, obj: FeedRequest) -> str:
        return obj.absolute(with_query(reverse(self.feed_url_name), obj.query_string))

    def item_link(self, item: Any) -> str:
        return _feed_request.get().absolute(self.item_path(item))

    def get_feed(self, obj: FeedRequest, request: HttpRequest):
        token = _feed_request.set(obj)
        try:
            return super().get_feed(obj, request)
        finally:
            _feed_request.reset(token)
