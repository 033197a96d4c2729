"""The course catalogue as a public database of the portal (see :mod:`chm_portal.core.databases`):
its list page with search and facets, CSV and JSON exports, Atom feed, the portal-wide search and
saved searches all read :class:`~elearning.filtersets.CourseFilterSet`; the API
(``elearning/api/courses.py``) too. Also the course's schema.org description, and the link from an
organisation's page to its courses.

Exports and records show public fields only: published and archived courses, vocabularies by code,
never drafts, enrolments of people or review notes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import Database, register
from chm_portal.core.extensions import register_page_link
from chm_portal.core.faceting import (
    ChoiceFacet,
    Facet,
    FacetValue,
    TargetFacet,
    TermFacet,
)
from chm_portal.vocabularies.models import GBFTarget, Language, ThematicArea
from partners.databases import (
    GBF_TARGETS_SET,
    SCHEMA_CONTEXT,
    absolute,
    organisation_url,
    target_terms,
)
from partners.models import Organisation

from .filtersets import CourseFilterSet, open_for_enrolment_q
from .models import Community, Course, CourseFormat, CourseLevel
from .selectors import catalogue as selectors


def _codes(related) -> list[str]:
    return [term.code for term in related.all()]


def _day(moment):
    return timezone.localdate(moment) if moment else None


def course_path(course: Course) -> str:
    return reverse("elearning:course_detail", args=[course.pk])


# --- Facets ---------------------------------------------------------------------------------------
class OpenForEnrolmentFacet(Facet):
    """How many of the courses take enrolments today, and how many do not: one query."""

    def labels(self) -> dict[str, str]:
        # Under the legend "Open for enrolment"; a chip reads "Open for enrolment: Yes".
        return {"true": gettext("Yes"), "false": gettext("No")}

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        counts = queryset.order_by().aggregate(
            total=Count("pk", distinct=True),
            open=Count("pk", distinct=True, filter=open_for_enrolment_q()),
        )
        labels = self.labels()
        found = {"true": counts["open"], "false": counts["total"] - counts["open"]}
        return [FacetValue(code, labels[code], count) for code, count in found.items() if count]

    def label_of(self, value: Any) -> str:
        code = "true" if value is True else "false" if value is False else str(value)
        return self.labels().get(code, code)


COURSE_FACETS = [
    TermFacet("language", _("Language"), model=Language, path="languages"),
    TargetFacet("target", _("GBF target"), model=GBFTarget, path="targets"),
    TermFacet(
        "thematic_area",
        _("Thematic area"),
        model=ThematicArea,
        path="thematic_areas",
        ordering=("position", "code"),
    ),
    ChoiceFacet("course_format", _("Format"), field="format", choices=CourseFormat.choices),
    ChoiceFacet("level", _("Level"), field="level", choices=CourseLevel.choices),
    # Organisations are named by id (the filter's value); one query with the reverse relation.
    TermFacet(
        "provider",
        _("Provider"),
        model=Organisation,
        path="provider",
        code_field="pk",
    ),
    OpenForEnrolmentFacet("open", _("Open for enrolment")),
]


# --- Records in the exchange format (JSON exports and the API) ----------------------------------
def course_record(request: HttpRequest, course: Course) -> dict[str, Any]:
    """A public course: what it is, who provides it, in which languages, when, and whether it
    takes enrolments; vocabularies by code."""
    provider = course.provider
    return {
        "id": str(course.pk),
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "provider": {"id": str(provider.pk), "name": provider.name},
        "format": course.format,
        "level": course.level,
        "estimated_hours": course.estimated_hours,
        "languages": _codes(course.languages),
        "targets": _codes(course.targets),
        "thematic_areas": _codes(course.thematic_areas),
        "certificate_offered": course.certificate_offered,
        "enrolment_mode": course.enrolment_mode,
        "open_for_enrolment": course.is_open_for_enrolment(),
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "enrolment_closes_on": course.enrolment_closes_on,
        "enrolments": course.enrolment_count,
        "status": course.status,
        "published": _day(course.published_at),
        "url": absolute(request, course_path(course)),
    }


COURSE_RECORD_KEYS = (
    "id", "title", "summary", "language", "provider", "format", "level", "estimated_hours",
    "languages", "targets", "thematic_areas", "certificate_offered", "enrolment_mode",
    "open_for_enrolment", "starts_on", "ends_on", "enrolment_closes_on", "enrolments", "status",
    "published", "url",
)  # fmt: skip


# --- schema.org ---------------------------------------------------------------------------------
def course_json_ld(request: HttpRequest, course: Course) -> dict[str, Any]:
    """The schema.org ``Course`` of a course's page (with a ``CourseInstance``: its mode,
    workload and, for a MOOC, its dates)."""
    provider = course.provider
    workload = f"PT{course.estimated_hours}H"
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "courseMode": "blended" if course.format == CourseFormat.BLENDED else "online",
        "courseWorkload": workload,
    }
    if course.starts_on:
        instance["startDate"] = course.starts_on.isoformat()
    if course.ends_on:
        instance["endDate"] = course.ends_on.isoformat()
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Course",
        "identifier": str(course.pk),
        "name": course.title,
        "description": course.summary,
        "url": absolute(request, course_path(course)),
        "inLanguage": _codes(course.languages) or [course.language],
        "provider": {"@type": "Organization", "name": provider.name},
        "educationalLevel": str(course.get_level_display()),
        "timeRequired": workload,
        "about": [
            {
                "@type": "DefinedTerm",
                "termCode": target.code,
                "name": target.title,
                "inDefinedTermSet": GBF_TARGETS_SET,
            }
            for target in course.targets.all()
        ],
        "keywords": [area.name for area in course.thematic_areas.all()],
        "hasCourseInstance": instance,
        "dateCreated": course.created_at.isoformat(),
    }
    if provider.is_approved:
        data["provider"]["url"] = absolute(request, organisation_url(provider))
    if course.published_at:
        data["datePublished"] = course.published_at.isoformat()
    if course.certificate_offered:
        data["educationalCredentialAwarded"] = gettext("Certificate of completion")
    return data


def community_json_ld(request: HttpRequest, community: Community) -> dict[str, Any]:
    """A community of practice as a schema.org ``Organization`` of practitioners: what it is
    about and how many members it has; never who they are (its members are people)."""
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Organization",
        "additionalType": "https://en.wikipedia.org/wiki/Community_of_practice",
        "identifier": community.slug,
        "name": community.name,
        "description": community.description,
        "url": absolute(request, community.get_absolute_url()),
        "knowsAbout": target_terms(community.targets.all()),
        "foundingDate": timezone.localdate(community.created_at).isoformat(),
        "interactionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": "https://schema.org/JoinAction",
            "userInteractionCount": community.member_count,
        },
    }
    if community.thematic_area_id:
        data["keywords"] = [community.thematic_area.name]
    return data


# --- The database ---------------------------------------------------------------------------------
COURSES = register(
    Database(
        key="courses",
        label=_("Courses"),
        description=_(
            "Online courses and modules on biodiversity, from self-paced lessons to MOOCs, "
            "offered by partner organisations, many with a certificate of completion."
        ),
        model=Course,
        filterset_class=CourseFilterSet,
        queryset=selectors.public_courses,
        facets=COURSE_FACETS,
        url_namespace="elearning",
        detail_url=course_path,
        record=course_record,
        record_keys=COURSE_RECORD_KEYS,
        date_field="published_at",
        list_template="elearning/catalogue/list.html",
        item_template="elearning/catalogue/_item.html",
        title_of=lambda course: course.title,
        summary_of=lambda course: course.summary,
    )
)


# --- Links from other apps' pages ---------------------------------------------------------------
def organisation_courses_link(organisation: Organisation, user) -> tuple[str, str] | None:
    """ "Courses" on an organisation's page, to the catalogue filtered by it, when it provides
    public courses (one query)."""
    if not selectors.courses_of_organisation(organisation.pk).exists():
        return None
    return (gettext("Courses"), COURSES.list_url(f"provider={organisation.pk}"))


register_page_link("organisation", organisation_courses_link)
