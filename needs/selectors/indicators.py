"""Reads: the requests for assistance and assessments that monitoring counts (activities 1 and 4
of the capacity-building action plan, and the portal's own workflow indicators).

Each function returns the QuerySet of the records counted as of the end of the day ``as_of`` (in
the portal's time zone), placed in time by the date named in its docstring; monitoring groups and
counts them in SQL. Statuses are today's: a request published in March and withdrawn in May is
still among the requests published by April, with the status ``withdrawn``.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Assessment, Need, NeedMessage

__all__ = [
    "helpdesk_needs",
    "needs_expressed_with_helpdesk",
    "published_needs",
    "submitted_assessments",
    "submitted_needs",
]


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` (compared with ``__lt``, so that indexes are used)."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


def submitted_assessments(as_of: datetime.date) -> QuerySet[Assessment]:
    """Assessments in the common format submitted by the end of ``as_of`` (``submitted_at``)."""
    return Assessment.objects.filter(
        status=Assessment.Status.SUBMITTED, submitted_at__lt=_end_of(as_of)
    )


def submitted_needs(as_of: datetime.date) -> QuerySet[Need]:
    """Requests submitted to the help desk by the end of ``as_of`` (``submitted_at``), whatever
    became of them since (published, rejected, withdrawn...)."""
    return Need.objects.filter(submitted_at__lt=_end_of(as_of))


def published_needs(as_of: datetime.date) -> QuerySet[Need]:
    """Requests published by the end of ``as_of`` (``published_at``, the first publication): the
    needs in the database, restricted ones included."""
    return Need.objects.filter(published_at__lt=_end_of(as_of))


def needs_expressed_with_helpdesk(as_of: datetime.date) -> QuerySet[Need]:
    """Requests the help desk wrote for a country (``expressed_with_helpdesk``) and submitted by
    the end of ``as_of`` (activity 4: needs the help desk helped express)."""
    return submitted_needs(as_of).filter(expressed_with_helpdesk=True)


def helpdesk_needs(as_of: datetime.date) -> QuerySet[Need]:
    """Requests on which the help desk worked by the end of ``as_of``: expressed with its
    assistance and submitted, or with a message from the help desk sent by then (activity 4:
    Parties using the help desk)."""
    end = _end_of(as_of)
    # A semi-join on the messages (not a subquery per request), answered from their need index.
    messaged = NeedMessage.objects.filter(from_helpdesk=True, created_at__lt=end).values("need_id")
    return Need.objects.filter(
        Q(expressed_with_helpdesk=True, submitted_at__lt=end) | Q(pk__in=messaged)
    )
