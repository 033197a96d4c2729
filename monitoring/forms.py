"""Web forms and filters; validation at the boundary, business rules in services.

The FilterSets serve the HTML lists and the API alike (one per model): :class:`CountryFilterSet`
for the Parties' profiles, :class:`NodeFilterSet` for their national nodes,
:class:`EvaluationFilterSet` for the published evaluations.

The national node's forms edit its text in the active language (``introduction_fr`` on a French
page): what is written in another language stays, and readers see it until it is translated.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import (
    COUNTRY_GROUP_FLAGS,
    Country,
    CountryGroup,
    Region,
    SupportType,
    countries_in_region_q,
)

from .indicators import ACTIVITIES
from .models import (
    MATURITY_SUPPORT_ACTIONS,
    CountryProfile,
    Evaluation,
    MaturityLevel,
    NationalNode,
    NodeInstitution,
    NodeNewsItem,
)
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


# --- National nodes -------------------------------------------------------------------------------
def active_language_field(field: str) -> str:
    """The column of ``field`` in the active language (``introduction_fr``)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language not in dict(settings.CONTENT_LANGUAGES):
        language = settings.LANGUAGE_CODE
    return build_localized_fieldname(field, language)


class NodeFilterSet(CountryFilterSet):
    """Parties and their national nodes (from ``selectors.nodes.node_list``): the filters of
    the Parties' list, and whether the node is published."""

    published = django_filters.BooleanFilter(
        field_name="node_published",
        label=_("Node published"),
        help_text=_("true: only the Parties whose focal points published their node."),
    )

    class Meta(CountryFilterSet.Meta):
        pass


def _text_field(model, name: str, **kwargs: Any) -> forms.Field:
    """The form field of a model's text field, with its validators (plain text only)."""
    return model._meta.get_field(name).formfield(**kwargs)


class NationalNodeForm(forms.Form):
    """A national node as its focal points keep it, and the level, website and support asked
    for of the country's profile; saved by ``services.node_update``. The introduction is edited
    in the active language."""

    maturity_level = forms.TypedChoiceField(
        label=_("National CHM maturity level"),
        choices=MaturityLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    national_chm_url = forms.URLField(
        label=_("National CHM website"),
        required=False,
        max_length=200,
        help_text=_("The address of the national CHM website, if there is one."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    support_requested = forms.CharField(
        label=_("Support the country asks for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would help your national CHM reach the next level."),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the national CHM is, who runs it and what readers find on it. Written in the "
            "language of this page; readers of other languages see it until it is translated."
        ),
    )
    support_types = forms.ModelMultipleChoiceField(
        label=_("Types of support asked for"),
        queryset=SupportType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(
        label=_("Publish the node"),
        required=False,
        help_text=_(
            "Show the introduction, institutions and news on the public page (an introduction "
            "is needed)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("support_requested", "introduction"):
            self.fields[name].validators.append(validate_no_markup)

    @classmethod
    def initial_for(cls, node: NationalNode | None, profile: CountryProfile | None) -> dict:
        """What the form shows of a node (None before its first save) and profile."""
        initial: dict[str, Any] = {
            "maturity_level": profile.maturity_level if profile else MaturityLevel.NO_FOCAL_POINT,
            "national_chm_url": profile.national_chm_url if profile else "",
            "support_requested": profile.support_requested if profile else "",
        }
        if node is not None:
            initial.update(
                introduction=getattr(node, active_language_field("introduction")) or "",
                support_types=list(node.support_types.all()),
                is_published=node.is_published,
            )
        return initial

    def level_options(self) -> list[tuple[Any, Any]]:
        """Each radio button of the level with the support recommended at that level."""
        return [
            (radio, MATURITY_SUPPORT_ACTIONS[MaturityLevel(int(radio.data["value"]))])
            for radio in self["maturity_level"]
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data[active_language_field("introduction")] = data.pop("introduction")
        return data


class NodeInstitutionForm(forms.ModelForm):
    """One institution of a node, in the active language (its name is required only for a new
    one: an institution named in another language keeps that name until translated)."""

    class Meta:
        model = NodeInstitution
        fields = ["name", "role", "website"]
        widgets = {"role": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "role"):
            column = active_language_field(name)
            if self.instance.pk:
                self.initial[name] = getattr(self.instance, column) or ""
                shown = getattr(self.instance, name)
                if shown and not self.initial[name]:
                    self.fields[name].widget.attrs["placeholder"] = shown
        if self.instance.pk and getattr(self.instance, "name", ""):
            self.fields["name"].required = False
        for name in ("name", "role"):
            self.fields[name].validators.append(validate_no_markup)
        self.fields["website"].widget.attrs.setdefault("placeholder", "https://")

    def _post_clean(self) -> None:
        # The service checks the institution; the form does not write the instance.
        pass

    def service_row(self) -> dict[str, Any]:
        row = {
            active_language_field("name"): self.cleaned_data.get("name", ""),
            active_language_field("role"): self.cleaned_data.get("role", ""),
            "website": self.cleaned_data.get("website", ""),
        }
        if self.instance.pk:
            row["id"] = self.instance.pk
        return row


class BaseNodeInstitutionFormSet(forms.BaseModelFormSet):
    """The node's institutions; the rows kept, in order, go to ``services.node_update``."""

    def service_rows(self) -> list[dict[str, Any]]:
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue  # an extra row left empty
            if self.can_delete and self._should_delete_form(form):
                continue
            rows.append(form.service_row())
        return rows


NodeInstitutionFormSet = forms.modelformset_factory(
    NodeInstitution,
    form=NodeInstitutionForm,
    formset=BaseNodeInstitutionFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class NodeNewsItemForm(forms.ModelForm):
    """A piece of national news, in the active language; saved by ``services.node_news_add``
    or ``services.node_news_update``."""

    published_at = forms.DateTimeField(
        label=_("Published at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now when left empty; a later date holds the news back until then."),
    )

    class Meta:
        model = NodeNewsItem
        fields = ["title", "body", "link"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("title", "body"):
                self.initial[name] = getattr(self.instance, active_language_field(name)) or ""
                shown = getattr(self.instance, name)
                if shown and not self.initial[name]:
                    self.fields[name].widget.attrs["placeholder"] = shown
                    self.fields[name].required = False
            self.initial["published_at"] = self.instance.published_at
        for name in ("title", "body"):
            self.fields[name].validators.append(validate_no_markup)
        self.fields["link"].widget.attrs.setdefault("placeholder", "https://")

    def _post_clean(self) -> None:
        # The service checks the news item; the form does not write the instance.
        pass

    def service_data(self) -> dict[str, Any]:
        return {
            active_language_field("title"): self.cleaned_data["title"],
            active_language_field("body"): self.cleaned_data["body"],
            "link": self.cleaned_data["link"],
            "published_at": self.cleaned_data["published_at"],
        }


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
