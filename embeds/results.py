"""What a component shows, in the active language: the same for its frame and its JSON.

Texts are already translated and dates already written out (the result is cached per language);
addresses are paths on the portal, made absolute for the JSON by :meth:`Result.as_json` (a script
on another site needs the portal's origin; the frame's relative links resolve to it anyway).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass(frozen=True)
class Item:
    """A record (a title linked to its page, a few details) or a count (``count`` set)."""

    title: str
    url: str = ""
    details: tuple[str, ...] = ()
    count: int | None = None
    # Machine-readable values for the JSON's readers (ISO dates, codes, references).
    data: tuple[tuple[str, Any], ...] = ()


@dataclasses.dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[Item, ...]
    empty: str  # said when there is no item
    more_url: str = ""  # the whole list on the portal
    more_label: str = ""


@dataclasses.dataclass(frozen=True)
class Figure:
    label: str
    value: int


@dataclasses.dataclass(frozen=True)
class Result:
    title: str  # e.g. "Open opportunities · Africa"
    url: str  # the portal's page of what is shown
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...] = ()

    def as_json(self, absolute: Callable[[str], str]) -> dict[str, Any]:
        """The result as JSON-ready data, with absolute addresses (``absolute(path)``)."""

        def link(path: str) -> str:
            return absolute(path) if path else ""

        return {
            "title": self.title,
            "url": link(self.url),
            "figures": [{"label": f.label, "value": f.value} for f in self.figures],
            "sections": [
                {
                    "heading": section.heading,
                    "empty": section.empty,
                    "more_url": link(section.more_url),
                    "more_label": section.more_label,
                    "items": [
                        {
                            "title": item.title,
                            "url": link(item.url),
                            "details": list(item.details),
                            **({"count": item.count} if item.count is not None else {}),
                            "data": dict(item.data),
                        }
                        for item in section.items
                    ],
                }
                for section in self.sections
            ],
        }
