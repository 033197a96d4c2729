"""Web forms of the requester's pages; validation at the boundary, business rules in services.

Forms check what a browser sends (types, lengths, known codes, dates in order) and hand plain
values to :mod:`needs.services`; they never save. The request form has one form per step, each
covering one section of :class:`~needs.models.Need`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies import selectors as vocabularies
from chm_portal.vocabularies.models import (
    BeneficiaryType,
    CapacityLevel,
    Country,
    GBFTarget,
    Language,
    Priority,
    SupportType,
    ThematicArea,
)

from .models import Assessment, AssessmentEntry, Need, NeedAttachment
from .services import EDITABLE_FIELDS, RELATED_FIELDS
from .validators import ALLOWED_ATTACHMENTS


def _label(name: str, model=Need):
    """The model field's verbose name as a form label (stays lazy, so it follows the language)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def request_language_choices() -> list[tuple[str, Any]]:
    """The interface languages first, then the other languages content may be written in."""
    choices = list(settings.LANGUAGES)
    known = {code for code, _name in choices}
    choices += [(code, name) for code, name in settings.CONTENT_LANGUAGES if code not in known]
    return choices


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.name


class CountryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.name


class TermsField(forms.ModelMultipleChoiceField):
    """Several terms of a vocabulary, ticked in a list of checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)


class CurrencyField(forms.CharField):
    """A three-letter ISO 4217 code; lower case is accepted and stored in capitals."""

    default_validators = [
        RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, such as USD or EUR."))
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            pattern="[A-Za-z]{3}", autocapitalize="characters", size="4", spellcheck="false"
        )
        return attrs


class DateInput(forms.DateInput):
    """The browser's date picker; the value is sent as YYYY-MM-DD whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- The request form, step by step --------------------------------------------------------------
class NeedStepForm(forms.Form):
    """A step of the request form. ``service_arguments()`` splits what was entered into the
    ``fields``, ``related`` and ``support`` arguments of :func:`needs.services.need_update`."""

    @classmethod
    def initial_from(cls, need: Need) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in cls.base_fields:
            if name in RELATED_FIELDS:
                # .all() uses the rows the selector prefetched.
                initial[name] = [obj.pk for obj in getattr(need, name).all()]
            elif name == "priority":
                initial[name] = need.priority_id
            elif name in EDITABLE_FIELDS:
                initial[name] = getattr(need, name)
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "fields": {name: data[name] for name in self.fields if name in EDITABLE_FIELDS},
            "related": {name: list(data[name]) for name in self.fields if name in RELATED_FIELDS},
            "support": None,
        }


class NeedAboutForm(NeedStepForm):
    """Step 1, about the request: who asks, what the problem is and what should come of it."""

    country = CountryChoiceField(
        label=_label("country"),
        queryset=Country.objects.none(),
        empty_label=_("Choose a country"),
        help_text=_("The Party the request is made for."),
    )
    title = forms.CharField(
        label=_label("title"),
        max_length=250,
        help_text=_("A short name that says what support is asked for."),
    )
    language = forms.ChoiceField(
        label=_label("language"),
        choices=request_language_choices,
        initial=settings.LANGUAGE_CODE,
        help_text=_("The language the request is written in."),
    )
    problem_statement = forms.CharField(
        label=_label("problem_statement"),
        required=False,
        widget=_textarea(6),
        help_text=_("The situation the support should change, and why it matters."),
    )
    objectives = forms.CharField(
        label=_label("objectives"),
        required=False,
        widget=_textarea(),
        help_text=_("What the support should achieve."),
    )
    expected_outputs = forms.CharField(
        label=_label("expected_outputs"),
        required=False,
        widget=_textarea(),
        help_text=_("For example: 30 staff trained, a national strategy drafted."),
    )
    outcomes_and_indicators = forms.CharField(
        label=_label("outcomes_and_indicators"),
        required=False,
        widget=_textarea(),
        help_text=_("How you will know that the support made a difference."),
    )
    other_countries = CountryMultipleChoiceField(
        label=_label("other_countries"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("For regional requests. Hold Ctrl (or Cmd) to choose several."),
    )
    application_level = forms.ChoiceField(
        label=_label("application_level"), choices=Need.ApplicationLevel.choices
    )
    requesting_organisation = forms.CharField(
        label=_label("requesting_organisation"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("For example: Ministry of Environment and Forestry."),
    )
    requester_kind = forms.ChoiceField(
        label=_label("requester_kind"), choices=Need.RequesterKind.choices
    )
    contact_name = forms.CharField(
        label=_label("contact_name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_label("contact_email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_label("contact_phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # Sent with the first save, so that submitting the page twice creates one request.
    creation_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, countries=None, **kwargs):
        """``countries``: those the person may request for, when creating; None when editing
        (the country of a request does not change)."""
        super().__init__(*args, **kwargs)
        self.fields["other_countries"].queryset = vocabularies.country_list().order_by("name")
        if countries is None:
            del self.fields["country"]
            del self.fields["creation_token"]
        else:
            self.fields["country"].queryset = countries.order_by("name")
            if self.initial.get("country") is None:
                first_two = list(countries.order_by("name")[:2])
                if len(first_two) == 1:
                    self.initial["country"] = first_two[0].pk

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        # need_create takes the country, title and token as arguments of their own.
        for name in ("country", "creation_token"):
            arguments["fields"].pop(name, None)
        return arguments


class NeedNeededForm(NeedStepForm):
    """Step 2, what is needed: targets, thematic areas, kinds of support, levels, beneficiaries.

    Each support type has its own details box, named ``support_<code>``.
    """

    targets = TermsField(
        label=_label("targets"),
        queryset=GBFTarget.objects.none(),
        help_text=_("The targets of the Kunming-Montreal Global Biodiversity Framework concerned."),
    )
    thematic_areas = TermsField(
        label=_label("thematic_areas"), queryset=ThematicArea.objects.none()
    )
    thematic_area_other = forms.CharField(
        label=_label("thematic_area_other"), max_length=200, required=False
    )
    support_types = TermsField(
        label=_label("support_types"),
        queryset=SupportType.objects.none(),
        help_text=_("Tick each kind of support needed and say what exactly is needed of it."),
    )
    support_type_other = forms.CharField(
        label=_label("support_type_other"), max_length=200, required=False
    )
    capacity_levels = TermsField(
        label=_label("capacity_levels"),
        queryset=CapacityLevel.objects.none(),
        help_text=_(
            "Individual: skills of people; organisational: how institutions work; "
            "enabling environment: policies, laws and the systems around them."
        ),
    )
    priority = forms.ModelChoiceField(
        label=_label("priority"),
        queryset=Priority.objects.none(),
        required=False,
        empty_label=_("Not set"),
    )
    beneficiary_types = TermsField(
        label=_label("beneficiary_types"), queryset=BeneficiaryType.objects.none()
    )
    beneficiary_other = forms.CharField(
        label=_label("beneficiary_other"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = vocabularies.gbf_target_list()
        for name, model in (
            ("thematic_areas", ThematicArea),
            ("support_types", SupportType),
            ("capacity_levels", CapacityLevel),
            ("priority", Priority),
            ("beneficiary_types", BeneficiaryType),
        ):
            self.fields[name].queryset = vocabularies.term_list(model=model, active_only=True)
        self.support_type_list = list(self.fields["support_types"].queryset)
        for support_type in self.support_type_list:
            self.fields[self.details_field_name(support_type.pk)] = forms.CharField(
                label=_("What exactly is needed: %(support_type)s")
                % {"support_type": support_type.name},
                required=False,
                max_length=2000,
                widget=_textarea(2),
            )

    @staticmethod
    def details_field_name(support_type_pk: int) -> str:
        return f"support_{support_type_pk}"

    @classmethod
    def initial_from(cls, need: Need) -> dict[str, Any]:
        initial = super().initial_from(need)
        chosen = list(need.support_details.all())
        initial["support_types"] = [row.support_type_id for row in chosen]
        for row in chosen:
            initial[cls.details_field_name(row.support_type_id)] = row.details
        return initial

    def support_rows(self) -> list[tuple[Any, forms.BoundField]]:
        """(checkbox, details field) for each support type, in display order."""
        details = {
            support_type.pk: self[self.details_field_name(support_type.pk)]
            for support_type in self.support_type_list
        }
        return [
            (checkbox, details[checkbox.data["value"].value])
            for checkbox in self["support_types"]
            if checkbox.data["value"].value in details
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = {support_type.pk for support_type in cleaned.get("support_types") or []}
        for support_type in self.support_type_list:
            name = self.details_field_name(support_type.pk)
            if cleaned.get(name) and support_type.pk not in chosen:
                self.add_error(
                    name, _("Tick this kind of support, or clear what you wrote about it.")
                )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        details = self.cleaned_data
        arguments["support"] = {
            support_type: details.get(self.details_field_name(support_type.pk), "")
            for support_type in details["support_types"]
        }
        return arguments


class NeedPracticalitiesForm(NeedStepForm):
    """Step 3, practicalities: when, in which languages, with what budget, seen by whom."""

    desired_start = forms.DateField(label=_label("desired_start"), required=False, widget=DateInput)
    desired_end = forms.DateField(label=_label("desired_end"), required=False, widget=DateInput)
    working_languages = TermsField(
        label=_label("working_languages"), queryset=Language.objects.none()
    )
    estimated_budget = forms.DecimalField(
        label=_label("estimated_budget"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Never shown publicly. Leave empty if you do not know."),
    )
    budget_currency = CurrencyField(
        label=_label("budget_currency"),
        required=False,
        help_text=_("A three-letter code, such as USD or EUR."),
    )
    cofinancing_available = forms.BooleanField(
        label=_label("cofinancing_available"), required=False
    )
    cofinancing_details = forms.CharField(
        label=_label("cofinancing_details"),
        required=False,
        widget=_textarea(3),
        help_text=_("Who contributes what, in money or in kind."),
    )
    builds_on = forms.CharField(
        label=_label("builds_on"),
        required=False,
        widget=_textarea(3),
        help_text=_("Projects, programmes or earlier support this request continues."),
    )
    submitted_elsewhere = forms.BooleanField(label=_label("submitted_elsewhere"), required=False)
    submitted_elsewhere_details = forms.CharField(
        label=_label("submitted_elsewhere_details"),
        required=False,
        widget=_textarea(3),
        help_text=_("Which programmes, and what became of the request there."),
    )
    visibility = forms.ChoiceField(
        label=_label("visibility"),
        choices=Need.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Public requests appear in the registry once the help desk publishes them. Contact "
            "details and the budget are never public."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_languages"].queryset = vocabularies.term_list(
            model=Language, active_only=True
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("desired_start"), cleaned.get("desired_end")
        if start and end and end < start:
            self.add_error("desired_end", _("The end cannot be before the start."))
        if (
            cleaned.get("estimated_budget") is not None
            and not cleaned.get("budget_currency")
            and "budget_currency" not in self.errors
        ):
            self.add_error("budget_currency", _("Give the currency of the budget."))
        return cleaned


class NeedAttachmentForm(forms.Form):
    """A document to attach; its size and content are checked by the service."""

    file = forms.FileField(
        label=_label("file", NeedAttachment),
        max_length=200,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in ALLOWED_ATTACHMENTS)}
        ),
        help_text=_("PDF, DOCX, XLSX or ODT, up to 10 MB."),
    )
    title = forms.CharField(
        label=_label("title", NeedAttachment),
        max_length=200,
        required=False,
        help_text=_("What the document is, if its file name does not say."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "attachment-%s")  # shown on the same page as a step form
        super().__init__(*args, **kwargs)


class NeedSubmitForm(forms.Form):
    """Sending the request to the help desk: no fields, only what the service finds missing."""


# --- Managing a request --------------------------------------------------------------------------
class NeedMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=_textarea(4))


class NeedAnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=_textarea(5),
        help_text=_("Sending your answer gives the request back to the help desk."),
    )


class NeedWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=_textarea(3),
        help_text=_("The help desk reads it; it helps them improve."),
    )
    confirm = forms.BooleanField(
        label=_("I want to withdraw this request. It cannot be reopened."),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw it.")},
    )


class MyRequestsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Need.Status.choices],
    )


# --- Assessments ---------------------------------------------------------------------------------
class AssessmentStartForm(forms.Form):
    country = CountryChoiceField(
        label=_label("country", Assessment),
        queryset=Country.objects.none(),
        empty_label=_("Choose a country"),
    )
    cycle = forms.IntegerField(
        label=_label("cycle", Assessment),
        min_value=2010,
        max_value=2100,
        help_text=_("The year the assessment describes. An assessment already started resumes."),
    )

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries.order_by("name")
        self.fields["cycle"].initial = timezone.now().year
        first_two = list(countries.order_by("name")[:2])
        if len(first_two) == 1:
            self.fields["country"].initial = first_two[0].pk


# The scale of capacity scores, 0 to CAPACITY_SCALE_MAX, as the page explains it.
CAPACITY_SCALE = [
    (0, _("0: no capacity")),
    (1, _("1: little capacity")),
    (2, _("2: some capacity")),
    (3, _("3: most of the capacity needed")),
    (4, _("4: full capacity")),
]


class AssessmentEntryForm(forms.Form):
    """One row of the assessment: a target (and optionally a thematic area) and its scores.

    Priorities come as a list read once for the whole page, so that 23 rows cost no query each.
    The row's fields belong to the ``<form id="...">`` in its last cell (HTML ``form``
    attribute), so that the row can sit in a table.
    """

    target = forms.ModelChoiceField(queryset=GBFTarget.objects.all(), widget=forms.HiddenInput)
    thematic_area = forms.ModelChoiceField(
        queryset=ThematicArea.objects.all(), required=False, widget=forms.HiddenInput
    )
    capacity_individual = forms.TypedChoiceField(
        label=_label("capacity_individual", AssessmentEntry),
        choices=[("", _("Not assessed")), *CAPACITY_SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )
    capacity_organisational = forms.TypedChoiceField(
        label=_label("capacity_organisational", AssessmentEntry),
        choices=[("", _("Not assessed")), *CAPACITY_SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )
    capacity_systemic = forms.TypedChoiceField(
        label=_label("capacity_systemic", AssessmentEntry),
        choices=[("", _("Not assessed")), *CAPACITY_SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )
    gap_description = forms.CharField(
        label=_label("gap_description", AssessmentEntry),
        required=False,
        max_length=5000,
        widget=_textarea(2),
    )
    priority = forms.TypedChoiceField(
        label=_label("priority", AssessmentEntry), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, priorities: Iterable[Priority], form_id: str = "", **kwargs):
        if form_id:
            kwargs.setdefault("auto_id", f"{form_id}-%s")
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        self.priorities = {priority.pk: priority for priority in priorities}
        self.fields["priority"].choices = [
            ("", _("Not set")),
            *((pk, priority.name) for pk, priority in self.priorities.items()),
        ]
        if form_id:
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id

    @classmethod
    def initial_from(cls, entry: AssessmentEntry | None, target: GBFTarget, area=None) -> dict:
        initial = {"target": target.pk, "thematic_area": area.pk if area else None}
        if entry is not None:
            initial.update(
                capacity_individual=entry.capacity_individual,
                capacity_organisational=entry.capacity_organisational,
                capacity_systemic=entry.capacity_systemic,
                gap_description=entry.gap_description,
                priority=entry.priority_id,
            )
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "target": data["target"],
            "thematic_area": data["thematic_area"],
            "capacity_individual": data["capacity_individual"],
            "capacity_organisational": data["capacity_organisational"],
            "capacity_systemic": data["capacity_systemic"],
            "gap_description": data["gap_description"],
            "priority": self.priorities.get(data["priority"]),
        }


class AssessmentAreaRowForm(forms.Form):
    """Adds a row for one thematic area under a target (to assess the target area by area)."""

    target = forms.ModelChoiceField(
        label=_("GBF target"), queryset=GBFTarget.objects.none(), empty_label=_("Choose a target")
    )
    thematic_area = forms.ModelChoiceField(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.none(),
        empty_label=_("Choose a thematic area"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "add-row-%s")
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = vocabularies.gbf_target_list()
        self.fields["thematic_area"].queryset = vocabularies.term_list(
            model=ThematicArea, active_only=True
        )


class AssessmentEntriesLabel(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: AssessmentEntry) -> str:
        if obj.thematic_area_id:
            return f"{obj.target.code} {obj.target.title} ({obj.thematic_area.name})"
        return f"{obj.target.code} {obj.target.title}"


class AssessmentDraftNeedsForm(forms.Form):
    """The gaps to turn into draft requests; none ticked means every high-priority gap."""

    entries = AssessmentEntriesLabel(
        label=_("Gaps to turn into draft requests"),
        queryset=AssessmentEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to draft a request for each high-priority gap."),
    )

    def __init__(self, *args, entries, **kwargs):
        kwargs.setdefault("auto_id", "draft-%s")
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries
