"""API serializers of commitments: what everyone reads (public fields only; the moderators'
message and unpublished reports only for the owner and moderators) and what owners send."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chm_portal.core.api.serializers import StrictSerializer
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country, GBFTarget, OrganisationType, ThematicArea
from partners.models import Organisation, content_language_choices

from ..databases import commitment_url
from ..models import (
    ActorType,
    Commitment,
    Deliverable,
    GovernmentLevel,
    Phase,
    ProgressReport,
    Scope,
    Sector,
    Size,
)


def _codes(many: bool = True, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, many=many, **kwargs)


def _text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", not kwargs["required"])
    return serializers.CharField(
        max_length=max_length, validators=[validate_no_markup], trim_whitespace=True, **kwargs
    )


# --- Output --------------------------------------------------------------------------------------
class CommitmentDeliverableSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deliverable
        fields = ("id", "description", "indicator", "unit", "baseline", "target", "target_date")


class CommitmentProgressValueSerializer(serializers.Serializer):
    deliverable = serializers.IntegerField(source="deliverable_id", read_only=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    note = serializers.CharField(read_only=True)


class CommitmentProgressReportSerializer(serializers.ModelSerializer):
    values = CommitmentProgressValueSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = (
            "id",
            "period_end",
            "phase",
            "summary",
            "challenges",
            "status",
            "published_at",
            "values",
        )


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment as everyone reads it; ``status`` and ``moderation_note`` matter to its
    owner (the public only ever sees published ones)."""

    country = _codes(many=False)
    organisation_type = _codes(many=False)
    targets = _codes()
    thematic_areas = _codes()
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    deliverables = CommitmentDeliverableSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = (
            "id",
            "actor_type",
            "actor_name",
            "organisation",
            "organisation_type",
            "sector",
            "size",
            "government_level",
            "population",
            "country",
            "locality",
            "title",
            "description",
            "language",
            "targets",
            "is_biosafety",
            "thematic_areas",
            "scope",
            "audience",
            "partners",
            "website",
            "start_date",
            "end_date",
            "phase",
            "status",
            "published_at",
            "deliverables",
            "url",
        )
        read_only_fields = fields

    def get_url(self, commitment: Commitment) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(commitment_url(commitment))


class CommitmentOwnerSerializer(CommitmentSerializer):
    """For the owner and moderators: the moderators' message too."""

    class Meta(CommitmentSerializer.Meta):
        fields = (*CommitmentSerializer.Meta.fields, "moderation_note")
        read_only_fields = fields


# --- Input ---------------------------------------------------------------------------------------
class CommitmentDeliverableInputSerializer(StrictSerializer):
    id = serializers.IntegerField(
        required=False, help_text=_("Id of an existing deliverable to keep; none for a new one.")
    )
    description = _text(300, required=True)
    indicator = _text(200, required=True)
    unit = _text(50, required=True)
    baseline = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    target_date = serializers.DateField(required=False, allow_null=True)


class CommitmentWriteSerializer(StrictSerializer):
    """What an owner sends: every field of the commitment (``PUT``-like: the deliverables and
    vocabularies given replace the previous ones). ``title`` and ``description`` are in
    ``language``. ``submit`` sends it to the moderators."""

    actor_type = serializers.ChoiceField(choices=ActorType.choices)
    actor_name = _text(200, required=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(status=Organisation.Status.APPROVED),
        required=False,
        allow_null=True,
    )
    organisation_type = serializers.SlugRelatedField(
        slug_field="code", queryset=OrganisationType.objects.all(), required=False, allow_null=True
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True)
    size = serializers.ChoiceField(choices=Size.choices, required=False, allow_blank=True)
    government_level = serializers.ChoiceField(
        choices=GovernmentLevel.choices, required=False, allow_blank=True
    )
    population = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    locality = _text(200)
    title = _text(300, required=True)
    description = _text(required=True)
    language = serializers.ChoiceField(choices=content_language_choices(), default="en")
    targets = serializers.SlugRelatedField(
        slug_field="code", queryset=GBFTarget.objects.all(), many=True
    )
    is_biosafety = serializers.BooleanField(default=False)
    thematic_areas = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicArea.objects.all(), many=True, required=False
    )
    scope = serializers.ChoiceField(choices=Scope.choices)
    audience = _text(500, required=True)
    partners = _text(500)
    website = serializers.URLField(required=False, allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    deliverables = CommitmentDeliverableInputSerializer(many=True)
    submit = serializers.BooleanField(default=False, write_only=True)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        language = data["language"].replace("-", "_")
        arguments = {
            "targets": data.pop("targets"),
            "thematic_areas": data.pop("thematic_areas", []),
            "deliverables": [dict(item) for item in data.pop("deliverables")],
            "submit": data.pop("submit"),
        }
        data.pop("actor_type")
        data[f"title_{language}"] = data.pop("title")
        data[f"description_{language}"] = data.pop("description")
        arguments["data"] = data
        return arguments


class CommitmentPhaseSerializer(StrictSerializer):
    phase = serializers.ChoiceField(choices=Phase.choices)


class CommitmentNoteSerializer(StrictSerializer):
    note = _text(2000, required=True)


class CommitmentProgressValueInputSerializer(StrictSerializer):
    deliverable = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    note = _text(300)


class CommitmentProgressReportInputSerializer(StrictSerializer):
    period_end = serializers.DateField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    summary = _text(5000, required=True)
    challenges = _text(5000)
    values = CommitmentProgressValueInputSerializer(many=True)


class CommitmentStatisticRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class CommitmentStatisticsSerializer(serializers.Serializer):
    totals = serializers.DictField(child=serializers.IntegerField())
    by_actor_type = CommitmentStatisticRowSerializer(many=True)
    by_phase = CommitmentStatisticRowSerializer(many=True)
    by_target = CommitmentStatisticRowSerializer(many=True)
    by_region = CommitmentStatisticRowSerializer(many=True)
