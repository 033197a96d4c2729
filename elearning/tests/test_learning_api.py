"""API of learning: the permission matrix (the learner, another learner, anonymous) of
enrolments, lesson progress, quiz attempts, certificates and the survey."""

import pytest
from django.utils import timezone

from elearning.models import Enrolment, EnrolmentStatus, Lesson, LessonProgress, QuizAttempt
from elearning.services import certificates as certificate_services
from tests.factories import EnrolmentFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
API = "/api/v1"


@pytest.fixture
def course():
    return build_course()


@pytest.fixture
def enrolment(course, learner):
    return EnrolmentFactory(course=course, user=learner)


@pytest.fixture
def other_learner(course):
    user = UserFactory()
    EnrolmentFactory(course=course, user=user)
    return user


def lesson_of(course, kind=Lesson.Kind.CONTENT) -> Lesson:
    return course.lessons.filter(kind=kind).order_by("module__position", "position").first()


def right_answers(quiz) -> dict[str, list[int]]:
    return {
        str(question.pk): [choice.pk for choice in question.choices.all() if choice.is_correct]
        for question in quiz.questions.all()
    }


# --- Anonymous ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/my/enrolments/"),
        ("post", "/my/enrolments/"),
        ("get", "/my/certificates/"),
        ("get", "/quiz-attempts/"),
        ("post", "/quiz-attempts/"),
    ],
)
def test_anonymous_requests_are_refused(api_client, method, path):
    assert getattr(api_client, method)(API + path, {}, format="json").status_code in (401, 403)


# --- Enrolments ---------------------------------------------------------------------------------
def test_a_learner_enrols_lists_and_reads_their_enrolments(api_client, learner, course):
    api_client.force_authenticate(learner)
    response = api_client.post(f"{API}/my/enrolments/", {"course": course.pk}, format="json")
    assert response.status_code == 201
    assert response.data["status"] == S.ACTIVE
    assert response.data["progress"] == {"done": 0, "total": 5, "percent": 0}
    again = api_client.post(f"{API}/my/enrolments/", {"course": course.pk}, format="json")
    assert again.status_code == 200 and again.data["id"] == response.data["id"]

    listing = api_client.get(f"{API}/my/enrolments/")
    assert [row["id"] for row in listing.data["results"]] == [response.data["id"]]
    detail = api_client.get(f"{API}/my/enrolments/{response.data['id']}/")
    assert detail.status_code == 200 and detail.data["course"]["id"] == course.pk


def test_enrolment_errors_keep_their_meaning(api_client, learner):
    api_client.force_authenticate(learner)
    closed = build_course(enrolment_mode="invitation")
    response = api_client.post(f"{API}/my/enrolments/", {"course": closed.pk}, format="json")
    assert response.status_code == 403 and "invitation only" in str(response.data)
    draft = build_course(status="draft")
    assert (
        api_client.post(f"{API}/my/enrolments/", {"course": draft.pk}, format="json").status_code
        == 404
    )
    response = api_client.post(f"{API}/my/enrolments/", {"course": 1, "x": 1}, format="json")
    assert response.status_code == 400 and "x" in response.data
    assert not Enrolment.objects.filter(user=learner).exists()


def test_another_learners_enrolment_is_not_found(api_client, enrolment, other_learner, course):
    api_client.force_authenticate(other_learner)
    base = f"{API}/my/enrolments/{enrolment.pk}"
    lesson = lesson_of(course)
    assert api_client.get(f"{base}/").status_code == 404
    assert api_client.post(f"{base}/withdraw/").status_code == 404
    assert api_client.post(f"{base}/lessons/{lesson.pk}/done/").status_code == 404
    assert api_client.get(f"{base}/survey/").status_code == 404
    assert [row["id"] for row in api_client.get(f"{API}/my/enrolments/").data["results"]] != [
        enrolment.pk
    ]
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()


def test_lesson_progress_through_the_api(api_client, learner, enrolment, course):
    api_client.force_authenticate(learner)
    lesson = lesson_of(course)
    base = f"{API}/my/enrolments/{enrolment.pk}"
    assert api_client.post(f"{base}/lessons/{lesson.pk}/seen/").status_code == 204
    response = api_client.post(f"{base}/lessons/{lesson.pk}/done/")
    assert response.status_code == 200
    assert response.data["progress"]["done"] == 1
    progress = {row["lesson"]: row for row in api_client.get(f"{base}/progress/").data}
    assert progress[lesson.pk]["completed_at"] is not None

    quiz_lesson = lesson_of(course, Lesson.Kind.QUIZ)
    response = api_client.post(f"{base}/lessons/{quiz_lesson.pk}/done/")
    assert response.status_code == 400 and "pass it" in str(response.data)
    other = lesson_of(build_course())
    assert api_client.post(f"{base}/lessons/{other.pk}/done/").status_code == 404


def test_withdrawing_through_the_api(api_client, learner, enrolment):
    api_client.force_authenticate(learner)
    response = api_client.post(f"{API}/my/enrolments/{enrolment.pk}/withdraw/")
    assert response.status_code == 200 and response.data["status"] == S.WITHDRAWN


def test_the_survey_through_the_api(api_client, learner, enrolment):
    api_client.force_authenticate(learner)
    url = f"{API}/my/enrolments/{enrolment.pk}/survey/"
    answers = {"quality": 4, "effectiveness": 5, "relevance": "high"}
    response = api_client.post(url, answers, format="json")
    assert response.status_code == 400 and "completed" in str(response.data)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=S.COMPLETED, completed_at=timezone.now()
    )
    assert api_client.post(url, {**answers, "quality": 7}, format="json").status_code == 400
    assert api_client.post(url, answers, format="json").status_code == 201
    assert api_client.get(url).data["quality"] == 4
    response = api_client.post(url, answers, format="json")
    assert response.status_code == 400 and "already answered" in str(response.data)


# --- Quiz attempts ------------------------------------------------------------------------------
def test_a_learner_starts_and_submits_an_attempt(api_client, learner, enrolment, course):
    quiz = lesson_of(course, Lesson.Kind.QUIZ).quiz
    api_client.force_authenticate(learner)
    started = api_client.post(f"{API}/quiz-attempts/", {"quiz": quiz.pk}, format="json")
    assert started.status_code == 201
    assert len(started.data["questions"]) == 2
    assert all(
        "is_correct" not in choice for q in started.data["questions"] for choice in q["choices"]
    )

    response = api_client.post(
        f"{API}/quiz-attempts/{started.data['id']}/submit/",
        {"answers": right_answers(quiz)},
        format="json",
    )
    assert response.status_code == 200
    assert (response.data["score"], response.data["passed"]) == (100, True)
    assert response.data["feedback"][0]["chosen"][0]["feedback"] == "Yes: protected areas."


def test_bad_answers_are_400_and_name_the_problem(api_client, learner, enrolment, course):
    quiz = lesson_of(course, Lesson.Kind.QUIZ).quiz
    api_client.force_authenticate(learner)
    attempt = api_client.post(f"{API}/quiz-attempts/", {"quiz": quiz.pk}, format="json").data
    answers = right_answers(quiz)
    first = next(iter(answers))
    answers[first] = [999999]
    response = api_client.post(
        f"{API}/quiz-attempts/{attempt['id']}/submit/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert "not an answer of this question" in str(response.data["answers"])


def test_another_learners_attempt_is_not_found(
    api_client, learner, enrolment, other_learner, course
):
    quiz = lesson_of(course, Lesson.Kind.QUIZ).quiz
    api_client.force_authenticate(learner)
    attempt = api_client.post(f"{API}/quiz-attempts/", {"quiz": quiz.pk}, format="json").data

    api_client.force_authenticate(other_learner)
    assert api_client.get(f"{API}/quiz-attempts/{attempt['id']}/").status_code == 404
    response = api_client.post(
        f"{API}/quiz-attempts/{attempt['id']}/submit/",
        {"answers": right_answers(quiz)},
        format="json",
    )
    assert response.status_code == 404
    assert QuizAttempt.objects.get(pk=attempt["id"]).submitted_at is None


def test_starting_an_attempt_needs_an_enrolment(api_client, course):
    quiz = lesson_of(course, Lesson.Kind.QUIZ).quiz
    api_client.force_authenticate(UserFactory())
    response = api_client.post(f"{API}/quiz-attempts/", {"quiz": quiz.pk}, format="json")
    assert response.status_code == 400 and "Enrol" in str(response.data)
    assert (
        api_client.post(f"{API}/quiz-attempts/", {"quiz": 999999}, format="json").status_code == 404
    )


# --- Certificates -------------------------------------------------------------------------------
def test_certificates_are_the_learners_own(api_client, learner, enrolment, other_learner):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=S.COMPLETED, completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    certificate = certificate_services.issue_certificate(enrolment=enrolment)

    api_client.force_authenticate(learner)
    listing = api_client.get(f"{API}/my/certificates/").data["results"]
    assert [row["code"] for row in listing] == [certificate.code]
    assert listing[0]["verify_url"].endswith(f"/certificates/verify/{certificate.code}/")
    assert listing[0]["pdf_url"].endswith(f"/my/certificates/{certificate.pk}.pdf")
    enrolment_data = api_client.get(f"{API}/my/enrolments/{enrolment.pk}/").data
    assert enrolment_data["certificate"]["code"] == certificate.code

    api_client.force_authenticate(other_learner)
    assert api_client.get(f"{API}/my/certificates/").data["results"] == []
    assert api_client.get(f"{API}/my/certificates/{certificate.pk}/").status_code == 404
