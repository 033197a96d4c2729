"""schema.org JSON-LD of matchmaking's public pages: a pilot project, a success story and a
matchmaking workshop. Public fields only: never the budget, the agreement, reports,
evaluations, contacts or the people who wrote them; the views add it only to pages of public
records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from partners.databases import (
    SCHEMA_CONTEXT,
    absolute,
    event_json_ld,
    organisation_url,
    record_url,
    target_terms,
)

from .models import MatchingWorkshop, Project, SuccessStory


def _country(country) -> dict[str, Any]:
    return {"@type": "Country", "name": country.name, "identifier": country.code}


def project_json_ld(request: HttpRequest, project: Project) -> dict[str, Any]:
    """A pilot project as a schema.org ``Project``: its public part (as its page shows it)."""
    need = project.match.need
    provider = project.match.offer.provider
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Project",
        "identifier": project.reference,
        "name": project.title,
        "description": project.objectives,
        "url": absolute(request, reverse("matchmaking:project_detail", args=[project.pk])),
        "areaServed": _country(need.country),
        "member": {
            "@type": "Organization",
            "name": provider.name,
            "url": absolute(request, organisation_url(provider)),
        },
        "about": target_terms(need.targets.all()),
        "dateCreated": project.created_at.isoformat(),
    }
    if project.start_date:
        data["foundingDate"] = project.start_date.isoformat()
    if project.end_date:
        data["dissolutionDate"] = project.end_date.isoformat()
    return data


def story_json_ld(request: HttpRequest, story: SuccessStory) -> dict[str, Any]:
    """A published success story as a schema.org ``Article`` about its project."""
    project = story.project
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Article",
        "identifier": str(story.pk),
        "headline": story.title,
        "name": story.title,
        "abstract": story.summary,
        "articleBody": story.body,
        "inLanguage": story.language,
        "url": absolute(request, reverse("matchmaking:story_detail", args=[story.pk])),
        "about": {
            "@type": "Project",
            "identifier": project.reference,
            "name": project.title,
            "url": absolute(request, reverse("matchmaking:project_detail", args=[project.pk])),
        },
        "contentLocation": _country(project.match.need.country),
        "dateModified": story.updated_at.isoformat(),
    }
    if story.published_at:
        data["datePublished"] = story.published_at.isoformat()
    return data


def workshop_json_ld(request: HttpRequest, workshop: MatchingWorkshop) -> dict[str, Any]:
    """A matchmaking workshop: its event's schema.org ``Event`` (the partners' builder), at the
    workshop's address, with the summary of what it discussed."""
    event = workshop.event
    data = event_json_ld(request, event)
    data["url"] = absolute(request, reverse("matchmaking:workshop_detail", args=[workshop.pk]))
    data["sameAs"] = absolute(request, record_url(event))
    if workshop.summary:
        data["description"] = workshop.summary
    return data
