"""Quizzes: attempts and their limit, scoring single- and multiple-choice questions, refusals of
bad answers and of another learner's attempt, and the quiz page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from elearning.models import (
    AttemptAnswer,
    Choice,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
)
from elearning.services import quizzes as services
from tests.factories import EnrolmentFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


@pytest.fixture
def course():
    return build_course()


@pytest.fixture
def quiz(course):
    return course.lessons.get(kind=Lesson.Kind.QUIZ).quiz


@pytest.fixture
def enrolment(course, learner):
    return EnrolmentFactory(course=course, user=learner)


def wrong_answers(quiz):
    return answers(quiz, single="GBF-T99", multiple=("Spreadsheets",))


def questions(quiz) -> tuple[Question, Question]:
    single = quiz.questions.get(kind=Question.Kind.SINGLE)
    multiple = quiz.questions.get(kind=Question.Kind.MULTIPLE)
    return single, multiple


def choice(question, text) -> Choice:
    return question.choices.get(text=text)


def answers(quiz, *, single="GBF-T3", multiple=("Mangroves", "Coral reefs")):
    """Answers by text: all right by default."""
    first, second = questions(quiz)
    return {
        first.pk: [choice(first, single).pk],
        second.pk: [choice(second, text).pk for text in multiple],
    }


# --- Attempts -----------------------------------------------------------------------------------
def test_an_unsubmitted_attempt_is_reused_and_numbers_follow(enrolment, quiz, learner):
    first = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    assert services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner).pk == first.pk
    assert first.number == 1

    services.submit_attempt(attempt=first, answers=wrong_answers(quiz), user=learner)
    second = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    assert second.number == 2


def test_the_attempts_limit_is_enforced(enrolment, quiz, learner):
    for _round in range(2):  # two attempts allowed, both failed
        attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
        services.submit_attempt(
            attempt=attempt,
            answers=wrong_answers(quiz),
            user=learner,
        )
    with pytest.raises(ValidationError, match="all 2 attempts"):
        services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 2


def test_no_new_attempt_once_passed(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    services.submit_attempt(attempt=attempt, answers=answers(quiz), user=learner)
    with pytest.raises(ValidationError, match="already passed"):
        services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)


def test_attempts_are_refused_on_another_learners_enrolment_or_another_course(
    enrolment, quiz, learner
):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.start_attempt(enrolment=enrolment, quiz=quiz, user=other)
    other_quiz = build_course().lessons.get(kind=Lesson.Kind.QUIZ).quiz
    with pytest.raises(ValidationError, match="not part of your course"):
        services.start_attempt(enrolment=enrolment, quiz=other_quiz, user=learner)
    enrolment.status = S.WITHDRAWN
    enrolment.save()
    with pytest.raises(ValidationError, match="withdrew"):
        services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    assert not QuizAttempt.objects.exists()


# --- Scoring ------------------------------------------------------------------------------------
def test_all_right_scores_100_and_marks_the_quiz_lesson_done(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    result = services.submit_attempt(attempt=attempt, answers=answers(quiz), user=learner)

    assert (result.score, result.passed) == (100, True)
    assert result.submitted_at is not None
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=quiz.lesson).completed_at
    saved = AttemptAnswer.objects.filter(attempt=attempt)
    assert sorted(answer.is_correct for answer in saved) == [True, True]
    assert sum(answer.choices.count() for answer in saved) == 3


def test_a_multiple_choice_question_needs_exactly_its_correct_answers(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    # Single right, multiple only half right: 1 of 2 questions = 50 %, the pass mark.
    result = services.submit_attempt(
        attempt=attempt, answers=answers(quiz, multiple=("Mangroves",)), user=learner
    )
    assert (result.score, result.passed) == (50, True)


def test_a_wrong_single_answer_and_an_extra_multiple_answer_fail(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    result = services.submit_attempt(
        attempt=attempt,
        answers=answers(
            quiz, single="GBF-T99", multiple=("Mangroves", "Coral reefs", "Spreadsheets")
        ),
        user=learner,
    )
    assert (result.score, result.passed) == (0, False)
    assert not LessonProgress.objects.filter(
        enrolment=enrolment, completed_at__isnull=False
    ).exists()


def test_string_ids_from_json_are_accepted(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    as_json = {str(key): [str(value) for value in values] for key, values in answers(quiz).items()}
    assert services.submit_attempt(attempt=attempt, answers=as_json, user=learner).score == 100


# --- Refusals -----------------------------------------------------------------------------------
def test_another_learners_attempt_is_refused(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    intruder = UserFactory()
    EnrolmentFactory(course=enrolment.course, user=intruder)
    with pytest.raises(PermissionDenied, match="another learner"):
        services.submit_attempt(attempt=attempt, answers=answers(quiz), user=intruder)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not AttemptAnswer.objects.exists()


def test_an_attempt_is_submitted_once(enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    services.submit_attempt(attempt=attempt, answers=wrong_answers(quiz), user=learner)
    with pytest.raises(ValidationError, match="already submitted"):
        services.submit_attempt(attempt=attempt, answers=answers(quiz), user=learner)
    attempt.refresh_from_db()
    assert attempt.passed is False


@pytest.mark.parametrize(
    "make, message",
    [
        # A choice of the other question.
        (
            lambda q, s, m: {s.pk: [m.choices.first().pk], m.pk: [m.choices.first().pk]},
            "not an answer",
        ),
        # A choice id that does not exist.
        (lambda q, s, m: {s.pk: [999999], m.pk: [m.choices.first().pk]}, "not an answer"),
        # Two answers to a single-choice question.
        (
            lambda q, s, m: {s.pk: [c.pk for c in s.choices.all()], m.pk: [m.choices.first().pk]},
            "one answer only",
        ),
        # A question left out.
        (lambda q, s, m: {s.pk: [s.choices.first().pk]}, "choose an answer"),
        # An empty answer.
        (lambda q, s, m: {s.pk: [], m.pk: [m.choices.first().pk]}, "choose an answer"),
        # A question of another quiz.
        (lambda q, s, m: {**answers(q), 999999: [1]}, "not a question of this quiz"),
        # Not ids at all.
        (lambda q, s, m: {"abc": ["x"]}, "not a question of this quiz"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(enrolment, quiz, learner, make, message):
    single, multiple = questions(quiz)
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    with pytest.raises(ValidationError) as error:
        services.submit_attempt(attempt=attempt, answers=make(quiz, single, multiple), user=learner)
    assert message in " ".join(error.value.messages).lower()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None
    assert not AttemptAnswer.objects.exists()


# --- The quiz page ------------------------------------------------------------------------------
def test_the_quiz_page_shows_fieldsets_and_scores_with_feedback(client, enrolment, quiz, learner):
    client.force_login(learner)
    url = reverse("elearning:quiz", args=[enrolment.course_id, quiz.lesson_id])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 2 and "<legend" in html
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert "Yes: protected areas." not in html  # no feedback before answering

    single, multiple = questions(quiz)
    response = client.post(
        url,
        {
            f"question_{single.pk}": choice(single, "GBF-T99").pk,
            f"question_{multiple.pk}": [choice(multiple, "Mangroves").pk],
        },
    )
    attempt = QuizAttempt.objects.get(enrolment=enrolment)
    assert response.status_code == 302 and response["Location"].endswith(f"?attempt={attempt.pk}")
    result = client.get(response["Location"]).content.decode()
    assert "Your score is 0" in result
    assert "There is no such target." in result  # the feedback of the answer chosen
    assert "1 attempt left" in result


def test_the_quiz_page_shows_errors_for_unanswered_questions(client, enrolment, quiz, learner):
    client.force_login(learner)
    url = reverse("elearning:quiz", args=[enrolment.course_id, quiz.lesson_id])
    page = client.post(url, {})
    assert page.status_code == 200
    assert "Choose an answer." in page.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_learner_cannot_see_another_learners_attempt_result(client, enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    services.submit_attempt(attempt=attempt, answers=wrong_answers(quiz), user=learner)
    other = UserFactory()
    EnrolmentFactory(course=enrolment.course, user=other)
    client.force_login(other)
    url = reverse("elearning:quiz", args=[enrolment.course_id, quiz.lesson_id])
    page = client.get(f"{url}?attempt={attempt.pk}")
    assert page.status_code == 200
    assert "There is no such target." not in page.content.decode()
    assert "Result of attempt" not in page.content.decode()


def test_answering_again_once_passed_says_why_and_records_nothing(client, enrolment, quiz, learner):
    attempt = services.start_attempt(enrolment=enrolment, quiz=quiz, user=learner)
    services.submit_attempt(attempt=attempt, answers=answers(quiz), user=learner)
    client.force_login(learner)
    url = reverse("elearning:quiz", args=[enrolment.course_id, quiz.lesson_id])
    single, multiple = questions(quiz)
    data = {
        f"question_{single.pk}": choice(single, "GBF-T3").pk,
        f"question_{multiple.pk}": [choice(multiple, "Mangroves").pk],
    }
    response = client.post(url, data, follow=True)
    assert "You have already passed this quiz." in response.content.decode()
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 1
