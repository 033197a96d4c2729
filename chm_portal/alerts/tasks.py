"""Celery tasks of alerts: thin and idempotent; run by Celery beat (``CELERY_BEAT_SCHEDULE``)."""

from smtplib import SMTPException

from celery import shared_task

from . import notifications

# Transient failures reaching the database or the mail server: retry with exponential backoff.
# Rows already handled are not handled again (see notifications.py).
_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**_RETRY)
def send_saved_search_digests() -> int:
    """Hourly: email the digests of saved searches that are due; returns the emails sent."""
    return notifications.saved_search_digests_send()


@shared_task(**_RETRY)
def send_deadline_reminders() -> int:
    """Every six hours: remind followers of deadlines and starts coming soon."""
    return notifications.follow_reminders_send()
