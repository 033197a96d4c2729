"""Admin of the reference data: staff correct names and country-group flags here.

Codes are stable identifiers used by imports, exports and the API, so they cannot be changed once
saved, and records cannot be deleted (deactivate a term instead). Search covers the code and the
name in every content language, which also serves other apps' ``autocomplete_fields``.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import (
    AichiStrategicGoal,
    AichiTarget,
    BeneficiaryType,
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFGoal,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Priority,
    Region,
    RegionalGroup,
    ResourceType,
    SupportType,
    SustainableDevelopmentGoal,
    ThematicArea,
)
from .translation import translation_field_names


class ReferenceDataAdmin(TranslationAdmin):
    """Base admin: codes are read-only once saved and nothing is deleted."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "code") if obj is not None else readonly

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Other records point to reference rows, and a deleted code would come back with the
        # next load_reference_data; inactive terms are the way to retire one.
        return False


@admin.register(
    ThematicArea,
    SupportType,
    CapacityLevel,
    OrganisationType,
    ResourceType,
    OpportunityType,
    EventType,
    Priority,
    Language,
    BeneficiaryType,
    CountryGroup,
)
class VocabularyTermAdmin(ReferenceDataAdmin):
    """A flat controlled vocabulary: code, translated name, position and active flag."""

    list_display = ("code", "name", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", *translation_field_names("name"))
    ordering = ("position", "code")


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    """UN M49 regions, sub-regions and intermediate regions."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", *translation_field_names("name"))
    ordering = ("code",)


@admin.register(RegionalGroup)
class RegionalGroupAdmin(ReferenceDataAdmin):
    """UN regional groups."""

    list_display = ("code", "name", "cbd_thesaurus_id")
    search_fields = ("code", *translation_field_names("name"))
    ordering = ("code",)


@admin.register(Country)
class CountryAdmin(ReferenceDataAdmin):
    """Countries: staff correct the LDC/SIDS/LLDC/EIT flags here (or right in the list)."""

    list_display = (
        "code",
        "name",
        "region",
        "regional_group",
        "is_cbd_party",
        "is_ldc",
        "is_sids",
        "is_lldc",
        "is_eit",
    )
    list_display_links = ("code", "name")
    list_editable = ("is_ldc", "is_sids", "is_lldc", "is_eit")
    list_filter = (
        "is_cbd_party",
        "is_ldc",
        "is_sids",
        "is_lldc",
        "is_eit",
        "regional_group",
        "region",
    )
    list_select_related = ("region", "regional_group")
    list_per_page = 300
    search_fields = ("code", "iso3", "m49", *translation_field_names("name"))
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "iso3", "m49", "name")}),
        (
            _("UN classifications"),
            {"fields": ("region", "subregion", "intermediate_region", "regional_group")},
        ),
        (
            _("Status and groups"),
            {
                "fields": ("is_cbd_party", "is_ldc", "is_sids", "is_lldc", "is_eit", "notes"),
                "description": _(
                    "Group membership changes over time; correct it here. Reloading the "
                    "reference files (load_reference_data) sets these flags back to the file "
                    "values."
                ),
            },
        ),
    )


@admin.register(GBFGoal)
class GBFGoalAdmin(ReferenceDataAdmin):
    """Goals of the Kunming-Montreal Global Biodiversity Framework."""

    list_display = ("code", "letter", "title")
    search_fields = ("code", "identifier", *translation_field_names("title"))
    ordering = ("letter",)


@admin.register(GBFTarget)
class GBFTargetAdmin(ReferenceDataAdmin):
    """Targets of the Kunming-Montreal Global Biodiversity Framework."""

    list_display = ("code", "number", "title", "section")
    list_filter = ("section",)
    search_fields = ("code", "identifier", *translation_field_names("title"))
    ordering = ("number",)


@admin.register(AichiStrategicGoal)
class AichiStrategicGoalAdmin(ReferenceDataAdmin):
    """Strategic goals of the Strategic Plan for Biodiversity 2011-2020."""

    list_display = ("code", "title")
    search_fields = ("code", *translation_field_names("title"))
    ordering = ("code",)


@admin.register(AichiTarget)
class AichiTargetAdmin(ReferenceDataAdmin):
    """Aichi Biodiversity Targets."""

    list_display = ("code", "number", "title", "strategic_goal", "keyword")
    list_filter = ("strategic_goal",)
    list_select_related = ("strategic_goal",)
    search_fields = ("code", "identifier", "keyword", *translation_field_names("title"))
    ordering = ("number",)


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(ReferenceDataAdmin):
    """UN Sustainable Development Goals."""

    list_display = ("code", "number", "title")
    search_fields = ("code", "identifier", *translation_field_names("title"))
    ordering = ("number",)
