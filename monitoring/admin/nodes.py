"""The admin of the national CHM nodes: the help desk keeps any Party's node, its institutions
and news (inlines, every content language), filtered by maturity level, region and publication.

The node's own fields are saved through ``services.node_update`` (date and author recorded,
an empty node refused for publication); its institutions and news are saved by the inlines,
whose forms run the models' validators. The maturity level is the country profile's, changed in
the country profiles' admin or on the node's page. Publish and unpublish are actions that call
the service, each node in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import build_localized_fieldname

from chm_portal.core.admin_tools import ConflictCheckAdminMixin, RegionFilter, apply_to_each

from ..models import MaturityLevel, NationalNode, NodeInstitution, NodeNewsItem
from ..services import NODE_FIELDS, node_update


class NodeInstitutionInline(TranslationTabularInline):
    model = NodeInstitution
    extra = 0
    fields = ("position", "name", "role", "website")


class NodeNewsItemInline(TranslationStackedInline):
    model = NodeNewsItem
    extra = 0
    fields = ("title", "body", "link", "published_at", "created_by")
    readonly_fields = ("created_by",)
    ordering = ("-published_at", "-pk")


class MaturityLevelFilter(admin.SimpleListFilter):
    """The maturity level of the node's country (its profile's; 0 without a profile)."""

    title = _("national CHM maturity level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in MaturityLevel.choices]

    def queryset(self, request, queryset):
        if self.value() in (None, ""):
            return queryset
        level = int(self.value())
        condition = Q(country__monitoring_profile__maturity_level=level)
        if level == MaturityLevel.NO_FOCAL_POINT:
            condition |= Q(country__monitoring_profile__isnull=True)
        return queryset.filter(condition)


class NationalNodeAdminForm(forms.ModelForm):
    """The node's fields, with the service's rule said in the form: no introduction, no
    publication."""

    class Meta:
        model = NationalNode
        fields = ["country", "introduction", "support_types", "is_published"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        introductions = [
            data.get(build_localized_fieldname("introduction", code.replace("-", "_")))
            for code, _name in settings.CONTENT_LANGUAGES
        ]
        if data.get("is_published") and not any((text or "").strip() for text in introductions):
            self.add_error(
                "is_published",
                _("Write an introduction before publishing the node: an empty page is not shown."),
            )
        return data


@admin.register(NationalNode)
class NationalNodeAdmin(ConflictCheckAdminMixin, TranslationAdmin):
    form = NationalNodeAdminForm
    list_display = (
        "country",
        "region",
        "maturity_level",
        "is_published",
        "institutions_count",
        "updated_at",
        "updated_by",
    )
    list_filter = ("is_published", MaturityLevelFilter, RegionFilter)
    search_fields = ("country__name", "country__code", "introduction")
    list_select_related = ("country__region", "country__monitoring_profile", "updated_by")
    autocomplete_fields = ("country", "support_types")
    fields = (
        "country",
        "maturity_level",
        "introduction",
        "support_types",
        "is_published",
        "created_at",
        "updated_at",
        "updated_by",
    )
    readonly_fields = ("maturity_level", "created_at", "updated_at", "updated_by")
    ordering = ("country__name",)
    inlines = [NodeInstitutionInline, NodeNewsItemInline]
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        # The country of an existing node is its key: it does not change.
        if obj is not None:
            return ("country", *self.readonly_fields)
        return self.readonly_fields

    def get_queryset(self, request) -> QuerySet[NationalNode]:
        return super().get_queryset(request).prefetch_related("institutions")

    @admin.display(description=_("region"), ordering="country__region__name")
    def region(self, node: NationalNode) -> str:
        return node.country.region.name if node.country.region else "—"

    @admin.display(description=_("national CHM maturity level"))
    def maturity_level(self, node: NationalNode) -> str:
        profile = getattr(node.country, "monitoring_profile", None) if node.country_id else None
        level = MaturityLevel(profile.maturity_level if profile else 0)
        return str(level.label)

    @admin.display(description=_("institutions"))
    def institutions_count(self, node: NationalNode) -> int:
        return len(node.institutions.all())

    def save_model(self, request, obj: NationalNode, form, change: bool) -> None:
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in NODE_FIELDS and name not in ("support_types", "introduction")
        }
        saved = node_update(node=obj, by=request.user, **fields)
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by
        obj._state.adding, obj._state.db = False, saved._state.db

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for item in formset.new_objects:
                if isinstance(item, NodeNewsItem) and item.created_by_id is None:
                    NodeNewsItem.objects.filter(pk=item.pk).update(created_by=request.user)

    def _apply(self, request, queryset, published: bool, label) -> None:
        apply_to_each(
            self,
            request,
            queryset.select_related("country").order_by("pk"),
            lambda node: node_update(node=node, by=request.user, is_published=published),
            lambda count: (
                ngettext(
                    "%(count)d national node %(label)s.",
                    "%(count)d national nodes %(label)s.",
                    count,
                )
                % {"count": count, "label": label}
            ),
        )

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset: QuerySet[NationalNode]) -> None:
        self._apply(request, queryset, True, _("published"))

    @admin.action(description=_("Unpublish"), permissions=["change"])
    def unpublish(self, request, queryset: QuerySet[NationalNode]) -> None:
        self._apply(request, queryset, False, _("unpublished"))
