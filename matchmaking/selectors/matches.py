"""Reads of the Bio-Bridge workflow: matches each person may see, the provider's proposals, a
request's matches, a match's history, the offers' places taken, and who is told of each step.

Every list selects what its pages and API show (request, country, offer, provider, workshop),
so that pages cost a constant number of queries whatever their length.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import (
    focal_point_country_ids,
    is_helpdesk_or_site_admin,
    organisation_roles,
)
from chm_portal.accounts.roles import HELPDESK_GROUP
from needs.models import Need
from partners.models import Offer, RecordStatus

from ..models import Match, MatchEvent

__all__ = [
    "helpdesk_members",
    "match_detail_queryset",
    "match_history",
    "match_history_for_need",
    "match_list_for_need",
    "match_list_for_user",
    "match_queryset",
    "offer_places_taken",
    "offers_open_to_requests",
    "proposals_for_provider",
    "provider_members",
    "requester_accounts",
]


# --- Offers -----------------------------------------------------------------------------------
def offers_open_to_requests() -> QuerySet[Offer]:
    """Offers a request may be matched with: published (not paused or closed), of an approved
    organisation; the same offers the engine suggests."""
    return Offer.objects.public().filter(status=RecordStatus.PUBLISHED)


def offer_places_taken(offer_ids: Iterable[int] | QuerySet) -> dict[int, int]:
    """``{offer pk: matches using one of its places}`` (``Match.CAPACITY_STATUSES``), for the
    offers of ``offer_ids``; offers with none are left out. One aggregate query."""
    rows = (
        Match.objects.filter(offer_id__in=offer_ids, status__in=Match.CAPACITY_STATUSES)
        .order_by()
        .values("offer_id")
        .annotate(taken=Count("pk"))
        .values_list("offer_id", "taken")
    )
    return dict(rows)


# --- Matches ----------------------------------------------------------------------------------
def match_queryset() -> QuerySet[Match]:
    """Matches with what every list shows of them and what the permission rules read."""
    return Match.objects.select_related(
        "need",
        "need__country",
        "offer",
        "offer__provider",
        "workshop",
        "workshop__event",
    ).order_by("-created_at", "-pk")


def match_detail_queryset() -> QuerySet[Match]:
    """As :func:`match_queryset`, with the people named on a match's page."""
    return match_queryset().select_related(
        "created_by", "proposed_by", "responded_by", "confirmed_by"
    )


def _visible_to(user) -> Q | None:
    """The matches ``user`` may see (``matchmaking.view_match``) as a filter; None for all."""
    if is_helpdesk_or_site_admin(user):
        return None
    visible = Q(pk__in=[])
    if not user.is_authenticated:
        return visible
    countries = focal_point_country_ids(user)
    if countries:
        visible |= Q(need__country_id__in=countries)
    visible |= Q(need__created_by=user)
    organisations = list(organisation_roles(user))
    if organisations:
        visible |= Q(offer__provider_id__in=organisations, proposed_at__isnull=False)
    return visible


def match_list_for_user(*, user) -> QuerySet[Match]:
    """Every match ``user`` may see: all for the help desk; a requester's side the matches of
    their requests; a provider's members the matches proposed to their organisations."""
    visible = _visible_to(user)
    matches = match_queryset()
    return matches if visible is None else matches.filter(visible)


def proposals_for_provider(*, user, status: str | None = None) -> QuerySet[Match]:
    """The provider's inbox: matches proposed to the organisations ``user`` is a member of
    (never a requester's interest the help desk has not proposed), newest proposal first."""
    organisations = list(organisation_roles(user))
    matches = (
        match_queryset()
        .filter(offer__provider_id__in=organisations, proposed_at__isnull=False)
        .order_by("-proposed_at", "-pk")
    )
    if status:
        matches = matches.filter(status=status)
    return matches


def match_list_for_need(*, need: Need) -> QuerySet[Match]:
    """The matches of a request, newest first (for its requester side and the help desk)."""
    return match_queryset().filter(need=need)


def match_history(*, match: Match) -> QuerySet[MatchEvent]:
    """A match's history, oldest first, with who acted."""
    return (
        MatchEvent.objects.filter(match=match).select_related("actor").order_by("created_at", "pk")
    )


def match_history_for_need(*, need: Need, limit: int = 100) -> list[MatchEvent]:
    """The latest ``limit`` steps of all the matches of a request, oldest first, with who acted
    and the offer concerned (one query)."""
    events = (
        MatchEvent.objects.filter(match__need=need)
        .select_related("actor", "match__offer", "match__offer__provider")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(events))


# --- Who is told ------------------------------------------------------------------------------
def helpdesk_members() -> QuerySet[User]:
    """Active members of the help desk: their inboxes get what the help desk's address gets."""
    return (
        User.objects.filter(is_active=True, groups__name=HELPDESK_GROUP).distinct().order_by("pk")
    )


def provider_members(*, organisation_id: int) -> QuerySet[User]:
    """Active members (any role) of a provider organisation."""
    return User.objects.filter(
        is_active=True, organisation_memberships__organisation_id=organisation_id
    ).order_by("pk")


def requester_accounts(*, need: Need, extra: Iterable[User | None] = ()) -> list[User]:
    """The accounts that speak for a request: its creator, the account of its contact address,
    and ``extra`` people (who expressed interest, say); active ones, each once."""
    people: dict[int, User] = {}
    candidates = [need.created_by, *extra]
    contact = (need.contact_email or "").strip()
    if contact:
        candidates.append(User.objects.filter(email__iexact=contact, is_active=True).first())
    for person in candidates:
        if person is not None and person.is_active and person.pk not in people:
            people[person.pk] = person
    return list(people.values())
