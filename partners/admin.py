"""Django admin of partners: the help desk's moderation of organisations and of the records of the
partners' databases, applications to opportunities, harvesting, and CSV/XLSX imports and exports.

State changes go through the services (approval, members, record status, application decisions,
harvests); statuses are read-only in the forms. A record's content is saved through the model
form, which runs the model's own checks (dates in order, a link or a file...). Imports and
exports use the tables of ``imports.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm
from modeltranslation.admin import TranslationAdmin

from chm_portal.core.admin_tools import (
    ConflictCheckAdminMixin,
    ReadOnlyAdminMixin,
    RegionFilter,
    apply_to_each,
)
from chm_portal.core.background import enqueue_after_commit
from chm_portal.vocabularies.translation import translation_field_names

from . import services, tasks
from .imports import EventTable, OpportunityTable, OrganisationTable, ResourceTable
from .models import (
    Event,
    HarvestRun,
    HarvestSource,
    Initiative,
    Invitation,
    Membership,
    Offer,
    Opportunity,
    OpportunityApplication,
    Organisation,
    PartnerRecord,
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)

# Harvest runs shown on a source's page; every run is on the harvest runs page.
RECENT_RUNS = 20


# --- Filters ------------------------------------------------------------------------------------
class OrganisationStatusFilter(admin.SimpleListFilter):
    """Whether the record's organisation is approved: records of others are not public."""

    title = _("organisation's status")
    parameter_name = "organisation_status"

    def lookups(self, request, model_admin):
        return Organisation.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Organisation.Status.values:
            field = queryset.model.ORGANISATION_FIELD
            return queryset.filter(**{f"{field}__status": self.value()})
        return queryset


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("accepted", _("Accepted")),
            ("withdrawn", _("Withdrawn")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        unanswered = {"accepted_at__isnull": True, "revoked_at__isnull": True}
        return {
            "open": lambda: queryset.filter(**unanswered, expires_at__gt=now),
            "accepted": lambda: queryset.filter(accepted_at__isnull=False),
            "withdrawn": lambda: queryset.filter(revoked_at__isnull=False),
            "expired": lambda: queryset.filter(**unanswered, expires_at__lte=now),
        }.get(self.value(), lambda: queryset)()


# --- Imports and exports ------------------------------------------------------------------------
class SpreadsheetMixin(ImportExportMixin):
    """CSV and XLSX import and export (django-import-export) with the tables of ``imports.py``.

    The import page checks the whole file first (a dry run) and lists the bad rows with their
    numbers; it offers to confirm only a file without errors, and imports it whole or not at all.
    Exports follow the list's filters and search, and can be imported again.
    """

    formats = (base_formats.CSV, base_formats.XLSX)
    # Every column, in the order imports read them, so that an export imports again.
    export_form_class = ExportForm
    # With a byte-order mark, spreadsheets read the CSV as UTF-8.
    to_encoding = "utf-8-sig"
    import_error_display = ("message", "row")
    import_template_name = "admin/partners/import.html"
    # How rows are matched to existing ones, and what status imported rows get (import page).
    import_identification = _(
        "A row with an id updates that record; without one, it updates the record of the same "
        "organisation with the same title in its original language, or adds a new one."
    )
    import_status_help = _(
        "New records are drafts unless the “status” column says published (or closed)."
    )

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "import_identification": self.import_identification,
            "import_status_help": self.import_status_help,
        }

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs


# --- Organisations and their members -------------------------------------------------------------
class MembershipInline(admin.TabularInline):
    """Members of an organisation, read-only here: add members on the memberships page."""

    model = Membership
    fk_name = "organisation"
    fields = ("user", "role", "created_at", "added_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "added_by")


class OrganisationRejectionForm(forms.Form):
    rejection_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Sent to the person who registered the organisation, in their language."),
    )


class OrganisationRegionFilter(RegionFilter):
    title = _("region of the headquarters")


@admin.register(Organisation)
class OrganisationAdmin(ConflictCheckAdminMixin, SpreadsheetMixin, TranslationAdmin):
    resource_classes = [OrganisationTable]
    import_identification = _(
        "A row with an id updates that organisation; without one, it updates the organisation "
        "with the same name and headquarters country, or adds a new one."
    )
    import_status_help = _(
        "New organisations are pending approval unless the “status” column says approved or "
        "rejected: you then approve or reject them."
    )
    list_display = ("name", "acronym", "organisation_type", "country", "status", "created_at")
    list_filter = (
        "status",
        "organisation_type",
        OrganisationRegionFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organisation_type", "country")
    search_fields = (
        *translation_field_names("name"),
        "acronym",
        "website",
        "contact_name",
        "contact_email",
    )
    autocomplete_fields = (
        "organisation_type",
        "country",
        "countries_of_operation",
        "regions_of_operation",
        "targets",
        "thematic_areas",
        "support_types",
        "languages",
    )
    date_hierarchy = "created_at"
    fieldsets = (
        (
            _("Profile"),
            {
                "fields": (
                    "name",
                    "acronym",
                    "organisation_type",
                    "country",
                    "website",
                    "description",
                    "logo",
                    "logo_preview",
                )
            },
        ),
        (
            _("Expertise"),
            {
                "fields": (
                    "countries_of_operation",
                    "regions_of_operation",
                    "targets",
                    "thematic_areas",
                    "support_types",
                    "languages",
                )
            },
        ),
        (
            _("Contacts (never public)"),
            {"fields": ("contact_name", "contact_email", "contact_phone")},
        ),
        (
            _("Decision"),
            {"fields": ("status", "decided_at", "decided_by", "rejection_reason")},
        ),
        (
            _("Registration"),
            {
                "fields": ("created_by", "created_at", "updated_at", "source", "external_id"),
                "classes": ("collapse",),
            },
        ),
    )
    readonly_fields = (
        "logo_preview",
        "status",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "created_by",
        "created_at",
        "updated_at",
        "source",
        "external_id",
    )
    inlines = (MembershipInline,)
    actions = ["approve_selected", "reject_selected"]

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("partners.approve_organisation")

    def has_import_permission(self, request) -> bool:
        # Organisations are added by registering, or imported by those who approve them.
        return self.has_change_permission(request) and self.has_approve_permission(request)

    @admin.display(description=_("logo as shown"))
    def logo_preview(self, organisation: Organisation) -> str:
        if not organisation.logo:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" style="max-height: 6rem; max-width: 16rem">',
            organisation.logo.url,
            gettext("Logo of %(name)s") % {"name": organisation.name},
        )

    @admin.action(description=_("Approve the selected organisations"), permissions=["approve"])
    def approve_selected(self, request, queryset: QuerySet[Organisation]) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda organisation: services.organisation_approve(
                organisation=organisation, by=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d organisation approved.", "%(count)d organisations approved.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected organisations…"), permissions=["approve"])
    def reject_selected(self, request, queryset: QuerySet[Organisation]):
        """Asks for the reason first, on an intermediate page that keeps the selection."""
        form = OrganisationRejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["rejection_reason"]
            apply_to_each(
                self,
                request,
                queryset,
                lambda organisation: services.organisation_reject(
                    organisation=organisation, by=request.user, rejection_reason=reason
                ),
                lambda count: (
                    ngettext(
                        "%(count)d organisation rejected.",
                        "%(count)d organisations rejected.",
                        count,
                    )
                    % {"count": count}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject organisations"),
            "opts": self.model._meta,
            "form": form,
            "organisations": list(queryset.order_by("pk")),
            "action": "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/partners/organisation/reject.html", context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at", "added_by")
    list_filter = ("role",)
    list_select_related = ("user", "organisation", "added_by")
    search_fields = (
        "user__email",
        "user__full_name",
        *(f"organisation__{name}" for name in translation_field_names("name")),
        "organisation__acronym",
    )
    autocomplete_fields = ("user", "organisation")

    def get_readonly_fields(self, request, obj=None):
        # A membership is added once; to change it, remove it and add it again.
        if obj is not None:
            return ("user", "organisation", "role", "created_at", "added_by")
        return ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "organisation", "role")
        return ("user", "organisation", "role", "created_at", "added_by")

    def save_model(self, request, obj: Membership, form, change: bool) -> None:
        if change:
            return
        created = services.membership_add(
            organisation=obj.organisation, user=obj.user, role=obj.role, by=request.user
        )
        # The admin logs the addition against the row the service created.
        obj.pk, obj.created_at, obj.added_by = created.pk, created.created_at, created.added_by


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations sent by organisations' administrators; read-only, the help desk may withdraw
    open ones."""

    list_display = (
        "email",
        "organisation",
        "role",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
    )
    list_filter = (InvitationStateFilter, "role")
    list_select_related = ("organisation", "invited_by")
    search_fields = (
        "email",
        *(f"organisation__{name}" for name in translation_field_names("name")),
    )
    date_hierarchy = "created_at"
    fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ["revoke_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, invitation: Invitation) -> str:
        if invitation.accepted_at:
            return gettext("Accepted")
        if invitation.revoked_at:
            return gettext("Withdrawn")
        if invitation.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("Open")

    @admin.action(description=_("Withdraw the selected invitations"), permissions=["delete"])
    def revoke_selected(self, request, queryset: QuerySet[Invitation]) -> None:
        apply_to_each(
            self,
            request,
            queryset.select_related("organisation"),
            lambda invitation: services.invitation_revoke(invitation=invitation, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d invitation withdrawn.", "%(count)d invitations withdrawn.", count
                )
                % {"count": count}
            ),
        )


# --- Records of the partners' databases ----------------------------------------------------------
# Set by the services or the portal only.
RECORD_READONLY_FIELDS = (
    "status",
    "published_at",
    "closed_automatically",
    "created_by",
    "created_at",
    "updated_at",
    "source",
    "external_id",
    "gone_from_source_at",
)
RECORD_TRAILING_FIELDSETS = (
    (
        _("Publication"),
        {
            "fields": (
                "status",
                "published_at",
                "closed_automatically",
                "created_by",
                "created_at",
                "updated_at",
            )
        },
    ),
    (
        _("Harvesting"),
        {"fields": ("source", "external_id", "gone_from_source_at"), "classes": ("collapse",)},
    ),
)


def _record_search_fields(organisation_field: str) -> tuple[str, ...]:
    return (
        *translation_field_names("title"),
        *(f"{organisation_field}__{name}" for name in translation_field_names("name")),
        f"{organisation_field}__acronym",
    )


class RecordAdmin(ConflictCheckAdminMixin, TranslationAdmin):
    """What the records' admins share: moderation actions through ``record_set_status``, the
    status read-only, the organisation's status as a filter."""

    readonly_fields = RECORD_READONLY_FIELDS
    actions = ["publish_selected", "close_selected", "draft_selected"]

    def save_model(self, request, obj: PartnerRecord, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset: QuerySet, status: str, message) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda record: services.record_set_status(
                record=record, by=request.user, status=status
            ),
            message,
        )

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish_selected(self, request, queryset: QuerySet) -> None:
        self._set_status(
            request,
            queryset,
            RecordStatus.PUBLISHED,
            lambda count: (
                ngettext("%(count)d record published.", "%(count)d records published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Close"), permissions=["change"])
    def close_selected(self, request, queryset: QuerySet) -> None:
        self._set_status(
            request,
            queryset,
            RecordStatus.CLOSED,
            lambda count: (
                ngettext("%(count)d record closed.", "%(count)d records closed.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Back to draft"), permissions=["change"])
    def draft_selected(self, request, queryset: QuerySet) -> None:
        self._set_status(
            request,
            queryset,
            RecordStatus.DRAFT,
            lambda count: (
                ngettext(
                    "%(count)d record taken back to draft.",
                    "%(count)d records taken back to draft.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(Offer)
class OfferAdmin(RecordAdmin):
    list_display = ("title", "provider", "status", "available_from", "available_until", "cost")
    list_filter = (
        "status",
        OrganisationStatusFilter,
        "cost",
        "contribution",
        "support_types",
        ("available_until", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("provider",)
    search_fields = _record_search_fields("provider")
    autocomplete_fields = (
        "provider",
        "support_types",
        "thematic_areas",
        "targets",
        "capacity_levels",
        "languages",
        "eligible_countries",
        "eligible_regions",
        "eligible_groups",
    )
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("provider", "language", "title", "description")}),
        (
            _("Support"),
            {
                "fields": (
                    "support_types",
                    "thematic_areas",
                    "targets",
                    "capacity_levels",
                    "languages",
                    "max_concurrent_requests",
                )
            },
        ),
        (
            _("Eligibility and availability"),
            {
                "fields": (
                    "eligible_countries",
                    "eligible_regions",
                    "eligible_groups",
                    "available_from",
                    "available_until",
                )
            },
        ),
        (
            _("Cost"),
            {"fields": ("cost", "contribution", "budget_min", "budget_max", "budget_currency")},
        ),
        *RECORD_TRAILING_FIELDSETS,
    )
    actions = [*RecordAdmin.actions, "pause_selected"]

    @admin.action(description=_("Pause"), permissions=["change"])
    def pause_selected(self, request, queryset: QuerySet[Offer]) -> None:
        self._set_status(
            request,
            queryset,
            RecordStatus.PAUSED,
            lambda count: (
                ngettext("%(count)d offer paused.", "%(count)d offers paused.", count)
                % {"count": count}
            ),
        )


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ("title", "organisation", "status", "stage", "start_date", "end_date")
    list_filter = (
        "status",
        OrganisationStatusFilter,
        "stage",
        ("start_date", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("organisation",)
    search_fields = _record_search_fields("organisation")
    autocomplete_fields = (
        "organisation",
        "partner_organisations",
        "countries",
        "targets",
        "thematic_areas",
    )
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("organisation", "language", "title", "description")}),
        (
            _("Initiative"),
            {
                "fields": (
                    "stage",
                    "start_date",
                    "end_date",
                    "partner_organisations",
                    "other_partners",
                    "countries",
                    "targets",
                    "thematic_areas",
                    "budget",
                    "budget_currency",
                    "website",
                    "results",
                )
            },
        ),
        *RECORD_TRAILING_FIELDSETS,
    )


class QualityReviewActionMixin:
    """ "Open a quality review" for content reviewers: a review of each selected record against
    the portal's standards (``chm_portal.quality``), taken by the reviewer, on the review queue."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("quality.review_item"):
            actions.pop("open_quality_review", None)
        return actions

    @admin.action(description=_("Open a quality review"))
    def open_quality_review(self, request, queryset: QuerySet) -> None:
        from chm_portal.quality.services import request_review, start_review

        def open_and_take(record) -> None:
            start_review(review=request_review(item=record, by=request.user), reviewer=request.user)

        apply_to_each(
            self,
            request,
            queryset,
            open_and_take,
            lambda count: (
                ngettext(
                    "%(count)d quality review opened: find it on the review queue.",
                    "%(count)d quality reviews opened: find them on the review queue.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(Resource)
class ResourceAdmin(QualityReviewActionMixin, SpreadsheetMixin, RecordAdmin):
    resource_classes = [ResourceTable]
    actions = [*RecordAdmin.actions, "open_quality_review"]
    list_display = (
        "title",
        "organisation",
        "resource_type",
        "status",
        "licence",
        "download_count",
        "created_at",
    )
    list_filter = (
        "status",
        "resource_type",
        OrganisationStatusFilter,
        "licence",
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("organisation", "resource_type")
    search_fields = (*_record_search_fields("organisation"), "authors")
    autocomplete_fields = (
        "organisation",
        "resource_type",
        "languages",
        "targets",
        "thematic_areas",
    )
    date_hierarchy = "created_at"
    readonly_fields = (*RECORD_READONLY_FIELDS, "download_count")
    fieldsets = (
        (None, {"fields": ("organisation", "language", "title", "description")}),
        (
            _("Resource"),
            {
                "fields": (
                    "resource_type",
                    "file",
                    "url",
                    "licence",
                    "authors",
                    "publication_year",
                    "languages",
                    "targets",
                    "thematic_areas",
                    "download_count",
                )
            },
        ),
        *RECORD_TRAILING_FIELDSETS,
    )


@admin.register(Opportunity)
class OpportunityAdmin(SpreadsheetMixin, RecordAdmin):
    resource_classes = [OpportunityTable]
    list_display = (
        "title",
        "organisation",
        "opportunity_type",
        "status",
        "deadline",
        "is_portal_programme",
    )
    list_filter = (
        "status",
        "opportunity_type",
        OrganisationStatusFilter,
        "is_portal_programme",
        "applications_on_portal",
        ("deadline", admin.DateFieldListFilter),
    )
    list_select_related = ("organisation", "opportunity_type")
    search_fields = _record_search_fields("organisation")
    autocomplete_fields = (
        "organisation",
        "opportunity_type",
        "eligible_countries",
        "eligible_regions",
        "eligible_groups",
        "targets",
        "thematic_areas",
        "languages",
    )
    date_hierarchy = "deadline"
    fieldsets = (
        (None, {"fields": ("organisation", "language", "title", "description")}),
        (
            _("Opportunity"),
            {
                "fields": (
                    "opportunity_type",
                    "opens_at",
                    "deadline",
                    "link",
                    "applications_on_portal",
                    "is_portal_programme",
                    "places",
                )
            },
        ),
        (
            _("Eligibility"),
            {
                "fields": (
                    "eligibility",
                    "eligible_countries",
                    "eligible_regions",
                    "eligible_groups",
                    "targets",
                    "thematic_areas",
                    "languages",
                )
            },
        ),
        *RECORD_TRAILING_FIELDSETS,
    )


@admin.register(Event)
class EventAdmin(QualityReviewActionMixin, SpreadsheetMixin, RecordAdmin):
    resource_classes = [EventTable]
    actions = [*RecordAdmin.actions, "open_quality_review"]
    list_display = (
        "title",
        "organisation",
        "event_type",
        "status",
        "starts_at",
        "is_online",
        "country",
        "participant_count",
    )
    list_filter = (
        "status",
        "event_type",
        OrganisationStatusFilter,
        "is_online",
        ("starts_at", admin.DateFieldListFilter),
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organisation", "event_type", "country")
    search_fields = (*_record_search_fields("organisation"), "venue", "city")
    autocomplete_fields = (
        "organisation",
        "event_type",
        "country",
        "languages",
        "targets",
        "thematic_areas",
    )
    date_hierarchy = "starts_at"
    fieldsets = (
        (None, {"fields": ("organisation", "language", "title", "description")}),
        (
            _("Event"),
            {
                "fields": (
                    "event_type",
                    "starts_at",
                    "ends_at",
                    "time_zone",
                    "is_online",
                    "venue",
                    "city",
                    "country",
                    "registration_url",
                    "languages",
                    "targets",
                    "thematic_areas",
                    "participant_count",
                )
            },
        ),
        *RECORD_TRAILING_FIELDSETS,
    )


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(RecordAdmin):
    list_display = ("title", "organisation", "kind", "status", "signed_on", "ends_on")
    list_filter = (
        "status",
        "kind",
        OrganisationStatusFilter,
        ("signed_on", admin.DateFieldListFilter),
        ("ends_on", admin.DateFieldListFilter),
    )
    list_select_related = ("organisation",)
    search_fields = _record_search_fields("organisation")
    autocomplete_fields = ("organisation",)
    date_hierarchy = "signed_on"
    fieldsets = (
        (None, {"fields": ("organisation", "language", "title", "description")}),
        (_("Agreement"), {"fields": ("kind", "signed_on", "ends_on", "document")}),
        *RECORD_TRAILING_FIELDSETS,
    )


# --- Engagement: downloads and applications ------------------------------------------------------
@admin.register(ResourceDownload)
class ResourceDownloadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each download of a resource: the indicator of downloads by Parties and other users."""

    list_display = ("resource", "downloaded_at", "country", "by_focal_point", "user")
    list_filter = (
        "by_focal_point",
        RegionFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("resource", "country", "user")
    search_fields = tuple(f"resource__{name}" for name in translation_field_names("title"))
    date_hierarchy = "downloaded_at"


@admin.register(OpportunityApplication)
class OpportunityApplicationAdmin(admin.ModelAdmin):
    """Applications through the portal's form; staff accept or turn them down with the actions."""

    list_display = ("applicant", "opportunity", "country", "status", "submitted_at", "reviewed_at")
    list_filter = (
        "status",
        "opportunity__is_portal_programme",
        RegionFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("applicant", "opportunity", "country")
    search_fields = (
        "applicant__email",
        "applicant__full_name",
        "organisation_name",
        *(f"opportunity__{name}" for name in translation_field_names("title")),
    )
    date_hierarchy = "submitted_at"
    fields = (
        "opportunity",
        "applicant",
        "country",
        "organisation_name",
        "motivation",
        "cv",
        "status",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "review_note",
    )
    readonly_fields = fields
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, *, accept: bool, message) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda application: services.application_decide(
                application=application, by=request.user, accept=accept, note=""
            ),
            message,
        )

    @admin.action(description=_("Accept"), permissions=["change"])
    def accept_selected(self, request, queryset: QuerySet[OpportunityApplication]) -> None:
        self._decide(
            request,
            queryset,
            accept=True,
            message=lambda count: (
                ngettext(
                    "%(count)d application accepted.", "%(count)d applications accepted.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject_selected(self, request, queryset: QuerySet[OpportunityApplication]) -> None:
        self._decide(
            request,
            queryset,
            accept=False,
            message=lambda count: (
                ngettext(
                    "%(count)d application turned down.",
                    "%(count)d applications turned down.",
                    count,
                )
                % {"count": count}
            ),
        )


# --- Harvesting -----------------------------------------------------------------------------------
class HarvestRunInline(admin.TabularInline):
    """The latest harvests of the source, read-only."""

    model = HarvestRun
    fields = ("started_at", "finished_at", "status", "created", "updated", "unchanged", "gone")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("latest harvests")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        source_id = (request.resolver_match.kwargs if request.resolver_match else {}).get(
            "object_id", ""
        )
        if not str(source_id).isdigit():
            return queryset.none()
        latest = (
            HarvestRun.objects.filter(source_id=int(source_id))
            .order_by("-started_at")
            .values_list("pk", flat=True)[:RECENT_RUNS]
        )
        return queryset.filter(pk__in=list(latest))


LAST_RUN_FIELDS = ("status", "created", "updated", "unchanged", "gone")


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "format",
        "record_type",
        "is_active",
        "interval_hours",
        "last_harvested_at",
        "last_run",
    )
    list_filter = ("is_active", "format", "record_type")
    list_select_related = ("organisation",)
    search_fields = (
        "name",
        "url",
        *(f"organisation__{name}" for name in translation_field_names("name")),
    )
    autocomplete_fields = ("organisation",)
    fields = (
        "name",
        "url",
        "format",
        "record_type",
        "organisation",
        "publish_records",
        "is_active",
        "interval_hours",
        "last_harvested_at",
        "last_run",
        "created_at",
    )
    readonly_fields = ("last_harvested_at", "last_run", "created_at")
    inlines = (HarvestRunInline,)
    actions = ["harvest_now"]

    def get_queryset(self, request):
        # The last run's summary in the same query as the sources.
        latest = HarvestRun.objects.filter(source=OuterRef("pk")).order_by("-started_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"last_run_{name}": Subquery(latest.values(name)[:1])
                    for name in LAST_RUN_FIELDS
                }
            )
        )

    def has_harvest_permission(self, request) -> bool:
        return request.user.has_perm("partners.manage_harvest")

    @admin.display(description=_("last harvest"))
    def last_run(self, source: HarvestSource) -> str:
        status = getattr(source, "last_run_status", None)
        if status is None:
            return gettext("Never harvested")
        return gettext(
            "%(status)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(gone)d gone from the source"
        ) % {
            "status": HarvestRun.Status(status).label,
            "created": source.last_run_created,
            "updated": source.last_run_updated,
            "unchanged": source.last_run_unchanged,
            "gone": source.last_run_gone,
        }

    @admin.action(description=_("Harvest now"), permissions=["harvest"])
    def harvest_now(self, request, queryset: QuerySet[HarvestSource]) -> None:
        source_ids = list(queryset.values_list("pk", flat=True))
        for source_id in source_ids:
            enqueue_after_commit(tasks.harvest_source, source_id)
        self.message_user(
            request,
            ngettext(
                "A harvest of %(count)d source was requested; its report will be on its page.",
                "A harvest of %(count)d sources was requested; their reports will be on their "
                "pages.",
                len(source_ids),
            )
            % {"count": len(source_ids)},
            messages.SUCCESS,
        )


@admin.register(HarvestRun)
class HarvestRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "source",
        "started_at",
        "finished_at",
        "status",
        "created",
        "updated",
        "unchanged",
        "gone",
    )
    list_filter = ("status", ("source", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("source",)
    search_fields = ("source__name", "report")
    date_hierarchy = "started_at"
