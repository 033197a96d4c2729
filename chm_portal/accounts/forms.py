"""Web forms; validation at the boundary, business rules in services.

This module must not import ``allauth.account.forms``: allauth builds its sign-up form on top of
:class:`SignupProfileForm` (``ACCOUNT_SIGNUP_FORM_CLASS``).
"""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country
from chm_portal.vocabularies.selectors import cbd_party_list

from . import services
from .models import User
from .roles import REQUESTABLE_ROLE_CHOICES, FocalPointKind, Role


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.name


class SignupProfileForm(forms.Form):
    """The portal's fields on allauth's sign-up form: a name, and optionally a country."""

    # allauth orders its own fields; these names place ours around them.
    field_order = ["full_name", "email", "password1", "password2", "country"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_no_markup],
        help_text=_("As you would like colleagues and the help desk to see it."),
    )
    country = CountryChoiceField(
        label=_("Country of residence"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Prefer not to say"),
    )

    def signup(self, request, user: User) -> None:
        """Called by allauth once the account exists."""
        language = get_language() or settings.LANGUAGE_CODE
        services.profile_update(
            user=user,
            full_name=self.cleaned_data["full_name"],
            country=self.cleaned_data.get("country"),
            preferred_language=language if language in dict(settings.LANGUAGES) else None,
        )


class ProfileForm(forms.Form):
    """A person's own details on their profile page."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_no_markup],
    )
    country = CountryChoiceField(
        label=_("Country of residence"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Prefer not to say"),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        validators=[validate_no_markup],
        help_text=_("Where you work, as you would write it."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the emails the portal sends you."),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        initial = {
            "full_name": user.full_name,
            "country": user.country_id,
            "organisation_name": user.organisation_name,
            "preferred_language": user.preferred_language,
        }
        return cls(data=data, initial=initial)


class RoleRequestForm(forms.Form):
    """Ask for a role: focal point of a Party, help desk or content reviewer."""

    role = forms.ChoiceField(label=_("Role"), choices=REQUESTABLE_ROLE_CHOICES)
    country = CountryChoiceField(
        label=_("Country"),
        queryset=cbd_party_list(),
        required=False,
        empty_label=_("Choose a Party"),
        help_text=_("For focal points: the Party that nominated you."),
    )
    focal_point_kind = forms.ChoiceField(
        label=_("Kind of focal point"),
        choices=[("", _("Choose a kind")), *FocalPointKind.choices],
        required=False,
        help_text=_("For focal points: the area you were nominated for."),
    )
    position = forms.CharField(
        label=_("Official position and affiliation"),
        max_length=300,
        required=False,
        validators=[validate_no_markup],
        help_text=_("For example: Director of Biodiversity, Ministry of Environment."),
    )
    justification = forms.CharField(
        label=_("Why do you need this role?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_markup],
        help_text=_(
            "For focal points, say how the help desk can check your nomination (a letter, "
            "a page of the CBD website)."
        ),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("role") == Role.FOCAL_POINT:
            if not cleaned.get("country") and "country" not in self.errors:
                self.add_error(
                    "country", _("Choose the country that nominated you as focal point.")
                )
            if not cleaned.get("focal_point_kind") and "focal_point_kind" not in self.errors:
                self.add_error("focal_point_kind", _("Choose the kind of focal point."))
        return cleaned
