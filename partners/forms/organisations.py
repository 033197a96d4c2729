"""Web forms of partner organisations: registration, profile, members and invitations.

Forms check what a browser sends (types, lengths, known terms, the logo's type and size through
the model's validators) and hand plain values to :mod:`partners.services`; they never save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.vocabularies import selectors as vocabularies
from chm_portal.vocabularies.models import (
    Country,
    GBFTarget,
    Language,
    OrganisationType,
    Region,
    SupportType,
    ThematicArea,
)

from .. import selectors
from ..models import Membership, Organisation
from ..services import ORGANISATION_RELATED_FIELDS

__all__ = [
    "InvitationForm",
    "MembershipRoleForm",
    "OrganisationProfileForm",
    "OrganisationRegisterForm",
    "ProfileLanguage",
]

# The languages whose name and description the profile form edits (the interface languages).
PROFILE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _label(name: str):
    """The model field's verbose name as a form label (lazy: it follows the language)."""
    return capfirst(Organisation._meta.get_field(name).verbose_name)


class _TargetsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: GBFTarget) -> str:
        return f"{obj.code}: {obj.title}"


class OrganisationFormBase(forms.ModelForm):
    """What the registration and profile forms share: the profile's fields, their choices and
    help. ``service_relations()`` gives the ``relations`` argument of the services."""

    class Meta:
        model = Organisation
        fields = [
            "acronym",
            "organisation_type",
            "country",
            "website",
            "countries_of_operation",
            "regions_of_operation",
            "targets",
            "thematic_areas",
            "support_types",
            "languages",
            "logo",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        field_classes = {"targets": _TargetsField}
        widgets = {
            "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
            "countries_of_operation": forms.SelectMultiple(attrs={"size": 8}),
            "regions_of_operation": forms.SelectMultiple(attrs={"size": 8}),
            "thematic_areas": forms.CheckboxSelectMultiple,
            "support_types": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "acronym": _("For example: IUCN."),
            "website": _("The full address, starting with https://"),
            "countries_of_operation": _(
                "Where the organisation works. Hold Ctrl (or Cmd) to choose several."
            ),
            "regions_of_operation": _(
                "For organisations working across a region. Hold Ctrl (or Cmd) to choose several."
            ),
            "targets": _(
                "The targets of the Kunming-Montreal Global Biodiversity Framework the "
                "organisation has expertise in."
            ),
            "logo": _("PNG, JPEG or WebP, at most 2 MB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["organisation_type"].queryset = vocabularies.term_list(
            model=OrganisationType, active_only=True
        )
        fields["organisation_type"].empty_label = _("Choose a type")
        fields["country"].queryset = vocabularies.country_list().order_by("name")
        fields["country"].empty_label = _("Choose a country")
        fields["countries_of_operation"].queryset = Country.objects.order_by("name")
        fields["regions_of_operation"].queryset = Region.objects.order_by("code")
        fields["targets"].queryset = vocabularies.gbf_target_list()
        for name, model in (
            ("thematic_areas", ThematicArea),
            ("support_types", SupportType),
            ("languages", Language),
        ):
            fields[name].queryset = vocabularies.term_list(model=model, active_only=True)

    def service_relations(self) -> dict[str, list]:
        return {name: list(self.cleaned_data[name]) for name in ORGANISATION_RELATED_FIELDS}

    def logo_upload(self) -> UploadedFile | bool | None:
        """A new logo, False when the person asked to remove it, None when unchanged."""
        logo = self.cleaned_data.get("logo")
        if logo is False:
            return False
        return logo if isinstance(logo, UploadedFile) else None

    @property
    def logo_to_choose_again(self) -> bool:
        """A logo was sent but the form is shown again: browsers do not keep chosen files."""
        return self.is_bound and bool(self.files.get(self.add_prefix("logo")))


class OrganisationRegisterForm(OrganisationFormBase):
    """Registration of an organisation. The name and description are written in the active
    language. When registered organisations look like this one, the form lists them
    (``similar``) and asks the person to confirm that theirs is a different one."""

    name = forms.CharField(
        label=_label("name"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_(
            "The full name, in the language of this page; other languages can be added later."
        ),
    )
    description = forms.CharField(
        label=_label("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the organisation does, for whom, and what support it can offer."),
    )
    not_a_duplicate = forms.BooleanField(
        label=_("This is a different organisation"),
        required=False,
        help_text=_("Tick this box if none of the organisations listed above is yours."),
    )

    field_order = ["name", "acronym", "organisation_type", "country", "website", "description"]

    class Meta(OrganisationFormBase.Meta):
        fields = ["name", "description", *OrganisationFormBase.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.similar: list[Organisation] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("name"):
            return cleaned
        self.similar = selectors.organisation_similar(
            cleaned["name"],
            cleaned.get("acronym", ""),
            cleaned.get("country"),
            cleaned.get("website", ""),
        )
        if self.similar and not cleaned.get("not_a_duplicate"):
            self.add_error(
                "not_a_duplicate",
                _(
                    "Organisations like this one are already registered. If yours is not "
                    "one of them, tick this box and send the form again."
                ),
            )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`partners.services.organisation_register` (but ``by``)."""
        data = self.cleaned_data
        arguments = {
            name: data[name]
            for name in (
                "name",
                "description",
                "acronym",
                "organisation_type",
                "country",
                "website",
                "contact_name",
                "contact_email",
                "contact_phone",
            )
        }
        arguments["logo"] = self.logo_upload() or None
        arguments["relations"] = self.service_relations()
        return arguments


class ProfileLanguage:
    """The name and description fields of one language, for a <fieldset> of the profile form."""

    def __init__(self, code: str, fields: list[forms.BoundField]):
        self.code = code
        self.name = get_language_info(code)["name_translated"]
        self.fields = fields


class OrganisationProfileForm(OrganisationFormBase):
    """An organisation's profile: its name and description in each interface language, and the
    rest of the profile."""

    class Meta(OrganisationFormBase.Meta):
        fields = [
            *(
                build_localized_fieldname(field, code)
                for code in PROFILE_LANGUAGES
                for field in ("name", "description")
            ),
            *OrganisationFormBase.Meta.fields,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in PROFILE_LANGUAGES:
            name = self.fields[build_localized_fieldname("name", code)]
            name.label = _label("name")
            name.required = False
            name.widget.attrs["lang"] = code
            description = self.fields[build_localized_fieldname("description", code)]
            description.label = _label("description")
            description.widget = forms.Textarea(attrs={"rows": 5, "lang": code})
        default = self.fields[build_localized_fieldname("name", settings.LANGUAGE_CODE)]
        default.help_text = _("Give the name in at least one language.")

    def language_fieldsets(self) -> list[ProfileLanguage]:
        return [
            ProfileLanguage(
                code,
                [self[build_localized_fieldname(field, code)] for field in ("name", "description")],
            )
            for code in PROFILE_LANGUAGES
        ]

    def other_fields(self) -> list[forms.BoundField]:
        translated = {
            build_localized_fieldname(field, code)
            for code in PROFILE_LANGUAGES
            for field in ("name", "description")
        }
        return [field for field in self.visible_fields() if field.name not in translated]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        names = [cleaned.get(build_localized_fieldname("name", code)) for code in PROFILE_LANGUAGES]
        has_other_names = any(
            getattr(self.instance, build_localized_fieldname("name", code.replace("-", "_")))
            for code, _name in settings.CONTENT_LANGUAGES
            if code not in PROFILE_LANGUAGES
        )
        if not any(names) and not has_other_names:
            self.add_error(
                build_localized_fieldname("name", settings.LANGUAGE_CODE),
                _("Give the organisation's name in at least one language."),
            )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The ``data`` argument of :func:`partners.services.organisation_update`."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.fields and name != "logo" and name not in ORGANISATION_RELATED_FIELDS
        }
        logo = self.logo_upload()
        if logo is False:
            data["logo"] = None
        elif logo is not None:
            data["logo"] = logo
        return data


# --- Members ------------------------------------------------------------------------------------
class MembershipRoleForm(forms.Form):
    """A member's new role."""

    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationForm(forms.Form):
    """Whom to invite, and as what."""

    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The invitation link is sent to this address and works for 14 days."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.EDITOR,
        widget=forms.RadioSelect,
        help_text=_(
            "Editors prepare and publish the organisation's records; administrators also manage "
            "its profile and members."
        ),
    )
