"""Import and export of organisations, resources, opportunities and events in CSV and XLSX files
(django-import-export resources, used by the admin in ``admin.py``).

Files carry codes rather than labels, so that a file written in one interface language imports in
any other: the codes of the reference lists (``ngo``, ``GBF-T3``, ``toolkit``), ISO alpha-2 country
codes, UN M49 region codes, several codes in one cell joined with ``;``. Records name their
organisation by its name. Content has one column per language (``title_en``, ``title_fr``...).

A row updates the row it identifies: by ``id`` when the column is filled in, else by a natural key
(organisations: name and headquarters country; records: organisation and title in the record's
original language). Importing the same file twice creates nothing the second time, and rows that
change nothing are skipped and reported as such.

Every row is checked like a form: unknown codes, unreadable dates and numbers, then the model's
own checks (dates in order, URLs...). A bad row is reported with its number and a translated
message. Records are written by the services (``record_create``, ``record_update``,
``record_set_status``): they arrive as drafts unless the ``status`` column says otherwise, and
publishing sets ``published_at`` and refuses what is already past. Organisations arrive pending
unless the ``status`` column says they are approved or rejected, which the importing person decides
through ``organisation_approve``/``organisation_reject``.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from chm_portal.core.exports import FORMULA_TRIGGERS, LIST_SEPARATOR, neutralise_formula
from chm_portal.vocabularies.models import (
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

from . import services
from .models import Event, Opportunity, Organisation, PartnerRecord, RecordStatus, Resource

__all__ = ["EventTable", "OpportunityTable", "OrganisationTable", "ResourceTable"]


def _localized(field: str, language: str) -> str:
    return build_localized_fieldname(field, language.replace("-", "_"))


def _language_columns(field: str) -> list[str]:
    """``["title_en", "title_fr", ...]``: one column per content language."""
    return [_localized(field, language) for language in AVAILABLE_LANGUAGES]


def _cell_text(value: Any) -> str:
    """A cell as text: spreadsheets give numbers for codes such as ``002``, CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- Widgets: how a cell becomes a value and back -------------------------------------------------
class TextWidget(widgets.CharWidget):
    """Text, trimmed. Empty cells are ``empty`` ("" for plain text, None for translations, whose
    empty value means "not translated")."""

    def __init__(self, empty: str | None = ""):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        return text if text else self.empty


class WholeNumberWidget(widgets.Widget):
    """A whole number (a year, a number of places or participants); empty cells are None."""

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(
                gettext("“%(value)s” is not a whole number.") % {"value": text}
            ) from None


class YesNoWidget(widgets.Widget):
    """A yes/no cell: 1, yes, true, oui, sí... or 0, no, false, non; empty means no."""

    YES = frozenset({"1", "yes", "y", "true", "x", "oui", "si", "sí"})
    NO = frozenset({"", "0", "no", "n", "false", "non"})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _cell_text(value).casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(gettext("Write yes or no, not “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class DateTimeWidget(widgets.Widget):
    """A date and time such as ``2026-05-31 17:00``, with or without an offset (``+03:00``).

    Without an offset it is read in the time zone named by the row's ``time_zone_column`` (an
    event's own time zone), else in the portal's time zone. Exported with its offset.
    """

    def __init__(self, time_zone_column: str | None = None):
        super().__init__()
        self.time_zone_column = time_zone_column

    def _time_zone(self, row) -> datetime.tzinfo:
        name = _cell_text((row or {}).get(self.time_zone_column)) if self.time_zone_column else ""
        try:
            return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            # The time zone column reports its own error; read the time in UTC meanwhile.
            return datetime.UTC

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            moment = value
        elif isinstance(value, datetime.date):
            moment = datetime.datetime.combine(value, datetime.time())
        else:
            text = _cell_text(value)
            try:
                moment = parse_datetime(text)
                if moment is None and (day := parse_date(text)) is not None:
                    moment = datetime.datetime.combine(day, datetime.time())
            except ValueError:
                moment = None
            if moment is None:
                raise ValueError(
                    gettext("“%(value)s” is not a date and time: write it as 2026-05-31 17:00.")
                    % {"value": text}
                )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, self._time_zone(row))
        return moment

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return timezone.localtime(value).isoformat(sep=" ")


class CodeWidget(widgets.Widget):
    """One row of a reference list (or a country, a region) given by its code, case-insensitive.

    The list is read once per import. ``digits`` left-pads numeric codes that a spreadsheet may
    have turned into numbers (M49 ``002`` becomes ``2``).
    """

    def __init__(self, model: type[Model], field: str = "code", digits: int = 0):
        super().__init__()
        self.model, self.field, self.digits = model, field, digits
        self._terms: dict[str, Model] | None = None

    def __deepcopy__(self, memo):
        # Each resource gets its own copy of its fields: start the copy with an empty cache.
        return type(self)(self.model, field=self.field, digits=self.digits)

    def code_of(self, value: Any) -> str:
        code = _cell_text(value)
        if self.digits and code.isdigit():
            code = code.zfill(self.digits)
        return code

    def term(self, code: str) -> Model | None:
        if self._terms is None:
            self._terms = {
                str(getattr(term, self.field)).casefold(): term for term in self.model.objects.all()
            }
        return self._terms.get(code.casefold())

    def clean(self, value, row=None, **kwargs):
        code = self.code_of(value)
        if not code:
            return None
        term = self.term(code)
        if term is None:
            raise ValueError(
                gettext("“%(code)s” is not a code of the list of %(list)s.")
                % {"code": code, "list": self.model._meta.verbose_name_plural}
            )
        return term

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field, "") if value is not None else ""


class CodesWidget(widgets.ManyToManyWidget):
    """Several codes in one cell joined with ``;`` (``GBF-T1;GBF-T6``); unknown codes are errors."""

    def __init__(self, model: type[Model], field: str = "code", digits: int = 0):
        super().__init__(model, separator=LIST_SEPARATOR, field=field)
        self.codes = CodeWidget(model, field=field, digits=digits)

    def __deepcopy__(self, memo):
        return type(self)(self.model, field=self.field, digits=self.codes.digits)

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        terms, unknown = [], []
        for code in (self.codes.code_of(part) for part in text.split(self.separator)):
            if not code:
                continue
            term = self.codes.term(code)
            if term is None:
                unknown.append(code)
            elif term not in terms:
                terms.append(term)
        if unknown:
            raise ValueError(
                gettext("Not codes of the list of %(list)s: %(codes)s.")
                % {"list": self.model._meta.verbose_name_plural, "codes": ", ".join(unknown)}
            )
        return terms

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # .all() reads the prefetched rows; sorted here so that exports are stable.
        return self.separator.join(sorted(str(getattr(term, self.field)) for term in value.all()))


class OrganisationNameWidget(widgets.Widget):
    """The organisation a record belongs to, by its name in any language."""

    def __init__(self):
        super().__init__()
        self._found: dict[str, Organisation] = {}

    def __deepcopy__(self, memo):
        return type(self)()

    def find(self, name: str) -> Organisation | None:
        """The organisation called ``name``; None when there is none; a ValueError when several."""
        key = name.casefold()
        if key not in self._found:
            condition = Q()
            for column in _language_columns("name"):
                condition |= Q(**{f"{column}__iexact": name})
            matches = list(Organisation.objects.filter(condition)[:2])
            if len(matches) > 1:
                raise ValueError(
                    gettext("Several organisations are called “%(name)s”.") % {"name": name}
                )
            if not matches:
                return None
            self._found[key] = matches[0]
        return self._found[key]

    def clean(self, value, row=None, **kwargs):
        name = _cell_text(value)
        if not name:
            return None
        organisation = self.find(name)
        if organisation is None:
            raise ValueError(
                gettext("No organisation is called “%(name)s”: register it first.") % {"name": name}
            )
        return organisation

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


def _comparable(value: Any) -> Any:
    # An empty translation is None in some rows and "" in others: the same for "unchanged".
    return "" if value is None else value


# --- Tables (django-import-export resources) ------------------------------------------------
class _PortalTable(resources.ModelResource):
    """What the four tables share: identifying rows, checking codes, skipping unchanged rows,
    and cells a spreadsheet would run as formulas."""

    id = fields.Field(attribute="id", column_name="id", readonly=True)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # A file is imported whole or not at all: one bad row and nothing is written.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    # The admin passes the person importing to import_data(); keep it for the services.
    def before_import(self, dataset, **kwargs):
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]

    def before_import_row(self, row, **kwargs):
        # Exports put a quote before text a spreadsheet would run as a formula; take it off.
        for column, value in row.items():
            quoted = isinstance(value, str) and value.startswith("'")
            if quoted and value[1:].startswith(FORMULA_TRIGGERS):
                row[column] = value[1:]

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise_formula(value) if isinstance(value, str) else value

    # Identifying the row -----------------------------------------------------------------------
    def get_instance(self, instance_loader, row):
        text = _cell_text(row.get("id"))
        if not text:
            return self.find_by_natural_key(row)
        try:
            return self.get_queryset().get(pk=int(text))
        except (ValueError, self._meta.model.DoesNotExist):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: gettext("No %(kind)s has the id “%(id)s”.")
                    % {"kind": self._meta.model._meta.verbose_name, "id": text}
                }
            ) from None

    def find_by_natural_key(self, row) -> Model | None:
        raise NotImplementedError

    def _one(self, queryset) -> Model | None:
        matches = list(queryset[:2])
        if len(matches) > 1:
            raise ValidationError(
                gettext("Several rows already match this one: give the id of the one to update.")
            )
        return matches[0] if matches else None

    def after_init_instance(self, instance, new, row, **kwargs):
        # Status changes go through the services, from the status stored before the import.
        instance._status_before_import = None if new else instance.status

    # Checking the row --------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        """Set the fields, reporting unknown codes of many-valued columns as errors of the row
        (import-export would only meet them while saving)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_unchanged or import_validation_errors or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.readonly or field.column_name not in row:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                wanted = {term.pk for term in field.clean(row)}
                stored = {term.pk for term in field.get_value(original).all()}
                if wanted != stored:
                    return False
            elif _comparable(field.get_value(instance)) != _comparable(field.get_value(original)):
                return False
        return True

    def save_instance(self, instance, is_create, row, **kwargs):
        # One savepoint per row: a row refused while saving leaves nothing behind.
        with transaction.atomic():
            super().save_instance(instance, is_create, row, **kwargs)

    def optimise_export(self, queryset):
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.optimise_export(queryset)


def _as_validation_error(exc: PermissionDenied) -> ValidationError:
    return ValidationError(str(exc) or gettext("You may not make this change."))


# Columns of every organisation; contacts are for the help desk (the admin only).
ORGANISATION_COLUMNS = (
    "id",
    *_language_columns("name"),
    "acronym",
    "organisation_type",
    "country",
    "countries_of_operation",
    "regions_of_operation",
    "website",
    *_language_columns("description"),
    "targets",
    "thematic_areas",
    "support_types",
    "languages",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
)


def _text_fields(*names: str, empty: str | None = "") -> dict[str, fields.Field]:
    return {
        name: fields.Field(attribute=name, column_name=name, widget=TextWidget(empty=empty))
        for name in names
    }


def _code_field(name: str, model: type[Model], **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=CodeWidget(model, **kwargs))


def _codes_field(name: str, model: type[Model], **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=CodesWidget(model, **kwargs))


def _status_field() -> fields.Field:
    # An empty status cell leaves the status as it is (a draft, or pending, for new rows).
    return fields.Field(
        attribute="status",
        column_name="status",
        widget=TextWidget(empty=None),
        saves_null_values=False,
    )


class _TableMetaclass(resources.ModelDeclarativeMetaclass):
    """Adds the per-language text columns, which a class body cannot list one by one."""

    def __new__(cls, name, bases, attrs):
        for field_name in attrs.pop("translated_columns", ()):
            attrs.update(_text_fields(*_language_columns(field_name), empty=None))
        for field_name in attrs.pop("text_columns", ()):
            attrs.update(_text_fields(field_name))
        return super().__new__(cls, name, bases, attrs)


class OrganisationTable(_PortalTable, metaclass=_TableMetaclass):
    """Partner organisations, identified by name and headquarters country."""

    translated_columns = ("name", "description")
    text_columns = ("acronym", "website", "contact_name", "contact_email", "contact_phone")
    organisation_type = _code_field("organisation_type", OrganisationType)
    country = _code_field("country", Country)
    countries_of_operation = _codes_field("countries_of_operation", Country)
    regions_of_operation = _codes_field("regions_of_operation", Region, digits=3)
    targets = _codes_field("targets", GBFTarget)
    thematic_areas = _codes_field("thematic_areas", ThematicArea)
    support_types = _codes_field("support_types", SupportType)
    languages = _codes_field("languages", Language)
    status = _status_field()

    class Meta(_PortalTable.Meta):
        model = Organisation
        name = _("Partner organisations")
        fields = ORGANISATION_COLUMNS
        export_order = ORGANISATION_COLUMNS

    def find_by_natural_key(self, row) -> Organisation | None:
        names = Q()
        for column in _language_columns("name"):
            if name := _cell_text(row.get(column)):
                names |= Q(**{f"{column}__iexact": name})
        if not names:
            return None
        try:
            country = self.fields["country"].widget.clean(row.get("country"))
        except ValueError:
            return None  # reported as the country column's error
        return self._one(Organisation.objects.filter(names, country=country))

    def do_instance_save(self, instance: Organisation, is_create: bool) -> None:
        wanted = instance.status
        if is_create:
            instance.status = Organisation.Status.PENDING
            instance.created_by = self.user
        else:
            instance.status = instance._status_before_import
        instance.save(force_insert=is_create)
        if wanted == instance.status:
            return
        decide = {
            Organisation.Status.APPROVED: services.organisation_approve,
            Organisation.Status.REJECTED: services.organisation_reject,
        }.get(wanted)
        if decide is None:
            raise ValidationError(
                {"status": gettext("A decided organisation cannot be pending again.")}
            )
        if self.user is None:
            raise ValidationError(
                {"status": gettext("Only the help desk approves or rejects organisations.")}
            )
        try:
            decide(organisation=instance, by=self.user)
        except PermissionDenied as exc:
            raise _as_validation_error(exc) from exc
        instance.status = wanted

    def optimise_export(self, queryset):
        return queryset.select_related("organisation_type", "country").prefetch_related(
            "countries_of_operation",
            "regions_of_operation",
            "targets",
            "thematic_areas",
            "support_types",
            "languages",
        )


class _RecordTable(_PortalTable):
    """Records of the partners' databases, identified by organisation and original title, and
    written through the record services."""

    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=OrganisationNameWidget()
    )
    language = fields.Field(
        attribute="language", column_name="language", widget=TextWidget(), default="en"
    )
    status = _status_field()
    published_at = fields.Field(
        attribute="published_at",
        column_name="published_at",
        widget=DateTimeWidget(),
        readonly=True,
    )

    def find_by_natural_key(self, row) -> PartnerRecord | None:
        language = _cell_text(row.get("language")) or "en"
        title = _cell_text(row.get(_localized("title", language)))
        name = _cell_text(row.get("organisation"))
        if not (title and name):
            return None
        try:
            organisation = self.fields["organisation"].widget.find(name)
        except ValueError:
            return None  # reported as the organisation column's error
        if organisation is None:
            return None
        model = self._meta.model
        return self._one(
            model.objects.filter(
                **{
                    model.ORGANISATION_FIELD: organisation,
                    f"{_localized('title', language)}__iexact": title,
                }
            )
        )

    def _record_data(self, instance: PartnerRecord) -> dict[str, Any]:
        """What the file says of the record's own columns, for the services."""
        concrete = {field.name for field in instance._meta.concrete_fields}
        skipped = {"id", "status", instance.ORGANISATION_FIELD}
        return {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if not field.readonly and field.attribute in concrete and field.attribute not in skipped
        }

    def do_instance_save(self, instance: PartnerRecord, is_create: bool) -> None:
        wanted = instance.status
        data = self._record_data(instance)
        try:
            if is_create:
                saved = services.record_create(
                    model=type(instance),
                    organisation=instance.owner_organisation,
                    by=self.user,
                    data=data,
                    publish=wanted == RecordStatus.PUBLISHED,
                )
            else:
                data[instance.ORGANISATION_FIELD] = instance.owner_organisation
                saved = services.record_update(record=instance, by=self.user, data=data)
            if saved.status != wanted:
                saved = services.record_set_status(record=saved, by=self.user, status=wanted)
        except PermissionDenied as exc:
            raise _as_validation_error(exc) from exc
        # import-export goes on with this instance (relations, the report): make it the saved row.
        instance.pk = saved.pk
        instance._state.adding, instance._state.db = False, saved._state.db
        for name in ("status", "published_at", "created_by_id", "created_at", "updated_at"):
            setattr(instance, name, getattr(saved, name))

    def optimise_export(self, queryset):
        model = self._meta.model
        return queryset.select_related(model.ORGANISATION_FIELD).prefetch_related(
            *(field.name for field in model._meta.many_to_many if field.name in self.fields)
        )


RECORD_COLUMNS = (
    "id",
    "organisation",
    "language",
    "status",
    "published_at",
    *_language_columns("title"),
    *_language_columns("description"),
)


class ResourceTable(_RecordTable, metaclass=_TableMetaclass):
    """Resources (guidance, toolkits, teaching material...) given by a link; files are uploaded
    on the record's page."""

    translated_columns = ("title", "description")
    text_columns = ("url", "licence", "authors")
    resource_type = _code_field("resource_type", ResourceType)
    languages = _codes_field("languages", Language)
    targets = _codes_field("targets", GBFTarget)
    thematic_areas = _codes_field("thematic_areas", ThematicArea)
    publication_year = fields.Field(
        attribute="publication_year", column_name="publication_year", widget=WholeNumberWidget()
    )

    class Meta(_PortalTable.Meta):
        model = Resource
        name = _("Resources")
        fields = (
            *RECORD_COLUMNS,
            "resource_type",
            "url",
            "licence",
            "authors",
            "publication_year",
            "languages",
            "targets",
            "thematic_areas",
        )
        export_order = fields

    def optimise_export(self, queryset):
        return super().optimise_export(queryset).select_related("resource_type")


class OpportunityTable(_RecordTable, metaclass=_TableMetaclass):
    """Opportunities (courses, fellowships, calls...); times without an offset are in UTC."""

    translated_columns = ("title", "description", "eligibility")
    text_columns = ("link",)
    opportunity_type = _code_field("opportunity_type", OpportunityType)
    eligible_countries = _codes_field("eligible_countries", Country)
    eligible_regions = _codes_field("eligible_regions", Region, digits=3)
    eligible_groups = _codes_field("eligible_groups", CountryGroup)
    targets = _codes_field("targets", GBFTarget)
    thematic_areas = _codes_field("thematic_areas", ThematicArea)
    languages = _codes_field("languages", Language)
    opens_at = fields.Field(attribute="opens_at", column_name="opens_at", widget=DateTimeWidget())
    deadline = fields.Field(attribute="deadline", column_name="deadline", widget=DateTimeWidget())
    applications_on_portal = fields.Field(
        attribute="applications_on_portal",
        column_name="applications_on_portal",
        widget=YesNoWidget(),
    )
    is_portal_programme = fields.Field(
        attribute="is_portal_programme", column_name="is_portal_programme", widget=YesNoWidget()
    )
    places = fields.Field(attribute="places", column_name="places", widget=WholeNumberWidget())

    class Meta(_PortalTable.Meta):
        model = Opportunity
        name = _("Opportunities")
        fields = (
            *RECORD_COLUMNS,
            *_language_columns("eligibility"),
            "opportunity_type",
            "opens_at",
            "deadline",
            "link",
            "applications_on_portal",
            "is_portal_programme",
            "places",
            "eligible_countries",
            "eligible_regions",
            "eligible_groups",
            "targets",
            "thematic_areas",
            "languages",
        )
        export_order = fields

    def optimise_export(self, queryset):
        return super().optimise_export(queryset).select_related("opportunity_type")


class EventTable(_RecordTable, metaclass=_TableMetaclass):
    """Events; times without an offset are in the event's own ``time_zone``."""

    translated_columns = ("title", "description")
    text_columns = ("venue", "city", "registration_url")
    event_type = _code_field("event_type", EventType)
    starts_at = fields.Field(
        attribute="starts_at", column_name="starts_at", widget=DateTimeWidget("time_zone")
    )
    ends_at = fields.Field(
        attribute="ends_at", column_name="ends_at", widget=DateTimeWidget("time_zone")
    )
    time_zone = fields.Field(
        attribute="time_zone", column_name="time_zone", widget=TextWidget(), default="UTC"
    )
    is_online = fields.Field(attribute="is_online", column_name="is_online", widget=YesNoWidget())
    country = _code_field("country", Country)
    languages = _codes_field("languages", Language)
    targets = _codes_field("targets", GBFTarget)
    thematic_areas = _codes_field("thematic_areas", ThematicArea)
    participant_count = fields.Field(
        attribute="participant_count", column_name="participant_count", widget=WholeNumberWidget()
    )

    class Meta(_PortalTable.Meta):
        model = Event
        name = _("Events")
        fields = (
            *RECORD_COLUMNS,
            "event_type",
            "starts_at",
            "ends_at",
            "time_zone",
            "is_online",
            "venue",
            "city",
            "country",
            "registration_url",
            "participant_count",
            "languages",
            "targets",
            "thematic_areas",
        )
        export_order = fields

    # Exported in the event's own time zone, as people wrote them.
    def dehydrate_starts_at(self, event: Event) -> str:
        return event.local_starts_at.isoformat(sep=" ")

    def dehydrate_ends_at(self, event: Event) -> str:
        return event.local_ends_at.isoformat(sep=" ")

    def optimise_export(self, queryset):
        return super().optimise_export(queryset).select_related("event_type", "country")
