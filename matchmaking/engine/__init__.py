"""The matching engine: eligibility and explained ranking of offers for needs.

Pure Python with numpy, scipy, scikit-learn and snowballstemmer; no Django, so that the benchmarks
in ``bench/`` run on their own. See docs/matching.md.
"""

from .geography import Geography
from .index import ALGORITHM_VERSION, OfferIndex, Weights
from .recordformat import load_record_set, parse_record_set
from .records import NeedRecord, OfferRecord, Reason, RecordSet, Suggestion
from .text import Lexicon, concept_label

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
