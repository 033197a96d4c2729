"""API serializers. Writes go through the services; these only shape input and output."""

from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country

from ..models import FocalPoint, RoleRequest
from ..roles import REQUESTABLE_ROLE_CHOICES, FocalPointKind


class RoleRequestSerializer(serializers.ModelSerializer):
    """A role request as its requester and the help desk see it."""

    user = serializers.EmailField(source="user.email", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # Declared: DRF drops ``allow_blank`` from read-only model fields, and the schema with it.
    focal_point_kind = serializers.ChoiceField(
        choices=FocalPointKind.choices, read_only=True, allow_blank=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RoleRequest
        fields = [
            "id",
            "user",
            "role",
            "role_label",
            "country",
            "focal_point_kind",
            "position",
            "justification",
            "status",
            "status_label",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields


class RoleRequestCreateSerializer(serializers.Serializer):
    """What a person sends to request a role; ``status`` and ``user`` are not theirs to set."""

    role = serializers.ChoiceField(choices=REQUESTABLE_ROLE_CHOICES)
    country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.filter(is_cbd_party=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("ISO alpha-2 code of the Party, for focal points."),
    )
    focal_point_kind = serializers.ChoiceField(
        choices=FocalPointKind.choices, required=False, allow_blank=True, default=""
    )
    position = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        validators=[validate_no_markup],
    )
    justification = serializers.CharField(validators=[validate_no_markup])


class FocalPointSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    # Named as on role requests, so that the schema has one enum of focal point kinds.
    focal_point_kind = serializers.ChoiceField(
        source="kind", choices=FocalPointKind.choices, read_only=True
    )
    focal_point_kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = FocalPoint
        fields = [
            "country",
            "country_name",
            "focal_point_kind",
            "focal_point_kind_label",
            "granted_at",
        ]
        read_only_fields = fields


class MembershipSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    organisation_status = serializers.CharField(source="organisation.status")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """The signed-in person, their roles and where they hold them."""

    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    preferred_language = serializers.CharField()
    country = serializers.CharField(allow_null=True, help_text=_("ISO alpha-2 code."))
    organisation_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    focal_points = FocalPointSerializer(many=True)
    organisation_memberships = MembershipSerializer(many=True)
    staff_groups = serializers.ListField(child=serializers.CharField())


class EmailAuthTokenSerializer(serializers.Serializer):
    """Email and password in, API token out (for people whose email address is verified)."""

    email = serializers.EmailField(label=_("Email address"), write_only=True)
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )
    token = serializers.CharField(label=_("Token"), read_only=True)

    def validate(self, attrs: dict) -> dict:
        # Through allauth, as its sign-in form: failed attempts count towards the same lockout
        # (ACCOUNT_RATE_LIMITS["login_failed"]), which refuses with "too_many_login_attempts".
        request = self.context["request"]
        user = get_adapter(request).authenticate(
            request, email=attrs["email"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                _("Unable to sign in with this email address and password."),
                code="authorization",
            )
        if not has_verified_email(user):
            raise serializers.ValidationError(
                _("Confirm your email address first: follow the link in the email we sent you."),
                code="authorization",
            )
        attrs["user"] = user
        return attrs
