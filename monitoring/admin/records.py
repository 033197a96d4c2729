"""The admin of the records people keep by hand: country profiles and evaluations.

Country profiles are changed through ``services.update_country_profile`` (the date and author
of the change are recorded), each by the staff the rule ``monitoring.edit_country_profile``
allows. Evaluations are written here by the help desk and published or taken back to draft
through the services, each row in its own transaction, with what could not be done reported.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chm_portal.core.admin_tools import ConflictCheckAdminMixin, RegionFilter, apply_to_each
from chm_portal.vocabularies.models import Country

from ..forms import ACTIVITY_CHOICES, EvaluationAdminForm
from ..models import CountryProfile, Evaluation
from ..services import (
    COUNTRY_PROFILE_FIELDS,
    publish_evaluation,
    unpublish_evaluation,
    update_country_profile,
)


# --- Country profiles -----------------------------------------------------------------------------
@admin.register(CountryProfile)
class CountryProfileAdmin(ConflictCheckAdminMixin, admin.ModelAdmin):
    list_display = ("country", "maturity_level", "national_chm_url", "updated_at", "updated_by")
    list_filter = ("maturity_level", RegionFilter)
    search_fields = ("country__name", "country__code")
    list_select_related = ("country", "updated_by")
    fields = ("country", *COUNTRY_PROFILE_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    ordering = ("country__name",)

    def get_readonly_fields(self, request, obj=None):
        # The country of an existing profile is its key: it does not change.
        if obj is not None:
            return ("country", *self.readonly_fields)
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "country":
            kwargs["queryset"] = Country.objects.filter(
                is_cbd_party=True, monitoring_profile__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "monitoring.edit_country_profile", obj
        )

    def save_model(self, request, obj: CountryProfile, form, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in COUNTRY_PROFILE_FIELDS}
        saved = update_country_profile(user=request.user, country=obj.country, **fields)
        obj.updated_at, obj.updated_by = saved.updated_at, saved.updated_by
        obj._state.adding, obj._state.db = False, saved._state.db


# --- Evaluations ----------------------------------------------------------------------------------
class ActivityFilter(admin.SimpleListFilter):
    """The activity of the action plan evaluated, by its number and name."""

    title = _("activity of the action plan")
    parameter_name = "activity"

    def lookups(self, request, model_admin):
        return ACTIVITY_CHOICES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(activity=self.value())
        return queryset


class YearFilter(admin.SimpleListFilter):
    """The year the evaluation was completed."""

    title = _("year completed")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .annotate(year=ExtractYear("evaluated_on"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(evaluated_on__year=self.value())
        return queryset


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    form = EvaluationAdminForm
    list_display = ("title", "subject", "activity", "evaluated_on", "status", "published_at")
    list_filter = ("subject", ActivityFilter, "status", YearFilter)
    search_fields = ("title", "evaluators", "findings", "recommendations")
    list_select_related = ("created_by",)
    readonly_fields = ("status", "published_at", "created_by", "created_at")
    fieldsets = (
        (
            None,
            {"fields": ("title", "subject", "activity", "language", "status", "published_at")},
        ),
        (
            _("When and by whom"),
            {"fields": ("evaluated_on", "period_start", "period_end", "evaluators", "method")},
        ),
        (_("Results"), {"fields": ("findings", "recommendations")}),
        (_("Record"), {"fields": ("created_by", "created_at")}),
    )
    actions = ["publish", "unpublish"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(
            "monitoring.manage_evaluations"
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "monitoring.manage_evaluations"
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and request.user.has_perm(
            "monitoring.manage_evaluations"
        )

    def save_model(self, request, obj: Evaluation, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _apply(self, request, queryset, change, label) -> None:
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda evaluation: change(user=request.user, evaluation=evaluation),
            lambda count: (
                ngettext(
                    "%(count)d evaluation %(label)s.", "%(count)d evaluations %(label)s.", count
                )
                % {"count": count, "label": label}
            ),
        )

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset: QuerySet[Evaluation]) -> None:
        self._apply(request, queryset, publish_evaluation, _("published"))

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset: QuerySet[Evaluation]) -> None:
        self._apply(request, queryset, unpublish_evaluation, _("taken back to draft"))
