"""Writes of the core app."""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PendingTask, ReferenceSequence, WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that the worker ``hostname`` is alive now."""
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            seen_at=timezone.now(), beats=F("beats") + 1
        )
        heartbeat.refresh_from_db()
    return heartbeat


@transaction.atomic
def reference_next(*, prefix: str, year: int | None = None, width: int = 5) -> str:
    """Hand out the next reference code of ``prefix`` for ``year``, e.g. ``NEED-2026-00042``.

    Locks the sequence row, so concurrent callers get distinct numbers.
    """
    year = year or timezone.now().year
    ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{sequence.last_number:0{width}d}"


# --- The outbox (chm_portal.core.background.enqueue_reliably) -------------------------------------
# Rows younger than this are left to the send after commit; a sweep does not race it.
PENDING_TASK_GRACE = datetime.timedelta(minutes=2)
# After this many failures a row stays for an operator to look at (admin) instead of being retried.
PENDING_TASK_MAX_ATTEMPTS = 10


def pending_task_run(*, pending_id: int) -> bool:
    """Run the outbox task ``pending_id`` in this process and delete its row; False when another
    run holds it or it already ran. A failure is recorded on the row, which the sweep retries."""
    with transaction.atomic():
        pending = (
            PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pending_id).first()
        )
        if pending is None:
            return False
        try:
            with transaction.atomic():  # the task's own writes roll back alone when it fails
                current_app.tasks[pending.task_name](*pending.arguments)
        except Exception as error:  # any failure: keep the row for the sweep, say why
            logger.warning("Outbox task %s failed: %r", pending, error)
            PendingTask.objects.filter(pk=pending.pk).update(
                attempts=F("attempts") + 1, last_error=repr(error)[:2000]
            )
            return False
        pending.delete()
    return True


def pending_task_ids_due(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Outbox rows to send again: older than the grace period and not given up on."""
    cutoff = (now or timezone.now()) - PENDING_TASK_GRACE
    return list(
        PendingTask.objects.filter(
            created_at__lt=cutoff, attempts__lt=PENDING_TASK_MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:limit]
    )
