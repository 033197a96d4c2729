"""The portal-wide search: one query through every public database, grouped by type, ranked.

Each registered database (:mod:`chm_portal.core.databases`) answers with its own FilterSet given
only ``q``, so it searches exactly as its list page does (:mod:`chm_portal.core.search`:
PostgreSQL ``websearch`` queries with the language's configuration on the model's stored,
GIN-indexed vector of that language, ordered by ``ts_rank``; on SQLite every word must appear
and a weighted score orders the rows). The five results shown for
a database are the first five of its "See all N results" link.

Two queries per database whatever the number of records: the count, then the five rows (the
lists' prefetches are dropped: a result shows its title and summary only). A database with no
match costs the count only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.views.generic import TemplateView

from .databases import Database, registered
from .search import MAX_QUERY_LENGTH, normalise_query

RESULTS_PER_DATABASE = 5


@dataclass(frozen=True)
class SearchHit:
    """One record found: what the result shows of it."""

    title: str
    url: str
    summary: str


@dataclass(frozen=True)
class SearchGroup:
    """The matches of one database: how many, the best few, and the list with all of them."""

    database: Database
    count: int
    hits: list[SearchHit]
    list_url: str


def search_all(
    query: str | None,
    *,
    request: HttpRequest | None = None,
    per_database: int = RESULTS_PER_DATABASE,
) -> list[SearchGroup]:
    """Search every registered database for ``query``; one group per database, in the order
    they were registered (empty groups included, with a count of 0). A blank query finds
    nothing."""
    query = normalise_query(query)
    if not query:
        return []
    data = QueryDict(mutable=True)
    data["q"] = query
    query_string = data.urlencode()
    groups = []
    for database in registered():
        filterset = database.filterset(data, request)
        if not filterset.is_valid():  # a capped ``q`` always is; never fail the whole page
            continue
        results = filterset.qs.prefetch_related(None)
        count = results.count()
        records = list(results[:per_database]) if count else []
        groups.append(
            SearchGroup(
                database=database,
                count=count,
                hits=[
                    SearchHit(
                        title=database.title_of(record),
                        url=database.detail_url(record),
                        summary=database.summary(record),
                    )
                    for record in records
                ],
                list_url=database.list_url(query_string),
            )
        )
    return groups


class PortalSearchView(TemplateView):
    """``/search/?q=...``: every database's best matches; without a query, the search form and
    the databases it looks through."""

    template_name = "search/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Cut before normalising: the query string may be much longer than anyone types.
        query = normalise_query(self.request.GET.get("q", "")[: MAX_QUERY_LENGTH * 4])
        groups = search_all(query, request=self.request)
        context.update(
            query=query,
            databases=registered(),
            found=[group for group in groups if group.count],
            not_found=[group for group in groups if not group.count],
            total=sum(group.count for group in groups),
            max_length=MAX_QUERY_LENGTH,
        )
        return context
