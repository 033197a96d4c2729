"""The status workflow of a match (the Bio-Bridge workflow): which action leads from which status
to which, and who may take it.

interest (the requester asked the help desk) → proposed (to the provider) → accepted (by the
provider, with a contact person) → agreed (confirmed by the requester) → completed (its project
ended); or declined by the provider, or withdrawn (by the help desk while open, by the requester
before the provider answered).

Services consult :data:`TRANSITIONS`; pages, the API and the admin use :func:`allowed_actions` to
offer only what is possible now.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Match, MatchEvent

S = Match.Status
A = MatchEvent.Action

# action -> (statuses it may start from, status it leads to). A match is created in "interest"
# (the requester's interest) or in "proposed" (by the help desk): see services.matches.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    A.PROPOSED: (frozenset({S.INTEREST}), S.PROPOSED),
    A.ACCEPTED: (frozenset({S.PROPOSED}), S.ACCEPTED),
    A.DECLINED: (frozenset({S.PROPOSED}), S.DECLINED),
    A.AGREED: (frozenset({S.ACCEPTED}), S.AGREED),
    A.WITHDRAWN: (frozenset(Match.OPEN_STATUSES), S.WITHDRAWN),
    A.COMPLETED: (frozenset({S.AGREED}), S.COMPLETED),
}

# The requester may withdraw until the provider has answered; the help desk while it is open.
REQUESTER_WITHDRAWABLE = frozenset({S.INTEREST, S.PROPOSED})
# Matches that ended: nothing more happens to them.
CLOSED_STATUSES = frozenset({S.COMPLETED, S.DECLINED, S.WITHDRAWN})

# Who takes each action (pages show the buttons of the viewer's side only).
HELPDESK_ACTIONS = frozenset({A.PROPOSED, A.WITHDRAWN})
PROVIDER_ACTIONS = frozenset({A.ACCEPTED, A.DECLINED})
REQUESTER_ACTIONS = frozenset({A.AGREED, A.WITHDRAWN})


class TransitionNotAllowed(Exception):
    """The match is not in a status from which the action is possible (anymore): someone else
    acted first. The API answers 409; pages ask the person to reload."""

    def __init__(self, *, match: Match, action: str):
        self.match = match
        self.action = action
        super().__init__(
            _(
                "“%(action)s” is not possible for this match: it is now “%(status)s”. "
                "Reload the page to see its current state."
            )
            % {"action": A(action).label, "status": match.get_status_display()}
        )


def target_status(action: str) -> str:
    return TRANSITIONS[action][1]


def can_transition(status: str, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def allowed_actions(status: str, *, actions: frozenset[str] | None = None) -> list[str]:
    """The actions possible from ``status``, optionally among ``actions`` only."""
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if status in sources and (actions is None or action in actions)
    ]


def uses_capacity(status: str) -> bool:
    """The match holds one of the offer's places (``Offer.max_concurrent_requests``)."""
    return status in Match.CAPACITY_STATUSES
