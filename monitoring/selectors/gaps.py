"""Reads of the gap analysis: the stored :class:`~monitoring.models.GapCell` rows of the latest
day for one scope, as a table of the 23 GBF targets against the six measures, with what the
heatmap derives from them (see ``monitoring/gaps.py`` for how records are counted and placed).

Supply is what a requester can draw on: offers, resources and courses. Demand is the expressed
needs. Matches and projects show what came of them, so they are shown but not part of supply.

The action plan's priority targets (§16) are Aichi targets (5, 8, 9, 10, 12; 4, 7, 8, 12, 13,
14, 19). The reference data hold no Aichi-to-GBF correspondence, so the table does not mark them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.selectors import country_group_list, gbf_target_list, region_list

from ..gaps import EVERYWHERE, group_scope, region_scope
from ..models import GapCell, GapMeasure

#: The measures whose sum is the supply of a target.
SUPPLY_MEASURES = (GapMeasure.OFFERS, GapMeasure.RESOURCES, GapMeasure.COURSES)
#: The measures whose cells the heatmap colours (their records per need).
HEATED_MEASURES = SUPPLY_MEASURES
LEAST_SUPPORTED = 5

# Gap levels, the heatmap's colours (CSS classes heat-0 to heat-5): how many offers, resources
# and courses there are per expressed need. 5 is the worst: demand exceeds supply.
NO_NEED = 0
DEMAND_EXCEEDS_SUPPLY = 5
#: (level, the least supply per need at that level), from the best supplied down.
LEVEL_FLOORS = ((1, 8.0), (2, 4.0), (3, 2.0), (4, 1.0))


@dataclass(frozen=True)
class GapLevel:
    """One entry of the heatmap's legend."""

    level: int
    label: Promise
    description: Promise

    @property
    def css_class(self) -> str:
        return f"heat-{self.level}"


LEVELS = (
    GapLevel(
        DEMAND_EXCEEDS_SUPPLY,
        _("Demand exceeds supply"),
        _("Fewer than one offer, resource or course per expressed need."),
    ),
    GapLevel(4, _("Thin supply"), _("One to two per expressed need.")),
    GapLevel(3, _("Some supply"), _("Two to four per expressed need.")),
    GapLevel(2, _("Good supply"), _("Four to eight per expressed need.")),
    GapLevel(1, _("Ample supply"), _("Eight or more per expressed need.")),
    GapLevel(NO_NEED, _("No expressed need"), _("Nobody has asked for support on the target.")),
)
LEVEL_BY_NUMBER = {level.level: level for level in LEVELS}


def gap_level(supply: int, demand: int) -> int:
    """The heatmap level of ``supply`` records answering ``demand`` needs (0 to 5)."""
    if demand <= 0:
        return NO_NEED
    ratio = supply / demand
    for level, floor in LEVEL_FLOORS:
        if ratio >= floor:
            return level
    return DEMAND_EXCEEDS_SUPPLY


@dataclass(frozen=True)
class GapCellView:
    """One number of a row, with its heat level where the heatmap colours it."""

    measure: str
    value: int
    level: int | None = None

    @property
    def css_class(self) -> str:
        return "" if self.level is None else f"heat-{self.level}"


@dataclass(frozen=True)
class GapRow:
    """A GBF target and the counts of each measure in the scope."""

    code: str
    number: int
    title: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def needs(self) -> int:
        return self.counts.get(GapMeasure.NEEDS, 0)

    @property
    def supply(self) -> int:
        return sum(self.counts.get(measure, 0) for measure in SUPPLY_MEASURES)

    @property
    def supply_per_need(self) -> float | None:
        return self.supply / self.needs if self.needs else None

    @property
    def level(self) -> int:
        return gap_level(self.supply, self.needs)

    @property
    def gap(self) -> GapLevel:
        return LEVEL_BY_NUMBER[self.level]

    @property
    def demand_exceeds_supply(self) -> bool:
        return self.level == DEMAND_EXCEEDS_SUPPLY

    @property
    def cells(self) -> list[GapCellView]:
        """The six measures in column order; supply cells carry their records-per-need level."""
        return [
            GapCellView(
                measure=measure,
                value=self.counts.get(measure, 0),
                level=gap_level(self.counts.get(measure, 0), self.needs)
                if measure in HEATED_MEASURES
                else None,
            )
            for measure in GapMeasure.values
        ]


@dataclass(frozen=True)
class GapTable:
    """The gap analysis of one scope as of ``date`` (None: never computed)."""

    scope: str
    date: datetime.date | None
    rows: list[GapRow]

    @property
    def computed(self) -> bool:
        return self.date is not None

    def least_supported(self, limit: int = LEAST_SUPPORTED) -> list[GapRow]:
        """Targets somebody asked support for, the least supply per need first (then the most
        needs, then the target's number)."""
        wanted = [row for row in self.rows if row.needs]
        wanted.sort(key=lambda row: (row.supply_per_need, -row.needs, row.number))
        return wanted[:limit]


def latest_cells(scope: str = EVERYWHERE) -> QuerySet[GapCell]:
    """The cells of ``scope`` on the latest day computed (one query when evaluated)."""
    latest = GapCell.objects.order_by("-date").values("date")[:1]
    return GapCell.objects.filter(date=Subquery(latest), scope=scope).order_by()


def gap_table(scope: str = EVERYWHERE) -> GapTable:
    """Every GBF target (zeros included) against the six measures in ``scope``: two queries
    (one when nothing was ever computed)."""
    cells = list(latest_cells(scope).values_list("date", "target", "measure", "value"))
    if not cells:
        return GapTable(scope=scope, date=None, rows=[])
    counts: dict[str, dict[str, int]] = {}
    for _date, target, measure, value in cells:
        counts.setdefault(target, {})[measure] = value
    rows = [
        GapRow(code=code, number=number, title=title, counts=counts.get(code, {}))
        for code, number, title in gbf_target_list().values_list("code", "number", "title")
    ]
    return GapTable(scope=scope, date=cells[0][0], rows=rows)


@dataclass(frozen=True)
class ScopeChoices:
    """What the gap analysis can be filtered by: ``(code, name)`` of the top-level UN regions
    and of the country groups, in the active language."""

    regions: list[tuple[str, str]]
    groups: list[tuple[str, str]]

    def label(self, scope: str) -> str:
        """The name of ``scope`` ("" when it is everywhere or unknown)."""
        kind, _colon, code = scope.partition(":")
        choices = {"region": self.regions, "group": self.groups}.get(kind, [])
        return dict(choices).get(code, "")


def scope_choices() -> ScopeChoices:
    """Two queries: the regions (level "region", by name) and the country groups."""
    regions = sorted(
        region_list().filter(level="region").values_list("code", "name"),
        key=lambda pair: pair[1],
    )
    groups = list(country_group_list().values_list("code", "name"))
    return ScopeChoices(regions=regions, groups=groups)


__all__ = [
    "LEVELS",
    "GapCellView",
    "GapLevel",
    "GapRow",
    "GapTable",
    "ScopeChoices",
    "gap_level",
    "gap_table",
    "group_scope",
    "latest_cells",
    "region_scope",
    "scope_choices",
]
