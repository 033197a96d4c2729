"""What every app's admin reuses: actions that call a service on each selected row, read-only
admins and inlines, the message of a service's error, the region filter."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
