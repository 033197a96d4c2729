"""Celery tasks: thin and idempotent; they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import (
    notifications_learning,
    tasks_communities,  # noqa: F401 - Celery finds the communities' tasks here
)


# --- Learning: invitations, certificates, completion ---------------------------------------------
# Sent through the outbox (``enqueue_reliably``): a task that fails runs again, and each message
# is claimed once (``elearning/notifications_learning.py``).
@shared_task
def send_course_invitation(invitation_id: int) -> bool:
    """Email (and tell in their inbox) an invited person the link to join a course."""
    return notifications_learning.invitation_notify(invitation_id=invitation_id)


@shared_task
def send_certificate_issued(certificate_id: int) -> bool:
    """Tell a learner, in their language, that their certificate of completion is ready."""
    return notifications_learning.certificate_issued_notify(certificate_id=certificate_id)


@shared_task
def send_course_completed(enrolment_id: int) -> bool:
    """Congratulate a learner on completing a course without certificate; ask for the survey."""
    return notifications_learning.course_completed_notify(enrolment_id=enrolment_id)
