"""Learning services: enrolment, withdrawal, invitations to cohorts, progress per lesson and the
completion rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chm_portal.alerts.models import InboxMessage
from elearning.models import (
    Alumnus,
    Certificate,
    Cohort,
    CourseInvitation,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
)
from elearning.services import learning as services
from elearning.services import quizzes as quiz_services
from tests.factories import EnrolmentFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def content_lessons(course) -> list[Lesson]:
    return list(
        course.lessons.filter(kind=Lesson.Kind.CONTENT).order_by("module__position", "position")
    )


def quiz_lesson(course) -> Lesson:
    return course.lessons.get(kind=Lesson.Kind.QUIZ)


def right_answers(quiz) -> dict[int, list[int]]:
    return {
        question.pk: [choice.pk for choice in question.choices.all() if choice.is_correct]
        for question in quiz.questions.all()
    }


def pass_quiz(enrolment, user):
    quiz = quiz_lesson(enrolment.course).quiz
    attempt = quiz_services.start_attempt(enrolment=enrolment, quiz=quiz, user=user)
    return quiz_services.submit_attempt(attempt=attempt, answers=right_answers(quiz), user=user)


# --- Enrolment ----------------------------------------------------------------------------------
def test_enrol_creates_an_active_enrolment_counts_it_and_records_the_country(learner, country_a):
    learner.country = country_a
    learner.save(update_fields=["country"])
    course = build_course()

    enrolment = services.enrol(course=course, user=learner)

    assert enrolment.status == S.ACTIVE
    assert enrolment.country_id == country_a.pk
    course.refresh_from_db()
    assert course.enrolment_count == 1


def test_a_focal_point_without_a_country_in_their_profile_counts_for_their_country(
    focal_point_a, country_a
):
    enrolment = services.enrol(course=build_course(), user=focal_point_a)
    assert enrolment.country_id == country_a.pk


def test_enrolling_twice_is_harmless(learner):
    course = build_course()
    first = services.enrol(course=course, user=learner)
    second = services.enrol(course=course, user=learner)

    assert first.pk == second.pk
    course.refresh_from_db()
    assert course.enrolment_count == 1
    assert Enrolment.objects.filter(course=course).count() == 1


def test_enrolment_is_refused_for_anonymous_closed_invitation_only_and_archived_courses(learner):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="Sign in"):
        services.enrol(course=build_course(), user=AnonymousUser())
    closed = build_course(enrolment_closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(PermissionDenied, match="closed"):
        services.enrol(course=closed, user=learner)
    invitation_only = build_course(enrolment_mode="invitation")
    with pytest.raises(PermissionDenied, match="invitation only"):
        services.enrol(course=invitation_only, user=learner)
    archived = build_course(status="archived")
    with pytest.raises(PermissionDenied, match="archived"):
        services.enrol(course=archived, user=learner)
    draft = build_course(status="draft")
    with pytest.raises(PermissionDenied, match="not published"):
        services.enrol(course=draft, user=learner)
    assert not Enrolment.objects.filter(user=learner).exists()


def test_withdraw_then_enrol_again_reactivates_and_keeps_the_count_right(learner):
    course = build_course()
    enrolment = services.enrol(course=course, user=learner)

    services.withdraw(enrolment=enrolment, user=learner)
    enrolment.refresh_from_db()
    course.refresh_from_db()
    assert enrolment.status == S.WITHDRAWN and enrolment.withdrawn_at is not None
    assert course.enrolment_count == 0

    services.withdraw(enrolment=enrolment, user=learner)  # again: nothing changes
    course.refresh_from_db()
    assert course.enrolment_count == 0

    again = services.enrol(course=course, user=learner)
    course.refresh_from_db()
    assert again.pk == enrolment.pk and again.status == S.ACTIVE and again.withdrawn_at is None
    assert course.enrolment_count == 1


def test_only_the_learner_withdraws_and_not_from_a_completed_course(learner, member_x):
    enrolment = EnrolmentFactory(course=build_course(), user=learner)
    with pytest.raises(PermissionDenied):
        services.withdraw(enrolment=enrolment, user=member_x)
    enrolment.status, enrolment.completed_at = S.COMPLETED, timezone.now()
    enrolment.save()
    with pytest.raises(ValidationError, match="completed this course"):
        services.withdraw(enrolment=enrolment, user=learner)


def test_refresh_course_counts_recounts_from_the_enrolments(learner):
    course = build_course()
    EnrolmentFactory(course=course, user=learner)
    EnrolmentFactory(course=course, status=S.COMPLETED, completed_at=timezone.now())
    EnrolmentFactory(course=course, status=S.WITHDRAWN)
    EnrolmentFactory(course=course, status=S.INVITED)

    assert services.refresh_course_counts(course_ids=[course.pk]) == 1
    course.refresh_from_db()
    assert (course.enrolment_count, course.completion_count) == (2, 1)


# --- Invitations --------------------------------------------------------------------------------
def test_the_course_team_invites_addresses_and_people_with_accounts_get_an_invited_enrolment(
    member_x, organisation_x, learner, django_capture_on_commit_callbacks
):
    course = build_course(organisation_x, enrolment_mode="invitation")
    cohort = Cohort.objects.create(course=course, name="Spring 2026")

    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invite_to_course(
            course=course,
            emails=[" LEA.MARTIN@example.org", "new.person@example.org", "new.person@example.org"],
            cohort=cohort,
            by=member_x,
        )

    assert sorted(i.email for i in invitations) == [
        "lea.martin@example.org",
        "new.person@example.org",
    ]
    for invitation in invitations:
        assert len(invitation.token) >= 40
        assert invitation.expires_at - timezone.now() > timedelta(days=29)
    enrolment = Enrolment.objects.get(course=course, user=learner)
    assert enrolment.status == S.INVITED and enrolment.cohort == cohort
    course.refresh_from_db()
    assert course.enrolment_count == 0  # counted once accepted
    assert sorted(message.to[0] for message in mail.outbox) == [
        "lea.martin@example.org",
        "new.person@example.org",
    ]
    body = next(m for m in mail.outbox if m.to == ["new.person@example.org"]).body
    assert "/learning/invitations/" in body and course.title in body
    assert InboxMessage.objects.filter(recipient=learner).count() == 1


def test_invitations_skip_people_already_learning_and_renew_pending_ones(
    member_x, organisation_x, learner
):
    course = build_course(organisation_x)
    EnrolmentFactory(course=course, user=learner)
    first = services.invite_to_course(course=course, emails=["someone@example.org"], by=member_x)
    second = services.invite_to_course(
        course=course, emails=["someone@example.org", learner.email], by=member_x
    )

    assert [i.pk for i in second] == [first[0].pk]  # renewed, the learner skipped
    assert second[0].token != first[0].token
    assert CourseInvitation.objects.filter(course=course).count() == 1


def test_invitations_are_refused_to_outsiders_and_for_bad_addresses(
    member_x, member_y, organisation_x, learner
):
    course = build_course(organisation_x)
    with pytest.raises(PermissionDenied):
        services.invite_to_course(course=course, emails=["a@example.org"], by=member_y)
    with pytest.raises(PermissionDenied):
        services.invite_to_course(course=course, emails=["a@example.org"], by=learner)
    with pytest.raises(ValidationError) as error:
        services.invite_to_course(
            course=course, emails=["a@example.org", "not an email"], by=member_x
        )
    assert "not an email" in str(error.value.message_dict["emails"])
    with pytest.raises(ValidationError):
        services.invite_to_course(course=course, emails=["", "  "], by=member_x)
    other_cohort = Cohort.objects.create(course=build_course(organisation_x), name="Other")
    with pytest.raises(ValidationError) as error:
        services.invite_to_course(
            course=course, emails=["a@example.org"], cohort=other_cohort, by=member_x
        )
    assert "cohort" in error.value.message_dict
    assert not CourseInvitation.objects.exists()


def test_accepting_an_invitation_enrols_the_signed_in_person_once(
    member_x, organisation_x, learner
):
    course = build_course(organisation_x, enrolment_mode="invitation")
    cohort = Cohort.objects.create(course=course, name="Cohort A")
    (invitation,) = services.invite_to_course(
        course=course, emails=[learner.email], cohort=cohort, by=member_x
    )

    enrolment = services.accept_invitation(token=invitation.token, user=learner)

    assert enrolment.status == S.ACTIVE and enrolment.cohort == cohort
    invitation.refresh_from_db()
    assert invitation.accepted_by == learner and invitation.accepted_at is not None
    course.refresh_from_db()
    assert course.enrolment_count == 1
    # The same person using the link again: nothing changes.
    assert services.accept_invitation(token=invitation.token, user=learner).pk == enrolment.pk
    # Someone else: already used.
    with pytest.raises(ValidationError, match="already used"):
        services.accept_invitation(token=invitation.token, user=UserFactory())


def test_unknown_and_expired_invitations_are_refused(member_x, organisation_x, learner):
    course = build_course(organisation_x)
    with pytest.raises(ValidationError, match="not valid"):
        services.accept_invitation(token="nope", user=learner)
    (invitation,) = services.invite_to_course(course=course, emails=["x@example.org"], by=member_x)
    CourseInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.accept_invitation(token=invitation.token, user=learner)
    assert not Enrolment.objects.filter(user=learner).exists()


# --- Progress -----------------------------------------------------------------------------------
def test_recording_a_lesson_seen_is_one_upsert(learner, django_assert_num_queries):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    lesson = content_lessons(course)[0]

    # INSERT ... ON CONFLICT (enrolment_id, lesson_id) DO UPDATE SET last_seen_at
    with django_assert_num_queries(1):
        services.record_lesson_seen(enrolment=enrolment, lesson=lesson, user=learner)
    first = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).last_seen_at

    with django_assert_num_queries(1) as captured:
        services.record_lesson_seen(enrolment=enrolment, lesson=lesson, user=learner)
    assert "ON CONFLICT" in captured.captured_queries[0]["sql"].upper()
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert progress.last_seen_at >= first and progress.completed_at is None


def test_progress_is_refused_on_someone_elses_enrolment_another_course_or_before_accepting(
    learner, member_x
):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    lesson = content_lessons(course)[0]
    with pytest.raises(PermissionDenied):
        services.record_lesson_seen(enrolment=enrolment, lesson=lesson, user=member_x)
    other_lesson = content_lessons(build_course())[0]
    with pytest.raises(ValidationError, match="not part of your course"):
        services.complete_lesson(enrolment=enrolment, lesson=other_lesson, user=learner)
    enrolment.status = S.INVITED
    with pytest.raises(ValidationError, match="Accept the invitation"):
        services.record_lesson_seen(enrolment=enrolment, lesson=lesson, user=learner)
    enrolment.status = S.WITHDRAWN
    with pytest.raises(ValidationError, match="withdrew"):
        services.complete_lesson(enrolment=enrolment, lesson=lesson, user=learner)
    assert not LessonProgress.objects.exists()


def test_a_quiz_lesson_is_not_marked_done_by_hand(learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    with pytest.raises(ValidationError, match="pass it"):
        services.complete_lesson(enrolment=enrolment, lesson=quiz_lesson(course), user=learner)


def test_an_archived_course_can_be_finished_by_those_enrolled(learner):
    course = build_course(quiz=False, modules=1, lessons_per_module=1)
    enrolment = EnrolmentFactory(course=course, user=learner)
    course.status = "archived"
    course.save()
    assert services.complete_lesson(
        enrolment=enrolment, lesson=content_lessons(course)[0], user=learner
    )


# --- Completion ---------------------------------------------------------------------------------
def test_completion_needs_every_required_lesson_and_the_quiz_passed_not_optional_lessons(
    learner, django_capture_on_commit_callbacks
):
    course = build_course()  # 4 required lessons and a quiz
    optional = content_lessons(course)[-1]
    optional.required = False
    optional.save()
    enrolment = services.enrol(course=course, user=learner)
    required = [lesson for lesson in content_lessons(course) if lesson.required]

    for lesson in required:
        assert services.complete_lesson(enrolment=enrolment, lesson=lesson, user=learner) is False
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE  # the quiz is not passed yet

    with django_capture_on_commit_callbacks(execute=True):
        attempt = pass_quiz(enrolment, learner)

    assert attempt.passed
    enrolment.refresh_from_db()
    assert enrolment.status == S.COMPLETED and enrolment.completed_at is not None
    course.refresh_from_db()
    assert course.completion_count == 1
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.learner_name == "Lea Martin"
    assert certificate.course_title == course.title
    assert Alumnus.objects.filter(user=learner).exists()
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert certificate.code in mail.outbox[0].body
    assert not LessonProgress.objects.filter(enrolment=enrolment, lesson=optional).exists()


def test_passing_the_quiz_first_then_the_last_lesson_completes(learner):
    course = build_course(modules=1, lessons_per_module=2)
    enrolment = services.enrol(course=course, user=learner)
    first, last = content_lessons(course)
    pass_quiz(enrolment, learner)
    services.complete_lesson(enrolment=enrolment, lesson=first, user=learner)
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE

    assert services.complete_lesson(enrolment=enrolment, lesson=last, user=learner) is True
    enrolment.refresh_from_db()
    assert enrolment.status == S.COMPLETED


def test_a_course_without_certificate_completes_without_one_and_says_so(
    learner, django_capture_on_commit_callbacks
):
    course = build_course(quiz=False, modules=1, lessons_per_module=1, certificate_offered=False)
    enrolment = services.enrol(course=course, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_lesson(
            enrolment=enrolment, lesson=content_lessons(course)[0], user=learner
        )

    enrolment.refresh_from_db()
    assert enrolment.status == S.COMPLETED
    assert not Certificate.objects.exists()
    assert len(mail.outbox) == 1 and "/survey/" in mail.outbox[0].body


def test_marking_a_lesson_done_twice_keeps_the_first_time(learner):
    course = build_course()
    enrolment = EnrolmentFactory(course=course, user=learner)
    lesson = content_lessons(course)[0]
    services.complete_lesson(enrolment=enrolment, lesson=lesson, user=learner)
    first = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).completed_at
    services.complete_lesson(enrolment=enrolment, lesson=lesson, user=learner)
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).completed_at == first
