"""Pages of course authoring: the permission matrix on every URL (author, member of another
organisation, learner, content reviewer, anonymous), the forms that call the services and show
their errors, the move buttons, submission and the review's outcome on the overview, cohorts
and invitations, the preview (answers marked, nothing recorded), constant query counts, and
French and Spanish.

People (``conftest.py``): Xavier (member_x) belongs to Mangrove Alliance (organisation X), the
provider; Yara (member_y) to Savanna Research Institute; Lea is a learner; Rui reviews content.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chm_portal.quality import services as quality
from chm_portal.quality.models import QualityReview, ReviewCheck
from elearning.models import (
    Course,
    CourseInvitation,
    CourseStatus,
    Lesson,
    LessonProgress,
    Module,
    Question,
)
from elearning.services import authoring as services
from tests.factories import build_course

pytestmark = pytest.mark.django_db

YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"


@pytest.fixture
def course(organisation_x):
    """A draft course of Mangrove Alliance: two modules of two lessons, and a quiz."""
    return build_course(organisation_x, status="draft", published_at=None, title="Blue carbon")


def parts(course):
    module = course.modules.order_by("position").first()
    lesson = course.lessons.filter(kind="content").first()
    quiz_lesson = course.lessons.get(kind="quiz")
    question = Question.objects.filter(quiz__lesson=quiz_lesson).first()
    return module, lesson, quiz_lesson, question


def get_urls(course) -> dict[str, str]:
    module, lesson, quiz_lesson, question = parts(course)
    return {
        "authoring_course": reverse("elearning:authoring_course", args=[course.pk]),
        "authoring_preview": reverse("elearning:authoring_preview", args=[course.pk]),
        "authoring_lesson_preview": reverse(
            "elearning:authoring_lesson_preview", args=[quiz_lesson.pk]
        ),
        "authoring_course_edit": reverse("elearning:authoring_course_edit", args=[course.pk]),
        "authoring_course_delete": reverse("elearning:authoring_course_delete", args=[course.pk]),
        "authoring_module_add": reverse("elearning:authoring_module_add", args=[course.pk]),
        "authoring_module_edit": reverse("elearning:authoring_module_edit", args=[module.pk]),
        "authoring_module_delete": reverse("elearning:authoring_module_delete", args=[module.pk]),
        "authoring_lesson_add": reverse("elearning:authoring_lesson_add", args=[module.pk]),
        "authoring_quiz_add": reverse("elearning:authoring_quiz_add", args=[module.pk]),
        "authoring_lesson_edit": reverse("elearning:authoring_lesson_edit", args=[lesson.pk]),
        "authoring_lesson_delete": reverse("elearning:authoring_lesson_delete", args=[lesson.pk]),
        "authoring_quiz": reverse("elearning:authoring_quiz", args=[quiz_lesson.pk]),
        "authoring_question_add": reverse(
            "elearning:authoring_question_add", args=[quiz_lesson.pk]
        ),
        "authoring_question_edit": reverse("elearning:authoring_question_edit", args=[question.pk]),
        "authoring_question_delete": reverse(
            "elearning:authoring_question_delete", args=[question.pk]
        ),
    }


def post_urls(course) -> dict[str, str]:
    module, lesson, _quiz, _question = parts(course)
    return {
        name: reverse(f"elearning:{name}", args=[pk])
        for name, pk in (
            ("authoring_course_submit", course.pk),
            ("authoring_course_improvements", course.pk),
            ("authoring_course_archive", course.pk),
            ("authoring_cohort_create", course.pk),
            ("authoring_invite", course.pk),
            ("authoring_module_move", module.pk),
            ("authoring_lesson_move", lesson.pk),
        )
    }


READ_ONLY = {"authoring_course", "authoring_preview", "authoring_lesson_preview"}


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- The permission matrix --------------------------------------------------------------------
def test_the_author_opens_every_page_of_a_draft(client, member_x, course):
    login(client, member_x)
    for name, url in get_urls(course).items():
        assert client.get(url).status_code == 200, name
    assert client.get(reverse("elearning:authoring_list")).status_code == 200
    assert client.get(reverse("elearning:authoring_course_create")).status_code == 200


@pytest.mark.parametrize("person", ["member_y", "learner"])
def test_outsiders_do_not_find_a_draft(client, request, person, course):
    login(client, request.getfixturevalue(person))
    for name, url in get_urls(course).items():
        assert client.get(url).status_code == 404, name
    for name, url in post_urls(course).items():
        assert client.post(url, {"direction": "up"}).status_code == 404, name
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_a_member_of_another_organisation_may_not_work_on_a_published_course(
    client, member_y, learner, organisation_x
):
    published = build_course(organisation_x)
    for person in (member_y, learner):
        login(client, person)
        for name, url in get_urls(published).items():
            assert client.get(url).status_code == 403, name
        for name, url in post_urls(published).items():
            assert client.post(url, {"direction": "up"}).status_code == 403, name
    published.refresh_from_db()
    assert published.status == CourseStatus.PUBLISHED


def test_learners_and_reviewers_have_no_authoring_list(client, learner, reviewer_user, member_y):
    for person in (learner, reviewer_user):
        login(client, person)
        assert client.get(reverse("elearning:authoring_list")).status_code == 403
        assert client.get(reverse("elearning:authoring_course_create")).status_code == 403
    login(client, member_y)
    assert client.get(reverse("elearning:authoring_list")).status_code == 200


def test_a_reviewer_reads_the_course_and_its_preview_but_does_not_edit(
    client, reviewer_user, course
):
    login(client, reviewer_user)
    for name, url in get_urls(course).items():
        expected = 200 if name in READ_ONLY else 403
        assert client.get(url).status_code == expected, name
    for name, url in post_urls(course).items():
        # Reviewers may archive a published course (elearning/rules.py); this one is a draft.
        expected = 302 if name == "authoring_course_archive" else 403
        assert client.post(url, {"direction": "up"}).status_code == expected, name
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT
    html = client.get(get_urls(course)["authoring_course"]).content.decode()
    assert reverse("elearning:authoring_course_edit", args=[course.pk]) not in html


def test_anonymous_visitors_are_sent_to_sign_in(client, course):
    urls = {
        **get_urls(course),
        "list": reverse("elearning:authoring_list"),
        "create": reverse("elearning:authoring_course_create"),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], name
    for name, url in post_urls(course).items():
        response = client.post(url)
        assert response.status_code == 302 and "login" in response["Location"], name


def test_a_course_in_review_is_frozen(client, member_x, course):
    services.submit_for_review(course=course, by=member_x)
    login(client, member_x)
    urls = get_urls(course)
    response = client.get(urls["authoring_course_edit"])
    assert response.status_code == 302
    assert response["Location"] == reverse("elearning:authoring_course", args=[course.pk])
    response = client.post(
        post_urls(course)["authoring_module_move"], {"direction": "down"}, follow=True
    )
    assert "waiting for its quality review" in response.content.decode()
    html = client.get(urls["authoring_course"]).content.decode()
    assert urls["authoring_course_edit"] not in html
    assert client.get(urls["authoring_preview"]).status_code == 200


# --- Lists and query counts -------------------------------------------------------------------
def test_my_courses_lists_the_organisations_courses_with_constant_queries(
    client, member_x, organisation_x, organisation_y, django_assert_max_num_queries
):
    for number in range(25):
        build_course(organisation_x, status="draft", modules=0, title=f"Course {number:02d}")
    build_course(organisation_y, title="Someone else's course", modules=0)
    login(client, member_x)
    # Session, user, memberships (twice: rules and the list), groups, count, page.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("elearning:authoring_list"))
    html = response.content.decode()
    assert len(response.context["courses"]) == 20
    assert "Someone else" not in html
    assert f"?provider={organisation_x.pk}" in html
    response = client.get(reverse("elearning:authoring_list"), {"status": "published"})
    assert list(response.context["courses"]) == []


def test_the_overview_has_constant_queries(client, member_x, organisation_x):
    small = build_course(organisation_x, status="draft", modules=1, lessons_per_module=1)
    large = build_course(organisation_x, status="draft", modules=6, lessons_per_module=5)
    login(client, member_x)
    client.get(reverse("elearning:authoring_course", args=[small.pk]))  # caches content types
    counts = []
    for course in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("elearning:authoring_course", args=[course.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    # Session, user, memberships, groups, course (+ 3 vocabularies), review (+ checks),
    # modules with lessons, cohorts and the invitation form's cohorts.
    assert counts[0] == counts[1] <= 16
    assert len(response.context["modules"]) == 6


# --- Forms ------------------------------------------------------------------------------------
def test_a_course_is_created_from_the_page(client, member_x, organisation_x):
    login(client, member_x)
    data = {
        "provider": organisation_x.pk,
        "title": "Seagrass 101",
        "summary": "What seagrass meadows do.",
        "syllabus": '<p>Objectives</p><script>alert(1)</script><a href="javascript:x()">x</a>',
        "language": "en",
        "format": "mooc",
        "level": "introductory",
        "estimated_hours": 4,
        "certificate_offered": "on",
        "enrolment_mode": "open",
    }
    response = client.post(reverse("elearning:authoring_course_create"), data)
    assert response.status_code == 200
    assert "A MOOC has a start date and an end date." in response.content.decode()
    assert not Course.objects.exists()
    data.update(starts_on="2027-03-01", ends_on="2027-04-30")
    response = client.post(reverse("elearning:authoring_course_create"), data)
    course = Course.objects.get()
    assert response["Location"] == reverse("elearning:authoring_course", args=[course.pk])
    assert course.provider == organisation_x and course.status == CourseStatus.DRAFT
    assert "<script" not in course.syllabus_en and "javascript:" not in course.syllabus_en


def test_a_member_cannot_create_a_course_for_another_organisation(client, member_x, organisation_y):
    login(client, member_x)
    response = client.post(
        reverse("elearning:authoring_course_create"),
        {"provider": organisation_y.pk, "title": "T", "summary": "S.", "language": "en"},
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not Course.objects.exists()


def test_the_course_is_edited_in_its_original_language(client, member_x, course):
    login(client, member_x)
    url = reverse("elearning:authoring_course_edit", args=[course.pk])
    form = client.get(f"/fr{url[3:]}").context["form"]
    assert form.initial["title"] == "Blue carbon"  # the English text, on the French page
    data = {
        "title": "Blue carbon, revised",
        "summary": "Revised.",
        "syllabus": "",
        "language": "en",
        "format": "self_paced",
        "level": "advanced",
        "estimated_hours": 3,
        "enrolment_mode": "open",
    }
    response = client.post(f"/fr{url[3:]}", data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title_en == "Blue carbon, revised" and not course.title_fr
    assert course.level == "advanced"


def test_a_lesson_with_a_video_that_cannot_be_embedded_is_refused(client, member_x, course):
    module, *_rest = parts(course)
    login(client, member_x)
    url = reverse("elearning:authoring_lesson_add", args=[module.pk])
    data = {"title": "Watch", "body": "<p>Hi</p>", "estimated_minutes": 5, "required": "on"}
    response = client.post(url, {**data, "video_url": "https://videos.example.org/1.mp4"})
    assert response.status_code == 200
    assert "This video cannot be embedded" in response.content.decode()
    assert not Lesson.objects.filter(title_en="Watch").exists()
    response = client.post(url, {**data, "video_url": YOUTUBE})
    lesson = Lesson.objects.get(title_en="Watch")
    assert response["Location"].endswith(f"#lesson-{lesson.pk}")
    assert lesson.module == module and lesson.video_url == YOUTUBE


def test_a_question_without_a_correct_answer_is_refused_on_the_page(client, member_x, course):
    _module, _lesson, quiz_lesson, _question = parts(course)
    login(client, member_x)
    url = reverse("elearning:authoring_question_add", args=[quiz_lesson.pk])
    page = client.get(url)
    assert page.context["formset"].total_form_count() == 4
    data = {
        "text": "Which is a wetland?",
        "kind": "single",
        "choices-TOTAL_FORMS": 4,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 20,
        "choices-0-text": "Peatland",
        "choices-1-text": "Desert",
        "choices-2-text": "",
        "choices-3-text": "",
    }
    count = Question.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Mark exactly one answer as correct" in response.content.decode()
    assert Question.objects.count() == count
    response = client.post(url, {**data, "choices-0-is_correct": "on"})
    assert response.status_code == 302
    question = Question.objects.get(text_en="Which is a wetland?")
    assert [(c.text_en, c.is_correct) for c in question.choices.order_by("position")] == [
        ("Peatland", True),
        ("Desert", False),
    ]


def test_an_answer_is_removed_on_the_question_page(client, member_x, course):
    *_rest, question = parts(course)
    login(client, member_x)
    url = reverse("elearning:authoring_question_edit", args=[question.pk])
    formset = client.get(url).context["formset"]
    data = {"text": question.text_en, "kind": question.kind}
    data.update(
        {
            f"choices-{key}": value
            for key, value in {
                "TOTAL_FORMS": formset.total_form_count(),
                "INITIAL_FORMS": formset.initial_form_count(),
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 20,
            }.items()
        }
    )
    for index, initial in enumerate(formset.initial):
        data[f"choices-{index}-id"] = initial["id"]
        data[f"choices-{index}-text"] = initial["text"]
        data[f"choices-{index}-feedback"] = initial["feedback"]
        if initial["is_correct"]:
            data[f"choices-{index}-is_correct"] = "on"
    data["choices-1-DELETE"] = "on"  # the wrong answer of the single-choice question
    data["choices-2-text"] = "GBF-T2"
    assert client.post(url, data).status_code == 302
    assert list(question.choices.order_by("position").values_list("text_en", flat=True)) == [
        "GBF-T3",
        "GBF-T2",
    ]


def test_modules_are_moved_with_the_buttons(client, member_x, course):
    first, second = course.modules.order_by("position")
    login(client, member_x)
    response = client.post(
        reverse("elearning:authoring_module_move", args=[second.pk]), {"direction": "up"}
    )
    assert response["Location"].endswith(f"#module-{second.pk}")
    assert list(course.modules.order_by("position")) == [second, first]
    html = client.get(reverse("elearning:authoring_course", args=[course.pk])).content.decode()
    assert "move “Module 2” up" in html


def test_deleting_asks_first(client, member_x, course):
    _module, lesson, *_rest = parts(course)
    login(client, member_x)
    url = reverse("elearning:authoring_lesson_delete", args=[lesson.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    client.post(url)
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    url = reverse("elearning:authoring_course_delete", args=[course.pk])
    response = client.post(url)
    assert response["Location"] == reverse("elearning:authoring_list")
    assert not Course.objects.filter(pk=course.pk).exists()
    assert not Module.objects.filter(course_id=course.pk).exists()


# --- Review on the overview -------------------------------------------------------------------
def test_submit_improve_and_publish_from_the_pages(client, member_x, reviewer_user, course):
    login(client, member_x)
    overview = reverse("elearning:authoring_course", args=[course.pk])
    response = client.post(reverse("elearning:authoring_course_submit", args=[course.pk]))
    assert response["Location"] == f"{overview}#review"
    review = QualityReview.objects.get()
    course.refresh_from_db()
    assert course.status == CourseStatus.IN_REVIEW

    login(client, reviewer_user)
    review_url = reverse("quality:review", args=[review.pk])
    assert reverse("elearning:authoring_preview", args=[course.pk]) in (
        client.get(review_url).content.decode()
    )
    data = {"summary": "", "improvements_requested": "State the objectives."}
    for check in review.checks.all():
        data[f"result_{check.standard_id}"] = ReviewCheck.Result.PARTLY
        data[f"comment_{check.standard_id}"] = ""
    assert client.post(review_url, {**data, "decision": "changes_requested"}).status_code == 302
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT

    login(client, member_x)
    html = client.get(overview).content.decode()
    assert "State the objectives." in html
    assert reverse("elearning:authoring_course_improvements", args=[course.pk]) in html
    response = client.post(
        reverse("elearning:authoring_course_submit", args=[course.pk]), follow=True
    )
    assert "Say what you changed" in response.content.decode()
    client.post(
        reverse("elearning:authoring_course_improvements", args=[course.pk]),
        {"improvements_made": "Objectives are now in the syllabus."},
    )
    client.post(reverse("elearning:authoring_course_submit", args=[course.pk]))
    second = QualityReview.objects.exclude(pk=review.pk).get()
    assert second.previous == review

    login(client, reviewer_user)
    html = client.get(reverse("quality:review", args=[second.pk])).content.decode()
    assert "Objectives are now in the syllabus." in html
    quality.record_checks(
        review=second,
        reviewer=reviewer_user,
        results={c.standard_id: (ReviewCheck.Result.MEETS, "") for c in second.checks.all()},
    )
    quality.complete_review(review=second, reviewer=reviewer_user, status="approved")
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED


def test_a_published_course_is_archived_from_its_overview(client, member_x, organisation_x):
    published = build_course(organisation_x)
    login(client, member_x)
    client.post(reverse("elearning:authoring_course_archive", args=[published.pk]))
    published.refresh_from_db()
    assert published.status == CourseStatus.ARCHIVED


def test_cohorts_and_invitations(client, member_x, organisation_x):
    published = build_course(organisation_x, enrolment_mode="invitation")
    login(client, member_x)
    response = client.post(
        reverse("elearning:authoring_cohort_create", args=[published.pk]),
        {"cohort-name": "Spring 2027", "cohort-starts_on": "2027-03-01"},
    )
    assert response.status_code == 302
    cohort = published.cohorts.get()
    assert cohort.name == "Spring 2027"
    # An address that is not one stops the whole batch with a clear message.
    response = client.post(
        reverse("elearning:authoring_invite", args=[published.pk]),
        {
            "invite-emails": "ana@example.org\nbruno@example.org, not-an-address",
            "invite-cohort": cohort.pk,
        },
        follow=True,
    )
    assert "not-an-address" in response.content.decode()
    assert not CourseInvitation.objects.exists()
    response = client.post(
        reverse("elearning:authoring_invite", args=[published.pk]),
        {"invite-emails": "ana@example.org\nbruno@example.org", "invite-cohort": cohort.pk},
        follow=True,
    )
    assert response.status_code == 200
    invited = set(
        CourseInvitation.objects.filter(course=published, cohort=cohort).values_list(
            "email", flat=True
        )
    )
    assert invited == {"ana@example.org", "bruno@example.org"}
    html = client.get(reverse("elearning:authoring_course", args=[published.pk])).content
    assert "Spring 2027" in html.decode()


# --- Preview ----------------------------------------------------------------------------------
def test_the_preview_marks_correct_answers_and_records_nothing(client, member_x, course):
    _module, lesson, quiz_lesson, _question = parts(course)
    services.update_lesson(lesson=lesson, by=member_x, video_url=YOUTUBE)
    login(client, member_x)
    html = client.get(
        reverse("elearning:authoring_lesson_preview", args=[quiz_lesson.pk])
    ).content.decode()
    assert 'GBF-T3 <strong class="badge">correct</strong>' in html
    assert "There is no such target." in html
    html = client.get(reverse("elearning:authoring_lesson_preview", args=[lesson.pk])).content
    assert b"youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    html = client.get(reverse("elearning:authoring_preview", args=[course.pk])).content.decode()
    assert "Blue carbon" in html and "Nothing you do here is recorded" in html
    assert not LessonProgress.objects.exists()


# --- Languages --------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["fr", "es"])
def test_pages_render_in_french_and_spanish(client, member_x, course, language):
    login(client, member_x)
    urls = [
        *get_urls(course).values(),
        reverse("elearning:authoring_list"),
        reverse("elearning:authoring_course_create"),
    ]
    for url in urls:
        localised = f"/{language}{url[3:]}"
        response = client.get(localised)
        assert response.status_code == 200, localised
        assert f'lang="{language}"' in response.content.decode()
