"""Atom feed of newly published requests for assistance, with the registry's filters.

``/needs/registry/feed/?target=GBF-T6&region=002`` follows the requests of African countries about
invasive species as the help desk publishes them: any filter of the registry page makes a feed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from chm_portal.core.feeds import FeedRequest, FilteredFeed, tag_uri

from . import selectors
from .filtersets import NeedFilterSet
from .models import PUBLIC_STATUSES, Need

# Words of the problem statement shown in a feed entry.
SUMMARY_WORDS = 80


class NeedFeed(FilteredFeed):
    """The 50 requests most recently published in the public registry, filtered like it."""

    filterset_class = NeedFilterSet
    list_url_name = "needs:registry"
    feed_url_name = "needs:feed"
    item_guid_is_permalink = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Need]:
        return selectors.need_registry_list()

    def get_filterset_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        return {"statuses": PUBLIC_STATUSES}

    def order_items(self, queryset: QuerySet[Need]) -> QuerySet[Need]:
        # Newest first even when a search ordered the list by relevance.
        return queryset.order_by("-published_at", "-pk")

    def title(self, obj: FeedRequest) -> str:
        if obj.query_string:
            return str(_("Requests for assistance: newly published, filtered"))
        return str(_("Requests for assistance: newly published"))

    def subtitle(self, obj: FeedRequest) -> str:
        return str(
            _(
                "Capacity-building and technical and scientific cooperation needs that the help "
                "desk has published in the registry of the CHM portal."
            )
        )

    def item_path(self, item: Need) -> str:
        return reverse("needs:detail", kwargs={"reference": item.reference})

    def item_title(self, item: Need) -> str:
        return f"{item.title} ({item.country.name})"

    def item_description(self, item: Need) -> str:
        return Truncator(item.problem_statement).words(SUMMARY_WORDS)

    def item_pubdate(self, item: Need):
        return item.published_at

    def item_updateddate(self, item: Need):
        return item.published_at

    def item_guid(self, item: Need) -> str:
        """A permanent identifier holding the reference, whatever the page's address."""
        return tag_uri(item.reference, item.created_at)

    def item_author_name(self, item: Need) -> str:
        return item.requesting_organisation or item.country.name

    def item_categories(self, item: Need) -> list[str]:
        return [target.code for target in item.targets.all()]
