"""API of learning, mounted at /api/v1/ by ``api/urls.py``; everything here is the signed-in
person's own (anonymous requests are refused, 403).

- ``/my/enrolments/``: list and read one's enrolments with their progress; ``POST {"course": id}``
  enrols (again: harmless); ``POST {id}/withdraw/``; ``GET {id}/progress/`` (each lesson: seen,
  done); ``POST {id}/lessons/{lesson_id}/seen/`` and ``.../done/``; ``GET``/``POST {id}/survey/``.
- ``/my/certificates/``: one's certificates, with the PDF and the public verification links.
- ``/quiz-attempts/``: one's attempts; ``POST {"quiz": id}`` starts one (or gives back the one
  started and not submitted) with its questions; ``POST {id}/submit/ {"answers": {"<question
  id>": [<answer id>, ...]}}`` scores it and gives the feedback of each answer chosen.

Errors keep their meaning: someone else's enrolment, attempt or certificate is 404 (they are not
in one's lists); a course or quiz one may not see is 404; a refusal of the rules (enrolment
closed, not one's own) 403; invalid input, or an action the state does not allow (quiz passed, no
attempt left, survey answered), 400 with a translated message. Writes go through
``elearning.services.learning`` and ``elearning.services.quizzes``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin
from chm_portal.core.api.serializers import StrictSerializer

from ..models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    Question,
    Quiz,
    QuizAttempt,
    SurveyResponse,
)
from ..selectors import learning as selectors
from ..services import learning as services
from ..services import quizzes as quiz_services

S = EnrolmentStatus


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


class LearningErrorsMixin(ServiceErrorsMixin):
    """The services' errors over HTTP; errors about one question of a quiz are under
    ``answers`` (their messages name the question)."""

    def api_field_name(self, name: str) -> str:
        if name.startswith("question_"):
            return "answers"
        return super().api_field_name(name)


# --- Output ---------------------------------------------------------------------------------------
class CourseReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    provider = serializers.CharField(source="provider.name", read_only=True)
    page_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, course: Course) -> str:
        return _absolute(self, course.get_absolute_url())


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(read_only=True)


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate of completion as issued (name, course and provider copied then)."""

    course = serializers.IntegerField(source="enrolment.course_id", read_only=True)
    revoked = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "learner_name",
            "course",
            "course_title",
            "provider_name",
            "issued_at",
            "revoked",
            "revoked_at",
            "verify_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_revoked(self, certificate: Certificate) -> bool:
        return certificate.revoked_at is not None

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, certificate: Certificate) -> str:
        return _absolute(self, reverse("certificates:verify", args=[certificate.code]))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if certificate.revoked_at is not None:
            return None
        return _absolute(self, reverse("elearning:certificate_pdf", args=[certificate.pk]))


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["quality", "effectiveness", "relevance", "comments", "submitted_at"]
        read_only_fields = fields


def _one(obj: Any, name: str) -> Any:
    """A reverse one-to-one (certificate, survey) or None when there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


class EnrolmentSerializer(serializers.ModelSerializer):
    """One of the person's enrolments, with the progress (required lessons and quizzes done)."""

    course = CourseReferenceSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.SerializerMethodField()
    resume_url = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    survey_answered = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "status",
            "status_label",
            "enrolled_at",
            "completed_at",
            "withdrawn_at",
            "progress",
            "resume_url",
            "certificate",
            "survey_answered",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, enrolment: Enrolment) -> dict[str, int]:
        total = getattr(enrolment, "lessons_total", 0)
        done = getattr(enrolment, "lessons_done", 0)
        percent = 100 if enrolment.status == S.COMPLETED else selectors.percent(done, total)
        return {"done": done, "total": total, "percent": percent}

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_resume_url(self, enrolment: Enrolment) -> str | None:
        if enrolment.status not in services.LEARNING_STATUSES:
            return None
        return _absolute(self, reverse("elearning:course_learn", args=[enrolment.course_id]))

    @extend_schema_field(CertificateSerializer(allow_null=True))
    def get_certificate(self, enrolment: Enrolment) -> dict | None:
        certificate = _one(enrolment, "certificate")
        if certificate is None:
            return None
        certificate.enrolment = enrolment
        return CertificateSerializer(certificate, context=self.context).data

    def get_survey_answered(self, enrolment: Enrolment) -> bool:
        return _one(enrolment, "survey") is not None


class LessonProgressSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson.pk")
    title = serializers.CharField(source="lesson.title")
    kind = serializers.CharField(source="lesson.kind")
    required = serializers.BooleanField(source="lesson.required")
    module = serializers.CharField(source="lesson.module.title")
    last_seen_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class ChoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOutputSerializer(serializers.Serializer):
    """A question to answer: its answers without saying which are correct."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField(help_text=_("“single”: one answer; “multiple”: several answers."))
    choices = ChoiceOutputSerializer(many=True, source="choices.all")


class ChosenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    feedback = serializers.CharField()


class FeedbackSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    correct = serializers.BooleanField(source="is_correct")
    chosen = ChosenSerializer(many=True)


class QuizAttemptSerializer(serializers.ModelSerializer):
    """An attempt: its result once submitted."""

    lesson = serializers.IntegerField(source="quiz.lesson_id", read_only=True)
    course = serializers.IntegerField(source="enrolment.course_id", read_only=True)
    pass_mark = serializers.IntegerField(source="quiz.pass_mark", read_only=True)
    attempts_allowed = serializers.IntegerField(
        source="quiz.max_attempts", read_only=True, allow_null=True
    )

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "quiz",
            "lesson",
            "course",
            "number",
            "started_at",
            "submitted_at",
            "score",
            "passed",
            "pass_mark",
            "attempts_allowed",
        ]
        read_only_fields = fields


class QuizAttemptDetailSerializer(QuizAttemptSerializer):
    """An attempt with its questions (to answer) or, once submitted, the feedback of each
    answer chosen."""

    questions = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta(QuizAttemptSerializer.Meta):
        fields = [*QuizAttemptSerializer.Meta.fields, "questions", "feedback"]
        read_only_fields = fields

    @extend_schema_field(QuestionOutputSerializer(many=True))
    def get_questions(self, attempt: QuizAttempt) -> list[dict]:
        questions = Question.objects.filter(quiz_id=attempt.quiz_id).prefetch_related("choices")
        return QuestionOutputSerializer(questions.order_by("position", "pk"), many=True).data

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_feedback(self, attempt: QuizAttempt) -> list[dict]:
        if attempt.submitted_at is None:
            return []
        return FeedbackSerializer(selectors.attempt_feedback(attempt), many=True).data


# --- Input ----------------------------------------------------------------------------------------
class EnrolInputSerializer(StrictSerializer):
    course = serializers.IntegerField(help_text=_("Id of the course to enrol in."))


class StartAttemptSerializer(StrictSerializer):
    quiz = serializers.IntegerField(help_text=_("Id of the quiz to answer."))


class SubmitAttemptSerializer(StrictSerializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), allow_empty=True),
        help_text=_("Question id → the ids of the answers chosen (one for a single-choice one)."),
    )


class SurveyInputSerializer(StrictSerializer):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    effectiveness = serializers.IntegerField(min_value=1, max_value=5)
    relevance = serializers.ChoiceField(choices=SurveyResponse.Relevance.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class EnrolmentFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=[(value, label) for value, label in S.choices if value != S.INVITED],
        help_text=_("In progress, completed or withdrawn (several allowed)."),
    )

    class Meta:
        model = Enrolment
        fields = ["status"]


# --- Viewsets -------------------------------------------------------------------------------------
ERRORS = {
    400: OpenApiResponse(description="Invalid input, or not possible in the current state."),
    403: OpenApiResponse(description="Not signed in, or not allowed by the rules."),
    404: OpenApiResponse(description="Not one of the person's own, or no such course or quiz."),
}


@extend_schema_view(
    list=extend_schema(summary="My enrolments, the newest first, with progress"),
    retrieve=extend_schema(summary="One of my enrolments"),
    create=extend_schema(
        summary="Enrol in a course",
        request=EnrolInputSerializer,
        responses={201: EnrolmentSerializer, 200: EnrolmentSerializer, **ERRORS},
    ),
)
class EnrolmentViewSet(
    LearningErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in person's enrolments (invitations not yet accepted left out)."""

    serializer_class = EnrolmentSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = EnrolmentFilterSet
    queryset = Enrolment.objects.none()  # for the schema; get_queryset gives each person theirs

    def get_queryset(self) -> QuerySet[Enrolment]:
        return selectors.my_enrolments(self.request.user)

    def _respond(self, enrolment: Enrolment, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.my_enrolments(self.request.user, statuses=S.values).get(pk=enrolment.pk)
        return Response(
            EnrolmentSerializer(fresh, context=self.get_serializer_context()).data, code
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EnrolInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = Course.objects.filter(pk=serializer.validated_data["course"]).first()
        if course is None or not request.user.has_perm("elearning.view_course", course):
            raise NotFound(_("No such course."))
        already = Enrolment.objects.filter(
            course=course, user=request.user, status__in=services.COUNTED_STATUSES
        ).exists()
        enrolment = services.enrol(course=course, user=request.user)
        return self._respond(enrolment, status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw from a course",
        request=None,
        responses={200: EnrolmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        enrolment = self.get_object()
        services.withdraw(enrolment=enrolment, user=request.user)
        return self._respond(enrolment)

    @extend_schema(
        summary="Each lesson of the course in order, with when I saw it and finished it",
        responses={200: LessonProgressSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def progress(self, request: Request, pk: str) -> Response:
        enrolment = self.get_object()
        lessons = selectors.course_lessons(enrolment.course_id)
        progress = selectors.progress_of(enrolment)
        rows = [
            {
                "lesson": lesson,
                "last_seen_at": getattr(progress.get(lesson.pk), "last_seen_at", None),
                "completed_at": getattr(progress.get(lesson.pk), "completed_at", None),
            }
            for lesson in lessons
        ]
        return Response(LessonProgressSerializer(rows, many=True).data)

    def _lesson(self, enrolment: Enrolment, lesson_id: str) -> Lesson:
        lesson = Lesson.objects.filter(pk=lesson_id, course_id=enrolment.course_id).first()
        if lesson is None:
            raise NotFound(_("No such lesson in this course."))
        return lesson

    @extend_schema(
        summary="Record that I opened a lesson (resume where I left off)",
        request=None,
        responses={204: None, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"lessons/(?P<lesson_id>[0-9]+)/seen")
    def lesson_seen(self, request: Request, pk: str, lesson_id: str) -> Response:
        enrolment = self.get_object()
        services.record_lesson_seen(
            enrolment=enrolment, lesson=self._lesson(enrolment, lesson_id), user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Mark a lesson done (quizzes are done by passing them)",
        request=None,
        responses={200: EnrolmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"lessons/(?P<lesson_id>[0-9]+)/done")
    def lesson_done(self, request: Request, pk: str, lesson_id: str) -> Response:
        enrolment = self.get_object()
        services.complete_lesson(
            enrolment=enrolment, lesson=self._lesson(enrolment, lesson_id), user=request.user
        )
        return self._respond(enrolment)

    @extend_schema(
        methods=["GET"],
        summary="My answers to the survey of a completed course",
        responses={200: SurveySerializer, 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary="Answer the survey of a completed course (once)",
        request=SurveyInputSerializer,
        responses={201: SurveySerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def survey(self, request: Request, pk: str) -> Response:
        enrolment = self.get_object()
        if request.method == "GET":
            response = _one(enrolment, "survey")
            if response is None:
                raise NotFound(_("The survey of this course is not answered yet."))
            return Response(SurveySerializer(response).data)
        data = SurveyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.answer_survey(
            enrolment=enrolment, user=request.user, **data.validated_data
        )
        return Response(SurveySerializer(response).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="My certificates of completion"),
    retrieve=extend_schema(summary="One of my certificates"),
)
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """Certificates issued to the signed-in person (revoked ones say so)."""

    serializer_class = CertificateSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Certificate.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Certificate]:
        return selectors.my_certificates(self.request.user).order_by("-issued_at", "-pk")


@extend_schema_view(
    list=extend_schema(summary="My quiz attempts"),
    retrieve=extend_schema(
        summary="One of my attempts: its questions, or its result and feedback",
        responses={200: QuizAttemptDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Start an attempt at a quiz (or get the one started and not submitted)",
        request=StartAttemptSerializer,
        responses={201: QuizAttemptDetailSerializer, **ERRORS},
    ),
)
class QuizAttemptViewSet(
    LearningErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in person's quiz attempts."""

    serializer_class = QuizAttemptSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = QuizAttempt.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[QuizAttempt]:
        return (
            QuizAttempt.objects.filter(enrolment__user=self.request.user)
            .select_related("quiz", "enrolment")
            .order_by("-started_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action in ("retrieve", "create", "submit"):
            return QuizAttemptDetailSerializer
        return QuizAttemptSerializer

    def _respond(self, attempt: QuizAttempt, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=attempt.pk)
        return Response(
            QuizAttemptDetailSerializer(fresh, context=self.get_serializer_context()).data, code
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = StartAttemptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quiz = (
            Quiz.objects.select_related("lesson__course")
            .filter(pk=serializer.validated_data["quiz"])
            .first()
        )
        if quiz is None or not request.user.has_perm("elearning.view_course", quiz.lesson.course):
            raise NotFound(_("No such quiz."))
        enrolment = selectors.enrolment_of(user=request.user, course_id=quiz.lesson.course_id)
        if enrolment is None:
            raise serializers.ValidationError(
                {"quiz": [_("Enrol in the course before answering its quizzes.")]}
            )
        attempt = quiz_services.start_attempt(enrolment=enrolment, quiz=quiz, user=request.user)
        return self._respond(attempt, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit the answers of an attempt; gives the score and the feedback",
        request=SubmitAttemptSerializer,
        responses={200: QuizAttemptDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        attempt = self.get_object()
        serializer = SubmitAttemptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quiz_services.submit_attempt(
            attempt=attempt, answers=serializer.validated_data["answers"], user=request.user
        )
        return self._respond(attempt)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [
    ("my/enrolments", EnrolmentViewSet, "my-enrolment"),
    ("my/certificates", CertificateViewSet, "my-certificate"),
    ("quiz-attempts", QuizAttemptViewSet, "quiz-attempt"),
]
