"""Course authoring through the services: creating and changing courses, modules, lessons and
quizzes, bad input refused with clear errors (nothing saved), ordering, the review workflow from
submission to publication, and cohorts.

People (``conftest.py``): Xavier (member_x) belongs to Mangrove Alliance (organisation X), the
provider; Yara (member_y) to another organisation; Rui reviews content; Lea is a learner.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from chm_portal.alerts.models import InboxMessage
from chm_portal.quality import selectors as quality_selectors
from chm_portal.quality import services as quality
from chm_portal.quality.models import QualityReview, ReviewCheck
from chm_portal.vocabularies.models import GBFTarget, Language
from elearning.models import (
    Choice,
    Course,
    CourseStatus,
    Lesson,
    LessonProgress,
    Module,
    Question,
)
from elearning.services import authoring as services
from tests.factories import EnrolmentFactory, ResourceFactory, build_course

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
S = QualityReview.Status


@pytest.fixture
def draft(organisation_x, member_x):
    return services.create_course(
        provider=organisation_x,
        by=member_x,
        title="Mangrove restoration basics",
        summary="How to restore mangroves, step by step.",
        language="en",
    )


@pytest.fixture
def module(draft, member_x):
    return services.add_module(course=draft, by=member_x, title="Why mangroves matter")


def ready_course(course, by) -> Course:
    """A module with a lesson and a quiz of one question."""
    module = services.add_module(course=course, by=by, title="Module 1")
    services.add_lesson(module=module, by=by, title="Lesson 1", body="<p>Text.</p>")
    quiz_lesson = services.add_quiz_lesson(module=module, by=by, title="Quiz", pass_mark=50)
    services.add_question(
        quiz=quiz_lesson.quiz,
        by=by,
        text="Which is a GBF target?",
        choices=[{"text": "GBF-T3", "is_correct": True}, {"text": "GBF-T99"}],
    )
    return course


def decide(review, reviewer, status, **texts):
    results = {check.standard_id: (ReviewCheck.Result.MEETS, "") for check in review.checks.all()}
    quality.record_checks(review=review, reviewer=reviewer, results=results)
    return quality.complete_review(review=review, reviewer=reviewer, status=status, **texts)


# --- Courses ----------------------------------------------------------------------------------
def test_a_member_creates_a_draft_course_with_its_vocabularies(organisation_x, member_x):
    targets = list(GBFTarget.objects.order_by("number")[:2])
    french = Language.objects.get(code="fr")
    with translation.override("fr"):  # the page's language does not decide the content's
        course = services.create_course(
            provider=organisation_x,
            by=member_x,
            title="Restauration des mangroves",
            summary="Un cours pratique.",
            syllabus='<p>Objectifs</p><script>alert("x")</script>',
            language="fr",
            languages=[french],
            targets=[target.pk for target in targets],
            format="self_paced",
        )
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT and course.created_by == member_x
    assert course.title_fr == "Restauration des mangroves"
    assert not course.title_en
    assert course.syllabus_fr == "<p>Objectifs</p>"
    assert list(course.languages.all()) == [french]
    assert set(course.targets.all()) == set(targets)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "<b>Bold</b> title"}, "title"),
        ({"summary": "<script>alert(1)</script>"}, "summary"),
        ({"format": "mooc"}, "starts_on"),
        (
            {
                "format": "mooc",
                "starts_on": datetime.date(2027, 3, 1),
                "ends_on": datetime.date(2027, 2, 1),
            },
            "ends_on",
        ),
        ({"estimated_hours": 0}, "estimated_hours"),
        ({"language": "xx"}, "language"),
        ({"targets": [99999]}, "targets"),
        ({"languages": ["not-an-id"]}, "languages"),
        ({"status": "published"}, "status"),
    ],
)
def test_bad_course_input_is_refused_and_nothing_saved(organisation_x, member_x, fields, field):
    values = {"title": "A course", "summary": "A summary.", "language": "en", **fields}
    with pytest.raises(ValidationError) as error:
        services.create_course(provider=organisation_x, by=member_x, **values)
    assert field in error.value.message_dict
    assert not Course.objects.exists()


def test_a_mooc_needs_its_dates(organisation_x, member_x):
    with pytest.raises(ValidationError) as error:
        services.create_course(
            provider=organisation_x, by=member_x, title="MOOC", summary="Big.", format="mooc"
        )
    assert error.value.message_dict["starts_on"] == ["A MOOC has a start date and an end date."]
    course = services.create_course(
        provider=organisation_x,
        by=member_x,
        title="MOOC",
        summary="Big.",
        format="mooc",
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 4, 30),
    )
    assert course.format == "mooc"


def test_script_and_javascript_links_are_stripped_from_the_syllabus(draft, member_x):
    course = services.update_course(
        course=draft,
        by=member_x,
        syllabus=(
            '<h2>Outline</h2><p onclick="steal()">Intro <a href="javascript:alert(1)">x</a> '
            '<a href="https://cbd.int">CBD</a></p><script>alert(1)</script><style>p{}</style>'
        ),
    )
    course.refresh_from_db()
    syllabus = course.syllabus_en
    assert "<script" not in syllabus and "onclick" not in syllabus and "<style" not in syllabus
    assert "javascript:" not in syllabus
    assert '<a href="https://cbd.int" rel="noopener noreferrer">CBD</a>' in syllabus
    assert "<h2>Outline</h2>" in syllabus


def test_only_members_create_and_change_courses(organisation_x, member_y, learner, draft):
    for outsider in (member_y, learner):
        with pytest.raises(PermissionDenied):
            services.create_course(
                provider=organisation_x, by=outsider, title="Mine", summary="Mine."
            )
        with pytest.raises(PermissionDenied):
            services.update_course(course=draft, by=outsider, title="Taken")
        with pytest.raises(PermissionDenied):
            services.add_module(course=draft, by=outsider, title="Module")
        with pytest.raises(PermissionDenied):
            services.delete_course(course=draft, by=outsider)


def test_a_pending_organisation_cannot_offer_courses(organisation_x, member_x):
    organisation_x.status = organisation_x.Status.PENDING
    organisation_x.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        services.create_course(provider=organisation_x, by=member_x, title="T", summary="S.")
    assert "provider" in error.value.message_dict


def test_the_course_image_is_checked(draft, member_x, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("cover.png", b"<html>not an image</html>", "image/png")
    with pytest.raises(ValidationError) as error:
        services.update_course(course=draft, by=member_x, image=fake)
    assert "image" in error.value.message_dict
    course = services.update_course(
        course=draft, by=member_x, image=SimpleUploadedFile("cover.png", PNG, "image/png")
    )
    assert course.image.name.endswith(".png")


def test_only_drafts_without_learners_are_deleted(draft, member_x, organisation_x):
    services.delete_course(course=draft, by=member_x)
    assert not Course.objects.filter(pk=draft.pk).exists()
    published = build_course(organisation_x)
    with pytest.raises(PermissionDenied):
        services.delete_course(course=published, by=member_x)


def test_a_published_course_is_archived(organisation_x, member_x):
    course = build_course(organisation_x)
    services.archive_course(course=course, by=member_x)
    course.refresh_from_db()
    assert course.status == CourseStatus.ARCHIVED and course.archived_at is not None
    with pytest.raises(ValidationError):
        services.archive_course(course=course, by=member_x)


# --- Modules and lessons ----------------------------------------------------------------------
def test_modules_and_lessons_are_added_in_order_and_moved(draft, member_x):
    first = services.add_module(course=draft, by=member_x, title="First")
    second = services.add_module(course=draft, by=member_x, title="Second")
    a = services.add_lesson(module=first, by=member_x, title="A")
    b = services.add_lesson(module=first, by=member_x, title="B")
    c = services.add_lesson(module=second, by=member_x, title="C")
    services.move_module(module=second, by=member_x, direction="up")
    assert list(draft.modules.order_by("position").values_list("title", flat=True)) == [
        "Second",
        "First",
    ]
    services.move_lesson(lesson=b, by=member_x, direction="up")
    assert list(first.lessons.order_by("position").values_list("title", flat=True)) == ["B", "A"]
    # From the top of "First" (now second), B moves to the end of the module above.
    services.move_lesson(lesson=b, by=member_x, direction="up")
    b.refresh_from_db()
    assert b.module == second
    assert list(second.lessons.order_by("position").values_list("pk", flat=True)) == [c.pk, b.pk]
    assert list(first.lessons.values_list("pk", flat=True)) == [a.pk]
    with pytest.raises(ValidationError):
        services.move_lesson(lesson=a, by=member_x, direction="sideways")


def test_a_lesson_is_sanitised_and_its_video_must_be_embeddable(module, member_x):
    with pytest.raises(ValidationError) as error:
        services.add_lesson(
            module=module, by=member_x, title="Video", video_url="https://example.org/video.mp4"
        )
    assert "cannot be embedded" in error.value.message_dict["video_url"][0]
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            services.add_lesson(
                module=module, by=member_x, title="Vidéo", video_url="javascript:alert(1)"
            )
        assert "YouTube" in error.value.message_dict["video_url"][0]
    assert not Lesson.objects.exists()
    lesson = services.add_lesson(
        module=module,
        by=member_x,
        title="Video",
        body='<p>Watch <img src="x" onerror="alert(1)" alt="map"></p><script>x()</script>',
        video_url=YOUTUBE,
    )
    lesson.refresh_from_db()
    assert "onerror" not in lesson.body_en and "<script" not in lesson.body_en
    assert 'alt="map"' in lesson.body_en
    assert lesson.video_url == YOUTUBE
    assert lesson.course == module.course


def test_attachments_are_checked(module, member_x, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name, content in (
        ("notes.exe", b"MZ\x90\x00"),
        ("notes.pdf", b"<html><script>alert(1)</script></html>"),
    ):
        with pytest.raises(ValidationError) as error:
            services.add_lesson(
                module=module,
                by=member_x,
                title="Notes",
                attachment=SimpleUploadedFile(name, content),
            )
        assert "attachment" in error.value.message_dict
    services.MAX_ATTACHMENT_SIZE, size = 10, services.MAX_ATTACHMENT_SIZE
    try:
        with pytest.raises(ValidationError) as error:
            services.add_lesson(
                module=module,
                by=member_x,
                title="Notes",
                attachment=SimpleUploadedFile("notes.pdf", PDF),
            )
        assert "at most" in error.value.message_dict["attachment"][0]
    finally:
        services.MAX_ATTACHMENT_SIZE = size
    lesson = services.add_lesson(
        module=module, by=member_x, title="Notes", attachment=SimpleUploadedFile("notes.pdf", PDF)
    )
    assert lesson.attachment.name.endswith(".pdf")
    lesson = services.update_lesson(lesson=lesson, by=member_x, remove_attachment=True)
    assert not lesson.attachment


def test_only_published_resources_of_the_database_are_attached(module, member_x, organisation_y):
    public = ResourceFactory(organisation=organisation_y)
    draft_resource = ResourceFactory(organisation=organisation_y, status="draft")
    with pytest.raises(ValidationError) as error:
        services.add_lesson(
            module=module, by=member_x, title="Read", resources=[public.pk, draft_resource.pk]
        )
    assert "resources" in error.value.message_dict
    lesson = services.add_lesson(module=module, by=member_x, title="Read", resources=[public])
    assert list(lesson.resources.all()) == [public]


def test_parts_that_learners_started_are_not_deleted(organisation_x, member_x):
    course = build_course(organisation_x, quiz=False)
    lesson = course.lessons.first()
    enrolment = EnrolmentFactory(course=course)
    LessonProgress.objects.create(enrolment=enrolment, lesson=lesson)
    with pytest.raises(ValidationError):
        services.delete_lesson(lesson=lesson, by=member_x)
    with pytest.raises(ValidationError):
        services.delete_module(module=lesson.module, by=member_x)
    other = course.lessons.exclude(pk=lesson.pk).first()
    services.delete_lesson(lesson=other, by=member_x)
    assert not Lesson.objects.filter(pk=other.pk).exists()


# --- Quizzes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [{"text": "A"}, {"text": "B"}], "exactly one"),
        (
            "single",
            [{"text": "A", "is_correct": True}, {"text": "B", "is_correct": True}],
            "exactly one",
        ),
        ("multiple", [{"text": "A"}, {"text": "B"}], "at least one"),
        ("single", [{"text": "A", "is_correct": True}], "at least two"),
        (
            "single",
            [{"text": "A", "is_correct": True}, {"text": "", "is_correct": True}],
            "text of every answer",
        ),
        ("single", [{"text": "<b>A</b>", "is_correct": True}, {"text": "B"}], "HTML"),
    ],
)
def test_questions_need_valid_answers(module, member_x, kind, choices, message):
    quiz = services.add_quiz_lesson(module=module, by=member_x, title="Quiz").quiz
    with pytest.raises(ValidationError) as error:
        services.add_question(quiz=quiz, by=member_x, text="Q?", kind=kind, choices=choices)
    assert message in " ".join(error.value.message_dict["choices"])
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_quiz_settings_are_checked(module, member_x):
    with pytest.raises(ValidationError) as error:
        services.add_quiz_lesson(module=module, by=member_x, title="Quiz", pass_mark=0)
    assert "pass_mark" in error.value.message_dict
    lesson = services.add_quiz_lesson(module=module, by=member_x, title="Quiz", max_attempts=2)
    quiz = services.update_quiz(quiz=lesson.quiz, by=member_x, pass_mark=80, title="Final quiz")
    quiz.refresh_from_db()
    assert quiz.pass_mark == 80 and quiz.max_attempts == 2
    assert quiz.lesson.title_en == "Final quiz" and quiz.lesson.kind == Lesson.Kind.QUIZ


def test_a_question_is_changed_with_its_answers(module, member_x):
    quiz = services.add_quiz_lesson(module=module, by=member_x, title="Quiz").quiz
    question = services.add_question(
        quiz=quiz,
        by=member_x,
        text="Which are ecosystems?",
        kind="multiple",
        choices=[
            {"text": "Mangroves", "is_correct": True, "feedback": "Yes."},
            {"text": "Spreadsheets"},
        ],
    )
    mangroves, spreadsheets = question.choices.order_by("position")
    services.update_question(
        question=question,
        by=member_x,
        text="Which are coastal ecosystems?",
        choices=[
            {"id": mangroves.pk, "text": "Mangroves", "is_correct": True},
            {"text": "Seagrass meadows", "is_correct": True},
        ],
    )
    question.refresh_from_db()
    assert question.text_en == "Which are coastal ecosystems?"
    assert list(question.choices.order_by("position").values_list("text_en", flat=True)) == [
        "Mangroves",
        "Seagrass meadows",
    ]
    assert not Choice.objects.filter(pk=spreadsheets.pk).exists()
    with pytest.raises(ValidationError):  # one correct answer only, for a single choice
        services.update_question(question=question, by=member_x, kind="single")


# --- Review workflow --------------------------------------------------------------------------
def test_an_empty_course_cannot_be_submitted(draft, member_x, module):
    quiz = services.add_quiz_lesson(module=module, by=member_x, title="Quiz", required=False)
    with pytest.raises(ValidationError) as error:
        services.submit_for_review(course=draft, by=member_x)
    text = " ".join(error.value.messages)
    assert "required lesson" in text and "has no question" in text
    assert quiz.title in text
    draft.refresh_from_db()
    assert draft.status == CourseStatus.DRAFT
    assert not QualityReview.objects.exists()


def test_only_the_team_submits_a_draft(draft, member_x, member_y, reviewer_user):
    ready_course(draft, member_x)
    for person in (member_y, reviewer_user):
        with pytest.raises(PermissionDenied):
            services.submit_for_review(course=draft, by=person)


def test_submit_review_improve_resubmit_publish(
    draft, member_x, reviewer_user, django_capture_on_commit_callbacks
):
    ready_course(draft, member_x)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.submit_for_review(course=draft, by=member_x)
    draft.refresh_from_db()
    assert draft.status == CourseStatus.IN_REVIEW and draft.submitted_at is not None
    assert first.item == draft and first.status == S.PENDING
    assert first.checks.filter(standard__code="assessments-measure-objectives").exists()
    message = InboxMessage.objects.get(recipient=reviewer_user)
    assert "Mangrove restoration basics" in message.subject
    # Frozen while in review.
    with pytest.raises(PermissionDenied):
        services.update_course(course=draft, by=member_x, title="Changed")
    with pytest.raises(PermissionDenied):
        services.submit_for_review(course=draft, by=member_x)

    with django_capture_on_commit_callbacks(execute=True):
        decide(
            first,
            reviewer_user,
            S.CHANGES_REQUESTED,
            improvements_requested="State the learning objectives.",
        )
    draft.refresh_from_db()
    assert draft.status == CourseStatus.DRAFT and draft.published_at is None
    assert InboxMessage.objects.filter(
        recipient=member_x, subject__contains="Improvements requested"
    ).exists()

    services.update_course(course=draft, by=member_x, syllabus="<p>Objectives: ...</p>")
    with pytest.raises(ValidationError) as error:
        services.submit_for_review(course=draft, by=member_x)
    assert "improvements_made" in error.value.message_dict
    services.record_course_improvements(
        course=draft, by=member_x, improvements_made="Objectives added to the syllabus."
    )
    second = services.submit_for_review(course=draft, by=member_x)
    assert second.previous == first
    assert quality_selectors.reviewed_and_improved_count(kind="course") == 0

    decide(second, reviewer_user, S.APPROVED)
    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == CourseStatus.PUBLISHED and draft.published_at is not None
    assert first.improved_at is not None
    assert first.improvements_made == "Objectives added to the syllabus."
    assert quality_selectors.reviewed_and_improved_count(kind="course") == 1
    assert quality_selectors.reviewed_and_improved_count(since=timezone.now()) == 0


def test_improvements_may_be_given_when_submitting_again(draft, member_x, reviewer_user):
    ready_course(draft, member_x)
    first = services.submit_for_review(course=draft, by=member_x)
    decide(first, reviewer_user, S.CHANGES_REQUESTED, improvements_requested="Add captions.")
    draft.refresh_from_db()
    second = services.submit_for_review(
        course=draft, by=member_x, improvements_made="Captions added."
    )
    first.refresh_from_db()
    assert first.improvements_made == "Captions added." and second.previous == first


def test_a_rejected_course_goes_back_to_draft_and_publication_date_is_kept(
    organisation_x, member_x, reviewer_user
):
    course = build_course(organisation_x, status="draft", published_at=None)
    review = services.submit_for_review(course=course, by=member_x)
    decide(review, reviewer_user, S.REJECTED, summary="Not about biodiversity.")
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT and course.published_at is None
    with pytest.raises(ValidationError):  # nothing to improve after a rejection
        services.record_course_improvements(course=course, by=member_x, improvements_made="x")
    first_published = timezone.now() - datetime.timedelta(days=300)
    Course.objects.filter(pk=course.pk).update(published_at=first_published)
    course.refresh_from_db()
    review = services.submit_for_review(course=course, by=member_x)
    decide(review, reviewer_user, S.APPROVED)
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED and course.published_at == first_published


def test_a_failing_decision_leaves_the_course_and_the_review_unchanged(
    organisation_x, member_x, reviewer_user
):
    course = build_course(organisation_x, status="draft", published_at=None)
    review = services.submit_for_review(course=course, by=member_x)
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.DRAFT)  # changed meanwhile
    with pytest.raises(ValidationError):
        decide(review, reviewer_user, S.APPROVED)
    review.refresh_from_db()
    course.refresh_from_db()
    assert review.is_open and course.status == CourseStatus.DRAFT


# --- Cohorts ----------------------------------------------------------------------------------
def test_cohorts_are_created_by_the_team(organisation_x, member_x, member_y):
    course = build_course(organisation_x)
    with pytest.raises(PermissionDenied):
        services.create_cohort(course=course, by=member_y, name="Spring")
    with pytest.raises(ValidationError) as error:
        services.create_cohort(
            course=course,
            by=member_x,
            name="Spring",
            starts_on=datetime.date(2027, 5, 1),
            ends_on=datetime.date(2027, 4, 1),
        )
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.create_cohort(course=course, by=member_x, name="<i>Spring</i>")
    cohort = services.create_cohort(course=course, by=member_x, name="Spring 2027")
    assert cohort.course == course and cohort.created_by == member_x


def test_module_titles_are_required_and_plain(draft, member_x):
    for title in ("", "<em>x</em>"):
        with pytest.raises(ValidationError) as error:
            services.add_module(course=draft, by=member_x, title=title)
        assert "title" in error.value.message_dict
    assert not Module.objects.exists()
