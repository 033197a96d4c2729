"""Reads of the course catalogue: the public list, a course's page, the newest courses and the
courses of an organisation. Each returns its rows with what the pages show loaded, so that a page
costs the same number of queries whatever the number of courses, modules or enrolments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

from ..models import Course, CourseStatus, Enrolment, Lesson, Module

# How many courses the landing page and an organisation's page show.
NEWEST_COURSES = 6


def _ordered(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """The catalogue's order: the most recently published first."""
    return queryset.order_by(F("published_at").desc(nulls_last=True), "-pk")


def courses_with_terms() -> QuerySet[Course]:
    """Courses (any status) with their provider and vocabularies loaded, as a list shows them."""
    return Course.objects.select_related("provider").prefetch_related(
        "languages", "targets", "thematic_areas"
    )


def public_courses() -> QuerySet[Course]:
    """The catalogue: published and archived courses, the newest first, with their provider,
    languages, GBF targets and thematic areas loaded (one query each)."""
    return _ordered(courses_with_terms().public())


def newest_courses(limit: int = NEWEST_COURSES) -> list[Course]:
    """The ``limit`` most recently published courses (archived ones left out)."""
    return list(
        _ordered(
            Course.objects.filter(status=CourseStatus.PUBLISHED)
            .select_related("provider")
            .prefetch_related("languages")
        )[:limit]
    )


def courses_of_organisation(organisation_id: int, limit: int | None = None) -> QuerySet[Course]:
    """The public courses an organisation provides, the newest first (``limit`` of them)."""
    courses = _ordered(Course.objects.public().filter(provider_id=organisation_id))
    return courses[:limit] if limit else courses


def course_outline() -> Prefetch:
    """A course's modules in order, each with its lessons in order (titles, kind, minutes: the
    lessons' text is not loaded)."""
    lessons = Lesson.objects.defer(*_lesson_content_fields()).order_by("position", "pk")
    return Prefetch(
        "modules",
        queryset=Module.objects.order_by("position", "pk").prefetch_related(
            Prefetch("lessons", queryset=lessons)
        ),
    )


def _lesson_content_fields() -> list[str]:
    """The lesson's text in every language, which an outline does not need."""
    return [
        field.name
        for field in Lesson._meta.concrete_fields
        if field.name == "body" or field.name.startswith("body_")
    ]


@dataclass(frozen=True)
class CoursePage:
    """What a course's page shows: the course and the reader's enrolment in it, if any."""

    course: Course
    enrolment: Enrolment | None


def course_for_page(*, course_id: int, user) -> CoursePage:
    """A course in any status (the page checks who may see it) with its provider, languages,
    targets, thematic areas and outline loaded, and ``user``'s enrolment (``None`` for anonymous
    visitors and people not enrolled). Raises ``Course.DoesNotExist``."""
    course = (
        courses_with_terms()
        .select_related("provider__country")
        .prefetch_related(course_outline())
        .get(pk=course_id)
    )
    enrolment = None
    if user.is_authenticated:
        enrolment = (
            Enrolment.objects.filter(course=course, user=user).select_related("cohort").first()
        )
    return CoursePage(course=course, enrolment=enrolment)
