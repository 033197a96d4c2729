"""Web forms and filters; validation at the boundary, business rules in services.

The FilterSets serve the HTML lists and the API alike (one per model): :class:`CountryFilterSet`
for the Parties' profiles, :class:`EvaluationFilterSet` for the published evaluations.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import (
    COUNTRY_GROUP_FLAGS,
    Country,
    CountryGroup,
    Region,
    countries_in_region_q,
)

from .indicators import ACTIVITIES
from .models import MATURITY_SUPPORT_ACTIONS, CountryProfile, Evaluation, MaturityLevel
from .services import COUNTRY_PROFILE_FIELDS

#: The activities of the action plan an evaluation may be about (1 to 14).
ACTIVITY_CHOICES = [
    (str(number), format_lazy("{}. {}", number, name))
    for number, name in ACTIVITIES.items()
    if number
]


# --- Country profiles -----------------------------------------------------------------------------
class CountryFilterSet(django_filters.FilterSet):
    """Parties (from ``selectors.countries.party_list``) by name or ISO code, M49 region, country
    group and maturity level; vocabularies by code, as everywhere in the portal."""

    q = django_filters.CharFilter(
        method="filter_name",
        label=_("Name or ISO code"),
        help_text=_("Part of the country's name, or its two-letter ISO code."),
        max_length=100,
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level=Region.Level.REGION),
        to_field_name="code",
        method="filter_region",
        label=_("Region"),
        help_text=_("UN M49 code of a region, e.g. 002 for Africa."),
    )
    country_group = django_filters.ModelChoiceFilter(
        queryset=CountryGroup.objects.all(),
        to_field_name="code",
        method="filter_country_group",
        label=_("Country group"),
        help_text=_("LDC, SIDS, LLDC or EIT."),
    )
    level = django_filters.ChoiceFilter(
        choices=MaturityLevel.choices,
        method="filter_level",
        label=_("National CHM maturity level"),
        help_text=_("0 to 5; 0 includes the Parties whose profile is not yet described."),
    )

    class Meta:
        model = Country
        fields: list[str] = []

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value)
        )

    def filter_region(self, queryset: QuerySet, name: str, value: Region | None) -> QuerySet:
        return queryset.filter(countries_in_region_q(value.code)) if value else queryset

    def filter_country_group(
        self, queryset: QuerySet, name: str, value: CountryGroup | None
    ) -> QuerySet:
        return queryset.filter(**{COUNTRY_GROUP_FLAGS[value.code]: True}) if value else queryset

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # ``level`` is the annotation of party_list(): 0 for Parties without a profile.
        return queryset.filter(level=int(value)) if value not in (None, "") else queryset


class CountryProfileForm(forms.ModelForm):
    """A Party's profile as its focal points keep it; saved by
    ``services.update_country_profile``."""

    class Meta:
        model = CountryProfile
        fields = COUNTRY_PROFILE_FIELDS
        widgets = {
            "maturity_level": forms.RadioSelect,
            "support_requested": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "national_chm_url": _("The address of the national CHM website, if there is one."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national_chm_url"].widget.attrs.setdefault("placeholder", "https://")

    def level_options(self) -> list[tuple[Any, Any]]:
        """Each radio button of the level with the support recommended at that level."""
        return [
            (radio, MATURITY_SUPPORT_ACTIONS[MaturityLevel(int(radio.data["value"]))])
            for radio in self["maturity_level"]
        ]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in COUNTRY_PROFILE_FIELDS}


# --- Evaluations ----------------------------------------------------------------------------------
class EvaluationFilterForm(forms.Form):
    """The filters' form: a period whose end comes before its start is refused."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date must not be before the start date."))
        return data


class EvaluationFilterSet(django_filters.FilterSet):
    """Published evaluations by subject, activity of the action plan, year completed, and
    completion date (``from``/``to``, both included)."""

    subject = django_filters.ChoiceFilter(
        choices=Evaluation.Subject.choices, label=_("What was evaluated")
    )
    activity = django_filters.ChoiceFilter(
        choices=ACTIVITY_CHOICES,
        label=_("Activity of the action plan"),
        help_text=_("Number of the activity, 1 to 14."),
    )
    year = django_filters.NumberFilter(
        field_name="evaluated_on",
        lookup_expr="year",
        label=_("Year completed"),
        min_value=1990,
        max_value=2100,
    )

    class Meta:
        model = Evaluation
        fields: list[str] = []
        form = EvaluationFilterForm


# ``from`` is a Python keyword: these two are declared by name.
EvaluationFilterSet.base_filters["from"] = django_filters.DateFilter(
    field_name="evaluated_on",
    lookup_expr="gte",
    label=_("Completed from"),
    help_text=_("A date, YYYY-MM-DD (included)."),
)
EvaluationFilterSet.base_filters["to"] = django_filters.DateFilter(
    field_name="evaluated_on",
    lookup_expr="lte",
    label=_("Completed until"),
    help_text=_("A date, YYYY-MM-DD (included)."),
)


class EvaluationAdminForm(forms.ModelForm):
    """An evaluation as the help desk writes it in the admin, with the rules of the model said
    in words: an activity is named when one is evaluated, and periods run forward."""

    class Meta:
        model = Evaluation
        fields = [
            "title",
            "subject",
            "activity",
            "evaluated_on",
            "period_start",
            "period_end",
            "evaluators",
            "method",
            "findings",
            "recommendations",
            "language",
        ]
        widgets = {"activity": forms.Select(choices=[("", "---------"), *ACTIVITY_CHOICES])}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        subject, activity = data.get("subject"), data.get("activity")
        if subject == Evaluation.Subject.ACTIVITY and activity is None:
            self.add_error("activity", _("Say which activity of the action plan was evaluated."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period must not end before it starts."))
        evaluated_on = data.get("evaluated_on")
        if start and evaluated_on and evaluated_on < start:
            self.add_error(
                "evaluated_on",
                _("An evaluation cannot be completed before the period it evaluates starts."),
            )
        return data
