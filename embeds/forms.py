"""The parameters of each component, validated: one form per component.

The fields' labels and help texts are also the documentation of the parameters (``/embed/``), and
their error messages are what a partner sees in the component when a parameter is wrong.
Records are chosen among the public ones only: a pending organisation is "not found", exactly as
one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import Country, GBFTarget, Region
from commitments.models import ActorType
from partners.selectors.public import organisations_public

DEFAULT_LIMIT = 5
MAX_LIMIT = 20


class CodeField(forms.ModelChoiceField):
    """A term chosen by its code, whatever the case it is typed in (``ke`` is Kenya)."""

    def __init__(self, queryset, *, upper: bool = True, **kwargs: Any) -> None:
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def to_python(self, value: Any):
        if isinstance(value, str):
            value = value.strip()
            value = value.upper() if self.upper else value
        return super().to_python(value)


def _limit_field() -> forms.IntegerField:
    # Django's own messages ("Ensure this value is less than or equal to 20."), translated.
    return forms.IntegerField(
        label=_("Number of items"),
        help_text=_("From 1 to 20; 5 when not given."),
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
    )


def _region_field(help_text) -> CodeField:
    return CodeField(
        Region.objects.all(),
        label=_("Region"),
        help_text=help_text,
        error_messages={"invalid_choice": _("No UN M49 region has the code %(value)s.")},
    )


def _country_field(help_text, *, required: bool = False) -> CodeField:
    return CodeField(
        Country.objects.all(),
        label=_("Country"),
        help_text=help_text,
        required=required,
        error_messages={
            "required": _("Give the country's two-letter ISO code, e.g. KE."),
            "invalid_choice": _("No country has the ISO code %(value)s."),
        },
    )


class LimitMixin:
    def clean_limit(self) -> int:
        return self.cleaned_data.get("limit") or DEFAULT_LIMIT


class OpportunitiesForm(LimitMixin, forms.Form):
    region = _region_field(
        _("UN M49 code of a region, e.g. 002 for Africa: opportunities open to its countries.")
    )
    country = _country_field(_("Two-letter ISO code of a country that may apply, e.g. KE."))
    limit = _limit_field()


class CountryForm(LimitMixin, forms.Form):
    country = _country_field(_("Two-letter ISO code of the country, e.g. KE."), required=True)
    limit = _limit_field()


class OffersForm(LimitMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=organisations_public(),
        label=_("Organisation"),
        help_text=_("Identifier of an approved partner organisation, e.g. 12."),
        error_messages={
            "required": _("Give the identifier of a partner organisation, e.g. 12."),
            "invalid_choice": _("No approved partner organisation has the identifier %(value)s."),
        },
    )
    limit = _limit_field()


class CommitmentsForm(forms.Form):
    actor_type = forms.ChoiceField(
        choices=[("", ""), *ActorType.choices],
        required=False,
        label=_("Type of actor"),
        help_text=_("individual, organisation, business or local_government."),
        error_messages={"invalid_choice": _("No type of actor has the code %(value)s.")},
    )
    target = CodeField(
        GBFTarget.objects.all(),
        label=_("GBF target"),
        help_text=_("GBF-T1 to GBF-T23."),
        error_messages={"invalid_choice": _("No GBF target has the code %(value)s.")},
    )
    region = _region_field(_("UN M49 code of a region, e.g. 002 for Africa."))
    country = _country_field(_("Two-letter ISO code of a country, e.g. KE."))
