"""The public registry of requests for assistance (Activity 1 of the action plan).

Anyone may search the published requests by text and facets, download what they found as CSV or
JSON, follow it as an Atom feed and open each request's page. The list, the exports and the feed
are those of the "needs" database (``needs/databases.py``, one FilterSet for all). Contact
details and budgets are never shown here, except on a request's page to its owners and the help
desk.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.databases import DatabaseExportView, DatabaseListView
from chm_portal.core.exports import json_ld_script

from .. import selectors
from ..databases import NEEDS, need_url
from ..feeds import NeedFeed
from ..models import Need

__all__ = [
    "NeedDetailView",
    "NeedExportCsvView",
    "NeedExportJsonView",
    "NeedFeed",
    "NeedRegistryView",
]


class NeedRegistryView(DatabaseListView):
    """Published requests: search box, facets with counts, 20 results a page, export links.

    Queries do not depend on the number of requests: the count and the page, two prefetches
    (targets, support types), nine facet counts.
    """

    database = NEEDS


class NeedExportCsvView(DatabaseExportView):
    """The registry's list (any filters) as a CSV file, streamed; public fields only."""

    database = NEEDS
    format = "csv"


class NeedExportJsonView(DatabaseExportView):
    """The registry's list (any filters) as a JSON array of records, streamed."""

    database = NEEDS
    format = "json"


# --- One request --------------------------------------------------------------------------------
def language_name(code: str) -> str:
    """The name of a language code in the active language (the code when Django lacks it)."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


def need_json_ld(request: HttpRequest, need: Need) -> dict[str, Any]:
    """schema.org description of a request: a demand for support, written up as a document."""
    country = need.country
    return {
        "@context": "https://schema.org",
        "@type": ["Demand", "CreativeWork"],
        "identifier": need.reference,
        "name": need.title,
        "description": need.problem_statement,
        "url": need_url(request, need),
        "areaServed": {"@type": "Country", "name": country.name, "identifier": country.code},
        "dateCreated": (need.submitted_at or need.created_at).isoformat(),
        **({"datePublished": need.published_at.isoformat()} if need.published_at else {}),
        "inLanguage": need.language,
        "about": [
            {
                "@type": "DefinedTerm",
                "termCode": target.code,
                "name": target.title,
                "inDefinedTermSet": "https://www.cbd.int/gbf/targets",
            }
            for target in need.targets.all()
        ],
        "keywords": [area.name for area in need.thematic_areas.all()],
    }


class NeedDetailView(TemplateView):
    """The page of one request: public once published (and not restricted); before that, or
    when restricted, only its owners and the help desk may open it (404 for anyone else)."""

    template_name = "needs/registry/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        need = get_object_or_404(selectors.need_for_page(), reference=self.kwargs["reference"])
        if not user.has_perm("needs.view_need", need):
            raise Http404(_("No such request for assistance."))
        context.update(
            need=need,
            language_name=language_name(need.language),
            show_private=user.has_perm("needs.view_need_private", need),
            json_ld=json_ld_script(need_json_ld(self.request, need)),
            support_details=list(need.support_details.all()),
        )
        return context
