"""Emails about role requests, sent by the tasks in ``tasks.py``.

Each function claims its row with a conditional update before sending, so that a task that runs
twice (a retry, a duplicate delivery) sends one email; if sending fails the claim is released and
the exception propagates for the task to retry.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import RoleRequest
from .selectors import role_requests_pending

# Requests waiting longer than this appear in the help desk's daily reminder.
PENDING_REMINDER_AFTER = timedelta(days=3)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render_email(template_prefix: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    body = render_to_string(f"{template_prefix}.txt", context)
    return " ".join(subject.split()), body


def _claimed(role_request_id: int, field: str, **conditions) -> bool:
    claimed = RoleRequest.objects.filter(
        pk=role_request_id, **{f"{field}__isnull": True}, **conditions
    ).update(**{field: timezone.now()})
    return claimed == 1


def _release(role_request_id: int, field: str) -> None:
    RoleRequest.objects.filter(pk=role_request_id).update(**{field: None})


def _send_once(role_request_id: int, field: str, send: Callable[[], None], **conditions) -> bool:
    if not _claimed(role_request_id, field, **conditions):
        return False
    try:
        send()
    except Exception:
        _release(role_request_id, field)
        raise
    return True


def role_request_notify_helpdesk(*, role_request_id: int) -> bool:
    """Tell the help desk that a role request is waiting. Returns whether an email went out."""
    role_request = RoleRequest.objects.select_related("user", "country").get(pk=role_request_id)

    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "role_request": role_request,
                "admin_url": _absolute(
                    reverse("admin:accounts_rolerequest_change", args=[role_request.pk])
                ),
            }
            subject, body = _render_email("accounts/email/role_request_received", context)
        send_mail(subject, body, None, [settings.HELPDESK_EMAIL])

    return _send_once(role_request_id, "helpdesk_notified_at", send)


def role_request_notify_requester(*, role_request_id: int) -> bool:
    """Tell the requester the decision, in their language. Returns whether an email went out."""
    role_request = RoleRequest.objects.select_related("user", "country").get(pk=role_request_id)
    if role_request.is_pending:
        return False
    user = role_request.user

    def send() -> None:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "role_request": role_request,
                "user": user,
                "approved": role_request.status == RoleRequest.Status.APPROVED,
                "profile_url": _absolute(reverse("accounts:profile")),
            }
            subject, body = _render_email("accounts/email/role_request_decided", context)
        send_mail(subject, body, None, [user.email])

    return _send_once(
        role_request_id,
        "requester_notified_at",
        send,
        status__in=[RoleRequest.Status.APPROVED, RoleRequest.Status.REJECTED],
    )


def role_requests_remind_helpdesk(*, older_than: timedelta = PENDING_REMINDER_AFTER) -> int:
    """Email the help desk a digest of requests pending longer than ``older_than``.

    Returns the number of requests listed (no email when there are none).
    """
    waiting = list(role_requests_pending(created_before=timezone.now() - older_than))
    if not waiting:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "role_requests": waiting,
            "days": older_than.days,
            "queue_url": _absolute(
                reverse("admin:accounts_rolerequest_changelist") + "?status__exact=pending"
            ),
        }
        subject, body = _render_email("accounts/email/role_requests_reminder", context)
    send_mail(subject, body, None, [settings.HELPDESK_EMAIL])
    return len(waiting)
