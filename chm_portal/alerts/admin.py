"""Saved searches and follows in the admin: read-only lists for the help desk to answer
questions about emails ("why did I get this?"); people manage their own on the portal."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Follow, InboxMessage, SavedSearch


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RemindedFilter(admin.SimpleListFilter):
    title = _("reminded")
    parameter_name = "reminded"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reminded_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(reminded_at__isnull=True)
        return queryset


@admin.register(SavedSearch)
class SavedSearchAdmin(_ReadOnlyAdmin):
    list_display = ("name", "user", "database", "frequency", "created_at", "last_sent_at")
    list_filter = ("frequency", "database", "created_at", "last_sent_at")
    search_fields = ("name", "user__email", "user__full_name", "query")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(Follow)
class FollowAdmin(_ReadOnlyAdmin):
    list_display = ("user", "content_type", "object_id", "created_at", "reminded_at")
    list_filter = ("content_type", RemindedFilter, "created_at")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "content_type")
    date_hierarchy = "created_at"


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(InboxMessage)
class InboxMessageAdmin(_ReadOnlyAdmin):
    """What the portal put in people's inboxes: read-only, to answer "did they get it?"."""

    list_display = ("subject", "recipient", "created_at", "read_at")
    list_filter = (ReadFilter, "created_at")
    search_fields = ("subject", "recipient__email", "recipient__full_name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    fields = ("recipient", "subject", "body", "url", "created_at", "read_at")
