"""The UN M49 regions and country groups of each country, from the portal's countries.csv."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

WORLD = "001"
GROUPS = ("LDC", "SIDS", "LLDC", "EIT")
# countries.csv column -> group code (EIT comes from the UN World Economic Situation and Prospects).
_GROUP_COLUMNS = {"ldc": "LDC", "sids": "SIDS", "lldc": "LLDC", "eit_wesp": "EIT"}
_REGION_COLUMNS = ("m49_region_code", "m49_subregion_code", "m49_intermediate_region_code")
REFERENCE_CSV = (
    Path(__file__).resolve().parents[2] / "chm_portal" / "vocabularies" / "data" / "countries.csv"
)


def region_code(code: str | int) -> str:
    """An M49 code as the three-digit string the reference data uses ("2" -> "002")."""
    text = str(code).strip()
    return text.zfill(3) if text.isdigit() else text


class Geography:
    """Regions (with their parents up to the world, "001") and groups of each country."""

    def __init__(
        self,
        regions: Mapping[str, Iterable[str]],
        groups: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """``regions`` maps ISO alpha-2 codes to every M49 region that contains the country."""
        self._regions = {
            country.upper(): frozenset({WORLD, *(region_code(r) for r in codes)})
            for country, codes in regions.items()
        }
        self._groups = {
            country.upper(): frozenset(g.upper() for g in codes)
            for country, codes in (groups or {}).items()
        }

    @classmethod
    def from_csv(cls, path: str | Path) -> Geography:
        """Read a file with the columns of ``chm_portal/vocabularies/data/countries.csv``."""
        regions: dict[str, set[str]] = {}
        groups: dict[str, set[str]] = {}
        with Path(path).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                country = (row.get("iso2") or "").strip().upper()
                if not country:
                    continue
                regions[country] = {
                    region_code(row[c]) for c in _REGION_COLUMNS if (row.get(c) or "").strip()
                }
                groups[country] = {
                    group
                    for column, group in _GROUP_COLUMNS.items()
                    if (row.get(column) or "").strip().lower() == "true"
                }
        return cls(regions, groups)

    @classmethod
    @cache
    def from_reference(cls) -> Geography:
        """The portal's reference data (read once per process)."""
        return cls.from_csv(REFERENCE_CSV)

    def regions_of(self, country: str) -> frozenset[str]:
        """Every M49 region containing ``country``, "001" included (also for unknown countries)."""
        return self._regions.get(country.strip().upper(), frozenset({WORLD}))

    def groups_of(self, country: str) -> frozenset[str]:
        return self._groups.get(country.strip().upper(), frozenset())

    def is_eligible(
        self,
        country: str,
        *,
        countries: Iterable[str] = (),
        regions: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> bool:
        """The geographic clause of eligibility: listed country, region or group, or no list."""
        countries, regions, groups = list(countries), list(regions), list(groups)
        if not (countries or regions or groups):
            return True
        country = country.strip().upper()
        return (
            country in {c.strip().upper() for c in countries}
            or bool(self.regions_of(country) & {region_code(r) for r in regions})
            or bool(self.groups_of(country) & {g.strip().upper() for g in groups})
        )
