"""Full-text search of any list, the same call on PostgreSQL and SQLite.

On PostgreSQL the text fields are turned into a weighted ``tsvector`` with the text-search
configuration of the query's language, matched with ``websearch_to_tsquery`` (so people may type
``"exact phrase"``, ``or`` and ``-excluded`` as in a web search engine) and the rows are ordered by
``ts_rank``. Elsewhere (SQLite: a newcomer's first run and the quick test suite) every word must
appear in one of the fields (``icontains``), and a simple score built from the same weights
orders the rows, so that lists behave alike on both.

Callers choose the fields and their weights (A is the most important, D the least), e.g.
``apply_full_text_search(needs, "mangrove", fields={"title": "A", "problem_statement": "B"})``.
Search only a model's own columns: a many-to-many field would repeat rows.

PostgreSQL indexes: a GIN index on the same expression (``SearchVector(..., config=...)``) per
configuration lets the database answer from the index; add one per language in use when a list
grows large.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import translation

# Interface or content language -> PostgreSQL text-search configuration. Other languages use
# "simple" (no stemming, no stop words), which still finds whole words.
SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese"}
DEFAULT_SEARCH_CONFIG = "simple"

# Weight -> the factor PostgreSQL's ts_rank gives it by default ({0.1, 0.2, 0.4, 1.0}).
WEIGHT_FACTORS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}

# The annotation holding the relevance of each row; lists are ordered by it, best first.
RANK_ANNOTATION = "search_rank"

# The longest query taken into account; the rest is ignored.
MAX_QUERY_LENGTH = 200
# The most words the fallback matches (each word adds a condition per field).
MAX_FALLBACK_WORDS = 8


def search_config_for(language: str | None) -> str:
    """The PostgreSQL text-search configuration of a language code (``fr``, ``es-ar``...)."""
    if not language:
        return DEFAULT_SEARCH_CONFIG
    return SEARCH_CONFIGS.get(language.lower().split("-")[0].split("_")[0], DEFAULT_SEARCH_CONFIG)


def normalise_query(query: str | None) -> str:
    """The query as searched: trimmed, spaces collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def query_words(query: str) -> tuple[list[str], list[str]]:
    """The words a row must contain and those it must not (``-word``), for the fallback.

    Quotes and ``or`` are dropped: the fallback requires every word, in any order.
    """
    wanted: list[str] = []
    excluded: list[str] = []
    for token in re.findall(r"-?[\w'\u2019.@-]+", normalise_query(query)):
        words = excluded if token.startswith("-") else wanted
        word = token.strip("'\u2019.-@")
        if word and word.lower() != "or" and word not in words:
            words.append(word)
    return wanted[:MAX_FALLBACK_WORDS], excluded[:MAX_FALLBACK_WORDS]


def apply_full_text_search(
    queryset: QuerySet,
    query: str | None,
    *,
    fields: Mapping[str, str],
    language: str | None = None,
) -> QuerySet:
    """Rows of ``queryset`` matching ``query`` in ``fields``, the most relevant first.

    ``fields`` maps field names to weights ``"A"``..``"D"``. ``language`` is the language of the
    query (default: the active language); it chooses the stemming on PostgreSQL. The rows get a
    ``search_rank`` annotation; the queryset's own ordering breaks ties. A blank query returns
    ``queryset`` unchanged.
    """
    query = normalise_query(query)
    if not query:
        return queryset
    if not fields:
        raise ValueError("apply_full_text_search needs at least one field.")
    unknown_weights = set(fields.values()) - set(WEIGHT_FACTORS)
    if unknown_weights:
        raise ValueError(f"Unknown weights {sorted(unknown_weights)}: use A, B, C or D.")
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if connections[queryset.db].vendor == "postgresql":
        searched = _postgresql_search(
            queryset, query, fields=fields, config=search_config_for(language or _active())
        )
    else:
        searched = _fallback_search(queryset, query, fields=fields)
    return searched.order_by(f"-{RANK_ANNOTATION}", *ordering)


def _active() -> str:
    return translation.get_language() or "en"


def _postgresql_search(
    queryset: QuerySet, query: str, *, fields: Mapping[str, str], config: str
) -> QuerySet:
    vectors = [SearchVector(name, weight=weight, config=config) for name, weight in fields.items()]
    vector = vectors[0]
    for other in vectors[1:]:
        vector = vector + other
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        queryset.annotate(_search_vector=vector)
        .filter(_search_vector=search_query)
        .annotate(**{RANK_ANNOTATION: SearchRank(F("_search_vector"), search_query)})
    )


def _fallback_search(queryset: QuerySet, query: str, *, fields: Mapping[str, str]) -> QuerySet:
    wanted, excluded = query_words(query)
    if not wanted and not excluded:
        return queryset.none()

    def in_any_field(word: str) -> Q:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        return condition

    condition = Q()
    for word in wanted:
        condition &= in_any_field(word)
    for word in excluded:
        condition &= ~in_any_field(word)
    # One point per word found in a field, times the field's weight: titles count most.
    score = sum(
        (
            Case(
                When(**{f"{name}__icontains": word}, then=Value(WEIGHT_FACTORS[weight])),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for name, weight in fields.items()
            for word in wanted
        ),
        Value(0.0, output_field=FloatField()),
    )
    return queryset.filter(condition).annotate(**{RANK_ANNOTATION: score})
