"""One FilterSet per model, shared by the HTML lists, the API and exports.

:class:`NeedFilterSet` is the one filter of requests for assistance: the public registry page, its
CSV and JSON exports, its Atom feed and the API list all read the same parameters, so a link can
be turned into an export or a feed by changing its path only. Every vocabulary is filtered by its
code (never a database id); a parameter may be repeated (``?target=GBF-T1&target=GBF-T3``) and then
means any of the values; different parameters must all hold. An unknown code is a validation error.
"""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from chm_portal.core.faceting import (
    ChoiceFacet,
    CountryGroupFacet,
    FacetedFilterSet,
    MultipleIntegerField,
    RegionFacet,
    TargetFacet,
    TermFacet,
    YearFacet,
    having_any,
)
from chm_portal.vocabularies.models import (
    COUNTRY_GROUP_FLAGS,
    CapacityLevel,
    Country,
    CountryGroup,
    GBFTarget,
    Language,
    Region,
    SupportType,
    ThematicArea,
    countries_in_region_q,
)

from .models import PUBLIC_STATUSES, Assessment, Need

# Years a request may have been published or submitted in.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class MultipleIntegerFilter(django_filters.Filter):
    field_class = MultipleIntegerField


def _codes(queryset: QuerySet, label, help_text, method: str):
    """A filter of records by code, several allowed: unknown codes are a validation error."""
    return django_filters.ModelMultipleChoiceFilter(
        queryset=queryset,
        to_field_name="code",
        method=method,
        label=label,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


class NeedFilterSet(FacetedFilterSet):
    """Requests for assistance by text, place, country group, GBF target, vocabulary, status,
    year and language.

    ``statuses`` limits the statuses one may ask for: the public registry passes the public ones.
    By default people who are signed in may ask for any status (the list they filter already
    holds only the requests they may see), anonymous visitors for the public ones.
    """

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_(
            'Words in the title, problem statement, objectives or outputs. Use "quotes" for a '
            "phrase, or for alternatives and a minus sign to exclude a word."
        ),
    )
    country = _codes(
        Country.objects.all(),
        _("Country"),
        _("Two-letter ISO 3166-1 code of the requesting country, e.g. KE."),
        "filter_country",
    )
    region = _codes(
        Region.objects.all(),
        _("Region"),
        _("UN M49 code of a region at any level, e.g. 002 for Africa (with its sub-regions)."),
        "filter_region",
    )
    group = _codes(
        CountryGroup.objects.filter(code__in=COUNTRY_GROUP_FLAGS),
        _("Country group"),
        _("LDC, SIDS, LLDC or EIT."),
        "filter_group",
    )
    target = _codes(
        GBFTarget.objects.all(),
        _("GBF target"),
        _("Code of a target of the Global Biodiversity Framework, e.g. GBF-T3."),
        "filter_target",
    )
    thematic_area = _codes(
        ThematicArea.objects.all(),
        _("Thematic area"),
        _("Code of a thematic area, e.g. invasive_species."),
        "filter_thematic_area",
    )
    support_type = _codes(
        SupportType.objects.all(),
        _("Support type"),
        _("Code of a kind of support, e.g. training."),
        "filter_support_type",
    )
    capacity_level = _codes(
        CapacityLevel.objects.all(),
        _("Capacity level"),
        _("individual, organizational or systemic."),
        "filter_capacity_level",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Need.Status.choices,
        method="filter_status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    year = extend_schema_field({"type": "array", "items": {"type": "integer"}})(
        MultipleIntegerFilter(
            method="filter_year",
            label=_("Year"),
            help_text=_("Year of publication (of submission for requests not published)."),
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
        )
    )
    language = _codes(
        Language.objects.all(),
        _("Language"),
        _("ISO 639-1 code of the language the request is written in, e.g. fr."),
        "filter_language",
    )

    # The search looks in ``Need.SEARCH_FIELDS`` (through their stored vectors on PostgreSQL).

    class Meta:
        model = Need
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        request=None,
        prefix=None,
        statuses: Iterable[str] | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        if statuses is None:
            signed_in = request is not None and request.user.is_authenticated
            statuses = [value for value, _label in Need.Status.choices] if signed_in else None
        allowed = set(statuses or PUBLIC_STATUSES)
        self.filters["status"].field.choices = [
            (value, label) for value, label in Need.Status.choices if value in allowed
        ]

    # --- Filters ---------------------------------------------------------------------------------
    def search_language(self) -> str | None:
        """Stemming in the language asked for when one language is filtered by."""
        languages = self.form.cleaned_data.get("language") or []
        return languages[0].code if len(languages) == 1 else None

    def filter_country(
        self, queryset: QuerySet[Need], name: str, value: QuerySet
    ) -> QuerySet[Need]:
        return queryset.filter(country__in=value) if value else queryset

    def filter_region(self, queryset: QuerySet[Need], name: str, value: QuerySet) -> QuerySet[Need]:
        """Requests of countries in any of the regions (a region includes its sub-regions)."""
        if not value:
            return queryset
        condition = Q()
        for region in value:
            condition |= countries_in_region_q(region.code, prefix="country__")
        return queryset.filter(condition)

    def filter_group(self, queryset: QuerySet[Need], name: str, value: QuerySet) -> QuerySet[Need]:
        """Requests of countries in any of the groups (``is_ldc`` for LDC...)."""
        if not value:
            return queryset
        condition = Q()
        for group in value:
            condition |= Q(**{f"country__{COUNTRY_GROUP_FLAGS[group.code]}": True})
        return queryset.filter(condition)

    def filter_target(self, queryset: QuerySet[Need], name: str, value: QuerySet) -> QuerySet[Need]:
        return having_any(queryset, "targets", value) if value else queryset

    def filter_thematic_area(
        self, queryset: QuerySet[Need], name: str, value: QuerySet
    ) -> QuerySet[Need]:
        return having_any(queryset, "thematic_areas", value) if value else queryset

    def filter_support_type(
        self, queryset: QuerySet[Need], name: str, value: QuerySet
    ) -> QuerySet[Need]:
        return having_any(queryset, "support_types", value) if value else queryset

    def filter_capacity_level(
        self, queryset: QuerySet[Need], name: str, value: QuerySet
    ) -> QuerySet[Need]:
        return having_any(queryset, "capacity_levels", value) if value else queryset

    def filter_status(
        self, queryset: QuerySet[Need], name: str, value: list[str]
    ) -> QuerySet[Need]:
        return queryset.filter(status__in=value) if value else queryset

    def filter_year(self, queryset: QuerySet[Need], name: str, value: list[int]) -> QuerySet[Need]:
        """Published in one of the years; requests never published count by submission."""
        if not value:
            return queryset
        condition = Q()
        for year in value:
            condition |= Q(published_at__year=year) | Q(
                published_at__isnull=True, submitted_at__year=year
            )
        return queryset.filter(condition)

    def filter_language(
        self, queryset: QuerySet[Need], name: str, value: QuerySet
    ) -> QuerySet[Need]:
        if not value:
            return queryset
        return queryset.filter(language__in=[language.code for language in value])


class AssessmentFilterSet(django_filters.FilterSet):
    """Capacity assessments by country code, cycle and status."""

    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        field_name="country",
        label=_("Country"),
        help_text=_("Two-letter ISO 3166-1 code, e.g. KE."),
    )
    cycle = django_filters.NumberFilter(field_name="cycle", label=_("Cycle"))
    status = django_filters.ChoiceFilter(
        choices=Assessment.Status.choices, field_name="status", label=_("Status")
    )

    class Meta:
        model = Assessment
        fields = ["country", "cycle", "status"]


# The facets of the public registry, in the order the page shows them (one query each, two for
# country groups).
NEED_FACETS = (
    TermFacet("country", _("Country"), model=Country, path="country"),
    RegionFacet("region", _("Region"), path="country"),
    CountryGroupFacet("group", _("Country group"), path="country"),
    TargetFacet("target", _("GBF target"), model=GBFTarget, path="targets"),
    TermFacet(
        "thematic_area",
        _("Thematic area"),
        model=ThematicArea,
        path="thematic_areas",
        ordering=("position", "code"),
    ),
    TermFacet(
        "support_type",
        _("Support type"),
        model=SupportType,
        path="support_types",
        ordering=("position", "code"),
    ),
    ChoiceFacet("status", _("Status"), field="status", choices=Need.Status.choices),
    YearFacet("year", _("Year published"), field=Coalesce("published_at", "submitted_at")),
)
