"""The public database of commitments (see :mod:`chm_portal.core.databases`): its facets, its
record in exports and the API's open-data shape, and its schema.org description.

Only published commitments are listed; owners' accounts, moderation notes and unpublished
progress reports never are.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import Database, register
from chm_portal.core.faceting import (
    ChoiceFacet,
    CountryGroupFacet,
    RegionFacet,
    TargetFacet,
    TermFacet,
    YearFacet,
)
from chm_portal.vocabularies.models import GBFTarget, ThematicArea
from partners.databases import target_terms

from . import selectors
from .filtersets import CommitmentFilterSet
from .models import ActorType, Commitment, Phase, Scope, Sector

SCHEMA_CONTEXT = "https://schema.org"


def commitment_url(commitment: Commitment) -> str:
    return reverse("commitments:commitment_detail", args=[commitment.pk])


def _codes(related) -> list[str]:
    return [item.code for item in related.all()]


def commitment_record(request: HttpRequest, commitment: Commitment) -> dict[str, Any]:
    """A published commitment as exported (JSON, CSV) and read by partner websites."""
    return {
        "id": str(commitment.pk),
        "title": commitment.title,
        "description": commitment.description,
        "language": commitment.language,
        "actor_type": commitment.actor_type,
        "actor_name": commitment.actor_name,
        "organisation": str(commitment.organisation_id) if commitment.organisation_id else None,
        "sector": commitment.sector or None,
        "size": commitment.size or None,
        "government_level": commitment.government_level or None,
        "country": commitment.country.code,
        "locality": commitment.locality,
        "targets": _codes(commitment.targets),
        "biosafety": commitment.is_biosafety,
        "scope": commitment.scope,
        "audience": commitment.audience,
        "partners": commitment.partners,
        "start_date": commitment.start_date,
        "end_date": commitment.end_date,
        "phase": commitment.phase,
        "website": commitment.website,
        "published": timezone.localdate(commitment.published_at)
        if commitment.published_at
        else None,
        "url": request.build_absolute_uri(commitment_url(commitment)),
    }


RECORD_KEYS = (
    "id",
    "title",
    "description",
    "language",
    "actor_type",
    "actor_name",
    "organisation",
    "sector",
    "size",
    "government_level",
    "country",
    "locality",
    "targets",
    "biosafety",
    "scope",
    "audience",
    "partners",
    "start_date",
    "end_date",
    "phase",
    "website",
    "published",
    "url",
)


def commitment_json_ld(request: HttpRequest, commitment: Commitment) -> dict[str, Any]:
    """A commitment as a schema.org ``Action`` by its actor, about the GBF targets."""
    agent_type = "Person" if commitment.actor_type == ActorType.INDIVIDUAL else "Organization"
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Action",
        "identifier": str(commitment.pk),
        "name": commitment.title,
        "description": commitment.description,
        "url": request.build_absolute_uri(commitment_url(commitment)),
        "inLanguage": commitment.language,
        "agent": {"@type": agent_type, "name": commitment.actor_name},
        "location": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressCountry": commitment.country.code,
                **({"addressLocality": commitment.locality} if commitment.locality else {}),
            },
        },
        "startTime": commitment.start_date.isoformat(),
        "endTime": commitment.end_date.isoformat(),
        "actionStatus": "CompletedActionStatus"
        if commitment.phase == Phase.EVALUATION
        else "ActiveActionStatus",
        "object": target_terms(commitment.targets.all()),
    }
    if commitment.published_at:
        data["datePublished"] = commitment.published_at.isoformat()
    if commitment.website:
        data["sameAs"] = commitment.website
    return data


COMMITMENTS = register(
    Database(
        key="commitments",
        label=_("Commitments"),
        description=_(
            "Pledges of individuals, organisations, businesses and local governments towards "
            "the targets of the Global Biodiversity Framework, with measurable deliverables."
        ),
        model=Commitment,
        filterset_class=CommitmentFilterSet,
        queryset=selectors.commitments_for_list,
        export_queryset=selectors.commitments_for_export,
        facets=[
            ChoiceFacet(
                "actor_type", _("Type of actor"), field="actor_type", choices=ActorType.choices
            ),
            TargetFacet("target", _("GBF target"), model=GBFTarget, path="targets"),
            RegionFacet("region", _("Region"), path="country"),
            CountryGroupFacet("group", _("Country group"), path="country"),
            ChoiceFacet("phase", _("Phase"), field="phase", choices=Phase.choices),
            ChoiceFacet("scope", _("Scope"), field="scope", choices=Scope.choices),
            ChoiceFacet("sector", _("Sector"), field="sector", choices=Sector.choices),
            TermFacet(
                "thematic_area",
                _("Thematic area"),
                model=ThematicArea,
                path="thematic_areas",
                ordering=("position", "code"),
            ),
            YearFacet("start_year", _("Start year"), field="start_date"),
        ],
        url_namespace="commitments",
        detail_url=commitment_url,
        record=commitment_record,
        record_keys=RECORD_KEYS,
        item_template="commitments/_item.html",
        list_template="commitments/list.html",
        summary_of=lambda commitment: commitment.description,
    )
)
