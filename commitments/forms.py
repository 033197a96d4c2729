"""Forms of commitments: the four forms (one per kind of actor), their deliverables with key
performance indicators, progress reports, and the moderators' message."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from partners.forms.records import (
    DateInput,
    RecordForm,
    record_form_meta,
)
from partners.models import Organisation

from .models import (
    ACTOR_FIELDS,
    ACTOR_OPTIONAL_FIELDS,
    BIOSAFETY_TARGET,
    ActorType,
    Commitment,
    Deliverable,
    Phase,
)

# What the first group of each form is called, and what its name field is called there.
ACTOR_LEGENDS = {
    ActorType.INDIVIDUAL: (_("About you"), _("Your name")),
    ActorType.ORGANISATION: (_("Your organisation"), _("Name of the organisation")),
    ActorType.BUSINESS: (_("Your business"), _("Name of the business")),
    ActorType.LOCAL_GOVERNMENT: (_("Your government"), _("Name of the government")),
}
MAX_DELIVERABLES = 20


class CommitmentForm(RecordForm):
    """The common part of the four forms; :func:`commitment_form_class` adds each kind's fields.

    The GBF targets, scope, audience, partners, dates and deliverables are the same for all.
    """

    actor_type: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("organisation", None)
        super().__init__(*args, **kwargs)
        _legend, name_label = ACTOR_LEGENDS[self.actor_type]
        self.fields["actor_name"].label = name_label
        if "organisation" in self.fields:
            organisation = self.fields["organisation"]
            keep = Q(status=Organisation.Status.APPROVED)
            current = self._current_ids("organisation")
            if current:
                keep |= Q(pk__in=current)
            organisation.queryset = Organisation.objects.filter(keep).order_by("name")
        for name in ACTOR_FIELDS[self.actor_type]:
            self.fields[name].required = True
        self.fields["targets"].help_text = _(
            "The targets of the Global Biodiversity Framework your action contributes to."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        targets = cleaned.get("targets")
        if (
            cleaned.get("is_biosafety")
            and targets is not None
            and not any(target.code == BIOSAFETY_TARGET for target in targets)
        ):
            self.add_error(
                "targets", _("A biosafety commitment contributes to GBF target 17: choose it.")
            )
        return cleaned

    def commitment_arguments(self) -> dict[str, Any]:
        """The ``data``, ``targets`` and ``thematic_areas`` arguments of the services."""
        arguments = self.service_arguments()
        relations = arguments["relations"]
        return {
            "data": arguments["data"],
            "targets": relations.get("targets", []),
            "thematic_areas": relations.get("thematic_areas", []),
        }


@cache
def commitment_form_class(actor_type: str) -> type[CommitmentForm]:
    """The form of one kind of actor: the common fields and that kind's own."""
    specific = (*ACTOR_FIELDS[actor_type], *ACTOR_OPTIONAL_FIELDS[actor_type])
    legend, _name = ACTOR_LEGENDS[actor_type]
    groups = (
        (legend, ("actor_name", *specific, "country", "locality")),
        (_("What you commit to"), ("targets", "is_biosafety", "thematic_areas")),
        (_("Scope and reach"), ("scope", "audience", "partners", "website")),
        (_("When"), ("start_date", "end_date")),
    )
    return type(
        f"{actor_type.title().replace('_', '')}CommitmentForm",
        (CommitmentForm,),
        {
            "actor_type": actor_type,
            "groups": groups,
            "Meta": record_form_meta(Commitment, *groups),
            "__module__": __name__,
        },
    )


class DeliverableForm(forms.ModelForm):
    """One deliverable and its key performance indicator."""

    class Meta:
        model = Deliverable
        fields = ("description", "indicator", "unit", "baseline", "target", "target_date")
        widgets = {"target_date": DateInput}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target", _("The target must differ from the baseline, or nothing is measured.")
            )
        return cleaned


DeliverableFormSet = inlineformset_factory(
    Commitment,
    Deliverable,
    form=DeliverableForm,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=MAX_DELIVERABLES,
    validate_max=True,
    can_delete=True,
)


def deliverables_of(formset) -> list[dict[str, Any]]:
    """The ``deliverables`` argument of the services from a valid formset: the rows kept, in
    order, with the ids of the existing ones."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        row = {name: form.cleaned_data.get(name) for name in DeliverableForm.Meta.fields}
        if form.instance.pk is not None:
            row["id"] = form.instance.pk
        rows.append(row)
    return rows


class ProgressReportForm(forms.Form):
    """A progress report: the date, the phase reached, what was done, and one value per
    deliverable (fields ``value_<id>`` and ``note_<id>``)."""

    period_end = forms.DateField(label=_("Reporting date"), widget=DateInput)
    phase = forms.ChoiceField(label=_("Phase reached"), choices=Phase.choices)
    summary = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    challenges = forms.CharField(
        label=_("Challenges and lessons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.initial.setdefault("phase", commitment.phase)
        self.deliverables = list(commitment.deliverables.all())
        for deliverable in self.deliverables:
            self.fields[f"value_{deliverable.pk}"] = forms.DecimalField(
                label=_("%(indicator)s, in %(unit)s")
                % {"indicator": deliverable.indicator, "unit": deliverable.unit},
                help_text=_("Baseline %(baseline)s, target %(target)s.")
                % {"baseline": deliverable.baseline, "target": deliverable.target},
                max_digits=16,
                decimal_places=2,
            )
            self.fields[f"note_{deliverable.pk}"] = forms.CharField(
                label=_("Note on this value"), required=False, max_length=300
            )

    def value_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "deliverable": deliverable,
                "value": self[f"value_{deliverable.pk}"],
                "note": self[f"note_{deliverable.pk}"],
            }
            for deliverable in self.deliverables
        ]

    def values(self) -> dict[int, tuple[Decimal, str]]:
        return {
            deliverable.pk: (
                self.cleaned_data[f"value_{deliverable.pk}"],
                self.cleaned_data.get(f"note_{deliverable.pk}", ""),
            )
            for deliverable in self.deliverables
        }


class ModerationNoteForm(forms.Form):
    """What the moderators tell an owner when they return a commitment or report."""

    note = forms.CharField(
        label=_("What should the owner change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
