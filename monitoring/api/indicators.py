"""API of the indicators, mounted at /api/v1/ by ``api/urls.py``; public and read-only.

- ``/indicators/``: every indicator of the registry with its definition, its latest stored total
  and the progress towards the plan's target; filters ``activity`` (0 to 14) and ``unit``.
- ``/indicators/{code}/``: one indicator (codes contain a dot: ``1.3``, ``P.3``).
- ``/indicators/{code}/values/?from=&to=&by=region``: its stored values, day by day, in total or
  broken down by one of its dimensions, each key with its label in the language of the request.

Indicators are defined in code (``monitoring/indicators/``), not stored: the lists are built from
the registry, and values are read from the stored ``IndicatorValue`` rows (never computed on the
fly), so every answer costs a constant number of queries. Unknown parameters, bad dates and a
breakdown the indicator does not have are answered with 400 and a translated message.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
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
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.filters import RESERVED_QUERY_PARAMETERS
from chm_portal.core.api.serializers import StrictSerializer

from ..indicators import ACTIVITIES, all_indicators, get_indicator
from ..indicators.base import Indicator, Unit
from ..labels import labels_for
from ..models import Dimension, IndicatorValue
from ..selectors.values import latest_totals, progress_towards_target

BREAKDOWNS = [value for value in Dimension.values if value]
UNITS = [Unit.COUNT, Unit.PERCENT, Unit.DAYS]

CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The indicator's code, e.g. 1.3 or P.3.",
)


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


# --- Query parameters -----------------------------------------------------------------------------
class QueryParameters(StrictSerializer):
    """Query parameters checked like the filters of the other collections: a parameter that is
    neither declared nor one the API understands everywhere (page, page_size...) is a 400."""

    def to_internal_value(self, data: Any) -> Any:
        data = {name: data.get(name) for name in data if name not in RESERVED_QUERY_PARAMETERS}
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            allowed = ", ".join(sorted(set(self.fields) | RESERVED_QUERY_PARAMETERS))
            raise serializers.ValidationError(
                {
                    name: [
                        _("Unknown filter parameter. Allowed: %(allowed)s.") % {"allowed": allowed}
                    ]
                    for name in unknown
                }
            )
        return super().to_internal_value(data)


class IndicatorFilterSerializer(QueryParameters):
    """The filters of the list of indicators."""

    activity = serializers.ChoiceField(
        choices=sorted(ACTIVITIES),
        required=False,
        help_text=_("The activity of the action plan (1 to 14), or 0 for the portal's own."),
    )
    unit = serializers.ChoiceField(choices=UNITS, required=False)


class ValuesQuerySerializer(QueryParameters):
    """``from`` and ``to`` (ISO dates, both included) and ``by`` (a breakdown of the indicator;
    the total without it). ``context["indicator"]`` is the indicator asked for."""

    to = serializers.DateField(required=False, help_text=_("The last day (YYYY-MM-DD), included."))
    by = serializers.ChoiceField(
        choices=BREAKDOWNS,
        required=False,
        allow_blank=True,
        help_text=_("A breakdown among the indicator's dimensions; the total when absent."),
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: it cannot be declared as a class attribute.
        return {
            "from": serializers.DateField(
                required=False, help_text=_("The first day (YYYY-MM-DD), included.")
            ),
            **super().get_fields(),
        }

    def validate_by(self, value: str) -> str:
        indicator: Indicator | None = self.context.get("indicator")
        if value and indicator is not None and value not in indicator.dimensions:
            raise serializers.ValidationError(
                _("Indicator %(code)s is not broken down by %(by)s. Its breakdowns: %(allowed)s.")
                % {
                    "code": indicator.code,
                    "by": value,
                    "allowed": ", ".join(indicator.dimensions) or _("none"),
                }
            )
        return value

    def validate(self, attrs: Mapping[str, Any]) -> Mapping[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"to": [_("The end date comes before the start date.")]}
            )
        return attrs


# --- Output ---------------------------------------------------------------------------------------
class IndicatorSerializer(serializers.Serializer):
    """An indicator's definition with its latest stored total (``context["latest"]``: the
    totals by code, from one query)."""

    code = serializers.CharField(read_only=True)
    activity = serializers.IntegerField(
        read_only=True, help_text=_("The activity of the action plan (1 to 14); 0: the portal.")
    )
    activity_name = serializers.SerializerMethodField()
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    computation = serializers.CharField(read_only=True, help_text=_("How it is computed."))
    unit = serializers.ChoiceField(choices=UNITS, read_only=True)
    target = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("The action plan's target, where it sets one.")
    )
    latest_value = serializers.SerializerMethodField()
    latest_date = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    dimensions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The breakdowns of the values (the `by` of the values' URL)."),
    )
    page_url = serializers.SerializerMethodField()
    values_url = serializers.SerializerMethodField()

    def _latest(self, indicator: Indicator) -> IndicatorValue | None:
        return self.context.get("latest", {}).get(indicator.code)

    def get_activity_name(self, indicator: Indicator) -> str:
        return str(ACTIVITIES.get(indicator.activity, ""))

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_latest_value(self, indicator: Indicator) -> float | None:
        latest = self._latest(indicator)
        return latest.value if latest else None

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_latest_date(self, indicator: Indicator) -> datetime.date | None:
        latest = self._latest(indicator)
        return latest.date if latest else None

    @extend_schema_field(
        {
            "type": "number",
            "format": "double",
            "nullable": True,
            "description": "Per cent of the target reached by the latest value (may pass 100); "
            "null without a target.",
        }
    )
    def get_progress(self, indicator: Indicator) -> float | None:
        latest = self._latest(indicator)
        progress = progress_towards_target(indicator, latest.value if latest else None)
        return None if progress is None else round(progress, 1)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, indicator: Indicator) -> str:
        """The indicator's page on the dashboards, in the language of the request."""
        path = reverse("monitoring:indicator", kwargs={"code": indicator.code})
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_values_url(self, indicator: Indicator) -> str:
        path = reverse("indicator-values", kwargs={"code": indicator.code})
        return _absolute(self.context.get("request"), path)


class IndicatorDetailSerializer(IndicatorSerializer):
    """An indicator with what its page also says: target note, additive breakdowns..."""

    target_note = serializers.CharField(read_only=True)
    additive = serializers.SerializerMethodField(
        help_text=_(
            "The breakdowns whose values add up to the total (a request has one region but may "
            "address several targets)."
        )
    )
    historical = serializers.BooleanField(
        read_only=True,
        help_text=_("False when past values cannot be rebuilt from the records' dates."),
    )
    higher_is_better = serializers.BooleanField(read_only=True)

    def get_additive(self, indicator: Indicator) -> list[str]:
        return [str(d) for d in indicator.dimensions if d in indicator.additive]


class IndicatorValueRowSerializer(serializers.Serializer):
    """One stored value: the day, the key within the breakdown ("" for the total), its label."""

    date = serializers.DateField(read_only=True)
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    value = serializers.FloatField(read_only=True, allow_null=True)


# --- Views ----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="The indicators",
        description="Every indicator of the action plan's annex (activities 1 to 14) and of the "
        "portal (activity 0), in the order of the dashboards, with the latest stored total and "
        "the progress towards the plan's target.",
        parameters=[IndicatorFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One indicator",
        parameters=[CODE_PARAMETER],
        responses={
            200: IndicatorDetailSerializer,
            404: OpenApiResponse(description="No indicator has this code."),
        },
    ),
    values=extend_schema(
        summary="The stored values of an indicator",
        description="Day by day, oldest first, in total or broken down by one of the "
        "indicator's dimensions (`by`); labels are in the language of the request.",
        parameters=[CODE_PARAMETER, ValuesQuerySerializer],
        responses={
            200: IndicatorValueRowSerializer(many=True),
            400: OpenApiResponse(description="Unknown parameter, bad date or breakdown."),
            404: OpenApiResponse(description="No indicator has this code."),
        },
    ),
)
class IndicatorViewSet(viewsets.GenericViewSet):
    """The indicators of the registry and their stored values."""

    serializer_class = IndicatorSerializer
    permission_classes = [permissions.AllowAny]
    # Not a model: the filters are checked by the query serializers above.
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return IndicatorDetailSerializer
        if self.action == "values":
            return IndicatorValueRowSerializer
        return IndicatorSerializer

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        return IndicatorValue.objects.none()  # for the schema only: indicators are not rows

    def get_indicator(self) -> Indicator:
        indicator = get_indicator(self.kwargs["code"])
        if indicator is None:
            raise Http404
        return indicator

    def list(self, request: Request) -> Response:
        filters = IndicatorFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        indicators = all_indicators()
        if "activity" in filters.validated_data:
            indicators = [i for i in indicators if i.activity == filters.validated_data["activity"]]
        if "unit" in filters.validated_data:
            indicators = [i for i in indicators if i.unit == filters.validated_data["unit"]]
        page = self.paginate_queryset(indicators)
        context = {**self.get_serializer_context(), "latest": latest_totals()}
        data = IndicatorSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, code: str) -> Response:
        indicator = self.get_indicator()
        context = {**self.get_serializer_context(), "latest": latest_totals()}
        return Response(IndicatorDetailSerializer(indicator, context=context).data)

    @action(detail=True, methods=["get"])
    def values(self, request: Request, code: str) -> Response:
        indicator = self.get_indicator()
        query = ValuesQuerySerializer(data=request.query_params, context={"indicator": indicator})
        query.is_valid(raise_exception=True)
        by = query.validated_data.get("by") or ""
        rows = IndicatorValue.objects.filter(indicator=indicator.code, dimension=by)
        if query.validated_data.get("from"):
            rows = rows.filter(date__gte=query.validated_data["from"])
        if query.validated_data.get("to"):
            rows = rows.filter(date__lte=query.validated_data["to"])
        rows = rows.order_by("date", "key").values("date", "key", "value")
        page = self.paginate_queryset(rows)
        if by:
            labels = labels_for(by, {row["key"] for row in page}, indicator=indicator.code)
        else:
            labels = {"": str(Dimension.TOTAL.label)}
        data = IndicatorValueRowSerializer(
            [{**row, "label": labels.get(row["key"], row["key"])} for row in page], many=True
        ).data
        return self.get_paginated_response(data)


ROUTES = [("indicators", IndicatorViewSet, "indicator")]
