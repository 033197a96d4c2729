"""Writes of quizzes: starting an attempt and submitting its answers.

An attempt belongs to one enrolment (the learner's own: ``elearning.answer_quiz``); attempts are
numbered 1, 2, ... per quiz and enrolment (a unique constraint, and the enrolment's row locked
while the number is chosen), up to the quiz's ``max_attempts``. An attempt started and not
submitted is reused, so reloading the page does not use up attempts.

Scoring: a question is right when exactly its correct answers are chosen; the score is the
percentage of questions right (rounded half up); the quiz is passed at ``pass_mark`` or more.
Passing marks the quiz's lesson done and may complete the course (``services/learning.py``).
After submission, the feedback of every answer chosen is shown (``selectors/learning.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    AttemptAnswer,
    Course,
    Enrolment,
    EnrolmentStatus,
    Question,
    Quiz,
    QuizAttempt,
)
from . import learning

__all__ = ["attempts_left", "question_field_name", "start_attempt", "submit_attempt"]

S = EnrolmentStatus


def question_field_name(question_id: int) -> str:
    """The name errors about one question are given (the quiz form's field for it)."""
    return f"question_{question_id}"


def attempts_left(quiz: Quiz, submitted: int) -> int | None:
    """How many more attempts the learner has after ``submitted``; None when unlimited."""
    if quiz.max_attempts is None:
        return None
    return max(quiz.max_attempts - submitted, 0)


def _check_enrolment(enrolment: Enrolment, quiz: Quiz) -> None:
    if enrolment.status == S.INVITED:
        raise ValidationError(_("Accept the invitation to this course first."), code="invited")
    if enrolment.status == S.WITHDRAWN:
        raise ValidationError(
            _("You withdrew from this course: enrol again to continue."), code="withdrawn"
        )
    if quiz.lesson.course_id != enrolment.course_id:
        raise ValidationError(_("This quiz is not part of your course."), code="other_course")
    if enrolment.course.status not in Course.PUBLIC_STATUSES:
        raise ValidationError(_("This course is not available at the moment."), code="unavailable")


@transaction.atomic
def start_attempt(*, enrolment: Enrolment, quiz: Quiz, user) -> QuizAttempt:
    """The learner's attempt at ``quiz`` to answer now: the one started and not submitted, else
    a new one. Refused once the quiz is passed or every attempt allowed is used. Locks the
    enrolment, so that two requests cannot take the same number."""
    if not user.has_perm("elearning.answer_quiz", enrolment):
        raise PermissionDenied(_("This is not your enrolment."))
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrolment.pk)
    )
    _check_enrolment(locked, quiz)
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, enrolment=locked).order_by("number"))
    if any(attempt.passed for attempt in attempts):
        raise ValidationError(_("You have already passed this quiz."), code="passed")
    for attempt in attempts:
        if attempt.submitted_at is None:
            return attempt
    if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
        raise ValidationError(
            _("You have used all %(count)s attempts allowed at this quiz.")
            % {"count": quiz.max_attempts},
            code="no_attempts_left",
        )
    number = (attempts[-1].number if attempts else 0) + 1
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                quiz=quiz, enrolment=locked, number=number, started_at=timezone.now()
            )
    except IntegrityError:  # a concurrent request took the number: use its attempt
        return QuizAttempt.objects.get(quiz=quiz, enrolment=locked, number=number)


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _chosen_answers(
    questions: list[Question], answers: Mapping[Any, Any]
) -> dict[int, frozenset[int]]:
    """``{question id: choice ids}`` of ``answers`` after checking them against the quiz:
    every question answered, only its own choices, one for a single-choice question."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": _("Send the answers as question id → answer ids.")})
    by_id = {question.pk: question for question in questions}
    numbers = {question.pk: index for index, question in enumerate(questions, start=1)}
    errors: dict[str, list] = {}
    chosen: dict[int, frozenset[int]] = {}
    for key, values in answers.items():
        question_id = _as_id(key)
        if question_id is None or question_id not in by_id:
            errors.setdefault("answers", []).append(
                _("“%(key)s” is not a question of this quiz.") % {"key": key}
            )
            continue
        question = by_id[question_id]
        field = question_field_name(question_id)
        number = numbers[question_id]
        if values is None or values == "":
            values = []
        if not isinstance(values, list | tuple | set | frozenset):
            values = [values]
        ids = [_as_id(value) for value in values]
        valid = {choice.pk for choice in question.choices.all()}
        if any(choice_id is None or choice_id not in valid for choice_id in ids):
            errors.setdefault(field, []).append(
                _("Question %(number)s: one of the answers is not an answer of this question.")
                % {"number": number}
            )
            continue
        picked = frozenset(ids)
        if question.kind == Question.Kind.SINGLE and len(picked) > 1:
            errors.setdefault(field, []).append(
                _("Question %(number)s: choose one answer only.") % {"number": number}
            )
            continue
        if picked:
            chosen[question_id] = picked
    for question in questions:
        field = question_field_name(question.pk)
        if question.pk not in chosen and field not in errors:
            errors.setdefault(field, []).append(
                _("Question %(number)s: choose an answer.") % {"number": numbers[question.pk]}
            )
    if errors:
        raise ValidationError(errors)
    return chosen


def _score(right: int, total: int) -> int:
    """The percentage of ``right`` answers, rounded half up."""
    return (200 * right + total) // (2 * total)


@transaction.atomic
def submit_attempt(*, attempt: QuizAttempt, answers: Mapping[int, list[int]], user) -> QuizAttempt:
    """Record and score the answers of an attempt: ``{question id: [choice ids]}``.

    Refused: another learner's attempt (``PermissionDenied``); an attempt already submitted,
    a withdrawn enrolment, question ids not of this quiz, choice ids not of their question,
    several answers to a single-choice question, or a question left unanswered (translated
    ``ValidationError``; nothing is saved). Passing marks the quiz's lesson done and completes
    the course when it was the last thing missing. Locks the attempt.
    """
    if not user.has_perm("elearning.answer_quiz", attempt):
        raise PermissionDenied(_("This attempt is another learner's."))
    locked = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz__lesson", "enrolment__course")
        .get(pk=attempt.pk)
    )
    if locked.submitted_at is not None:
        raise ValidationError(
            _("This attempt was already submitted. Start a new attempt to answer again."),
            code="submitted",
        )
    quiz, enrolment = locked.quiz, locked.enrolment
    _check_enrolment(enrolment, quiz)
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."), code="empty")
    chosen = _chosen_answers(questions, answers)

    rows = []
    right = 0
    for question in questions:
        correct = {choice.pk for choice in question.choices.all() if choice.is_correct}
        is_correct = chosen[question.pk] == correct
        right += is_correct
        rows.append(AttemptAnswer(attempt=locked, question=question, is_correct=is_correct))
    AttemptAnswer.objects.bulk_create(rows)
    saved = {row.question_id: row for row in AttemptAnswer.objects.filter(attempt=locked)}
    Through = AttemptAnswer.choices.through
    Through.objects.bulk_create(
        [
            Through(attemptanswer_id=saved[question_id].pk, choice_id=choice_id)
            for question_id, choice_ids in chosen.items()
            for choice_id in sorted(choice_ids)
        ]
    )
    locked.score = _score(right, len(questions))
    locked.passed = locked.score >= quiz.pass_mark
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["score", "passed", "submitted_at"])
    if locked.passed:
        learning.mark_lesson_completed(enrolment=enrolment, lesson=quiz.lesson)
        learning.check_completion(enrolment=enrolment)
    attempt.score, attempt.passed, attempt.submitted_at = (
        locked.score,
        locked.passed,
        locked.submitted_at,
    )
    return locked
