"""What every app's admin reuses: actions that call a service on each selected row, read-only
admins and inlines, the message of a service's error, the region filter, and the check that
refuses to overwrite a change someone else saved while the form was open."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import Region


def error_text(exc: Exception) -> str:
    """A service's refusal (ValidationError, PermissionDenied, a stale transition) as one line
    for the admin's messages."""
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


def apply_to_each(
    model_admin: admin.ModelAdmin,
    request,
    objects: Iterable[Any],
    change: Callable[[Any], Any],
    message: Callable[[int], str],
) -> None:
    """An admin action's body: call a service (``change``) on each selected object, each in its
    own transaction, so that a refusal leaves the others done; one success message with the
    count (``message(count)``), one warning per refusal with the service's reason."""
    done = 0
    for obj in objects:
        try:
            with transaction.atomic():
                change(obj)
        except (PermissionDenied, ValidationError) as exc:
            model_admin.message_user(request, f"{obj}: {error_text(exc)}", messages.WARNING)
        else:
            done += 1
    if done:
        model_admin.message_user(request, message(done), messages.SUCCESS)


class ReadOnlyAdminMixin:
    """Rows to look at: written by the portal's services, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Rows shown on their parent's page as they are."""

    extra = 0
    can_delete = False


class RegionFilter(admin.SimpleListFilter):
    """UN M49 region (Africa, Americas...) of the row's country: ``country_field`` is the path
    to it ("country", "need__country"...)."""

    title = _("region")
    parameter_name = "region"
    country_field = "country"

    def lookups(self, request, model_admin):
        regions = Region.objects.filter(level=Region.Level.REGION).order_by("code")
        return [(region.code, region.name) for region in regions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.country_field}__region__code": self.value()})
        return queryset


# --- Two people changing the same record ---------------------------------------------------------
# The hidden field with the record's ``updated_at`` as it was when the form was shown.
CONFLICT_FIELD = "conflict_check_updated_at"
CONFLICT_MESSAGE = _(
    "This record was changed by someone else at %(time)s, after you opened it. Your changes "
    "were not saved: copy them, reload the page and make them again."
)


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


class ConflictCheckFormMixin:
    """For the model form of a record two people may change at once (optimistic locking).

    The record's ``updated_at`` when the form was shown travels in a hidden field. A save is
    refused, with :data:`CONFLICT_MESSAGE`, when the stored ``updated_at`` differs and the form
    would overwrite what is stored now: the first save wins. Inside a transaction (the admin
    saves in one) the row is read ``select_for_update``, so a concurrent save waits for this one
    to commit. A form posted without the hidden field (opened before it existed) is not checked;
    nor is one that would change nothing (the same form sent twice).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[CONFLICT_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self._loaded_updated_at = self.instance.updated_at if self.instance.pk else None
        if self.instance.pk is not None:
            self.initial[CONFLICT_FIELD] = _stamp(self._loaded_updated_at)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen = cleaned.pop(CONFLICT_FIELD, "")
        if self.instance.pk is None or self.add_prefix(CONFLICT_FIELD) not in self.data:
            return cleaned
        stored = self._stored_updated_at()
        changes = [name for name in self.changed_data if name != CONFLICT_FIELD]
        if stored is not None and _stamp(stored) != seen and changes:
            time = formats.time_format(timezone.localtime(stored), "H:i")
            self.add_error(
                None, ValidationError(CONFLICT_MESSAGE, code="conflict", params={"time": time})
            )
        return cleaned

    def _stored_updated_at(self) -> datetime | None:
        model = type(self.instance)
        using = router.db_for_write(model)
        if not transaction.get_connection(using).in_atomic_block:
            # Outside a transaction there is no lock to take: the row as this request loaded it.
            return self._loaded_updated_at
        return (
            model._base_manager.using(using)
            .select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )


class ConflictCheckAdminMixin:
    """For the ModelAdmin of a model with ``updated_at``: its change form refuses to overwrite
    a change saved by someone else since the form was opened (see
    :class:`ConflictCheckFormMixin`). Put it first among the bases."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        # Django's admin renders only the fields of its fieldsets; this one is hidden.
        return [*fieldsets, (None, {"fields": [CONFLICT_FIELD], "classes": ["hidden"]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None or ("fields" in kwargs and kwargs["fields"] is None):
            # An "add" form, or get_fields() asking which fields the model form has.
            return super().get_form(request, obj, change=change, **kwargs)
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if CONFLICT_FIELD not in fields:
            return super().get_form(request, obj, change=change, **kwargs)
        # Not a model field: the form class below adds it.
        kwargs["fields"] = [name for name in fields if name != CONFLICT_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (ConflictCheckFormMixin, form), {})
