"""schema.org JSON-LD of monitoring's public pages: a Party's country profile and a published
evaluation. What the pages show to everyone, no more (no notes, no who updated what)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from chm_portal.vocabularies.models import Country
from partners.databases import SCHEMA_CONTEXT, absolute

from .models import CountryProfile, Evaluation
from .selectors.nodes import NodePageData


def country_profile_json_ld(
    request: HttpRequest, country: Country, profile: CountryProfile | None
) -> dict[str, Any]:
    """A Party as a schema.org ``Country``, with its national CHM's maturity level and website
    when its focal points gave them."""
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Country",
        "name": country.name,
        "identifier": country.code,
        "url": absolute(request, reverse("monitoring:country", args=[country.code])),
    }
    if country.region_id:
        data["containedInPlace"] = {
            "@type": "Place",
            "name": country.region.name,
            "identifier": country.region.code,
        }
    if profile is not None:
        data["additionalProperty"] = {
            "@type": "PropertyValue",
            "propertyID": "national-chm-maturity-level",
            "name": str(CountryProfile._meta.get_field("maturity_level").verbose_name),
            "value": profile.maturity_level,
            "valueReference": str(profile.get_maturity_level_display()),
        }
        if profile.national_chm_url:
            data["sameAs"] = profile.national_chm_url
    return data


def evaluation_json_ld(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    """A published evaluation as a schema.org ``Report``."""
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Report",
        "identifier": str(evaluation.pk),
        "name": evaluation.title,
        "abstract": evaluation.findings,
        "about": str(evaluation.get_subject_display()),
        "inLanguage": evaluation.language,
        "url": absolute(request, reverse("monitoring:evaluation", args=[evaluation.pk])),
        "dateCreated": evaluation.evaluated_on.isoformat(),
    }
    if evaluation.evaluators:
        data["author"] = evaluation.evaluators
    if evaluation.period_start and evaluation.period_end:
        data["temporalCoverage"] = (
            f"{evaluation.period_start.isoformat()}/{evaluation.period_end.isoformat()}"
        )
    if evaluation.published_at:
        data["datePublished"] = evaluation.published_at.isoformat()
    return data


def node_json_ld(request: HttpRequest, data: NodePageData) -> dict[str, Any]:
    """A Party's national CHM node as a schema.org ``GovernmentOrganization`` serving the
    country: its maturity level and website, and, once published, its institutions."""
    country = data.country
    node: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "GovernmentOrganization",
        "identifier": f"chm-node-{country.code}",
        "name": f"CHM {country.name}",
        "url": absolute(request, reverse("monitoring:node", args=[country.code])),
        "areaServed": {"@type": "Country", "name": country.name, "identifier": country.code},
        "additionalProperty": {
            "@type": "PropertyValue",
            "propertyID": "national-chm-maturity-level",
            "value": data.level,
            "valueReference": str(data.level_label),
        },
    }
    if data.national_chm_url:
        node["sameAs"] = data.national_chm_url
    if data.is_published:
        node["member"] = [
            {
                "@type": "Organization",
                "name": institution.name,
                **({"url": institution.website} if institution.website else {}),
            }
            for institution in data.institutions
        ]
    return node
