"""What every app's admin reuses: the message of a service's error, the region filter."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import Region


def error_text(exc: Exception) -> str:
    """A service's refusal (ValidationError, PermissionDenied, a stale transition) as one line
    for the admin's messages."""
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


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
