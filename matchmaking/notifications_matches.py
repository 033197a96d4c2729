"""Notices that follow a match's history events: an email and an in-portal inbox message to each
person concerned, in their language. Each event is notified at most once.

The task ``notify_match_event`` calls :func:`match_event_notify` after the event's transaction
commits; the periodic sweep ``send_pending_match_notifications`` calls it again for events whose
``notified_at`` is still empty (the broker was down). The event is claimed with a conditional
update inside a transaction that also writes the inbox messages: if rendering or sending fails,
the claim and the inbox messages are rolled back together and the error propagates for the task
to retry, so nobody gets an inbox message twice.

Who is told of what:

============  ======================================================================
interest      the help desk (its address; the inboxes of its members)
proposed      the provider's members; the requester side when it was their interest
accepted      the requester side and the help desk
declined      the requester side and the help desk
agreed        the provider's members and the help desk
withdrawn     everyone concerned (the provider only if the match had reached it)
completed     nobody (the project's notices say it)
============  ======================================================================

The person who acted is never told of their own step. The requester side is the request's
creator, the account of its contact address (or the address alone, by email), and the person
who expressed the interest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.alerts.services import inbox_send

from .models import Match, MatchEvent
from .selectors.matches import helpdesk_members, provider_members, requester_accounts

A = MatchEvent.Action
TEMPLATES = "matchmaking/matches/email"


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: an address, the language to write in, a name to greet, and the account
    whose inbox gets the notice (None: email only)."""

    email: str
    language: str
    name: str = ""
    user: User | None = None
    # "helpdesk" links to the admin; the sides to the match's page on the portal.
    audience: str = "side"


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str
    url: str  # a path in the recipient's language
    link_label: str


def _claim(event_id: int) -> bool:
    """Mark the event notified; False when another worker already did (idempotence)."""
    return bool(
        MatchEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    )


def match_event_notify(*, event_id: int) -> bool:
    """Send the notices an event calls for; True when this call sent them (or found none due)."""
    with transaction.atomic():
        if not _claim(event_id):
            return False
        event = MatchEvent.objects.select_related(
            "actor",
            "match",
            "match__need",
            "match__need__country",
            "match__need__created_by",
            "match__offer",
            "match__offer__provider",
            "match__created_by",
        ).get(pk=event_id)
        emails = _deliver(event)
    # Sent after the claim and the inbox messages committed; a failure before that rolled both
    # back. (A crash between the two leaves the emails unsent: rarer than a duplicate.)
    if emails:
        get_connection().send_messages(emails)
    return True


# --- Who ----------------------------------------------------------------------------------------
def _interface_language(code: str | None) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _person(user: User, audience: str = "side") -> Recipient:
    return Recipient(
        email=user.email,
        language=_interface_language(user.preferred_language),
        name=user.get_full_name(),
        user=user,
        audience=audience,
    )


def _helpdesk() -> list[Recipient]:
    """The help desk's address (email), and each member's inbox (no second email)."""
    recipients = [Recipient(settings.HELPDESK_EMAIL, settings.LANGUAGE_CODE, audience="helpdesk")]
    recipients += [
        Recipient(
            "", _interface_language(member.preferred_language), user=member, audience="helpdesk"
        )
        for member in helpdesk_members()
    ]
    return recipients


def _provider(match: Match, event: MatchEvent | None = None) -> list[Recipient]:
    return [_person(member) for member in provider_members(organisation_id=match.offer.provider_id)]


def _requesters(match: Match, event: MatchEvent | None = None) -> list[Recipient]:
    need = match.need
    extra = [match.created_by] if match.origin == Match.Origin.REQUESTER else []
    people = requester_accounts(need=need, extra=extra)
    recipients = [_person(person) for person in people]
    contact = (need.contact_email or "").strip()
    if contact and all(person.email.lower() != contact.lower() for person in people):
        recipients.append(Recipient(contact, _interface_language(need.language), need.contact_name))
    return recipients


# --- What ---------------------------------------------------------------------------------------
def _values(event: MatchEvent) -> dict[str, str]:
    match = event.match
    need = match.need
    actor = event.actor
    return {
        "reference": need.reference,
        "title": need.title,
        "country": need.country.name,
        "offer": match.offer.title,
        "provider": match.offer.provider.name,
        "actor": actor.get_full_name() if actor is not None else gettext("The portal"),
        "note": event.note,
        "contact": match.provider_contact_name,
        "email": match.provider_contact_email,
    }


def _with_note(text: str, label: str, note: str) -> str:
    return f"{text}\n\n{label} {note}" if note else text


def _interest(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("Interest in an offer for %(reference)s") % values
    body = (
        gettext(
            "%(actor)s is interested in the offer “%(offer)s” of %(provider)s for the request "
            "%(reference)s “%(title)s” (%(country)s). Propose the match to the provider, or "
            "withdraw it."
        )
        % values
    )
    return subject, _with_note(body, gettext("Their note:"), values["note"])


def _proposed(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("A request for assistance is proposed to %(provider)s") % values
    body = (
        gettext(
            "The help desk proposes that %(provider)s supports the request %(reference)s "
            "“%(title)s” (%(country)s) with the offer “%(offer)s”. Accept it, naming a contact "
            "person, or decline it with a reason."
        )
        % values
    )
    return subject, _with_note(body, gettext("Message from the help desk:"), values["note"])


def _interest_passed_on(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("Your interest in “%(offer)s” was passed to the provider") % values
    body = (
        gettext(
            "The help desk proposed your request %(reference)s “%(title)s” to %(provider)s for "
            "the offer “%(offer)s”. You will be told of their answer."
        )
        % values
    )
    return subject, body


def _accepted(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("%(provider)s accepts to support %(reference)s") % values
    if recipient.audience == "helpdesk":
        body = (
            gettext(
                "%(provider)s accepted the match of the request %(reference)s “%(title)s” with "
                "the offer “%(offer)s”; the requester is asked to confirm it."
            )
            % values
        )
    else:
        body = (
            gettext(
                "%(provider)s accepted the match of your request %(reference)s “%(title)s” with "
                "the offer “%(offer)s”. Their contact person is %(contact)s (%(email)s). Confirm "
                "the match to agree on it."
            )
            % values
        )
    return subject, _with_note(body, gettext("Their message:"), values["note"])


def _declined(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("%(provider)s declines the match for %(reference)s") % values
    body = (
        gettext(
            "%(provider)s declined the match of the request %(reference)s “%(title)s” with the "
            "offer “%(offer)s”."
        )
        % values
    )
    return subject, _with_note(body, gettext("Their reason:"), values["note"])


def _agreed(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("Match agreed: %(reference)s and “%(offer)s”") % values
    body = (
        gettext(
            "The requester confirmed the match of the request %(reference)s “%(title)s” with the "
            "offer “%(offer)s” of %(provider)s. It is agreed: a pilot project can now be launched."
        )
        % values
    )
    return subject, body


def _withdrawn(values: dict[str, str], recipient: Recipient) -> tuple[str, str]:
    subject = gettext("Match withdrawn: %(reference)s and “%(offer)s”") % values
    body = (
        gettext(
            "%(actor)s withdrew the match of the request %(reference)s “%(title)s” with the "
            "offer “%(offer)s” of %(provider)s."
        )
        % values
    )
    return subject, _with_note(body, gettext("Reason:"), values["note"])


Writer = Callable[[dict[str, str], Recipient], tuple[str, str]]
# Who is told: (match, event) -> recipients.
Audience = Callable[[Match, MatchEvent], list[Recipient]]


def _when_requester_interest(audience: Audience) -> Audience:
    def recipients(match: Match, event: MatchEvent) -> list[Recipient]:
        return audience(match, event) if match.origin == Match.Origin.REQUESTER else []

    return recipients


def _when_proposed(audience: Audience) -> Audience:
    def recipients(match: Match, event: MatchEvent) -> list[Recipient]:
        return audience(match, event) if match.proposed_at is not None else []

    return recipients


def _helpdesk_audience(match: Match, event: MatchEvent) -> list[Recipient]:
    return _helpdesk()


def _helpdesk_unless_it_acted(match: Match, event: MatchEvent) -> list[Recipient]:
    """The help desk, unless one of its members took the step (the others see it in the admin)."""
    if event.actor is not None and is_helpdesk_or_site_admin(event.actor):
        return []
    return _helpdesk()


# What each action sends: (who, what). Actions not listed (completed, note) send nothing.
NOTICES_OF_ACTION: dict[str, list[tuple[Audience, Writer]]] = {
    A.INTEREST: [(_helpdesk_audience, _interest)],
    A.PROPOSED: [
        (_provider, _proposed),
        (_when_requester_interest(_requesters), _interest_passed_on),
    ],
    A.ACCEPTED: [(_requesters, _accepted), (_helpdesk_audience, _accepted)],
    A.DECLINED: [(_requesters, _declined), (_helpdesk_audience, _declined)],
    A.AGREED: [(_provider, _agreed), (_helpdesk_audience, _agreed)],
    A.WITHDRAWN: [
        (_requesters, _withdrawn),
        (_when_proposed(_provider), _withdrawn),
        (_helpdesk_unless_it_acted, _withdrawn),
    ],
}


def _link(match: Match, recipient: Recipient) -> tuple[str, str]:
    """The page where the recipient acts, in the active language, and its button's label."""
    if recipient.audience == "helpdesk":
        return (
            reverse("admin:matchmaking_match_change", args=[match.pk]),
            gettext("Open the match in the administration"),
        )
    return reverse("matchmaking:match_detail", args=[match.pk]), gettext("Open the match")


def _notice(event: MatchEvent, recipient: Recipient, write: Writer) -> Notice:
    """The notice in the recipient's language (called under its override)."""
    subject, body = write(_values(event), recipient)
    url, label = _link(event.match, recipient)
    return Notice(subject=" ".join(subject.split()), body=body, url=url, link_label=label)


def _email(recipient: Recipient, notice: Notice, event: MatchEvent) -> EmailMultiAlternatives:
    context = {
        "recipient": recipient,
        "notice": notice,
        "url": settings.SITE_URL.rstrip("/") + notice.url,
        "event": event,
        "match": event.match,
    }
    text = render_to_string(f"{TEMPLATES}/notice.txt", context)
    html = render_to_string(f"{TEMPLATES}/notice.html", context)
    message = EmailMultiAlternatives(notice.subject, text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _is_actor(recipient: Recipient, actor: User | None) -> bool:
    if actor is None:
        return False
    if recipient.user is not None:
        return recipient.user.pk == actor.pk
    return bool(recipient.email) and recipient.email.lower() == actor.email.lower()


def _deliver(event: MatchEvent) -> list[EmailMultiAlternatives]:
    """Write the inbox messages the event calls for (in this transaction) and return the emails
    to send."""
    emails: list[EmailMultiAlternatives] = []
    # (subject, body, url) -> accounts: one INSERT per distinct notice (per language, mostly).
    inbox: dict[tuple[str, str, str], list[User]] = defaultdict(list)
    seen: set[tuple[str, int | str]] = set()
    for audience, write in NOTICES_OF_ACTION.get(event.action, []):
        for recipient in audience(event.match, event):
            if _is_actor(recipient, event.actor):
                continue
            key = ("user", recipient.user.pk) if recipient.user else ("email", recipient.email)
            if key in seen:
                continue
            seen.add(key)
            with translation.override(recipient.language):
                notice = _notice(event, recipient, write)
                if recipient.email:
                    emails.append(_email(recipient, notice, event))
            if recipient.user is not None:
                inbox[(notice.subject, notice.body, notice.url)].append(recipient.user)
    for (subject, body, url), users in inbox.items():
        inbox_send(recipients=users, subject=subject, body=body, url=url)
    return emails
