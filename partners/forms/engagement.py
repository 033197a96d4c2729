"""Forms of what people do with the partners' records: applying to an opportunity, deciding on an
application, choosing a month of the events calendar. They check what a browser sends and hand
plain values to :mod:`partners.services`; they never save.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chm_portal.core.forms import add_service_errors
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country

from ..models import OpportunityApplication, validate_document

__all__ = [
    "ApplicationDecisionForm",
    "ApplicationForm",
    "CalendarMonthForm",
    "add_service_errors",
]

# The years the calendar goes to (a month outside them is refused, not an error page).
CALENDAR_YEARS = (1990, 2200)
MOTIVATION_MAX_LENGTH = 5000


def _label(name: str):
    return capfirst(OpportunityApplication._meta.get_field(name).verbose_name)


class ApplicationForm(forms.Form):
    """An application to an opportunity through the portal's form."""

    country = forms.ModelChoiceField(
        label=_("Your country"),
        queryset=Country.objects.order_by("name"),
        empty_label=_("Choose a country"),
        help_text=_("Where you live or work: it decides whether you are eligible."),
    )
    organisation_name = forms.CharField(
        label=_("Your organisation"),
        max_length=300,
        required=False,
        validators=[validate_no_markup],
        help_text=_("The organisation you work or study at, if any."),
    )
    motivation = forms.CharField(
        label=_label("motivation"),
        max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_no_markup],
        help_text=_("Why you apply and what you would bring and take home (plain text)."),
    )
    cv = forms.FileField(
        label=_label("cv"),
        required=False,
        validators=[validate_document],
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("PDF, at most 10 MB."),
    )

    def service_data(self) -> dict:
        """The ``data`` argument of :func:`partners.services.application_submit`."""
        return {
            name: self.cleaned_data[name] for name in ("country", "organisation_name", "motivation")
        }


class ApplicationDecisionForm(forms.Form):
    """A reviewer's decision on one application; the button pressed says which."""

    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_markup],
        help_text=_("Sent with the decision by email."),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT


class CalendarMonthForm(forms.Form):
    """``?month=YYYY-MM`` of the events calendar (the current month when absent)."""

    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        required=False,
        error_messages={"invalid": _("Give the month as YYYY-MM, for example 2026-05.")},
    )

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12 or not CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1]:
            raise ValidationError(
                _("There is no month %(value)s in the calendar."),
                code="invalid",
                params={"value": value},
            )
        return datetime.date(year, month, 1)
