"""Monitoring of the scale data set (``manage.py seed_scale``): a profile for each of the 196
Parties, the demo's evaluations, and the indicators' history.

The history is what the dashboards draw: every indicator and the gap analysis computed as of the
last day of each of the past twelve months and as of today (``backfill_history``), from the dates
of the records the other apps wrote. It runs once the data set is committed and analysed, so that
the recompute uses its worker threads (about ten seconds a day at full scale).
"""

from __future__ import annotations

import datetime
import time

from django.utils import timezone

from chm_portal.accounts.models import FocalPoint
from chm_portal.core.scale import ScaleContext, copy_rows
from chm_portal.vocabularies.models import Country

from . import services
from .demo import EVALUATIONS, LEVEL_WEIGHTS, NOTES, PUBLISHED, SUPPORT_ASKED, history_days
from .models import CountryProfile, Evaluation, GapCell, IndicatorValue, MaturityLevel, RecomputeRun


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("monitoring")
    chm_focal_points = dict(
        FocalPoint.objects.active()
        .filter(kind="chm")
        .order_by("pk")
        .values_list("country_id", "user_id")
    )
    levels = list(MaturityLevel)
    profiles = []
    for country in Country.objects.filter(is_cbd_party=True).order_by("code"):
        level = rng.choices(levels, weights=LEVEL_WEIGHTS)[0]
        profiles.append(
            {
                "country_id": country.pk,
                "maturity_level": level,
                "national_chm_url": (
                    f"https://chm.{country.code.lower()}.example.org/"
                    if level >= MaturityLevel.WEB_PRESENCE
                    else ""
                ),
                "support_requested": rng.choice(SUPPORT_ASKED[level]),
                "notes": NOTES[level],
                "updated_at": ctx.ago(rng, 400),
                "updated_by_id": chm_focal_points.get(country.pk),
            }
        )
    ctx.step("country profiles", copy_rows(CountryProfile, profiles))
    today = timezone.localdate()
    evaluations = []
    for (
        subject,
        activity,
        days_ago,
        months,
        language,
        status,
        title,
        evaluators,
        *texts,
    ) in EVALUATIONS:
        method, findings, recommendations = texts
        completed = today - datetime.timedelta(days=days_ago)
        evaluations.append(
            {
                "title": title,
                "subject": subject,
                "activity": activity,
                "evaluated_on": completed,
                "period_start": completed - datetime.timedelta(days=30 * months + 30),
                "period_end": completed - datetime.timedelta(days=30),
                "evaluators": evaluators,
                "method": method,
                "findings": findings,
                "recommendations": recommendations,
                "language": language,
                "status": status,
                "created_at": ctx.now - datetime.timedelta(days=days_ago + 7),
                "published_at": (
                    ctx.now - datetime.timedelta(days=days_ago - 3) if status == PUBLISHED else None
                ),
            }
        )
    ctx.step("evaluations", copy_rows(Evaluation, evaluations))
    ctx.after_commit("monitoring (indicator history)", lambda: _history(ctx))


def _history(ctx: ScaleContext) -> None:
    days = history_days(timezone.localdate(), ctx.history_months)
    started = time.perf_counter()
    runs = services.backfill_history(days, trigger=RecomputeRun.Trigger.COMMAND)
    ctx.step(
        f"indicators as of {len(runs)} days ({time.perf_counter() - started:.0f} s)",
        IndicatorValue.objects.count() + GapCell.objects.count(),
    )
