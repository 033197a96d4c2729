"""Emails and in-portal inbox messages that follow a pilot project's history events.

The task ``notify_project_event`` calls :func:`project_event_notify` after the event's transaction
commits; the periodic sweep ``send_pending_project_notifications`` calls it again for events whose
``notified_at`` is still empty (the broker was down, or sending failed). The event is claimed with
a conditional update inside a transaction that also writes the inbox messages and sends the
emails: if anything fails, the claim and the inbox messages roll back together and the error
propagates for the task to retry, so nobody gets a message twice.

Who hears of what (the person who acted is never told of their own action):

- launched, status changed, evaluated, story published: both sides and the help desk;
- progress reported, reminded of a missing report: both sides.

The sides are those of ``rules_projects``: the requester's (the request's creator, the active
focal points of its country, and its contact address) and the provider's (the members of the
organisation, and the contact person it named when accepting). Each person is written to in
their preferred language; links are absolute and carry that language's prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from chm_portal.accounts.models import User
from chm_portal.accounts.roles import HELPDESK_GROUP
from chm_portal.alerts.services import inbox_send

from .models import Project, ProjectEvent

A = ProjectEvent.Action
TEMPLATES = "matchmaking/projects/email"

# Action -> whether the help desk is told too. Actions not listed (edited) send nothing.
AUDIENCE: dict[str, bool] = {
    A.LAUNCHED: True,
    A.STATUS_CHANGED: True,
    A.EVALUATED: True,
    A.STORY_PUBLISHED: True,
    A.REPORTED: False,
    A.REMINDED: False,
}


@dataclass(frozen=True)
class Recipient:
    """Someone to write to: an address, the language to write in, a name to greet, and the
    account whose inbox also gets the message (None for an address with no account)."""

    email: str
    language: str
    name: str = ""
    user: User | None = None


def _claim(event_id: int) -> bool:
    """Mark the event notified; False when another worker already did (idempotence)."""
    return bool(
        ProjectEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    )


def project_event_notify(*, event_id: int) -> bool:
    """Send what an event calls for; True when this call did it (or found nothing due)."""
    with transaction.atomic():
        if not _claim(event_id):
            return False
        event = ProjectEvent.objects.select_related(
            "project__match__need__country",
            "project__match__offer__provider",
            "actor",
        ).get(pk=event_id)
        _send_for(event)
    return True


# --- Who ----------------------------------------------------------------------------------------
def _interface_language(code: str) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _person(user: User) -> Recipient:
    return Recipient(
        email=user.email,
        language=_interface_language(user.preferred_language),
        name=user.get_full_name(),
        user=user,
    )


def _requester_side(project: Project) -> list[Recipient]:
    need = project.match.need
    people = User.objects.filter(is_active=True).filter(
        Q(pk=need.created_by_id)
        | Q(focal_points__country_id=need.country_id, focal_points__revoked_at__isnull=True)
    )
    recipients = [_person(user) for user in people.distinct().order_by("pk")]
    contact = need.contact_email.strip()
    if contact:
        recipients.append(Recipient(contact, _interface_language(need.language), need.contact_name))
    return recipients


def _provider_side(project: Project) -> list[Recipient]:
    match = project.match
    people = User.objects.filter(
        is_active=True, organisation_memberships__organisation_id=match.offer.provider_id
    )
    recipients = [_person(user) for user in people.distinct().order_by("pk")]
    contact = match.provider_contact_email.strip()
    if contact:
        recipients.append(Recipient(contact, settings.LANGUAGE_CODE, match.provider_contact_name))
    return recipients


def _helpdesk() -> list[Recipient]:
    """The help desk's shared address, and the inboxes of its members."""
    members = User.objects.filter(is_active=True, groups__name=HELPDESK_GROUP).distinct()
    return [
        Recipient(settings.HELPDESK_EMAIL, settings.LANGUAGE_CODE),
        *(
            Recipient("", _interface_language(user.preferred_language), user.get_full_name(), user)
            for user in members.order_by("pk")
        ),
    ]


def recipients_of(event: ProjectEvent) -> list[Recipient]:
    """Everyone the event is for, each address and each account once, the actor left out."""
    if event.action not in AUDIENCE:
        return []
    project = event.project
    candidates = [*_requester_side(project), *_provider_side(project)]
    if AUDIENCE[event.action]:
        candidates += _helpdesk()
    actor = event.actor
    seen_emails: set[str] = set()
    seen_users: set[int] = set()
    if actor is not None:
        seen_users.add(actor.pk)
        seen_emails.add(actor.email.lower())
    recipients = []
    for candidate in candidates:
        email = candidate.email.lower()
        if (candidate.user is not None and candidate.user.pk in seen_users) or (
            email and email in seen_emails
        ):
            continue
        if candidate.user is not None:
            seen_users.add(candidate.user.pk)
        if email:
            seen_emails.add(email)
        recipients.append(candidate)
    return recipients


# --- What ---------------------------------------------------------------------------------------
def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _project_path(project: Project) -> str:
    """The project's page in the active language (called under its override)."""
    return reverse("matchmaking:project_detail", kwargs={"pk": project.pk})


def _context(event: ProjectEvent, recipient: Recipient) -> dict:
    project = event.project
    return {
        "event": event,
        "action": event.action,
        "project": project,
        "note": event.note,
        "recipient": recipient,
        "project_url": _absolute(_project_path(project)),
        "report_url": _absolute(reverse("matchmaking:project_report", kwargs={"pk": project.pk})),
        "status_label": project.get_status_display(),
        "to_status_label": event.get_to_status_display(),
    }


def _render(event: ProjectEvent, recipient: Recipient) -> tuple[str, str, str]:
    """Subject, text and HTML of the event's message for ``recipient``, in their language."""
    with translation.override(recipient.language):
        context = _context(event, recipient)
        subject = render_to_string(f"{TEMPLATES}/project_event_subject.txt", context)
        text = render_to_string(f"{TEMPLATES}/project_event.txt", context)
        html = render_to_string(f"{TEMPLATES}/project_event.html", context)
    return " ".join(subject.split()), text, html


def _send_for(event: ProjectEvent) -> None:
    """Write the inbox messages (one INSERT per language), then send every email over one
    connection."""
    emails = []
    inboxes: dict[str, tuple[str, list[User]]] = {}
    for recipient in recipients_of(event):
        subject, text, html = _render(event, recipient)
        if recipient.user is not None:
            inboxes.setdefault(recipient.language, (subject, []))[1].append(recipient.user)
        if recipient.email:
            message = EmailMultiAlternatives(subject, text, None, [recipient.email])
            message.attach_alternative(html, "text/html")
            emails.append(message)
    for language, (subject, users) in inboxes.items():
        with translation.override(language):
            inbox_send(
                recipients=users,
                subject=subject,
                body=event.note,
                url=_project_path(event.project),
            )
    if emails:
        get_connection().send_messages(emails)
