"""The help desk's admin of the alumni database: alumni with their participations, and the
CSV/XLSX import of past participants of offline activities (``elearning/imports.py``).

The import page checks the whole file first (a dry run) and lists the bad rows with their
numbers and translated messages; it offers to confirm only a file without errors, and imports
it whole or not at all. Rows are found again by email, so a file imported twice adds nothing.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats import base_formats

from chm_portal.core.admin_tools import RegionFilter

from ..imports import AlumniTable
from ..models import Alumnus, Participation
from ..selectors.alumni import active_alumni


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("kind", "activity", "year", "country", "course", "imported")
    readonly_fields = ("imported",)
    autocomplete_fields = ("country",)
    raw_id_fields = ("course",)
    extra = 0


class ParticipationKindFilter(admin.SimpleListFilter):
    """Alumni who took part in an activity of this kind."""

    title = _("kind of activity")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return Participation.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Participation.Kind.values:
            return queryset.filter(
                pk__in=Participation.objects.filter(kind=self.value()).values("alumnus_id")
            )
        return queryset


class ActiveFilter(admin.SimpleListFilter):
    """Alumni who used the portal in the last year ("active alumni" of monitoring)."""

    title = _("active in the last year")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        active = active_alumni().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Alumnus)
class AlumnusAdmin(ImportMixin, admin.ModelAdmin):
    resource_classes = [AlumniTable]
    formats = (base_formats.CSV, base_formats.XLSX)
    import_error_display = ("message", "row")
    import_template_name = "elearning/alumni/admin_import.html"

    list_display = (
        "full_name",
        "email",
        "country",
        "organisation_name",
        "in_directory",
        "participation_count",
        "has_account",
        "last_active_at",
    )
    list_filter = (
        "in_directory",
        ParticipationKindFilter,
        ActiveFilter,
        RegionFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("full_name", "email", "organisation_name", "position")
    list_select_related = ("country",)
    autocomplete_fields = ("country", "user")
    filter_horizontal = ("expertise", "languages")
    readonly_fields = ("last_active_at", "created_at")
    fieldsets = (
        (None, {"fields": ("full_name", "email", "user", "country")}),
        (_("Work"), {"fields": ("organisation_name", "position")}),
        (
            _("Profile"),
            {"fields": ("in_directory", "expertise", "expertise_note", "languages", "bio")},
        ),
        (_("Record"), {"classes": ("collapse",), "fields": ("last_active_at", "created_at")}),
    )
    inlines = (ParticipationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participation_total=Count("participations"))

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("elearning.import_alumni") and self.has_add_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    @admin.display(description=_("participations"), ordering="participation_total")
    def participation_count(self, alumnus: Alumnus) -> int:
        return alumnus.participation_total

    @admin.display(description=_("account"), boolean=True, ordering="user")
    def has_account(self, alumnus: Alumnus) -> bool:
        return alumnus.user_id is not None


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("activity", "kind", "year", "alumnus", "country", "imported")
    list_filter = ("kind", "imported", "year")
    search_fields = ("activity", "alumnus__full_name", "alumnus__email")
    list_select_related = ("alumnus", "country")
    autocomplete_fields = ("alumnus", "country")
    raw_id_fields = ("course",)
