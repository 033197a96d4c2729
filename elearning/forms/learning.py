"""Forms of learning: a quiz's answers, the survey on completion, and the certificate check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Question, SurveyResponse
from ..services.learning import SURVEY_FIELDS
from ..services.quizzes import question_field_name


class QuizForm(forms.Form):
    """One field per question: radio buttons for a single-choice question, checkboxes for a
    multiple-choice one (each rendered as a fieldset whose legend is the question)."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            label = _("Question %(number)s. %(text)s") % {"number": number, "text": question.text}
            choices = [(choice.pk, choice.text) for choice in question.choices.all()]
            if question.kind == Question.Kind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=choices,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose every answer that applies."),
                    error_messages={"required": _("Choose at least one answer.")},
                )
            else:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )
            self.fields[question_field_name(question.pk)] = field

    def answers(self) -> dict[int, list[int]]:
        """``{question id: [choice ids]}`` of the valid form, as the service takes them."""
        answers: dict[int, list[int]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question_field_name(question.pk))
            answers[question.pk] = list(value) if isinstance(value, list) else [value]
        return answers


RATINGS = [(value, str(value)) for value in range(1, 6)]


class SurveyForm(forms.ModelForm):
    """What the learner thought of a completed course."""

    quality = forms.TypedChoiceField(
        label=_("How good was the course? (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    effectiveness = forms.TypedChoiceField(
        label=_("How much did it help you learn? (1 = not at all, 5 = a great deal)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    relevance = forms.ChoiceField(
        label=_("How relevant is the course to your work?"),
        choices=SurveyResponse.Relevance.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurveyResponse
        fields = SURVEY_FIELDS
        widgets = {"comments": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "comments": _("What worked, what could be better. The course team reads this."),
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in SURVEY_FIELDS}


class VerifyForm(forms.Form):
    """The code printed on a certificate, to check it."""

    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_(
            "16 letters and digits, as printed on the certificate (e.g. ABCD-EFGH-JKMN-PQRS)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
