"""The e-learning demo data (``seed_demo``): enough courses in three languages, MOOCs, every
state of enrolment, certificates only where earned, surveys, alumni and communities active and
quiet, and the counters the services keep; seeding again changes nothing.

Every app's demo data is seeded, as ``seed_demo`` does. One test: it takes a few seconds.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from chm_portal.accounts.demo import demo_email
from chm_portal.core.richtext import is_embeddable_video, sanitise_html
from chm_portal.quality.models import QualityReview
from elearning.models import (
    Alumnus,
    Certificate,
    Community,
    CommunityMembership,
    Course,
    CourseFormat,
    CourseInvitation,
    CourseLevel,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    Participation,
    Post,
    PostFlag,
    PostStatus,
    Question,
    QuizAttempt,
    SurveyResponse,
    Thread,
)
from elearning.selectors import indicators
from elearning.services.certificates import normalise_certificate_code

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = (
        Course,
        Module,
        Lesson,
        Question,
        Enrolment,
        LessonProgress,
        QuizAttempt,
        Certificate,
        SurveyResponse,
        CourseInvitation,
        Alumnus,
        Participation,
        Community,
        CommunityMembership,
        Thread,
        Post,
        PostFlag,
        QualityReview,
    )
    return {model.__name__: model.objects.count() for model in models}


def _seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_covers_learning_and_is_idempotent():
    _seed()
    counts = _counts()
    _seed()
    assert _counts() == counts

    # --- The catalogue: 25 courses or more, three languages, every format, level and status.
    courses = Course.objects.all()
    assert courses.count() >= 25
    assert set(courses.values_list("language", flat=True)) == {"en", "fr", "es"}
    assert set(courses.values_list("format", flat=True)) == set(CourseFormat.values)
    assert set(courses.values_list("level", flat=True)) == set(CourseLevel.values)
    assert set(courses.values_list("status", flat=True)) == set(CourseStatus.values)
    # Translated into the other languages, in their own columns.
    assert courses.filter(language="en", title_fr__isnull=False, title_es__isnull=False).exists()
    assert courses.filter(language="fr", title_en__isnull=False).exists()
    assert courses.filter(language="es", title_en__isnull=False).exists()
    assert not courses.filter(targets__isnull=True).exists()
    assert not courses.filter(thematic_areas__isnull=True).exists()
    # Published over three years: monitoring gets a time series.
    oldest = courses.filter(published_at__isnull=False).order_by("published_at").first()
    assert oldest.published_at < timezone.now() - datetime.timedelta(days=900)

    today = timezone.localdate()
    moocs = courses.filter(format=CourseFormat.MOOC)
    assert moocs.count() >= 3
    assert not moocs.filter(Q(starts_on__isnull=True) | Q(ends_on__isnull=True)).exists()
    assert moocs.filter(status=CourseStatus.PUBLISHED, starts_on__lte=today, ends_on__gte=today)
    assert Course.objects.open_for_enrolment().filter(format=CourseFormat.MOOC).exists()

    # --- Content: 2 to 4 modules per published course, a quiz of 2 or 3 questions each.
    published = courses.filter(status=CourseStatus.PUBLISHED).annotate(
        module_total=Count("modules", distinct=True),
        quiz_total=Count("lessons", filter=Q(lessons__kind=Lesson.Kind.QUIZ), distinct=True),
    )
    for course in published:
        assert 2 <= course.module_total <= 4, course
        assert course.quiz_total == 1, course
    question_counts = set(
        Question.objects.order_by()
        .values("quiz")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert question_counts <= {2, 3}
    assert not Lesson.objects.exclude(course=F("module__course")).exists()
    for body in Lesson.objects.exclude(body_en__isnull=True).values_list("body_en", flat=True):
        assert sanitise_html(body) == body
    videos = Lesson.objects.exclude(video_url="")
    assert videos.exists() and all(is_embeddable_video(lesson.video_url) for lesson in videos)
    assert Lesson.objects.filter(resources__isnull=False).exists()

    # --- Learning: every state, counters as the services keep them.
    enrolments = Enrolment.objects.all()
    assert set(enrolments.values_list("status", flat=True)) == set(EnrolmentStatus.values)
    assert len({moment.year for moment in enrolments.values_list("enrolled_at", flat=True)}) >= 3
    counted = courses.annotate(
        counted=Count(
            "enrolments",
            filter=Q(enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]),
        ),
        completed=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED)),
    )
    for course in counted:
        assert (course.enrolment_count, course.completion_count) == (
            course.counted,
            course.completed,
        ), course
    assert not enrolments.filter(status=EnrolmentStatus.COMPLETED, completed_at__isnull=True)
    assert not enrolments.filter(completed_at__gt=timezone.now()).exists()
    # A completed course has every lesson done and a passed attempt.
    for enrolment in enrolments.filter(status=EnrolmentStatus.COMPLETED)[:10]:
        done = enrolment.progress.filter(completed_at__isnull=False).count()
        assert done == enrolment.course.lessons.count(), enrolment
        assert enrolment.quiz_attempts.filter(passed=True).count() == 1, enrolment

    # Certificates only for completed enrolments of courses that offer one, with valid codes.
    certificates = Certificate.objects.all()
    assert certificates.exists()
    assert not certificates.exclude(enrolment__status=EnrolmentStatus.COMPLETED).exists()
    assert not certificates.filter(enrolment__course__certificate_offered=False).exists()
    assert all(
        normalise_certificate_code(code) == code
        for code in certificates.values_list("code", flat=True)
    )
    assert certificates.filter(revoked_at__isnull=False).count() <= 1

    # Surveys: a spread of ratings, some comments.
    surveys = SurveyResponse.objects.all()
    assert not surveys.exclude(enrolment__status=EnrolmentStatus.COMPLETED).exists()
    ratings = set(surveys.values_list("quality", flat=True))
    assert {4, 5} <= ratings and ratings & {1, 2, 3}
    assert surveys.exclude(comments="").count() >= 5
    rating = indicators.participants_rating_well()
    assert 0 < rating["quality_share"] < 1

    # Cohort invitations: accepted, pending, expired.
    invitations = CourseInvitation.objects.all()
    assert invitations.filter(accepted_at__isnull=False).exists()
    assert invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()).exists()
    assert invitations.filter(accepted_at__isnull=True, expires_at__lte=timezone.now()).exists()

    # The demo learner has something of everything.
    learner = demo_email("learner")
    mine = enrolments.filter(user__email=learner)
    assert set(mine.values_list("status", flat=True)) == set(EnrolmentStatus.values)
    assert certificates.filter(enrolment__user__email=learner, revoked_at__isnull=True).exists()
    assert Alumnus.objects.get(user__email=learner).in_directory

    # --- Alumni: from completions and imported, some active, some in the directory.
    alumni = Alumnus.objects.all()
    assert alumni.filter(user__isnull=False).exists()
    assert alumni.filter(user__isnull=True, participations__imported=True).exists()
    assert {"workshop", "fellowship"} <= set(Participation.objects.values_list("kind", flat=True))
    assert alumni.filter(in_directory=True).exists() and alumni.filter(in_directory=False)
    assert 0 < indicators.active_alumni() < alumni.count()

    # --- Communities: translated, active and quiet, counters as the services keep them.
    communities = Community.objects.annotate(
        members=Count("memberships", distinct=True), last=Max("threads__posts__created_at")
    )
    assert communities.count() >= 4
    assert not communities.filter(Q(name_fr__isnull=True) | Q(name_es__isnull=True)).exists()
    assert 0 < indicators.active_communities() < communities.count()
    for community in communities:
        assert community.member_count == community.members, community
        assert community.last_post_at == community.last, community
        assert community.memberships.filter(role=CommunityMembership.Role.MODERATOR).exists()
    for thread in Thread.objects.annotate(
        visible=Count("posts", filter=Q(posts__status=PostStatus.VISIBLE))
    ):
        assert thread.reply_count == thread.visible - 1, thread
    assert PostFlag.objects.filter(resolved_at__isnull=True, post__flag_count=1).exists()
    assert Post.objects.filter(status=PostStatus.HIDDEN, moderated_by__isnull=False).exists()

    # --- Quality reviews: courses, resources and events; improvements made and confirmed.
    reviews = QualityReview.objects.all()
    assert {"course", "resource", "event"} <= set(
        reviews.values_list("content_type__model", flat=True)
    )
    improved = reviews.filter(improved_at__isnull=False, content_type__model="course").first()
    assert improved.status == QualityReview.Status.CHANGES_REQUESTED and improved.improvements_made
    assert reviews.filter(previous=improved, status=QualityReview.Status.APPROVED).exists()
    assert indicators.items_reviewed_and_improved() >= 2
    assert reviews.filter(status=QualityReview.Status.PENDING).exists()
    for course in courses.filter(status=CourseStatus.PUBLISHED):
        assert reviews.filter(object_id=course.pk, content_type__model="course", status="approved")
