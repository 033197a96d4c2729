"""Emails and inbox messages of learning: invitations to a course, the certificate issued on
completion, and the completion of a course without certificate (which asks for the survey).

The tasks of ``elearning/tasks.py`` call these functions after the change commits, through the
outbox (``enqueue_reliably``): a task that fails runs again. Each message is claimed in the cache
first, so that a task delivered twice sends once; when rendering or sending fails the claim is
released and the error propagates (the inbox message, written in the same transaction, rolls
back with it).

Each person is written to in their preferred language; an invited address with no account in
the inviter's. Links are absolute and carry that language's prefix; inbox links are paths.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from chm_portal.accounts.models import User
from chm_portal.alerts.services import inbox_send

from .models import Certificate, CourseInvitation, Enrolment, EnrolmentStatus, SurveyResponse

__all__ = ["certificate_issued_notify", "course_completed_notify", "invitation_notify"]

TEMPLATES = "elearning/learning/email"
# How long a sent message is remembered (longer than any retry of its task).
_CLAIM_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Recipient:
    """Someone to write to: an address, a language, a name to greet, and the account whose inbox
    also gets the message (None for an address with no account)."""

    email: str
    language: str
    name: str = ""
    user: User | None = None


def _interface_language(code: str | None) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _person(user: User) -> Recipient:
    return Recipient(
        user.email, _interface_language(user.preferred_language), user.get_full_name(), user
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, recipient: Recipient, context: dict, *, inbox_url: str = "") -> None:
    """Render ``template`` (subject and text) for ``recipient`` in their language, put it in
    their inbox (when they have an account) and email it. ``links`` (name -> (URL name, args))
    are reversed under that language; ``inbox_url`` names the link the inbox message carries."""
    links = context.pop("links", {})
    with translation.override(recipient.language):
        paths = {name: reverse(url, args=args) for name, (url, args) in links.items()}
        context = {
            **context,
            **{name: _absolute(path) for name, path in paths.items()},
            "recipient": recipient,
        }
        subject = " ".join(render_to_string(f"{TEMPLATES}/{template}_subject.txt", context).split())
        text = render_to_string(f"{TEMPLATES}/{template}.txt", context)
        if recipient.user is not None:
            inbox_send(
                recipients=[recipient.user],
                subject=subject,
                body=text,
                url=paths.get(inbox_url, ""),
            )
    if recipient.email:
        EmailMessage(subject, text, None, [recipient.email]).send()


def _send_once(key: str, send) -> bool:
    """Call ``send()`` unless ``key`` was sent already; True when sent now."""
    if cache.add(key, True, _CLAIM_SECONDS) is False:
        return False
    try:
        with transaction.atomic():
            send()
    except Exception:
        cache.delete(key)
        raise
    return True


# --- Invitations --------------------------------------------------------------------------------
def invitation_notify(*, invitation_id: int) -> bool:
    """Email an invitation's link to the invited address while it can be accepted; an address
    with an account is also told in its inbox. True when sent now."""
    invitation = (
        CourseInvitation.objects.select_related("course__provider", "cohort", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return False
    account = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    inviter = invitation.invited_by
    if account is not None:
        recipient = _person(account)
    else:
        language = inviter.preferred_language if inviter is not None else None
        recipient = Recipient(invitation.email, _interface_language(language))

    def send() -> None:
        _send(
            "invitation",
            recipient,
            {
                "invitation": invitation,
                "course": invitation.course,
                "cohort": invitation.cohort,
                "inviter": inviter,
                "links": {
                    "accept_url": ("elearning:invitation_accept", [invitation.token]),
                    "course_url": ("elearning:course_detail", [invitation.course_id]),
                },
            },
            inbox_url="accept_url",
        )

    # The token changes when the invitation is renewed: a renewed one is sent again.
    return _send_once(f"elearning:email:invitation:{invitation_id}:{invitation.token}", send)


# --- Completion ---------------------------------------------------------------------------------
def certificate_issued_notify(*, certificate_id: int) -> bool:
    """Tell the learner their certificate is ready (PDF and verification links) and ask for the
    survey. True when sent now; nothing for a revoked certificate."""
    certificate = (
        Certificate.objects.select_related("enrolment__user", "enrolment__course")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.revoked_at is not None:
        return False
    enrolment = certificate.enrolment
    learner = enrolment.user
    if not learner.is_active:
        return False

    def send() -> None:
        _send(
            "certificate_issued",
            _person(learner),
            {
                "certificate": certificate,
                "course": enrolment.course,
                "issued_on": timezone.localtime(certificate.issued_at),
                "survey_due": not _survey_answered(enrolment),
                "links": {
                    "pdf_url": ("elearning:certificate_pdf", [certificate.pk]),
                    "verify_url": ("certificates:verify", [certificate.code]),
                    "survey_url": ("elearning:survey", [enrolment.pk]),
                    "dashboard_url": ("elearning:dashboard", []),
                },
            },
            inbox_url="dashboard_url",
        )

    return _send_once(f"elearning:email:certificate:{certificate_id}", send)


def _survey_answered(enrolment: Enrolment) -> bool:
    return SurveyResponse.objects.filter(enrolment=enrolment).exists()


def course_completed_notify(*, enrolment_id: int) -> bool:
    """Congratulate the learner on completing a course that gives no certificate, and ask for
    the survey. True when sent now."""
    enrolment = (
        Enrolment.objects.select_related("user", "course")
        .filter(pk=enrolment_id, status=EnrolmentStatus.COMPLETED)
        .first()
    )
    if enrolment is None or not enrolment.user.is_active:
        return False

    def send() -> None:
        _send(
            "course_completed",
            _person(enrolment.user),
            {
                "enrolment": enrolment,
                "course": enrolment.course,
                "survey_due": not _survey_answered(enrolment),
                "links": {
                    "survey_url": ("elearning:survey", [enrolment.pk]),
                    "dashboard_url": ("elearning:dashboard", []),
                },
            },
            inbox_url="survey_url",
        )

    return _send_once(f"elearning:email:completed:{enrolment_id}", send)
