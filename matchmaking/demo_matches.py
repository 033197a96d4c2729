"""Demo matches in every state of the Bio-Bridge workflow (``manage.py seed_demo``). Idempotent.

Run by ``matchmaking/demo.py`` after the suggestions of the demo requests were computed. Each
scenario takes a published demo request (``needs/demo.py``) and an offer of one of the three demo
organisations whose members sign in (``partners/demo.py``: the demo partner administrator and
editor), preferring the request's best stored suggestion among those offers, and walks the
workflow through the services as the people would, so the history, timestamps and the requests'
own statuses are the real thing:

==========  =====================================================================
interest    the Kenyan focal point is interested in a suggestion
agreed      ... and another offer for the same request is agreed (it stays matched)
proposed    the help desk proposes a request to a provider
accepted    ... and the provider accepts, naming a contact person
agreed      ... and the requester side confirms (the request becomes "matched")
completed   ... and the match is closed as its project ended
declined    the provider declines a proposal, with a reason
withdrawn   a requester's interest the help desk withdraws, with a reason
==========  =====================================================================

A scenario that ran already (a match of its request carries its note) is skipped, so running the
seed again changes nothing.
History is spread over the past weeks, and demo events count as notified: seeding sends no
email and fills no inbox about made-up history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from needs.models import Need
from partners.models import Offer

from .models import Match, MatchEvent, Suggestion
from .selectors.matches import offer_places_taken, offers_open_to_requests
from .services import matches as services

SOURCE = "demo"
S = Match.Status
# The organisations whose members are demo people (partners/demo.py DEMO_ORGANISATIONS).
DEMO_PROVIDERS = (
    "Biodiversity Capacity Network",
    "Institute for Island Ecosystems",
    "Andean Conservation Fund",
)


@dataclass(frozen=True)
class Scenario:
    """A demo request taken to ``status``; its history spread from ``age`` to ``last`` days
    ago."""

    need_key: str
    status: str
    age: int
    last: int
    note: str = ""


SCENARIOS = (
    Scenario(
        "DEMO-KE-01",
        S.INTEREST,
        6,
        6,
        "We would like to discuss field training for county officers with this provider.",
    ),
    # A second offer for the same Kenyan request, agreed: the request stays "matched" (the
    # pilot projects' demo launches projects from the other agreed matches).
    Scenario(
        "DEMO-KE-01",
        S.AGREED,
        45,
        10,
        "A training partner that already works with Kenyan county officers.",
    ),
    Scenario(
        "DEMO-SN-01",
        S.PROPOSED,
        12,
        9,
        "The offer covers the request's targets and is delivered in French.",
    ),
    Scenario(
        "DEMO-FJ-01",
        S.ACCEPTED,
        30,
        4,
        "An island partner with experience of invasive species on small islands.",
    ),
    Scenario(
        "DEMO-PE-01",
        S.AGREED,
        60,
        20,
        "Proposed after the Andean roundtable: co-financing is available.",
    ),
    Scenario(
        "DEMO-HT-01",
        S.COMPLETED,
        300,
        15,
        "A network of trainers that has worked in the Caribbean before.",
    ),
    Scenario(
        "DEMO-KE-04",
        S.DECLINED,
        40,
        33,
        "The offer's mentoring programme matches the request's objectives.",
    ),
    Scenario(
        "DEMO-BT-01",
        S.WITHDRAWN,
        25,
        18,
        "Interested in the mountain ecosystems component of this offer.",
    ),
)


def _user(local_part: str) -> User:
    return User.objects.get(email__iexact=demo_email(local_part))


def _offer_for(need: Need, *, used: set[int]) -> Offer | None:
    """The best offer of the demo providers for ``need``: its best stored suggestion among
    them, else their first open offer with a place left; one no other scenario uses if there is
    one (the demo providers have few offers, so they may serve two requests)."""
    candidates = offers_open_to_requests().filter(provider__name__in=DEMO_PROVIDERS)
    taken = offer_places_taken(candidates.values("pk"))

    def has_place(offer: Offer) -> bool:
        places = offer.max_concurrent_requests
        return places is None or taken.get(offer.pk, 0) < places

    suggested = [
        suggestion.offer
        for suggestion in Suggestion.objects.filter(need=need, offer__in=candidates.values("pk"))
        .select_related("offer", "offer__provider")
        .order_by("rank")
    ]
    others = list(candidates.select_related("provider").order_by("pk"))
    paired = set(
        Match.objects.filter(need=need, status__in=Match.OPEN_STATUSES).values_list(
            "offer_id", flat=True
        )
    )
    ranked = [
        offer for offer in [*suggested, *others] if has_place(offer) and offer.pk not in paired
    ]
    unused = [offer for offer in ranked if offer.pk not in used]
    return (unused or ranked or [None])[0]


def _member_of(offer: Offer) -> User:
    """The demo person answering for the offer's organisation (its administrator)."""
    return User.objects.filter(
        organisation_memberships__organisation_id=offer.provider_id,
        email__iexact=demo_email("partner.admin"),
    ).get()


def _owner_of(need: Need) -> User:
    """Who acts for the requester side: the request's author (a focal point, or the help desk
    that wrote it on the country's behalf)."""
    return need.created_by


def _play(scenario: Scenario, need: Need, offer: Offer, *, helpdesk: User) -> Match:
    """Walk ``need`` and ``offer`` through the workflow up to the scenario's status."""
    status = scenario.status
    requester = _owner_of(need)
    if status in (S.INTEREST, S.WITHDRAWN):
        match = services.match_express_interest(
            need=need, offer=offer, by=requester, note=scenario.note
        )
        if status == S.WITHDRAWN:
            services.match_withdraw(
                match=match,
                by=helpdesk,
                reason="The provider's mountain programme is closed for this year; the help "
                "desk will suggest another partner.",
            )
        return match
    match = services.match_propose(need=need, offer=offer, by=helpdesk, message=scenario.note)
    if status == S.PROPOSED:
        return match
    provider = _member_of(offer)
    if status == S.DECLINED:
        return services.match_decline(
            match=match,
            by=provider,
            reason="Our trainers are fully booked until next year; we suggest asking again then.",
        )
    services.match_accept(
        match=match,
        by=provider,
        contact_name="Xavier Dupont",
        contact_email=demo_email("partner.admin"),
        message="We can start with a scoping call next month.",
    )
    if status == S.ACCEPTED:
        return match
    services.match_confirm(match=match, by=requester)
    if status == S.COMPLETED:
        services.match_complete(match=match, by=None, note="The pilot project ended.")
    return match


def _played(scenario: Scenario, need: Need) -> bool:
    """The scenario ran already: a match of its request carries its note."""
    return (
        Match.objects.filter(need=need)
        .filter(Q(interest_note=scenario.note) | Q(proposal_message=scenario.note))
        .exists()
    )


def _backdate(match: Match, *, age: int, last: int) -> None:
    """Spread the match's history from ``age`` to ``last`` days ago, and count it notified."""
    now = timezone.now()
    events = list(match.events.order_by("pk"))
    first, final = now - timedelta(days=age), now - timedelta(days=last)
    # A match starts after its request was published (the dashboards measure the delay).
    published = match.need.published_at or match.need.submitted_at
    if published and first <= published:
        first = min(published + timedelta(days=1), now)
        final = max(final, min(first + timedelta(days=1), now))
    step = (final - first) / max(len(events) - 1, 1)
    moments = {event.pk: first + step * index for index, event in enumerate(events)}
    for event in events:
        MatchEvent.objects.filter(pk=event.pk).update(
            created_at=moments[event.pk], notified_at=moments[event.pk]
        )

    def moment_of(action: str):
        found = [moments[event.pk] for event in events if event.action == action]
        return found[-1] if found else None

    A = MatchEvent.Action
    Match.objects.filter(pk=match.pk).update(
        created_at=first,
        status_changed_at=final,
        proposed_at=moment_of(A.PROPOSED),
        responded_at=moment_of(A.ACCEPTED) or moment_of(A.DECLINED),
        agreed_at=moment_of(A.AGREED),
    )


def seed(*, log: Callable[[str], None]) -> None:
    helpdesk = _user("helpdesk")
    created = 0
    skipped = []
    used = set(
        Match.objects.filter(status__in=Match.OPEN_STATUSES).values_list("offer_id", flat=True)
    )
    for scenario in SCENARIOS:
        need = (
            Need.objects.select_related("country", "created_by")
            .filter(source=SOURCE, external_id=scenario.need_key)
            .first()
        )
        if need is None or _played(scenario, need):
            continue
        if need.status != Need.Status.PUBLISHED:
            skipped.append(scenario.need_key)
            continue
        offer = _offer_for(need, used=used)
        if offer is None:
            skipped.append(scenario.need_key)
            continue
        used.add(offer.pk)
        match = _play(scenario, need, offer, helpdesk=helpdesk)
        _backdate(match, age=scenario.age, last=scenario.last)
        created += 1
    # Demo history is made up: nothing of it is sent (the notification tasks run after commit
    # and find every event already notified).
    MatchEvent.objects.filter(match__need__source=SOURCE, notified_at__isnull=True).update(
        notified_at=F("created_at")
    )
    statuses = sorted(
        set(Match.objects.filter(need__source=SOURCE).values_list("status", flat=True))
    )
    log(
        f"matches: {Match.objects.filter(need__source=SOURCE).count()} demo matches "
        f"({created} new) in statuses {', '.join(statuses)}"
        + (f"; skipped {', '.join(skipped)}" if skipped else "")
    )
