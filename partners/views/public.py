"""Public pages of the partners' databases: the area's home and each record's page.

Lists, exports and feeds come from the databases (``partners/databases.py``). A record's page is
public once published by an approved organisation; before that only its organisation's members
and the help desk may open it (404 for anyone else, so drafts are not revealed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin, is_organisation_member
from chm_portal.core import iati
from chm_portal.core.exports import json_ld_script

from .. import databases, selectors
from ..iati import initiative_activity


class IndexView(TemplateView):
    """Landing page of the area: the databases with their sizes, and where partners start."""

    template_name = "partners/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = selectors.public_counts()
        context["databases"] = [
            {"database": database, "count": counts[database.key]}
            for database in databases.PARTNER_DATABASES
        ]
        return context


class RecordDetailView(TemplateView):
    """The page of one record: its fields, its organisation, and schema.org JSON-LD.

    Set ``queryset`` (a function giving the records with what the page shows), ``permission``,
    ``json_ld`` (a function of the request and the record) and ``context_object_name``.
    """

    queryset: Callable[[], QuerySet] = None
    permission: str = ""
    json_ld: Callable[[HttpRequest, Model], dict] = None
    context_object_name = "record"
    database = None  # the record type's Database (partners/databases.py)

    def get_object(self) -> Model:
        record = get_object_or_404(self.queryset(), pk=self.kwargs["pk"])
        if not self.request.user.has_perm(self.permission, record):
            raise Http404
        return record

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.get_object()
        user = self.request.user
        context[self.context_object_name] = record
        context["record"] = record
        context["database"] = self.database
        context["record_type_name"] = record._meta.verbose_name
        context["json_ld"] = json_ld_script(type(self).json_ld(self.request, record))
        context["can_change"] = user.is_authenticated and user.has_perm(
            self.permission.replace(".view_", ".change_"), record
        )
        return context


class OrganisationDetailView(RecordDetailView):
    database = databases.ORGANISATIONS
    template_name = "partners/organisations/detail.html"
    queryset = staticmethod(selectors.organisations_for_page)
    permission = "partners.view_organisation"
    json_ld = staticmethod(databases.organisation_json_ld)
    context_object_name = "organisation"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = context["organisation"]
        user = self.request.user
        context["records"] = selectors.public_records_of_organisation(organisation)
        # Contacts are for the organisation's members and the help desk only.
        context["show_contacts"] = user.is_authenticated and (
            is_organisation_member(user, organisation) or is_helpdesk_or_site_admin(user)
        )
        context["can_manage_members"] = user.is_authenticated and user.has_perm(
            "partners.manage_members", organisation
        )
        return context


class OfferDetailView(RecordDetailView):
    database = databases.OFFERS
    template_name = "partners/offers/detail.html"
    queryset = staticmethod(selectors.offers_for_page)
    permission = "partners.view_offer"
    json_ld = staticmethod(databases.offer_json_ld)
    context_object_name = "offer"


class InitiativeDetailView(RecordDetailView):
    database = databases.INITIATIVES
    template_name = "partners/initiatives/detail.html"
    queryset = staticmethod(selectors.initiatives_for_page)
    permission = "partners.view_initiative"
    json_ld = staticmethod(databases.initiative_json_ld)
    context_object_name = "initiative"


class ResourceDetailView(RecordDetailView):
    database = databases.RESOURCES
    template_name = "partners/resources/detail.html"
    queryset = staticmethod(selectors.resources_for_page)
    permission = "partners.view_resource"
    json_ld = staticmethod(databases.resource_json_ld)
    context_object_name = "resource"


class OpportunityDetailView(RecordDetailView):
    database = databases.OPPORTUNITIES
    template_name = "partners/opportunities/detail.html"
    queryset = staticmethod(selectors.opportunities_for_page)
    permission = "partners.view_opportunity"
    json_ld = staticmethod(databases.opportunity_json_ld)
    context_object_name = "opportunity"


class EventDetailView(RecordDetailView):
    database = databases.EVENTS
    template_name = "partners/events/detail.html"
    queryset = staticmethod(selectors.events_for_page)
    permission = "partners.view_event"
    json_ld = staticmethod(databases.event_json_ld)
    context_object_name = "event"


class AgreementDetailView(RecordDetailView):
    database = databases.AGREEMENTS
    template_name = "partners/agreements/detail.html"
    queryset = staticmethod(selectors.agreements_for_page)
    permission = "partners.view_partnershipagreement"
    json_ld = staticmethod(databases.agreement_json_ld)
    context_object_name = "agreement"


# --- IATI activity XML --------------------------------------------------------------------------
class InitiativeIatiView(View):
    """``initiatives/<pk>/iati.xml``: a public initiative as an IATI 2.03 activity. Public data
    only: 404 for an initiative that is not public, whoever asks."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        initiative = get_object_or_404(selectors.initiatives_for_iati(), pk=pk)
        return iati.iati_response(
            initiative_activity(initiative, request.build_absolute_uri),
            filename=f"initiative-{pk}-iati.xml",
        )


class InitiativeIatiExportView(View):
    """``initiatives/iati.xml``: the public initiatives, filtered like their list, as one streamed
    IATI document (404 when none matches: the schema wants at least one activity)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = databases.INITIATIVES.filterset(
            request.GET, request, queryset=selectors.initiatives_for_iati()
        )
        if not filterset.is_valid():
            return JsonResponse({"errors": filterset.errors}, status=400)
        rows = filterset.qs
        if not rows.exists():
            return HttpResponse(
                _("No public initiative matches these filters."),
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        return iati.stream_iati(
            rows,
            lambda initiative: initiative_activity(initiative, request.build_absolute_uri),
            f"initiatives-{timezone.localdate().isoformat()}-iati.xml",
        )
