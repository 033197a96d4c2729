"""Emails about partner organisations: registrations for the help desk, the help desk's decision
for the person who registered, and invitations to join.

The Celery tasks of ``partners/tasks.py`` call these functions after the change commits. Each
email is claimed in the cache first, so that a task delivered twice sends once; when rendering or
sending fails the claim is released and the error propagates for the task to retry. (A cache
outage sends rather than skips.)

Emails are plain text in the recipient's language: a person's preferred language; for an invited
address with no account, the inviter's. Links are absolute and carry that language's prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from chm_portal.accounts.models import User

from .models import Invitation, Organisation

TEMPLATES = "partners/email"
# How long a sent email is remembered (longer than any retry of its task).
_CLAIM_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Recipient:
    """Someone to email: an address, the language to write in, a name to greet."""

    email: str
    language: str
    name: str = ""


def _interface_language(code: str | None) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _person(user: User) -> Recipient:
    return Recipient(user.email, _interface_language(user.preferred_language), user.get_full_name())


def _helpdesk() -> Recipient:
    return Recipient(settings.HELPDESK_EMAIL, settings.LANGUAGE_CODE)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(template: str, recipient: Recipient, context: dict) -> EmailMessage:
    """Render ``template`` (subject and text) for ``recipient``, in their language. ``links``
    (name -> (URL name, args)) are reversed under that language, so they carry its prefix."""
    links = context.pop("links", {})
    with translation.override(recipient.language):
        context = {
            **context,
            **{name: _absolute(reverse(url, args=args)) for name, (url, args) in links.items()},
            "recipient": recipient,
        }
        subject = render_to_string(f"{TEMPLATES}/{template}_subject.txt", context)
        text = render_to_string(f"{TEMPLATES}/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), text, None, [recipient.email])


def _send_once(key: str, build) -> bool:
    """Send what ``build()`` returns unless ``key`` was sent already; True when sent now."""
    if cache.add(key, True, _CLAIM_SECONDS) is False:
        return False
    try:
        message = build()
        if message is None:
            return False
        message.send()
    except Exception:
        cache.delete(key)
        raise
    return True


# --- Registration and decision ------------------------------------------------------------------
def _organisation(organisation_id: int) -> Organisation | None:
    return (
        Organisation.objects.select_related("organisation_type", "country", "created_by")
        .filter(pk=organisation_id)
        .first()
    )


def organisation_registered_notify(*, organisation_id: int) -> bool:
    """Tell the help desk that an organisation registered and waits for its approval."""

    def build() -> EmailMessage | None:
        organisation = _organisation(organisation_id)
        if organisation is None or organisation.status != Organisation.Status.PENDING:
            return None
        return _message(
            "organisation_registered",
            _helpdesk(),
            {
                "organisation": organisation,
                "registered_by": organisation.created_by,
                "links": {
                    "admin_url": ("admin:partners_organisation_change", [organisation.pk]),
                    "page_url": ("partners:organisation_detail", [organisation.pk]),
                },
            },
        )

    return _send_once(f"partners:email:organisation-registered:{organisation_id}", build)


def organisation_decided_notify(*, organisation_id: int) -> bool:
    """Tell the person who registered an organisation that the help desk approved or rejected
    it (with the reason, when given)."""
    organisation = _organisation(organisation_id)
    if organisation is None or organisation.status == Organisation.Status.PENDING:
        return False
    founder = organisation.created_by
    if founder is None or not founder.is_active or not founder.email:
        return False

    def build() -> EmailMessage:
        return _message(
            f"organisation_{organisation.status}",
            _person(founder),
            {
                "organisation": organisation,
                "links": {
                    "page_url": ("partners:organisation_detail", [organisation.pk]),
                    "mine_url": ("partners:my_organisations", []),
                    "register_url": ("partners:organisation_register", []),
                },
            },
        )

    key = f"partners:email:organisation-decided:{organisation_id}:{organisation.status}"
    return _send_once(key, build)


# --- Invitations --------------------------------------------------------------------------------
def invitation_notify(*, invitation_id: int) -> bool:
    """Email an invitation's link to the invited address, while the invitation is open."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return False
    account = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    inviter = invitation.invited_by
    if account is not None:
        recipient = _person(account)
    else:
        language = inviter.preferred_language if inviter is not None else None
        recipient = Recipient(invitation.email, _interface_language(language))

    def build() -> EmailMessage:
        return _message(
            "invitation_sent",
            recipient,
            {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "inviter": inviter,
                "links": {"accept_url": ("partners:invitation_accept", [invitation.token])},
            },
        )

    return _send_once(f"partners:email:invitation:{invitation_id}", build)
