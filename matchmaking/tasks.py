"""Celery tasks: thin and idempotent; they take ids and call services."""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone


# --- Suggestions (the engine) ------------------------------------------------------------------
@shared_task
def process_suggestion_refreshes() -> int:
    """Compute the suggestions whose request or offers changed (debounced); returns how many
    refreshes were handled. Sent after each change and run every minute by beat."""
    from .services.suggestions import suggestions_process_refreshes

    return suggestions_process_refreshes()


@shared_task
def refresh_all_suggestions() -> int:
    """Nightly: recompute every open request's suggestions, in chunks; returns the chunks sent."""
    from .services.suggestions import suggestions_refresh_all

    return suggestions_refresh_all()


@shared_task
def refresh_suggestions_chunk(need_ids: list[int]) -> int:
    """Recompute the suggestions of ``need_ids``; returns the rows stored. Idempotent."""
    from .services.suggestions import suggestions_refresh_needs

    return suggestions_refresh_needs(need_ids=need_ids)


# --- Pilot projects (notifications, reminders) ---------------------------------------------------
# Project events younger than this are left to the task sent when they were recorded.
PROJECT_SWEEP_GRACE = timedelta(minutes=2)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_project_event(event_id: int) -> bool:
    """Email and tell in their inbox the people concerned by a project's history event (once)."""
    from .notifications_projects import project_event_notify

    return project_event_notify(event_id=event_id)


@shared_task
def send_pending_project_notifications() -> int:
    """Every few minutes (Celery beat): send again the project notifications lost while the
    broker was down or the mail server failed."""
    from chm_portal.core.background import send_task_safely

    from .models import ProjectEvent

    pending = ProjectEvent.objects.filter(
        notified_at__isnull=True, created_at__lt=timezone.now() - PROJECT_SWEEP_GRACE
    ).values_list("pk", flat=True)[:500]
    return sum(send_task_safely(notify_project_event, event_id) for event_id in pending)


@shared_task
def remind_overdue_projects() -> int:
    """Daily (Celery beat): remind both sides of running projects whose report is overdue."""
    from .services.projects import projects_remind_overdue

    return len(projects_remind_overdue())


# --- Matches (the Bio-Bridge workflow's notifications) ---------------------------------------
# Match events younger than this are left to the task sent when they were recorded.
MATCH_SWEEP_GRACE = timedelta(minutes=2)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_match_event(event_id: int) -> bool:
    """Email and tell in their inbox the people concerned by a match's history event (once)."""
    from .notifications_matches import match_event_notify

    return match_event_notify(event_id=event_id)


@shared_task
def send_pending_match_notifications() -> int:
    """Every few minutes (Celery beat): send again the match notifications lost while the broker
    was down or the mail server failed; returns how many tasks were sent."""
    from chm_portal.core.background import send_task_safely

    from .models import MatchEvent

    pending = MatchEvent.objects.filter(
        notified_at__isnull=True, created_at__lt=timezone.now() - MATCH_SWEEP_GRACE
    ).values_list("pk", flat=True)[:500]
    return sum(send_task_safely(notify_match_event, event_id) for event_id in pending)
