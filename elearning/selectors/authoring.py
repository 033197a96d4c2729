"""Reads of course authoring: the organisations a person writes courses for, their courses, one
course's outline (modules, lessons, quizzes), a quiz with its questions, the cohorts and the
state of the course's quality review. Each returns a queryset (or a few rows) whose queries do
not depend on the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from chm_portal.accounts.predicates import organisation_roles
from chm_portal.quality import selectors as quality_selectors
from chm_portal.quality.models import QualityReview
from partners.models import Organisation

from ..models import Choice, Cohort, Course, Lesson, Module, Question, Quiz

__all__ = [
    "ReviewState",
    "authoring_courses",
    "authoring_organisations",
    "cohorts_of",
    "course_for_authoring",
    "course_outline",
    "lesson_for_authoring",
    "module_for_authoring",
    "question_for_authoring",
    "quiz_questions",
    "review_state",
]


def authoring_organisations(*, user) -> QuerySet[Organisation]:
    """The approved organisations ``user`` belongs to: those they may write courses for."""
    return Organisation.objects.filter(
        pk__in=list(organisation_roles(user)), status=Organisation.Status.APPROVED
    ).order_by("name")


def authoring_courses(*, user, status: str | None = None) -> QuerySet[Course]:
    """The courses of ``user``'s organisations (any status), drafts first, then the latest
    changed."""
    queryset = Course.objects.of_organisations(list(organisation_roles(user))).select_related(
        "provider"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "-updated_at", "-pk")


def course_for_authoring() -> QuerySet[Course]:
    """Courses with their provider and vocabularies (the overview and the edit form)."""
    return Course.objects.select_related("provider").prefetch_related(
        "languages", "targets", "thematic_areas"
    )


def module_for_authoring() -> QuerySet[Module]:
    return Module.objects.select_related("course__provider")


def lesson_for_authoring() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("course__provider", "module", "quiz").prefetch_related(
        "resources"
    )


def question_for_authoring() -> QuerySet[Question]:
    return Question.objects.select_related(
        "quiz__lesson__course__provider", "quiz__lesson__module"
    ).prefetch_related("choices")


def course_outline(course: Course) -> list[Module]:
    """The course's modules in order, each with its lessons (and their quiz and question count)
    in ``module.outline``: two queries."""
    lessons = (
        Lesson.objects.filter(course=course)
        .select_related("quiz")
        .annotate(question_count=Count("quiz__questions"))
        .order_by("position", "pk")
    )
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("lessons", queryset=lessons, to_attr="outline"))
    )
    return modules


def quiz_questions(quiz: Quiz) -> list[Question]:
    """The quiz's questions in order with their answers: two queries."""
    return list(
        quiz.questions.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
        )
    )


def cohorts_of(course: Course) -> QuerySet[Cohort]:
    """The course's cohorts, the latest first, with how many learners were invited and
    enrolled."""
    return course.cohorts.annotate(
        invitation_count=Count("invitations", distinct=True),
        enrolment_count=Count("enrolments", distinct=True),
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ReviewState:
    """Where the course stands with its quality review, for its overview page."""

    latest: QualityReview | None
    awaiting_improvements: QualityReview | None


def review_state(course: Course) -> ReviewState:
    """The course's latest review (with its checklist) and the review whose improvements the
    team should answer: two or three queries."""
    latest = quality_selectors.reviews_of(course).first()
    awaiting = None
    if latest is not None and latest.status == QualityReview.Status.CHANGES_REQUESTED:
        awaiting = latest if latest.improved_at is None else None
    elif latest is not None and latest.status != QualityReview.Status.APPROVED:
        awaiting = quality_selectors.review_awaiting_improvements(course)
    return ReviewState(latest=latest, awaiting_improvements=awaiting)
