"""E-learning: the course catalogue, learning, certificates, feedback, alumni and communities.

- **Catalogue**: a :class:`Course` of a provider organisation is made of :class:`Module` s and
  :class:`Lesson` s; a lesson of kind "quiz" has a :class:`Quiz` with :class:`Question` s and
  :class:`Choice` s. Courses go draft → in review → published → archived; publication follows a
  quality review (``chm_portal.quality``).
- **Learning**: an :class:`Enrolment` per person and course (self-enrolment, or an invitation to a
  :class:`Cohort`); one :class:`LessonProgress` row per lesson seen, so that recording progress is
  one small write and "resume where you left off" is the most recently seen lesson;
  :class:`QuizAttempt` s with their :class:`AttemptAnswer` s; a :class:`Certificate` with a unique
  code on completion; a :class:`SurveyResponse` asked on completion.
- **Alumni**: an :class:`Alumnus` per former participant (with or without an account) and their
  :class:`Participation` s in courses, fellowships, workshops and projects; an opt-in directory.
- **Communities of practice**: :class:`Community`, :class:`CommunityMembership`,
  :class:`Thread`, :class:`Post` and :class:`PostFlag` (moderation).

Counts that monitoring needs are columns with indexes (``published_at``, ``format``,
``completed_at``, ``last_post_at``...), so each indicator is one aggregate query.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.search import (
    StoredSearchManager,
    search_vector_indexes,
    translated_search_fields,
)
from chm_portal.core.validators import validate_no_markup
from partners.models import content_language_choices

# A community of practice is "active" when something was posted in it within this many days.
ACTIVE_COMMUNITY_DAYS = 90
# An alumnus is "active" when they used the portal (signed in or posted) within this many days.
ACTIVE_ALUMNI_DAYS = 365


# --- Catalogue ------------------------------------------------------------------------------------
class CourseFormat(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced module")
    MOOC = "mooc", _("MOOC")
    INSTRUCTOR_LED = "instructor_led", _("Instructor-led")
    BLENDED = "blended", _("Blended")


class CourseLevel(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("Anyone signed in may enrol")
    INVITATION = "invitation", _("By invitation only (cohorts)")


class CourseQuerySet(models.QuerySet):
    def public(self):
        """Courses anyone may see: published or archived (archived ones take no enrolment)."""
        return self.filter(status__in=Course.PUBLIC_STATUSES)

    def of_organisations(self, organisation_ids):
        return self.filter(provider_id__in=organisation_ids)

    def open_for_enrolment(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            status=CourseStatus.PUBLISHED,
            enrolment_mode=EnrolmentMode.OPEN,
        )


class Course(models.Model):
    """A course or module hosted on the portal's learning management system."""

    PUBLIC_STATUSES = (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)
    ORGANISATION_FIELD = "provider"
    # What the search box looks in, in every interface language, and how much each field counts
    # (A most, D least); the stored vectors ``search_*`` hold them (chm_portal.core.search).
    SEARCH_FIELDS = translated_search_fields(title="A", summary="B", syllabus="C")

    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    summary = models.TextField(
        _("summary"),
        validators=[validate_no_markup],
        help_text=_("Two or three sentences shown in the catalogue."),
    )
    syllabus = models.TextField(
        _("syllabus"),
        blank=True,
        help_text=_("Objectives and outline; basic formatting (paragraphs, lists, links) is kept."),
    )
    language = models.CharField(
        _("original language"),
        max_length=10,
        choices=content_language_choices,
        default="en",
        help_text=_("The language the course was written in; translations may be added."),
    )
    languages = models.ManyToManyField(
        "vocabularies.Language",
        verbose_name=_("languages taught in"),
        related_name="+",
        blank=True,
    )
    targets = models.ManyToManyField(
        "vocabularies.GBFTarget", verbose_name=_("GBF targets"), related_name="+", blank=True
    )
    thematic_areas = models.ManyToManyField(
        "vocabularies.ThematicArea", verbose_name=_("thematic areas"), related_name="+", blank=True
    )
    format = models.CharField(
        _("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.SELF_PACED
    )
    level = models.CharField(
        _("level"), max_length=20, choices=CourseLevel.choices, default=CourseLevel.INTRODUCTORY
    )
    estimated_hours = models.PositiveSmallIntegerField(
        _("estimated hours"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        default=1,
    )
    provider = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    certificate_offered = models.BooleanField(_("certificate of completion"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    enrolment_mode = models.CharField(
        _("enrolment"),
        max_length=20,
        choices=EnrolmentMode.choices,
        default=EnrolmentMode.OPEN,
    )
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("Required for MOOCs.")
    )
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Required for MOOCs.")
    )
    enrolment_closes_on = models.DateField(_("enrolment closes on"), null=True, blank=True)
    image = models.ImageField(_("image"), upload_to="courses/%Y/", blank=True)
    # Kept by the enrolment services (F() updates) so that the catalogue sorts and shows counts
    # without counting 200,000 enrolments.
    enrolment_count = models.PositiveIntegerField(_("enrolments"), default=0, editable=False)
    completion_count = models.PositiveIntegerField(_("completions"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Full-text search vectors of SEARCH_FIELDS, kept by a trigger on PostgreSQL; empty elsewhere.
    search_en = SearchVectorField(_("English search vector"), null=True, blank=True, editable=False)
    search_fr = SearchVectorField(_("French search vector"), null=True, blank=True, editable=False)
    search_es = SearchVectorField(_("Spanish search vector"), null=True, blank=True, editable=False)

    objects = StoredSearchManager.from_queryset(CourseQuerySet)()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "format"]),
            models.Index(fields=["status", "level"]),
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["status", "enrolment_mode", "enrolment_closes_on"]),
            *search_vector_indexes("elearning_course"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="elearning_course_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(format="mooc") | Q(starts_on__isnull=False, ends_on__isnull=False),
                name="elearning_mooc_has_dates",
            ),
        ]
        permissions = [("review_course", _("Can review and publish courses"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("elearning:course_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.format == CourseFormat.MOOC and not (self.starts_on and self.ends_on):
            raise ValidationError({"starts_on": _("A MOOC has a start date and an end date.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The course cannot end before it starts.")})

    @property
    def owner_organisation_id(self) -> int:
        return self.provider_id

    @property
    def owner_organisation(self):
        return self.provider

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def is_open_for_enrolment(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == CourseStatus.PUBLISHED
            and self.enrolment_mode == EnrolmentMode.OPEN
            and (self.enrolment_closes_on is None or self.enrolment_closes_on >= today)
            and (self.ends_on is None or self.ends_on >= today)
        )


class _CoursePart(models.Model):
    """What modules and lessons share: a position in their course and its owner."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    @property
    def owner_organisation_id(self) -> int:
        return self.course.provider_id


class Module(_CoursePart):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    summary = models.TextField(_("summary"), blank=True, validators=[validate_no_markup])

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "pk"]
        indexes = [models.Index(fields=["course", "position"])]

    def __str__(self) -> str:
        return self.title


class Lesson(_CoursePart):
    """A page of a module: text, a video, attachments, or a quiz."""

    class Kind(models.TextChoices):
        CONTENT = "content", _("Lesson")
        QUIZ = "quiz", _("Quiz")

    # Denormalised from the module so that progress and completion are counted per course with
    # one indexed filter.
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONTENT)
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Paragraphs, headings, lists, links, tables and images; scripts are removed."),
    )
    video_url = models.URLField(
        _("video link"),
        blank=True,
        max_length=500,
        help_text=_("A YouTube or Vimeo address; it is embedded in the lesson."),
    )
    resources = models.ManyToManyField(
        "partners.Resource",
        verbose_name=_("resources from the database"),
        related_name="lessons",
        blank=True,
    )
    attachment = models.FileField(_("attachment"), upload_to="lessons/%Y/%m/", blank=True)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required lessons count towards completion.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module__position", "module_id", "position", "pk"]
        indexes = [models.Index(fields=["course", "required"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.module_id and self.course_id and self.module.course_id != self.course_id:
            raise ValidationError({"module": _("The module belongs to another course.")})


class Quiz(models.Model):
    lesson = models.OneToOneField(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="quiz"
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="elearning_quiz_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.lesson)

    @property
    def owner_organisation_id(self) -> int:
        return self.lesson.course.provider_id


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField(_("question"), validators=[validate_no_markup])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("answer"), max_length=500, validators=[validate_no_markup])
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        validators=[validate_no_markup],
        help_text=_("Shown to the learner who chose this answer."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


# --- Learning -------------------------------------------------------------------------------------
class Cohort(models.Model):
    """A group of learners invited to take a course together (instructor-led or blended runs)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_no_markup])
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["course", "-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int:
        return self.course.provider_id


class CourseInvitation(models.Model):
    """An invitation by email to enrol in a course (and a cohort); accepted with its token."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="invitations"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("course invitation")
        verbose_name_plural = _("course invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "email"],
                condition=Q(accepted_at__isnull=True),
                name="elearning_one_pending_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.course}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    # The learner's country when they enrolled (for disaggregation by region and country group).
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["course", "status"]),
            models.Index(fields=["enrolled_at"]),
            models.Index(fields=["completed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="elearning_one_enrolment"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="elearning_completed_enrolment_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.course}"


class LessonProgress(models.Model):
    """A learner's progress on one lesson: one row, written once when seen and once when done."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="elearning_one_progress"),
        ]
        indexes = [models.Index(fields=["enrolment", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}"


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrolment", "quiz", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "enrolment", "number"], name="elearning_attempt_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="elearning_score_range"
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "quiz", "passed"])]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(
        QuizAttempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    choices = models.ManyToManyField(Choice, verbose_name=_("answers chosen"), related_name="+")
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer given")
        verbose_name_plural = _("answers given")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="elearning_one_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} / {self.question_id}"


class Certificate(models.Model):
    """A certificate of completion. Name, course and date are copied when it is issued, so the
    public verification page confirms what the certificate says even if the course changes."""

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    learner_name = models.CharField(_("learner"), max_length=200)
    course_title = models.CharField(_("course"), max_length=300)
    provider_name = models.CharField(_("provider"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])


class SurveyResponse(models.Model):
    """What a learner thought of a course, asked on completion (activities 8 and 9)."""

    class Relevance(models.TextChoices):
        HIGH = "high", _("Very relevant to my work")
        SOME = "some", _("Somewhat relevant")
        LOW = "low", _("Not relevant")

    # Ratings of this value or more count as "rating well" in monitoring.
    GOOD_RATING = 4

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="survey"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    quality = models.PositiveSmallIntegerField(
        _("quality"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    effectiveness = models.PositiveSmallIntegerField(
        _("effectiveness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    relevance = models.CharField(
        _("relevance to your work"), max_length=10, choices=Relevance.choices
    )
    comments = models.TextField(_("comments"), blank=True, validators=[validate_no_markup])
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["course", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    quality__gte=1, quality__lte=5, effectiveness__gte=1, effectiveness__lte=5
                ),
                name="elearning_survey_ratings_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.quality}/{self.effectiveness}"


# --- Alumni ---------------------------------------------------------------------------------------
class Alumnus(models.Model):
    """A former participant of a course, fellowship, workshop or project.

    Created on course completion for people with an account, or imported by staff (CSV) for
    offline activities; an import whose email matches an account is linked to it. Only those who
    opt in appear in the public directory.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alumnus",
    )
    full_name = models.CharField(_("full name"), max_length=200, validators=[validate_no_markup])
    email = models.EmailField(_("email address"), unique=True)
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    position = models.CharField(
        _("position"), max_length=200, blank=True, validators=[validate_no_markup]
    )
    expertise = models.ManyToManyField(
        "vocabularies.ThematicArea", verbose_name=_("expertise"), related_name="+", blank=True
    )
    expertise_note = models.CharField(
        _("expertise in your words"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    languages = models.ManyToManyField(
        "vocabularies.Language", verbose_name=_("languages spoken"), related_name="+", blank=True
    )
    bio = models.TextField(_("about me"), blank=True, validators=[validate_no_markup])
    in_directory = models.BooleanField(
        _("show me in the alumni directory"),
        default=False,
        help_text=_("Other signed-in people may see your name, country, expertise and languages."),
    )
    # Last time the person used the portal as an alumnus (signed in, posted, learned).
    last_active_at = models.DateTimeField(_("last active at"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("alumnus")
        verbose_name_plural = _("alumni")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["in_directory", "country"]),
            models.Index(fields=["last_active_at"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        return bool(
            self.last_active_at
            and self.last_active_at >= timezone.now() - timedelta(days=ACTIVE_ALUMNI_DAYS)
        )


class Participation(models.Model):
    """One activity an alumnus took part in."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        FELLOWSHIP = "fellowship", _("Fellowship or exchange")
        WORKSHOP = "workshop", _("Workshop")
        PROJECT = "project", _("Project")
        OTHER = "other", _("Other activity")

    alumnus = models.ForeignKey(
        Alumnus, verbose_name=_("alumnus"), on_delete=models.CASCADE, related_name="participations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    activity = models.CharField(_("activity"), max_length=300, validators=[validate_no_markup])
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("held in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported = models.BooleanField(_("imported"), default=False, editable=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["-year", "activity"]
        indexes = [models.Index(fields=["kind", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["alumnus", "kind", "activity", "year"], name="elearning_one_participation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.year})"


# --- Communities of practice ---------------------------------------------------------------------
class Community(models.Model):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_no_markup])
    description = models.TextField(_("description"), validators=[validate_no_markup])
    thematic_area = models.ForeignKey(
        "vocabularies.ThematicArea",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    targets = models.ManyToManyField(
        "vocabularies.GBFTarget", verbose_name=_("GBF targets"), related_name="+", blank=True
    )
    is_open = models.BooleanField(
        _("open to everyone"),
        default=True,
        help_text=_("Anyone signed in may join; otherwise a moderator adds members."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Kept by the posting services: "active" communities and the list's order need no join.
    last_post_at = models.DateTimeField(_("last post at"), null=True, blank=True, db_index=True)
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)

    class Meta:
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("elearning:community_detail", args=[self.slug])

    @property
    def is_active(self) -> bool:
        return bool(
            self.last_post_at
            and self.last_post_at >= timezone.now() - timedelta(days=ACTIVE_COMMUNITY_DAYS)
        )


class CommunityMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    notify = models.BooleanField(
        _("email me about new threads and replies"),
        default=True,
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("community membership")
        verbose_name_plural = _("community memberships")
        ordering = ["community", "-joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="elearning_one_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.community}"


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Thread(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="threads"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    title = models.CharField(_("subject"), max_length=200, validators=[validate_no_markup])
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.VISIBLE
    )
    is_locked = models.BooleanField(_("closed to replies"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_post_at = models.DateTimeField(_("last post at"), default=timezone.now)
    reply_count = models.PositiveIntegerField(_("replies"), default=0, editable=False)

    class Meta:
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        ordering = ["-is_pinned", "-last_post_at"]
        indexes = [models.Index(fields=["community", "status", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("elearning:thread_detail", args=[self.community.slug, self.pk])


class Post(models.Model):
    """A message of a thread; the first one opens it."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("message"), validators=[validate_no_markup])
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.VISIBLE
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.CharField(
        _("reason"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    flag_count = models.PositiveSmallIntegerField(_("reports"), default=0, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "created_at", "pk"]
        indexes = [models.Index(fields=["thread", "status", "created_at"])]

    def __str__(self) -> str:
        return self.body[:80]


class PostFlag(models.Model):
    """A member's report of a post to the moderators."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, validators=[validate_no_markup])
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report of a post")
        verbose_name_plural = _("reports of posts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="elearning_one_flag_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.reason}"
