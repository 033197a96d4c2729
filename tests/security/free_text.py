"""The free-text columns of the models, found from their fields, for the security tests.

A column counts when it is a ``CharField`` or ``TextField`` (django-modeltranslation's
``title_fr`` and so on included) that a person fills in: not an email, URL or slug, not a choice,
editable, and not one of the codes and identifiers of ``MACHINE_FIELDS``. A field added to a
model is therefore covered without touching the tests.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import connection, models

# Apps whose records people write (vocabularies and core hold reference and technical data).
USER_APPS = (
    "accounts",
    "alerts",
    "quality",
    "needs",
    "partners",
    "commitments",
    "matchmaking",
    "elearning",
    "monitoring",
)
# Columns holding codes, identifiers or values the code parses or puts in URLs and headers
# (``Certificate.code`` is in the verification address, ``time_zone`` goes to zoneinfo,
# ``content_type`` to a response header): a payload there would test the parser, not escaping.
MACHINE_FIELDS = frozenset(
    {
        "password",
        "token",
        "code",
        "language",
        "currency",
        "budget_currency",
        "time_zone",
        "source",
        "content_type",
        "algorithm_version",
        "applies_to",
        "database",
        "query",
        "url",
        "indicator",
        "key",
        "target",
        "scope",
    }
)


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns of ``model`` (its own table) that hold text a person writes."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.EmailField | models.URLField | models.SlugField)
        and f.editable
        and not f.choices
        and f.name not in MACHINE_FIELDS
        and getattr(f, "translated_field", f).name not in MACHINE_FIELDS
    ]


def free_text_models() -> list[type[models.Model]]:
    """Every model of ``USER_APPS`` with a free-text column."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in USER_APPS
        and model._meta.managed
        and not model._meta.proxy
        and free_text_fields(model)
    ]


# A value for a column: (text before the row id, text after it), or None to leave it alone.
TextFor = Callable[[type[models.Model], models.Field], tuple[str, str] | None]


def overwrite_free_text(
    model: type[models.Model], text_for: TextFor, *, pks: list | None = None
) -> list[str]:
    """Write ``before || <row id> || after`` in every free-text column of ``model`` (of the rows
    ``pks``, or all), with SQL: past validators, signals and django-modeltranslation's rewriting
    of field names. Returns the names of the columns written."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    assignments, params, written = [], [], []
    for f in free_text_fields(model):
        text = text_for(model, f)
        if text is None:
            continue
        assignments.append(f"{quote(f.column)} = %s || CAST({pk} AS TEXT) || %s")
        params.extend(text)
        written.append(f.name)
    if not assignments:
        return written
    sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)}"
    if pks is not None:
        sql += f" WHERE {pk} IN ({', '.join(['%s'] * len(pks))})"
        params.extend(pks)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return written


def url_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns of ``model`` (its own table) that hold an address people give (URLField)."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if isinstance(f, models.URLField) and f.editable
    ]
