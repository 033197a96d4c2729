"""Reads of commitments: querysets with what their pages show loaded, and the statistics.

Only published commitments and progress reports are public; their owners see their own in any
status, moderators everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import GBFTarget, Region

from .models import (
    ActorType,
    Commitment,
    Deliverable,
    ModerationStatus,
    NewsItem,
    Phase,
    ProgressReport,
    ProgressValue,
    Question,
)
from .rules import is_moderator


def commitments_for_list() -> QuerySet[Commitment]:
    """Published commitments with what a list item shows."""
    return (
        Commitment.objects.public()
        .select_related("country", "organisation")
        .prefetch_related("targets")
    )


def commitments_for_export() -> QuerySet[Commitment]:
    return (
        commitments_for_list()
        .select_related("organisation_type")
        .prefetch_related("thematic_areas", "deliverables")
    )


def commitments_visible_to(*, user) -> QuerySet[Commitment]:
    """What ``user`` may read: published commitments, their own, everything for moderators."""
    queryset = Commitment.objects.all()
    if user.is_authenticated and is_moderator(user):
        return queryset
    visible = Q(status=ModerationStatus.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(owner=user)
    return queryset.filter(visible)


def commitment_for_page(*, pk: int, user) -> Commitment:
    """One commitment with its deliverables and reports (all of them for its owner and
    moderators, the published ones for others); ``Commitment.DoesNotExist`` when hidden."""
    reports = ProgressReport.objects.prefetch_related(
        Prefetch("values", queryset=ProgressValue.objects.select_related("deliverable"))
    )
    commitment = (
        commitments_visible_to(user=user)
        .select_related("country", "organisation", "organisation_type", "owner")
        .prefetch_related("targets", "thematic_areas", "deliverables")
        .get(pk=pk)
    )
    may_see_all = user.is_authenticated and (commitment.owner_id == user.pk or is_moderator(user))
    if not may_see_all:
        reports = reports.filter(status=ModerationStatus.PUBLISHED)
    commitment.visible_reports = list(reports.filter(commitment=commitment))
    return commitment


def deliverables_with_progress(
    commitment: Commitment, reports: Iterable[ProgressReport]
) -> list[dict[str, Any]]:
    """Each deliverable of ``commitment`` with its latest value among ``reports`` (newest
    first, as :func:`commitment_for_page` orders them) and its progress towards the target."""
    latest: dict[int, ProgressValue] = {}
    for report in reports:
        for value in report.values.all():
            latest.setdefault(value.deliverable_id, value)
    rows = []
    for deliverable in commitment.deliverables.all():
        value = latest.get(deliverable.pk)
        amount = value.value if value else None
        rows.append(
            {
                "deliverable": deliverable,
                "value": amount,
                "percent": deliverable.progress_percent(amount),
            }
        )
    return rows


def commitments_of_owner(*, user) -> QuerySet[Commitment]:
    """A person's own commitments, any status, newest first, with their latest report date."""
    latest_report = (
        ProgressReport.objects.filter(commitment=OuterRef("pk"))
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    return (
        Commitment.objects.filter(owner=user)
        .select_related("country")
        .annotate(latest_report=Subquery(latest_report))
        .order_by("-created_at")
    )


def news_public() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(is_published=True).select_related("commitment")


def questions_public() -> QuerySet[Question]:
    return Question.objects.filter(is_published=True)


# --- Statistics ----------------------------------------------------------------------------------
def _labelled(counts: dict[str, int], choices) -> list[dict[str, Any]]:
    return [
        {"code": value, "label": label, "count": counts.get(value, 0)} for value, label in choices
    ]


def commitment_statistics(queryset: QuerySet[Commitment] | None = None) -> dict[str, Any]:
    """Counts of published commitments by actor type, GBF target, region and phase, plus the
    totals; each count is one aggregate query, whatever the number of commitments."""
    public = Commitment.objects.public() if queryset is None else queryset
    by_actor = dict(
        public.order_by()
        .values_list("actor_type")
        .annotate(n=Count("pk"))
        .values_list("actor_type", "n")
    )
    by_phase = dict(
        public.order_by().values_list("phase").annotate(n=Count("pk")).values_list("phase", "n")
    )
    target_counts = dict(
        Commitment.targets.through.objects.filter(commitment__in=public.values("pk"))
        .order_by()
        .values_list("gbftarget_id")
        .annotate(n=Count("commitment_id"))
        .values_list("gbftarget_id", "n")
    )
    targets = [
        {"code": target.code, "label": target.title, "count": target_counts.get(target.pk, 0)}
        for target in GBFTarget.objects.order_by("number")
    ]
    region_counts = dict(
        public.order_by()
        .values_list("country__region_id")
        .annotate(n=Count("pk"))
        .values_list("country__region_id", "n")
    )
    regions = [
        {"code": region.code, "label": region.name, "count": region_counts.get(region.pk, 0)}
        for region in Region.objects.filter(level=Region.Level.REGION).order_by("code")
    ]
    totals = public.order_by().aggregate(
        commitments=Count("pk"),
        countries=Count("country", distinct=True),
        biosafety=Count("pk", filter=Q(is_biosafety=True)),
    )
    deliverables = Deliverable.objects.filter(commitment__in=public.values("pk")).count()
    return {
        "totals": {**totals, "deliverables": deliverables},
        "by_actor_type": _labelled(by_actor, ActorType.choices),
        "by_phase": _labelled(by_phase, Phase.choices),
        "by_target": targets,
        "by_region": regions,
    }


STATISTIC_LABELS = {
    "by_actor_type": _("By type of actor"),
    "by_target": _("By GBF target"),
    "by_region": _("By region"),
    "by_phase": _("By phase"),
}


def percent(part: int, whole: int) -> Decimal:
    return Decimal(0) if not whole else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
