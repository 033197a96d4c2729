"""Full-text search of any list, the same call on PostgreSQL and SQLite.

On PostgreSQL the text fields are turned into a weighted ``tsvector`` with the text-search
configuration of the query's language, matched with ``websearch_to_tsquery`` (so people may type
``"exact phrase"``, ``or`` and ``-excluded`` as in a web search engine) and the rows are ordered by
``ts_rank``. Elsewhere (SQLite: a newcomer's first run and the quick test suite) every word must
appear in one of the fields (``icontains``), and a simple score built from the same weights
orders the rows, so that lists behave alike on both.

What a model is searched in is declared once, on the model: ``SEARCH_FIELDS`` maps field names to
weights (A is the most important, D the least), e.g. ``{"title": "A", "problem_statement": "B"}``;
translated fields are named per language (``translated_search_fields(title="A")`` gives
``title_en``, ``title_fr`` and ``title_es``: a search looks in every interface language).
``apply_full_text_search(needs, "mangrove")`` searches those fields; a caller may pass other
``fields``, whose vector is then computed per row. Search only a model's own columns: a
many-to-many field would repeat rows.

Stored vectors (PostgreSQL). Computing the ``tsvector`` of every row at each search reads and
parses all the text of the table (seconds at 100,000 rows). A model that declares
``SEARCH_FIELDS`` also has one ``SearchVectorField`` per interface language (``search_en``,
``search_fr``, ``search_es``: the vector of ``SEARCH_FIELDS`` in that language's configuration),
each with a GIN index (:class:`SearchVectorIndex`). The search filters
``search_<lang> @@ websearch_to_tsquery(...)`` through the index and ranks with ``ts_rank`` on the
stored column: the same rows, in the same order, as the per-row computation. A query in another
configuration (Portuguese, or "simple" for a language without stemming) computes per row.

A database trigger keeps the vectors current, whatever writes the rows (services, admin,
``bulk_create``, ``QuerySet.update``, imports, seed commands, SQL): the migration operation
:class:`SearchVectorTrigger` creates it on PostgreSQL only and fills the existing rows. It
recomputes the vectors on insert, and on update only when a searched column (or a vector column)
is written with a different value, so that status changes and counters cost nothing. The
operation freezes the fields and weights in the migration; a test checks that the latest one of
each model equals its ``SEARCH_FIELDS`` (change both together, with a new migration). On SQLite
the columns exist, stay empty, and the search computes per row as before.

The vectors are never loaded with the rows (:class:`StoredSearchManager` defers them): nothing
shows them, and ``save()`` then writes only the columns it loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.migrations.operations.base import Operation
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import translation

# Interface or content language -> PostgreSQL text-search configuration. Other languages use
# "simple" (no stemming, no stop words), which still finds whole words.
SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese"}
DEFAULT_SEARCH_CONFIG = "simple"

# The interface languages: a search looks in each translation of the content, and each has a
# stored vector (``search_en``...) in its configuration.
SEARCH_LANGUAGES = ("en", "fr", "es")
# Configuration -> the column holding the stored vector in it.
STORED_VECTORS = {SEARCH_CONFIGS[language]: f"search_{language}" for language in SEARCH_LANGUAGES}

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


def translated_search_fields(**weights: str) -> dict[str, str]:
    """``{"title_en": "A", "title_fr": "A", "title_es": "A"}`` for ``title="A"``."""
    return {
        f"{name}_{language}": weight
        for name, weight in weights.items()
        for language in SEARCH_LANGUAGES
    }


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


# --- What a model is searched in ------------------------------------------------------------------
def search_fields_of(model: type[models.Model]) -> dict[str, str]:
    """The fields (and weights) ``model`` declares for full-text search; empty when none."""
    return dict(getattr(model, "SEARCH_FIELDS", None) or {})


def stored_vector_column(
    model: type[models.Model], fields: Mapping[str, str], config: str
) -> str | None:
    """The column whose stored vector answers a search of ``fields`` in ``config``, if any: the
    model keeps one for that configuration, and ``fields`` are its declaration, in its order (the
    order of the fields makes the positions of words, which ``ts_rank`` reads)."""
    column = STORED_VECTORS.get(config)
    if column is None or not any(field.name == column for field in model._meta.concrete_fields):
        return None
    if list(fields.items()) != list(search_fields_of(model).items()):
        return None
    return column


class SearchVectorIndex(GinIndex):
    """The GIN index of a stored search vector. Elsewhere than on PostgreSQL (SQLite, where the
    column stays empty) a plain index of the column, so that the same migrations run on both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, **kwargs)


def search_vector_indexes(prefix: str) -> list[SearchVectorIndex]:
    """The GIN indexes of a model's stored vectors, named ``<prefix>_search_<lang>`` (at most
    30 characters)."""
    return [
        SearchVectorIndex(fields=[column], name=f"{prefix}_{column}")
        for column in STORED_VECTORS.values()
    ]


class StoredSearchManager(models.Manager):
    """A manager that leaves the stored search vectors out of the rows it loads (they can be
    several kilobytes a row and nothing shows them); ``save()`` of such a row then writes only
    the columns it loaded, never a vector. Combine with a QuerySet class through
    ``StoredSearchManager.from_queryset(...)``."""

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().defer(*STORED_VECTORS.values())


# --- The trigger that keeps stored vectors current (PostgreSQL) --------------------------------
def _quote(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def _trigger_names(table: str) -> tuple[str, str, str]:
    """The trigger function of ``table`` and its insert and update triggers."""
    return f"{table}_search_vectors", f"{table}_search_insert", f"{table}_search_update"


def search_vector_sql(model: type[models.Model], fields: Mapping[str, str], config: str) -> str:
    """The SQL expression of the vector of ``fields`` (name -> weight) of the row ``NEW`` in
    ``config``: what :class:`~django.contrib.postgres.search.SearchVector` computes per row."""
    unknown = set(fields.values()) - set(WEIGHT_FACTORS)
    if unknown or not fields or config not in STORED_VECTORS:
        raise ValueError(f"Cannot store a search vector of {dict(fields)} in {config!r}.")
    parts = [
        f"setweight(to_tsvector('{config}'::regconfig, "
        f"COALESCE(NEW.{_quote(model._meta.get_field(name).column)}::text, '')), '{weight}')"
        for name, weight in fields.items()
    ]
    return " || ".join(parts)


def search_vector_trigger_sql(model: type[models.Model], fields: Mapping[str, str]) -> list[str]:
    """The statements that make PostgreSQL keep ``model``'s stored vectors of ``fields`` current.

    The function computes every vector of the row. It runs before each insert (``COPY``
    included), and before an update that writes a searched column or a vector with a different
    value, or leaves a vector empty (``save()`` of a row created in the same process writes
    NULL): an update of other columns (a status, a counter) does not parse any text.
    """
    table = model._meta.db_table
    function, insert_trigger, update_trigger = _trigger_names(table)
    assignments = "".join(
        f"    NEW.{_quote(column)} := {search_vector_sql(model, fields, config)};\n"
        for config, column in STORED_VECTORS.items()
    )
    sources = [model._meta.get_field(name).column for name in fields]
    vectors = list(STORED_VECTORS.values())
    watched = ", ".join(_quote(column) for column in [*sources, *vectors])
    old = ", ".join(f"OLD.{_quote(column)}" for column in [*sources, *vectors])
    new = ", ".join(f"NEW.{_quote(column)}" for column in [*sources, *vectors])
    empty = " OR ".join(f"NEW.{_quote(column)} IS NULL" for column in vectors)
    return [
        f"CREATE OR REPLACE FUNCTION {_quote(function)}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{assignments}    RETURN NEW;\nEND\n$$",
        f"DROP TRIGGER IF EXISTS {_quote(insert_trigger)} ON {_quote(table)}",
        f"CREATE TRIGGER {_quote(insert_trigger)} BEFORE INSERT ON {_quote(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {_quote(function)}()",
        f"DROP TRIGGER IF EXISTS {_quote(update_trigger)} ON {_quote(table)}",
        f"CREATE TRIGGER {_quote(update_trigger)} BEFORE UPDATE OF {watched} ON {_quote(table)} "
        f"FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}) OR {empty}) "
        f"EXECUTE FUNCTION {_quote(function)}()",
    ]


def drop_search_vector_trigger_sql(model: type[models.Model]) -> list[str]:
    table = model._meta.db_table
    function, insert_trigger, update_trigger = _trigger_names(table)
    return [
        f"DROP TRIGGER IF EXISTS {_quote(insert_trigger)} ON {_quote(table)}",
        f"DROP TRIGGER IF EXISTS {_quote(update_trigger)} ON {_quote(table)}",
        f"DROP FUNCTION IF EXISTS {_quote(function)}()",
    ]


def fill_search_vectors_sql(model: type[models.Model]) -> str:
    """Recompute the vectors of every row (through the update trigger: a NULL vector fires it)."""
    column = next(iter(STORED_VECTORS.values()))
    return f"UPDATE {_quote(model._meta.db_table)} SET {_quote(column)} = NULL"  # nosec B608


class SearchVectorTrigger(Operation):
    """Migration operation: on PostgreSQL, a trigger keeps ``model_name``'s stored vectors
    (``search_en``...) equal to the weighted vector of ``fields`` (name -> weight), and the rows
    already there are filled. Does nothing on other databases.

    ``fields`` is frozen in the migration, as it was when the migration was written: when the
    model's ``SEARCH_FIELDS`` change, add a migration with a new operation (and the former fields
    as ``previous_fields``, which reversing it puts back; without them it drops the trigger).
    """

    reduces_to_sql = True
    reversible = True

    def __init__(
        self,
        model_name: str,
        fields: Mapping[str, str],
        previous_fields: Mapping[str, str] | None = None,
    ) -> None:
        self.model_name = model_name
        self.fields = dict(fields)
        self.previous_fields = dict(previous_fields) if previous_fields else None

    def state_forwards(self, app_label, state) -> None:
        """The columns are ordinary fields of the model: nothing in the state changes."""

    def _install(self, app_label, schema_editor, state, fields) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(app_label, self.model_name)
        if fields:
            statements = [*search_vector_trigger_sql(model, fields), fill_search_vectors_sql(model)]
        else:
            statements = drop_search_vector_trigger_sql(model)
        for statement in statements:
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._install(app_label, schema_editor, to_state, self.fields)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._install(app_label, schema_editor, to_state, self.previous_fields)

    def describe(self) -> str:
        return f"Keep the stored search vectors of {self.model_name} current (PostgreSQL)"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name}_search_vectors"


# --- The search ---------------------------------------------------------------------------------
def apply_full_text_search(
    queryset: QuerySet,
    query: str | None,
    *,
    fields: Mapping[str, str] | None = None,
    language: str | None = None,
    stored: bool = True,
) -> QuerySet:
    """Rows of ``queryset`` matching ``query`` in ``fields``, the most relevant first.

    ``fields`` maps field names to weights ``"A"``..``"D"`` (default: the model's
    ``SEARCH_FIELDS``). ``language`` is the language of the query (default: the active
    language); it chooses the stemming on PostgreSQL, and there the stored vector of that
    language when the model keeps one for these fields (``stored=False`` computes per row). The
    rows get a ``search_rank`` annotation; the queryset's own ordering breaks ties. A blank
    query returns ``queryset`` unchanged.
    """
    query = normalise_query(query)
    if not query:
        return queryset
    fields = dict(fields) if fields is not None else search_fields_of(queryset.model)
    if not fields:
        raise ValueError("apply_full_text_search needs at least one field.")
    unknown_weights = set(fields.values()) - set(WEIGHT_FACTORS)
    if unknown_weights:
        raise ValueError(f"Unknown weights {sorted(unknown_weights)}: use A, B, C or D.")
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if connections[queryset.db].vendor == "postgresql":
        config = search_config_for(language or _active())
        column = stored_vector_column(queryset.model, fields, config) if stored else None
        if column:
            searched = _stored_search(queryset, query, column=column, config=config)
        else:
            searched = _postgresql_search(queryset, query, fields=fields, config=config)
    else:
        searched = _fallback_search(queryset, query, fields=fields)
    return searched.order_by(f"-{RANK_ANNOTATION}", *ordering)


def _active() -> str:
    return translation.get_language() or "en"


def _stored_search(queryset: QuerySet, query: str, *, column: str, config: str) -> QuerySet:
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return queryset.filter(**{column: search_query}).annotate(
        **{RANK_ANNOTATION: SearchRank(F(column), search_query)}
    )


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
        # Nothing searchable (only punctuation or control characters): no row, still ranked so
        # that the caller may order by the rank.
        return queryset.none().annotate(**{RANK_ANNOTATION: Value(0.0, output_field=FloatField())})

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
