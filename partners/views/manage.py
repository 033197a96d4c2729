"""Members' pages for their organisation's records: the list of every record in every status, and
creating, editing, translating, publishing, pausing, closing and deleting offers, initiatives,
resources, opportunities, events and partnership agreements.

Who may do what is in ``partners/rules.py``: members of the owning organisation (any role) add,
change and publish its records, its administrators delete them, the help desk does everything.
Anyone else gets 404, so that drafts and other organisations' pages are not revealed; anonymous
visitors are sent to sign in. Pages read through :mod:`partners.selectors` and write only through
:mod:`partners.services`; a service's ``ValidationError`` is shown on the field it names.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, re_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin

from .. import selectors, services
from ..databases import record_url
from ..forms.records import (
    RECORD_FORMS,
    RecordForm,
    RecordTranslationForm,
    add_service_errors,
)
from ..models import Offer, Organisation, PartnerRecord, RecordStatus

# Records of each type shown on the overview; "see all" pages the rest.
LATEST_PER_TYPE = 10
PAGE_SIZE = 25

ADD_LABELS = {
    "offers": _("Add an offer"),
    "initiatives": _("Add an initiative"),
    "resources": _("Add a resource"),
    "opportunities": _("Add an opportunity"),
    "events": _("Add an event"),
    "agreements": _("Add an agreement"),
}

STATUS_MESSAGES = {
    RecordStatus.PUBLISHED: _("“%(title)s” is published."),
    RecordStatus.PAUSED: _("“%(title)s” is paused: it stays visible but takes no new requests."),
    RecordStatus.CLOSED: _("“%(title)s” is closed."),
    RecordStatus.DRAFT: _(
        "“%(title)s” is back to draft: only your organisation's members and the help desk see it."
    ),
}


def _permission(model: type[Model], action: str) -> str:
    return f"partners.{action}_{model._meta.model_name}"


def _model_of(kind: str) -> type[PartnerRecord]:
    try:
        return selectors.MANAGED_RECORD_TYPES[kind]
    except KeyError:
        raise Http404 from None


def organisation_for_member(request: HttpRequest, pk: str) -> Organisation:
    """The organisation whose records the person manages: 404 unless a member or help desk."""
    organisation = get_object_or_404(selectors.organisations_for_manage(), pk=pk)
    user = request.user
    if not any(
        user.has_perm(_permission(model, "add"), organisation)
        for model in selectors.MANAGED_RECORD_TYPES.values()
    ):
        raise Http404
    return organisation


def record_for_member(request: HttpRequest, kind: str, pk: str, action: str) -> PartnerRecord:
    """The record, when the person may ``action`` (change, delete) it; 404 otherwise."""
    model = _model_of(kind)
    record = get_object_or_404(selectors.records_for_edit(kind=kind), pk=pk)
    if not request.user.has_perm(_permission(model, action), record):
        raise Http404
    return record


def manage_url(organisation_id: int) -> str:
    return reverse("partners:manage_records", args=[organisation_id])


# --- The organisation's records ------------------------------------------------------------------
class ManageRecordsView(LoginRequiredMixin, TemplateView):
    """``/partners/organisations/<pk>/records/``: the organisation's records of every type and
    status, the ten changed last of each type (``?kind=offers`` pages through one type).

    Queries do not depend on the number of records: the organisation, one union counting
    records by type and status, and one query per record type (or the count and the page).
    """

    template_name = "partners/manage/records.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = organisation_for_member(self.request, self.kwargs["organisation_pk"])
        user = self.request.user
        kind = self.request.GET.get("kind")
        if kind is not None and kind not in selectors.MANAGED_RECORD_TYPES:
            raise Http404
        counts = selectors.managed_record_status_counts(organisation=organisation)
        if kind is None:
            latest = selectors.managed_records_latest(
                organisation=organisation, limit=LATEST_PER_TYPE
            )
            page_obj = None
        else:
            paginator = Paginator(
                selectors.managed_records_of_kind(organisation=organisation, kind=kind),
                PAGE_SIZE,
            )
            page_obj = paginator.get_page(self.request.GET.get("page"))
            latest = {kind: list(page_obj.object_list)}
        sections = []
        for section_kind, model in selectors.MANAGED_RECORD_TYPES.items():
            status_counts = counts[section_kind]
            sections.append(
                {
                    "kind": section_kind,
                    "label": capfirst(model._meta.verbose_name_plural),
                    "add_label": ADD_LABELS[section_kind],
                    "add_url": reverse(
                        "partners:record_create", args=[organisation.pk, section_kind]
                    ),
                    "total": sum(status_counts.values()),
                    "status_counts": [
                        (RecordStatus(status).label, status_counts[status])
                        for status in model.STATUSES
                        if status_counts.get(status)
                    ],
                    "rows": [
                        {"record": record, "url": record_url(record)}
                        for record in latest.get(section_kind, ())
                    ],
                    "shown": section_kind in latest,
                }
            )
        context.update(
            organisation=organisation,
            sections=sections,
            kind=kind,
            page_obj=page_obj,
            query_string=f"kind={kind}" if kind else "",
            latest_per_type=LATEST_PER_TYPE,
            # Deleting is the same right for every record type: ask about the organisation.
            can_delete=user.has_perm(_permission(Offer, "delete"), organisation),
        )
        return context


# --- Creating and editing ------------------------------------------------------------------------
class RecordFormView(LoginRequiredMixin, TemplateView):
    """What the create and edit pages share: the form of the record type and its page."""

    template_name = "partners/manage/record_form.html"
    kind: str
    organisation: Organisation
    record: PartnerRecord | None = None

    def make_form(self, instance: PartnerRecord) -> RecordForm:
        request = self.request
        form_class = RECORD_FORMS[self.kind]
        bound = {"data": request.POST, "files": request.FILES} if request.method == "POST" else {}
        return form_class(
            **bound,
            instance=instance,
            organisation=self.organisation,
            may_moderate=is_helpdesk_or_site_admin(request.user),
        )

    def page(self, form: RecordForm, *, status: int = 200) -> HttpResponse:
        model = _model_of(self.kind)
        context = self.get_context_data(
            form=form,
            kind=self.kind,
            organisation=self.organisation,
            record=self.record,
            record_type_name=model._meta.verbose_name,
            is_draft=self.record is None or self.record.status == RecordStatus.DRAFT,
            has_files=form.is_multipart(),
            can_delete=self.record is not None
            and self.request.user.has_perm(_permission(model, "delete"), self.record),
            manage_url=manage_url(self.organisation.pk),
        )
        return self.render_to_response(context, status=status)

    def saved(self, record: PartnerRecord, *, published: bool) -> HttpResponse:
        if published:
            message = _("“%(title)s” is saved and published.")
        elif record.status == RecordStatus.DRAFT:
            message = _(
                "“%(title)s” is saved as a draft: only your organisation's members and the help "
                "desk see it until it is published."
            )
        else:
            message = _("Your changes to “%(title)s” are saved.")
        messages.success(self.request, message % {"title": record.title})
        return redirect(record_url(record))


class RecordCreateView(RecordFormView):
    """``/partners/organisations/<pk>/<kind>/new/``: a new record, saved as a draft or published."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        self.organisation = organisation_for_member(request, kwargs["organisation_pk"])
        if not request.user.has_perm(_permission(_model_of(self.kind), "add"), self.organisation):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def new_record(self) -> PartnerRecord:
        model = _model_of(self.kind)
        return model(**{model.ORGANISATION_FIELD: self.organisation})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(self.new_record())
        form.initial["language"] = request.LANGUAGE_CODE
        return self.page(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(self.new_record())
        publish = request.POST.get("action") == "publish"
        if form.is_valid():
            try:
                record = services.record_create(
                    model=_model_of(self.kind),
                    organisation=self.organisation,
                    by=request.user,
                    publish=publish,
                    **form.service_arguments(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.saved(record, published=publish)
        return self.page(form)


class RecordEditView(RecordFormView):
    """``/partners/<kind>/<pk>/edit/``: change a record; a draft may be published at once."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        self.record = record_for_member(request, self.kind, kwargs["pk"], "change")
        self.organisation = self.record.owner_organisation
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(self.make_form(self.record))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form works on a copy, so the page's heading keeps the saved title on errors.
        form = self.make_form(copy.copy(self.record))
        publish = (
            request.POST.get("action") == "publish" and self.record.status == RecordStatus.DRAFT
        )
        if form.is_valid():
            try:
                # Both or neither: a draft that cannot be published keeps its saved text too.
                with transaction.atomic():
                    record = services.record_update(
                        record=self.record, by=request.user, **form.service_arguments()
                    )
                    if publish:
                        record = services.record_set_status(
                            record=record, by=request.user, status=RecordStatus.PUBLISHED
                        )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.saved(record, published=publish)
        return self.page(form)


class RecordTranslateView(LoginRequiredMixin, TemplateView):
    """``/partners/<kind>/<pk>/translate/``: the record's content in the other languages."""

    template_name = "partners/manage/record_translate.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        self.record = record_for_member(request, self.kind, kwargs["pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form: RecordTranslationForm, *, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            kind=self.kind,
            record=self.record,
            organisation=self.record.owner_organisation,
            record_type_name=type(self.record)._meta.verbose_name,
            manage_url=manage_url(self.record.owner_organisation_id),
        )
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(RecordTranslationForm(record=self.record))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RecordTranslationForm(data=request.POST, record=self.record)
        if form.is_valid():
            try:
                record = services.record_update(
                    record=self.record, by=request.user, **form.service_arguments()
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The translations of “%(title)s” are saved.") % {"title": record.title},
                )
                return redirect(record_url(record))
        return self.page(form)


# --- Status and deletion -------------------------------------------------------------------------
class RecordStatusView(LoginRequiredMixin, View):
    """``POST /partners/<kind>/<pk>/status/`` with ``status``: publish, pause, close, or take
    back to draft; then back to ``next`` (the page the button was on) or the records' list."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, kind: str, pk: str) -> HttpResponse:
        record = record_for_member(request, kind, pk, "change")
        status = request.POST.get("status", "")
        try:
            record = services.record_set_status(record=record, by=request.user, status=status)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, STATUS_MESSAGES[record.status] % {"title": record.title})
        return redirect(_next_url(request) or manage_url(record.owner_organisation_id))


def _next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


class RecordDeleteView(LoginRequiredMixin, TemplateView):
    """``/partners/<kind>/<pk>/delete/``: asks, then deletes (the organisation's administrators
    and the help desk; 404 for editors and everyone else)."""

    template_name = "partners/manage/record_delete.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        self.record = record_for_member(request, self.kind, kwargs["pk"], "delete")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            record=self.record,
            kind=self.kind,
            organisation=self.record.owner_organisation,
            record_type_name=type(self.record)._meta.verbose_name,
            record_url=record_url(self.record),
            manage_url=manage_url(self.record.owner_organisation_id),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.record
        title, organisation_id = record.title, record.owner_organisation_id
        try:
            services.record_delete(record=record, by=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("“%(title)s” is deleted.") % {"title": title})
        return redirect(manage_url(organisation_id))


# Only the six record types match, so these addresses never hide other pages of the area.
_KIND = "(?P<kind>{})".format("|".join(selectors.MANAGED_RECORD_TYPES))
_RECORD = rf"^{_KIND}/(?P<pk>[0-9]+)/"

urlpatterns = [
    path(
        "organisations/<int:organisation_pk>/records/",
        ManageRecordsView.as_view(),
        name="manage_records",
    ),
    re_path(
        rf"^organisations/(?P<organisation_pk>[0-9]+)/{_KIND}/new/$",
        RecordCreateView.as_view(),
        name="record_create",
    ),
    re_path(rf"{_RECORD}edit/$", RecordEditView.as_view(), name="record_edit"),
    re_path(rf"{_RECORD}translate/$", RecordTranslateView.as_view(), name="record_translate"),
    re_path(rf"{_RECORD}status/$", RecordStatusView.as_view(), name="record_status"),
    re_path(rf"{_RECORD}delete/$", RecordDeleteView.as_view(), name="record_delete"),
]
