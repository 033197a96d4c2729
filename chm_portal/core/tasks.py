"""Celery tasks of the core app."""

from celery import shared_task

from . import services


@shared_task(bind=True, ignore_result=False)
def worker_heartbeat(self) -> str:
    """Record that a worker consumed this task; returns the worker's name."""
    hostname = "eager" if self.request.is_eager else self.request.hostname
    services.worker_heartbeat_record(hostname=hostname)
    return hostname
