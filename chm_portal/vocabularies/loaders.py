"""Load the reference files in ``data/`` into the database.

:func:`load_reference_data` upserts every record by its code: it creates what is missing and
updates what differs from the files, so running it twice changes nothing the second time. It
never deletes a record (codes are never reused, and other records point to them) and never
touches what the files do not hold: ``is_active``, and names in Arabic, Chinese and Russian that
staff may have added. Everything the files hold, including the LDC/SIDS/LLDC/EIT flags of the
countries, is set back to the file value: re-running it undoes staff corrections of those fields.

It runs in the data migration ``0002_load_reference_data`` (with the historical models given by
``apps``) and from the ``load_reference_data`` management command (with the real models).
:func:`load_portal_vocabularies` loads only the lists of ``portal_vocabularies.json``, for the
data migration ``0004_load_portal_vocabularies`` that added them to existing databases.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import models, transaction
from django.utils import translation

APP_LABEL = "vocabularies"
DATA_DIR = Path(__file__).resolve().parent / "data"

# The files are written in English first: the untranslated column of every translated field
# (``name``, ``title``, ``text``) holds the English value, as modeltranslation expects for its
# default language.
SOURCE_LANGUAGE = "en"
FILE_LANGUAGES = ("en", "fr", "es")

# Key in vocabularies.json -> model holding that flat list.
FLAT_VOCABULARIES = {
    "support_types": "SupportType",
    "thematic_areas": "ThematicArea",
    "capacity_levels": "CapacityLevel",
    "organization_types": "OrganisationType",
    "resource_types": "ResourceType",
    "opportunity_types": "OpportunityType",
    "event_types": "EventType",
    "country_groups": "CountryGroup",
    "priorities": "Priority",
}

# Key in portal_vocabularies.json -> model. These lists are defined by the portal itself and are
# not part of the shared reference set; see data/README.md.
PORTAL_VOCABULARIES = {
    "languages": "Language",
    "beneficiary_types": "BeneficiaryType",
}

# File -> the flat lists it holds.
ISO_LANGUAGES_FILE = "iso639_1_languages.json"
FLAT_VOCABULARY_FILES = {
    "vocabularies.json": FLAT_VOCABULARIES,
    "portal_vocabularies.json": PORTAL_VOCABULARIES,
}

# The ISO 3166-1 entries that are not in the CBD countries list; see data/README.md.
COUNTRY_FILES = ("countries.csv", "other_iso_countries.csv")

# M49 levels as (column prefix in countries.csv, Region.level value, parent level prefix).
REGION_LEVELS = (
    ("m49_region", "region", None),
    ("m49_subregion", "subregion", "m49_region"),
    ("m49_intermediate_region", "intermediate", "m49_subregion"),
)

# "Groupes régionaux de la CDB - Afrique" -> "Afrique"; the Spanish labels use " - " or ": ".
CBD_REGIONAL_GROUP_PREFIX = re.compile(
    r"^(?:CBD Regional Groups|Groupes régionaux de la CDB|Grupos regionales del C(?:BD|DB))"
    r"\s*[-:]\s*"
)


class ReferenceDataError(ValueError):
    """The reference files are inconsistent (an unknown code, a duplicate...)."""


@dataclass
class ModelLoadResult:
    """What loading one model did: codes created and updated, and how many rows were unchanged."""

    model: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was written for this model."""
        return bool(self.created or self.updated)


@dataclass
class LoadReport:
    """The result of :func:`load_reference_data`, one entry per model in loading order."""

    results: list[ModelLoadResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written at all."""
        return any(result.changed for result in self.results)

    def __getitem__(self, model_name: str) -> ModelLoadResult:
        for result in self.results:
            if result.model == model_name:
                return result
        raise KeyError(model_name)


def load_reference_data(apps: Apps | None = None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update every reference record from the files in ``data_dir``.

    ``apps`` is the app registry: the historical one inside a migration, the real one otherwise.
    Runs in one transaction, with English active so that the untranslated columns get English.
    """
    loader = _Loader(apps or django_apps, data_dir)
    with transaction.atomic(), translation.override(SOURCE_LANGUAGE):
        loader.load_flat_vocabularies()
        loader.load_iso_languages()
        regions = loader.load_regions()
        regional_groups = loader.load_regional_groups()
        loader.load_countries(regions, regional_groups)
        loader.load_gbf_goals()
        loader.load_gbf_targets()
        strategic_goals = loader.load_aichi_strategic_goals()
        loader.load_aichi_targets(strategic_goals)
        loader.load_sdgs()
    return loader.report


def load_iso_languages(apps: Apps | None = None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Add every ISO 639-1 language the portal's own list lacks, as an inactive term.

    Forms offer the active languages only; inactive ones let records imported or harvested from
    other systems (the record exchange format) name any language. Terms already there are left
    alone, so the portal's list keeps its order and staff may activate a language.
    """
    loader = _Loader(apps or django_apps, data_dir)
    with transaction.atomic(), translation.override(SOURCE_LANGUAGE):
        loader.load_iso_languages()
    return loader.report


def load_portal_vocabularies(apps: Apps | None = None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update only the lists of ``portal_vocabularies.json`` (languages, beneficiaries).

    Migration ``0004_load_portal_vocabularies`` uses it rather than :func:`load_reference_data`
    because it runs on databases that already hold the reference data: a full reload there would
    silently set staff corrections (an LDC graduation, a name) back to the file values.
    """
    loader = _Loader(apps or django_apps, data_dir)
    with transaction.atomic(), translation.override(SOURCE_LANGUAGE):
        loader.load_flat_vocabulary_file("portal_vocabularies.json", PORTAL_VOCABULARIES)
    return loader.report


def translated_values(field_name: str, values: dict[str, str | None]) -> dict[str, str | None]:
    """Model field values for one translated field, from ``{language: text}``.

    Sets the untranslated column to the English text and one ``<field>_<lang>`` column per
    language given; languages not given are left out so that their columns keep their value.
    A blank translation is stored as NULL, which modeltranslation reads as "fall back".
    """
    result: dict[str, str | None] = {field_name: values.get(SOURCE_LANGUAGE) or ""}
    for language, text in values.items():
        result[f"{field_name}_{language.replace('-', '_')}"] = text or None
    return result


def _file_translations(record: dict[str, Any], prefix: str) -> dict[str, str | None]:
    """``{"en": record["title_en"], ...}`` for the file languages the record has."""
    return {
        language: record[f"{prefix}_{language}"]
        for language in FILE_LANGUAGES
        if f"{prefix}_{language}" in record
    }


def _flag(value: str) -> bool:
    if value not in ("true", "false"):
        raise ReferenceDataError(f"Expected true or false, got {value!r}.")
    return value == "true"


class _Loader:
    """Reads the files and upserts the records, keeping a report of what changed."""

    def __init__(self, apps: Apps, data_dir: Path) -> None:
        self.apps = apps
        self.data_dir = data_dir
        self.report = LoadReport()

    # --- Files ------------------------------------------------------------------------------
    def _json(self, name: str) -> Any:
        with open(self.data_dir / name, encoding="utf-8") as file:
            return json.load(file)

    def _csv(self, name: str) -> list[dict[str, str]]:
        with open(self.data_dir / name, newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file))

    def _country_rows(self) -> Iterator[dict[str, str]]:
        for name in COUNTRY_FILES:
            yield from self._csv(name)

    # --- Writing ----------------------------------------------------------------------------
    def _model(self, name: str) -> type[models.Model]:
        return self.apps.get_model(APP_LABEL, name)

    def _has_model(self, name: str) -> bool:
        """Whether the registry (perhaps a migration's historical one) has this model."""
        try:
            self._model(name)
        except LookupError:
            return False
        return True

    def _rows(self, model_name: str, key: str = "code") -> dict[str, models.Model]:
        """Every row of a model, by ``key``."""
        model = self._model(model_name)
        return {getattr(obj, key): obj for obj in model._default_manager.all()}

    def _upsert(
        self,
        model_name: str,
        records: Iterable[dict[str, Any]],
        key: str = "code",
        rows: dict[str, models.Model] | None = None,
    ) -> dict[str, models.Model]:
        """Create or update ``records`` (field values) matched on ``key``; return all rows by key.

        ``rows`` (from :meth:`_rows`) is updated as rows are created, so a lazy ``records``
        generator can point to rows it yielded before (a region to its parent).
        Values for fields the model does not have are dropped: the data migration runs with the
        models as they were then, and fields added later are filled by the management command.
        """
        model = self._model(model_name)
        known_fields = {f.attname for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.concrete_fields
        }
        rows = self._rows(model_name, key) if rows is None else rows
        result = ModelLoadResult(model=model_name)
        seen: set[str] = set()
        for record in records:
            values = {name: value for name, value in record.items() if name in known_fields}
            code = values[key]
            if code in seen:
                raise ReferenceDataError(f"{model_name}: duplicate {key} {code!r}.")
            seen.add(code)
            obj = rows.get(code)
            if obj is None:
                obj = model(**values)
                obj.save()
                rows[code] = obj
                result.created.append(code)
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.save()
                result.updated.append(code)
            else:
                result.unchanged += 1
        self.report.results.append(result)
        return rows

    # --- Records ----------------------------------------------------------------------------
    def load_flat_vocabularies(self) -> None:
        """The flat controlled lists of vocabularies.json and portal_vocabularies.json.

        Position is the order in the file. A list whose model the registry does not have is
        skipped: migration 0002 runs with the models as they were then, before ``Language`` and
        ``BeneficiaryType`` existed; migration 0004 loads those.
        """
        for file_name, lists in FLAT_VOCABULARY_FILES.items():
            self.load_flat_vocabulary_file(file_name, lists)

    def load_flat_vocabulary_file(self, file_name: str, lists: dict[str, str]) -> None:
        """The lists of one vocabulary file, ``lists`` mapping a key of the file to a model."""
        vocabularies = self._json(file_name)
        for key, model_name in lists.items():
            if not self._has_model(model_name):
                continue
            self._upsert(
                model_name,
                (
                    {
                        "code": term["code"],
                        "position": position,
                        **translated_values(
                            "name", {lang: term.get(lang) for lang in FILE_LANGUAGES}
                        ),
                    }
                    for position, term in enumerate(vocabularies[key], start=1)
                ),
            )

    def load_iso_languages(self) -> None:
        if not self._has_model("Language"):
            return
        rows = self._rows("Language")
        first = len(rows) + 1
        self._upsert(
            "Language",
            (
                {
                    "code": term["code"],
                    "position": position,
                    "is_active": False,
                    **translated_values("name", {lang: term.get(lang) for lang in FILE_LANGUAGES}),
                }
                for position, term in enumerate(
                    (
                        term
                        for term in self._json(ISO_LANGUAGES_FILE)["languages"]
                        if term["code"] not in rows
                    ),
                    start=max(first, 100),
                )
            ),
            rows=rows,
        )

    def load_regions(self) -> dict[str, models.Model]:
        """M49 regions, sub-regions and intermediate regions named in the country files.

        English names come from countries.csv, French and Spanish ones from m49_region_names.csv.
        Regions come before sub-regions and sub-regions before intermediate regions, so each
        parent exists when its children are written.
        """
        names = {row["code"]: row for row in self._csv("m49_region_names.csv")}
        country_rows = list(self._country_rows())
        specs: dict[str, tuple[str, str, str]] = {}  # code -> (level, English name, parent code)
        for prefix, level, parent_prefix in REGION_LEVELS:
            for row in country_rows:
                code = row[f"{prefix}_code"]
                if not code:
                    continue
                spec = (level, row[prefix], row[f"{parent_prefix}_code"] if parent_prefix else "")
                if specs.setdefault(code, spec) != spec:
                    raise ReferenceDataError(f"Region {code}: rows disagree on name or parent.")
        regions = self._rows("Region")

        def records() -> Iterator[dict[str, Any]]:
            for code, (level, name_en, parent_code) in specs.items():
                translations = names.get(code, {})
                yield {
                    "code": code,
                    "level": level,
                    "parent_id": regions[parent_code].pk if parent_code else None,
                    **translated_values(
                        "name",
                        {
                            "en": name_en,
                            "fr": translations.get("name_fr"),
                            "es": translations.get("name_es"),
                        },
                    ),
                }

        return self._upsert("Region", records(), rows=regions)

    def load_regional_groups(self) -> dict[str, models.Model]:
        """UN regional groups; French and Spanish names are the CBD labels without their prefix."""
        records = []
        for group in self._json("un_regional_groups.json"):
            records.append(
                {
                    "code": group["code"],
                    "cbd_thesaurus_id": group.get("cbd_thesaurus_id") or "",
                    **translated_values(
                        "name",
                        {
                            "en": group["name_en"],
                            "fr": CBD_REGIONAL_GROUP_PREFIX.sub("", group["cbd_label_fr"]),
                            "es": CBD_REGIONAL_GROUP_PREFIX.sub("", group["cbd_label_es"]),
                        },
                    ),
                }
            )
        return self._upsert("RegionalGroup", records)

    def load_countries(
        self, regions: dict[str, models.Model], regional_groups: dict[str, models.Model]
    ) -> None:
        """Countries and territories from both country files, with their classifications."""

        def pk(rows: dict[str, models.Model], code: str, what: str) -> int | None:
            if not code:
                return None
            try:
                return rows[code].pk
            except KeyError:
                raise ReferenceDataError(f"Unknown {what} {code!r}.") from None

        records = []
        for row in self._country_rows():
            records.append(
                {
                    "code": row["iso2"],
                    "iso3": row["iso3"],
                    "m49": row["m49"],
                    "region_id": pk(regions, row["m49_region_code"], "region"),
                    "subregion_id": pk(regions, row["m49_subregion_code"], "region"),
                    "intermediate_region_id": pk(
                        regions, row["m49_intermediate_region_code"], "region"
                    ),
                    "regional_group_id": pk(
                        regional_groups, row["un_regional_group"], "regional group"
                    ),
                    "is_cbd_party": _flag(row["cbd_party"]),
                    "is_ldc": _flag(row["ldc"]),
                    "is_lldc": _flag(row["lldc"]),
                    "is_sids": _flag(row["sids"]),
                    "is_eit": _flag(row["eit_wesp"]),
                    "notes": row["notes"],
                    **translated_values("name", _file_translations(row, "name")),
                }
            )
        self._upsert("Country", records)

    def load_gbf_goals(self) -> None:
        """GBF goals A-D, coded GBF-GA..GBF-GD."""
        self._upsert(
            "GBFGoal",
            (
                {
                    "code": goal["portal_code"],
                    "letter": goal["code"],
                    "identifier": goal.get("identifier") or "",
                    **translated_values("title", _file_translations(goal, "title")),
                    **translated_values("text", _file_translations(goal, "text")),
                }
                for goal in self._json("gbf_goals.json")
            ),
        )

    def load_gbf_targets(self) -> None:
        """GBF targets 1-23, coded GBF-T1..GBF-T23, with their section of the framework."""
        self._upsert(
            "GBFTarget",
            (
                {
                    "code": target["portal_code"],
                    "number": target["number"],
                    "identifier": target.get("identifier") or "",
                    "section": target.get("section") or "",
                    **translated_values("title", _file_translations(target, "title")),
                    **translated_values("text", _file_translations(target, "text")),
                }
                for target in self._json("gbf_targets.json")
            ),
        )

    def load_aichi_strategic_goals(self) -> dict[str, models.Model]:
        """Strategic goals A-E of the Strategic Plan for Biodiversity 2011-2020."""
        return self._upsert(
            "AichiStrategicGoal",
            (
                {
                    "code": goal["code"],
                    **translated_values("title", _file_translations(goal, "title")),
                }
                for goal in self._json("aichi_strategic_goals.json")
            ),
        )

    def load_aichi_targets(self, strategic_goals: dict[str, models.Model]) -> None:
        """Aichi targets 1-20, coded AICHI-T1..AICHI-T20 (French and Spanish titles only)."""
        records = []
        for target in self._json("aichi_targets.json"):
            goal = strategic_goals.get(target["strategic_goal"])
            if goal is None:
                raise ReferenceDataError(f"Unknown strategic goal {target['strategic_goal']!r}.")
            records.append(
                {
                    "code": target["portal_code"],
                    "number": target["number"],
                    "identifier": target.get("identifier") or "",
                    "strategic_goal_id": goal.pk,
                    "keyword": target.get("keyword_en_alt") or "",
                    **translated_values("title", _file_translations(target, "title")),
                    **translated_values("text", _file_translations(target, "text")),
                }
            )
        self._upsert("AichiTarget", records)

    def load_sdgs(self) -> None:
        """The 17 Sustainable Development Goals, with their CBD thesaurus identifier."""
        self._upsert(
            "SustainableDevelopmentGoal",
            (
                {
                    "code": goal["code"],
                    "number": goal["number"],
                    "identifier": goal.get("identifier_cbd_thesaurus") or "",
                    **translated_values("title", _file_translations(goal, "title")),
                    **translated_values("text", _file_translations(goal, "text")),
                }
                for goal in self._json("sdgs.json")
            ),
        )
