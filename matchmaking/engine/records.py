"""The records the engine matches and the suggestions it returns (plain data, no Django)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

RecordId = str | int

_TUPLE_FIELDS = (
    "targets",
    "thematic_areas",
    "support_types",
    "capacity_levels",
    "languages",
    "eligible_countries",
    "eligible_regions",
    "eligible_groups",
)


def _as_tuple(record: object, name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(
            f"{type(record).__name__}.{name} must be a sequence of strings, got {value!r}"
        )
    return tuple(value)


def _freeze_lists(record: object) -> None:
    """Accept lists for the code fields (frozen dataclasses need tuples to stay hashable)."""
    for f in fields(record):  # type: ignore[arg-type]
        if f.name in _TUPLE_FIELDS:
            value = getattr(record, f.name)
            if not isinstance(value, tuple):
                object.__setattr__(record, f.name, _as_tuple(record, f.name, value))


@dataclass(frozen=True, slots=True)
class NeedRecord:
    """A request for capacity-building support, as expressed by a country's requester."""

    id: RecordId
    title: str
    description: str
    language: str  # language of the text, ISO 639-1
    country: str  # ISO 3166-1 alpha-2 of the requesting country
    targets: tuple[str, ...] = ()
    thematic_areas: tuple[str, ...] = ()
    support_types: tuple[str, ...] = ()
    capacity_levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages the requester can work in; empty = any
    submitted: date | None = None

    def __post_init__(self) -> None:
        _freeze_lists(self)


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """Support that a provider offers; also used for courses, resources and opportunities."""

    id: RecordId
    title: str
    description: str
    language: str  # language of the text, ISO 639-1
    targets: tuple[str, ...] = ()
    thematic_areas: tuple[str, ...] = ()
    support_types: tuple[str, ...] = ()
    capacity_levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages the support is delivered in; empty = any
    eligible_countries: tuple[str, ...] = ()
    eligible_regions: tuple[str, ...] = ()  # UN M49 codes; a region includes its sub-regions
    eligible_groups: tuple[str, ...] = ()  # LDC, SIDS, LLDC, EIT
    available_from: date | None = None
    available_until: date | None = None
    remaining_capacity: int | None = None  # None = unlimited; <= 0 = no longer eligible
    provider_id: RecordId | None = None

    def __post_init__(self) -> None:
        _freeze_lists(self)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an offer is suggested, language-neutral; the portal renders it in the viewer's language.

    ``code`` is one of "target", "thematic_area", "support_type", "capacity_level" (both records
    have the code, explicitly on at least one side), "topic" (the texts of both mention a concept;
    ``value`` is its code, see ``concept_label``), "language" (delivered in a language the
    requester works in) and "similar_text" (the descriptions are close).
    """

    code: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ranked offer for a need."""

    offer_id: RecordId
    score: float  # in [0, 1], rounded to 4 decimals
    reasons: tuple[Reason, ...]  # most important first, at most 5


@dataclass(frozen=True, slots=True)
class RecordSet:
    """The contents of a file in the record exchange format."""

    as_of: date | None
    offers: list[OfferRecord] = field(default_factory=list)
    needs: list[NeedRecord] = field(default_factory=list)
    providers: dict[RecordId, dict[str, Any]] = field(default_factory=dict)
    relevance: dict[RecordId, dict[RecordId, int]] = field(default_factory=dict)
