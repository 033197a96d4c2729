"""The admin of courses and of learning: lists in fixed queries with their filters, translated
content sanitised when saved, a lesson's course kept as its module's, the status left to the
quality review, what learners did read-only, and certificates revoked through the service."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.models import Country
from elearning.models import (
    AttemptAnswer,
    Certificate,
    CourseInvitation,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
    SurveyResponse,
)
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    UserFactory,
    build_course,
)

pytestmark = pytest.mark.django_db


def changelist(model_name: str) -> str:
    return reverse(f"admin:elearning_{model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:elearning_{obj._meta.model_name}_change", args=[obj.pk])


def run_action(client, model_name, action, objects, **data):
    return client.post(
        changelist(model_name),
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **data},
        follow=True,
    )


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


@pytest.fixture
def helpdesk_client(client, helpdesk_user):
    client.force_login(helpdesk_user)
    return client


# --- Courses ------------------------------------------------------------------------------------
@pytest.mark.parametrize("number_of_courses", [2, 12])
def test_the_course_list_is_in_fixed_queries_and_filters(
    admin_client, number_of_courses, django_assert_max_num_queries
):
    kenyan = OrganisationFactory(name="Kenyan trainers", country=Country.objects.get(code="KE"))
    french = OrganisationFactory(name="French trainers", country=Country.objects.get(code="FR"))
    CourseFactory(provider=kenyan, title="Wetland birds", status=CourseStatus.DRAFT)
    for number in range(number_of_courses - 1):
        CourseFactory(provider=french, title=f"Course number {number}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(changelist("course"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wetland birds" in page and "Kenyan trainers" in page

    drafts = admin_client.get(changelist("course"), {"status": "draft"}).content.decode()
    assert "Wetland birds" in drafts and "Course number 0" not in drafts
    africa = admin_client.get(changelist("course"), {"provider_region": "002"}).content.decode()
    assert "Wetland birds" in africa and "Course number 0" not in africa
    found = admin_client.get(changelist("course"), {"q": "wetland"}).content.decode()
    assert "Wetland birds" in found and "Course number 0" not in found


def test_adding_a_course_sanitises_the_syllabus_and_records_its_author(
    admin_client, site_admin, organisation_x
):
    response = admin_client.post(
        reverse("admin:elearning_course_add"),
        {
            "provider": organisation_x.pk,
            "language": "en",
            "title_en": "Mangrove restoration",
            "summary_en": "Plant and monitor mangroves.",
            "syllabus_en": "<p>Week 1</p><script>alert('x')</script>",
            "syllabus_fr": "<p>Semaine 1</p><img src=x onerror=alert(1)>",
            "format": "self_paced",
            "level": "introductory",
            "estimated_hours": 4,
            "certificate_offered": "on",
            "enrolment_mode": "open",
            "modules-TOTAL_FORMS": 1,
            "modules-INITIAL_FORMS": 0,
            "modules-0-title_en": "Why mangroves matter",
            "modules-0-position": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    course = organisation_x.courses.get()
    assert course.status == CourseStatus.DRAFT
    assert course.created_by == site_admin
    assert "<script" not in course.syllabus_en and "Week 1" in course.syllabus_en
    assert "onerror" not in course.syllabus_fr
    assert course.modules.get().title_en == "Why mangroves matter"


def test_a_mooc_without_dates_is_refused(admin_client, organisation_x):
    response = admin_client.post(
        reverse("admin:elearning_course_add"),
        {
            "provider": organisation_x.pk,
            "language": "en",
            "title_en": "A MOOC",
            "summary_en": "Massive and open.",
            "format": "mooc",
            "level": "introductory",
            "estimated_hours": 4,
            "enrolment_mode": "open",
            "modules-TOTAL_FORMS": 0,
            "modules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "A MOOC has a start date and an end date." in response.content.decode()
    assert not organisation_x.courses.exists()


def test_the_course_page_shows_its_quality_review_and_keeps_the_status_read_only(
    admin_client, organisation_x
):
    course = build_course(organisation_x, status=CourseStatus.IN_REVIEW, published_at=None)
    url = change(course)
    assert "Not reviewed yet" in admin_client.get(url).content.decode()

    review = QualityReview.objects.create(
        content_type=ContentType.objects.get_for_model(course),
        object_id=course.pk,
        item_title=course.title,
    )
    page = admin_client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert reverse("quality:review", args=[review.pk]) in content
    assert "Waiting for a reviewer" in content
    # The status is shown, not edited: publication follows the review.
    assert 'name="status"' not in content
    assert "Module 1" in content  # the modules inline


def test_reviewers_and_the_help_desk_see_courses_without_editing_them(
    client, reviewer_user, helpdesk_user, organisation_x
):
    course = build_course(organisation_x)
    for person in (reviewer_user, helpdesk_user):
        client.force_login(person)
        page = client.get(change(course))
        assert page.status_code == 200
        assert page.context["has_change_permission"] is False
        assert 'name="title_en"' not in page.content.decode()


def test_reviewers_archive_published_courses_through_the_service(
    client, reviewer_user, helpdesk_user, organisation_x
):
    published = build_course(organisation_x, title="Published course")
    draft = build_course(organisation_x, title="Draft course", status=CourseStatus.DRAFT)
    client.force_login(helpdesk_user)  # may look, not archive
    refused = run_action(client, "course", "archive", [published])
    assert refused.status_code == 200
    published.refresh_from_db()
    assert published.status == CourseStatus.PUBLISHED

    client.force_login(reviewer_user)
    response = run_action(client, "course", "archive", [published, draft])
    content = response.content.decode()
    assert "1 course archived." in content
    assert "Draft course: The course is now “Draft”" in content
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (CourseStatus.ARCHIVED, CourseStatus.DRAFT)
    assert published.archived_at is not None


def test_non_staff_are_kept_out(client, member_x, organisation_x):
    course = build_course(organisation_x)
    client.force_login(member_x)
    assert client.get(change(course)).status_code == 302
    assert client.get(changelist("enrolment")).status_code == 302


# --- Modules, lessons, questions ----------------------------------------------------------------
def test_lessons_added_to_a_module_belong_to_its_course(admin_client, organisation_x):
    course = build_course(organisation_x, modules=1, lessons_per_module=0, quiz=False)
    module = course.modules.get()
    response = admin_client.post(
        change(module),
        {
            "title_en": module.title,
            "position": 0,
            "lessons-TOTAL_FORMS": 1,
            "lessons-INITIAL_FORMS": 0,
            "lessons-0-title_en": "Counting waterbirds",
            "lessons-0-kind": "content",
            "lessons-0-position": 0,
            "lessons-0-required": "on",
            "lessons-0-estimated_minutes": 10,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson = Lesson.objects.get(title_en="Counting waterbirds")
    assert (lesson.module, lesson.course) == (module, course)


def test_a_lesson_is_sanitised_and_takes_video_links_of_youtube_or_vimeo_only(
    admin_client, organisation_x
):
    course = build_course(organisation_x, modules=1, lessons_per_module=1, quiz=False)
    lesson = course.lessons.get()
    data = {
        "module": lesson.module_id,
        "kind": "content",
        "title_en": "Counting waterbirds",
        "body_en": '<p>Count at dawn.</p><script>steal()</script><a href="javascript:x">x</a>',
        "video_url": "https://example.org/video.mp4",
        "position": 0,
        "required": "on",
        "estimated_minutes": 10,
    }
    refused = admin_client.post(change(lesson), data)
    assert refused.status_code == 200
    assert "Give the address of a YouTube or Vimeo video." in refused.content.decode()

    data["video_url"] = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert admin_client.post(change(lesson), data).status_code == 302
    lesson.refresh_from_db()
    assert "Count at dawn." in lesson.body_en
    assert "<script" not in lesson.body_en and "javascript:" not in lesson.body_en
    assert lesson.course == course


def test_a_single_choice_question_needs_exactly_one_correct_answer(admin_client, organisation_x):
    course = build_course(organisation_x)
    question = Question.objects.get(quiz__lesson__course=course, kind="single")
    choices = list(question.choices.all())
    data = {
        "text_en": question.text_en,
        "kind": "single",
        "position": 0,
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 2,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-text_en": choice.text_en,
            f"choices-{index}-position": index,
            f"choices-{index}-is_correct": "on",
        }
    refused = admin_client.post(change(question), data)
    assert refused.status_code == 200
    assert "exactly one correct answer" in refused.content.decode()
    assert question.choices.filter(is_correct=True).count() == 1

    del data["choices-1-is_correct"]
    assert admin_client.post(change(question), data).status_code == 302


# --- Enrolments and what learners did ---------------------------------------------------------
@pytest.fixture
def learning(organisation_x):
    """A course with Lea (Kenya, completed, certificate), Ana (Brazil, in progress) and an
    invitation."""
    course = build_course(organisation_x, title="Wetland birds")
    kenya, brazil = Country.objects.get(code="KE"), Country.objects.get(code="BR")
    lea = UserFactory(email="lea@example.org", full_name="Lea Kamau")
    ana = UserFactory(email="ana@example.org", full_name="Ana Lima")
    done = EnrolmentFactory(
        course=course,
        user=lea,
        country=kenya,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    ongoing = EnrolmentFactory(course=course, user=ana, country=brazil)
    lesson = course.lessons.filter(kind="content").first()
    LessonProgress.objects.create(enrolment=ongoing, lesson=lesson)
    certificate = Certificate.objects.create(
        enrolment=done,
        code="ABCD-EFGH-JKMN-PQRS",
        learner_name="Lea Kamau",
        course_title="Wetland birds",
        provider_name=organisation_x.name,
    )
    invitation = CourseInvitation.objects.create(
        course=course,
        email="guest@example.org",
        token="secret-token-" + "x" * 30,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return {
        "course": course,
        "done": done,
        "ongoing": ongoing,
        "certificate": certificate,
        "invitation": invitation,
        "lesson": lesson,
    }


@pytest.mark.parametrize("extra_learners", [1, 11])
def test_the_enrolment_list_is_in_fixed_queries_filters_and_searches(
    helpdesk_client, learning, extra_learners, django_assert_max_num_queries
):
    for _ in range(extra_learners):
        EnrolmentFactory(course=learning["course"], country=Country.objects.get(code="FR"))
    with django_assert_max_num_queries(14):
        response = helpdesk_client.get(changelist("enrolment"))
    assert response.status_code == 200
    assert "lea@example.org" in response.content.decode()

    completed = helpdesk_client.get(changelist("enrolment"), {"status": "completed"})
    assert "lea@example.org" in completed.content.decode()
    assert "ana@example.org" not in completed.content.decode()
    americas = helpdesk_client.get(changelist("enrolment"), {"region": "019"}).content.decode()
    assert "ana@example.org" in americas and "lea@example.org" not in americas
    found = helpdesk_client.get(changelist("enrolment"), {"q": "kamau"}).content.decode()
    assert "lea@example.org" in found and "ana@example.org" not in found
    by_format = helpdesk_client.get(changelist("enrolment"), {"course__format": "mooc"})
    assert "lea@example.org" not in by_format.content.decode()


def test_enrolments_are_read_only_with_their_progress(helpdesk_client, learning):
    page = helpdesk_client.get(change(learning["ongoing"]))
    content = page.content.decode()
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert learning["lesson"].title in content  # the progress inline
    assert helpdesk_client.get(reverse("admin:elearning_enrolment_add")).status_code == 403
    assert (
        learning["certificate"].code
        in helpdesk_client.get(change(learning["done"])).content.decode()
    )
    assert Enrolment.objects.count() == 2


def test_invitations_do_not_show_their_secret_link(helpdesk_client, site_admin, client, learning):
    client.force_login(site_admin)
    page = client.get(change(learning["invitation"])).content.decode()
    assert "guest@example.org" in page
    assert "secret-token-" not in page
    assert "Open" in client.get(changelist("courseinvitation"), {"state": "open"}).content.decode()


def test_a_quiz_attempt_shows_the_answers_chosen(admin_client, learning):
    quiz = learning["course"].lessons.get(kind="quiz").quiz
    attempt = QuizAttempt.objects.create(
        quiz=quiz, enrolment=learning["ongoing"], number=1, score=50, passed=True
    )
    question = quiz.questions.get(kind="multiple")
    answer = AttemptAnswer.objects.create(attempt=attempt, question=question, is_correct=False)
    answer.choices.set(question.choices.filter(text__in=["Mangroves", "Spreadsheets"]))
    page = admin_client.get(change(attempt))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Mangroves" in content and "Spreadsheets" in content
    assert page.context["has_change_permission"] is False


def test_revoking_certificates_asks_for_the_reason_and_uses_the_service(helpdesk_client, learning):
    certificate = learning["certificate"]
    form = run_action(helpdesk_client, "certificate", "revoke", [certificate])
    assert "Why are the certificates revoked?" in form.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    empty = run_action(helpdesk_client, "certificate", "revoke", [certificate], apply="1")
    assert "This field is required." in empty.content.decode()

    done = run_action(
        helpdesk_client,
        "certificate",
        "revoke",
        [certificate],
        apply="1",
        reason="Issued by mistake.",
    )
    assert "1 certificate revoked." in done.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "Issued by mistake."

    again = run_action(
        helpdesk_client, "certificate", "revoke", [certificate], apply="1", reason="Twice."
    )
    assert "This certificate is already revoked." in again.content.decode()
    assert (
        helpdesk_client.get(changelist("certificate"), {"validity": "revoked"}).status_code == 200
    )


def test_content_reviewers_cannot_revoke_certificates(client, reviewer_user, learning):
    client.force_login(reviewer_user)
    response = run_action(
        client, "certificate", "revoke", [learning["certificate"]], apply="1", reason="No."
    )
    assert response.status_code == 403
    assert Certificate.objects.get().revoked_at is None


@pytest.mark.parametrize("responses", [2, 12])
def test_survey_answers_are_listed_in_fixed_queries_and_filtered(
    helpdesk_client, organisation_x, responses, django_assert_max_num_queries
):
    course = build_course(organisation_x, title="Wetland birds")
    for number in range(responses):
        enrolment = EnrolmentFactory(
            course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
        )
        SurveyResponse.objects.create(
            enrolment=enrolment,
            course=course,
            quality=5 if number == 0 else 2,
            effectiveness=4,
            relevance="high",
            comments="Excellent field exercises." if number == 0 else "Too short.",
        )
    with django_assert_max_num_queries(14):
        response = helpdesk_client.get(changelist("surveyresponse"))
    assert response.status_code == 200
    good = helpdesk_client.get(changelist("surveyresponse"), {"quality": 5}).content.decode()
    assert "Excellent field exercises." in good and "Too short." not in good
    assert helpdesk_client.get(reverse("admin:elearning_surveyresponse_add")).status_code == 403


def test_lesson_progress_has_no_admin_of_its_own():
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch: not registered
        reverse("admin:elearning_lessonprogress_changelist")
    assert Module._meta.model_name == "module"


def test_every_page_of_these_admins_opens(admin_client, learning):
    course = learning["course"]
    quiz = course.lessons.get(kind="quiz").quiz
    attempt = QuizAttempt.objects.create(quiz=quiz, enrolment=learning["ongoing"], number=1)
    cohort = course.cohorts.create(name="First cohort")
    survey = SurveyResponse.objects.create(
        enrolment=learning["done"], course=course, quality=4, effectiveness=5, relevance="some"
    )
    rows = [
        course,
        course.modules.first(),
        course.lessons.first(),
        quiz,
        quiz.questions.first(),
        cohort,
        learning["invitation"],
        learning["done"],
        attempt,
        learning["certificate"],
        survey,
    ]
    for row in rows:
        model_name = row._meta.model_name
        assert admin_client.get(changelist(model_name)).status_code == 200, model_name
        assert admin_client.get(change(row)).status_code == 200, model_name
    for model_name in ("course", "module", "lesson", "quiz", "question", "cohort"):
        add = reverse(f"admin:elearning_{model_name}_add")
        assert admin_client.get(add).status_code == 200, model_name
