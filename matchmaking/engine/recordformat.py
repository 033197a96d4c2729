"""Reading the record exchange format (see shared/matching/README.md) into engine records.

Every problem raises ``ValueError`` naming the record (its id and position) and the field, so that
a person can fix the file without reading code.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from .records import NeedRecord, OfferRecord, RecordId, RecordSet

_CODE_LISTS = ("targets", "thematic_areas", "support_types", "capacity_levels", "languages")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REGION = re.compile(r"^\d{1,3}$")
_GRADES = (0, 1, 2)


class _Record:
    """Reads the fields of one JSON object, naming it in every error."""

    def __init__(self, kind: str, index: int, data: Any) -> None:
        self.name = f"{kind} #{index + 1}"
        if not isinstance(data, dict):
            raise ValueError(f"{self.name}: expected a JSON object, got {type(data).__name__}")
        self.data = data
        record_id = data.get("id")
        if isinstance(record_id, bool) or not isinstance(record_id, str | int) or record_id == "":
            raise ValueError(f"{self.name}: field 'id': expected a non-empty string or integer")
        self.id: RecordId = record_id.strip() if isinstance(record_id, str) else record_id
        self.name = f"{kind} {self.id!r} (#{index + 1})"

    def error(self, field: str, problem: str) -> ValueError:
        return ValueError(f"{self.name}: field {field!r}: {problem}")

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.data.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(field, f"expected a non-empty string, got {value!r}")
        return value.strip()

    def language(self, field: str = "language") -> str:
        value = self.text(field).lower()
        if not _LANGUAGE.match(value):
            raise self.error(
                field, f"expected an ISO 639-1 language code such as 'fr', got {value!r}"
            )
        return value

    def codes(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(field, f"expected a list of codes, got {type(value).__name__}")
        out = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.error(field, f"expected codes as non-empty strings, got {item!r}")
            out.append(item.strip())
        return tuple(dict.fromkeys(out))

    def languages(self) -> tuple[str, ...]:
        codes = tuple(code.lower() for code in self.codes("languages"))
        for code in codes:
            if not _LANGUAGE.match(code):
                raise self.error("languages", f"{code!r} is not an ISO 639-1 language code")
        return codes

    def countries(self, field: str) -> tuple[str, ...]:
        codes = tuple(code.upper() for code in self.codes(field))
        for code in codes:
            if not _COUNTRY.match(code):
                raise self.error(field, f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return codes

    def country(self) -> str:
        value = self.text("country").upper()
        if not _COUNTRY.match(value):
            raise self.error("country", f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    def regions(self) -> tuple[str, ...]:
        value = self.data.get("eligible_regions")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error("eligible_regions", f"expected a list of codes, got {value!r}")
        out = []
        for item in value:  # M49 codes are sometimes written as numbers: 2 for "002"
            code = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
            if not isinstance(code, str) or not _REGION.match(code.strip()):
                raise self.error("eligible_regions", f"{item!r} is not a UN M49 region code")
            out.append(code.strip().zfill(3))
        return tuple(dict.fromkeys(out))

    def date(self, field: str) -> date | None:
        return _date(self.data.get(field), lambda problem: self.error(field, problem))

    def capacity(self) -> int | None:
        value = self.data.get("remaining_capacity")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error("remaining_capacity", f"expected an integer or null, got {value!r}")
        return value


def _date(value: Any, error: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise error(f"expected a date as 'YYYY-MM-DD', got {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise error(f"expected a date as 'YYYY-MM-DD', got {value!r}") from None


def _offer(index: int, data: Any, providers: dict[RecordId, dict[str, Any]]) -> OfferRecord:
    r = _Record("offer", index, data)
    provider = data.get("provider")
    provider_id: RecordId | None = data.get("provider_id")
    if provider is not None:
        if not isinstance(provider, dict):
            raise r.error("provider", f"expected an object, got {type(provider).__name__}")
        provider_id = provider.get("id")
        if isinstance(provider_id, bool) or not isinstance(provider_id, str | int):
            raise r.error("provider", "expected an 'id' (string or integer) in the provider")
        providers.setdefault(provider_id, provider)
    available_from, available_until = r.date("available_from"), r.date("available_until")
    if available_from and available_until and available_from > available_until:
        raise r.error(
            "available_until",
            f"{available_until.isoformat()} is before available_from {available_from.isoformat()}",
        )
    return OfferRecord(
        id=r.id,
        title=r.text("title"),
        description=r.text("description", required=False),
        language=r.language(),
        targets=r.codes("targets"),
        thematic_areas=r.codes("thematic_areas"),
        support_types=r.codes("support_types"),
        capacity_levels=r.codes("capacity_levels"),
        languages=r.languages(),
        eligible_countries=r.countries("eligible_countries"),
        eligible_regions=r.regions(),
        eligible_groups=tuple(code.upper() for code in r.codes("eligible_groups")),
        available_from=available_from,
        available_until=available_until,
        remaining_capacity=r.capacity(),
        provider_id=provider_id,
    )


def _need(index: int, data: Any) -> NeedRecord:
    r = _Record("need", index, data)
    return NeedRecord(
        id=r.id,
        title=r.text("title"),
        description=r.text("description", required=False),
        language=r.language(),
        country=r.country(),
        targets=r.codes("targets"),
        thematic_areas=r.codes("thematic_areas"),
        support_types=r.codes("support_types"),
        capacity_levels=r.codes("capacity_levels"),
        languages=r.languages(),
        submitted=r.date("submitted"),
    )


def _records(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"record set: {key!r} must be a list, got {type(value).__name__}")
    return value


def _unique(kind: str, records: list[Any]) -> dict[str, RecordId]:
    """Map str(id) -> id, refusing duplicates (1 and "1" are the same record in JSON keys)."""
    seen: dict[str, RecordId] = {}
    for record in records:
        key = str(record.id)
        if key in seen:
            raise ValueError(f"{kind} {record.id!r}: the id is used by more than one {kind}")
        seen[key] = record.id
    return seen


def _relevance(
    data: Any, needs: dict[str, RecordId], offers: dict[str, RecordId]
) -> dict[RecordId, dict[RecordId, int]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("record set: 'relevance' must be an object {need id: {offer id: grade}}")
    out: dict[RecordId, dict[RecordId, int]] = {}
    for need_key, grades in data.items():
        if str(need_key) not in needs:
            raise ValueError(f"relevance: need {need_key!r} is not among the needs")
        if not isinstance(grades, dict):
            raise ValueError(f"relevance of need {need_key!r}: expected an object {{offer: grade}}")
        row: dict[RecordId, int] = {}
        for offer_key, grade in grades.items():
            if str(offer_key) not in offers:
                raise ValueError(f"relevance of need {need_key!r}: offer {offer_key!r} is unknown")
            if isinstance(grade, bool) or grade not in _GRADES:
                raise ValueError(
                    f"relevance of need {need_key!r}, offer {offer_key!r}: grade must be 0, 1 or 2,"
                    f" got {grade!r}"
                )
            row[offers[str(offer_key)]] = int(grade)
        out[needs[str(need_key)]] = row
    return out


def parse_record_set(data: dict[str, Any]) -> RecordSet:
    """Read a record-format object (already decoded from JSON); unknown keys are ignored."""
    if not isinstance(data, dict):
        raise ValueError(f"record set: expected a JSON object, got {type(data).__name__}")
    as_of = _date(data.get("as_of"), lambda problem: ValueError(f"record set: 'as_of': {problem}"))
    providers: dict[RecordId, dict[str, Any]] = {}
    offers = [_offer(i, item, providers) for i, item in enumerate(_records(data, "offers"))]
    needs = [_need(i, item) for i, item in enumerate(_records(data, "needs"))]
    offer_ids, need_ids = _unique("offer", offers), _unique("need", needs)
    relevance = _relevance(data.get("relevance"), need_ids, offer_ids)
    return RecordSet(
        as_of=as_of, offers=offers, needs=needs, providers=providers, relevance=relevance
    )


def load_record_set(path: str | Path) -> RecordSet:
    """Read a record-format JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    return parse_record_set(data)
