"""Writes of the core app."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ReferenceSequence, WorkerHeartbeat


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
