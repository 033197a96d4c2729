"""Import of past participants of offline activities (fellowships, workshops, projects...) from
CSV and XLSX files (a django-import-export resource, used by the alumni admin and by
``services.alumni.import_participants``).

As in the partners' imports (``partners/imports.py``), files carry codes rather than labels, so
that a file written in one interface language imports in any other: countries by ISO alpha-2
code (``KE``), the kind of activity by its code (``course``, ``fellowship``, ``workshop``,
``project``, ``other``). Columns::

    full_name, email, country, organisation, position, kind, activity, year, held_in

A row is found again by its email address (or the address of the account the alumnus is linked
to), so importing the same file twice adds nothing: rows that change nothing are reported as
skipped. Empty cells leave what is recorded as it is. Each row creates or updates the alumnus and
adds its participation (once per alumnus, kind, activity and year); an alumnus whose address is
that of an account is linked to it. Every row is checked like a form, with translated messages
named by column; a file with a bad row is imported not at all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from chm_portal.core.exports import FORMULA_TRIGGERS
from chm_portal.vocabularies.models import Country
from partners.imports import CodeWidget, TextWidget, WholeNumberWidget

from .models import Alumnus, Participation
from .services import alumni as services

__all__ = ["ALUMNI_COLUMNS", "AlumniTable"]

ALUMNI_COLUMNS = (
    "full_name",
    "email",
    "country",
    "organisation",
    "position",
    "kind",
    "activity",
    "year",
    "held_in",
)
# Columns describing the alumnus (the others describe the participation).
_ALUMNUS_COLUMNS = ("full_name", "email", "country", "organisation", "position")
_ACTIVITY_COLUMNS = ("kind", "activity", "year")
# Model field -> column, to name errors as the file names them.
_COLUMN_OF = {"organisation_name": "organisation", "country": "country"}


class KindWidget(widgets.Widget):
    """The kind of activity by its code (``workshop``), case-insensitive."""

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip().casefold()
        if not code:
            return None
        if code not in Participation.Kind.values:
            raise ValueError(
                gettext("“%(code)s” is not a kind of activity: write one of %(codes)s.")
                % {"code": code, "codes": ", ".join(Participation.Kind.values)}
            )
        return code


def _field(column: str, widget: widgets.Widget, attribute: str | None = None) -> fields.Field:
    # An empty cell leaves the stored value as it is (saves_null_values=False).
    return fields.Field(
        attribute=attribute or column,
        column_name=column,
        widget=widget,
        saves_null_values=False,
    )


class AlumniTable(resources.ModelResource):
    """Past participants: one row per person and activity.

    ``kind``, ``activity``, ``year`` and ``held_in`` are not columns of the alumnus: they are
    kept on the row's instance and written as its :class:`~elearning.models.Participation` by
    :func:`elearning.services.alumni.import_participant`.
    """

    full_name = _field("full_name", TextWidget(empty=None))
    email = _field("email", TextWidget(empty=None))
    country = _field("country", CodeWidget(Country))
    organisation = _field("organisation", TextWidget(empty=None), attribute="organisation_name")
    position = _field("position", TextWidget(empty=None))
    kind = _field("kind", KindWidget())
    activity = _field("activity", TextWidget(empty=None))
    year = _field("year", WholeNumberWidget())
    held_in = _field("held_in", CodeWidget(Country))

    class Meta:
        model = Alumnus
        name = _("Past participants")
        fields = ALUMNI_COLUMNS
        import_order = ALUMNI_COLUMNS
        import_id_fields = ("email",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")

    # The admin passes the person importing to import_data(); keep it for the service.
    def before_import(self, dataset, **kwargs):
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # A file is imported whole or not at all: one bad row and nothing is written.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import_row(self, row, **kwargs):
        # Exports put a quote before text a spreadsheet would run as a formula; take it off.
        for column, value in row.items():
            quoted = isinstance(value, str) and value.startswith("'")
            if quoted and value[1:].startswith(FORMULA_TRIGGERS):
                row[column] = value[1:]

    # Identifying the row -------------------------------------------------------------------------
    def get_instance(self, instance_loader, row):
        email = str(row.get("email") or "").strip()
        return services.alumnus_for_email(email) if email else None

    # Checking the row ----------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        # The address identifies a known alumnus: a file writing it in other letters (capitals)
        # does not change it.
        stored_email = instance.email if instance.pk else None
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if stored_email is not None:
                instance.email = stored_email

    def _participation(self, instance: Alumnus) -> Participation:
        return Participation(
            kind=getattr(instance, "kind", None) or "",
            activity=getattr(instance, "activity", None) or "",
            year=getattr(instance, "year", None),
            country=getattr(instance, "held_in", None),
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The alumnus's own checks, the participation's, named by the file's columns."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors.keys(), "user"], validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Columns already in error are not checked twice (``held_in`` is the "country" of the
        # participation).
        exclude = ["alumnus", "course", *(name for name in _ACTIVITY_COLUMNS if name in errors)]
        if "held_in" in errors:
            exclude.append("country")
        try:
            self._participation(instance).full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = "held_in" if name == "country" else name
                errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(
                {_COLUMN_OF.get(name, name): messages for name, messages in errors.items()}
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row is skipped when it changes nothing: the alumnus is as recorded and already has
        the participation."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        for name in _ALUMNUS_COLUMNS:
            field = self.fields[name]
            if field.get_value(instance) != field.get_value(original):
                return False
        participation = self._participation(instance)
        return Participation.objects.filter(
            alumnus=original,
            kind=participation.kind,
            activity__iexact=participation.activity.strip(),
            year=participation.year,
        ).exists()

    # Saving the row ------------------------------------------------------------------------------
    def save_instance(self, instance, is_create, row, **kwargs):
        # One savepoint per row: a row refused while saving leaves nothing behind.
        with transaction.atomic():
            super().save_instance(instance, is_create, row, **kwargs)

    def do_instance_save(self, instance: Alumnus, is_create: bool) -> None:
        participation = self._participation(instance)
        try:
            services.import_participant(
                alumnus=instance,
                by=self.user,
                kind=participation.kind,
                activity=participation.activity,
                year=participation.year,
                held_in=participation.country,
            )
        except PermissionDenied as exc:
            raise ValidationError(
                {NON_FIELD_ERRORS: str(exc) or gettext("You may not make this change.")}
            ) from exc
