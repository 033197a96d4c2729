"""Public databases: one description per record type, read by every way of finding and reusing it.

A :class:`Database` says what a database lists (its public queryset), how it is filtered (one
:class:`~chm_portal.core.faceting.FacetedFilterSet`), its facets, its export columns and records,
its feed and its pages. From it come the list page with search and facets, the streamed CSV and
JSON exports, the Atom feed (:func:`database_urls`), the portal-wide search (``search_all``) and
saved searches with their digests. Each app registers its databases when it loads
(``register``); the key is stable: it is in saved searches and URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.views import View
from django.views.generic import TemplateView

from .exports import Column, iterate_rows, stream_csv, stream_json
from .faceting import Facet, FacetedFilterSet, facet_groups, filter_chips, hidden_filters
from .feeds import FeedRequest, FilteredFeed, filter_query_string, tag_uri, with_query
from .page_cache import cached_page_names

LIST_PAGE_SIZE = 20
# Words of a record's description shown in a feed entry or a search result.
SUMMARY_WORDS = 60


@dataclass
class Database:
    """A public database of one record type (see the module docstring)."""

    key: str
    label: Any  # plural name, e.g. "Offers of support" (lazy)
    description: Any  # one sentence for the page's lead and the feed's subtitle
    model: type[Model]
    filterset_class: type[FacetedFilterSet]
    # The public records, with what the list shows loaded (select/prefetch).
    queryset: Callable[[], QuerySet]
    facets: Sequence[Facet]
    url_namespace: str
    detail_url: Callable[[Any], str]
    # A record as exported to JSON (and, one column per key of ``record_keys``, to CSV).
    record: Callable[[HttpRequest, Any], dict[str, Any]]
    record_keys: Sequence[str]
    # Exports may load more than the page (default: ``queryset``).
    export_queryset: Callable[[], QuerySet] | None = None
    # CSV columns, when they are not one per record key.
    csv_columns: Callable[[HttpRequest], Sequence[Column]] | None = None
    # Other downloads of the filtered list, linked beside CSV and JSON: (label, URL name).
    more_exports: Sequence[tuple[Any, str]] = ()
    # URL names of "list", "export_csv", "export_json" and "feed" (default: "<key>_<view>").
    url_names: Mapping[str, str] | None = None
    # The date that makes a record "new" (feeds, digests); ordering of feeds, newest first.
    date_field: str = "published_at"
    list_template: str = "includes/database/list.html"
    # Renders one result of the list: receives ``record``.
    item_template: str = ""
    # Extra context of the list page (e.g. a link to the calendar view).
    extra_links: Callable[[HttpRequest], list[tuple[str, str]]] = field(default=lambda request: [])
    title_of: Callable[[Any], str] = field(default=lambda record: str(record))
    summary_of: Callable[[Any], str] = field(
        default=lambda record: getattr(record, "description", "")
    )
    # Extra arguments of the FilterSet on public pages.
    filterset_kwargs: Callable[[HttpRequest], dict[str, Any]] = field(default=lambda request: {})

    def url_name(self, view: str) -> str:
        name = (self.url_names or {}).get(view, f"{self.key}_{view}")
        return f"{self.url_namespace}:{name}"

    def list_url(self, query_string: str = "") -> str:
        return with_query(reverse(self.url_name("list")), query_string)

    def filterset(self, data: QueryDict, request: HttpRequest | None = None, queryset=None):
        kwargs = self.filterset_kwargs(request) if request is not None else {}
        return self.filterset_class(
            data,
            queryset=self.queryset() if queryset is None else queryset,
            request=request,
            **kwargs,
        )

    def new_since(self, queryset: QuerySet, since) -> QuerySet:
        """The rows of ``queryset`` that became public after ``since``."""
        return queryset.filter(**{f"{self.date_field}__gt": since})

    def summary(self, record: Any) -> str:
        return Truncator(self.summary_of(record) or "").words(SUMMARY_WORDS)


_REGISTRY: dict[str, Database] = {}


def register(database: Database) -> Database:
    """Make ``database`` known to the portal-wide search and saved searches."""
    _REGISTRY[database.key] = database
    return database


def registered() -> list[Database]:
    """Every public database, in the order the apps registered them."""
    return list(_REGISTRY.values())


def get_database(key: str) -> Database | None:
    return _REGISTRY.get(key)


# --- Views ----------------------------------------------------------------------------------------
def _filter_errors(filterset: FacetedFilterSet) -> JsonResponse:
    return JsonResponse({"errors": filterset.errors}, status=400)


class DatabaseListView(TemplateView):
    """A database's list: search box, facets with counts, 20 results a page, export and feed links.

    Queries do not depend on the number of records: the count, the page and its prefetches, and
    at most two per facet.
    """

    database: Database = None  # set by as_view(database=...)

    def get_template_names(self) -> list[str]:
        return [self.database.list_template]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = self.database.filterset(request.GET, request)
        context = self.get_context_data(filterset=filterset, database=self.database)
        if filterset.is_valid():
            context.update(self.results(filterset))
            status = 200
        else:
            status = 400
        return self.render_to_response(context, status=status)

    def results(self, filterset: FacetedFilterSet) -> dict[str, Any]:
        request, database = self.request, self.database
        paginator = Paginator(filterset.qs, LIST_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        selected = filterset.selected()
        query_string = filter_query_string(request.GET)
        return {
            "show_results": True,
            "page_obj": page,
            "paginator": paginator,
            "records": page.object_list,
            "facet_groups": facet_groups(
                database.facets,
                filterset,
                selected,
                cache_key=database.key,
                depends_on=cached_page_names().get(database.url_name("list"), ()),
            ),
            "chips": filter_chips(database.facets, filterset, selected, request.GET),
            "hidden_filters": hidden_filters(database.facets, selected),
            "query_string": query_string,
            "csv_url": with_query(reverse(database.url_name("export_csv")), query_string),
            "json_url": with_query(reverse(database.url_name("export_json")), query_string),
            "feed_url": with_query(reverse(database.url_name("feed")), query_string),
            "more_exports": [
                (label, with_query(reverse(name), query_string))
                for label, name in database.more_exports
            ],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["list_url"] = reverse(self.database.url_name("list"))
        context["feed_url"] = reverse(self.database.url_name("feed"))
        context["extra_links"] = self.database.extra_links(self.request)
        return context


def _flat(value: Any) -> Any:
    """A record's value in one CSV cell: related objects and lists of them by name."""
    if isinstance(value, dict):
        return value.get("name", value.get("id"))
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [item.get("name") for item in value]
    return value


def record_csv_columns(keys: Sequence[str]) -> list[Column]:
    """One CSV column per key of a record (see :class:`Database`)."""
    return [(key, lambda record, key=key: _flat(record[key])) for key in keys]


def _export_filename(database: Database, extension: str) -> str:
    return f"{database.key}-{timezone.localdate().isoformat()}.{extension}"


class DatabaseExportView(View):
    """A database's list (any filters) as a streamed CSV or JSON file; public fields only."""

    database: Database = None
    format: str = "csv"

    def get(self, request: HttpRequest) -> HttpResponse:
        database = self.database
        queryset = database.export_queryset() if database.export_queryset else None
        filterset = database.filterset(request.GET, request, queryset=queryset)
        if not filterset.is_valid():
            return _filter_errors(filterset)
        if self.format == "csv" and database.csv_columns:
            return stream_csv(
                filterset.qs, database.csv_columns(request), _export_filename(database, "csv")
            )
        if self.format == "csv":
            records = (database.record(request, row) for row in iterate_rows(filterset.qs))
            return stream_csv(
                records, record_csv_columns(database.record_keys), _export_filename(database, "csv")
            )
        return stream_json(
            filterset.qs,
            lambda record: database.record(request, record),
            _export_filename(database, "json"),
        )


class DatabaseFeed(FilteredFeed):
    """The 50 records of a database most recently made public, filtered like its list."""

    item_guid_is_permalink = False

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.filterset_class = database.filterset_class
        self.list_url_name = database.url_name("list")
        self.feed_url_name = database.url_name("feed")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.database.queryset()

    def get_filterset_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        return self.database.filterset_kwargs(request)

    def order_items(self, queryset: QuerySet) -> QuerySet:
        date = self.database.date_field
        return queryset.order_by(f"-{date}", "-pk")

    def title(self, obj: FeedRequest) -> str:
        return str(self.database.label)

    def subtitle(self, obj: FeedRequest) -> str:
        return str(self.database.description)

    def item_path(self, item: Any) -> str:
        return self.database.detail_url(item)

    def item_title(self, item: Any) -> str:
        return self.database.title_of(item)

    def item_description(self, item: Any) -> str:
        # An Atom summary is HTML (type="html"): readers render it, so the text is escaped here,
        # and the feed's XML escapes it once more.
        return escape(self.database.summary(item))

    def item_pubdate(self, item: Any):
        return getattr(item, self.database.date_field)

    def item_updateddate(self, item: Any):
        return getattr(item, "updated_at", None) or self.item_pubdate(item)

    def item_guid(self, item: Any) -> str:
        created = getattr(item, "created_at", None)
        return tag_uri(f"{self.database.key}:{item.pk}", created)

    def item_author_name(self, item: Any) -> str:
        owner = getattr(item, "owner_organisation", None)
        return str(owner) if owner is not None else ""


def database_urls(database: Database) -> list:
    """URL patterns of a database's list, exports and feed: ``<key>/``, ``<key>/export.csv``,
    ``<key>/export.json`` and ``<key>/feed/``, named ``<key>_list`` and so on."""
    key = database.key
    return [
        path(f"{key}/", DatabaseListView.as_view(database=database), name=f"{key}_list"),
        path(
            f"{key}/export.csv",
            DatabaseExportView.as_view(database=database, format="csv"),
            name=f"{key}_export_csv",
        ),
        path(
            f"{key}/export.json",
            DatabaseExportView.as_view(database=database, format="json"),
            name=f"{key}_export_json",
        ),
        path(f"{key}/feed/", DatabaseFeed(database), name=f"{key}_feed"),
    ]
