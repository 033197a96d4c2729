"""Reads of the national CHM nodes: the Parties with their node, and what one Party's node page
(and its API and feed) shows, each in a fixed number of queries whatever the data.

A node's page gathers what its focal points write (introduction, institutions, national news,
types of support asked for: shown once the node is published) and what the portal already knows
of the Party, read through the other apps' *public* selectors only: its active focal points
(names, never email addresses), its maturity level (the country profile's), its published public
requests for assistance, the matches agreed on them (a count: matches are not public records),
its public pilot projects and the partners' opportunities open to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from chm_portal.accounts.selectors import focal_points_of_country
from chm_portal.vocabularies.models import Country
from matchmaking.models import Match
from matchmaking.selectors.matches import match_queryset
from matchmaking.selectors.projects import project_list
from needs.selectors import need_registry_list
from partners.filtersets import OpportunityFilterSet
from partners.selectors.public import opportunities_for_list

from ..models import MATURITY_SUPPORT_ACTIONS, MaturityLevel, NationalNode, NodeNewsItem
from .countries import party_list

#: How many records of each kind the page lists (the counts and links give the rest).
RECORDS_ON_PAGE = 10
NEWS_ON_PAGE = 10
#: Entries of the node's feed, news and records together.
FEED_ENTRIES = 50
#: Matches that stand for an agreement between a requester and a provider.
AGREED_MATCH_STATUSES = (Match.Status.AGREED, Match.Status.COMPLETED)


# --- The list of nodes ----------------------------------------------------------------------------
def node_list() -> QuerySet[Country]:
    """Every Party as :func:`~monitoring.selectors.countries.party_list` gives it (maturity
    ``level``, ``national_chm_url``...), with ``node_published`` (its node is published) and
    ``node_updated_at``: one query, the region joined."""
    return party_list().annotate(
        node_published=Coalesce(
            F("national_node__is_published"), Value(False), output_field=BooleanField()
        ),
        node_updated_at=F("national_node__updated_at"),
    )


# --- One node -------------------------------------------------------------------------------------
def party_for_node(code: str) -> Country | None:
    """The Party with ISO code ``code`` (any case), with its region's parts, profile and node
    loaded; None for unknown codes and countries that are not Parties. One query."""
    return (
        node_list()
        .select_related(
            "subregion", "intermediate_region", "monitoring_profile", "national_node__updated_by"
        )
        .filter(code=code.upper())
        .first()
    )


def node_of(country: Country) -> NationalNode | None:
    """The country's node, None when it has none yet (no query after :func:`party_for_node`)."""
    try:
        return country.national_node
    except NationalNode.DoesNotExist:
        return None


def published_news(node: NationalNode) -> QuerySet[NodeNewsItem]:
    """The node's news already published (a later ``published_at`` waits), newest first."""
    return node.news.filter(published_at__lte=timezone.now()).order_by("-published_at", "-pk")


def public_requests_of(country: Country) -> QuerySet:
    """The country's requests in the public registry, newest first (the registry's own list:
    published or further, never restricted ones nor drafts), without the registry's prefetches."""
    return need_registry_list().filter(country=country).prefetch_related(None)


def agreed_public_matches_of(country: Country) -> QuerySet[Match]:
    """Matches agreed (or completed) on the country's public requests: counted, never listed
    (who is matched with whom is between the two sides and the help desk)."""
    return match_queryset().filter(
        need__in=public_requests_of(country).values("pk"), status__in=AGREED_MATCH_STATUSES
    )


def public_projects_of(country: Country) -> QuerySet:
    """The country's pilot projects that anyone may see (as the public projects list shows
    them to a visitor: of a public request, not cancelled), newest first."""
    return (
        project_list(user=AnonymousUser())
        .filter(match__need__country=country)
        .prefetch_related(None)
    )


def opportunity_filters(country: Country) -> QueryDict:
    """The opportunities list's parameters for "open now, and open to ``country``"."""
    query = QueryDict(mutable=True)
    query.update({"eligible_country": country.code, "open": "true"})
    return query


def open_opportunities_for(country: Country) -> QuerySet:
    """Public opportunities open for applications now that ``country`` may benefit from (it is
    eligible by name, region or country group, or they are open to all), nearest deadline
    first: the partners' opportunities list filtered by its own FilterSet, so both agree."""
    filterset = OpportunityFilterSet(
        opportunity_filters(country), queryset=opportunities_for_list()
    )
    if not filterset.is_valid():  # the country's code is always valid; stay on the safe side
        return opportunities_for_list().none()
    return filterset.qs.prefetch_related(None).order_by("deadline", "pk")


@dataclass(frozen=True)
class FocalPointEntry:
    """A focal point as the public page shows them: the name they gave, and the kind."""

    name: str
    kind: str
    kind_label: Any


def public_focal_points(country: Country) -> list[FocalPointEntry]:
    """The country's active focal points, by kind: only their names (the full name they gave;
    empty when they gave none), never their email addresses. One query."""
    return [
        FocalPointEntry(
            name=focal_point.user.full_name,
            kind=focal_point.kind,
            kind_label=focal_point.get_kind_display(),
        )
        for focal_point in focal_points_of_country(country=country)
    ]


@dataclass
class NodePageData:
    """Everything a node's page, its API and its feed show of one Party."""

    country: Country
    node: NationalNode | None
    is_published: bool
    level: int
    level_label: Any
    support_action: Any
    national_chm_url: str
    support_requested: str
    profile_updated_at: Any
    focal_points: list[FocalPointEntry]
    support_types: list = field(default_factory=list)
    institutions: list = field(default_factory=list)
    news: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    requests_count: int = 0
    matches_count: int = 0
    projects: list = field(default_factory=list)
    projects_count: int = 0
    opportunities: list = field(default_factory=list)
    opportunities_count: int = 0


def node_page_data(country: Country, *, limit: int = RECORDS_ON_PAGE) -> NodePageData:
    """One Party's node page for ``country`` from :func:`party_for_node`: what its focal points
    published (nothing of an unpublished node) and the public records about it, ``limit`` of
    each with their counts. A fixed number of queries (about fifteen) whatever the records."""
    node = node_of(country)
    is_published = bool(node and node.is_published)
    level = MaturityLevel(country.level)
    data = NodePageData(
        country=country,
        node=node,
        is_published=is_published,
        level=level.value,
        level_label=level.label,
        support_action=MATURITY_SUPPORT_ACTIONS[level],
        national_chm_url=country.national_chm_url,
        support_requested=country.support_requested,
        profile_updated_at=country.profile_updated_at,
        focal_points=public_focal_points(country),
    )
    if is_published:
        data.support_types = list(node.support_types.all())
        data.institutions = list(node.institutions.all())
        data.news = list(published_news(node)[:NEWS_ON_PAGE])
    requests = public_requests_of(country)
    data.requests = list(requests[:limit])
    data.requests_count = requests.count()
    data.matches_count = agreed_public_matches_of(country).count()
    projects = public_projects_of(country)
    data.projects = list(projects[:limit])
    data.projects_count = projects.count()
    opportunities = open_opportunities_for(country)
    data.opportunities = list(opportunities[:limit])
    data.opportunities_count = opportunities.count()
    return data


# --- The node's feed ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedEntry:
    """One entry of a node's feed: a piece of news or a new public record about the country."""

    kind: str  # "news", "request", "project"
    key: str  # stable and unique within the feed, for the entry's permanent id
    title: str
    description: str
    path: str | None  # the entry's page on the portal, if it has one
    link: str  # where the entry points (a news item's own link, else its page)
    published: Any
    created: Any


def node_feed_entries(country: Country, *, limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """The node's latest published news (when the node is published), public requests and
    public projects of ``country``, newest first, ``limit`` in all: three queries."""
    node = node_of(country)
    entries: list[FeedEntry] = []
    if node is not None and node.is_published:
        node_path = reverse("monitoring:node", args=[country.code])
        for item in published_news(node)[:limit]:
            entries.append(
                FeedEntry(
                    kind="news",
                    key=f"node-news-{item.pk}",
                    title=item.title,
                    description=item.body,
                    path=f"{node_path}#news-{item.pk}",
                    link=item.link,
                    published=item.published_at,
                    created=item.created_at,
                )
            )
    for need in public_requests_of(country)[:limit]:
        entries.append(
            FeedEntry(
                kind="request",
                key=need.reference,
                title=need.title,
                description=need.problem_statement,
                path=reverse("needs:detail", args=[need.reference]),
                link="",
                published=need.published_at,
                created=need.created_at,
            )
        )
    for project in public_projects_of(country)[:limit]:
        entries.append(
            FeedEntry(
                kind="project",
                key=project.reference,
                title=project.title,
                description=project.objectives,
                path=reverse("matchmaking:project_detail", args=[project.pk]),
                link="",
                published=project.created_at,
                created=project.created_at,
            )
        )
    entries.sort(key=lambda entry: entry.published or entry.created, reverse=True)
    return entries[:limit]
