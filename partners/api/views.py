"""API viewsets of the partners' databases; they call selectors and services.

Everyone reads what the pages show: public records (in a public status, of an approved
organisation) and approved organisations; a signed-in member also reads their own organisations
and their records in any status, and the help desk everything. Lists are filtered by the
databases' FilterSets (``partners/filtersets.py``), and a member may also ask for the statuses
the public does not see (``?status=draft``).

Writes go through ``partners.services``. A record the person may not see is 404 (drafts are not
revealed); a record they see but may not change is 403; the services' validation errors are 400
with the fields named as in the API (:class:`~chm_portal.core.api.errors.ServiceErrorsMixin`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin

from .. import selectors, services
from ..filtersets import (
    EventFilterSet,
    InitiativeFilterSet,
    OfferFilterSet,
    OpportunityFilterSet,
    OrganisationFilterSet,
    PartnerRecordFilterSet,
    PartnershipAgreementFilterSet,
    ResourceFilterSet,
)
from ..models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnerRecord,
    PartnershipAgreement,
    RecordStatus,
    Resource,
)
from . import serializers as s

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid, unknown or read-only fields (by name)."),
    403: OpenApiResponse(description="Not allowed for this person (or not signed in)."),
    404: OpenApiResponse(description="No such record, or not one this person may see."),
}


# --- Reads ----------------------------------------------------------------------------------------
def with_member_statuses(filterset_class: type[PartnerRecordFilterSet]):
    """The FilterSet of a database, whose ``status`` accepts every status of the record type
    for signed-in people (their own drafts are in their list) and the public ones for others."""
    model = filterset_class._meta.model

    class ApiFilterSet(filterset_class):
        def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
            super().__init__(data, queryset, request=request, prefix=prefix)
            signed_in = request is not None and request.user.is_authenticated
            statuses = set(model.STATUSES if signed_in else model.PUBLIC_STATUSES)
            # Set on the form field itself: it may have been built (and copied) already.
            self.filters["status"].field.choices = [
                (value, label) for value, label in RecordStatus.choices if value in statuses
            ]

    ApiFilterSet.__name__ = ApiFilterSet.__qualname__ = f"Api{filterset_class.__name__}"
    ApiFilterSet.__doc__ = filterset_class.__doc__
    return ApiFilterSet


class RecordPermission(permissions.IsAuthenticatedOrReadOnly):
    """Reading is for everyone (the queryset holds what each person sees); changing a record
    needs ``partners.change_<model>`` on it, deleting it ``partners.delete_<model>``."""

    change_message = _("Only the organisation's members change its records.")
    delete_message = _("Only the organisation's administrators delete its records.")

    def has_object_permission(self, request: Request, view: Any, obj: PartnerRecord) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        verb = "delete" if view.action == "destroy" else "change"
        self.message = self.delete_message if verb == "delete" else self.change_message
        return request.user.has_perm(f"partners.{verb}_{obj._meta.model_name}", obj)


class OrganisationPermission(permissions.IsAuthenticatedOrReadOnly):
    """Anyone reads (what they may see); a signed-in person registers; changing a profile needs
    ``partners.change_organisation`` (its administrators, the help desk)."""

    message = _("Only the organisation's administrators change its profile.")

    def has_object_permission(self, request: Request, view: Any, obj: Organisation) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm("partners.change_organisation", obj)


@cache
def _api_field_names(serializer_class: type[s.RecordWriteSerializer]) -> dict[str, str]:
    """Model field name -> API name, for the fields a write serializer renames, and for each
    language's column of a content field (``title_fr`` -> ``title``)."""
    names = {
        field.source: name
        for name, field in serializer_class().fields.items()
        if field.source not in (name, "*")
    }
    for field in services.translated_fields(serializer_class.model):
        for language in AVAILABLE_LANGUAGES:
            names[build_localized_fieldname(field, language)] = field
    return names


def _status_action_schema(summary: str, description: str, serializer):
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={200: serializer, **ERROR_RESPONSES},
    )


def record_schema(*, plural: str, singular: str, viewset_serializers: tuple) -> Callable:
    """The OpenAPI description of a record type's endpoints."""
    read, create, write = viewset_serializers
    return extend_schema_view(
        list=extend_schema(
            summary=f"Search {plural}",
            description=f"Public {plural} (published or closed, of approved organisations) for "
            "everyone; signed-in members also get their organisations' records in any status "
            "(and may filter by it), the help desk every record. The filters are those of the "
            "database's page; unknown parameters and unknown codes are answered with 400.",
        ),
        retrieve=extend_schema(
            summary=f"One {singular}",
            responses={200: read, 404: ERROR_RESPONSES[404]},
        ),
        create=extend_schema(
            summary=f"Add {singular} (a draft)",
            description="For the members of the organisation named in the body and the help "
            "desk. Title and description are in the record's `language`; `translations` adds "
            "other languages. Unknown and read-only keys are refused with 400.",
            request=create,
            responses={201: read, 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]},
        ),
        update=extend_schema(
            summary=f"Change {singular} (required fields included)",
            description="As PATCH, with the required fields; the fields not sent keep their "
            "values.",
            request=write,
            responses={200: read, **ERROR_RESPONSES},
        ),
        partial_update=extend_schema(
            summary=f"Change what {singular} says",
            description="The organisation's members and the help desk. Only the fields sent "
            "change; lists of codes replace the previous ones. The status does not change here.",
            request=write,
            responses={200: read, **ERROR_RESPONSES},
        ),
        destroy=extend_schema(
            summary=f"Delete {singular}",
            description="The organisation's administrators and the help desk.",
            responses={204: None, 403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404]},
        ),
        publish=_status_action_schema(
            f"Publish {singular}",
            "Public once its organisation is approved. A date already past (deadline, end of "
            "availability) is refused with 400.",
            read,
        ),
        close=_status_action_schema(f"Close {singular}", "It stays public, marked closed.", read),
        unpublish=_status_action_schema(
            f"Take {singular} back to draft", "Only its organisation then sees it.", read
        ),
    )


class PartnerRecordViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The endpoints of one record type: read, create, change, delete, and change status with
    ``POST /<records>/{id}/publish|close|unpublish/``.

    Set ``records`` (a selector of every record with what the API shows loaded), ``ordering``
    (that of the database's page), the serializers and the ``filterset_class``.
    """

    records: Callable[[], QuerySet]
    ordering: tuple = ("-pk",)
    create_serializer_class: type[s.RecordWriteSerializer]
    write_serializer_class: type[s.RecordWriteSerializer]
    permission_classes = [RecordPermission]

    def get_queryset(self) -> QuerySet:
        records = type(self).records()
        return selectors.records_visible_to(records, user=self.request.user).order_by(
            *self.ordering
        )

    def api_field_name(self, name: str) -> str:
        return _api_field_names(self.create_serializer_class).get(name, name)

    def _respond(self, record: PartnerRecord, code: int = status.HTTP_200_OK) -> Response:
        """The record reloaded with its related rows, as the API shows it."""
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.create_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data[serializer.model.ORGANISATION_FIELD]
        record = services.record_create(
            model=serializer.model,
            organisation=organisation,
            by=request.user,
            **serializer.service_arguments(),
        )
        return self._respond(record, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        serializer = self.write_serializer_class(
            record,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        record = services.record_update(
            record=record, by=request.user, **serializer.service_arguments()
        )
        return self._respond(record)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.record_delete(record=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _set_status(self, request: Request, new_status: str) -> Response:
        if request.data:
            raise ValidationError({name: [_("Unknown field.")] for name in request.data})
        record = services.record_set_status(
            record=self.get_object(), by=request.user, status=new_status
        )
        return self._respond(record)

    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._set_status(request, RecordStatus.PUBLISHED)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._set_status(request, RecordStatus.CLOSED)

    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        return self._set_status(request, RecordStatus.DRAFT)


@record_schema(
    plural="offers of support",
    singular="an offer of support",
    viewset_serializers=(s.OfferSerializer, s.OfferCreateSerializer, s.OfferWriteSerializer),
)
class OfferViewSet(PartnerRecordViewSet):
    """Offers of support, in the record exchange format (``shared/matching/README.md``);
    e.g. ``/api/v1/offers/?target=GBF-T6&eligible_country=KE&q=mangrove``."""

    queryset = Offer.objects.none()  # for the schema; get_queryset gives each person theirs
    records = staticmethod(selectors.offers_for_page)
    ordering = (F("published_at").desc(nulls_last=True), "-pk")
    serializer_class = s.OfferSerializer
    create_serializer_class = s.OfferCreateSerializer
    write_serializer_class = s.OfferWriteSerializer
    filterset_class = with_member_statuses(OfferFilterSet)

    @_status_action_schema(
        "Pause an offer of support",
        "It stays public but takes no new requests; publish it again to resume.",
        s.OfferSerializer,
    )
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        return self._set_status(request, RecordStatus.PAUSED)


@record_schema(
    plural="initiatives",
    singular="an initiative",
    viewset_serializers=(
        s.InitiativeSerializer,
        s.InitiativeCreateSerializer,
        s.InitiativeWriteSerializer,
    ),
)
class InitiativeViewSet(PartnerRecordViewSet):
    """Programmes and projects led by partner organisations."""

    queryset = Initiative.objects.none()
    records = staticmethod(selectors.initiatives_for_page)
    ordering = (F("start_date").desc(nulls_last=True), "-pk")
    serializer_class = s.InitiativeSerializer
    create_serializer_class = s.InitiativeCreateSerializer
    write_serializer_class = s.InitiativeWriteSerializer
    filterset_class = with_member_statuses(InitiativeFilterSet)


@record_schema(
    plural="resources",
    singular="a resource",
    viewset_serializers=(
        s.ResourceSerializer,
        s.ResourceCreateSerializer,
        s.ResourceWriteSerializer,
    ),
)
class ResourceViewSet(PartnerRecordViewSet):
    """Guidance, toolkits, teaching material and other resources, with their download counts."""

    queryset = Resource.objects.none()
    records = staticmethod(selectors.resources_for_page)
    ordering = (F("published_at").desc(nulls_last=True), "-pk")
    serializer_class = s.ResourceSerializer
    create_serializer_class = s.ResourceCreateSerializer
    write_serializer_class = s.ResourceWriteSerializer
    filterset_class = with_member_statuses(ResourceFilterSet)


@record_schema(
    plural="opportunities",
    singular="an opportunity",
    viewset_serializers=(
        s.OpportunitySerializer,
        s.OpportunityCreateSerializer,
        s.OpportunityWriteSerializer,
    ),
)
class OpportunityViewSet(PartnerRecordViewSet):
    """Training courses, fellowships, exchanges, scholarships, internships and calls."""

    queryset = Opportunity.objects.none()
    records = staticmethod(selectors.opportunities_for_page)
    ordering = ("status", "deadline", "pk")
    serializer_class = s.OpportunitySerializer
    create_serializer_class = s.OpportunityCreateSerializer
    write_serializer_class = s.OpportunityWriteSerializer
    filterset_class = with_member_statuses(OpportunityFilterSet)


@record_schema(
    plural="events",
    singular="an event",
    viewset_serializers=(s.EventSerializer, s.EventCreateSerializer, s.EventWriteSerializer),
)
class EventViewSet(PartnerRecordViewSet):
    """Workshops, matchmaking roundtables, webinars, conferences and training events."""

    queryset = Event.objects.none()
    records = staticmethod(selectors.events_for_page)
    ordering = ("starts_at", "pk")
    serializer_class = s.EventSerializer
    create_serializer_class = s.EventCreateSerializer
    write_serializer_class = s.EventWriteSerializer
    filterset_class = with_member_statuses(EventFilterSet)


@record_schema(
    plural="partnership agreements",
    singular="a partnership agreement",
    viewset_serializers=(
        s.AgreementSerializer,
        s.AgreementCreateSerializer,
        s.AgreementWriteSerializer,
    ),
)
class AgreementViewSet(PartnerRecordViewSet):
    """Support-network agreements, education-institution partnerships and memoranda."""

    queryset = PartnershipAgreement.objects.none()
    records = staticmethod(selectors.agreements_for_page)
    ordering = ("-signed_on", "-pk")
    serializer_class = s.AgreementSerializer
    create_serializer_class = s.AgreementCreateSerializer
    write_serializer_class = s.AgreementWriteSerializer
    filterset_class = with_member_statuses(PartnershipAgreementFilterSet)


# --- Organisations --------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Search partner organisations",
        description="Approved organisations for everyone; signed-in people also get the "
        "organisations they belong to (which may be pending approval), the help desk all. "
        "Contacts are never shown. Unknown parameters and unknown codes are answered with 400.",
    ),
    retrieve=extend_schema(
        summary="One partner organisation",
        responses={200: s.OrganisationSerializer, 404: ERROR_RESPONSES[404]},
    ),
    partial_update=extend_schema(
        summary="Change an organisation's profile",
        description="Its administrators and the help desk. Only the fields sent change; lists "
        "of codes replace the previous ones. Contacts and logo are changed on the portal's pages.",
        request=s.OrganisationWriteSerializer,
        responses={200: s.OrganisationSerializer, **ERROR_RESPONSES},
    ),
    create=extend_schema(
        summary="Register an organisation",
        description="For signed-in people, who become its first administrator. It is public "
        "once the help desk has approved it.",
        request=s.OrganisationRegisterSerializer,
        responses={
            201: s.OrganisationSerializer,
            400: ERROR_RESPONSES[400],
            403: ERROR_RESPONSES[403],
        },
    ),
)
class OrganisationViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Partner organisations (providers): their public profiles."""

    queryset = Organisation.objects.none()  # for the schema
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilterSet
    permission_classes = [OrganisationPermission]

    def api_field_name(self, name: str) -> str:
        if name == "organisation_type":
            return "type"
        # name_fr -> name, description_es -> description
        return next(
            (field for field in ("name", "description") if name.startswith(f"{field}_")), name
        )

    def get_queryset(self) -> QuerySet[Organisation]:
        visible = selectors.organisations_visible_to(user=self.request.user).values("pk")
        return selectors.organisations_for_page().filter(pk__in=visible).order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.OrganisationRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_register(
            by=request.user, **serializer.register_arguments()
        )
        return self._respond(organisation, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.get_object()
        serializer = s.OrganisationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            organisation=organisation, by=request.user, **serializer.update_arguments()
        )
        return self._respond(organisation)

    def _respond(self, organisation: Organisation, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=organisation.pk)
        return Response(self.get_serializer(fresh).data, status=code)
