"""Reads of learning: a learner's enrolment and outline, where to resume, quiz attempts and their
feedback, the learner's dashboard, certificates, and a course's results for its team.

Every function returns its rows with what the pages show loaded; the dashboard and the results
cost the same number of queries whatever the number of enrolments (progress is counted in SQL
with subqueries, the survey's averages and distributions are aggregates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from partners.models import Resource

from ..models import (
    AttemptAnswer,
    Certificate,
    Course,
    CourseInvitation,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Question,
    Quiz,
    QuizAttempt,
    SurveyResponse,
)

S = EnrolmentStatus
# How many pending invitations and surveys to answer the dashboard lists.
DASHBOARD_SHORT_LIST = 20


# --- A learner in a course ------------------------------------------------------------------------
def enrolment_of(*, user, course_id: int) -> Enrolment | None:
    """``user``'s enrolment in the course, with the course and its provider loaded."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.select_related("course__provider")
        .filter(user=user, course_id=course_id)
        .first()
    )


def course_lessons(course_id: int) -> list[Lesson]:
    """The course's lessons in reading order, with their module (the text is not loaded)."""
    content = [
        f.name
        for f in Lesson._meta.concrete_fields
        if f.name == "body" or f.name.startswith("body_")
    ]
    return list(
        Lesson.objects.filter(course_id=course_id)
        .select_related("module")
        .defer(*content)
        .order_by("module__position", "module_id", "position", "pk")
    )


def lesson_for_page(*, course_id: int, lesson_id: int) -> Lesson | None:
    """A lesson of the course with its module, and the public resources it links to."""
    return (
        Lesson.objects.filter(course_id=course_id, pk=lesson_id)
        .select_related("module")
        .prefetch_related(
            Prefetch(
                "resources",
                queryset=Resource.objects.public().order_by("pk"),
            )
        )
        .first()
    )


def progress_of(enrolment: Enrolment) -> dict[int, LessonProgress]:
    """``{lesson id: progress}`` of the enrolment."""
    return {row.lesson_id: row for row in LessonProgress.objects.filter(enrolment=enrolment)}


def counted_lessons(lessons: list[Lesson]) -> list[Lesson]:
    """The lessons that complete the course (see ``services.learning.counted_lesson_ids``)."""
    counted = [lesson for lesson in lessons if lesson.required or lesson.kind == Lesson.Kind.QUIZ]
    return counted or list(lessons)


def resume_lesson(lessons: list[Lesson], progress: dict[int, LessonProgress]) -> Lesson | None:
    """Where to resume: the most recently seen lesson not done, else the first lesson not done
    (in reading order), else None (everything done)."""
    undone = [
        lesson
        for lesson in lessons
        if progress.get(lesson.pk) is None or progress[lesson.pk].completed_at is None
    ]
    seen = [lesson for lesson in undone if lesson.pk in progress]
    if seen:
        return max(seen, key=lambda lesson: progress[lesson.pk].last_seen_at)
    return undone[0] if undone else None


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


# --- Quizzes --------------------------------------------------------------------------------------
def quiz_for_page(lesson: Lesson) -> Quiz | None:
    """The lesson's quiz with its questions and their answers in order."""
    return (
        Quiz.objects.filter(lesson=lesson)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position", "pk").prefetch_related("choices"),
            )
        )
        .first()
    )


def attempts_of(*, enrolment: Enrolment, quiz: Quiz) -> list[QuizAttempt]:
    """The learner's attempts at the quiz, in order."""
    return list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))


@dataclass
class AnswerFeedback:
    """What the learner answered to one question and what the answers chosen say."""

    question: Question
    number: int
    is_correct: bool
    chosen: list = field(default_factory=list)


def attempt_feedback(attempt: QuizAttempt) -> list[AnswerFeedback]:
    """Each question of a submitted attempt, in order: right or wrong, and the answers chosen
    with their feedback (the correct answers are not revealed). Two queries."""
    answers = (
        AttemptAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related("choices")
        .order_by("question__position", "question_id")
    )
    return [
        AnswerFeedback(
            question=answer.question,
            number=number,
            is_correct=answer.is_correct,
            chosen=sorted(answer.choices.all(), key=lambda choice: (choice.position, choice.pk)),
        )
        for number, answer in enumerate(answers, start=1)
    ]


# --- The learner's dashboard ----------------------------------------------------------------------
def _count_subquery(queryset: QuerySet, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_progress(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments annotated with ``lessons_total`` (required lessons and quizzes of the course)
    and ``lessons_done`` (those done): two correlated subqueries, no query per row."""
    counted = Q(required=True) | Q(kind=Lesson.Kind.QUIZ)
    return enrolments.annotate(
        lessons_total=_count_subquery(
            Lesson.objects.filter(counted, course_id=OuterRef("course_id")), "course_id"
        ),
        lessons_done=_count_subquery(
            LessonProgress.objects.filter(
                Q(lesson__required=True) | Q(lesson__kind=Lesson.Kind.QUIZ),
                enrolment_id=OuterRef("pk"),
                completed_at__isnull=False,
            ),
            "enrolment_id",
        ),
    )


def my_enrolments(user, *, statuses=None) -> QuerySet[Enrolment]:
    """``user``'s enrolments (invitations not yet accepted left out, unless asked for), the
    newest first, with the course, provider, certificate and survey loaded and the progress
    counted."""
    enrolments = Enrolment.objects.filter(user=user)
    if statuses is None:
        enrolments = enrolments.exclude(status=S.INVITED)
    else:
        enrolments = enrolments.filter(status__in=list(statuses))
    return with_progress(
        enrolments.select_related("course__provider", "certificate", "survey").order_by(
            "-enrolled_at", "-pk"
        )
    )


def my_status_counts(user) -> dict[str, int]:
    """``{status: number of enrolments}`` of ``user`` (one aggregate)."""
    counts = dict.fromkeys(S.values, 0)
    counts.update(
        Enrolment.objects.filter(user=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return counts


def pending_invitations(user, limit: int = DASHBOARD_SHORT_LIST) -> list[CourseInvitation]:
    """Invitations to ``user``'s address not yet accepted nor expired, to courses still taking
    learners."""
    return list(
        CourseInvitation.objects.annotate(email_lower=Lower("email"))
        .filter(
            email_lower=user.email.lower(),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
            course__status=CourseStatus.PUBLISHED,
        )
        .select_related("course__provider", "cohort")
        .order_by("-created_at")[:limit]
    )


def surveys_due(user, limit: int = DASHBOARD_SHORT_LIST) -> list[Enrolment]:
    """Completed enrolments of ``user`` whose survey is not answered yet."""
    return list(
        Enrolment.objects.filter(user=user, status=S.COMPLETED, survey__isnull=True)
        .select_related("course")
        .order_by("-completed_at")[:limit]
    )


def my_certificates(user) -> QuerySet[Certificate]:
    """Certificates issued to ``user``, the newest first."""
    return Certificate.objects.filter(enrolment__user=user).select_related("enrolment__course")


def invitation_by_token(token: str) -> CourseInvitation | None:
    if not token:
        return None
    return (
        CourseInvitation.objects.select_related("course__provider", "cohort")
        .filter(token=str(token)[:64])
        .first()
    )


# --- Results for the course team ------------------------------------------------------------------
@dataclass(frozen=True)
class CourseResults:
    """What the course team sees of a course: enrolments by status, the completion rate, the
    survey's averages and the distributions of its answers."""

    status_counts: dict[str, int]
    completion_rate: int | None
    responses: int
    average_quality: float | None
    average_effectiveness: float | None
    good_quality: int
    good_effectiveness: int
    quality_distribution: list[tuple[int, int]]
    effectiveness_distribution: list[tuple[int, int]]
    relevance_distribution: list[tuple[str, str, int]]

    @property
    def enrolled(self) -> int:
        """Everyone who started: in progress, completed or withdrawn (not the invited)."""
        return sum(n for status, n in self.status_counts.items() if status != S.INVITED)


def course_results(course: Course) -> CourseResults:
    """The results of ``course`` in five aggregate queries, whatever its size."""
    counts = dict.fromkeys(S.values, 0)
    counts.update(
        Enrolment.objects.filter(course=course)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    started = counts[S.ACTIVE] + counts[S.COMPLETED] + counts[S.WITHDRAWN]
    responses = SurveyResponse.objects.filter(course=course)
    good = SurveyResponse.GOOD_RATING
    summary = responses.aggregate(
        n=Count("pk"),
        average_quality=Avg("quality"),
        average_effectiveness=Avg("effectiveness"),
        good_quality=Count("pk", filter=Q(quality__gte=good)),
        good_effectiveness=Count("pk", filter=Q(effectiveness__gte=good)),
    )

    def distribution(name: str) -> list[tuple[int, int]]:
        found = dict(
            responses.order_by().values_list(name).annotate(n=Count("pk")).values_list(name, "n")
        )
        return [(rating, found.get(rating, 0)) for rating in range(1, 6)]

    relevance = dict(
        responses.order_by()
        .values_list("relevance")
        .annotate(n=Count("pk"))
        .values_list("relevance", "n")
    )
    return CourseResults(
        status_counts=counts,
        completion_rate=percent(counts[S.COMPLETED], started) if started else None,
        responses=summary["n"],
        average_quality=summary["average_quality"],
        average_effectiveness=summary["average_effectiveness"],
        good_quality=summary["good_quality"],
        good_effectiveness=summary["good_effectiveness"],
        quality_distribution=distribution("quality"),
        effectiveness_distribution=distribution("effectiveness"),
        relevance_distribution=[
            (value, label, relevance.get(value, 0))
            for value, label in SurveyResponse.Relevance.choices
        ],
    )


def survey_comments(course: Course) -> QuerySet[SurveyResponse]:
    """The survey's answers that have comments, the newest first (anonymous: no learner)."""
    return (
        SurveyResponse.objects.filter(course=course)
        .exclude(comments="")
        .only("pk", "quality", "effectiveness", "relevance", "comments", "submitted_at")
        .order_by("-submitted_at", "-pk")
    )
