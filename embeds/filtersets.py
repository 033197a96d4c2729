"""The partners' opportunity filters, with one more for a regional website: open to a region.

The portal's list asks "open to a country" (``EligibleCountryFilter`` of ``core/faceting.py``);
a regional website asks whether any country of its region may apply. The rule is the same,
applied to each country of the region: the record is open to all, or names one of those countries,
one of their regions (a region includes its sub-regions, so a record for Africa is open to Eastern
Africa's countries and the reverse), or one of their groups (LDC, SIDS...).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chm_portal.core.faceting import CodesFilter
from chm_portal.vocabularies.models import (
    COUNTRY_GROUP_FLAGS,
    Country,
    Region,
    countries_in_region_q,
)
from partners.filtersets import OpportunityFilterSet
from partners.models import Opportunity


class EligibleRegionFilter(CodesFilter):
    """Records that a country of any of the regions may benefit from (see the module)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Open to a region"))
        kwargs.setdefault(
            "help_text", _("UN M49 code of a region whose countries may benefit, e.g. 002.")
        )
        super().__init__(queryset=Region.objects.all(), field_name="eligible_regions", **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        in_regions = Q()
        for region in value:
            in_regions |= countries_in_region_q(region.code)
        flags = list(COUNTRY_GROUP_FLAGS.items())
        country_ids: set[int] = set()
        region_ids: set[int] = set()
        groups: set[str] = set()
        # One query: the countries of the regions, with their regions and groups.
        rows = Country.objects.filter(in_regions).values_list(
            "pk",
            "region_id",
            "subregion_id",
            "intermediate_region_id",
            *(field for _code, field in flags),
        )
        for pk, region_id, subregion_id, intermediate_id, *memberships in rows:
            country_ids.add(pk)
            region_ids.update(i for i in (region_id, subregion_id, intermediate_id) if i)
            pairs = zip(flags, memberships, strict=True)
            groups.update(code for (code, _field), member in pairs if member)
        model = qs.model
        open_to_all = model._default_manager.filter(
            eligible_countries__isnull=True,
            eligible_regions__isnull=True,
            eligible_groups__isnull=True,
        ).values("pk")
        named = model._default_manager.filter(
            Q(eligible_countries__in=country_ids)
            | Q(eligible_regions__in=region_ids)
            | Q(eligible_groups__code__in=groups)
        ).values("pk")
        return qs.filter(Q(pk__in=open_to_all) | Q(pk__in=named))


class OpportunityEmbedFilterSet(OpportunityFilterSet):
    """The opportunities' FilterSet of the portal's list, and ``region``."""

    region = EligibleRegionFilter()

    class Meta:
        model = Opportunity
        fields: list[str] = []
