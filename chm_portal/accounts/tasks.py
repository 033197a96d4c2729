"""Celery tasks: thin and idempotent; they take ids and call the notification services."""

from smtplib import SMTPException

from celery import shared_task

from . import notifications

# Transient failures of the mail server: retry with exponential backoff.
_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**_RETRY)
def notify_helpdesk_of_role_request(role_request_id: int) -> bool:
    """Email the help desk about a new role request (once)."""
    return notifications.role_request_notify_helpdesk(role_request_id=role_request_id)


@shared_task(**_RETRY)
def notify_requester_of_decision(role_request_id: int) -> bool:
    """Email the requester the decision on their role request (once)."""
    return notifications.role_request_notify_requester(role_request_id=role_request_id)


@shared_task(**_RETRY)
def remind_pending_role_requests() -> int:
    """Daily (Celery beat): digest of role requests pending more than three days."""
    return notifications.role_requests_remind_helpdesk()
