"""API of the records people keep by hand, mounted at /api/v1/ by ``api/urls.py``.

- ``/evaluations/`` and ``/evaluations/{id}/``: published evaluations (activity 9, "evaluations
  done"), filtered by ``subject``, ``activity``, ``year`` and completion dates ``from``/``to``;
  drafts are never shown.
- ``/country-profiles/`` and ``/country-profiles/{ISO code}/``: every Party with its national CHM
  maturity level (0 when not yet described), filtered by ``region``, ``country_group``, ``level``
  and ``q`` (name or code). ``PATCH`` on one changes it: the country's focal points, the help desk
  and site administrators only (403 otherwise); bad values are 400 by field, with translated
  messages.

The filters are those of the pages (``monitoring.forms``); unknown parameters are 400.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin
from chm_portal.core.api.serializers import StrictSerializer
from chm_portal.vocabularies.models import Country

from ..forms import CountryFilterSet, EvaluationFilterSet
from ..indicators import ACTIVITIES
from ..models import MATURITY_SUPPORT_ACTIONS, Evaluation, MaturityLevel
from ..selectors import countries as country_selectors
from ..selectors import evaluations as evaluation_selectors
from ..services import update_country_profile


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


# --- Evaluations ----------------------------------------------------------------------------------
class EvaluationRecordSerializer(serializers.ModelSerializer):
    """A published evaluation; ``activity`` is the number of the activity of the action plan
    (1 to 14) when one was evaluated, ``activity_name`` its name in the request's language."""

    subject = serializers.CharField(read_only=True, help_text=_("activity, matchmaking or portal"))
    subject_label = serializers.CharField(source="get_subject_display", read_only=True)
    activity_name = serializers.SerializerMethodField()
    language = serializers.CharField(read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "title",
            "subject",
            "subject_label",
            "activity",
            "activity_name",
            "evaluated_on",
            "period_start",
            "period_end",
            "evaluators",
            "method",
            "findings",
            "recommendations",
            "language",
            "published_at",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_activity_name(self, evaluation: Evaluation) -> str | None:
        name = ACTIVITIES.get(evaluation.activity) if evaluation.activity else None
        return str(name) if name else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, evaluation: Evaluation) -> str:
        path = reverse("monitoring:evaluation", args=[evaluation.pk])
        return _absolute(self.context.get("request"), path)


@extend_schema_view(
    list=extend_schema(summary="Published evaluations (activity 9)"),
    retrieve=extend_schema(
        summary="One published evaluation",
        responses={
            200: EvaluationRecordSerializer,
            404: OpenApiResponse(description="No published evaluation has this id."),
        },
    ),
)
class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Published evaluations, the most recently completed first."""

    serializer_class = EvaluationRecordSerializer
    filterset_class = EvaluationFilterSet
    permission_classes = [permissions.AllowAny]
    queryset = Evaluation.objects.none()  # for the schema

    def get_queryset(self):
        return evaluation_selectors.published_evaluations()


# --- Country profiles -----------------------------------------------------------------------------
class CountryProfileSerializer(serializers.ModelSerializer):
    """A Party and its national CHM: ``maturity_level`` 0 to 5 (0 also when not yet described,
    ``is_described`` false), the support recommended at that level, and when it was updated."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    region = serializers.SerializerMethodField()
    country_groups = serializers.ListField(
        source="group_codes", child=serializers.CharField(), read_only=True
    )
    maturity_level = serializers.IntegerField(source="level", read_only=True)
    maturity_label = serializers.SerializerMethodField()
    recommended_support = serializers.SerializerMethodField()
    is_described = serializers.BooleanField(read_only=True)
    national_chm_url = serializers.CharField(read_only=True)
    support_requested = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(
        source="profile_updated_at", read_only=True, allow_null=True
    )
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = [
            "code",
            "name",
            "region",
            "country_groups",
            "maturity_level",
            "maturity_label",
            "recommended_support",
            "is_described",
            "national_chm_url",
            "support_requested",
            "notes",
            "updated_at",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "M49 code."})
    def get_region(self, country: Country) -> str | None:
        return country.region.code if country.region else None

    def get_maturity_label(self, country: Country) -> str:
        return str(MaturityLevel(country.level).label)

    def get_recommended_support(self, country: Country) -> str:
        return str(MATURITY_SUPPORT_ACTIONS[MaturityLevel(country.level)])

    def get_support_requested(self, country: Country) -> str:
        return getattr(country, "support_requested", "")

    def get_notes(self, country: Country) -> str:
        return getattr(country, "profile_notes", "")

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, country: Country) -> str:
        path = reverse("monitoring:country", args=[country.code])
        return _absolute(self.context.get("request"), path)


class CountryProfileUpdateSerializer(StrictSerializer):
    """What a focal point may change of their country's profile; every key is optional."""

    maturity_level = serializers.IntegerField(
        min_value=0, max_value=5, required=False, help_text=_("0 to 5.")
    )
    national_chm_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    support_requested = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Plain text.")
    )
    notes = serializers.CharField(required=False, allow_blank=True, help_text=_("Plain text."))


CODE_PARAMETER = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="ISO alpha-2 code, e.g. KE."
)


def party_schema(*, listed: str, one: str, update: str, detail, request):
    """The OpenAPI description of a viewset of Parties by ISO code (list, retrieve, PATCH)."""
    return extend_schema_view(
        list=extend_schema(summary=listed),
        retrieve=extend_schema(
            summary=one,
            parameters=[CODE_PARAMETER],
            responses={
                200: detail,
                404: OpenApiResponse(description="No Party has this code."),
            },
        ),
        partial_update=extend_schema(
            summary=update,
            parameters=[CODE_PARAMETER],
            request=request,
            responses={
                200: detail,
                400: OpenApiResponse(description="Invalid or unknown fields (by name)."),
                403: OpenApiResponse(description="Not a focal point of this country."),
                404: OpenApiResponse(description="No Party has this code."),
            },
        ),
    )


class PartyViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Parties addressed by their ISO code: everyone reads, ``PATCH`` for those who keep them."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z]{2}"
    queryset = Country.objects.none()  # for the schema


@party_schema(
    listed="Parties with their national CHM maturity level",
    one="One Party's profile",
    update="Update a Party's profile (its focal points, the help desk)",
    detail=CountryProfileSerializer,
    request=CountryProfileUpdateSerializer,
)
class CountryProfileViewSet(PartyViewSet):
    """Every Party by name with its maturity level; ``PATCH`` for those who keep the profile."""

    serializer_class = CountryProfileSerializer
    filterset_class = CountryFilterSet

    def get_queryset(self):
        return country_selectors.party_list()

    def get_object(self) -> Country:
        country = self.get_queryset().filter(code=self.kwargs["code"].upper()).first()
        if country is None:
            raise Http404
        return country

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        country = self.get_object()
        data = CountryProfileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update_country_profile(user=request.user, country=country, **data.validated_data)
        fresh = self.get_object()
        return Response(self.get_serializer(fresh).data)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [
    ("evaluations", EvaluationViewSet, "evaluation"),
    ("country-profiles", CountryProfileViewSet, "country-profile"),
]
