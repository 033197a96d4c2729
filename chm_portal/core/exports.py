"""Streamed CSV and JSON exports of any list, and JSON-LD for pages.

Exports are streamed: rows are read from the database in chunks (``QuerySet.iterator`` with a
``chunk_size``, which on Django 5.2 also runs the queryset's ``prefetch_related`` per chunk) and
written out as they come, so memory stays flat whatever the number of rows and nothing is capped.

CSV files open cleanly in spreadsheets: UTF-8 with a byte-order mark (Excel otherwise guesses the
encoding), lists joined with ``;``, and every text cell that a spreadsheet would take for a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with a
single quote (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Rows fetched from the database at a time.
CHUNK_SIZE = 500
# What lists are joined with in a CSV cell ("GBF-T1;GBF-T6").
LIST_SEPARATOR = ";"
# First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"

# (column header, function giving the cell of a row)
Column = tuple[str, Callable[[Any], Any]]


class _Echo:
    """A file-like object whose ``write`` hands back what it is given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def iterate_rows(rows: Iterable[Any], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Any]:
    """The rows one by one; a QuerySet is read ``chunk_size`` rows at a time (prefetch kept).

    Rows with prefetched relations hold reference cycles (row -> prefetched queryset -> related
    row -> row), which only the garbage collector would free, as late as it likes: each row's
    prefetched relations are dropped once it is written, so that a long export keeps one chunk in
    memory (a full collection per chunk did the same at a fifth of the export's time).
    """
    if not isinstance(rows, QuerySet):
        yield from rows
        return
    for row in rows.iterator(chunk_size=chunk_size):
        yield row
        _forget_prefetched(row)


def _forget_prefetched(row: Any) -> None:
    """Drop what was prefetched for ``row`` and, recursively, for the rows it holds."""
    cache = row.__dict__.pop("_prefetched_objects_cache", None)
    for related in (cache or {}).values():
        for item in related._result_cache or ():
            _forget_prefetched(item)


def neutralise_formula(text: str) -> str:
    """``text`` with a leading single quote when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_cell(value: Any) -> str | int | float | Decimal:
    """The CSV cell of a Python value: numbers as they are, lists joined, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return neutralise_formula(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralise_formula(str(value))


def _attachment(response: StreamingHttpResponse, filename: str | None) -> StreamingHttpResponse:
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_lines(
    rows: Iterable[Any], columns: Sequence[Column], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """The lines of a CSV file: the byte-order mark and header, then one line per row."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow([csv_cell(header) for header, _cell in columns])
    for row in iterate_rows(rows, chunk_size=chunk_size):
        yield writer.writerow([csv_cell(cell(row)) for _header, cell in columns])


def stream_csv(
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> StreamingHttpResponse:
    """A streamed CSV download of ``rows``: one column per ``(header, function of a row)``."""
    response = StreamingHttpResponse(
        csv_lines(rows, columns, chunk_size=chunk_size), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, filename)


class ExportJSONEncoder(DjangoJSONEncoder):
    """Dates as ISO 8601, decimals as strings, lazy translations as text, sets as lists."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        if isinstance(o, set | frozenset):
            return sorted(o)
        return super().default(o)


def json_array_chunks(
    rows: Iterable[Any], serialise: Callable[[Any], Any], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """The text of a JSON array of ``serialise(row)``, one element at a time."""
    yield "["
    separator = "\n"
    for row in iterate_rows(rows, chunk_size=chunk_size):
        yield separator + json.dumps(serialise(row), cls=ExportJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def stream_json(
    rows: Iterable[Any],
    serialise: Callable[[Any], Any],
    filename: str | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> StreamingHttpResponse:
    """A streamed JSON array of ``serialise(row)`` for each row (a download when named)."""
    response = StreamingHttpResponse(
        json_array_chunks(rows, serialise, chunk_size=chunk_size),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, filename)


# Characters escaped in JSON embedded in HTML, as Django's json_script does: "</script>" in a text
# can then not close the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: Any) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data`` (schema.org), safe in HTML."""
    text = json.dumps(data, cls=ExportJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # nosec B308 B703 # escaped just above
    )
