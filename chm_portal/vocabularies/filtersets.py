"""Filters of the reference lists, shared by the pages and the API (one FilterSet per model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import django_filters
from django.db.models import Q, QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import (
    COUNTRY_GROUP_FLAGS,
    Country,
    CountryGroup,
    GBFTarget,
    Region,
    RegionalGroup,
    VocabularyTerm,
    countries_in_region_q,
)


class LazyChoices(BaseChoiceIterator):
    """Form choices computed by ``function`` on first use, then kept."""

    def __init__(self, function: Callable[[], list[tuple[str, str]]]) -> None:
        self.function = function
        self._choices: list[tuple[str, str]] | None = None

    def _get(self) -> list[tuple[str, str]]:
        if self._choices is None:
            self._choices = list(self.function())
        return self._choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, index: int) -> tuple[str, str]:
        return self._get()[index]

    def __deepcopy__(self, memo: dict) -> LazyChoices:
        # Forms deep-copy their fields and widgets separately: share one computation.
        return self


class CountryFilterSet(django_filters.FilterSet):
    """Countries by code, M49 region (at any level), UN regional group, group and CBD status."""

    code = django_filters.CharFilter(
        field_name="code",
        lookup_expr="iexact",
        label=_("ISO code"),
        help_text=_("Two-letter ISO 3166-1 code, e.g. DZ."),
    )
    region = django_filters.ChoiceFilter(
        choices=(),  # Set per request in __init__: region names follow the active language.
        method="filter_region",
        label=_("Region"),
        empty_label=_("All regions"),
        help_text=_("M49 region code; a region includes its sub-regions, e.g. 002 for Africa."),
    )
    regional_group = django_filters.ModelChoiceFilter(
        queryset=RegionalGroup.objects.order_by("code"),
        field_name="regional_group",
        to_field_name="code",
        label=_("UN regional group"),
        empty_label=_("All regional groups"),
    )
    group = django_filters.ModelChoiceFilter(
        queryset=CountryGroup.objects.filter(code__in=COUNTRY_GROUP_FLAGS),
        to_field_name="code",
        method="filter_group",
        label=_("Country group"),
        empty_label=_("All countries"),
        help_text=_("LDC, SIDS, LLDC or EIT."),
    )
    is_cbd_party = django_filters.BooleanFilter(
        field_name="is_cbd_party", label=_("Party to the Convention")
    )

    class Meta:
        model = Country
        fields = ["code", "region", "regional_group", "group", "is_cbd_party"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Per instance (names follow the active language) and lazy: the query runs only when the
        # form is shown or a region is asked for, and once (a plain callable would run it again
        # on every iteration). Set on this instance's field, not in ``extra``: the schema
        # generator builds the class-level field once, and instances copy it.
        self.filters["region"].field.choices = LazyChoices(selectors.region_choices)

    def filter_region(self, queryset: QuerySet[Country], name: str, value: str) -> QuerySet:
        """Countries whose region, sub-region or intermediate region has this M49 code."""
        if not value:
            return queryset
        return queryset.filter(countries_in_region_q(value))

    def filter_group(
        self, queryset: QuerySet[Country], name: str, value: CountryGroup | None
    ) -> QuerySet:
        """Countries flagged as members of this group (``is_ldc`` for LDC...)."""
        if value is None:
            return queryset
        return queryset.filter(Q(**{COUNTRY_GROUP_FLAGS[value.code]: True}))


class RegionFilterSet(django_filters.FilterSet):
    """M49 regions by level and by parent region code."""

    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("Level"))
    parent = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Parent region"),
        help_text=_("M49 code of the region this one is part of."),
    )

    class Meta:
        model = Region
        fields = ["level", "parent"]


class GBFTargetFilterSet(django_filters.FilterSet):
    """GBF targets by section of the framework."""

    section = django_filters.ChoiceFilter(choices=GBFTarget.Section.choices, label=_("Section"))

    class Meta:
        model = GBFTarget
        fields = ["section"]


class VocabularyTermFilterSet(django_filters.FilterSet):
    """Terms of a flat vocabulary, active or not; subclassed per model by :func:`term_filterset`."""

    is_active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = None
        fields = ["is_active"]


_TERM_FILTERSETS: dict[type[VocabularyTerm], type[VocabularyTermFilterSet]] = {}


def term_filterset(model: type[VocabularyTerm]) -> type[VocabularyTermFilterSet]:
    """The FilterSet of one flat vocabulary (one class per model, made once)."""
    if model not in _TERM_FILTERSETS:
        meta = type("Meta", (), {"model": model, "fields": ["is_active"]})
        _TERM_FILTERSETS[model] = type(
            f"{model.__name__}FilterSet", (VocabularyTermFilterSet,), {"Meta": meta}
        )
    return _TERM_FILTERSETS[model]
