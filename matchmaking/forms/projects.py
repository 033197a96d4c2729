"""Forms of the pilot projects' pages, and the one FilterSet of projects.

Forms check what a browser sends and the model's own checks; they never save: the views pass
``service_data()`` to ``matchmaking.services.projects``, which checks again and has the last
word. :class:`ProjectFilterSet` is shared by the list page and the API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core.faceting import CodesFilter, FacetedFilterSet, RegionFilter
from chm_portal.vocabularies.models import Country, GBFTarget

from ..models import MatchingWorkshop, ProgressReport, Project, ProjectEvaluation, SuccessStory
from ..selectors.projects import ReportFlag, side_q
from ..services.projects import (
    AGREEMENT_TYPES,
    EDITABLE_FIELDS,
    REPORT_FIELDS,
    STORY_FIELDS,
    TRANSITIONS,
    WORKSHOP_EVENT_TYPES,
)

__all__ = [
    "EvaluationForm",
    "ProgressReportForm",
    "ProjectFilterSet",
    "ProjectForm",
    "ProjectStatusForm",
    "StoryForm",
    "WorkshopForm",
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPTED_AGREEMENTS = ",".join(f".{extension}" for extension in AGREEMENT_TYPES)


class ProjectForm(forms.ModelForm):
    """Launching a project from an agreed match, and editing it afterwards."""

    agreement_document = forms.FileField(
        label=_("Signed agreement"),
        required=False,
        help_text=_(
            "PDF, DOCX or ODT, 10 MB at most. Only the two sides and the help desk see it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_AGREEMENTS}),
    )

    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "cofinancing_sources": forms.Textarea(attrs={"rows": 3}),
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "agreement_signed_on": DATE_INPUT,
            "currency": forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
        }
        help_texts = {
            "currency": _("Three-letter ISO 4217 code, e.g. USD."),
            "report_every_months": _("How often the sides report on progress (1 to 12 months)."),
            "cofinancing": _("Contributions from other sources, in the same currency."),
        }

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            raise forms.ValidationError(_("Use a three-letter ISO 4217 code."))
        return currency or "USD"

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}
        for name in ("cofinancing_sources",):
            data[name] = data[name] or ""
        if self.cleaned_data.get("agreement_document"):
            data["agreement_document"] = self.cleaned_data["agreement_document"]
        return data


class ProjectStatusForm(forms.Form):
    """Moving a project along; ``current`` is the status the person saw (stale otherwise)."""

    status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to cancel: say why."),
    )
    current = forms.ChoiceField(choices=Project.Status.choices, widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("current", project.status)
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in Project.Status.choices
            if value in TRANSITIONS.get(project.status, ())
        ]


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "progress_percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in REPORT_FIELDS}


RATINGS = [(value, str(value)) for value in range(1, 6)]


class EvaluationForm(forms.ModelForm):
    """One side's final evaluation; ``sides`` are those the person may still answer for."""

    side = forms.ChoiceField(label=_("Evaluating for"), choices=(), widget=forms.RadioSelect)
    effectiveness = forms.TypedChoiceField(
        label=_("Effectiveness (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    quality = forms.TypedChoiceField(
        label=_("Quality (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ProjectEvaluation
        fields = ("effectiveness", "quality", "achievement", "lessons_learned")
        widgets = {
            "achievement": forms.RadioSelect,
            "lessons_learned": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, sides: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [
            (value, label) for value, label in ProjectEvaluation.Side.choices if value in sides
        ]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0]
        self.order_fields(["side", *self.Meta.fields])

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class StoryForm(forms.ModelForm):
    class Meta:
        model = SuccessStory
        fields = STORY_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in STORY_FIELDS}


class WorkshopForm(forms.ModelForm):
    """The admin's form of a matchmaking workshop: the event must be a workshop or roundtable."""

    class Meta:
        model = MatchingWorkshop
        fields = ("event", "needs", "offers", "summary")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "event" in self.fields:
            self.fields["event"].queryset = self.fields["event"].queryset.filter(
                event_type__code__in=WORKSHOP_EVENT_TYPES
            )


# --- The FilterSet --------------------------------------------------------------------------------
PROJECT_SEARCH_FIELDS = {"title": "A", "reference": "A", "objectives": "B"}


class ProjectFilterSet(FacetedFilterSet):
    """Projects by text, status, country, region, GBF target and, for the people who may see
    it, the reporting flag (``on_time``, ``late``, ``stale``; the queryset must be annotated by
    ``selectors.projects.with_report_flag``). Vocabularies by code; a parameter may be repeated
    and then means any of its values."""

    status = django_filters.MultipleChoiceFilter(
        choices=Project.Status.choices,
        field_name="status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    country = CodesFilter(
        queryset=Country.objects.all(),
        field_name="match__need__country",
        label=_("Country"),
        help_text=_("Two-letter ISO 3166-1 code of the requesting country, e.g. KE."),
    )
    region = RegionFilter(field_name="match__need__country")
    target = CodesFilter(
        queryset=GBFTarget.objects.all(),
        field_name="match__need__targets",
        label=_("GBF target"),
        help_text=_("Code of a target of the Global Biodiversity Framework, e.g. GBF-T3."),
    )
    reporting = django_filters.MultipleChoiceFilter(
        choices=ReportFlag.choices,
        method="filter_reporting",
        label=_("Progress reports"),
        help_text=_(
            "on_time, late or stale (six months without a report). Only projects one is a side "
            "of (all for the help desk)."
        ),
        widget=forms.CheckboxSelectMultiple,
    )

    search_fields = PROJECT_SEARCH_FIELDS

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_reporting(
        self, queryset: QuerySet[Project], name: str, value: list[str]
    ) -> QuerySet[Project]:
        """Reports are private: the flag filters the projects the person is a side of, or all
        of them for the help desk; anonymous visitors get none."""
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        if not is_helpdesk_or_site_admin(user):
            queryset = queryset.filter(side_q(user))
        return queryset.filter(report_flag__in=value)
