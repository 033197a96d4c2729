"""Forms of the quality pages: the queue's filters, opening a review of a published item, the
reviewer's checklist and the team's improvements. Forms check what a browser sends; the
services (``chm_portal.quality.services``) check again and have the last word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup

from . import registry
from .models import QualityReview, ReviewCheck
from .selectors import OPEN

__all__ = ["ChecklistForm", "ImprovementsForm", "QueueFilterForm", "StartReviewForm"]


def kind_choices(*, with_candidates: bool = False) -> list[tuple[str, str]]:
    return [
        (reviewable.kind, str(reviewable.label).capitalize())
        for reviewable in registry.registered()
        if reviewable.candidates is not None or not with_candidates
    ]


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All record types")), *kind_choices()]
        self.fields["status"].choices = [
            (OPEN, _("Open (waiting or in progress)")),
            *QualityReview.Status.choices,
            ("all", _("All statuses")),
        ]

    def filters(self) -> dict[str, str | None]:
        """``kind`` and ``status`` for :func:`~chm_portal.quality.selectors.review_queue`."""
        if not self.is_valid():
            return {"kind": None, "status": OPEN}
        status = self.cleaned_data["status"] or OPEN
        return {
            "kind": self.cleaned_data["kind"] or None,
            "status": None if status == "all" else status,
        }


class StartReviewForm(forms.Form):
    """Find a published resource or event to review: its type and its number or title words."""

    start_kind = forms.ChoiceField(label=_("Record type"))
    start_q = forms.CharField(
        label=_("Record number or words of its title"),
        max_length=200,
        validators=[validate_no_markup],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_kind"].choices = kind_choices(with_candidates=True)


class ChecklistForm(forms.Form):
    """One result and comment per standard of the review's checklist, the summary and the
    improvements requested. Field names: ``result_<standard id>``, ``comment_<standard id>``."""

    summary = forms.CharField(
        label=_("Summary of findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject the item."),
    )
    improvements_requested = forms.CharField(
        label=_("Improvements requested"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request improvements: what should the authors change?"),
    )

    def __init__(self, *args, review: QualityReview, **kwargs):
        self.review = review
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("summary", review.summary)
        initial.setdefault("improvements_requested", review.improvements_requested)
        checks = list(review.checks.all())
        for check in checks:
            initial.setdefault(f"result_{check.standard_id}", check.result)
            initial.setdefault(f"comment_{check.standard_id}", check.comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"result_{check.standard_id}"] = forms.ChoiceField(
                label=check.standard.title,
                choices=ReviewCheck.Result.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{check.standard_id}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """``(check, result field, comment field)`` per standard, for the template."""
        return [
            (check, self[f"result_{check.standard_id}"], self[f"comment_{check.standard_id}"])
            for check in self.checks
        ]

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            check.standard_id: (
                self.cleaned_data.get(f"result_{check.standard_id}") or "",
                self.cleaned_data.get(f"comment_{check.standard_id}") or "",
            )
            for check in self.checks
        }


class ImprovementsForm(forms.Form):
    improvements_made = forms.CharField(
        label=_("Improvements made"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("What you changed in answer to the reviewer's requests."),
    )
