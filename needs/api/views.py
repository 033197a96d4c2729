"""API viewsets of requests for assistance and assessments; they call selectors and services.

Errors of the services keep their meaning over HTTP: ``PermissionDenied`` is 403, a request the
caller may not see is 404, ``ValidationError`` is 400 with the fields at fault (named as in the
API), and a workflow action that is no longer possible (someone acted first) is 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin as BaseServiceErrorsMixin

from .. import selectors, services
from ..filtersets import AssessmentFilterSet, NeedFilterSet
from ..models import Assessment, Need
from ..workflow import TransitionNotAllowed
from . import serializers as s


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request is no longer in a state that allows this.")
    default_code = "conflict"


class ServiceErrorsMixin(BaseServiceErrorsMixin):
    """The services' errors over HTTP (see chm_portal/core/api/errors.py), and a workflow
    transition no longer possible as 409."""

    api_field_names = s.MODEL_TO_API

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, TransitionNotAllowed):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


CONFLICT_RESPONSE = OpenApiResponse(
    description="The request is no longer in a status from which this action is possible "
    "(someone acted first): reload it."
)
ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid or unknown fields (by name)."),
    403: OpenApiResponse(description="Not allowed for this person."),
    404: OpenApiResponse(description="No such request, or not one this person may see."),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    required=False,
    description="A UUID chosen by the client: sending the same creation again with the same key "
    "returns the request created the first time instead of a second one.",
)


class NeedPermission(permissions.BasePermission):
    """Anyone reads (what they may see); creating needs ``needs.add_need``; other writes need a
    signed-in person, whose rights on the request the services check."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if view.action == "create":
            return request.user.has_perm("needs.add_need")
        return True


def _action_schema(summary: str, request_serializer=None, *, conflict: bool = True):
    responses = {200: s.NeedSerializer, **ERROR_RESPONSES}
    if conflict:
        responses[409] = CONFLICT_RESPONSE
    return extend_schema(summary=summary, request=request_serializer, responses=responses)


@extend_schema_view(
    list=extend_schema(
        summary="Search requests for assistance",
        description="Published public requests for everyone; signed-in owners and the help desk "
        "also get the requests they may see in other statuses. Filters are those of the public "
        "registry page; unknown parameters and unknown codes are answered with 400.",
    ),
    retrieve=extend_schema(
        summary="One request for assistance, by reference",
        responses={200: s.NeedSerializer, 404: ERROR_RESPONSES[404]},
    ),
    create=extend_schema(
        summary="Start a request (a draft)",
        description="For focal points (their country), members of IPLC organisations and the "
        "help desk. Unknown keys and read-only ones (status, reference...) are refused with 400.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.NeedCreateSerializer,
        responses={201: s.NeedSerializer, 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]},
    ),
    partial_update=extend_schema(
        summary="Change what a request says",
        description="The requester while it is a draft or clarification is asked; the help desk "
        "always. Only the fields sent change; unknown and read-only keys are refused with 400.",
        request=s.NeedWriteSerializer,
        responses={200: s.NeedSerializer, **ERROR_RESPONSES},
    ),
    update=extend_schema(
        summary="Change what a request says (title required)",
        description="As PATCH, with ``title`` required; the fields not sent keep their values.",
        request=s.NeedWriteSerializer,
        responses={200: s.NeedSerializer, **ERROR_RESPONSES},
    ),
)
class NeedViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests for assistance, by reference (e.g. ``NEED-2026-00042``), with their workflow
    actions as ``POST /needs/{reference}/{action}/``."""

    lookup_field = "reference"
    lookup_value_regex = r"[^/]+"
    serializer_class = s.NeedSerializer
    filterset_class = NeedFilterSet
    permission_classes = [NeedPermission]
    queryset = Need.objects.none()  # for the schema; get_queryset gives each person theirs

    def get_queryset(self) -> QuerySet[Need]:
        return selectors.need_api_list(self.request.user)

    def _fresh(self, need: Need) -> Need:
        """The request reloaded with its related rows, to answer with after a change."""
        return self.get_queryset().get(pk=need.pk)

    def _respond(self, need: Need, code: int = status.HTTP_200_OK) -> Response:
        serializer = s.NeedSerializer(self._fresh(need), context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.NeedCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        title = arguments["fields"].pop("title")
        need = services.need_create(
            by=request.user,
            country=serializer.validated_data["country"],
            title=title,
            creation_token=self._creation_token(request),
            **arguments,
        )
        return self._respond(need, status.HTTP_201_CREATED)

    def _creation_token(self, request: Request) -> uuid.UUID | None:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return None
        try:
            return uuid.UUID(key)
        except ValueError as error:
            raise ValidationError({"Idempotency-Key": [_("Send a UUID.")]}) from error

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        need = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = s.NeedWriteSerializer(need, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.need_update(need=need, by=request.user, **serializer.service_arguments())
        return self._respond(need)

    # --- The requester's actions ---------------------------------------------------------------
    @_action_schema("Send a draft to the help desk")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, reference: str) -> Response:
        self._no_body(request)
        need = services.need_submit(need=self.get_object(), by=request.user)
        return self._respond(need)

    @_action_schema("Withdraw a request", s.WithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, reference: str) -> Response:
        data = self._input(s.WithdrawSerializer, request)
        need = services.need_withdraw(need=self.get_object(), by=request.user, **data)
        return self._respond(need)

    @_action_schema("Answer the help desk's question", s.MessageSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, reference: str) -> Response:
        data = self._input(s.MessageSerializer, request)
        need = services.need_answer_clarification(
            need=self.get_object(), by=request.user, message=data["message"]
        )
        return self._respond(need)

    # --- The help desk's actions ---------------------------------------------------------------
    @_action_schema("Assign to a help-desk member (starts triage)", s.AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, reference: str) -> Response:
        data = self._input(s.AssignSerializer, request)
        need = services.need_assign(
            need=self.get_object(), assignee=data["assignee"], by=request.user
        )
        return self._respond(need)

    @_action_schema("Ask the requester to clarify", s.MessageSerializer)
    @action(detail=True, methods=["post"], url_path="request-clarification")
    def request_clarification(self, request: Request, reference: str) -> Response:
        data = self._input(s.MessageSerializer, request)
        need = services.need_request_clarification(
            need=self.get_object(), by=request.user, message=data["message"]
        )
        return self._respond(need)

    @_action_schema("Publish in the registry (open for matching)", s.PublishSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, reference: str) -> Response:
        data = self._input(s.PublishSerializer, request)
        need = services.need_publish(need=self.get_object(), by=request.user, **data)
        return self._respond(need)

    @_action_schema("Reject, with the reason", s.RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, reference: str) -> Response:
        data = self._input(s.RejectSerializer, request)
        need = services.need_reject(need=self.get_object(), by=request.user, **data)
        return self._respond(need)

    @_action_schema("Close as a duplicate of another request", s.MarkDuplicateSerializer)
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request: Request, reference: str) -> Response:
        data = self._input(s.MarkDuplicateSerializer, request)
        need = self.get_object()
        original = self.get_queryset().filter(reference=data["original"]).first()
        if original is None:
            raise ValidationError({"original": [_("No such request.")]})
        need = services.need_mark_duplicate(
            need=need, original=original, by=request.user, note=data["note"]
        )
        return self._respond(need)

    def _input(self, serializer_class, request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _no_body(self, request: Request) -> None:
        if request.data:
            raise ValidationError({name: [_("Unknown field.")] for name in request.data})


@extend_schema_view(
    list=extend_schema(
        summary="Capacity assessments",
        description="The assessments of the countries one is focal point of; all for the help "
        "desk. Each with its entries and its largest gaps.",
    ),
    retrieve=extend_schema(summary="One capacity assessment"),
    create=extend_schema(
        summary="Open (or resume) a country's assessment of a cycle",
        request=s.AssessmentStartSerializer,
        responses={
            201: s.AssessmentSerializer,
            400: ERROR_RESPONSES[400],
            403: ERROR_RESPONSES[403],
        },
    ),
)
class AssessmentViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Countries' capacity assessments in the common format: their focal points and the help
    desk only."""

    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilterSet
    permission_classes = [permissions.IsAuthenticated]
    queryset = Assessment.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.assessment_list_with_entries(self.request.user).order_by(
            "-cycle", "country__code", "pk"
        )

    def _serializer(self, assessments, *, many: bool = False) -> s.AssessmentSerializer:
        items = assessments if many else [assessments]
        context = self.get_serializer_context()
        context["largest_gaps"] = selectors.assessment_largest_gaps_by_assessment(
            [assessment.pk for assessment in items]
        )
        return s.AssessmentSerializer(assessments, many=many, context=context)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.AssessmentStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_start(by=request.user, **serializer.validated_data)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self._serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save one line (target, optional thematic area) of the assessment",
        request=s.AssessmentEntryWriteSerializer,
        responses={200: s.AssessmentEntrySerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        serializer = s.AssessmentEntryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.assessment_save_entry(
            assessment=assessment, by=request.user, **serializer.validated_data
        )
        return Response(s.AssessmentEntrySerializer(entry).data)

    @extend_schema(
        summary="Declare the assessment complete",
        request=None,
        responses={200: s.AssessmentSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        assessment = services.assessment_submit(assessment=self.get_object(), by=request.user)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self._serializer(fresh).data)
