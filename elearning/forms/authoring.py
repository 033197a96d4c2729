"""Forms of course authoring (``elearning/views/authoring.py``).

Content (titles, summaries, syllabus, lesson text, questions, answers) is shown and edited in the
course's original language, whatever the language of the page. Forms check what a browser sends
and the models' own checks (ModelForms on a copy of the row); they never save: the views pass
:meth:`AuthoringForm.service_fields` to ``elearning.services.authoring``, which checks again
(permissions, status, sanitising, uploads) and has the last word.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import GBFTarget, Language, ThematicArea
from partners.forms.records import DateInput
from partners.models import Organisation, Resource

from ..models import Cohort, Course, Lesson, Module, Question
from ..services.authoring import content_value

__all__ = [
    "ChoiceFormSet",
    "CohortForm",
    "CourseCreateForm",
    "CourseForm",
    "InviteForm",
    "LessonForm",
    "ModuleForm",
    "QuestionForm",
    "QuizForm",
    "SubmitForm",
]


def editable_content(obj, field: str, language: str) -> str:
    """The text to edit: the original language's, else what the page would show (a row written
    before its language was set), so that saving fills the original language."""
    return content_value(obj, field, language) or getattr(obj, field, "") or ""


class AuthoringForm(forms.ModelForm):
    """A ModelForm of authoring: content fields show the course's original ``language``."""

    content_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        if self.instance.pk is not None:
            for name in self.content_fields:
                if name in self.fields and name not in (kwargs.get("initial") or {}):
                    self.initial[name] = editable_content(self.instance, name, language)

    def validate_unique(self) -> None:
        """Constraints are the services' to check, with their own messages."""

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of the services: files only when changed (a
        ticked "Clear" box is ``False``), many-to-many as lists."""
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if isinstance(field, forms.FileField):
                if name in self.changed_data:
                    values[name] = value if value else False
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                value = list(value)
            values[name] = value
        return values


def _active_terms(model, current) -> Any:
    keep = Q(is_active=True)
    ids = [obj.pk for obj in current]
    if ids:
        keep |= Q(pk__in=ids)
    return model.objects.filter(keep).order_by("position", "code")


# --- Courses ----------------------------------------------------------------------------------
class CourseForm(AuthoringForm):
    content_fields = ("title", "summary", "syllabus")

    class Meta:
        model = Course
        fields = (
            "title",
            "summary",
            "syllabus",
            "language",
            "languages",
            "targets",
            "thematic_areas",
            "format",
            "level",
            "estimated_hours",
            "certificate_offered",
            "enrolment_mode",
            "starts_on",
            "ends_on",
            "enrolment_closes_on",
            "image",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "syllabus": forms.Textarea(attrs={"rows": 12}),
            "languages": forms.SelectMultiple(attrs={"size": 8}),
            "targets": forms.CheckboxSelectMultiple,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "enrolment_closes_on": DateInput,
        }
        help_texts = {
            "syllabus": _(
                "Objectives and outline. Paragraphs, headings, lists, links and tables are kept "
                "(HTML such as <p>, <ul>, <a href>); scripts and styles are removed."
            ),
            "languages": _("Hold Ctrl (or Cmd) to choose several languages."),
            "image": _("PNG, JPG or WebP, 5 MB at most."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        current = {
            name: list(getattr(instance, name).all()) if instance.pk else []
            for name in ("languages", "targets", "thematic_areas")
        }
        self.fields["languages"].queryset = _active_terms(Language, current["languages"])
        self.fields["thematic_areas"].queryset = _active_terms(
            ThematicArea, current["thematic_areas"]
        )
        self.fields["targets"].queryset = GBFTarget.objects.order_by("number")
        self.fields["title"].help_text = _("Written in the course's original language.")


class CourseCreateForm(CourseForm):
    """A new course: the provider is one of the person's organisations."""

    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The organisation that offers the course."),
    )

    def __init__(self, *args: Any, organisations, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = organisations
        self.order_fields(["provider", *CourseForm.Meta.fields])

    def service_fields(self) -> dict[str, Any]:
        values = super().service_fields()
        values.pop("provider", None)
        return values


class SubmitForm(forms.Form):
    improvements_made = forms.CharField(
        label=_("What did you change in answer to the reviewer?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_markup],
        help_text=_("Needed when the last review requested improvements."),
    )


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ("name", "starts_on", "ends_on")
        widgets = {"starts_on": DateInput, "ends_on": DateInput}


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One address per line (or separated by commas). Each person gets a link."),
        max_length=20000,
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("No cohort"),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = course.cohorts.order_by("-created_at")

    def addresses(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if part]


# --- Modules and lessons ----------------------------------------------------------------------
class ModuleForm(AuthoringForm):
    content_fields = ("title", "summary")

    class Meta:
        model = Module
        fields = ("title", "summary")
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class IdListInput(forms.TextInput):
    """Record numbers typed as "12, 40": the value is the list of numbers."""

    def format_value(self, value):
        if not value:
            return None
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return str(value)

    def value_from_datadict(self, data, files, name):
        return [part for part in re.split(r"[\s,;]+", data.get(name, "")) if part]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data


class LessonForm(AuthoringForm):
    content_fields = ("title", "body")

    resources = forms.ModelMultipleChoiceField(
        label=_("Resources from the database"),
        queryset=Resource.objects.none(),
        required=False,
        widget=IdListInput,
        help_text=_(
            "Numbers of published resources of the partners' database (the number ends their "
            "address: /partners/resources/123/), separated by commas."
        ),
    )

    class Meta:
        model = Lesson
        fields = (
            "title",
            "body",
            "video_url",
            "attachment",
            "resources",
            "required",
            "estimated_minutes",
        )
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body": _(
                "Paragraphs, headings, lists, links, tables and images (HTML such as <p>, <h2>, "
                "<ul>, <a href>, <img alt>); scripts and styles are removed."
            ),
            "attachment": _("PDF, DOCX, PPTX, XLSX, ODT, PNG or JPG, 20 MB at most."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.public()
        if self.instance.pk is not None and not self.is_bound:
            self.initial["resources"] = [resource.pk for resource in self.instance.resources.all()]

    def service_fields(self) -> dict[str, Any]:
        values = super().service_fields()
        if values.get("attachment") is False:
            values.pop("attachment")
            values["remove_attachment"] = True
        return values


class QuizForm(forms.Form):
    """A quiz's lesson (title, introduction) and its settings."""

    title = forms.CharField(label=_("Title"), max_length=300, validators=[validate_no_markup])
    body = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown before the questions; basic formatting is kept."),
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"),
        initial=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        required=False,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    required = forms.BooleanField(
        label=_("Required to complete the course"), required=False, initial=True
    )
    estimated_minutes = forms.IntegerField(
        label=_("Estimated minutes"),
        initial=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )

    @classmethod
    def initial_for(cls, lesson: Lesson, language: str) -> dict[str, Any]:
        quiz = lesson.quiz
        return {
            "title": editable_content(lesson, "title", language),
            "body": editable_content(lesson, "body", language),
            "pass_mark": quiz.pass_mark,
            "max_attempts": quiz.max_attempts,
            "required": lesson.required,
            "estimated_minutes": lesson.estimated_minutes,
        }


# --- Questions --------------------------------------------------------------------------------
class QuestionForm(AuthoringForm):
    content_fields = ("text",)

    class Meta:
        model = Question
        fields = ("text", "kind")
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}
        labels = {"kind": _("Learners choose")}


class ChoiceForm(forms.Form):
    """One answer of a question; a row left empty is ignored."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Answer"), max_length=500, required=False, validators=[validate_no_markup]
    )
    is_correct = forms.BooleanField(label=_("Correct"), required=False)
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_markup],
        help_text=_("Shown to the learner who chose this answer."),
    )


class BaseChoiceFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this answer")

    def choices(self) -> list[dict[str, Any]]:
        """The answers kept (not marked for removal), as the services take them."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            kept.append(
                {
                    "id": data.get("id"),
                    "text": data.get("text", ""),
                    "is_correct": data.get("is_correct", False),
                    "feedback": data.get("feedback", ""),
                }
            )
        return kept


ChoiceFormSet = forms.formset_factory(
    ChoiceForm, formset=BaseChoiceFormSet, extra=2, can_delete=True, max_num=20
)


def choice_initial(question: Question | None, language: str) -> list[dict[str, Any]]:
    """The answers of ``question`` as the formset's initial rows (two empty ones for a new
    question, so that four rows are offered)."""
    if question is None:
        return [{}, {}]
    return [
        {
            "id": choice.pk,
            "text": editable_content(choice, "text", language),
            "is_correct": choice.is_correct,
            "feedback": editable_content(choice, "feedback", language),
        }
        for choice in question.choices.all()
    ]
