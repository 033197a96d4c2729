"""Emails that follow a request's history events. Each event is notified at most once.

The task ``notify_need_event`` calls :func:`need_event_notify` after the event's transaction
commits; a periodic sweep calls it again for events whose ``notified_at`` is still empty. The
event is claimed with a conditional update first, so a task that runs twice sends once; if
rendering or sending fails the claim is released and the error propagates for the task to retry.

Each email goes in plain text and HTML, in the recipient's language: a person's preferred
language; for a contact address with no account, the request's language when the interface has
it, else the default language. Links are absolute and carry that language's prefix.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import is_helpdesk_or_site_admin

from .models import Need, NeedEvent

A = NeedEvent.Action
TEMPLATES = "needs/email"


@dataclass(frozen=True)
class Recipient:
    """Someone to email: an address, the language to write in, a name to greet."""

    email: str
    language: str
    name: str = ""


def _claim(event_id: int) -> bool:
    """Mark the event notified; False when another worker already did (idempotence)."""
    return bool(
        NeedEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    )


def _release(event_id: int) -> None:
    NeedEvent.objects.filter(pk=event_id).update(notified_at=None)


def need_event_notify(*, event_id: int) -> bool:
    """Send the emails an event calls for; True when this call sent them (or found none due)."""
    if not _claim(event_id):
        return False
    try:
        event = NeedEvent.objects.select_related(
            "need",
            "need__created_by",
            "need__country",
            "need__assigned_to",
            "need__duplicate_of",
            "actor",
        ).get(pk=event_id)
        _send_for(event)
    except Exception:
        _release(event_id)
        raise
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
    )


def _requesters(need: Need) -> list[Recipient]:
    """Who speaks for the request: the person who created it, and its contact if different."""
    recipients = []
    creator = need.created_by
    if creator is not None and creator.email:
        recipients.append(_person(creator))
    contact = need.contact_email.strip()
    if contact and (creator is None or contact.lower() != creator.email.lower()):
        account = User.objects.filter(email__iexact=contact, is_active=True).first()
        language = account.preferred_language if account is not None else need.language
        recipients.append(Recipient(contact, _interface_language(language), need.contact_name))
    return recipients


def _helpdesk() -> Recipient:
    return Recipient(settings.HELPDESK_EMAIL, settings.LANGUAGE_CODE)


def _supervisors() -> list[Recipient]:
    return [
        Recipient(email, settings.LANGUAGE_CODE) for email in settings.HELPDESK_SUPERVISOR_EMAILS
    ]


# --- What -----------------------------------------------------------------------------------------
def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _links(need: Need) -> dict[str, str]:
    """The pages an email points to, in the active language (called under its override)."""
    return {
        "manage_url": _absolute(reverse("needs:manage", kwargs={"reference": need.reference})),
        "public_url": _absolute(reverse("needs:detail", kwargs={"reference": need.reference})),
        "admin_url": _absolute(reverse("admin:needs_need_change", args=[need.pk])),
        "overdue_queue_url": _absolute(reverse("admin:needs_need_changelist") + "?age=overdue"),
    }


def _message(template: str, recipient: Recipient, context: dict) -> EmailMultiAlternatives:
    """Render ``template`` (subject, text and HTML) for ``recipient``, in their language."""
    with translation.override(recipient.language):
        context = {**context, **_links(context["need"]), "recipient": recipient}
        subject = render_to_string(f"{TEMPLATES}/{template}_subject.txt", context)
        text = render_to_string(f"{TEMPLATES}/{template}.txt", context)
        html = render_to_string(f"{TEMPLATES}/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _context(event: NeedEvent) -> dict:
    need = event.need
    return {
        "event": event,
        "need": need,
        "note": event.note,
        "response_days": settings.HELPDESK_RESPONSE_WORKING_DAYS,
        "is_public": need.visibility == Need.Visibility.PUBLIC,
    }


def _on_submitted(event: NeedEvent) -> list[EmailMultiAlternatives]:
    context = _context(event)
    return [
        *(_message("need_submitted", person, context) for person in _requesters(event.need)),
        _message("need_received", _helpdesk(), context),
    ]


def _to_requesters(template: str) -> Callable[[NeedEvent], list[EmailMultiAlternatives]]:
    def build(event: NeedEvent) -> list[EmailMultiAlternatives]:
        context = _context(event)
        return [_message(template, person, context) for person in _requesters(event.need)]

    return build


def _on_clarification_answered(event: NeedEvent) -> list[EmailMultiAlternatives]:
    assignee = event.need.assigned_to
    to = _person(assignee) if assignee is not None and assignee.is_active else _helpdesk()
    return [_message("need_clarification_answered", to, _context(event))]


def _on_withdrawn(event: NeedEvent) -> list[EmailMultiAlternatives]:
    need = event.need
    actor = event.actor
    if actor is not None and actor.pk == need.created_by_id:
        return []  # they know: they withdrew it themselves
    context = _context(event)
    return [
        _message("need_withdrawn", person, context)
        for person in _requesters(need)
        if actor is None or person.email.lower() != actor.email.lower()
    ]


def _on_message_posted(event: NeedEvent) -> list[EmailMultiAlternatives]:
    """A message goes to the other side: the help desk's to the requesters, and back."""
    need = event.need
    context = _context(event)
    actor = event.actor
    if actor is not None and is_helpdesk_or_site_admin(actor):
        return [
            _message("need_message_to_requester", person, context)
            for person in _requesters(need)
            if actor is None or person.email.lower() != actor.email.lower()
        ]
    assignee = need.assigned_to
    to = _person(assignee) if assignee is not None and assignee.is_active else _helpdesk()
    return [_message("need_message_to_helpdesk", to, context)]


def _on_escalated(event: NeedEvent) -> list[EmailMultiAlternatives]:
    context = _context(event)
    return [_message("need_escalated", person, context) for person in _supervisors()]


# What each action sends; the other actions (created, edited, assigned...) send nothing.
EMAILS_OF_ACTION: dict[str, Callable[[NeedEvent], list[EmailMultiAlternatives]]] = {
    A.SUBMITTED: _on_submitted,
    A.CLARIFICATION_REQUESTED: _to_requesters("need_clarification_requested"),
    A.CLARIFICATION_ANSWERED: _on_clarification_answered,
    A.PUBLISHED: _to_requesters("need_published"),
    A.REJECTED: _to_requesters("need_rejected"),
    A.MARKED_DUPLICATE: _to_requesters("need_marked_duplicate"),
    A.WITHDRAWN: _on_withdrawn,
    A.ESCALATED: _on_escalated,
    A.MESSAGE_POSTED: _on_message_posted,
}


def _send_for(event: NeedEvent) -> None:
    """Render every email the event calls for, then send them over one connection."""
    build = EMAILS_OF_ACTION.get(event.action)
    if build is None:
        return
    emails = build(event)
    if emails:
        get_connection().send_messages(emails)
