"""Celery tasks: thin and idempotent; they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import harvesting, services


@shared_task
def close_expired_records() -> dict[str, int]:
    """Daily: close offers whose availability ended, opportunities past their deadline and
    events that are over."""
    return {
        "offers": services.offers_expire(),
        "opportunities": services.opportunities_close_after_deadline(),
        "events": services.events_close_after_end(),
    }


@shared_task
def harvest_due_sources() -> list[int]:
    """Hourly: enqueue a harvest of every active source whose interval has elapsed."""
    source_ids = harvesting.due_source_ids()
    for source_id in source_ids:
        harvest_source.delay(source_id)
    return source_ids


@shared_task
def harvest_source(source_id: int) -> int | None:
    """Harvest one source; returns the id of the HarvestRun that reports what changed."""
    run = harvesting.harvest(source_id)
    return run.pk if run else None
