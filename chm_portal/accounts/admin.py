"""Django admin: people, focal-point assignments and the help desk's role request queue.

State changes (granting and revoking roles, deciding requests) go through the services, from
actions; the change forms of those records are read-only.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chm_portal.core.admin_tools import error_text

from . import services
from .models import FocalPoint, RoleRequest, User
from .predicates import is_site_admin
from .roles import STAFF_ROLE_GROUPS, Role


def _report(
    modeladmin, request, *, done: int, message: Callable[[int], str], failures: list[str]
) -> None:
    """Tell the help desk how many rows an action changed, and why others were left alone."""
    if done:
        modeladmin.message_user(request, message(done), messages.SUCCESS)
    for failure in failures:
        modeladmin.message_user(request, failure, messages.WARNING)


# --- People -------------------------------------------------------------------------------------
class PortalUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")
        field_classes = {}


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class FocalPointInline(admin.TabularInline):
    """A person's focal-point assignments, read-only: grant and revoke on the focal points page."""

    model = FocalPoint
    fk_name = "user"
    fields = ("country", "kind", "granted_at", "granted_by", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("focal point assignments")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country", "granted_by")


def _staff_role_action(role: Role, *, grant: bool):
    """An admin action granting or revoking ``role`` for the selected people, via the services."""

    def action(modeladmin, request, queryset: QuerySet[User]) -> None:
        done, failures = 0, []
        for user in queryset:
            try:
                if grant:
                    services.staff_role_grant(user=user, role=role, by=request.user)
                else:
                    services.staff_role_revoke(user=user, role=role, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                failures.append(f"{user}: {error_text(exc)}")
            else:
                done += 1
        _report(
            modeladmin,
            request,
            done=done,
            message=lambda count: (
                ngettext(
                    "The role changed for %(count)d person.",
                    "The role changed for %(count)d people.",
                    count,
                )
                % {"count": count}
            ),
            failures=failures,
        )

    verb = "grant" if grant else "revoke"
    action.__name__ = f"{verb}_{role.value}"
    if grant:
        action.short_description = format_lazy(_("Give the role “{role}”"), role=role.label)
    else:
        action.short_description = format_lazy(_("Take away the role “{role}”"), role=role.label)
    return action


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("full_name", "country", "organisation_name", "preferred_language")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "country", "is_staff", "is_active", "date_joined")
    list_filter = (
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("country",)
    search_fields = ("email", "full_name", "organisation_name")
    ordering = ("email",)
    autocomplete_fields = ("country",)
    readonly_fields = ("last_login", "date_joined")
    inlines = (FocalPointInline,)
    actions = [
        _staff_role_action(role, grant=grant)
        for grant in (True, False)
        for role in STAFF_ROLE_GROUPS
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # The help desk may not edit staff accounts (their email or password would be a way
        # into a more powerful account); site administrators may.
        someone_elses_staff_account = (
            obj is not None and (obj.is_staff or obj.is_superuser) and obj.pk != request.user.pk
        )
        if someone_elses_staff_account and not is_site_admin(request.user):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_site_admin(request.user):
            # The help desk may correct people's details, not their powers.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly


# --- Focal points -------------------------------------------------------------------------------
class ActiveFocalPointFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Active")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ("user", "country", "kind", "granted_at", "active", "granted_by")
    list_filter = (ActiveFocalPointFilter, "kind", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "country", "granted_by")
    search_fields = ("user__email", "user__full_name", "country__name", "country__code")
    autocomplete_fields = ("user", "country")
    date_hierarchy = "granted_at"
    actions = ["revoke_selected"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, obj: FocalPoint) -> bool:
        return obj.is_active

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "country", "kind")
        return ("user", "country", "kind", "granted_at", "granted_by", "revoked_at", "revoked_by")

    def save_model(self, request, obj: FocalPoint, form, change: bool) -> None:
        if change:
            return
        created = services.focal_point_grant(
            user=obj.user, country=obj.country, kind=obj.kind, by=request.user
        )
        # The admin logs the addition against the row the service created.
        obj.pk, obj.granted_at, obj.granted_by = created.pk, created.granted_at, created.granted_by

    def has_change_permission(self, request, obj=None) -> bool:
        # Recorded once: the page of an assignment is read-only; end it with the action.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    @admin.action(description=_("End the selected assignments"), permissions=["revoke"])
    def revoke_selected(self, request, queryset: QuerySet[FocalPoint]) -> None:
        done, failures = 0, []
        for focal_point in queryset.select_related("user", "country"):
            try:
                services.focal_point_revoke(focal_point=focal_point, by=request.user)
            except (PermissionDenied, ValidationError) as exc:
                failures.append(f"{focal_point}: {error_text(exc)}")
            else:
                done += 1
        _report(
            self,
            request,
            done=done,
            message=lambda count: (
                ngettext("%(count)d assignment ended.", "%(count)d assignments ended.", count)
                % {"count": count}
            ),
            failures=failures,
        )

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.revoke_focal_point")


# --- Role requests: the help desk's queue -------------------------------------------------------
class RejectionForm(forms.Form):
    decision_note = forms.CharField(
        label=_("Note to the requesters"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent by email with the decision: say why, and what they could do instead."),
    )


@admin.register(RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "role",
        "country",
        "focal_point_kind",
        "status",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "role", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "country", "decided_by")
    date_hierarchy = "created_at"
    search_fields = ("user__email", "user__full_name", "position", "justification")
    autocomplete_fields = ("user", "country")
    readonly_fields = (
        "user",
        "role",
        "country",
        "focal_point_kind",
        "position",
        "justification",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "helpdesk_notified_at",
        "requester_notified_at",
    )
    fieldsets = (
        (
            _("Request"),
            {
                "fields": (
                    "user",
                    "role",
                    "country",
                    "focal_point_kind",
                    "position",
                    "justification",
                    "created_at",
                )
            },
        ),
        (
            _("Decision"),
            {"fields": ("status", "decided_by", "decided_at", "decision_note")},
        ),
        (
            _("Emails"),
            {
                "classes": ("collapse",),
                "fields": ("helpdesk_notified_at", "requester_notified_at"),
            },
        ),
    )
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request) -> bool:
        # People ask for roles on the portal; the admin only decides.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A request's page is read-only; decisions are the actions of the list.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("accounts.decide_rolerequest")

    def _decide(self, request, queryset, decide, message: Callable[[int], str]) -> None:
        done, failures = 0, []
        for role_request in queryset.select_related("user", "country"):
            try:
                decide(role_request)
            except (PermissionDenied, ValidationError) as exc:
                failures.append(f"{role_request}: {error_text(exc)}")
            else:
                done += 1
        _report(self, request, done=done, message=message, failures=failures)

    @admin.action(description=_("Approve the selected requests"), permissions=["decide"])
    def approve_selected(self, request, queryset: QuerySet[RoleRequest]) -> None:
        self._decide(
            request,
            queryset,
            lambda role_request: services.role_request_approve(
                role_request=role_request, by=request.user
            ),
            lambda count: (
                ngettext("%(count)d request approved.", "%(count)d requests approved.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected requests…"), permissions=["decide"])
    def reject_selected(self, request, queryset: QuerySet[RoleRequest]):
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            note = form.cleaned_data["decision_note"]
            self._decide(
                request,
                queryset,
                lambda role_request: services.role_request_reject(
                    role_request=role_request, by=request.user, note=note
                ),
                lambda count: (
                    ngettext("%(count)d request rejected.", "%(count)d requests rejected.", count)
                    % {"count": count}
                ),
            )
            return None
        # First step, or a missing note: ask for the note, keeping the selection.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject role requests"),
            "opts": self.model._meta,
            "form": form,
            "role_requests": queryset.select_related("user", "country"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "accounts/admin/reject_role_requests.html", context)
