"""Reads: what monitoring counts about e-learning (activities 3, 8, 10 and 13 of the
capacity-building action plan).

Every function is one SQL query whose size does not depend on the number of rows: counts are
computed by the database. ``since`` and ``until`` bound the period: ``since`` is included,
``until`` excluded; a ``datetime.date`` stands for its whole day (``since=date(2025, 1, 1),
until=date(2025, 12, 31)`` is the year 2025). Leaving one out leaves the period open on that side.
Functions named ``..._by_...`` return ``(key, count)`` pairs, largest count first, where the key is
a stable code (M49 region code, ISO country code, format) and ``None`` stands for "not known",
like ``partners.selectors.indicators``.

What counts:

- a course is *hosted* while it is published (an archived course was hosted until it was
  archived); its modules are hosted with it;
- a *participant* is an enrolment that was taken up (invitations not yet accepted do not count);
  ``participants`` gives both the enrolments and the distinct learners;
- a *person using the platform* is a learner who enrolled, learned (lesson progress) or completed
  a course in the period;
- an *item quality-reviewed* is a course, resource or event with a review completed in the period
  (an item reviewed twice counts once); *improved* when a review's improvements were confirmed
  (``QualityReview.improved_at``) in the period;
- a participant *rates well* with ``SurveyResponse.GOOD_RATING`` (4) or more out of 5.

The functions at the end (``published_courses(as_of)``, ``enrolments_taken_up(as_of)``...) return
the QuerySet of the records counted as of the end of the day ``as_of``, which monitoring groups and
counts itself (by country, target, year...). They share their conditions with the counts above, so
both agree on what counts; they are left out of ``__all__``, which lists the one-query counts the
tests pin.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from chm_portal.quality import selectors as quality_selectors
from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS

from ..models import (
    ACTIVE_ALUMNI_DAYS,
    ACTIVE_COMMUNITY_DAYS,
    Alumnus,
    Community,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    LessonProgress,
    Module,
    Post,
    SurveyResponse,
)

__all__ = [
    "active_alumni",
    "active_communities",
    "completions",
    "courses_hosted",
    "items_quality_reviewed",
    "items_reviewed_and_improved",
    "modules_hosted",
    "new_online_courses",
    "new_online_courses_by_format",
    "participants",
    "participants_by_country",
    "participants_by_country_group",
    "participants_by_region",
    "participants_rating_well",
    "people_using_platform",
]

Moment = datetime.datetime | datetime.date | None
Pairs = list[tuple[Any, int]]


# --- Helpers ------------------------------------------------------------------------------------
def _moment(value: Moment, *, end: bool) -> datetime.datetime | None:
    """A datetime bound; a date is the start of that day (``since``) or of the next (``until``)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    day = value + datetime.timedelta(days=1) if end else value
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _within(field: str, since: Moment, until: Moment) -> Q:
    """``field`` falls in the period (compared with the bounds, so that its index is used)."""
    condition = Q()
    start, stop = _moment(since, end=False), _moment(until, end=True)
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if stop is not None:
        condition &= Q(**{f"{field}__lt": stop})
    return condition


def _hosted(since: Moment, until: Moment, prefix: str = "") -> Q:
    """The course (at ``prefix``) was hosted at some time in the period: published before its end
    and not archived before its start. Without a period: published now."""
    start, stop = _moment(since, end=False), _moment(until, end=True)
    published = Q(**{f"{prefix}status": CourseStatus.PUBLISHED})
    if stop is not None:
        published &= Q(**{f"{prefix}published_at__lt": stop})
    # The moment from which the course must still be online: the period's start, or its end when
    # only the end is given ("hosted at that date").
    still_online_at = start or stop
    if still_online_at is None:
        return published
    archived = Q(
        **{
            f"{prefix}status": CourseStatus.ARCHIVED,
            f"{prefix}archived_at__gte": still_online_at,
        }
    )
    if stop is not None:
        archived &= Q(**{f"{prefix}published_at__lt": stop})
    return published | archived


def _first_published(since: Moment, until: Moment) -> Q:
    """The course was first published in the period (and is public: archived since or not)."""
    return _within("published_at", since, until) & Q(status__in=Course.PUBLIC_STATUSES)


def _participations(since: Moment, until: Moment) -> QuerySet[Enrolment]:
    """Enrolments taken up in the period (an invitation counts once accepted)."""
    return Enrolment.objects.filter(_within("enrolled_at", since, until)).exclude(
        status=EnrolmentStatus.INVITED
    )


def _survey_responses(since: Moment, until: Moment) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(_within("submitted_at", since, until))


def _learner_pairs(queryset: QuerySet, key: str) -> Pairs:
    """``(key, distinct learners)`` of ``queryset`` grouped by the field path ``key``."""
    return list(
        queryset.order_by()
        .annotate(key=F(key))
        .values("key")
        .annotate(n=Count("user", distinct=True))
        .order_by("-n", "key")
        .values_list("key", "n")
    )


# --- Activity 3: courses and modules hosted, new online courses and MOOCs -----------------------
def courses_hosted(*, since: Moment = None, until: Moment = None) -> int:
    """Courses hosted on the portal: published now, or, with a period, online at some time in it
    (``until`` alone: online at that date)."""
    return Course.objects.filter(_hosted(since, until)).count()


def modules_hosted(*, since: Moment = None, until: Moment = None) -> int:
    """Modules of the courses hosted (see :func:`courses_hosted`)."""
    return Module.objects.filter(_hosted(since, until, prefix="course__")).count()


def new_online_courses(
    *, since: Moment = None, until: Moment = None, format: str | None = None
) -> int:
    """Courses first published in the period (archived since or not); ``format="mooc"`` for the
    MOOCs alone (any ``CourseFormat`` value)."""
    courses = Course.objects.filter(_first_published(since, until))
    if format:
        courses = courses.filter(format=format)
    return courses.count()


def new_online_courses_by_format(*, since: Moment = None, until: Moment = None) -> Pairs:
    """Courses first published in the period by format code (``self_paced``, ``mooc``...)."""
    return list(
        Course.objects.filter(_first_published(since, until))
        .order_by()
        .values("format")
        .annotate(n=Count("pk"))
        .order_by("-n", "format")
        .values_list("format", "n")
    )


# --- Activities 3 and 10: people, participants, completions -------------------------------------
def people_using_platform(*, since: Moment = None, until: Moment = None) -> int:
    """Distinct people who enrolled, learned (lesson progress) or completed a course in the
    period. Invitations not taken up do not count."""
    condition = Q()
    if since is not None or until is not None:
        condition = (
            _within("enrolled_at", since, until)
            | _within("completed_at", since, until)
            | Q(
                Exists(
                    LessonProgress.objects.filter(
                        _within("last_seen_at", since, until), enrolment=OuterRef("pk")
                    )
                )
            )
        )
    return (
        Enrolment.objects.filter(condition)
        .exclude(status=EnrolmentStatus.INVITED)
        .aggregate(n=Count("user", distinct=True))["n"]
    )


def participants(*, since: Moment = None, until: Moment = None) -> dict[str, int]:
    """Enrolments taken up in the period and the distinct learners behind them:
    ``{"enrolments": n, "learners": n}``."""
    return _participations(since, until).aggregate(
        enrolments=Count("pk"), learners=Count("user", distinct=True)
    )


def participants_by_region(*, since: Moment = None, until: Moment = None) -> Pairs:
    """Distinct learners enrolled in the period by the M49 region code of their country when
    they enrolled (``None``: not known)."""
    return _learner_pairs(_participations(since, until), "country__region__code")


def participants_by_country(*, since: Moment = None, until: Moment = None) -> Pairs:
    """Distinct learners enrolled in the period by ISO country code (``None``: not known)."""
    return _learner_pairs(_participations(since, until), "country__code")


def participants_by_country_group(*, since: Moment = None, until: Moment = None) -> Pairs:
    """Distinct learners enrolled in the period from an LDC, SIDS, LLDC or EIT, in that order (a
    learner counts in each group their country belongs to)."""
    counts = _participations(since, until).aggregate(
        **{
            code: Count("user", distinct=True, filter=Q(**{f"country__{flag}": True}))
            for code, flag in COUNTRY_GROUP_FLAGS.items()
        }
    )
    return [(code, counts[code]) for code in COUNTRY_GROUP_FLAGS]


def completions(*, since: Moment = None, until: Moment = None) -> dict[str, int]:
    """Courses completed in the period: ``{"completions": n, "learners": n, "certificates": n}``
    (distinct learners; certificates issued for them and not revoked)."""
    return Enrolment.objects.filter(
        _within("completed_at", since, until), status=EnrolmentStatus.COMPLETED
    ).aggregate(
        completions=Count("pk"),
        learners=Count("user", distinct=True),
        certificates=Count("certificate", filter=Q(certificate__revoked_at__isnull=True)),
    )


# --- Activity 13: alumni and communities of practice --------------------------------------------
def active_alumni(*, now: datetime.datetime | None = None) -> int:
    """Alumni who used the portal within ``ACTIVE_ALUMNI_DAYS`` (365) days before ``now``."""
    now = now or timezone.now()
    return Alumnus.objects.filter(
        last_active_at__gte=now - datetime.timedelta(days=ACTIVE_ALUMNI_DAYS),
        last_active_at__lte=now,
    ).count()


def active_communities(*, now: datetime.datetime | None = None) -> int:
    """Communities of practice with a post within ``ACTIVE_COMMUNITY_DAYS`` (90) days before
    ``now``."""
    now = now or timezone.now()
    return Community.objects.filter(
        last_post_at__gte=now - datetime.timedelta(days=ACTIVE_COMMUNITY_DAYS),
        last_post_at__lte=now,
    ).count()


# --- Activity 8: quality reviews and what participants thought -----------------------------------
def items_quality_reviewed(
    *, since: Moment = None, until: Moment = None, kind: str | None = None
) -> int:
    """Items (courses, resources, events) reviewed against the quality standards: a review was
    completed in the period, whatever its result; each item once. ``kind``: ``"course"``,
    ``"resource"`` or ``"event"``. Counted by ``chm_portal.quality``."""
    return quality_selectors.reviewed_items_count(
        since=_moment(since, end=False), until=_moment(until, end=True), kind=kind
    )


def items_reviewed_and_improved(
    *, since: Moment = None, until: Moment = None, kind: str | None = None
) -> int:
    """Items reviewed against the standards and improved: the improvements a review requested
    were confirmed (``improved_at``) in the period. Counted by ``chm_portal.quality``."""
    return quality_selectors.reviewed_and_improved_count(
        since=_moment(since, end=False), until=_moment(until, end=True), kind=kind
    )


def participants_rating_well(*, since: Moment = None, until: Moment = None) -> dict[str, Any]:
    """Survey answers submitted in the period and those rating quality and effectiveness well:
    ``{"responses": n, "quality_good": n, "effectiveness_good": n, "quality_share": 0.75,
    "effectiveness_share": 0.5}`` (shares are ``None`` without answers)."""
    good = SurveyResponse.GOOD_RATING
    counts = _survey_responses(since, until).aggregate(
        responses=Count("pk"),
        quality_good=Count("pk", filter=Q(quality__gte=good)),
        effectiveness_good=Count("pk", filter=Q(effectiveness__gte=good)),
    )
    responses = counts["responses"]
    return {
        **counts,
        "quality_share": counts["quality_good"] / responses if responses else None,
        "effectiveness_share": counts["effectiveness_good"] / responses if responses else None,
    }


# --- Querysets as of a day, for monitoring's indicators ----------------------------------------
def published_courses(as_of: datetime.date) -> QuerySet[Course]:
    """Courses online at the end of ``as_of``: published by then and not archived by then (the
    courses :func:`courses_hosted` counts with ``until=as_of``)."""
    return Course.objects.filter(_hosted(None, as_of))


def hosted_modules(as_of: datetime.date) -> QuerySet[Module]:
    """Modules of the courses online at the end of ``as_of``."""
    return Module.objects.filter(_hosted(None, as_of, prefix="course__"))


def courses_first_published(as_of: datetime.date) -> QuerySet[Course]:
    """Courses first published by the end of ``as_of``, archived since or not (the new online
    courses of activity 13; ``published_at`` dates them)."""
    return Course.objects.filter(_first_published(None, as_of))


def enrolments_taken_up(as_of: datetime.date) -> QuerySet[Enrolment]:
    """Enrolments taken up by the end of ``as_of`` (``enrolled_at``; invitations not accepted do
    not count): the participants of online courses, and through ``user`` the learners."""
    return _participations(None, as_of)


def survey_responses(as_of: datetime.date) -> QuerySet[SurveyResponse]:
    """Course surveys answered by the end of ``as_of`` (``submitted_at``)."""
    return _survey_responses(None, as_of)


def alumni_active(as_of: datetime.date) -> QuerySet[Alumnus]:
    """Alumni who used the portal within ``ACTIVE_ALUMNI_DAYS`` (365) days before the end of
    ``as_of``. Only the last activity is kept, so a past day is read from it (an approximation:
    someone active then and again since looks inactive then)."""
    end = _moment(as_of, end=True)
    return Alumnus.objects.filter(
        last_active_at__gte=end - datetime.timedelta(days=ACTIVE_ALUMNI_DAYS),
        last_active_at__lt=end,
    )


def communities_active(as_of: datetime.date) -> QuerySet[Community]:
    """Communities of practice with a post within ``ACTIVE_COMMUNITY_DAYS`` (90) days before the
    end of ``as_of``.

    Read from the dates of the posts (hidden ones too: they were activity) rather than from
    ``Community.last_post_at``, the latest one, which :func:`active_communities` reads: so that
    past days are right too.
    """
    end = _moment(as_of, end=True)
    posted = Post.objects.filter(
        created_at__gte=end - datetime.timedelta(days=ACTIVE_COMMUNITY_DAYS), created_at__lt=end
    )
    return Community.objects.filter(pk__in=posted.values("thread__community_id"))
