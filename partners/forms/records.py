"""Forms of the members' pages for their organisation's records (``partners/views/manage.py``).

One ModelForm per record type, on :class:`RecordForm`: the content in every content language
(``title_en``, ``title_fr``...) grouped by language after the original ``language``, then the
record's other fields in the groups the page shows (``groups``). Forms check what a browser sends
and the model's own cross-field checks; they never save: the views pass
:meth:`RecordForm.service_arguments` to :func:`partners.services.record_create` and
:func:`partners.services.record_update`, which check again and have the last word.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.core.admin_tools import ConflictCheckFormMixin
from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies.models import Region, VocabularyTerm
from chm_portal.vocabularies.selectors import region_choices

from ..models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    Resource,
)
from ..services import translated_fields

__all__ = [
    "RECORD_FORMS",
    "EventForm",
    "InitiativeForm",
    "OfferForm",
    "OpportunityForm",
    "PartnershipAgreementForm",
    "RecordForm",
    "RecordTranslationForm",
    "ResourceForm",
    "add_service_errors",
    "time_zone_choices",
]

ORIGINAL_TEXT_REQUIRED = _("Write this in the record's original language.")
# Languages shown open on the form; the other content languages are folded away until used.
INTERFACE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Many-to-many lists long enough to be a multiple select rather than checkboxes.
LONG_LISTS = ("Country", "Region", "Organisation")


def localized(field: str, language: str) -> str:
    """``title`` in ``zh-hans`` -> ``title_zh_hans``."""
    return build_localized_fieldname(field, language.replace("-", "_"))


def content_field_names(model: type[models.Model]) -> list[str]:
    """Every translation column of ``model``'s content fields, language by language."""
    return [
        localized(field, language)
        for language, _name in settings.CONTENT_LANGUAGES
        for field in translated_fields(model)
    ]


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, sorted (``Africa/Abidjan`` ... ``UTC``)."""
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


def _join(*texts) -> Any:
    """Sentences of help text, lazily joined (empty ones left out)."""
    texts = [text for text in texts if text]
    return format_lazy(" ".join("{}" for _text in texts), *texts)


# --- Widgets and fields -------------------------------------------------------------------------
class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker (``datetime-local``): YYYY-MM-DDTHH:MM, no zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as read on a clock somewhere, without a time zone.

    The form makes it aware with the time zone entered next to it (an event's ``time_zone``),
    rather than the reader's, as :class:`forms.DateTimeField` would.
    """

    widget = DateTimeLocalInput

    def to_python(self, value):
        with timezone.override(datetime.UTC):
            moment = super().to_python(value)
        return moment.replace(tzinfo=None) if moment else None


def _formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """Form fields of record models: date pickers, text areas, checkbox lists and selects."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateTimeLocalInput)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("widget", DateInput)
    elif isinstance(db_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
    elif isinstance(db_field, models.ManyToManyField):
        if db_field.related_model.__name__ in LONG_LISTS:
            kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 8}))
        else:
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
    formfield = db_field.formfield(**kwargs)
    if formfield is not None:
        formfield.label = capfirst(db_field.verbose_name)
    return formfield


# --- The record forms ---------------------------------------------------------------------------
class RecordForm(ConflictCheckFormMixin, forms.ModelForm):
    """What every record form has: the content per language, the original language, and the
    record type's other fields in ``groups``.

    ``organisation`` is the organisation the record belongs to; ``may_moderate`` (help desk) shows
    the fields only staff set (``staff_fields``).
    """

    # (legend, field names) of the groups after the content, in page order.
    groups: tuple[tuple[Promise, tuple[str, ...]], ...] = ()
    staff_fields: tuple[str, ...] = ()
    # Multiple-select hint, shown under long lists.
    MULTIPLE_HINT = _("Hold Ctrl (or Cmd) to choose several.")

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        may_moderate: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not may_moderate:
            for name in self.staff_fields:
                self.fields.pop(name, None)
        self._label_content_fields()
        self._limit_choices()

    # Content in several languages
    def _label_content_fields(self) -> None:
        names = dict(settings.CONTENT_LANGUAGES)
        model = self._meta.model
        for field in translated_fields(model):
            verbose_name = capfirst(model._meta.get_field(field).verbose_name)
            for language, language_name in names.items():
                formfield = self.fields[localized(field, language)]
                formfield.label = format_lazy("{} ({})", verbose_name, language_name)
                if isinstance(formfield.widget, forms.Textarea):
                    formfield.widget.attrs["rows"] = 8 if field == "description" else 5
                formfield.widget.attrs["lang"] = language

    def required_content_fields(self) -> tuple[str, ...]:
        """The content fields needed in the original language (the others are optional)."""
        model = self._meta.model
        return tuple(
            field for field in translated_fields(model) if not model._meta.get_field(field).blank
        )

    def original_language(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("language")) or settings.LANGUAGE_CODE
        return self.initial.get("language") or self.instance.language or settings.LANGUAGE_CODE

    def language_sections(self) -> list[dict[str, Any]]:
        """One section per content language for the page: the original language first, then
        the interface languages; the others come folded unless they hold text or errors."""
        original = self.original_language()
        required = self.required_content_fields()
        sections = []
        for language, name in settings.CONTENT_LANGUAGES:
            items = [
                {"field": self[localized(field, language)], "required": field in required}
                for field in translated_fields(self._meta.model)
            ]
            sections.append(
                {
                    "code": language,
                    "name": name,
                    "is_original": language == original,
                    "fields": items,
                    "open": language == original
                    or language in INTERFACE_LANGUAGES
                    or any(item["field"].errors or item["field"].value() for item in items),
                }
            )
        sections.sort(key=lambda section: not section["is_original"])
        return sections

    def field_groups(self) -> list[dict[str, Any]]:
        return [
            {"legend": legend, "fields": [self[name] for name in names if name in self.fields]}
            for legend, names in self.groups
        ]

    # Choices
    def _limit_choices(self) -> None:
        """Active vocabulary terms (and the inactive ones the record already has)."""
        for name, formfield in self.fields.items():
            queryset = getattr(formfield, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if issubclass(model, VocabularyTerm):
                keep = Q(is_active=True)
                current = self._current_ids(name)
                if current:
                    keep |= Q(pk__in=current)
                formfield.queryset = model.objects.filter(keep).order_by("position", "code")
            elif model is Region:
                formfield.to_field_name = "code"
                formfield.choices = region_choices()
            if isinstance(formfield.widget, forms.SelectMultiple) and not isinstance(
                formfield.widget, forms.CheckboxSelectMultiple
            ):
                formfield.help_text = _join(formfield.help_text, self.MULTIPLE_HINT)

    def _current_ids(self, name: str) -> list[int]:
        if self.instance.pk is None:
            return []
        value = getattr(self.instance, name)
        if hasattr(value, "all"):  # many-to-many: .all() uses the selector's prefetch
            return [obj.pk for obj in value.all()]
        return [value.pk] if value is not None else []

    # Validation
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        language = cleaned.get("language")
        if language:
            for field in self.required_content_fields():
                name = localized(field, language)
                if name not in self._errors and not (cleaned.get(name) or "").strip():
                    self.add_error(name, ORIGINAL_TEXT_REQUIRED)
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """The ``data`` and ``relations`` arguments of the record services."""
        model = self._meta.model
        data: dict[str, Any] = {}
        relations: dict[str, Iterable] = {}
        for name in self.fields:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            model_field = model._meta.get_field(name)
            if model_field.many_to_many:
                relations[name] = list(value)
            elif isinstance(model_field, models.FileField):
                # Unchanged files stay; a ticked "Clear" box (False) empties the field.
                if name in self.changed_data:
                    data[name] = value or ""
            else:
                data[name] = value
        return {"data": data, "relations": relations}


def record_form_meta(model, *groups: tuple[Promise, tuple[str, ...]]) -> type:
    """The ``Meta`` of a :class:`RecordForm` of ``model``: its content in every language, its
    language and the fields of ``groups`` (also used by the commitments' forms)."""

    class Meta:
        pass

    Meta.model = model
    Meta.fields = [
        *content_field_names(model),
        "language",
        *(name for _legend, names in groups for name in names),
    ]
    Meta.formfield_callback = _formfield
    return Meta


SUBJECTS = ("targets", "thematic_areas")


class OfferForm(RecordForm):
    groups = (
        (
            _("What is offered"),
            ("support_types", *SUBJECTS, "capacity_levels", "languages"),
        ),
        (
            _("Who may benefit"),
            ("eligible_countries", "eligible_regions", "eligible_groups"),
        ),
        (
            _("When, and at what cost"),
            (
                "available_from",
                "available_until",
                "cost",
                "contribution",
                "budget_min",
                "budget_max",
                "budget_currency",
                "max_concurrent_requests",
            ),
        ),
    )
    Meta = record_form_meta(Offer, *groups)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eligible_countries"].help_text = _join(
            _("None chosen means open to all countries."), self.MULTIPLE_HINT
        )


class InitiativeForm(RecordForm):
    groups = (
        (
            _("Partners and places"),
            ("partner_organisations", "other_partners", "countries"),
        ),
        (_("Subjects"), SUBJECTS),
        (
            _("Dates and budget"),
            ("stage", "start_date", "end_date", "budget", "budget_currency", "website"),
        ),
    )
    Meta = record_form_meta(Initiative, *groups)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields["partner_organisations"]
        keep = Q(status=Organisation.Status.APPROVED)
        current = self._current_ids("partner_organisations")
        if current:
            keep |= Q(pk__in=current)
        partners.queryset = (
            Organisation.objects.filter(keep).exclude(pk=self.organisation.pk).order_by("name")
        )
        partners.help_text = _join(_("Partners registered on the portal."), self.MULTIPLE_HINT)


class ResourceForm(RecordForm):
    groups = (
        (
            _("The resource"),
            ("resource_type", "file", "url", "licence", "authors", "publication_year"),
        ),
        (_("Languages and subjects"), ("languages", *SUBJECTS)),
    )
    Meta = record_form_meta(Resource, *groups)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument text, ZIP, EPUB, MP4, PNG or JPEG, at "
            "most 50 MB. Upload a file or give a link (or both)."
        )


class OpportunityForm(RecordForm):
    groups = (
        (
            _("The opportunity"),
            ("opportunity_type", "opens_at", "deadline", "places"),
        ),
        (
            _("How to apply"),
            ("link", "applications_on_portal", "is_portal_programme"),
        ),
        (
            _("Who may apply"),
            ("eligible_countries", "eligible_regions", "eligible_groups"),
        ),
        (_("Languages and subjects"), ("languages", *SUBJECTS)),
    )
    staff_fields = ("is_portal_programme",)
    Meta = record_form_meta(Opportunity, *groups)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "deadline"):
            self.fields[name].help_text = _join(
                self.fields[name].help_text, _("Date and time in %(zone)s.") % {"zone": zone}
            )


def _event_field(name: str) -> models.Field:
    return Event._meta.get_field(name)


class EventForm(RecordForm):
    """Start and end are entered as read on the clock of the event's ``time_zone``."""

    starts_at = WallClockDateTimeField(label=capfirst(_event_field("starts_at").verbose_name))
    ends_at = WallClockDateTimeField(label=capfirst(_event_field("ends_at").verbose_name))
    time_zone = forms.ChoiceField(
        label=capfirst(_event_field("time_zone").verbose_name),
        choices=time_zone_choices,
        initial="UTC",
        help_text=_event_field("time_zone").help_text,
    )

    groups = (
        (_("When"), ("event_type", "time_zone", "starts_at", "ends_at")),
        (
            _("Where"),
            ("is_online", "venue", "city", "country", "registration_url"),
        ),
        (_("Languages and subjects"), ("languages", *SUBJECTS)),
        (_("After the event"), ("participant_count",)),
    )
    Meta = record_form_meta(Event, *groups)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["starts_at"] = self.instance.local_starts_at.replace(tzinfo=None)
            self.initial["ends_at"] = self.instance.local_ends_at.replace(tzinfo=None)
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("In the event's time zone.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        zone = zoneinfo.ZoneInfo(cleaned.get("time_zone") or "UTC")
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) is not None:
                cleaned[name] = cleaned[name].replace(tzinfo=zone)
        return cleaned


class PartnershipAgreementForm(RecordForm):
    groups = ((_("The agreement"), ("kind", "signed_on", "ends_on", "document")),)
    Meta = record_form_meta(PartnershipAgreement, *groups)


# Slug of the record type (partners/selectors/manage.py) -> its form.
RECORD_FORMS: dict[str, type[RecordForm]] = {
    "offers": OfferForm,
    "initiatives": InitiativeForm,
    "resources": ResourceForm,
    "opportunities": OpportunityForm,
    "events": EventForm,
    "agreements": PartnershipAgreementForm,
}


# --- Translations -------------------------------------------------------------------------------
class RecordTranslationForm(forms.Form):
    """The content of a record in the languages other than its original one."""

    def __init__(self, *args: Any, record, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        model = type(record)
        self.languages = [
            (code, name) for code, name in settings.CONTENT_LANGUAGES if code != record.language
        ]
        for language, language_name in self.languages:
            for field in translated_fields(model):
                name = localized(field, language)
                model_field = model._meta.get_field(name)
                formfield = _formfield(model_field, required=False)
                formfield.label = format_lazy(
                    "{} ({})", capfirst(model._meta.get_field(field).verbose_name), language_name
                )
                formfield.widget.attrs["lang"] = language
                formfield.validators = [*formfield.validators, *model_field.validators]
                self.fields[name] = formfield
                self.initial[name] = getattr(record, name)

    def original_fields(self) -> list[dict[str, Any]]:
        """The text in the original language, shown for reference."""
        model = type(self.record)
        return [
            {
                "label": capfirst(model._meta.get_field(field).verbose_name),
                "text": getattr(self.record, localized(field, self.record.language)) or "",
            }
            for field in translated_fields(model)
        ]

    def language_sections(self) -> list[dict[str, Any]]:
        fields = translated_fields(type(self.record))
        sections = []
        for language, name in self.languages:
            items = [{"field": self[localized(field, language)]} for field in fields]
            sections.append(
                {
                    "code": language,
                    "name": name,
                    "fields": items,
                    "open": language in INTERFACE_LANGUAGES
                    or any(item["field"].errors or item["field"].value() for item in items),
                }
            )
        return sections

    def service_arguments(self) -> dict[str, Any]:
        return {"data": dict(self.cleaned_data), "relations": None}
