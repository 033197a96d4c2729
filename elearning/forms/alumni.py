"""Forms of the alumni pages: the directory's filters and one's own profile."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chm_portal.core.faceting import CodesFilter, FacetedFilterSet, RegionFilter, having
from chm_portal.vocabularies.models import Country, Language, ThematicArea

from ..models import Alumnus, Participation
from ..services.alumni import PROFILE_FIELDS

ALUMNUS_SEARCH_FIELDS = {
    "full_name": "A",
    "expertise_note": "B",
    "organisation_name": "C",
    "position": "C",
}


class AlumnusFilterSet(FacetedFilterSet):
    """The directory by name (and expertise in one's words, organisation, position), country,
    region, expertise (thematic area), language and kind of activity taken part in; vocabularies
    by code, a parameter may be repeated and then means any of its values."""

    country = CodesFilter(
        queryset=Country.objects.all(),
        field_name="country",
        label=_("Country"),
        help_text=_("Two-letter ISO 3166-1 code, e.g. KE."),
    )
    region = RegionFilter(field_name="country")
    expertise = CodesFilter(
        queryset=ThematicArea.objects.all(),
        field_name="expertise",
        label=_("Expertise"),
        help_text=_("Code of a thematic area."),
    )
    language = CodesFilter(
        queryset=Language.objects.all(),
        field_name="languages",
        label=_("Language"),
        help_text=_("ISO 639-1 code of a language spoken, e.g. fr."),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=Participation.Kind.choices,
        method="filter_kind",
        label=_("Kind of activity"),
        widget=forms.CheckboxSelectMultiple,
    )

    search_fields = ALUMNUS_SEARCH_FIELDS

    class Meta:
        model = Alumnus
        fields: list[str] = []

    def filter_kind(self, queryset: QuerySet[Alumnus], name: str, value: list[str]):
        if not value:
            return queryset
        return having(queryset, Q(participations__kind__in=value), many=True)


class AlumnusProfileForm(forms.ModelForm):
    """One's own alumni profile; saved by ``services.alumni.update_profile``."""

    class Meta:
        model = Alumnus
        fields = PROFILE_FIELDS
        widgets = {
            "expertise": forms.CheckboxSelectMultiple,
            "languages": forms.SelectMultiple(attrs={"size": 8}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "languages": _("Hold Ctrl (or Cmd) to choose several."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = ThematicArea.objects.filter(is_active=True)
        self.fields["languages"].queryset = Language.objects.filter(is_active=True).order_by("name")
        self.fields["country"].queryset = Country.objects.order_by("name")

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
