"""The public registry of requests for assistance as a database of the portal (see
:mod:`chm_portal.core.databases`): its list page, exports, feed, portal search and saved searches
read the same :class:`~needs.filtersets.NeedFilterSet`. Contact details and budgets are never
exported.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import Database, register

from . import selectors
from .filtersets import NEED_FACETS, NeedFilterSet
from .models import PUBLIC_STATUSES, Need


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _codes(related) -> list[str]:
    return [item.code for item in related.all()]


def need_path(need: Need) -> str:
    return reverse("needs:detail", kwargs={"reference": need.reference})


def need_url(request: HttpRequest, need: Need) -> str:
    return request.build_absolute_uri(need_path(need))


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


NEED_RECORD_KEYS = (
    "id", "title", "description", "language", "country", "support_types", "thematic_areas",
    "targets", "capacity_levels", "languages", "submitted", "status", "published", "url",
)  # fmt: skip

NEEDS = register(
    Database(
        key="needs",
        label=_("Requests for assistance"),
        description=_(
            "Capacity-building and technical and scientific cooperation needs that the help "
            "desk has published in the registry of the CHM portal."
        ),
        model=Need,
        filterset_class=NeedFilterSet,
        queryset=selectors.need_registry_list,
        export_queryset=selectors.need_public_list,
        facets=NEED_FACETS,
        url_namespace="needs",
        url_names={
            "list": "registry",
            "export_csv": "export_csv",
            "export_json": "export_json",
            "feed": "feed",
        },
        detail_url=need_path,
        record=need_record,
        record_keys=NEED_RECORD_KEYS,
        csv_columns=need_csv_columns,
        list_template="needs/registry/list.html",
        filterset_kwargs=lambda request: {"statuses": PUBLIC_STATUSES},
        title_of=lambda need: f"{need.title} ({need.country.name})",
        summary_of=lambda need: need.problem_statement,
    )
)
