"""The public registry of requests for assistance (Activity 1 of the action plan).

Anyone may search the published requests by text and facets, download what they found as CSV or
JSON, follow it as an Atom feed and open each request's page. The page, the exports and the feed
read the same parameters through :class:`~needs.filtersets.NeedFilterSet`, so the links of a page
carry its filters to the other formats. Contact details and budgets are never shown here, except
on a request's page to its owners and the help desk.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script, stream_csv, stream_json
from chm_portal.core.feeds import filter_query_string, with_query

from .. import selectors
from ..feeds import NeedFeed
from ..filtersets import NeedFilterSet
from ..models import PUBLIC_STATUSES, Need

__all__ = [
    "NeedDetailView",
    "NeedExportCsvView",
    "NeedExportJsonView",
    "NeedFeed",
    "NeedRegistryView",
]

REGISTRY_PAGE_SIZE = 20

# Facets of the page: filter parameter -> heading.
FACET_LEGENDS = {
    "country": _("Country"),
    "region": _("Region"),
    "group": _("Country group"),
    "target": _("GBF target"),
    "thematic_area": _("Thematic area"),
    "support_type": _("Support type"),
    "status": _("Status"),
    "year": _("Year published"),
}
# Filters the page has no checkboxes for: kept in the form as hidden fields when asked for.
HIDDEN_FILTERS = ("capacity_level", "language")


def registry_filterset(request: HttpRequest, queryset: QuerySet[Need]) -> NeedFilterSet:
    """The registry's filters read from the query string (public statuses only)."""
    return NeedFilterSet(request.GET, queryset=queryset, request=request, statuses=PUBLIC_STATUSES)


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _codes(related) -> list[str]:
    return [item.code for item in related.all()]


def need_url(request: HttpRequest, need: Need) -> str:
    return request.build_absolute_uri(reverse("needs:detail", kwargs={"reference": need.reference}))


def _filter_errors(filterset: NeedFilterSet) -> JsonResponse:
    return JsonResponse({"errors": filterset.errors}, status=400)


# --- The list -----------------------------------------------------------------------------------
def _value_code(value: Any) -> str:
    """The query-string form of a selected value (a record's code, a status, a year)."""
    return str(getattr(value, "code", value))


def _value_label(name: str, value: Any) -> str:
    """How a selected value is named on its chip: targets and groups by code, terms by name."""
    if name == "status":
        return str(Need.Status(value).label)
    if name in ("target", "group"):
        return value.code
    return str(getattr(value, "name", value))


def _without(query: QueryDict, name: str, code: str | None = None) -> str:
    """The query string without one value of ``name`` (all of them when ``code`` is None)."""
    remaining = query.copy()
    remaining.pop("page", None)
    if code is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [value for value in remaining.getlist(name) if value != code])
    return remaining.urlencode()


class NeedRegistryView(TemplateView):
    """Published requests: search box, facets with counts, 20 results a page, export links.

    Queries do not depend on the number of requests: the count and the page, two prefetches
    (targets, support types), nine facet counts, plus one per vocabulary filtered by.
    """

    template_name = "needs/registry/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = registry_filterset(request, selectors.need_registry_list())
        context = self.get_context_data(filterset=filterset)
        if filterset.is_valid():
            context.update(self.results(filterset))
            status = 200
        else:
            status = 400
        return self.render_to_response(context, status=status)

    def results(self, filterset: NeedFilterSet) -> dict[str, Any]:
        request = self.request
        paginator = Paginator(filterset.qs, REGISTRY_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        facets = selectors.need_registry_facets(
            filterset.qs, querysets={name: filterset.qs_without(name) for name in FACET_LEGENDS}
        )
        selected = filterset.selected()
        query_string = filter_query_string(request.GET)
        return {
            "show_results": True,
            "page_obj": page,
            "paginator": paginator,
            "needs": page.object_list,
            "facet_groups": self.facet_groups(facets, selected),
            "chips": self.chips(selected),
            "hidden_filters": [
                (name, _value_code(value))
                for name in HIDDEN_FILTERS
                for value in selected.get(name, [])
            ],
            "query_string": query_string,
            "csv_url": with_query(reverse("needs:export_csv"), query_string),
            "json_url": with_query(reverse("needs:export_json"), query_string),
            "feed_url": with_query(reverse("needs:feed"), query_string),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["feed_url"] = reverse("needs:feed")
        return context

    def facet_groups(self, facets, selected: dict[str, list]) -> list[dict[str, Any]]:
        """The checkboxes of each facet; values asked for stay listed (checked) even at zero."""
        groups = []
        for name, legend in FACET_LEGENDS.items():
            chosen = {_value_code(value): value for value in selected.get(name, [])}
            values = [
                {
                    "code": value.code,
                    "label": value.label,
                    "count": value.count,
                    "checked": value.code in chosen,
                }
                for value in facets[name]
            ]
            listed = {value["code"] for value in values}
            values += [
                {"code": code, "label": _value_label(name, value), "count": 0, "checked": True}
                for code, value in chosen.items()
                if code not in listed
            ]
            if values:
                groups.append({"name": name, "legend": legend, "values": values})
        return groups

    def chips(self, selected: dict[str, list]) -> list[dict[str, str]]:
        """The filters in force, each with the address of the list without it."""
        query = self.request.GET
        chips = []
        for name, values in selected.items():
            if name == "q":
                chips.append(
                    {
                        "label": _("Search: “%(text)s”") % {"text": values[0]},
                        "url": _without(query, "q"),
                    }
                )
                continue
            legend = FACET_LEGENDS.get(name) or filter_label(name)
            for value in values:
                code = _value_code(value)
                chips.append(
                    {
                        "label": f"{legend}: {_value_label(name, value)}",
                        "url": _without(query, name, code),
                    }
                )
        return chips


def filter_label(name: str) -> str:
    return str(NeedFilterSet.base_filters[name].label)


# --- Exports ------------------------------------------------------------------------------------
def _export_filename(extension: str) -> str:
    return f"needs-registry-{timezone.localdate().isoformat()}.{extension}"


def need_csv_columns(request: HttpRequest):
    """The columns of the CSV export: public fields only, vocabularies by code."""
    return [
        ("reference", lambda need: need.reference),
        ("title", lambda need: need.title),
        ("status", lambda need: need.status),
        ("country", lambda need: need.country.code),
        ("country_name", lambda need: need.country.name),
        ("region", lambda need: need.country.region.code if need.country.region else ""),
        ("application_level", lambda need: need.application_level),
        ("requester_kind", lambda need: need.requester_kind),
        ("requesting_organisation", lambda need: need.requesting_organisation),
        ("language", lambda need: need.language),
        ("problem_statement", lambda need: need.problem_statement),
        ("objectives", lambda need: need.objectives),
        ("expected_outputs", lambda need: need.expected_outputs),
        ("outcomes_and_indicators", lambda need: need.outcomes_and_indicators),
        ("targets", lambda need: _codes(need.targets)),
        ("thematic_areas", lambda need: _codes(need.thematic_areas)),
        ("support_types", lambda need: _support_codes(need)),
        ("capacity_levels", lambda need: _codes(need.capacity_levels)),
        ("working_languages", lambda need: _codes(need.working_languages)),
        ("desired_start", lambda need: need.desired_start),
        ("desired_end", lambda need: need.desired_end),
        ("submitted", lambda need: _day(need.submitted_at)),
        ("published", lambda need: _day(need.published_at)),
        ("url", lambda need: need_url(request, need)),
    ]


def _support_codes(need: Need) -> list[str]:
    return [support.support_type.code for support in need.support_details.all()]


def need_record(request: HttpRequest, need: Need) -> dict[str, Any]:
    """A published request in the record exchange format (shared/matching/README.md), with its
    status, publication date and page address."""
    return {
        "id": need.reference,
        "title": need.title,
        "description": need.problem_statement,
        "language": need.language,
        "country": need.country.code,
        "support_types": _support_codes(need),
        "thematic_areas": _codes(need.thematic_areas),
        "targets": _codes(need.targets),
        "capacity_levels": _codes(need.capacity_levels),
        "languages": _codes(need.working_languages),
        "submitted": _day(need.submitted_at),
        "status": need.status,
        "published": _day(need.published_at),
        "url": need_url(request, need),
    }


class NeedExportCsvView(View):
    """The registry's list (any filters) as a CSV file, streamed; public fields only."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = registry_filterset(request, selectors.need_public_list())
        if not filterset.is_valid():
            return _filter_errors(filterset)
        return stream_csv(filterset.qs, need_csv_columns(request), _export_filename("csv"))


class NeedExportJsonView(View):
    """The registry's list (any filters) as a JSON array of records, streamed."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = registry_filterset(request, selectors.need_public_list())
        if not filterset.is_valid():
            return _filter_errors(filterset)
        return stream_json(
            filterset.qs, lambda need: need_record(request, need), _export_filename("json")
        )


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
