"""Writes of the Bio-Bridge workflow: one function per step of a match.

Each function runs in a transaction, locks the match's row (``select_for_update``), checks that
the match is still in the status the caller saw (else :class:`~matchmaking.workflow
.TransitionNotAllowed`: someone acted first, reload), checks the person's permission
(``matchmaking/rules.py``), changes, and writes one :class:`~matchmaking.models.MatchEvent`. The
event is the outbox of the notifications: emails and inbox messages go after commit
(``notifications_matches.py``; a periodic sweep retries what the broker lost).

When a match starts or stops holding one of the offer's places (``Match.CAPACITY_STATUSES``) the
offer's suggestions are marked for recomputation, since its remaining capacity changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.core.background import enqueue_after_commit
from chm_portal.core.validators import validate_no_markup
from needs import services as need_services
from needs.models import Need
from partners.models import Offer

from ..models import Match, MatchEvent, MatchingWorkshop, Suggestion
from ..selectors.matches import offer_places_taken, offers_open_to_requests
from ..workflow import TRANSITIONS, TransitionNotAllowed, can_transition, uses_capacity
from .suggestions import suggestions_request_refresh

__all__ = [
    "MATCHABLE_NEED_STATUSES",
    "match_accept",
    "match_complete",
    "match_confirm",
    "match_decline",
    "match_express_interest",
    "match_propose",
    "match_withdraw",
]

A = MatchEvent.Action
S = Match.Status

# Requests that may get new matches: published, open for matching.
MATCHABLE_NEED_STATUSES = (Need.Status.PUBLISHED,)
# Requests whose open matches may still be agreed (a request matched with one offer may take a
# second one; a withdrawn or closed request may not).
ACTIVE_NEED_STATUSES = (Need.Status.PUBLISHED, Need.Status.MATCHED, Need.Status.IN_PROGRESS)


# --- Helpers ----------------------------------------------------------------------------------
def _plain_text(value: str, *, field: str, required: bool = False, message: Any = "") -> str:
    """``value`` stripped; a ValidationError on ``field`` when it holds markup, or is empty
    while ``required``."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    try:
        validate_no_markup(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return value


def _record(
    match: Match,
    *,
    action: str,
    by: User | None,
    from_status: str = "",
    note: str = "",
) -> MatchEvent:
    """One line of history, sent to the people concerned once the transaction commits."""
    event = MatchEvent.objects.create(
        match=match,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=match.status,
        note=note,
    )
    from .. import tasks  # tasks import services for the sweeps; the cycle is resolved at call time

    enqueue_after_commit(tasks.notify_match_event, event.pk)
    return event


def _lock(match: Match, *, action: str) -> Match:
    """The match's row, locked, still in the status the caller saw and allowing ``action``."""
    locked = (
        Match.objects.select_for_update()
        .select_related("need", "offer", "offer__provider")
        .get(pk=match.pk)
    )
    if locked.status != match.status or not can_transition(locked.status, action):
        raise TransitionNotAllowed(match=locked, action=action)
    return locked


def _move(
    match: Match,
    locked: Match,
    *,
    action: str,
    by: User | None,
    note: str = "",
    updates: dict[str, Any] | None = None,
) -> Match:
    """Save the new status (and ``updates``) on the locked row, record the event, and refresh
    the caller's object."""
    now = timezone.now()
    from_status = locked.status
    locked.status = TRANSITIONS[action][1]
    locked.status_changed_at = now
    changed = ["status", "status_changed_at", "updated_at"]
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
        changed.append(name)
    locked.save(update_fields=changed)
    _record(locked, action=action, by=by, from_status=from_status, note=note)
    if uses_capacity(from_status) != uses_capacity(locked.status):
        suggestions_request_refresh(kind="offer", object_id=locked.offer_id)
    for name in changed:
        setattr(match, name, getattr(locked, name))
    return match


def _check_need_matchable(need: Need) -> None:
    if need.status not in MATCHABLE_NEED_STATUSES:
        raise ValidationError(
            {
                "need": _(
                    "Only published requests, open for matching, can be matched; %(reference)s "
                    "is “%(status)s”."
                )
                % {"reference": need.reference, "status": need.get_status_display()}
            }
        )


def _check_offer_open(offer: Offer) -> None:
    if not offers_open_to_requests().filter(pk=offer.pk).exists():
        raise ValidationError(
            {
                "offer": _(
                    "This offer does not take requests now: only published offers of approved "
                    "organisations can be matched."
                )
            }
        )


def _check_no_open_match(need: Need, offer: Offer) -> None:
    if Match.objects.filter(need=need, offer=offer, status__in=Match.OPEN_STATUSES).exists():
        raise ValidationError(_("This request and this offer are already matched: see the match."))


def _suggested(need: Need, offer: Offer) -> Suggestion | None:
    return Suggestion.objects.filter(need=need, offer=offer).only("score", "rank").first()


def _create(match: Match) -> Match:
    """Insert a new open match; the database refuses a second open match of the same pair
    (two people acting at once)."""
    try:
        with transaction.atomic():
            match.full_clean(
                exclude=["need", "offer", "workshop", "created_by", "proposed_by"],
                validate_constraints=False,
            )
            match.save()
    except IntegrityError as error:
        raise ValidationError(
            _("This request and this offer are already matched: see the match.")
        ) from error
    return match


# --- The requester's interest -----------------------------------------------------------------
@transaction.atomic
def match_express_interest(*, need: Need, offer: Offer, by: User, note: str = "") -> Match:
    """The requester side is interested in an offer (a suggestion, usually): the help desk is
    told, and decides whether to propose the match to the provider.

    For the request's owners (``matchmaking.express_interest``), on a published request and an
    offer taking requests, once per open (request, offer) pair.
    """
    if not by.has_perm("matchmaking.express_interest", need):
        raise PermissionDenied(_("Only the request's focal points and author express interest."))
    locked_need = Need.objects.select_for_update().get(pk=need.pk)
    _check_need_matchable(locked_need)
    _check_offer_open(offer)
    note = _plain_text(note, field="note")
    _check_no_open_match(locked_need, offer)
    suggestion = _suggested(locked_need, offer)
    now = timezone.now()
    match = _create(
        Match(
            need=locked_need,
            offer=offer,
            status=S.INTEREST,
            origin=Match.Origin.REQUESTER,
            score=suggestion.score if suggestion else None,
            suggestion_rank=suggestion.rank if suggestion else None,
            interest_note=note,
            created_by=by,
            created_at=now,
            status_changed_at=now,
        )
    )
    _record(match, action=A.INTEREST, by=by, note=note)
    return match


# --- The help desk's proposal -----------------------------------------------------------------
@transaction.atomic
def match_propose(
    *,
    need: Need | None = None,
    offer: Offer | None = None,
    by: User,
    message: str = "",
    workshop: MatchingWorkshop | None = None,
    match: Match | None = None,
) -> Match:
    """The help desk proposes a request to an offer's provider, whose members are told (email
    and inbox) and answer on the portal.

    Either a new match of ``need`` and ``offer`` (its origin: the engine when the offer is among
    the request's suggestions, a ``workshop`` when one produced it, else the help desk), or
    ``match``, a requester's interest, passed on to the provider.
    """
    if not by.has_perm("matchmaking.propose_match", need if match is None else match.need):
        raise PermissionDenied(_("Only the help desk proposes matches."))
    message = _plain_text(message, field="message")
    now = timezone.now()
    updates = {"proposal_message": message, "proposed_by": by, "proposed_at": now}
    if match is not None:
        if (need is not None and need.pk != match.need_id) or (
            offer is not None and offer.pk != match.offer_id
        ):
            raise ValidationError(_("This match pairs another request or offer."))
        locked = _lock(match, action=A.PROPOSED)
        _check_need_matchable(locked.need)
        _check_offer_open(locked.offer)
        if workshop is not None:
            updates["workshop"] = workshop
        return _move(match, locked, action=A.PROPOSED, by=by, note=message, updates=updates)

    if need is None or offer is None:
        raise ValidationError(_("Choose the request and the offer to match."))
    locked_need = Need.objects.select_for_update().get(pk=need.pk)
    _check_need_matchable(locked_need)
    _check_offer_open(offer)
    _check_no_open_match(locked_need, offer)
    suggestion = _suggested(locked_need, offer)
    if workshop is not None:
        origin = Match.Origin.WORKSHOP
    elif suggestion is not None:
        origin = Match.Origin.SUGGESTION
    else:
        origin = Match.Origin.HELPDESK
    match = _create(
        Match(
            need=locked_need,
            offer=offer,
            status=S.PROPOSED,
            origin=origin,
            workshop=workshop,
            score=suggestion.score if suggestion else None,
            suggestion_rank=suggestion.rank if suggestion else None,
            created_by=by,
            created_at=now,
            status_changed_at=now,
            **updates,
        )
    )
    _record(match, action=A.PROPOSED, by=by, note=message)
    return match


# --- The provider's answer --------------------------------------------------------------------
def _check_respond(match: Match, by: User) -> None:
    if not by.has_perm("matchmaking.respond_match", match):
        raise PermissionDenied(_("Only the provider's members answer a proposal."))


@transaction.atomic
def match_accept(
    *,
    match: Match,
    by: User,
    contact_name: str,
    contact_email: str,
    message: str = "",
) -> Match:
    """The provider accepts a proposal and names the person the requester will work with.

    Refused when the offer has no place left: ``Offer.max_concurrent_requests`` (empty: no
    limit) minus the matches holding a place. The offer's row is locked while counting, so two
    acceptances at once cannot both take the last place.
    """
    locked = _lock(match, action=A.ACCEPTED)
    _check_respond(locked, by)
    contact_name = _plain_text(
        contact_name,
        field="provider_contact_name",
        required=True,
        message=_("Name the person the requester will work with."),
    )
    contact_email = (contact_email or "").strip()
    if not contact_email:
        raise ValidationError({"provider_contact_email": _("Give the contact person's email.")})
    try:
        validate_email(contact_email)
    except ValidationError as error:
        raise ValidationError({"provider_contact_email": error.messages}) from error
    message = _plain_text(message, field="provider_message")
    offer = Offer.objects.select_for_update().get(pk=locked.offer_id)
    places = offer.max_concurrent_requests
    if places is not None and offer_places_taken([offer.pk]).get(offer.pk, 0) >= places:
        raise ValidationError(
            _(
                "“%(offer)s” has no place left: it takes %(places)d requests at once. Decline, "
                "or accept once one of its matches has ended."
            )
            % {"offer": offer.title, "places": places}
        )
    return _move(
        match,
        locked,
        action=A.ACCEPTED,
        by=by,
        note=message,
        updates={
            "provider_contact_name": contact_name,
            "provider_contact_email": contact_email,
            "provider_message": message,
            "responded_by": by,
            "responded_at": timezone.now(),
        },
    )


@transaction.atomic
def match_decline(*, match: Match, by: User, reason: str) -> Match:
    """The provider declines a proposal, saying why (the requester and the help desk read it)."""
    locked = _lock(match, action=A.DECLINED)
    _check_respond(locked, by)
    reason = _plain_text(
        reason,
        field="decline_reason",
        required=True,
        message=_("Say why you decline: the requester and the help desk read it."),
    )
    return _move(
        match,
        locked,
        action=A.DECLINED,
        by=by,
        note=reason,
        updates={"decline_reason": reason, "responded_by": by, "responded_at": timezone.now()},
    )


# --- The requester's confirmation -------------------------------------------------------------
@transaction.atomic
def match_confirm(*, match: Match, by: User) -> Match:
    """The requester side confirms an accepted match: it is agreed, and a published request is
    marked matched. A pilot project may then be launched from it."""
    locked = _lock(match, action=A.AGREED)
    if not by.has_perm("matchmaking.confirm_match", locked):
        raise PermissionDenied(_("Only the request's focal points and author confirm a match."))
    need = Need.objects.select_for_update().get(pk=locked.need_id)
    if need.status not in ACTIVE_NEED_STATUSES:
        raise ValidationError(
            _("%(reference)s is “%(status)s”: its matches can no longer be agreed.")
            % {"reference": need.reference, "status": need.get_status_display()}
        )
    now = timezone.now()
    _move(
        match,
        locked,
        action=A.AGREED,
        by=by,
        updates={"confirmed_by": by, "agreed_at": now},
    )
    if need.status == Need.Status.PUBLISHED:
        need_services.need_mark_matched(
            need=need,
            by=by,
            note=str(
                _("Agreed with “%(offer)s” of %(provider)s.")
                % {"offer": locked.offer.title, "provider": locked.offer.provider.name}
            ),
        )
    return match


# --- Ending -------------------------------------------------------------------------------------
@transaction.atomic
def match_withdraw(*, match: Match, by: User, reason: str) -> Match:
    """Withdraw a match: the help desk while it is open, the requester side until the provider
    has answered. The others concerned are told why.

    A request matched through this match alone is reopened for matching.
    """
    locked = _lock(match, action=A.WITHDRAWN)
    if not by.has_perm("matchmaking.withdraw_match", locked):
        raise PermissionDenied(
            _(
                "You cannot withdraw this match: the requester withdraws until the provider "
                "answers, the help desk while it is open."
            )
        )
    reason = _plain_text(
        reason,
        field="withdrawal_reason",
        required=True,
        message=_("Say why the match is withdrawn: the others concerned read it."),
    )
    was_agreed = locked.status == S.AGREED
    _move(
        match, locked, action=A.WITHDRAWN, by=by, note=reason, updates={"withdrawal_reason": reason}
    )
    if was_agreed:
        need = Need.objects.select_for_update().get(pk=locked.need_id)
        others_agreed = (
            Match.objects.filter(need=need, status__in=(S.AGREED, S.COMPLETED))
            .exclude(pk=locked.pk)
            .exists()
        )
        if need.status == Need.Status.MATCHED and not others_agreed:
            need_services.need_reopen(need=need, by=by, note=reason)
    return match


@transaction.atomic
def match_complete(*, match: Match, by: User | None = None, note: str = "") -> Match:
    """The pilot project of an agreed match has ended: the match is completed and frees the
    offer's place. Called by ``services.projects`` (``by`` None: the portal itself)."""
    locked = _lock(match, action=A.COMPLETED)
    if by is not None and not by.has_perm("matchmaking.complete_match", locked):
        raise PermissionDenied(_("You cannot close this match."))
    return _move(match, locked, action=A.COMPLETED, by=by, note=note)
