"""Forms of the Bio-Bridge workflow (pages and admin), and the FilterSet of matches shared by
the pages and the API.

Each action form carries ``status``: the match's status when the page was shown. The view hands
it to the service as the status the person saw, so that acting on a page someone else made
stale is refused with "reload" instead of doing something the person did not see.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from chm_portal.core.api.filters import MAX_ID
from chm_portal.core.forms import add_service_errors
from partners.models import Organisation

from ..models import Match, MatchingWorkshop

__all__ = [
    "AcceptForm",
    "ConfirmForm",
    "DeclineForm",
    "InterestForm",
    "MatchFilterSet",
    "ProposalFilterForm",
    "ProposeForm",
    "WithdrawForm",
    "add_service_errors",
]

_TEXTAREA = {"rows": 4}


class _SeenStatusForm(forms.Form):
    """The status of the match the person saw (hidden)."""

    status = forms.ChoiceField(choices=Match.Status.choices, widget=forms.HiddenInput)


class InterestForm(forms.Form):
    """The requester side's interest in one suggested offer."""

    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Note to the help desk"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("What interests you in this offer, or what you would like to discuss."),
    )


class ProposeForm(forms.Form):
    """The help desk's proposal to the provider (admin)."""

    message = forms.CharField(
        label=_("Message to the provider"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("Shown to the provider's members with the proposal, and emailed to them."),
    )
    workshop = forms.ModelChoiceField(
        label=_("Matchmaking workshop"),
        queryset=MatchingWorkshop.objects.select_related("event").order_by("-created_at"),
        required=False,
        help_text=_("The workshop or roundtable where the match was made, if any."),
    )


class AcceptForm(_SeenStatusForm):
    """The provider accepts, naming the person the requester will work with."""

    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact email"))
    message = forms.CharField(
        label=_("Message to the requester"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )

    # Field names of the model the service names in its errors.
    SERVICE_FIELDS = {
        "provider_contact_name": "contact_name",
        "provider_contact_email": "contact_email",
        "provider_message": "message",
    }


class DeclineForm(_SeenStatusForm):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=4000,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("The requester and the help desk read it."),
    )

    SERVICE_FIELDS = {"decline_reason": "reason"}


class ConfirmForm(_SeenStatusForm):
    """The requester side confirms an accepted match (a button)."""

    SERVICE_FIELDS: dict[str, str] = {}


class WithdrawForm(_SeenStatusForm):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=4000,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("The others concerned read it."),
    )

    SERVICE_FIELDS = {"withdrawal_reason": "reason"}


class ProposalFilterForm(forms.Form):
    """The status filter of the provider's proposals and of the list of matches."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Match.Status.choices],
    )


class MatchFilterSet(django_filters.FilterSet):
    """Filters of matches: status, origin, request, offer and provider organisation (by id)."""

    status = django_filters.MultipleChoiceFilter(choices=Match.Status.choices, label=_("Status"))
    origin = django_filters.ChoiceFilter(choices=Match.Origin.choices, label=_("Origin"))
    need = django_filters.NumberFilter(
        field_name="need_id", label=_("Request (id)"), min_value=1, max_value=MAX_ID
    )
    need_reference = django_filters.CharFilter(
        field_name="need__reference", label=_("Request (reference)")
    )
    offer = django_filters.NumberFilter(
        field_name="offer_id", label=_("Offer (id)"), min_value=1, max_value=MAX_ID
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="offer__provider",
        queryset=Organisation.objects.all(),
        label=_("Provider organisation (id)"),
    )

    class Meta:
        model = Match
        fields = ["status", "origin", "need", "need_reference", "offer", "organisation"]
