"""Forms of saved searches: what a person types; the checks that need the database are in
``services.py``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_QUERY_STRING_LENGTH, SavedSearch


class SavedSearchForm(forms.Form):
    """Name a list's filters and choose how often to hear of new records."""

    database = forms.CharField(widget=forms.HiddenInput, max_length=50)
    query = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        # Longer strings reach the service, which explains what to do about them.
        max_length=MAX_QUERY_STRING_LENGTH * 4,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("How the search is called in your emails and your list of saved searches."),
    )
    frequency = forms.ChoiceField(
        label=_("Email me the new records"),
        choices=SavedSearch.Frequency.choices,
        initial=SavedSearch.Frequency.DAILY,
        widget=forms.RadioSelect,
    )


class SavedSearchFrequencyForm(forms.Form):
    """Change how often a saved search's digest is sent."""

    frequency = forms.ChoiceField(label=_("Emails"), choices=SavedSearch.Frequency.choices)
