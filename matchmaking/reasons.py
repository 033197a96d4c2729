"""Why an offer is suggested, in the reader's language.

The engine gives language-neutral reasons (``matchmaking.engine.Reason``: a code and a value); they
are stored as ``[code, value]`` pairs on :class:`~matchmaking.models.Suggestion` and rendered here,
in the active language, from the reference vocabularies shipped with the portal (no query).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language, get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from matchmaking.engine.text import concept_label

DATA = Path(__file__).resolve().parent.parent / "chm_portal" / "vocabularies" / "data"
VOCABULARY_REASONS = ("support_types", "thematic_areas", "capacity_levels")


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], dict[str, str]]:
    """{(vocabulary, code): {language: label}} of the vocabularies and the GBF targets."""
    vocabularies = json.loads((DATA / "vocabularies.json").read_text(encoding="utf-8"))
    labels = {}
    for vocabulary in VOCABULARY_REASONS:
        for term in vocabularies[vocabulary]:
            labels[(vocabulary, term["code"])] = {
                key: value for key, value in term.items() if len(key) == 2
            }
    targets = json.loads((DATA / "gbf_targets.json").read_text(encoding="utf-8"))
    for target in targets:
        labels[("targets", target["portal_code"])] = {
            language: target.get(f"title_{language}", "") for language in ("en", "fr", "es")
        }
    return labels


def _label(vocabulary: str, code: str) -> str:
    by_language = _labels().get((vocabulary, code))
    if not by_language:
        return code.replace("_", " ")
    language = _active_language()
    return by_language.get(language) or by_language.get("en") or code


def _lowered(label: str) -> str:
    """A label inside a sentence: "Training and education" → "training and education"."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def language_name(code: str) -> str:
    """The name of a language in the active language, as inside a sentence ("French",
    "français", "francés"), else its code."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # French and Spanish write language names in lower case inside a sentence.
    return name.lower() if _active_language() in ("fr", "es") else name


def _concept(value: str) -> str:
    """A topic the engine found in both texts: a vocabulary term, a target or a finer concept
    of the engine's lexicon."""
    for vocabulary in ("thematic_areas", "support_types", "capacity_levels"):
        if (vocabulary, value) in _labels():
            return _lowered(_label(vocabulary, value))
    if ("targets", value) in _labels():
        return value
    return concept_label(value, _active_language())


def _active_language() -> str:
    return (get_language() or "en").split("-")[0]


def reason_text(code: str, value: str = "") -> str:
    """One reason as a short sentence in the active language."""
    if code == "target":
        return gettext("Shares target %(target)s") % {"target": value}
    if code == "thematic_area":
        return gettext("Same thematic area: %(area)s") % {
            "area": _lowered(_label("thematic_areas", value))
        }
    if code == "support_type":
        return gettext("Offers %(support)s") % {"support": _lowered(_label("support_types", value))}
    if code == "capacity_level":
        return gettext("Builds capacity at the level: %(level)s") % {
            "level": _lowered(_label("capacity_levels", value))
        }
    if code == "language":
        return gettext("Delivered in %(language)s") % {"language": language_name(value)}
    if code == "topic":
        return gettext("Both are about %(topic)s") % {"topic": _concept(value)}
    if code == "similar_text":
        return gettext("Similar description")
    return value or code


def reason_texts(reasons: Iterable[Sequence[str]]) -> list[str]:
    """Stored reasons (``[[code, value], ...]``) as sentences in the active language."""
    return [reason_text(*reason) for reason in reasons]


REASON_HELP = _(
    "Suggestions are ranked by the matching engine from the targets, thematic areas, support types "
    "and capacity levels of both records and from what their texts are about, whatever their "
    "language; only offers the request is eligible for are shown."
)
