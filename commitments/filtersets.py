"""The FilterSet of commitments, shared by the public list, the API, exports and the feed."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from chm_portal.core.faceting import (
    CountryGroupFilter,
    FacetedFilterSet,
    RegionFilter,
    YearFilter,
    country_filter,
    target_filter,
    thematic_area_filter,
)

from .models import ActorType, Commitment, Phase, Scope, Sector


def _choices(choices, label) -> django_filters.MultipleChoiceFilter:
    return django_filters.MultipleChoiceFilter(
        choices=choices, label=label, widget=forms.CheckboxSelectMultiple
    )


class CommitmentFilterSet(FacetedFilterSet):
    """Commitments by text, type of actor, GBF target, place, phase, scope and sector."""

    actor_type = _choices(ActorType.choices, _("Type of actor"))
    target = target_filter()
    biosafety = django_filters.BooleanFilter(
        field_name="is_biosafety",
        label=_("Biosafety"),
        help_text=_("true: commitments on biosafety (Cartagena Protocol)."),
    )
    thematic_area = thematic_area_filter()
    country = country_filter("country")
    region = RegionFilter(field_name="country")
    group = CountryGroupFilter(field_name="country")
    phase = _choices(Phase.choices, _("Phase"))
    scope = _choices(Scope.choices, _("Scope"))
    sector = _choices(Sector.choices, _("Sector"))
    start_year = YearFilter(field_name="start_date", label=_("Start year"))

    class Meta:
        model = Commitment
        fields: list[str] = []
