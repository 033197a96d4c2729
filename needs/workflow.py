"""The status workflow of a request for assistance: which action leads from which status to which.

Services consult :data:`TRANSITIONS`; pages and the admin use :func:`allowed_actions` to offer only
what is possible now.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Need, NeedEvent

S = Need.Status
A = NeedEvent.Action

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    A.SUBMITTED: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.CLARIFICATION_ANSWERED: (frozenset({S.CLARIFICATION_REQUESTED}), S.SUBMITTED),
    A.TRIAGE_STARTED: (frozenset({S.SUBMITTED}), S.IN_TRIAGE),
    A.CLARIFICATION_REQUESTED: (frozenset({S.SUBMITTED, S.IN_TRIAGE}), S.CLARIFICATION_REQUESTED),
    A.PUBLISHED: (frozenset({S.SUBMITTED, S.IN_TRIAGE}), S.PUBLISHED),
    A.REJECTED: (
        frozenset({S.SUBMITTED, S.IN_TRIAGE, S.CLARIFICATION_REQUESTED}),
        S.REJECTED,
    ),
    A.MARKED_DUPLICATE: (
        frozenset({S.SUBMITTED, S.IN_TRIAGE, S.CLARIFICATION_REQUESTED, S.PUBLISHED}),
        S.DUPLICATE,
    ),
    A.WITHDRAWN: (
        frozenset({S.DRAFT, S.SUBMITTED, S.IN_TRIAGE, S.CLARIFICATION_REQUESTED, S.PUBLISHED}),
        S.WITHDRAWN,
    ),
    A.MATCHED: (frozenset({S.PUBLISHED}), S.MATCHED),
    A.REOPENED: (frozenset({S.MATCHED}), S.PUBLISHED),
    A.STARTED: (frozenset({S.MATCHED}), S.IN_PROGRESS),
    A.FULFILLED: (frozenset({S.IN_PROGRESS}), S.FULFILLED),
}

# Requests waiting for the help desk's decision; past its commitment they are overdue.
AWAITING_HELPDESK = frozenset({S.SUBMITTED, S.IN_TRIAGE})

# Actions the help desk takes; the others are the requester's (or the matchmaking's).
HELPDESK_ACTIONS = frozenset(
    {A.TRIAGE_STARTED, A.CLARIFICATION_REQUESTED, A.PUBLISHED, A.REJECTED, A.MARKED_DUPLICATE}
)
REQUESTER_ACTIONS = frozenset({A.SUBMITTED, A.CLARIFICATION_ANSWERED, A.WITHDRAWN})


class TransitionNotAllowed(Exception):
    """The request is not in a status from which the action is possible (anymore)."""

    def __init__(self, *, need: Need, action: str):
        self.need = need
        self.action = action
        super().__init__(
            _(
                "“%(action)s” is not possible for %(reference)s: it is now “%(status)s”. "
                "Reload the page to see its current state."
            )
            % {
                "action": A(action).label,
                "reference": need.reference,
                "status": need.get_status_display(),
            }
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


# --- The help desk's commitment: a decision within HELPDESK_RESPONSE_WORKING_DAYS -------------
def _shift_working_days(moment: datetime, days: int, step: timedelta) -> datetime:
    current = moment
    remaining = days
    while remaining > 0:
        current += step
        if current.weekday() < 5:
            remaining -= 1
    return current


def working_days_before(moment: datetime, days: int) -> datetime:
    """The moment ``days`` working days (Monday to Friday) before ``moment``."""
    return _shift_working_days(moment, days, timedelta(days=-1))


def working_days_after(moment: datetime, days: int) -> datetime:
    """The moment ``days`` working days (Monday to Friday) after ``moment``."""
    return _shift_working_days(moment, days, timedelta(days=1))


def overdue_cutoff(now: datetime | None = None) -> datetime:
    """Requests submitted before this moment have waited past the help desk's commitment."""
    return working_days_before(now or timezone.now(), settings.HELPDESK_RESPONSE_WORKING_DAYS)


def helpdesk_response_due(need: Need) -> date | None:
    """The day by which the help desk commits to decide on a request it has not decided on."""
    if need.status not in AWAITING_HELPDESK or need.submitted_at is None:
        return None
    submitted = timezone.localtime(need.submitted_at)
    return working_days_after(submitted, settings.HELPDESK_RESPONSE_WORKING_DAYS).date()
