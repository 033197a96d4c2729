"""Atom feed of newly published requests for assistance, with the registry's filters.

``/needs/registry/feed/?target=GBF-T6&region=002`` follows the requests of African countries about
invasive species as the help desk publishes them: any filter of the registry page makes a feed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import DatabaseFeed
from chm_portal.core.feeds import FeedRequest, tag_uri

from .databases import NEEDS
from .models import Need


class NeedFeed(DatabaseFeed):
    """The 50 requests most recently published in the public registry, filtered like it."""

    def __init__(self) -> None:
        super().__init__(NEEDS)

    def title(self, obj: FeedRequest) -> str:
        if obj.query_string:
            return str(_("Requests for assistance: newly published, filtered"))
        return str(_("Requests for assistance: newly published"))

    def item_guid(self, item: Need) -> str:
        """A permanent identifier holding the reference, whatever the page's address."""
        return tag_uri(item.reference, item.created_at)

    def item_updateddate(self, item: Need):
        return item.published_at

    def item_author_name(self, item: Need) -> str:
        return item.requesting_organisation or item.country.name

    def item_categories(self, item: Need) -> list[str]:
        return [target.code for target in item.targets.all()]
