"""Reads: the matchmaking records monitoring counts (activities 5, 7, 8 and 9 of the action plan;
the portal's delay from a request to its match).

Every function takes the day ``as_of`` and returns the QuerySet of the records as they stood at the
end of that day: dates are compared with ``__lt`` the first instant of the next day, so that their
indexes are used. Monitoring groups and counts them itself (by region, target, year...).

What counts:

- a match is *made* once the requester confirmed it (``agreed_at``), whatever became of it since;
- a project is *launched* when it is created from an agreed match (``created_at``), cancelled since
  or not;
- a pilot project is *implemented successfully* once completed (``completed_at``) unless an
  evaluation submitted by then says its objectives were only partly achieved or not achieved
  (see :func:`successful_projects`);
- a published request is *adequately linked* when some support answers it (see
  :func:`needs_with_links`).
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Min, Q, QuerySet
from django.utils import timezone

from needs.models import Need

from ..models import Match, MatchingWorkshop, Project, ProjectEvaluation, RelatedSuggestion

__all__ = [
    "LINKING_MATCH_STATUSES",
    "LINKING_SUGGESTION_KINDS",
    "STRONG_SUGGESTION_SCORE",
    "agreed_matches",
    "launched_projects",
    "needs_with_first_agreement",
    "needs_with_links",
    "project_evaluations",
    "successful_projects",
]

#: Matches that link a request to an offer: every status but declined and withdrawn.
LINKING_MATCH_STATUSES = (
    Match.Status.INTEREST,
    Match.Status.PROPOSED,
    Match.Status.ACCEPTED,
    Match.Status.AGREED,
    Match.Status.COMPLETED,
)
#: Related suggestions that count as support for a request: resources and courses (opportunities
#: are calls to apply, not support in themselves).
LINKING_SUGGESTION_KINDS = (RelatedSuggestion.Kind.RESOURCE, RelatedSuggestion.Kind.COURSE)
#: The engine's score from which a suggested resource or course answers a request. Scores rank
#: records (0 to 1, not absolute). In the demo data 13 of 45 resource suggestions reach 0.35
#: (median 0.29) and so does the best suggestion of 5 of the 9 requests that have any (best
#: scores 0.19 to 0.62): the weak suggestions at the bottom of every list stay out. There, 77 % of
#: the published requests are linked by matches alone, 85 % at 0.35, 92 % at 0.30 or less.
STRONG_SUGGESTION_SCORE = 0.35

# Evaluations that say a project fell short of its objectives.
_SHORTFALLS = (ProjectEvaluation.Achievement.PARTLY, ProjectEvaluation.Achievement.NOT)
# Projects that ended well (completed, then evaluated by both sides).
_ENDED = (Project.Status.COMPLETED, Project.Status.EVALUATED)


def _end_of(as_of: datetime.date) -> datetime.datetime:
    """The first instant after ``as_of`` in the portal's time zone."""
    return datetime.datetime.combine(
        as_of + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_default_timezone(),
    )


def agreed_matches(as_of: datetime.date) -> QuerySet[Match]:
    """Matches agreed (confirmed by the requester) by the end of ``as_of``: the matches made."""
    return Match.objects.filter(agreed_at__lt=_end_of(as_of))


def launched_projects(as_of: datetime.date) -> QuerySet[Project]:
    """Pilot projects launched (created from an agreed match) by the end of ``as_of``."""
    return Project.objects.filter(created_at__lt=_end_of(as_of))


def project_evaluations(as_of: datetime.date) -> QuerySet[ProjectEvaluation]:
    """Final evaluations of projects (one per side) submitted by the end of ``as_of``."""
    return ProjectEvaluation.objects.filter(evaluated_at__lt=_end_of(as_of))


def successful_projects(as_of: datetime.date) -> QuerySet[Project]:
    """Pilot projects implemented successfully by the end of ``as_of``.

    Completed by then (``completed_at``; evaluated projects were completed first; cancelled ones
    never are), and no evaluation submitted by then says the objectives were only partly
    achieved or not achieved. A project not evaluated yet counts: completing it is the project
    owners' statement that it was carried out. One side's shortfall is enough to leave it out.
    """
    end = _end_of(as_of)
    fell_short = ProjectEvaluation.objects.filter(
        evaluated_at__lt=end, achievement__in=_SHORTFALLS
    ).values("project_id")
    return Project.objects.filter(status__in=_ENDED, completed_at__lt=end).exclude(
        pk__in=fell_short
    )


def _linked_needs(as_of: datetime.date) -> Q:
    """The requests some support answers at the end of ``as_of``: a linking match, a project, a
    matchmaking workshop that discussed them, or a strong suggestion of a resource or course.

    Each part is a subquery of request ids that does not depend on the row (no correlated
    subquery). Matches count with their status now; suggestions are as the engine ranks them now
    (they are recomputed, not dated), so past days read today's suggestions.
    """
    end = _end_of(as_of)
    matches = Match.objects.filter(status__in=LINKING_MATCH_STATUSES, created_at__lt=end)
    projects = Project.objects.filter(created_at__lt=end)
    workshops = MatchingWorkshop.needs.through.objects.filter(matchingworkshop__created_at__lt=end)
    suggestions = RelatedSuggestion.objects.filter(
        kind__in=LINKING_SUGGESTION_KINDS, score__gte=STRONG_SUGGESTION_SCORE
    )
    return (
        Q(pk__in=matches.values("need_id"))
        | Q(pk__in=projects.values("match__need_id"))
        | Q(pk__in=workshops.values("need_id"))
        | Q(pk__in=suggestions.values("need_id"))
    )


def needs_with_links(as_of: datetime.date) -> QuerySet[Need]:
    """Requests published by the end of ``as_of`` (``published_at``, whatever their status
    since), each with ``linked``: whether some support answers it (see :func:`_linked_needs`)."""
    return Need.objects.filter(published_at__lt=_end_of(as_of)).alias(
        linked=ExpressionWrapper(_linked_needs(as_of), output_field=BooleanField())
    )


def needs_with_first_agreement(as_of: datetime.date) -> QuerySet[Need]:
    """Requests submitted with a match agreed by the end of ``as_of``, each with
    ``first_agreed_at``: when the first of their matches was agreed (a ``MIN`` per request, in
    SQL)."""
    end = _end_of(as_of)
    return Need.objects.filter(submitted_at__lt=end, matches__agreed_at__lt=end).annotate(
        first_agreed_at=Min("matches__agreed_at")
    )
