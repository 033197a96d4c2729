"""The admin of the course catalogue and of learning: courses and their modules, lessons and
quizzes; cohorts and invitations; enrolments with their progress, quiz attempts, certificates and
survey answers.

- **Content** (courses, modules, lessons, quizzes, questions) is edited with the translated fields
  of modeltranslation, as in the partners' admin. Rich text (syllabus, lesson text) is sanitised
  when saved, as the authoring services do; a lesson's course is its module's. Whether a course
  may be changed is the rule ``elearning.change_course`` (a course in review is frozen).
- **Status** is read-only: authors submit a course on the portal and its publication is decided
  by a quality review (``chm_portal.quality``); the course's page links to its latest review.
- **What learners did** (enrolments, progress, attempts, certificates, survey answers) is read-only:
  it is written by the learning services. A certificate may be revoked, with a reason asked on an
  intermediate page, through ``elearning.services.certificates.revoke_certificate``.

Every list shows its related rows with ``list_select_related`` (or denormalised columns), so
that its query count does not grow with the page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from chm_portal.core import admin_tools
from chm_portal.core.admin_tools import ReadOnlyAdminMixin, RegionFilter, error_text
from chm_portal.core.richtext import is_embeddable_video, sanitise_html
from chm_portal.core.validators import upload_validator
from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.translation import translation_field_names

from ..models import (
    AttemptAnswer,
    Certificate,
    Choice,
    Cohort,
    Course,
    CourseInvitation,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    QuizAttempt,
    SurveyResponse,
)
from ..services.authoring import (
    ALLOWED_ATTACHMENTS,
    ALLOWED_IMAGES,
    MAX_ATTACHMENT_SIZE,
    MAX_IMAGE_SIZE,
)

ACTION_FORM_TEMPLATE = "admin/action_form.html"


def _course_search_fields(prefix: str = "") -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in translation_field_names("title"))


def _sanitise_translations(obj, field_name: str) -> None:
    """Sanitise every language's column of a rich-text field (``syllabus_en``, ``body_fr``...)."""
    for name in translation_field_names(field_name):
        value = getattr(obj, name, None)
        if value:
            setattr(obj, name, sanitise_html(value))


class ReadOnlyInline(admin_tools.ReadOnlyInline):
    """Rows shown on their parent's page: whoever may see the parent sees them (the help desk
    sees an enrolment's progress without a permission on progress rows)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class CourseContentPermissionMixin:
    """Course content is changed by whoever may change its course (``elearning.change_course``:
    the provider's members while the course is not in review or archived, site administrators);
    staff with the model permission only see it."""

    def course_of(self, obj) -> Course | None:
        raise NotImplementedError

    def _may_change_course(self, request, obj) -> bool:
        if obj is None:
            return True
        course = self.course_of(obj)
        return course is None or request.user.has_perm("elearning.change_course", course)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change_course(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change_course(request, obj)


# --- Filters ------------------------------------------------------------------------------------
class ProviderRegionFilter(RegionFilter):
    title = _("provider's region")
    parameter_name = "provider_region"
    country_field = "provider__country"


class LearnerRegionFilter(RegionFilter):
    title = _("learner's region")
    parameter_name = "region"
    country_field = "country"


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("accepted", _("Accepted")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "open": lambda: queryset.filter(accepted_at__isnull=True, expires_at__gt=now),
            "accepted": lambda: queryset.filter(accepted_at__isnull=False),
            "expired": lambda: queryset.filter(accepted_at__isnull=True, expires_at__lte=now),
        }.get(self.value(), lambda: queryset)()


class RevokedFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("Valid")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


# --- Courses ------------------------------------------------------------------------------------
class ModuleInline(TranslationTabularInline):
    model = Module
    fields = ("title", "position")
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(
    admin_tools.ConflictCheckAdminMixin, CourseContentPermissionMixin, TranslationAdmin
):
    list_display = (
        "title",
        "provider",
        "format",
        "level",
        "status",
        "enrolment_count",
        "published_at",
    )
    list_filter = (
        "status",
        "format",
        "level",
        "certificate_offered",
        "language",
        ProviderRegionFilter,
    )
    list_select_related = ("provider",)
    search_fields = (
        *_course_search_fields(),
        *(f"provider__{name}" for name in translation_field_names("name")),
        "provider__acronym",
    )
    autocomplete_fields = ("provider", "languages", "targets", "thematic_areas")
    date_hierarchy = "created_at"
    # The admin saves the image itself (not through the authoring service that checks it).
    formfield_overrides = {
        models.ImageField: {
            "validators": [upload_validator(allowed=ALLOWED_IMAGES, max_size=MAX_IMAGE_SIZE)]
        }
    }
    readonly_fields = (
        "status",
        "quality_review",
        "submitted_at",
        "published_at",
        "archived_at",
        "enrolment_count",
        "completion_count",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("provider", "language", "title", "summary", "syllabus")}),
        (
            _("Catalogue"),
            {
                "fields": (
                    "languages",
                    "targets",
                    "thematic_areas",
                    ("format", "level"),
                    "estimated_hours",
                    "certificate_offered",
                    "image",
                )
            },
        ),
        (
            _("Enrolment"),
            {"fields": ("enrolment_mode", ("starts_on", "ends_on"), "enrolment_closes_on")},
        ),
        (
            _("Publication"),
            {
                "fields": (
                    "status",
                    "quality_review",
                    "submitted_at",
                    "published_at",
                    "archived_at",
                    ("enrolment_count", "completion_count"),
                )
            },
        ),
        (
            _("Record"),
            {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )
    inlines = (ModuleInline,)
    actions = ["archive"]

    def course_of(self, obj) -> Course:
        return obj

    def has_archive_permission(self, request) -> bool:
        # Content reviewers and site administrators; the service checks each course.
        return request.user.has_perm("elearning.change_course") or request.user.has_perm(
            "elearning.review_course"
        )

    @admin.action(description=_("Archive the selected courses"), permissions=["archive"])
    def archive(self, request, queryset: QuerySet[Course]) -> None:
        """Through ``elearning.services.authoring.archive_course``, one course at a time: only
        published courses are archived; the others are reported."""
        from ..services.authoring import archive_course

        done = 0
        for course in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    archive_course(course=course, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{course}: {error_text(exc)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d course archived.", "%(count)d courses archived.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj) and (
            obj is None or request.user.has_perm("elearning.delete_course", obj)
        )

    @admin.display(description=_("quality review"))
    def quality_review(self, course: Course) -> str:
        """The course's latest review, on the portal's review page (publication is decided
        there, not here)."""
        if not course.pk:
            return "-"
        review = (
            QualityReview.objects.filter(
                content_type=ContentType.objects.get_for_model(Course), object_id=course.pk
            )
            .order_by("-requested_at", "-pk")
            .first()
        )
        if review is None:
            return gettext(
                "Not reviewed yet: the course is published once a content reviewer has checked "
                "it against the quality standards, after its team submits it."
            )
        try:
            url = reverse("quality:review", args=[review.pk])
        except NoReverseMatch:
            url = reverse("admin:quality_qualityreview_change", args=[review.pk])
        return format_html(
            '{} <a href="{}">{}</a>', review.get_status_display(), url, gettext("Open the review")
        )

    def save_model(self, request, obj: Course, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        _sanitise_translations(obj, "syllabus")
        super().save_model(request, obj, form, change)


# --- Modules and lessons --------------------------------------------------------------------------
class LessonInline(TranslationTabularInline):
    model = Lesson
    fields = ("title", "kind", "position", "required", "estimated_minutes")
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(CourseContentPermissionMixin, TranslationAdmin):
    list_display = ("title", "course", "position")
    list_select_related = ("course",)
    search_fields = (*_course_search_fields(), *_course_search_fields("course__"))
    autocomplete_fields = ("course",)
    fields = ("course", "title", "summary", "position")
    inlines = (LessonInline,)

    def course_of(self, obj) -> Course:
        return obj.course

    def get_readonly_fields(self, request, obj=None):
        # A module stays in its course: its lessons and the learners' progress belong there.
        return ("course",) if obj is not None else ()

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not Lesson:
            return super().save_formset(request, form, formset, change)
        lessons = formset.save(commit=False)
        for lesson in formset.deleted_objects:
            lesson.delete()
        for lesson in lessons:
            # Denormalised: a lesson's course is its module's.
            lesson.course_id = form.instance.course_id
            lesson.save()
        formset.save_m2m()
        return None


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        # The admin gives the fields (with their translations); these are the defaults.
        fields = ("module", "kind", "title", "body", "video_url")

    def clean_video_url(self) -> str:
        url = self.cleaned_data.get("video_url") or ""
        if url and not is_embeddable_video(url):
            raise ValidationError(
                _("Give the address of a YouTube or Vimeo video."), code="video_url"
            )
        return url


@admin.register(Lesson)
class LessonAdmin(CourseContentPermissionMixin, TranslationAdmin):
    form = LessonAdminForm
    list_display = ("title", "module", "course", "kind", "position", "required")
    list_filter = ("kind", "required")
    list_select_related = ("module", "course")
    search_fields = (*_course_search_fields(), *_course_search_fields("course__"))
    autocomplete_fields = ("module", "resources")
    readonly_fields = ("course",)
    # The admin saves the attachment itself (not through the authoring service that checks it).
    formfield_overrides = {
        models.FileField: {
            "validators": [
                upload_validator(allowed=ALLOWED_ATTACHMENTS, max_size=MAX_ATTACHMENT_SIZE)
            ]
        }
    }
    fields = (
        "course",
        "module",
        "kind",
        "title",
        "body",
        "video_url",
        "resources",
        "attachment",
        ("position", "required", "estimated_minutes"),
    )

    def course_of(self, obj) -> Course:
        return obj.course

    def save_model(self, request, obj: Lesson, form, change: bool) -> None:
        # Denormalised: a lesson's course is its module's (a module of another course was refused
        # by the model's check when the lesson had a course already).
        obj.course_id = obj.module.course_id
        _sanitise_translations(obj, "body")
        super().save_model(request, obj, form, change)


# --- Quizzes ------------------------------------------------------------------------------------
class QuestionInline(TranslationTabularInline):
    model = Question
    fields = ("text", "kind", "position")
    extra = 0
    show_change_link = True


class QuizAdminForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ("lesson", "pass_mark", "max_attempts")

    def clean_lesson(self):
        lesson = self.cleaned_data.get("lesson")
        if lesson is not None and lesson.kind != Lesson.Kind.QUIZ:
            raise ValidationError(
                _("Choose a lesson of the kind “quiz”: a quiz is the content of a quiz lesson."),
                code="not_quiz",
            )
        return lesson


@admin.register(Quiz)
class QuizAdmin(CourseContentPermissionMixin, admin.ModelAdmin):
    form = QuizAdminForm
    list_display = ("lesson", "course", "pass_mark", "max_attempts", "questions")
    list_select_related = ("lesson__course",)
    search_fields = (
        *_course_search_fields("lesson__"),
        *_course_search_fields("lesson__course__"),
    )
    autocomplete_fields = ("lesson",)
    fields = ("lesson", "pass_mark", "max_attempts")
    inlines = (QuestionInline,)

    def course_of(self, obj) -> Course:
        return obj.lesson.course

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    def get_readonly_fields(self, request, obj=None):
        return ("lesson",) if obj is not None else ()

    @admin.display(description=_("course"), ordering="lesson__course")
    def course(self, quiz: Quiz) -> Course:
        return quiz.lesson.course

    @admin.display(description=_("questions"), ordering="question_total")
    def questions(self, quiz: Quiz) -> int:
        return quiz.question_total


class ChoiceFormSet(forms.BaseInlineFormSet):
    """A question needs a correct answer; a single-choice question exactly one."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        correct = sum(1 for form in kept if form.cleaned_data.get("is_correct"))
        if not kept:
            return
        if correct == 0:
            raise ValidationError(_("Mark at least one answer as correct."), code="no_correct")
        if self.instance.kind == Question.Kind.SINGLE and correct > 1:
            raise ValidationError(
                _("A question with one answer has exactly one correct answer."),
                code="several_correct",
            )


class ChoiceInline(TranslationStackedInline):
    model = Choice
    formset = ChoiceFormSet
    fields = (("is_correct", "position"), "text", "feedback")
    extra = 0


@admin.register(Question)
class QuestionAdmin(CourseContentPermissionMixin, TranslationAdmin):
    list_display = ("__str__", "quiz", "kind", "position")
    list_filter = ("kind",)
    list_select_related = ("quiz__lesson",)
    search_fields = translation_field_names("text")
    autocomplete_fields = ("quiz",)
    fields = ("quiz", "text", "kind", "position")
    inlines = (ChoiceInline,)

    def course_of(self, obj) -> Course:
        return obj.quiz.lesson.course

    def get_readonly_fields(self, request, obj=None):
        return ("quiz",) if obj is not None else ()


# --- Cohorts and invitations --------------------------------------------------------------------
@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "course", "starts_on", "ends_on", "learners", "created_at")
    list_select_related = ("course",)
    search_fields = ("name", *_course_search_fields("course__"))
    autocomplete_fields = ("course",)
    readonly_fields = ("created_by", "created_at")
    fields = ("course", "name", ("starts_on", "ends_on"), "created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(learner_total=Count("enrolments"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("course", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("learners"), ordering="learner_total")
    def learners(self, cohort: Cohort) -> int:
        return cohort.learner_total

    def save_model(self, request, obj: Cohort, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CourseInvitation)
class CourseInvitationAdmin(admin.ModelAdmin):
    """Invitations the course teams sent (on the portal); looked at here. The link's token is a
    secret and is not shown."""

    list_display = (
        "email",
        "course",
        "cohort",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
    )
    list_filter = (InvitationStateFilter,)
    list_select_related = ("course", "cohort", "invited_by")
    search_fields = ("email", *_course_search_fields("course__"))
    date_hierarchy = "created_at"
    fields = (
        "course",
        "cohort",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, invitation: CourseInvitation) -> str:
        if invitation.accepted_at:
            return gettext("Accepted")
        if invitation.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("Open")


# --- Enrolments and what learners did ---------------------------------------------------------
class ProgressInline(ReadOnlyInline):
    model = LessonProgress
    fields = readonly_fields = ("lesson", "last_seen_at", "completed_at")
    verbose_name_plural = _("progress per lesson")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("lesson")
            .order_by("lesson__module__position", "lesson__position", "lesson_id")
        )


class AttemptInline(ReadOnlyInline):
    model = QuizAttempt
    fields = readonly_fields = ("quiz", "number", "submitted_at", "score", "passed")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quiz__lesson")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who learns what: written by the learning services (enrolment, invitations, progress,
    completion); read-only here."""

    list_display = (
        "user",
        "learner_email",
        "course",
        "status",
        "country",
        "enrolled_at",
        "completed_at",
    )
    list_filter = ("status", "course__format", LearnerRegionFilter)
    list_select_related = ("user", "course", "country")
    search_fields = ("user__email", "user__full_name", *_course_search_fields("course__"))
    date_hierarchy = "enrolled_at"
    fields = (
        "user",
        "course",
        "cohort",
        "status",
        "country",
        "enrolled_at",
        "completed_at",
        "withdrawn_at",
        "certificate_link",
    )
    readonly_fields = fields
    inlines = (ProgressInline, AttemptInline)

    @admin.display(description=_("email address"), ordering="user__email")
    def learner_email(self, enrolment: Enrolment) -> str:
        return enrolment.user.email

    @admin.display(description=_("certificate"))
    def certificate_link(self, enrolment: Enrolment) -> str:
        certificate = Certificate.objects.filter(enrolment=enrolment).first()
        if certificate is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:elearning_certificate_change", args=[certificate.pk]),
            certificate.code,
        )


class AnswerInline(ReadOnlyInline):
    model = AttemptAnswer
    fields = readonly_fields = ("question", "answers_chosen", "is_correct")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("choices")

    @admin.display(description=_("answers chosen"))
    def answers_chosen(self, answer: AttemptAnswer) -> str:
        return format_html_join(", ", "{}", ((choice.text,) for choice in answer.choices.all()))


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("learner", "quiz", "number", "score", "passed", "submitted_at")
    list_filter = ("passed",)
    list_select_related = ("enrolment__user", "quiz__lesson")
    search_fields = ("enrolment__user__email", *_course_search_fields("quiz__lesson__course__"))
    date_hierarchy = "started_at"
    fields = ("enrolment", "quiz", "number", "started_at", "submitted_at", "score", "passed")
    readonly_fields = fields
    inlines = (AnswerInline,)

    @admin.display(description=_("learner"), ordering="enrolment__user__email")
    def learner(self, attempt: QuizAttempt):
        return attempt.enrolment.user


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the certificates revoked?"),
        max_length=Certificate._meta.get_field("revocation_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The public verification page shows this reason."),
    )


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Certificates issued on completion: read-only; the help desk may revoke them."""

    list_display = (
        "code",
        "learner_name",
        "course_title",
        "provider_name",
        "issued_at",
        "is_valid",
    )
    list_filter = (RevokedFilter,)
    search_fields = ("code", "learner_name", "course_title", "enrolment__user__email")
    date_hierarchy = "issued_at"
    fields = (
        "code",
        "enrolment",
        "learner_name",
        "course_title",
        "provider_name",
        "issued_at",
        "revoked_at",
        "revocation_reason",
        "verification_link",
    )
    readonly_fields = fields
    actions = ["revoke"]

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("elearning.change_certificate")

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def is_valid(self, certificate: Certificate) -> bool:
        return certificate.revoked_at is None

    @admin.display(description=_("public verification page"))
    def verification_link(self, certificate: Certificate) -> str:
        try:
            url = certificate.get_absolute_url()
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Revoke…"), permissions=["revoke"])
    def revoke(self, request, queryset: QuerySet[Certificate]):
        """Asks for the reason first, on an intermediate page that keeps the selection."""
        form = RevocationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            # Written by the certificates' services; imported when used.
            from ..services.certificates import revoke_certificate

            reason = form.cleaned_data["reason"]
            done = 0
            for certificate in queryset.order_by("pk"):
                try:
                    with transaction.atomic():
                        revoke_certificate(certificate=certificate, by=request.user, reason=reason)
                except (PermissionDenied, ValidationError) as exc:
                    self.message_user(
                        request, f"{certificate}: {error_text(exc)}", messages.WARNING
                    )
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d certificate revoked.", "%(count)d certificates revoked.", done
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Revoke certificates"),
            "opts": self.model._meta,
            "form": form,
            "objects": list(queryset.order_by("pk")),
            "action": "revoke",
            "submit_label": gettext("Revoke the certificates"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What learners thought of the courses they completed (monitoring counts the share rating
    quality and effectiveness 4 or 5)."""

    list_display = (
        "course",
        "quality",
        "effectiveness",
        "relevance",
        "short_comments",
        "submitted_at",
    )
    list_filter = (
        "quality",
        "effectiveness",
        "relevance",
        ("course", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("course",)
    search_fields = ("comments", *_course_search_fields("course__"))
    date_hierarchy = "submitted_at"
    fields = (
        "course",
        "enrolment",
        "quality",
        "effectiveness",
        "relevance",
        "comments",
        "submitted_at",
    )
    readonly_fields = fields

    @admin.display(description=_("comments"))
    def short_comments(self, response: SurveyResponse) -> str:
        text = response.comments
        return text if len(text) <= 80 else f"{text[:79]}…"
