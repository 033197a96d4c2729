"""Faceted lists: filters by code, facet counts in SQL, and what a page shows of the filters.

Every public database (requests, offers, resources, events...) is one :class:`FacetedFilterSet`
read by its page, API list, exports and feed. Vocabularies are filtered by code (never a database
id); a parameter may be repeated (``?target=GBF-T1&target=GBF-T3``) and then means any of the
values; different parameters must all hold; an unknown code is a validation error.

Facet counts are computed by the database, two queries at most per facet whatever the number of
rows, each facet in the list filtered by every *other* parameter (ticking a second country widens
the list, so the other countries stay on offer with their counts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import (
    COUNTRY_GROUP_FLAGS,
    Country,
    CountryGroup,
    GBFTarget,
    Region,
    ThematicArea,
    countries_in_region_q,
)

from .page_cache import shared_public_result
from .search import apply_full_text_search


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet of a list: its code, its label and how many rows have it."""

    code: str
    label: str
    count: int


def _is_many(model: type[Model], path: str) -> bool:
    """Whether following ``path`` from ``model`` may reach several rows (a to-many relation)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _forward_many_to_many(model: type[Model], path: str):
    """The many-to-many field declared on ``model`` when ``path`` is its name alone, else None."""
    if "__" in path:
        return None
    field = model._meta.get_field(path)
    return field if field.many_to_many and not field.auto_created else None


def count_by_term(queryset: QuerySet, path: str) -> dict[Any, int]:
    """How many rows of ``queryset`` relate to each term at ``path``, keyed by the term's pk.

    Grouped by the term's id alone (not its translated columns); through a many-to-many field of
    the model, the join table is read alone, the rows given by their ids.
    """
    rows = queryset.order_by().values("pk")
    field = _forward_many_to_many(queryset.model, path)
    if field is not None:
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        # An automatic join table holds each pair once; a declared one may repeat it.
        count = Count(source) if through._meta.auto_created else Count(source, distinct=True)
        counted = (
            through._default_manager.filter(**{f"{source}__in": rows})
            .order_by()
            .values_list(target)
            .annotate(facet_count=count)
        )
    else:
        counted = (
            queryset.order_by()
            .exclude(**{f"{path}__isnull": True})
            .values_list(path)
            .annotate(facet_count=Count("pk", distinct=_is_many(queryset.model, path)))
        )
    return dict(counted)


def having(queryset: QuerySet, condition: Q, *, many: bool) -> QuerySet:
    """``queryset`` filtered by ``condition``; through a to-many relation each row stays once."""
    if not many:
        return queryset.filter(condition)
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def having_any(queryset: QuerySet, field_name: str, terms: Iterable) -> QuerySet:
    """Rows of ``queryset`` related to any of ``terms`` through the many-to-many field
    ``field_name`` of its model, each once: read from the join table alone, without a second
    scan of the rows."""
    field = _forward_many_to_many(queryset.model, field_name)
    if field is None:
        raise ValueError(f"{field_name} is not a many-to-many field of {queryset.model}.")
    return _through_join_table(queryset, field, terms)


def _through_join_table(queryset: QuerySet, field, terms: Iterable) -> QuerySet:
    through = field.remote_field.through._default_manager
    rows = through.filter(**{f"{field.m2m_reverse_field_name()}__in": terms})
    return queryset.filter(pk__in=rows.values(field.m2m_field_name()))


# --- Filters --------------------------------------------------------------------------------------
class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows related (through ``field_name``) to any of the terms whose codes are given."""

    def __init__(self, *, queryset: QuerySet, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset=queryset, field_name=field_name, to_field_name="code", **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        field = _forward_many_to_many(qs.model, self.field_name)
        if field is not None:
            return _through_join_table(qs, field, value)
        return having(
            qs,
            Q(**{f"{self.field_name}__in": value}),
            many=_is_many(qs.model, self.field_name),
        )


def target_filter(path: str = "targets") -> CodesFilter:
    """GBF targets by code (``GBF-T6``), the same parameter on every list."""
    return CodesFilter(
        queryset=GBFTarget.objects.all(),
        field_name=path,
        label=_("GBF target"),
        help_text=_("GBF-T1 to GBF-T23."),
    )


def thematic_area_filter(path: str = "thematic_areas") -> CodesFilter:
    return CodesFilter(
        queryset=ThematicArea.objects.all(),
        field_name=path,
        label=_("Thematic area"),
        help_text=_("Code of a thematic area, e.g. invasive_species."),
    )


def country_filter(path: str, label=None) -> CodesFilter:
    return CodesFilter(
        queryset=Country.objects.all(),
        field_name=path,
        label=label or _("Country"),
        help_text=_("Two-letter ISO 3166-1 code, e.g. KE."),
    )


class RegionFilter(CodesFilter):
    """Rows whose country (at ``field_name``) is in any of the M49 regions (with sub-regions)."""

    def __init__(self, *, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("help_text", _("UN M49 code of a region, e.g. 002 for Africa."))
        super().__init__(queryset=Region.objects.all(), field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        condition = Q()
        for region in value:
            condition |= countries_in_region_q(region.code, prefix=f"{self.field_name}__")
        return having(qs, condition, many=_is_many(qs.model, self.field_name))


class CountryGroupFilter(CodesFilter):
    """Rows whose country (at ``field_name``) belongs to any of the groups (LDC, SIDS...)."""

    def __init__(self, *, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Country group"))
        kwargs.setdefault("help_text", _("LDC, SIDS, LLDC or EIT."))
        super().__init__(queryset=CountryGroup.objects.all(), field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        condition = Q()
        for group in value:
            condition |= Q(**{f"{self.field_name}__{COUNTRY_GROUP_FLAGS[group.code]}": True})
        return having(qs, condition, many=_is_many(qs.model, self.field_name))


class EligibleCountryFilter(CodesFilter):
    """Records a country may benefit from: it is among ``eligible_countries``, in one of
    ``eligible_regions`` or ``eligible_groups``, or the record is open to all (all three empty),
    as the record exchange format defines eligibility."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Open to country"))
        kwargs.setdefault(
            "help_text", _("Two-letter ISO code of a country that may benefit, e.g. KE.")
        )
        super().__init__(queryset=Country.objects.all(), field_name="eligible_countries", **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        model = qs.model
        condition = Q()
        for country in value:
            regions = [
                code
                for code in (
                    getattr(country.region, "code", None) if country.region_id else None,
                    getattr(country.subregion, "code", None) if country.subregion_id else None,
                    getattr(country.intermediate_region, "code", None)
                    if country.intermediate_region_id
                    else None,
                )
                if code
            ]
            groups = country.group_codes
            condition |= (
                Q(eligible_countries=country)
                | Q(eligible_regions__code__in=regions)
                | Q(eligible_groups__code__in=groups)
            )
        open_to_all = model._default_manager.filter(
            eligible_countries__isnull=True,
            eligible_regions__isnull=True,
            eligible_groups__isnull=True,
        ).values("pk")
        named = model._default_manager.filter(condition).values("pk")
        return qs.filter(Q(pk__in=open_to_all) | Q(pk__in=named))


class MultipleIntegerField(forms.Field):
    """Several whole numbers from a repeated parameter (``?year=2025&year=2026``)."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("Enter whole numbers.")}

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return sorted({int(str(item).strip()) for item in values})
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error

    def validate(self, value: list[int]) -> None:
        super().validate(value)
        for number in value:
            if not self.min_value <= number <= self.max_value:
                raise forms.ValidationError(
                    _("Years go from %(min)s to %(max)s."),
                    code="out_of_range",
                    params={"min": self.min_value, "max": self.max_value},
                )


class YearFilter(django_filters.Filter):
    """Rows whose date or datetime ``field_name`` falls in any of the years."""

    field_class = MultipleIntegerField

    def __init__(self, *, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet, value: list[int]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__year__in": value})


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that a faceted page can ask which values were chosen and for the list
    filtered by everything but one parameter.

    The ``q`` parameter searches the model's ``SEARCH_FIELDS`` (with their stored vectors on
    PostgreSQL, see :mod:`chm_portal.core.search`); a subclass may set ``search_fields``
    (field -> weight ``"A"``..``"D"``) to search other fields, always computed per row.
    """

    search_fields: dict[str, str] | None = None

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_('Words to look for; "quotes" for a phrase, a minus sign to exclude a word.'),
        max_length=200,
    )

    def search_language(self) -> str | None:
        """The language whose stemming the search uses (default: the active language)."""
        return None

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Full-text search, the most relevant first."""
        return apply_full_text_search(
            queryset, value, fields=self.search_fields or None, language=self.search_language()
        )

    def qs_without(self, name: str) -> QuerySet:
        """The list filtered by every valid parameter except ``name`` (facet counts of ``name``
        are computed on it)."""
        queryset = self.queryset.all()
        for filter_name, value in self.form.cleaned_data.items():
            if filter_name != name:
                queryset = self.filters[filter_name].filter(queryset, value)
        return queryset

    def selected(self) -> dict[str, list]:
        """The valid values asked for, by parameter: model records, choice codes or numbers."""
        selected = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            if isinstance(value, QuerySet) and not value:  # already evaluated: no query
                continue
            selected[name] = [value] if isinstance(value, str | bool | int) else list(value)
        return selected


# --- Facets ---------------------------------------------------------------------------------------
class Facet:
    """One group of checkboxes of a list page, named like its filter parameter."""

    def __init__(self, name: str, legend: str) -> None:
        self.name, self.legend = name, legend

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        raise NotImplementedError

    def label_of(self, value: Any) -> str:
        """How a selected value is named on the chip that removes it."""
        return str(getattr(value, "name", value))


def _by_count(values: Iterable[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda value: (-value.count, value.label.casefold()))


class TermFacet(Facet):
    """Counts of the terms (vocabulary, countries, organisations) related through ``path``.

    ``label`` names a term (default: its ``name``); ``ordering`` orders the terms (default: the
    most frequent first). Two queries: the counts by term id, then the terms counted.
    """

    def __init__(
        self,
        name: str,
        legend: str,
        *,
        model: type[Model],
        path: str,
        label: Callable[[Any], str] | None = None,
        ordering: Sequence[str] | None = None,
        code_field: str = "code",
    ) -> None:
        super().__init__(name, legend)
        self.model, self.path = model, path
        self.ordering, self.code_field = ordering, code_field
        self.label = label or (lambda term: str(term.name))

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        counted = count_by_term(queryset, self.path)
        if not counted:
            return []
        terms = self.model._default_manager.filter(pk__in=counted)
        if self.ordering:
            terms = terms.order_by(*self.ordering)
        values = [
            FacetValue(str(getattr(term, self.code_field)), self.label(term), counted[term.pk])
            for term in terms
        ]
        return values if self.ordering else _by_count(values)

    def label_of(self, value: Any) -> str:
        return self.label(value) if isinstance(value, self.model) else str(value)


class TargetFacet(TermFacet):
    """GBF targets in their order, named by code and title, shown by code on chips."""

    def __init__(self, name: str, legend: str, *, model: type[Model], path: str) -> None:
        super().__init__(
            name,
            legend,
            model=model,
            path=path,
            label=lambda target: f"{target.code} {target.title}",
            ordering=("number",),
        )

    def label_of(self, value: Any) -> str:
        return getattr(value, "code", str(value))


class RegionFacet(Facet):
    """Counts by UN M49 region (the top level) of the country at ``path``: two queries."""

    def __init__(self, name: str, legend: str, *, path: str) -> None:
        super().__init__(name, legend)
        self.path = path

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        counted = count_by_term(queryset, f"{self.path}__region")
        if not counted:
            return []
        regions = Region.objects.filter(pk__in=counted)
        return _by_count(
            FacetValue(region.code, region.name, counted[region.pk]) for region in regions
        )


class CountryGroupFacet(Facet):
    """Counts by country group (LDC, SIDS, LLDC, EIT) of the country at ``path``: one query."""

    def __init__(self, name: str, legend: str, *, path: str) -> None:
        super().__init__(name, legend)
        self.path = path

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        counts = queryset.order_by().aggregate(
            **{
                code: Count("pk", distinct=True, filter=Q(**{f"{self.path}__{flag}": True}))
                for code, flag in COUNTRY_GROUP_FLAGS.items()
            }
        )
        names = {group.code: group.name for group in CountryGroup.objects.all()}
        return [
            FacetValue(code, names.get(code, code), counts[code])
            for code in COUNTRY_GROUP_FLAGS
            if counts[code]
        ]

    def label_of(self, value: Any) -> str:
        return getattr(value, "code", str(value))


class ChoiceFacet(Facet):
    """Counts by the values of a field with choices (a status, a kind), in the choices' order."""

    def __init__(self, name: str, legend: str, *, field: str, choices: Iterable[tuple[Any, Any]]):
        super().__init__(name, legend)
        self.field, self.choices = field, choices

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        counted = dict(
            queryset.order_by()
            .values_list(self.field)
            .annotate(facet_count=Count("pk", distinct=True))
        )
        return [
            FacetValue(_query_value(value), str(label), counted[value])
            for value, label in self.choices
            if counted.get(value)
        ]

    def label_of(self, value: Any) -> str:
        labels = {_query_value(code): label for code, label in self.choices}
        return str(labels.get(_query_value(value), value))


class YearFacet(Facet):
    """Counts by year of a date or datetime field, the latest first."""

    def __init__(self, name: str, legend: str, *, field: str) -> None:
        super().__init__(name, legend)
        self.field = field

    def counts(self, queryset: QuerySet) -> list[FacetValue]:
        rows = (
            queryset.annotate(facet_year=ExtractYear(self.field))
            .exclude(facet_year__isnull=True)
            .order_by()
            .values_list("facet_year")
            .annotate(facet_count=Count("pk", distinct=True))
            .order_by("-facet_year")
        )
        return [FacetValue(str(year), str(year), count) for year, count in rows]


def _query_value(value: Any) -> str:
    """The query-string form of a value: a record's code, ``true``/``false``, a number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "code", value))


# --- What a page shows of its filters -------------------------------------------------------------
def query_without(query: QueryDict, name: str, code: str | None = None) -> str:
    """The query string without one value of ``name`` (all of them when ``code`` is None)."""
    remaining = query.copy()
    remaining.pop("page", None)
    if code is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [value for value in remaining.getlist(name) if value != code])
    return remaining.urlencode()


def facet_groups(
    facets: Sequence[Facet],
    filterset: FacetedFilterSet,
    selected: dict[str, list],
    *,
    cache_key: str | None = None,
    depends_on: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The checkboxes of each facet with counts; values asked for stay listed (checked) even
    when none of the list has them.

    With ``cache_key`` (naming the list), the counts of a filter combination are shared by every
    visitor through the cache until a record of the apps ``depends_on`` changes
    (:func:`~chm_portal.core.page_cache.shared_public_result`).
    """
    counts = _facet_counts(facets, filterset, selected, cache_key=cache_key, depends_on=depends_on)
    groups = []
    for facet in facets:
        chosen = {_query_value(value): value for value in selected.get(facet.name, [])}
        values = [
            {
                "code": value.code,
                "label": value.label,
                "count": value.count,
                "checked": value.code in chosen,
            }
            for value in counts[facet.name]
        ]
        listed = {value["code"] for value in values}
        values += [
            {"code": code, "label": facet.label_of(value), "count": 0, "checked": True}
            for code, value in chosen.items()
            if code not in listed
        ]
        if values:
            groups.append({"name": facet.name, "legend": facet.legend, "values": values})
    return groups


def _facet_counts(
    facets: Sequence[Facet],
    filterset: FacetedFilterSet,
    selected: dict[str, list],
    *,
    cache_key: str | None,
    depends_on: Iterable[str],
) -> dict[str, list[FacetValue]]:
    def compute() -> dict[str, list[FacetValue]]:
        return {facet.name: facet.counts(filterset.qs_without(facet.name)) for facet in facets}

    if cache_key is None or not depends_on:
        return compute()

    combination = sorted(
        (name, sorted(_query_value(value) for value in values)) for name, values in selected.items()
    )
    return shared_public_result(
        f"facets:{cache_key}:{combination!r}",
        compute,
        depends_on=depends_on,
        timeout=settings.FACET_CACHE_SECONDS,
    )


def filter_chips(
    facets: Sequence[Facet],
    filterset: FacetedFilterSet,
    selected: dict[str, list],
    query: QueryDict,
) -> list[dict[str, str]]:
    """The filters in force, each with the query string of the list without it."""
    by_name = {facet.name: facet for facet in facets}
    chips = []
    for name, values in selected.items():
        if name == "q":
            chips.append(
                {
                    "label": _("Search: “%(text)s”") % {"text": values[0]},
                    "url": query_without(query, "q"),
                }
            )
            continue
        facet = by_name.get(name)
        legend = facet.legend if facet else filterset.filters[name].label
        for value in values:
            label = facet.label_of(value) if facet else str(getattr(value, "name", value))
            chips.append(
                {
                    "label": f"{legend}: {label}",
                    "url": query_without(query, name, _query_value(value)),
                }
            )
    return chips


def hidden_filters(facets: Sequence[Facet], selected: dict[str, list]) -> list[tuple[str, str]]:
    """Filters in force that the page has no checkboxes for, kept in its form as hidden fields."""
    shown = {facet.name for facet in facets} | {"q"}
    return [
        (name, _query_value(value))
        for name, values in selected.items()
        if name not in shown
        for value in values
    ]
