"""Reads of pilot projects, success stories, matchmaking workshops and the anonymised
statistics of matchmaking; each function owns its related-row loading.

The reporting flag of a running project says whether its progress reports are on time:

- ``stale``: six months or more without a report (counted from the last report, or from the
  launch when there was none);
- ``late``: the next report's due date has passed;
- ``on_time``: neither (and every project that is not running: it owes no report).

:func:`project_report_flag` computes it for one project in Python; :func:`with_report_flag`
computes the same in SQL (``report_flag``), so that lists filter and show it in one query.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import (
    focal_point_country_ids,
    is_helpdesk_or_site_admin,
    organisation_roles,
)
from chm_portal.vocabularies.models import GBFTarget, Region
from needs.models import PUBLIC_STATUSES as NEED_PUBLIC_STATUSES
from needs.models import Need
from partners.models import Offer

from ..models import (
    Match,
    MatchingWorkshop,
    ProgressReport,
    Project,
    ProjectEvaluation,
    ProjectEvent,
    SuccessStory,
)
from ..services.projects import add_months

S = Project.Status

# Months without a report after which a running project is stale.
STALE_AFTER_MONTHS = 6


class ReportFlag:
    ON_TIME = "on_time"
    LATE = "late"
    STALE = "stale"

    choices = (
        (ON_TIME, _("On time")),
        (LATE, _("Report late")),
        (STALE, _("Stale: no report for six months")),
    )
    labels = dict(choices)


def stale_cutoff(today: datetime.date) -> datetime.date:
    """Projects whose last report (or launch) is on or before this day are stale."""
    return add_months(today, -STALE_AFTER_MONTHS)


def project_report_flag(project: Project, today: datetime.date | None = None) -> str:
    """``on_time``, ``late`` or ``stale`` for ``project`` on ``today`` (see the module)."""
    today = today or timezone.localdate()
    if project.status not in Project.RUNNING_STATUSES:
        return ReportFlag.ON_TIME
    base = timezone.localdate(project.last_report_at or project.created_at)
    if base <= stale_cutoff(today):
        return ReportFlag.STALE
    if project.next_report_due is not None and project.next_report_due < today:
        return ReportFlag.LATE
    return ReportFlag.ON_TIME


def with_report_flag(
    queryset: QuerySet[Project], today: datetime.date | None = None
) -> QuerySet[Project]:
    """``queryset`` annotated with ``report_flag``, computed by the database as
    :func:`project_report_flag` computes it."""
    today = today or timezone.localdate()
    running = Q(status__in=Project.RUNNING_STATUSES)
    return queryset.annotate(
        report_base=TruncDate(Coalesce("last_report_at", "created_at")),
        report_flag=Case(
            When(running & Q(report_base__lte=stale_cutoff(today)), then=Value(ReportFlag.STALE)),
            When(running & Q(next_report_due__lt=today), then=Value(ReportFlag.LATE)),
            default=Value(ReportFlag.ON_TIME),
            output_field=CharField(),
        ),
    )


# --- Who sees which projects --------------------------------------------------------------------
def public_project_q(prefix: str = "") -> Q:
    """Projects whose public part anyone may see: of a public request, not cancelled."""
    return Q(
        **{
            f"{prefix}match__need__status__in": NEED_PUBLIC_STATUSES,
            f"{prefix}match__need__visibility": Need.Visibility.PUBLIC,
        }
    ) & ~Q(**{f"{prefix}status": S.CANCELLED})


def side_q(user: User, prefix: str = "") -> Q:
    """Projects ``user`` is a side of: focal point of the request's country, creator of the
    request, or member of the provider. Read from the roles cached on the user: no query."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}match__need__created_by": user})
    countries = focal_point_country_ids(user)
    if countries:
        condition |= Q(**{f"{prefix}match__need__country_id__in": countries})
    organisations = list(organisation_roles(user))
    if organisations:
        condition |= Q(**{f"{prefix}match__offer__provider_id__in": organisations})
    return condition


def _with_related(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related(
        "match__need__country__region",
        "match__offer__provider",
    ).prefetch_related(
        Prefetch("match__need__targets", queryset=GBFTarget.objects.order_by("number")),
    )


def project_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Project]:
    """Projects ``user`` may open (the public ones, those they are a side of; all for the help
    desk), with the reporting flag, their request, country, provider and targets: three queries
    for a page (count, rows, targets)."""
    queryset = Project.objects.all()
    if not is_helpdesk_or_site_admin(user):
        queryset = queryset.filter(public_project_q() | side_q(user))
    return with_report_flag(_with_related(queryset), today).order_by("-created_at", "-pk")


def project_list_of_sides(*, user: User, today: datetime.date | None = None) -> QuerySet[Project]:
    """The projects ``user`` is a side of (``/matchmaking/my-projects/``)."""
    return with_report_flag(_with_related(Project.objects.filter(side_q(user))), today).order_by(
        "-created_at", "-pk"
    )


def projects_for_iati(today: datetime.date | None = None) -> QuerySet[Project]:
    """The public projects (see :func:`public_project_q`) with what their IATI activity reads
    (``matchmaking/iati.py``): the request's country and targets, the provider and its type;
    annotated with the reporting flag, which the list's filter reads; oldest first."""
    return with_report_flag(
        Project.objects.filter(public_project_q())
        .select_related("match__need__country", "match__offer__provider__organisation_type")
        .prefetch_related(
            Prefetch("match__need__targets", queryset=GBFTarget.objects.order_by("number"))
        ),
        today,
    ).order_by("pk")


def project_for_page() -> QuerySet[Project]:
    """One project with what its page shows of its request, offer and story."""
    return with_report_flag(
        Project.objects.select_related(
            "match__need__country__region",
            "match__offer__provider",
            "match__workshop__event",
            "story",
            "created_by",
        ).prefetch_related(
            Prefetch("match__need__targets", queryset=GBFTarget.objects.order_by("number"))
        )
    )


def project_reports(project: Project) -> QuerySet[ProgressReport]:
    return project.reports.select_related("submitted_by").order_by("-period_end", "-pk")


def project_evaluations(project: Project) -> QuerySet[ProjectEvaluation]:
    return project.evaluations.select_related("evaluated_by").order_by("side")


def project_history(project: Project) -> QuerySet[ProjectEvent]:
    return project.events.select_related("actor").order_by("created_at", "pk")


def agreed_match_for_launch() -> QuerySet[Match]:
    """Matches with what the launch page shows of them."""
    return Match.objects.select_related("need__country", "offer__provider").annotate(
        has_project=Exists(Project.objects.filter(match=OuterRef("pk")))
    )


# --- Success stories ----------------------------------------------------------------------------
def story_public_list() -> QuerySet[SuccessStory]:
    """Published stories of public projects, the latest first."""
    return (
        SuccessStory.objects.filter(status=SuccessStory.Status.PUBLISHED)
        .filter(public_project_q(prefix="project__"))
        .select_related(
            "project__match__need__country",
            "project__match__offer__provider",
        )
        .order_by("-published_at", "-pk")
    )


def story_for_page() -> QuerySet[SuccessStory]:
    return SuccessStory.objects.select_related(
        "project__match__need__country",
        "project__match__offer__provider",
        "written_by",
    )


# --- Matchmaking workshops ----------------------------------------------------------------------
def workshop_for_page() -> QuerySet[MatchingWorkshop]:
    return MatchingWorkshop.objects.select_related(
        "event__organisation", "event__event_type", "event__country"
    )


def workshop_needs(workshop: MatchingWorkshop, *, user: User) -> QuerySet[Need]:
    """The requests a workshop discussed that ``user`` may see (public ones; all for staff)."""
    queryset = workshop.needs.select_related("country")
    if not is_helpdesk_or_site_admin(user):
        queryset = queryset.filter(
            Q(status__in=NEED_PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC)
            | Q(country_id__in=focal_point_country_ids(user))
            | (Q(created_by=user) if user.is_authenticated else Q(pk__in=[]))
        )
    return queryset.order_by("reference")


def workshop_offers(workshop: MatchingWorkshop, *, user: User) -> QuerySet[Offer]:
    """The offers a workshop discussed that ``user`` may see."""
    queryset = workshop.offers.select_related("provider")
    if not is_helpdesk_or_site_admin(user):
        visible = Q(pk__in=Offer.objects.public().values("pk"))
        if organisation_roles(user):
            visible |= Q(provider_id__in=list(organisation_roles(user)))
        queryset = queryset.filter(visible)
    return queryset.order_by("title")


def workshop_matches(workshop: MatchingWorkshop, *, user: User) -> QuerySet[Match]:
    """The matches a workshop produced. The public sees the agreed and completed ones between
    public requests and public offers (proposals and answers stay between the sides); the help
    desk sees them all. ``project_pk`` is the project a match launched, if any."""
    queryset = workshop.matches.select_related("need__country", "offer__provider").annotate(
        project_pk=F("project__pk")
    )
    if not is_helpdesk_or_site_admin(user):
        queryset = queryset.filter(
            status__in=(Match.Status.AGREED, Match.Status.COMPLETED),
            need__status__in=NEED_PUBLIC_STATUSES,
            need__visibility=Need.Visibility.PUBLIC,
            offer__in=Offer.objects.public().values("pk"),
        )
    return queryset.order_by("-created_at", "-pk")


# --- Anonymised statistics ----------------------------------------------------------------------
def _by_choice(rows: dict, choices) -> list[dict]:
    return [
        {"code": value, "label": label, "count": rows.get(value, 0)} for value, label in choices
    ]


def matchmaking_statistics() -> dict:
    """Counts of matches, projects and evaluations: no names, no requester, no provider.

    Six queries whatever the number of records: matches by status, projects by status,
    projects by UN region, projects by GBF target, evaluations, and published stories with
    projects born at workshops.
    """
    matches = dict(Match.objects.order_by().values_list("status").annotate(count=Count("pk")))
    projects = dict(Project.objects.order_by().values_list("status").annotate(count=Count("pk")))
    launched = Project.objects.exclude(status=S.CANCELLED)
    regions = list(
        Region.objects.filter(
            level=Region.Level.REGION,
            countries_in_region__needs__matches__project__in=launched.values("pk"),
        )
        .annotate(count=Count("countries_in_region__needs__matches__project", distinct=True))
        .order_by("-count", "name")
        .values("code", "name", "count")
    )
    targets = list(
        GBFTarget.objects.filter(needs__matches__project__in=launched.values("pk"))
        .annotate(count=Count("needs__matches__project", distinct=True))
        .order_by("number")
        .values("code", "title", "count")
    )
    well = ProjectEvaluation.WELL_RATED
    evaluations = ProjectEvaluation.objects.aggregate(
        total=Count("pk"),
        effective=Count("pk", filter=Q(effectiveness__gte=well)),
        good_quality=Count("pk", filter=Q(quality__gte=well)),
        projects=Count("project", distinct=True),
    )
    others = Project.objects.aggregate(
        stories=Count("story", filter=Q(story__status=SuccessStory.Status.PUBLISHED)),
        from_workshops=Count("pk", filter=Q(match__workshop__isnull=False)),
    )
    total = evaluations["total"]
    return {
        "matches": _by_choice(matches, Match.Status.choices),
        "matches_total": sum(matches.values()),
        "matches_agreed": sum(
            matches.get(status, 0) for status in (Match.Status.AGREED, Match.Status.COMPLETED)
        ),
        "projects": _by_choice(projects, Project.Status.choices),
        "projects_total": sum(projects.values()),
        "projects_succeeded": projects.get(S.COMPLETED, 0) + projects.get(S.EVALUATED, 0),
        "regions": regions,
        "targets": targets,
        "evaluations": {
            **evaluations,
            "effective_percent": round(100 * evaluations["effective"] / total) if total else None,
            "quality_percent": round(100 * evaluations["good_quality"] / total) if total else None,
        },
        "stories": others["stories"],
        "projects_from_workshops": others["from_workshops"],
    }
