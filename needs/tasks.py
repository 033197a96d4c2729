"""Celery tasks of requests for assistance: thin and idempotent; they take ids."""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from chm_portal.core.background import send_task_safely

from . import notifications, services
from .models import NeedEvent

_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}
# Events younger than this are left to the task sent when they were recorded.
SWEEP_GRACE = timedelta(minutes=2)


@shared_task(**_RETRY)
def notify_need_event(event_id: int) -> bool:
    """Email the people concerned by a history event of a request (at most once)."""
    return notifications.need_event_notify(event_id=event_id)


@shared_task
def send_pending_need_notifications() -> int:
    """Every few minutes (Celery beat): resend notifications lost while the broker was down."""
    pending = NeedEvent.objects.filter(
        notified_at__isnull=True, created_at__lt=timezone.now() - SWEEP_GRACE
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for event_id in pending:
        sent += send_task_safely(notify_need_event, event_id)
    return sent


@shared_task
def escalate_overdue_needs() -> int:
    """Several times a day (Celery beat): escalate requests waiting past the commitment."""
    return len(services.needs_escalate_overdue())
