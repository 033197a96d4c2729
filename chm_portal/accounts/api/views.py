"""API views; they call selectors and services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import ValidationError, as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import selectors, services
from ..filtersets import RoleRequestFilterSet
from ..roles import STAFF_ROLE_GROUPS, Role
from .serializers import (
    EmailAuthTokenSerializer,
    MeSerializer,
    RoleRequestCreateSerializer,
    RoleRequestSerializer,
)


class RoleRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Role requests: a person lists and sends their own; the help desk lists all.

    Decisions are taken in the admin, not through the API.
    """

    serializer_class = RoleRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RoleRequestFilterSet

    def get_queryset(self):
        return selectors.role_requests_visible_to(user=self.request.user)

    @extend_schema(request=RoleRequestCreateSerializer, responses={201: RoleRequestSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RoleRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            role_request = services.role_request_create(
                user=request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise ValidationError(as_serializer_error(exc)) from exc
        return Response(RoleRequestSerializer(role_request).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The signed-in person: profile, roles, focal-point assignments and organisations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request, format=None):
        user = request.user
        focal_points = list(selectors.focal_points_of_user(user=user))
        memberships = list(selectors.organisation_memberships_of_user(user=user))
        staff_groups = [group.name for group in selectors.staff_groups_of_user(user=user)]
        roles = [Role.LEARNER.value]
        if focal_points:
            roles.append(Role.FOCAL_POINT.value)
        if memberships:
            roles.append(Role.ORGANISATION_MEMBER.value)
        roles += [role.value for role, group in STAFF_ROLE_GROUPS.items() if group in staff_groups]
        if user.is_superuser and Role.SITE_ADMIN.value not in roles:
            roles.append(Role.SITE_ADMIN.value)
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "country": user.country.code if user.country_id else None,
            "organisation_name": user.organisation_name,
            "roles": roles,
            "focal_points": focal_points,
            "organisation_memberships": memberships,
            "staff_groups": staff_groups,
        }
        return Response(MeSerializer(data).data)


class TokenRateThrottle(ScopedRateThrottle):
    """Rate limit of the token endpoint (guessing passwords): ``DEFAULT_THROTTLE_RATES["token"]``
    when the settings name it, else 10 a minute per client address."""

    default_rate = "10/min"

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate


# allauth's words for its sign-in form, so that both say the same (and share a translation).
LOCKED_OUT = _("Too many failed login attempts. Try again later.")


class ObtainTokenView(ObtainAuthToken):
    """``POST {"email", "password"}`` → ``{"token"}`` for the ``Authorization: Token …`` header.

    Two limits: every request counts towards ``TokenRateThrottle`` (per client address), and
    failed attempts count towards the sign-in form's lockout (per address and per email
    address), so that guessing through the form and the API together gets no further.
    """

    serializer_class = EmailAuthTokenSerializer
    throttle_classes = [TokenRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=EmailAuthTokenSerializer,
        responses={
            200: EmailAuthTokenSerializer,
            400: OpenApiResponse(description="Wrong email address or password."),
            429: OpenApiResponse(description="Too many attempts: wait, then try again."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as error:
            codes = error.get_codes()
            if isinstance(codes, dict) and "too_many_login_attempts" in codes.get(
                api_settings.NON_FIELD_ERRORS_KEY, []
            ):
                raise Throttled(detail=LOCKED_OUT) from error
            raise
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
