"""API of pilot projects and success stories, mounted at /api/v1/ by ``api/urls.py``.

``/projects/``: everyone lists and reads what they may see of projects (the public part of
public projects; budget, agreement and reporting for the sides and the help desk); a side or the
help desk launches one from an agreed match (``POST``), changes it (``PATCH``), moves it along
(``POST {id}/status/``), reports progress (``GET``/``POST {id}/reports/``) and evaluates it
(``GET``/``POST {id}/evaluations/``). ``/success-stories/`` lists the published stories.

Errors keep their meaning: a project one may not see is 404, an action one may not do 403,
invalid or unknown fields 400, and an action the project's status no longer allows (someone
acted first) 409. Writes go through ``matchmaking.services.projects``.
"""

from __future__ import annotations

from typing import Any

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
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin
from chm_portal.core.api.serializers import StrictSerializer as BaseStrictSerializer

from ..forms.projects import ProjectFilterSet
from ..models import Match, ProgressReport, Project, ProjectEvaluation, SuccessStory
from ..selectors import projects as selectors
from ..selectors.projects import ReportFlag
from ..services import projects as services

S = Project.Status

# Fields only the sides and the help desk (``matchmaking.view_project_private``) receive.
PRIVATE_FIELDS = (
    "budget",
    "cofinancing",
    "cofinancing_sources",
    "currency",
    "agreement_signed_on",
    "agreement_document",
    "report_every_months",
    "next_report_due",
    "last_report_at",
    "report_flag",
)
READ_ONLY_KEYS = {
    "reference": _("The portal gives the reference."),
    "status": _("The status changes with the status action."),
    "match": _("The match of a project cannot be changed."),
    "next_report_due": _("The portal computes when the next report is due."),
    "last_report_at": _("The portal records the reports."),
    "created_at": _("The portal records the dates."),
    "completed_at": _("The portal records the dates."),
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The project is no longer in a status that allows this.")
    default_code = "conflict"


class ProjectErrorsMixin(ServiceErrorsMixin):
    """The services' errors over HTTP, and a stale status as 409."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.ProjectConflict) or (
            getattr(exc, "code", None) == "stale" and not hasattr(exc, "error_dict")
        ):
            exc = Conflict(" ".join(exc.messages))
        return super().handle_exception(exc)


class StrictSerializer(BaseStrictSerializer):
    read_only_keys = READ_ONLY_KEYS


# --- Output ---------------------------------------------------------------------------------------
class ProjectProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PrivateMethodField(serializers.SerializerMethodField):
    """A method field of :data:`PRIVATE_FIELDS`, which only some readers receive.

    drf-spectacular lists every read-only field as always present; this one is left out for the
    public, so it is declared not read-only (and not required). ``ProjectSerializer`` only
    writes responses: the viewset reads its input with the serializers below.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.read_only = False
        self.required = False


class ProjectSerializer(serializers.ModelSerializer):
    """A pilot project. The fields of :data:`PRIVATE_FIELDS` are present only for its sides
    and the help desk."""

    url = serializers.HyperlinkedIdentityField(view_name="project-detail")
    page_url = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    match = serializers.IntegerField(source="match_id", read_only=True)
    need = serializers.SerializerMethodField()
    offer = serializers.IntegerField(source="match.offer_id", read_only=True)
    country = serializers.CharField(source="match.need.country.code", read_only=True)
    region = serializers.SerializerMethodField()
    provider = ProjectProviderSerializer(source="match.offer.provider", read_only=True)
    targets = serializers.SerializerMethodField()
    agreement_document = PrivateMethodField()
    report_flag = PrivateMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "reference",
            "url",
            "page_url",
            "title",
            "objectives",
            "status",
            "status_label",
            "start_date",
            "end_date",
            "match",
            "need",
            "offer",
            "country",
            "region",
            "provider",
            "targets",
            "created_at",
            "completed_at",
            *PRIVATE_FIELDS,
        ]
        read_only_fields = [name for name in fields if name not in PRIVATE_FIELDS]
        extra_kwargs = {name: {"required": False} for name in PRIVATE_FIELDS}

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, project: Project) -> str:
        path = reverse("matchmaking:project_detail", kwargs={"pk": project.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field({"type": "string", "nullable": True})
    def get_need(self, project: Project) -> str | None:
        """Reference of the request, when the reader may see it."""
        need = project.match.need
        request = self.context.get("request")
        if request is not None and request.user.has_perm("needs.view_need", need):
            return need.reference
        return None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_region(self, project: Project) -> str | None:
        country = project.match.need.country
        return country.region.code if country.region_id else None

    def get_targets(self, project: Project) -> list[str]:
        return [target.code for target in project.match.need.targets.all()]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_agreement_document(self, project: Project) -> str | None:
        if not project.agreement_document:
            return None
        path = reverse("matchmaking:project_agreement", kwargs={"pk": project.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(
        {"type": "string", "enum": [value for value, _label in ReportFlag.choices]}
    )
    def get_report_flag(self, project: Project) -> str:
        flag = getattr(project, "report_flag", None)
        return flag or selectors.project_report_flag(project)

    def to_representation(self, project: Project) -> dict[str, Any]:
        data = super().to_representation(project)
        request = self.context.get("request")
        if request is None or not request.user.has_perm(
            "matchmaking.view_project_private", project
        ):
            for name in PRIVATE_FIELDS:
                data.pop(name, None)
        return data


class ProgressReportSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(
        source="submitted_by.get_full_name", read_only=True, default=None
    )

    class Meta:
        model = ProgressReport
        fields = ["id", *services.REPORT_FIELDS, "submitted_by", "submitted_at"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectEvaluation
        fields = [
            "id",
            "side",
            "effectiveness",
            "quality",
            "achievement",
            "lessons_learned",
            "evaluated_at",
        ]
        read_only_fields = fields


class SuccessStorySerializer(serializers.ModelSerializer):
    """A published success story, with the public facts of its project."""

    page_url = serializers.SerializerMethodField()
    project = serializers.CharField(source="project.reference", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    country = serializers.CharField(source="project.match.need.country.code", read_only=True)
    provider = ProjectProviderSerializer(source="project.match.offer.provider", read_only=True)

    class Meta:
        model = SuccessStory
        fields = [
            "id",
            "page_url",
            "title",
            "summary",
            "body",
            "language",
            "published_at",
            "project",
            "project_title",
            "country",
            "provider",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, story: SuccessStory) -> str:
        path = reverse("matchmaking:story_detail", kwargs={"pk": story.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# --- Input ----------------------------------------------------------------------------------------
class ProjectWriteSerializer(StrictSerializer):
    """What a side sends to change a project (``PATCH``); only the fields sent change."""

    title = serializers.CharField(max_length=250, required=False)
    objectives = serializers.CharField(required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    cofinancing = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    cofinancing_sources = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, help_text=_("Three-letter ISO 4217 code, e.g. USD.")
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    agreement_signed_on = serializers.DateField(required=False, allow_null=True)
    report_every_months = serializers.IntegerField(min_value=1, max_value=12, required=False)
    agreement_document = serializers.FileField(
        required=False, help_text=_("The signed agreement (PDF, DOCX or ODT), sent as multipart.")
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.validated_data)


class ProjectLaunchSerializer(ProjectWriteSerializer):
    """What a side sends to launch the project of an agreed match."""

    match = serializers.IntegerField(help_text=_("Id of the agreed match."))
    title = serializers.CharField(max_length=250)
    objectives = serializers.CharField()

    read_only_keys = {key: value for key, value in READ_ONLY_KEYS.items() if key != "match"}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("match")
        return data


@extend_schema_field(
    {
        "type": "string",
        "enum": [S.IMPLEMENTATION, S.COMPLETED, S.CANCELLED],
        "description": "The status to move the project to (cancelling needs a note).",
    }
)
class TargetStatusField(serializers.ChoiceField):
    """A project status to move to, described inline so that the statuses' enum component
    stays the project's own."""


class StatusSerializer(StrictSerializer):
    status = TargetStatusField(choices=Project.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportWriteSerializer(StrictSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    progress_percent = serializers.IntegerField(min_value=0, max_value=100)
    achievements = serializers.CharField()
    challenges = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationWriteSerializer(StrictSerializer):
    side = serializers.ChoiceField(choices=ProjectEvaluation.Side.choices)
    effectiveness = serializers.IntegerField(min_value=1, max_value=5)
    quality = serializers.IntegerField(min_value=1, max_value=5)
    achievement = serializers.ChoiceField(choices=ProjectEvaluation.Achievement.choices)
    lessons_learned = serializers.CharField()


# --- Viewsets -------------------------------------------------------------------------------------
CONFLICT_RESPONSE = OpenApiResponse(
    description="The project's status no longer allows this (someone acted first): reload it."
)
ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid or unknown fields (by name)."),
    403: OpenApiResponse(description="Not allowed for this person."),
    404: OpenApiResponse(description="No such project, or not one this person may see."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Pilot projects",
        description="Public projects (of public requests, not cancelled) for everyone; their "
        "sides and the help desk also get the others, and the private fields. The reporting "
        "filter applies to the projects one is a side of (all for the help desk).",
    ),
    retrieve=extend_schema(
        summary="One pilot project",
        responses={200: ProjectSerializer, 404: ERROR_RESPONSES[404]},
    ),
    create=extend_schema(
        summary="Launch the pilot project of an agreed match",
        request={
            "application/json": ProjectLaunchSerializer,
            "multipart/form-data": ProjectLaunchSerializer,
        },
        responses={201: ProjectSerializer, **ERROR_RESPONSES, 409: CONFLICT_RESPONSE},
    ),
    partial_update=extend_schema(
        summary="Change what a project says",
        request={
            "application/json": ProjectWriteSerializer,
            "multipart/form-data": ProjectWriteSerializer,
        },
        responses={200: ProjectSerializer, **ERROR_RESPONSES, 409: CONFLICT_RESPONSE},
    ),
)
class ProjectViewSet(
    ProjectErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Pilot projects launched by agreed matches, with their reports and evaluations."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Project.objects.none()  # for the schema; get_queryset gives each person theirs

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.project_list(user=self.request.user)

    def _private(self, project: Project) -> Project:
        """The project, when the person may see its private part: 404/403 otherwise."""
        if not self.request.user.has_perm("matchmaking.view_project_private", project):
            raise ApiPermissionDenied(_("Only the project's sides and the help desk see this."))
        return project

    def _respond(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=project.pk)
        serializer = ProjectSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    def _input(self, serializer_class, request: Request, **kwargs: Any):
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self._input(ProjectLaunchSerializer, request)
        match = Match.objects.filter(pk=serializer.validated_data["match"]).first()
        if match is None:
            raise NotFound(_("No such match."))
        project = services.project_launch(
            match=match, by=request.user, data=serializer.service_data()
        )
        return self._respond(project, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        serializer = self._input(ProjectWriteSerializer, request, partial=True)
        services.project_update(project=project, by=request.user, data=serializer.service_data())
        return self._respond(project)

    @extend_schema(
        summary="Move a project along: implementation, completed, or cancelled (with a note)",
        request=StatusSerializer,
        responses={200: ProjectSerializer, **ERROR_RESPONSES, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        data = self._input(StatusSerializer, request).validated_data
        services.project_set_status(
            project=project, by=request.user, status=data["status"], note=data["note"]
        )
        return self._respond(project)

    @extend_schema(
        methods=["GET"],
        summary="The project's progress reports (its sides and the help desk)",
        responses={200: ProgressReportSerializer(many=True), **ERROR_RESPONSES},
    )
    @extend_schema(
        methods=["POST"],
        summary="Report progress (a side or the help desk)",
        request=ReportWriteSerializer,
        responses={201: ProgressReportSerializer, **ERROR_RESPONSES, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["get", "post"])
    def reports(self, request: Request, pk: str) -> Response:
        project = self._private(self.get_object())
        if request.method == "GET":
            reports = selectors.project_reports(project)
            return Response(ProgressReportSerializer(reports, many=True).data)
        data = self._input(ReportWriteSerializer, request).validated_data
        report = services.progress_report_submit(project=project, by=request.user, data=data)
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The project's evaluations (its sides and the help desk)",
        responses={200: EvaluationSerializer(many=True), **ERROR_RESPONSES},
    )
    @extend_schema(
        methods=["POST"],
        summary="Evaluate a completed project for one side",
        request=EvaluationWriteSerializer,
        responses={201: EvaluationSerializer, **ERROR_RESPONSES, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["get", "post"])
    def evaluations(self, request: Request, pk: str) -> Response:
        project = self._private(self.get_object())
        if request.method == "GET":
            evaluations = selectors.project_evaluations(project)
            return Response(EvaluationSerializer(evaluations, many=True).data)
        data = dict(self._input(EvaluationWriteSerializer, request).validated_data)
        side = data.pop("side")
        evaluation = services.project_evaluate(
            project=project, by=request.user, side=side, data=data
        )
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Published success stories of pilot projects"),
    retrieve=extend_schema(summary="One published success story"),
)
class SuccessStoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Success stories of completed pilot projects, as published for donors and the public."""

    serializer_class = SuccessStorySerializer
    queryset = SuccessStory.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[SuccessStory]:
        return selectors.story_public_list()


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [
    ("projects", ProjectViewSet, "project"),
    ("success-stories", SuccessStoryViewSet, "successstory"),
]
