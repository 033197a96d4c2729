"""API of commitments; the viewset calls the selectors and services.

Everyone reads published commitments (filtered by the database's FilterSet) and their statistics;
a signed-in person also reads their own in any status, moderators everything. A person makes
commitments, their owner changes them, submits, withdraws, moves phases and reports progress;
moderators publish or return them. A commitment one may not see is 404; one seen but not
changeable is 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin

from .. import selectors, services
from ..filtersets import CommitmentFilterSet
from ..models import Commitment, ProgressReport
from ..rules import is_moderator
from . import serializers as s


class CommitmentPermission(permissions.IsAuthenticatedOrReadOnly):
    message = "Only the commitment's owner or the moderators change it."

    def has_object_permission(self, request: Request, view: Any, obj: Commitment) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action in ("publish", "send_back"):
            return request.user.has_perm("commitments.moderate_commitment", obj)
        if view.action == "report":
            return request.user.has_perm("commitments.report_progress", obj)
        return request.user.has_perm("commitments.change_commitment", obj)


class CommitmentViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Commitments of non-state actors (the Action Agenda)."""

    permission_classes = [CommitmentPermission]
    filterset_class = CommitmentFilterSet
    serializer_class = s.CommitmentSerializer
    http_method_names = ["get", "post", "put", "head", "options"]
    api_field_names = {
        **{f"title_{code}": "title" for code in ("en", "fr", "es")},
        **{f"description_{code}": "description" for code in ("en", "fr", "es")},
    }

    def get_queryset(self) -> QuerySet[Commitment]:
        return (
            selectors.commitments_visible_to(user=self.request.user)
            .select_related("country", "organisation_type")
            .prefetch_related("targets", "thematic_areas", "deliverables")
            .order_by("-published_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "create" or self.action == "update":
            return s.CommitmentWriteSerializer
        user = self.request.user
        if (
            self.action != "list"
            and user.is_authenticated
            and (is_moderator(user) or self.action == "retrieve")
        ):
            return s.CommitmentOwnerSerializer
        return s.CommitmentSerializer

    def _respond(self, commitment: Commitment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=commitment.pk)
        return Response(
            s.CommitmentOwnerSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self.get_object()
        user = request.user
        owner_or_moderator = user.is_authenticated and (
            commitment.owner_id == user.pk or is_moderator(user)
        )
        serializer_class = (
            s.CommitmentOwnerSerializer if owner_or_moderator else s.CommitmentSerializer
        )
        return Response(serializer_class(commitment, context=self.get_serializer_context()).data)

    @extend_schema(
        request=s.CommitmentWriteSerializer, responses={201: s.CommitmentOwnerSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.CommitmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = services.commitment_create(
            by=request.user,
            actor_type=serializer.validated_data["actor_type"],
            **serializer.service_arguments(),
        )
        return self._respond(commitment, status.HTTP_201_CREATED)

    @extend_schema(request=s.CommitmentWriteSerializer, responses=s.CommitmentOwnerSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self.get_object()
        serializer = s.CommitmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["actor_type"] != commitment.actor_type:
            return Response(
                {"actor_type": ["The kind of actor of a commitment does not change."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        commitment = services.commitment_update(
            commitment=commitment, by=request.user, **serializer.service_arguments()
        )
        return self._respond(commitment)

    def _no_body(self, request: Request) -> None:
        if request.data:
            raise ValidationError({name: ["Unknown field."] for name in request.data})

    @extend_schema(request=None, responses=s.CommitmentOwnerSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        self._no_body(request)
        commitment = services.commitment_submit(commitment=self.get_object(), by=request.user)
        return self._respond(commitment)

    @extend_schema(request=None, responses=s.CommitmentOwnerSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        self._no_body(request)
        commitment = services.commitment_withdraw(commitment=self.get_object(), by=request.user)
        return self._respond(commitment)

    @extend_schema(request=None, responses=s.CommitmentOwnerSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        self._no_body(request)
        commitment = services.commitment_publish(commitment=self.get_object(), by=request.user)
        return self._respond(commitment)

    @extend_schema(request=s.CommitmentNoteSerializer, responses=s.CommitmentOwnerSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str) -> Response:
        serializer = s.CommitmentNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = services.commitment_return(
            commitment=self.get_object(), by=request.user, note=serializer.validated_data["note"]
        )
        return self._respond(commitment)

    @extend_schema(request=s.CommitmentPhaseSerializer, responses=s.CommitmentOwnerSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request: Request, pk: str) -> Response:
        serializer = s.CommitmentPhaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = services.commitment_set_phase(
            commitment=self.get_object(), by=request.user, phase=serializer.validated_data["phase"]
        )
        return self._respond(commitment)

    @extend_schema(request=None, responses=s.CommitmentProgressReportSerializer(many=True))
    @action(
        detail=True, methods=["get"], url_path="reports", permission_classes=[permissions.AllowAny]
    )
    def reports(self, request: Request, pk: str) -> Response:
        """The commitment's progress reports: the published ones, all for its owner and
        moderators."""
        commitment = self.get_object()
        user = request.user
        reports = ProgressReport.objects.filter(commitment=commitment).prefetch_related("values")
        if not (user.is_authenticated and (commitment.owner_id == user.pk or is_moderator(user))):
            reports = reports.filter(status="published")
        return Response(s.CommitmentProgressReportSerializer(reports, many=True).data)

    @extend_schema(
        request=s.CommitmentProgressReportInputSerializer,
        responses={201: s.CommitmentProgressReportSerializer},
    )
    @reports.mapping.post
    def report(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        serializer = s.CommitmentProgressReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.progress_report_submit(
            commitment=commitment,
            by=request.user,
            period_end=data["period_end"],
            phase=data["phase"],
            summary=data["summary"],
            challenges=data.get("challenges", ""),
            values={
                item["deliverable"]: (item["value"], item.get("note", ""))
                for item in data["values"]
            },
        )
        return Response(
            s.CommitmentProgressReportSerializer(report).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=s.CommitmentStatisticsSerializer)
    @action(detail=False, methods=["get"], permission_classes=[permissions.AllowAny])
    def statistics(self, request: Request) -> Response:
        """Published commitments counted by type of actor, phase, GBF target and region; the
        list's filters apply."""
        filterset = CommitmentFilterSet(
            request.query_params, queryset=selectors.commitments_for_list(), request=request
        )
        if not filterset.is_valid():
            return Response(filterset.errors, status=status.HTTP_400_BAD_REQUEST)
        statistics = selectors.commitment_statistics(filterset.qs)
        return Response(s.CommitmentStatisticsSerializer(statistics).data)
