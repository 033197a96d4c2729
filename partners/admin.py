"""Django admin: partner organisations (approval queue) and their members.

Approval and membership changes go through the services; status is read-only in the forms.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import Membership, Organisation


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


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


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "acronym", "organisation_type", "country", "status", "created_at")
    list_filter = ("status", "organisation_type", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation_type", "country")
    search_fields = ("name", "acronym", "website")
    autocomplete_fields = ("country",)
    date_hierarchy = "created_at"
    readonly_fields = ("status", "created_by", "created_at", "updated_at")
    inlines = (MembershipInline,)
    actions = ["approve_selected", "reject_selected"]

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("partners.approve_organisation")

    def _decide(self, request, queryset: QuerySet[Organisation], decide, message) -> None:
        done = 0
        for organisation in queryset:
            try:
                decide(organisation=organisation, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{organisation}: {_error_text(exc)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, message(done), messages.SUCCESS)

    @admin.action(description=_("Approve the selected organisations"), permissions=["approve"])
    def approve_selected(self, request, queryset: QuerySet[Organisation]) -> None:
        self._decide(
            request,
            queryset,
            services.organisation_approve,
            lambda count: (
                ngettext(
                    "%(count)d organisation approved.", "%(count)d organisations approved.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected organisations"), permissions=["approve"])
    def reject_selected(self, request, queryset: QuerySet[Organisation]) -> None:
        self._decide(
            request,
            queryset,
            services.organisation_reject,
            lambda count: (
                ngettext(
                    "%(count)d organisation rejected.", "%(count)d organisations rejected.", count
                )
                % {"count": count}
            ),
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at", "added_by")
    list_filter = ("role",)
    list_select_related = ("user", "organisation", "added_by")
    search_fields = (
        "user__email",
        "user__full_name",
        "organisation__name",
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
