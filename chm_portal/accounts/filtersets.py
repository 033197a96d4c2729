"""One FilterSet per model, shared by the HTML lists, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import RoleRequest
from .roles import REQUESTABLE_ROLE_CHOICES


class RoleRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RoleRequest.Status.choices)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=REQUESTABLE_ROLE_CHOICES)
    country = django_filters.CharFilter(
        label=_("Country (ISO alpha-2 code)"), field_name="country__code", lookup_expr="iexact"
    )

    class Meta:
        model = RoleRequest
        fields = ["status", "role", "country"]
