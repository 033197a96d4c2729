"""API serializers of requests for assistance and assessments.

They shape input and output only: writes go through ``needs.services``. Names follow the record
exchange format (shared/matching/README.md) where they overlap: ``description`` is the problem
statement, ``languages`` the working languages, vocabularies are lists of codes.

Input is strict: a key the serializer does not know, or one that only the portal sets (``status``,
``reference``, ``created_by``...), is answered with 400 rather than silently ignored, so that a
client never believes it changed something it did not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chm_portal.accounts.models import User
from chm_portal.core.api.serializers import StrictSerializer as BaseStrictSerializer
from chm_portal.vocabularies.api.serializers import CodeSlugField
from chm_portal.vocabularies.models import (
    BeneficiaryType,
    CapacityLevel,
    Country,
    GBFTarget,
    Language,
    Priority,
    SupportType,
    ThematicArea,
)

from .. import services
from ..models import Assessment, AssessmentEntry, Need

# Fields only the viewer with ``needs.view_need_private`` (owners, help desk) receives.
PRIVATE_FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "estimated_budget",
    "budget_currency",
    "cofinancing_available",
    "cofinancing_details",
    "submitted_elsewhere",
    "submitted_elsewhere_details",
)
# API name -> model field name, where they differ.
API_TO_MODEL = {"description": "problem_statement", "languages": "working_languages"}
MODEL_TO_API = {model: api for api, model in API_TO_MODEL.items()}

# Keys a client may not send, with the reason they are refused.
READ_ONLY_KEYS = {
    "status": _("The status changes through the workflow actions (submit, publish...)."),
    "country": _("The country of a request cannot be changed."),
    "reference": _("The portal gives the reference."),
    "created_by": _("The portal records who created the request."),
    "created_at": _("The portal records the dates."),
    "submitted_at": _("The portal records the dates."),
    "published_at": _("The portal records the dates."),
    "status_changed_at": _("The portal records the dates."),
    "assigned_to": _("The help desk assigns requests with the assign action."),
    "duplicate_of": _("The help desk closes duplicates with the mark-duplicate action."),
    "rejection_reason": _("The help desk gives it with the reject action."),
}


class StrictSerializer(BaseStrictSerializer):
    read_only_keys = READ_ONLY_KEYS


class CodeListField(serializers.ListField):
    """A list of vocabulary codes in, the records out; unknown codes are a validation error."""

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("child", serializers.CharField(max_length=40))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[Model]:
        codes = list(dict.fromkeys(super().to_internal_value(data)))
        found = {record.code: record for record in self.model.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in codes]


class CodeRelatedField(serializers.SlugRelatedField):
    """One vocabulary record by its code (in and out)."""

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        kwargs.setdefault("queryset", model.objects.all())
        super().__init__(slug_field="code", **kwargs)


# --- Requests for assistance: output -------------------------------------------------------------
class SupportDetailSerializer(serializers.Serializer):
    """A support type asked for, with what exactly is needed of it."""

    code = serializers.CharField(max_length=40)
    details = serializers.CharField(required=False, allow_blank=True, default="")


class NeedSerializer(serializers.ModelSerializer):
    """A request for assistance as a client sees it.

    Contact details, budget and co-financing (``contact_*``, ``estimated_budget``,
    ``budget_currency``, ``cofinancing_*``, ``submitted_elsewhere*``) are present only for its
    owners (focal points of its country, its creator) and the help desk.
    """

    url = serializers.HyperlinkedIdentityField(view_name="need-detail", lookup_field="reference")
    page_url = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    description = serializers.CharField(source="problem_statement", read_only=True)
    country = CodeSlugField()
    region = serializers.SerializerMethodField()
    targets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    thematic_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    support_types = serializers.SerializerMethodField()
    support_details = serializers.SerializerMethodField()
    capacity_levels = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    beneficiary_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    languages = serializers.SlugRelatedField(
        source="working_languages", slug_field="code", many=True, read_only=True
    )
    other_countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    priority = CodeSlugField()
    duplicate_of = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )

    class Meta:
        model = Need
        fields = [
            "reference",
            "url",
            "page_url",
            "status",
            "status_label",
            "title",
            "description",
            "objectives",
            "expected_outputs",
            "outcomes_and_indicators",
            "builds_on",
            "language",
            "country",
            "region",
            "other_countries",
            "application_level",
            "requester_kind",
            "requesting_organisation",
            "targets",
            "thematic_areas",
            "thematic_area_other",
            "support_types",
            "support_details",
            "support_type_other",
            "capacity_levels",
            "beneficiary_types",
            "beneficiary_other",
            "priority",
            "languages",
            "desired_start",
            "desired_end",
            "visibility",
            "source",
            "duplicate_of",
            "created_at",
            "submitted_at",
            "published_at",
            "status_changed_at",
            *PRIVATE_FIELDS,
        ]
        # Private fields are not marked read-only so that the schema can say they may be absent
        # (read-only fields are always "required" in a response); this serializer only writes out.
        read_only_fields = [name for name in fields if name not in PRIVATE_FIELDS]
        extra_kwargs = {name: {"required": False} for name in PRIVATE_FIELDS}

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, need: Need) -> str:
        path = reverse("needs:detail", kwargs={"reference": need.reference})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field({"type": "string", "nullable": True})
    def get_region(self, need: Need) -> str | None:
        """M49 code of the country's region (e.g. 002 for Africa)."""
        return need.country.region.code if need.country.region_id else None

    def get_support_types(self, need: Need) -> list[str]:
        return [support.support_type.code for support in need.support_details.all()]

    @extend_schema_field(SupportDetailSerializer(many=True))
    def get_support_details(self, need: Need) -> list[dict[str, str]]:
        return [
            {"code": support.support_type.code, "details": support.details}
            for support in need.support_details.all()
        ]

    def to_representation(self, need: Need) -> dict[str, Any]:
        data = super().to_representation(need)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("needs.view_need_private", need):
            for name in PRIVATE_FIELDS:
                data.pop(name, None)
        return data


# --- Requests for assistance: input ---------------------------------------------------------------
class NeedWriteSerializer(StrictSerializer):
    """What a requester sends to change a request (``PATCH``, or ``PUT`` with the title).

    ``support_types`` (codes) and ``support_details`` (``[{code, details}]``) together replace the
    support asked for when either is sent. Many-to-many lists replace the previous ones.
    """

    title = serializers.CharField(max_length=250)
    description = serializers.CharField(
        required=False, allow_blank=True, help_text=_("The problem statement.")
    )
    language = serializers.CharField(
        required=False, max_length=10, help_text=_("Language the request is written in.")
    )
    objectives = serializers.CharField(required=False, allow_blank=True)
    expected_outputs = serializers.CharField(required=False, allow_blank=True)
    outcomes_and_indicators = serializers.CharField(required=False, allow_blank=True)
    application_level = serializers.ChoiceField(
        choices=Need.ApplicationLevel.choices, required=False
    )
    requesting_organisation = serializers.CharField(
        required=False, allow_blank=True, max_length=300
    )
    requester_kind = serializers.ChoiceField(choices=Need.RequesterKind.choices, required=False)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    thematic_area_other = serializers.CharField(required=False, allow_blank=True, max_length=200)
    support_type_other = serializers.CharField(required=False, allow_blank=True, max_length=200)
    priority = CodeRelatedField(Priority, required=False, allow_null=True)
    beneficiary_other = serializers.CharField(required=False, allow_blank=True, max_length=200)
    desired_start = serializers.DateField(required=False, allow_null=True)
    desired_end = serializers.DateField(required=False, allow_null=True)
    estimated_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    budget_currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    cofinancing_available = serializers.BooleanField(required=False)
    cofinancing_details = serializers.CharField(required=False, allow_blank=True)
    builds_on = serializers.CharField(required=False, allow_blank=True)
    submitted_elsewhere = serializers.BooleanField(required=False)
    submitted_elsewhere_details = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Need.Visibility.choices, required=False)
    targets = CodeListField(GBFTarget, help_text=_("GBF target codes, e.g. GBF-T3."))
    thematic_areas = CodeListField(ThematicArea)
    capacity_levels = CodeListField(CapacityLevel)
    beneficiary_types = CodeListField(BeneficiaryType)
    languages = CodeListField(Language, help_text=_("Working languages (ISO 639-1 codes)."))
    other_countries = CodeListField(Country, help_text=_("Other governments involved."))
    support_types = CodeListField(SupportType)
    support_details = SupportDetailSerializer(many=True, required=False)

    # Sent to the services as model fields, many-to-many codes, and support.
    # The services' editable fields and vocabularies, under their API names.
    SCALAR_FIELDS = tuple(MODEL_TO_API.get(name, name) for name in services.EDITABLE_FIELDS)
    RELATED_FIELDS = tuple(MODEL_TO_API.get(name, name) for name in services.RELATED_FIELDS)

    def validate_support_details(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        codes = [item["code"] for item in value]
        known = set(SupportType.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value

    def service_arguments(self) -> dict[str, Any]:
        """``fields`` (with ``title``), ``related`` and ``support`` for the services."""
        data = self.validated_data
        fields = {
            API_TO_MODEL.get(name, name): data[name] for name in self.SCALAR_FIELDS if name in data
        }
        related = {
            API_TO_MODEL.get(name, name): data[name] for name in self.RELATED_FIELDS if name in data
        }
        support = None
        if "support_types" in data or "support_details" in data:
            support = {support_type.code: "" for support_type in data.get("support_types", [])}
            for item in data.get("support_details", []):
                support[item["code"]] = item.get("details", "")
        return {"fields": fields, "related": related, "support": support}


class NeedCreateSerializer(NeedWriteSerializer):
    """What a requester sends to start a request: its country and title at least."""

    country = CodeRelatedField(
        Country, help_text=_("ISO 3166-1 alpha-2 code of the requesting country.")
    )


# --- Workflow actions ---------------------------------------------------------------------------
class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MessageSerializer(StrictSerializer):
    """A message to the other side: the requester's answer or the help desk's question."""

    message = serializers.CharField()


class AssignSerializer(StrictSerializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        help_text=_("Id of a help-desk member, or null to unassign."),
    )


class PublishSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(StrictSerializer):
    reason = serializers.CharField()


class MarkDuplicateSerializer(StrictSerializer):
    original = serializers.CharField(help_text=_("Reference of the original request."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Assessments --------------------------------------------------------------------------------
class AssessmentEntrySerializer(serializers.ModelSerializer):
    """Capacity for one GBF target (optionally one thematic area), scored 0-4 per level."""

    target = CodeSlugField()
    thematic_area = CodeSlugField()
    priority = CodeSlugField()
    gap_score = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = AssessmentEntry
        fields = [
            "target",
            "thematic_area",
            "capacity_individual",
            "capacity_organisational",
            "capacity_systemic",
            "gap_score",
            "gap_description",
            "priority",
            "updated_at",
        ]
        read_only_fields = fields


class GapSerializer(serializers.Serializer):
    target = serializers.CharField()
    gap = serializers.FloatField()


class AssessmentSerializer(serializers.ModelSerializer):
    """A country's capacity assessment of one cycle, with its entries and its largest gaps."""

    url = serializers.HyperlinkedIdentityField(view_name="assessment-detail")
    country = CodeSlugField()
    entries = AssessmentEntrySerializer(many=True, read_only=True)
    largest_gaps = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "country",
            "cycle",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "entries",
            "largest_gaps",
        ]
        read_only_fields = fields

    @extend_schema_field(GapSerializer(many=True))
    def get_largest_gaps(self, assessment: Assessment) -> list[dict[str, Any]]:
        """The targets with the largest gaps (4 minus the mean score), largest first."""
        return self.context.get("largest_gaps", {}).get(assessment.pk, [])


class AssessmentStartSerializer(StrictSerializer):
    country = CodeRelatedField(Country, help_text=_("ISO 3166-1 alpha-2 code of the Party."))
    cycle = serializers.IntegerField(min_value=2010, max_value=2100)


class AssessmentEntryWriteSerializer(StrictSerializer):
    """One line of an assessment; saving it again replaces its scores."""

    target = CodeRelatedField(GBFTarget)
    thematic_area = CodeRelatedField(ThematicArea, required=False, allow_null=True, default=None)
    capacity_individual = serializers.IntegerField(
        min_value=0, max_value=4, required=False, allow_null=True, default=None
    )
    capacity_organisational = serializers.IntegerField(
        min_value=0, max_value=4, required=False, allow_null=True, default=None
    )
    capacity_systemic = serializers.IntegerField(
        min_value=0, max_value=4, required=False, allow_null=True, default=None
    )
    gap_description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = CodeRelatedField(Priority, required=False, allow_null=True, default=None)
