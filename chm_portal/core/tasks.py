"""Celery tasks of the core app."""

from celery import shared_task

from . import services
from .background import send_task_safely


@shared_task(bind=True, ignore_result=False)
def worker_heartbeat(self) -> str:
    """Record that a worker consumed this task; returns the worker's name."""
    hostname = "eager" if self.request.is_eager else self.request.hostname
    services.worker_heartbeat_record(hostname=hostname)
    return hostname


@shared_task
def run_pending_task(pending_id: int) -> bool:
    """Run one outbox task (see ``enqueue_reliably``); False when it already ran."""
    return services.pending_task_run(pending_id=pending_id)


@shared_task
def send_pending_tasks() -> int:
    """Every few minutes: send again the outbox tasks that have not run; returns how many."""
    pending_ids = services.pending_task_ids_due()
    for pending_id in pending_ids:
        send_task_safely(run_pending_task, pending_id)
    return len(pending_ids)
