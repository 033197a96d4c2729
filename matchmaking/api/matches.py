"""API of matches (``/api/v1/matches/``): the Bio-Bridge workflow for machines.

Signed-in people only; each sees the matches ``matchmaking.view_match`` lets them see (the help
desk all; a request's owners its matches; a provider's members those proposed to their
organisations), and others answer 404. Writes call ``matchmaking.services.matches``:

- ``POST /matches/`` the requester side's interest in an offer;
- ``POST /matches/propose/`` the help desk proposes a request to an offer's provider, and
  ``POST /matches/{id}/propose/`` passes a requester's interest on;
- ``POST /matches/{id}/accept/``, ``/decline/`` (the provider), ``/confirm/`` (the requester),
  ``/withdraw/`` (the help desk, or the requester before the provider answered).

Errors keep their meaning: 400 with the fields at fault, 403 not allowed for this person, 404 not
visible, 409 the match is no longer in a status allowing the action (someone acted first).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core.api.errors import ServiceErrorsMixin as BaseServiceErrorsMixin
from chm_portal.core.api.serializers import OptionalEmailField, StrictSerializer
from needs.models import Need
from partners.models import Offer

from ..forms.matches import MatchFilterSet
from ..models import Match, MatchEvent, MatchingWorkshop
from ..selectors import matches as selectors
from ..services import matches as services
from ..workflow import PROVIDER_ACTIONS, TransitionNotAllowed, allowed_actions

A = MatchEvent.Action


# --- Errors -------------------------------------------------------------------------------------
class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The match is no longer in a status that allows this: reload it.")
    default_code = "conflict"


class ServiceErrorsMixin(BaseServiceErrorsMixin):
    """The services' errors over HTTP, with the API's field names; a stale transition is 409."""

    api_field_names = {
        "interest_note": "note",
        "proposal_message": "message",
        "provider_contact_name": "contact_name",
        "provider_contact_email": "contact_email",
        "provider_message": "message",
        "decline_reason": "reason",
        "withdrawal_reason": "reason",
    }

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, TransitionNotAllowed):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid or unknown fields (by name)."),
    403: OpenApiResponse(description="Not allowed for this person."),
    404: OpenApiResponse(description="No such match, or not one this person may see."),
}
CONFLICT = {
    409: OpenApiResponse(
        description="The match is no longer in a status from which this action is possible "
        "(someone acted first): reload it."
    )
}


# --- Output ---------------------------------------------------------------------------------------
class MatchNeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    country = serializers.CharField(source="country.code")
    status = serializers.CharField()


class MatchOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")


class MatchEventSerializer(serializers.ModelSerializer):
    """One step of a match's history."""

    # Statuses of a match as plain strings: the match's ``status`` documents their values once.
    from_status = serializers.CharField(help_text="The match's status before (empty: created).")
    to_status = serializers.CharField(help_text="The match's status after.")
    actor = serializers.SerializerMethodField()

    class Meta:
        model = MatchEvent
        fields = ["action", "from_status", "to_status", "actor", "note", "created_at"]

    def get_actor(self, event: MatchEvent) -> str | None:
        return event.actor.get_full_name() if event.actor is not None else None


# Fields only some sides receive: the requester's note to the help desk (requester side and
# help desk); the provider's contact person (all three sides).
REQUESTER_ONLY_FIELDS = ("interest_note",)


class MatchSerializer(serializers.ModelSerializer):
    """A match as each side may see it, with the actions the reader may take now."""

    need = MatchNeedSerializer()
    offer = MatchOfferSerializer()
    workshop = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    provider_contact_email = OptionalEmailField(read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="The workflow actions the reader may take now (accept, decline, confirm, "
        "withdraw, propose)."
    )

    class Meta:
        model = Match
        fields = [
            "id",
            "need",
            "offer",
            "status",
            "origin",
            "workshop",
            "score",
            "suggestion_rank",
            "interest_note",
            "proposal_message",
            "proposed_at",
            "provider_contact_name",
            "provider_contact_email",
            "provider_message",
            "decline_reason",
            "responded_at",
            "agreed_at",
            "withdrawal_reason",
            "created_at",
            "status_changed_at",
            "actions",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_actions(self, match: Match) -> list[str]:
        user = self._user()
        if user is None:
            return []
        possible = []
        for name in allowed_actions(match.status):
            if name == A.PROPOSED and user.has_perm("matchmaking.propose_match", match):
                possible.append("propose")
            elif name in PROVIDER_ACTIONS and user.has_perm("matchmaking.respond_match", match):
                possible.append("accept" if name == A.ACCEPTED else "decline")
            elif name == A.AGREED and user.has_perm("matchmaking.confirm_match", match):
                possible.append("confirm")
            elif name == A.WITHDRAWN and user.has_perm("matchmaking.withdraw_match", match):
                possible.append("withdraw")
        return possible

    def to_representation(self, match: Match) -> dict[str, Any]:
        data = super().to_representation(match)
        user = self._user()
        sees_requester_side = user is not None and (
            is_helpdesk_or_site_admin(user) or user.has_perm("matchmaking.confirm_match", match)
        )
        if not sees_requester_side:
            for name in REQUESTER_ONLY_FIELDS:
                data[name] = ""
        return data


# --- Input ----------------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.STR)
class NeedField(serializers.Field):
    """A request by id or by reference (``NEED-2026-00042``)."""

    default_error_messages = {"missing": _("No such request.")}

    def to_internal_value(self, data: Any) -> Need:
        value = str(data).strip()
        lookup = {"pk": int(value)} if value.isdigit() else {"reference": value}
        need = Need.objects.filter(**lookup).select_related("country").first()
        if need is None:
            self.fail("missing")
        return need

    def to_representation(self, value: Need) -> str:
        return value.reference


class InterestSerializer(StrictSerializer):
    need = NeedField(help_text="The request: its id or its reference.")
    offer = serializers.PrimaryKeyRelatedField(queryset=Offer.objects.select_related("provider"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProposeSerializer(StrictSerializer):
    need = NeedField(help_text="The request: its id or its reference.")
    offer = serializers.PrimaryKeyRelatedField(queryset=Offer.objects.select_related("provider"))
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    workshop = serializers.PrimaryKeyRelatedField(
        queryset=MatchingWorkshop.objects.all(), required=False, allow_null=True, default=None
    )


class ProposeInterestSerializer(StrictSerializer):
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    workshop = serializers.PrimaryKeyRelatedField(
        queryset=MatchingWorkshop.objects.all(), required=False, allow_null=True, default=None
    )


class AcceptSerializer(StrictSerializer):
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.EmailField()
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=4000)


# --- The viewset ----------------------------------------------------------------------------------
def _action_schema(summary: str, request=None, *, code: int = 200, **kwargs: Any):
    return extend_schema(
        **kwargs,
        summary=summary,
        request=request,
        responses={code: MatchSerializer, **ERROR_RESPONSES, **CONFLICT},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Matches this person may see",
        description="The help desk sees every match; a request's owners its matches; a "
        "provider's members the matches proposed to their organisations (never a requester's "
        "interest the help desk has not proposed). Filters: status (repeatable), origin, need "
        "(id), need_reference, offer (id), organisation (the provider's id).",
    ),
    retrieve=extend_schema(
        summary="One match",
        responses={200: MatchSerializer, 404: ERROR_RESPONSES[404]},
    ),
    create=extend_schema(
        summary="Express interest in an offer for a request (its owners)",
        description="For the focal points of the request's country and its author, on a "
        "published request and a published offer. The help desk is told and may propose the "
        "match to the provider.",
        request=InterestSerializer,
        responses={201: MatchSerializer, **ERROR_RESPONSES},
    ),
)
class MatchViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Matches of needs and offers (the Bio-Bridge workflow), with their actions as
    ``POST /matches/{id}/{action}/``."""

    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet
    permission_classes = [permissions.IsAuthenticated]
    queryset = Match.objects.none()  # for the schema; get_queryset gives each person theirs

    def get_queryset(self) -> QuerySet[Match]:
        return selectors.match_list_for_user(user=self.request.user)

    def _respond(self, match: Match, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.match_detail_queryset().get(pk=match.pk)
        return Response(
            MatchSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        summary="The history of a match, oldest first",
        description="A requester's note to the help desk (the ``interest`` step) is left out for "
        "the provider's members.",
        responses={200: MatchEventSerializer(many=True), 404: ERROR_RESPONSES[404]},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        match = self.get_object()
        events = selectors.match_history(match=match)
        user = request.user
        if not (
            is_helpdesk_or_site_admin(user) or user.has_perm("matchmaking.confirm_match", match)
        ):
            events = events.exclude(action=A.INTEREST)
        return Response(MatchEventSerializer(events, many=True).data)

    def _input(self, serializer_class, request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(InterestSerializer, request)
        match = services.match_express_interest(by=request.user, **data)
        return self._respond(match, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="matches_propose_new",
        summary="Propose a request to an offer's provider (help desk)",
        description="A new match, proposed: its members are told by email and in their inbox.",
        request=ProposeSerializer,
        responses={201: MatchSerializer, **ERROR_RESPONSES},
    )
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        if not request.user.has_perm("matchmaking.propose_match"):
            raise PermissionDenied(_("Only the help desk proposes matches."))
        data = self._input(ProposeSerializer, request)
        match = services.match_propose(by=request.user, **data)
        return self._respond(match, status.HTTP_201_CREATED)

    @_action_schema(
        "Pass a requester's interest on to the provider (help desk)",
        ProposeInterestSerializer,
        operation_id="matches_propose_interest",
    )
    @action(detail=True, methods=["post"], url_path="propose", url_name="propose-interest")
    def propose_interest(self, request: Request, pk: str) -> Response:
        data = self._input(ProposeInterestSerializer, request)
        match = services.match_propose(match=self.get_object(), by=request.user, **data)
        return self._respond(match)

    @_action_schema("Accept a proposal, naming a contact person (provider)", AcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = self._input(AcceptSerializer, request)
        match = services.match_accept(match=self.get_object(), by=request.user, **data)
        return self._respond(match)

    @_action_schema("Decline a proposal, with the reason (provider)", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        data = self._input(ReasonSerializer, request)
        match = services.match_decline(match=self.get_object(), by=request.user, **data)
        return self._respond(match)

    @_action_schema("Confirm an accepted match: it is agreed (requester)")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        if request.data:
            raise ValidationError({name: [_("Unknown field.")] for name in request.data})
        match = services.match_confirm(match=self.get_object(), by=request.user)
        return self._respond(match)

    @_action_schema("Withdraw a match, with the reason", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = self._input(ReasonSerializer, request)
        match = services.match_withdraw(match=self.get_object(), by=request.user, **data)
        return self._respond(match)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [("matches", MatchViewSet, "match")]
