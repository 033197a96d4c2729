"""Admin of quality assurance: the standards (translated) and, read-only, the reviews.

Reviews are written on the portal (``/quality/``) through ``chm_portal.quality.services``: the
admin lists them with their checklist, filtered by status and record type, and links each to
its page on the portal, where reviewers decide.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import registry
from .models import QualityReview, QualityStandard, ReviewCheck


@admin.register(QualityStandard)
class QualityStandardAdmin(TranslationAdmin):
    list_display = ("title", "code", "applies_to", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "title", "guidance")
    ordering = ("position", "code")


class ReviewCheckInline(admin.TabularInline):
    model = ReviewCheck
    fields = ("standard", "result", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("standard")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class KindFilter(admin.SimpleListFilter):
    """The record type reviewed (course, resource, event), from the registry."""

    title = _("record type")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(reviewable.kind, reviewable.label) for reviewable in registry.registered()]

    def queryset(self, request, queryset):
        reviewable = registry.reviewable_for_kind(self.value() or "")
        if reviewable is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(reviewable.model))


@admin.register(QualityReview)
class QualityReviewAdmin(admin.ModelAdmin):
    list_display = (
        "item_title",
        "content_type",
        "status",
        "reviewer",
        "requested_at",
        "completed_at",
        "improved_at",
        "portal_link",
    )
    list_filter = ("status", KindFilter, "requested_at", "improved_at")
    list_select_related = ("content_type", "reviewer")
    search_fields = ("item_title",)
    date_hierarchy = "requested_at"
    inlines = [ReviewCheckInline]
    fields = (
        "item_title",
        "content_type",
        "object_id",
        "status",
        "requested_by",
        "requested_at",
        "reviewer",
        "completed_at",
        "summary",
        "improvements_requested",
        "improvements_made",
        "improved_at",
        "previous",
        "portal_link",
    )
    readonly_fields = fields

    @admin.display(description=_("on the portal"))
    def portal_link(self, obj: QualityReview) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("quality:review", args=[obj.pk]), _("Open the review")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only: reviews are written on the portal, through the services.
        return False
