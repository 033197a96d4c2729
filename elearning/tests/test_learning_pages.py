"""Pages of learning: enrolling, resuming, lessons with their outline, marking done, withdrawing,
invitations, and the learner's dashboard (constant queries)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from elearning.models import (
    Certificate,
    CourseInvitation,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
)
from elearning.services import certificates as certificate_services
from elearning.services import learning as services
from tests.factories import EnrolmentFactory, ResourceFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def content_lessons(course) -> list[Lesson]:
    return list(
        course.lessons.filter(kind=Lesson.Kind.CONTENT).order_by("module__position", "position")
    )


def lesson_page(lesson) -> str:
    return reverse("elearning:lesson", args=[lesson.course_id, lesson.pk])


# --- Enrolling ----------------------------------------------------------------------------------
def test_enrolling_from_the_course_page_starts_the_first_lesson(client, learner):
    course = build_course()
    client.force_login(learner)
    response = client.post(reverse("elearning:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("elearning:course_learn", args=[course.pk])
    assert Enrolment.objects.get(course=course, user=learner).status == S.ACTIVE

    response = client.get(response["Location"])
    assert response["Location"] == lesson_page(content_lessons(course)[0])


def test_anonymous_visitors_are_sent_to_sign_in_and_closed_courses_explained(client, learner):
    course = build_course(enrolment_mode="invitation")
    response = client.post(reverse("elearning:enrol", args=[course.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(learner)
    response = client.post(reverse("elearning:enrol", args=[course.pk]), follow=True)
    assert "invitation only" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_draft_course_is_not_found(client, learner):
    course = build_course(status="draft")
    client.force_login(learner)
    assert client.post(reverse("elearning:enrol", args=[course.pk])).status_code == 404
    assert client.get(reverse("elearning:course_learn", args=[course.pk])).status_code == 404


# --- Resuming and lessons -----------------------------------------------------------------------
def test_resume_goes_to_the_lesson_seen_last_that_is_not_done(client, learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    first, second, third, _fourth = content_lessons(course)
    now = timezone.now()
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=third, last_seen_at=now - timedelta(hours=1)
    )
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=second, last_seen_at=now - timedelta(hours=2)
    )
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=first, last_seen_at=now, completed_at=now
    )
    client.force_login(learner)
    response = client.get(reverse("elearning:course_learn", args=[course.pk]))
    assert response["Location"] == lesson_page(third)


def test_resume_without_anything_seen_is_the_first_lesson_not_done(client, learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    first, second, *_rest = content_lessons(course)
    LessonProgress.objects.create(enrolment=enrolment, lesson=first, completed_at=timezone.now())
    LessonProgress.objects.filter(enrolment=enrolment).update(last_seen_at=timezone.now())
    client.force_login(learner)
    response = client.get(reverse("elearning:course_learn", args=[course.pk]))
    assert response["Location"] == lesson_page(second)


def test_a_lesson_page_shows_text_video_resources_outline_and_records_it_seen(client, learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    lesson = content_lessons(course)[1]
    lesson.body = "<p>Mangroves <strong>store</strong> carbon.</p><script>alert(1)</script>"
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    lesson.save()
    resource = ResourceFactory(status="published")
    lesson.resources.add(resource)
    client.force_login(learner)

    response = client.get(lesson_page(lesson))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>store</strong>" in html and "<script>alert(1)" not in html
    assert "<iframe" in html and 'title="Video of the lesson' in html
    assert reverse("partners:resource_detail", args=[resource.pk]) in html
    assert 'aria-current="page"' in html  # the outline marks the lesson
    assert "Mark as done" in html
    assert html.count("<h1") == 1
    assert LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).exists()


def test_marking_done_goes_on_to_the_next_lesson(client, learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    first, second, *_rest = content_lessons(course)
    client.force_login(learner)
    response = client.post(reverse("elearning:lesson_complete", args=[course.pk, first.pk]))
    assert response["Location"] == lesson_page(second)
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=first).completed_at

    page = client.get(lesson_page(first)).content.decode()
    assert "You have done this lesson." in page and "✓" in page


def test_a_lesson_of_another_course_is_not_found(client, learner):
    course = build_course()
    EnrolmentFactory(course=course, user=learner)
    other = content_lessons(build_course())[0]
    client.force_login(learner)
    assert client.get(reverse("elearning:lesson", args=[course.pk, other.pk])).status_code == 404
    response = client.post(reverse("elearning:lesson_complete", args=[course.pk, other.pk]))
    assert response.status_code == 404


def test_people_not_enrolled_or_invited_are_sent_where_they_can_act(client, learner):
    course = build_course()
    lesson = content_lessons(course)[0]
    client.force_login(learner)
    response = client.get(lesson_page(lesson))
    assert response["Location"] == course.get_absolute_url()

    EnrolmentFactory(course=course, user=learner, status=S.INVITED)
    response = client.get(lesson_page(lesson))
    assert response["Location"] == reverse("elearning:dashboard")
    assert not LessonProgress.objects.exists()


def test_a_quiz_lesson_opens_its_quiz(client, learner):
    course = build_course()
    EnrolmentFactory(course=course, user=learner)
    quiz_lesson = course.lessons.get(kind=Lesson.Kind.QUIZ)
    client.force_login(learner)
    response = client.get(lesson_page(quiz_lesson))
    assert response["Location"] == reverse("elearning:quiz", args=[course.pk, quiz_lesson.pk])


def test_withdrawing_from_the_dashboard(client, learner):
    course = build_course()
    services.enrol(course=course, user=learner)
    client.force_login(learner)
    response = client.post(reverse("elearning:withdraw", args=[course.pk]))
    assert response["Location"] == reverse("elearning:dashboard")
    assert Enrolment.objects.get(course=course, user=learner).status == S.WITHDRAWN
    assert client.post(reverse("elearning:withdraw", args=[build_course().pk])).status_code == 404


# --- Invitations --------------------------------------------------------------------------------
def test_an_invitation_link_shows_the_course_and_enrols_on_acceptance(
    client, learner, member_x, organisation_x
):
    course = build_course(organisation_x, enrolment_mode="invitation")
    (invitation,) = services.invite_to_course(course=course, emails=[learner.email], by=member_x)
    url = reverse("elearning:invitation_accept", args=[invitation.token])

    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(learner)
    page = client.get(url)
    assert page.status_code == 200 and course.title in page.content.decode()

    response = client.post(url)
    assert response["Location"] == reverse("elearning:course_learn", args=[course.pk])
    assert Enrolment.objects.get(course=course, user=learner).status == S.ACTIVE


def test_unknown_and_expired_invitation_links_explain(client, learner, member_x, organisation_x):
    client.force_login(learner)
    response = client.get(reverse("elearning:invitation_accept", args=["nope"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()

    course = build_course(organisation_x)
    (invitation,) = services.invite_to_course(course=course, emails=["a@example.org"], by=member_x)
    CourseInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    url = reverse("elearning:invitation_accept", args=[invitation.token])
    assert "expired" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and "expired" in response.content.decode()
    assert not Enrolment.objects.filter(user=learner).exists()


# --- Dashboard ----------------------------------------------------------------------------------
def enrol_in_courses(user, count):
    """``count`` enrolments of every kind the dashboard shows: in progress with progress,
    completed with a certificate, with and without survey."""
    for index in range(count):
        course = build_course(modules=1, lessons_per_module=2)
        enrolment = EnrolmentFactory(course=course, user=user)
        LessonProgress.objects.create(
            enrolment=enrolment, lesson=content_lessons(course)[0], completed_at=timezone.now()
        )
        if index % 2:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status=S.COMPLETED, completed_at=timezone.now()
            )
            enrolment.refresh_from_db()
            certificate_services.issue_certificate(enrolment=enrolment)


def test_the_dashboard_lists_courses_progress_certificates_and_surveys(client, learner):
    enrol_in_courses(learner, 2)
    client.force_login(learner)
    response = client.get(reverse("elearning:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 2
    active = next(row for row in rows if row.enrolment.status == S.ACTIVE)
    assert active.percent == 33  # one of two lessons and the quiz
    certificate = Certificate.objects.get(enrolment__user=learner)
    assert reverse("elearning:certificate_pdf", args=[certificate.pk]) in html
    assert reverse("certificates:verify", args=[certificate.code]) in html
    assert "Answer the survey" in html
    assert html.count("<h1") == 1


def test_the_dashboard_shows_pending_invitations(client, learner, member_x, organisation_x):
    course = build_course(organisation_x, enrolment_mode="invitation")
    (invitation,) = services.invite_to_course(course=course, emails=[learner.email], by=member_x)
    client.force_login(learner)
    html = client.get(reverse("elearning:dashboard")).content.decode()
    assert reverse("elearning:invitation_accept", args=[invitation.token]) in html


def test_the_dashboard_costs_the_same_queries_for_1_and_5_enrolments(
    client, django_assert_max_num_queries
):
    one, five = UserFactory(), UserFactory()
    enrol_in_courses(one, 1)
    enrol_in_courses(five, 5)
    url = reverse("elearning:dashboard")
    client.force_login(one)
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        assert len(client.get(url).context["rows"]) == 1
    expected = len(baseline.captured_queries)  # read now: the next request resets the log

    client.force_login(five)
    client.get(url)
    # Session, user, inbox count, status counts, page count, page, invitations, surveys due.
    with django_assert_max_num_queries(expected):
        assert len(client.get(url).context["rows"]) == 5


def test_the_dashboard_is_for_signed_in_people(client):
    assert "/accounts/login/" in client.get(reverse("elearning:dashboard"))["Location"]


# --- The whole journey --------------------------------------------------------------------------
def test_a_learner_enrols_completes_a_short_course_and_the_certificate_checks_out(
    client, learner, django_capture_on_commit_callbacks
):
    course = build_course(modules=1, lessons_per_module=2)
    client.force_login(learner)
    response = client.post(reverse("elearning:enrol", args=[course.pk]), follow=True)
    assert response.status_code == 200  # the first lesson

    for lesson in content_lessons(course):
        client.get(lesson_page(lesson))
        client.post(reverse("elearning:lesson_complete", args=[course.pk, lesson.pk]))
    quiz_lesson = course.lessons.get(kind=Lesson.Kind.QUIZ)
    response = client.get(reverse("elearning:course_learn", args=[course.pk]))
    assert response["Location"] == reverse("elearning:quiz", args=[course.pk, quiz_lesson.pk])

    data = {
        f"question_{question.pk}": [c.pk for c in question.choices.all() if c.is_correct]
        for question in quiz_lesson.quiz.questions.all()
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("elearning:quiz", args=[course.pk, quiz_lesson.pk]), data)

    certificate = Certificate.objects.get(enrolment__user=learner, enrolment__course=course)
    dashboard = client.get(reverse("elearning:dashboard")).content.decode()
    assert reverse("elearning:certificate_pdf", args=[certificate.pk]) in dashboard
    pdf = client.get(reverse("elearning:certificate_pdf", args=[certificate.pk]))
    assert pdf.content.startswith(b"%PDF")

    client.logout()
    page = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert page.status_code == 200 and "Lea Martin" in page.content.decode()
