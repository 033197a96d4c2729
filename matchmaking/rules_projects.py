"""Object permissions of pilot projects, their reports, evaluations and stories (django-rules).

A project has two sides, those of the match that launched it:

- the **requester** side: the owners of the request (``needs.rules.is_need_owner``: the focal
  points of its country and the person who created it);
- the **provider** side: the members (any role) of the organisation that made the offer.

The help desk does everything. The public sees the projects of public requests (published or
further along, not restricted) that were not cancelled, but only their public part: title,
objectives, status, dates, country, provider and targets. Budget, the signed agreement, progress
reports and evaluations are for the two sides and the help desk (``view_project_private``).

Predicates accept a :class:`~matchmaking.models.Project`, a
:class:`~matchmaking.models.SuccessStory` (its project) or, for launching, a
:class:`~matchmaking.models.Match`. Lists load ``match__need`` and ``match__offer`` with the
project, so checking a permission on every row costs no query (roles are cached on the user).
"""

from __future__ import annotations

import rules

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin, is_organisation_member
from needs.models import PUBLIC_STATUSES as NEED_PUBLIC_STATUSES
from needs.models import Need
from needs.rules import is_need_owner

from .models import Match, MatchingWorkshop, Project, ProjectEvaluation, SuccessStory

Side = ProjectEvaluation.Side


def match_of(obj) -> Match | None:
    """The match behind a project, a story or a match itself."""
    if isinstance(obj, Match):
        return obj
    if isinstance(obj, SuccessStory):
        obj = obj.project
    if isinstance(obj, Project):
        return obj.match
    return None


def project_of(obj) -> Project | None:
    if isinstance(obj, SuccessStory):
        return obj.project
    return obj if isinstance(obj, Project) else None


@rules.predicate
def is_requester_side(user, obj) -> bool:
    """The person speaks for the request: focal point of its country, or its creator."""
    match = match_of(obj)
    return match is not None and is_need_owner.test(user, match.need)


@rules.predicate
def is_provider_side(user, obj) -> bool:
    """The person is a member of the organisation that provides the offer."""
    match = match_of(obj)
    return match is not None and is_organisation_member.test(user, match.offer)


is_project_side = is_requester_side | is_provider_side


def need_is_public(need: Need) -> bool:
    return need.status in NEED_PUBLIC_STATUSES and need.visibility == Need.Visibility.PUBLIC


@rules.predicate
def is_public_project(user, obj) -> bool:
    """The project of a public request, not cancelled: its public part is shown to everyone."""
    project = project_of(obj)
    return (
        project is not None
        and project.status != Project.Status.CANCELLED
        and need_is_public(project.match.need)
    )


@rules.predicate
def is_published_story(user, obj) -> bool:
    return isinstance(obj, SuccessStory) and obj.status == SuccessStory.Status.PUBLISHED


@rules.predicate
def is_public_workshop_event(user, obj) -> bool:
    """The workshop's event is public (published or closed, by an approved organisation)."""
    return isinstance(obj, MatchingWorkshop) and obj.event.is_public


def sides_of(user, project: Project) -> list[str]:
    """The sides ``user`` may act for on ``project`` (the help desk: both)."""
    if is_helpdesk_or_site_admin(user):
        return [Side.REQUESTER, Side.PROVIDER]
    sides = []
    if is_requester_side(user, project):
        sides.append(Side.REQUESTER)
    if is_provider_side(user, project):
        sides.append(Side.PROVIDER)
    return sides


staff = is_helpdesk_or_site_admin

# Launching: the object is the agreed match.
rules.add_perm("matchmaking.launch_project", is_project_side | staff)
# Projects.
rules.add_perm("matchmaking.view_project", is_public_project | is_project_side | staff)
rules.add_perm("matchmaking.view_project_private", is_project_side | staff)
rules.add_perm("matchmaking.change_project", is_project_side | staff)
rules.add_perm("matchmaking.report_project", is_project_side | staff)
rules.add_perm("matchmaking.evaluate_project", is_project_side | staff)
rules.add_perm("matchmaking.evaluate_project_requester", is_requester_side | staff)
rules.add_perm("matchmaking.evaluate_project_provider", is_provider_side | staff)
rules.add_perm("matchmaking.delete_project", rules.always_deny)
# Success stories: either side drafts and publishes; only the help desk takes one down.
rules.add_perm(
    "matchmaking.view_successstory",
    (is_published_story & is_public_project) | is_project_side | staff,
)
rules.add_perm("matchmaking.change_successstory", is_project_side | staff)
rules.add_perm("matchmaking.publish_successstory", is_project_side | staff)
rules.add_perm("matchmaking.unpublish_successstory", staff)
# Matchmaking workshops are recorded by the help desk; their page is public with the event.
rules.add_perm("matchmaking.view_matchingworkshop", is_public_workshop_event | staff)
rules.add_perm("matchmaking.change_matchingworkshop", staff)
