"""API of the national CHM nodes, mounted at /api/v1/ by ``api/urls.py``.

- ``/national-nodes/``: every Party with its maturity level, national CHM website and whether
  its node is published, filtered like the nodes' page (``region``, ``country_group``,
  ``level``, ``published``, ``q``).
- ``/national-nodes/{ISO code}/``: one Party's node: what its focal points published (the
  introduction, institutions, news and types of support asked for, once the node is
  published), its active focal points (names and kinds only), and the counts of its public
  requests, agreed matches, public projects and open opportunities with links to them and to
  the node's Atom feed. ``PATCH`` changes it (the fields of ``NationalNodeUpdateSerializer``;
  ``institutions`` replaces the list): the country's focal points, the help desk and site
  administrators only (403 otherwise); bad values are 400 by field, and nothing is saved.

Texts are written in the language of ``Accept-Language`` (``introduction`` in French for ``fr``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.serializers import StrictSerializer
from chm_portal.vocabularies.models import Country, SupportType

from ..forms import NodeFilterSet, active_language_field
from ..models import MATURITY_SUPPORT_ACTIONS, MaturityLevel, NationalNode
from ..selectors import nodes as selectors
from ..services import node_update
from .records import PartyViewSet, party_schema


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


# --- Reading --------------------------------------------------------------------------------------
class NationalNodeListSerializer(serializers.ModelSerializer):
    """A Party and its national node as the list shows it."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    region = serializers.SerializerMethodField()
    maturity_level = serializers.IntegerField(source="level", read_only=True)
    maturity_label = serializers.SerializerMethodField()
    support_action = serializers.SerializerMethodField()
    national_chm_url = serializers.CharField(read_only=True)
    is_published = serializers.BooleanField(source="node_published", read_only=True)
    updated_at = serializers.DateTimeField(
        source="node_updated_at", read_only=True, allow_null=True
    )
    page_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = [
            "code",
            "name",
            "region",
            "maturity_level",
            "maturity_label",
            "support_action",
            "national_chm_url",
            "is_published",
            "updated_at",
            "page_url",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "M49 code."})
    def get_region(self, country: Country) -> str | None:
        return country.region.code if country.region else None

    def get_maturity_label(self, country: Country) -> str:
        return str(MaturityLevel(country.level).label)

    def get_support_action(self, country: Country) -> str:
        return str(MATURITY_SUPPORT_ACTIONS[MaturityLevel(country.level)])

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, country: Country) -> str:
        return _absolute(
            self.context.get("request"), reverse("monitoring:node", args=[country.code])
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, country: Country) -> str:
        return _absolute(
            self.context.get("request"),
            reverse("national-node-detail", kwargs={"code": country.code}),
        )


class NodeFocalPointSerializer(serializers.Serializer):
    """A focal point as anyone may see them: the name they gave (empty if none) and the kind."""

    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class NodeInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    website = serializers.CharField()


class NodeNewsItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    published_at = serializers.DateTimeField()


class NationalNodeDetailSerializer(serializers.Serializer):
    """One Party's node (from ``selectors.nodes.node_page_data``)."""

    code = serializers.CharField(source="country.code")
    name = serializers.CharField(source="country.name")
    region = serializers.SerializerMethodField()
    maturity_level = serializers.IntegerField(source="level")
    maturity_label = serializers.CharField(source="level_label")
    support_action = serializers.CharField()
    national_chm_url = serializers.CharField()
    support_requested = serializers.CharField()
    is_published = serializers.BooleanField()
    introduction = serializers.SerializerMethodField()
    support_types = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()
    focal_points = NodeFocalPointSerializer(many=True)
    institutions = NodeInstitutionSerializer(many=True)
    news = NodeNewsItemSerializer(many=True)
    records = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    feed_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True, "description": "M49 code."})
    def get_region(self, data: selectors.NodePageData) -> str | None:
        return data.country.region.code if data.country.region else None

    def get_introduction(self, data: selectors.NodePageData) -> str:
        return data.node.introduction or "" if data.is_published else ""

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_support_types(self, data: selectors.NodePageData) -> list[str]:
        return [support_type.code for support_type in data.support_types]

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_updated_at(self, data: selectors.NodePageData):
        if not data.is_published or data.node.updated_at is None:
            return None
        return serializers.DateTimeField().to_representation(data.node.updated_at)

    @extend_schema_field(
        {
            "type": "object",
            "description": "requests, matches, projects, opportunities: {count, url}.",
        }
    )
    def get_records(self, data: selectors.NodePageData) -> dict[str, Any]:
        request = self.context.get("request")
        code = data.country.code
        opportunities = selectors.opportunity_filters(data.country).urlencode()
        return {
            "requests": {
                "count": data.requests_count,
                "url": _absolute(request, f"{reverse('need-list')}?country={code}"),
            },
            "matches": {"count": data.matches_count, "url": None},
            "projects": {
                "count": data.projects_count,
                "url": _absolute(request, f"{reverse('project-list')}?country={code}"),
            },
            "opportunities": {
                "count": data.opportunities_count,
                "url": _absolute(request, f"{reverse('opportunity-list')}?{opportunities}"),
            },
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, data: selectors.NodePageData) -> str:
        path = reverse("monitoring:node", args=[data.country.code])
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_feed_url(self, data: selectors.NodePageData) -> str:
        path = reverse("monitoring:node-feed", args=[data.country.code])
        return _absolute(self.context.get("request"), path)


# --- Writing --------------------------------------------------------------------------------------
class NodeInstitutionUpdateSerializer(StrictSerializer):
    id = serializers.IntegerField(required=False, help_text=_("An institution of the node, kept."))
    name = serializers.CharField(max_length=250, required=False, allow_blank=True)
    role = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True, max_length=300)


class NationalNodeUpdateSerializer(StrictSerializer):
    """What the editors of a node may change; every key is optional. Texts are in the
    language of ``Accept-Language``."""

    maturity_level = serializers.IntegerField(
        min_value=0, max_value=5, required=False, help_text=_("0 to 5.")
    )
    national_chm_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    support_requested = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Plain text.")
    )
    introduction = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Plain text.")
    )
    support_types = serializers.SlugRelatedField(
        slug_field="code",
        queryset=SupportType.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    is_published = serializers.BooleanField(required=False)
    institutions = NodeInstitutionUpdateSerializer(
        many=True,
        required=False,
        help_text=_("Replaces the node's institutions, in this order; an id keeps one."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "introduction" in data:
            data[active_language_field("introduction")] = data.pop("introduction")
        if "institutions" in data:
            rows = []
            for row in data["institutions"]:
                row = dict(row)
                for name in ("name", "role"):
                    if name in row:
                        row[active_language_field(name)] = row.pop(name)
                rows.append(row)
            data["institutions"] = rows
        return data


@party_schema(
    listed="Parties with their national CHM node",
    one="One Party's national CHM node",
    update="Update a Party's national node (its focal points, the help desk)",
    detail=NationalNodeDetailSerializer,
    request=NationalNodeUpdateSerializer,
)
class NationalNodeViewSet(PartyViewSet):
    """Every Party with its national node; ``PATCH`` for those who keep it."""

    serializer_class = NationalNodeListSerializer
    filterset_class = NodeFilterSet

    def get_queryset(self):
        return selectors.node_list()

    def get_serializer_class(self):
        if self.action == "list":
            return NationalNodeListSerializer
        return NationalNodeDetailSerializer

    def get_object(self) -> Country:
        country = selectors.party_for_node(self.kwargs["code"])
        if country is None:
            raise Http404
        return country

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = selectors.node_page_data(self.get_object())
        return Response(self.get_serializer(data).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        country = self.get_object()
        if not request.user.has_perm("monitoring.edit_national_node", country):
            # Checked before the body, so that outsiders learn nothing of the values' rules.
            self.permission_denied(
                request,
                message=_("Only the focal points of this country may change its national node."),
            )
        data = NationalNodeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        node_update(
            node=selectors.node_of(country) or NationalNode(country=country),
            by=request.user,
            **data.service_arguments(),
        )
        fresh = selectors.node_page_data(self.get_object())
        return Response(self.get_serializer(fresh).data)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [("national-nodes", NationalNodeViewSet, "national-node")]
