"""Object permissions of the Bio-Bridge workflow (django-rules), autodiscovered at start-up.

The three sides of a match:

- the **requester side**: the owners of its request (``needs.rules.is_need_owner``: the focal
  points of the request's country and the person who created it);
- the **provider side**: the members of the offer's organisation, who see a match only once it
  was proposed to them (a requester's interest stays between the requester and the help desk);
- the **help desk** (and site administrators), who see and steer everything.

Objects: a :class:`~matchmaking.models.Match` (with ``need`` and ``offer`` loaded, as the
selectors give them), or a ``needs.Need`` for ``express_interest``, ``view_suggestions`` and
``propose_match``. Whether the status still allows an action is the workflow's question
(``matchmaking/workflow.py``), answered with ``TransitionNotAllowed`` (409 in the API).

Pilot projects are in ``rules_projects``, loaded below.
"""

import rules

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin, organisation_roles
from needs.rules import is_need_owner

from . import rules_projects  # noqa: F401  (registers the projects' permissions)
from .models import Match
from .workflow import REQUESTER_WITHDRAWABLE


def _is_match(obj) -> bool:
    return isinstance(obj, Match)


@rules.predicate
def is_requester_side(user, match) -> bool:
    """The person is an owner of the match's request (focal point of its country, creator)."""
    return _is_match(match) and bool(is_need_owner(user, match.need))


@rules.predicate
def is_provider_member(user, match) -> bool:
    """The person is a member (any role) of the organisation providing the match's offer."""
    if not _is_match(match) or not user.is_authenticated:
        return False
    return match.offer.provider_id in organisation_roles(user)


@rules.predicate
def was_proposed(user, match) -> bool:
    """The match reached the provider (an interest never proposed stays with the help desk)."""
    return _is_match(match) and match.proposed_at is not None


@rules.predicate
def is_requester_withdrawable(user, match) -> bool:
    return _is_match(match) and match.status in REQUESTER_WITHDRAWABLE


rules.add_perm(
    "matchmaking.view_match",
    is_helpdesk_or_site_admin | is_requester_side | (is_provider_member & was_proposed),
)
rules.add_perm("matchmaking.propose_match", is_helpdesk_or_site_admin)
rules.add_perm("matchmaking.respond_match", is_provider_member & was_proposed)
rules.add_perm("matchmaking.confirm_match", is_requester_side)
rules.add_perm(
    "matchmaking.withdraw_match",
    is_helpdesk_or_site_admin | (is_requester_side & is_requester_withdrawable),
)
# Closing a match when its project ends: the portal itself (no person), either side or the help
# desk (through ``services.projects``).
rules.add_perm(
    "matchmaking.complete_match",
    is_helpdesk_or_site_admin | is_requester_side | is_provider_member,
)
# On a request: its owners express interest in an offer; they and the help desk see its
# suggestions and matches.
rules.add_perm("matchmaking.express_interest", is_need_owner)
rules.add_perm("matchmaking.view_suggestions", is_need_owner | is_helpdesk_or_site_admin)
