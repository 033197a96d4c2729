"""Celery tasks: thin and idempotent; they take ids and call services."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services
from .models import RecomputeRun

# A run still "running" after this long died with its worker: it may be taken again.
STALE_RUN = datetime.timedelta(minutes=30)


@shared_task(acks_late=True)
def run_recompute(run_id: int) -> None:
    """Compute the indicators of a requested run, unless it has already been done."""
    run = RecomputeRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RecomputeRun.Status.SUCCEEDED:
        return
    if run.status == RecomputeRun.Status.RUNNING and run.started_at > timezone.now() - STALE_RUN:
        return
    services.recompute_indicators(run.as_of, run=run)


@shared_task(acks_late=True)
def recompute_daily() -> None:
    """The daily schedule: every indicator as of today."""
    services.recompute_indicators(trigger=RecomputeRun.Trigger.SCHEDULE)


@shared_task
def run_pending_recomputes() -> None:
    """Runs requested from the admin that the broker never delivered (it was down)."""
    waited = timezone.now() - datetime.timedelta(minutes=2)
    pending = RecomputeRun.objects.filter(
        status=RecomputeRun.Status.PENDING, requested_at__lt=waited
    ).values_list("pk", flat=True)
    for run_id in pending:
        run_recompute(run_id)
