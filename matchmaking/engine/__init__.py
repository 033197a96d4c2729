"""The matching engine: eligibility and explained ranking of offers for needs.

Pure Python with numpy, scipy, scikit-learn and snowballstemmer; no Django, so that the benchmarks
in ``bench/`` run on their own. See docs/matching.md.

The names below are imported from their modules when first used (PEP 562): a web worker that only
names a reason (``concept_label``) or builds records does not load scikit-learn, which only the
index (``OfferIndex``, computed by the workers) needs, about 70 MB per process.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module of this package that defines it
_MODULES = {
    "ALGORITHM_VERSION": "index",
    "Geography": "geography",
    "Lexicon": "text",
    "NeedRecord": "records",
    "OfferIndex": "index",
    "OfferRecord": "records",
    "Reason": "records",
    "RecordSet": "records",
    "Suggestion": "records",
    "Weights": "index",
    "concept_label": "text",
    "load_record_set": "recordformat",
    "parse_record_set": "recordformat",
}

__all__ = [
    "ALGORITHM_VERSION",
    "Geography",
    "Lexicon",
    "NeedRecord",
    "OfferIndex",
    "OfferRecord",
    "Reason",
    "RecordSet",
    "Suggestion",
    "Weights",
    "concept_label",
    "load_record_set",
    "parse_record_set",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .geography import Geography
    from .index import ALGORITHM_VERSION, OfferIndex, Weights
    from .recordformat import load_record_set, parse_record_set
    from .records import NeedRecord, OfferRecord, Reason, RecordSet, Suggestion
    from .text import Lexicon, concept_label
