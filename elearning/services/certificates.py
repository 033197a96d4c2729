"""Writes of certificates of completion: their codes, issuing, revoking, and the public check.

A certificate is issued once per completed enrolment of a course that offers one; it copies the
learner's name, the course's title and the provider's name, so that the public verification page
(``/certificates/verify/<code>/``) confirms what the certificate says even when the course changes.

Codes are 16 Crockford base-32 characters shown as ``XXXX-XXXX-XXXX-XXXX``: 14 random characters
from :mod:`secrets` (70 bits: not guessable) and a 2-character checksum of them, so that a mistyped
or altered code is recognised as invalid before any lookup. Crockford's alphabet has no I, L, O or
U; when reading a code, case, spaces and dashes do not matter and I/L/O read as 1/1/0.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core.background import enqueue_reliably
from chm_portal.core.validators import validate_no_markup

from ..models import Certificate, Enrolment, EnrolmentStatus

__all__ = [
    "CODE_ALPHABET",
    "format_certificate_code",
    "issue_certificate",
    "new_certificate_code",
    "normalise_certificate_code",
    "revoke_certificate",
    "verify",
]

# Crockford's base 32: digits and letters without I, L, O and U.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_LENGTH = 14
_CHECK_LENGTH = 2
CODE_LENGTH = _RANDOM_LENGTH + _CHECK_LENGTH
# What people may type for a character that is not in the alphabet.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_\t\n\u00a0\u2010\u2011\u2012\u2013\u2014")
_REVOCATION_REASON_LENGTH = Certificate._meta.get_field("revocation_reason").max_length


def _checksum(body: str) -> str:
    """Two characters (10 bits) of a hash of ``body``: a typo or a changed character is caught
    with a probability of 1023/1024."""
    digest = hashlib.sha256(f"chm-certificate:{body}".encode()).digest()
    value = int.from_bytes(digest[:2], "big") >> (16 - 5 * _CHECK_LENGTH)
    return "".join(
        CODE_ALPHABET[(value >> (5 * (_CHECK_LENGTH - 1 - i))) & 31] for i in range(_CHECK_LENGTH)
    )


def format_certificate_code(compact: str) -> str:
    """``ABCDEFGHJKMNPQRS`` -> ``ABCD-EFGH-JKMN-PQRS``."""
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def new_certificate_code() -> str:
    """A fresh, unguessable code with its checksum, formatted ``XXXX-XXXX-XXXX-XXXX``."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _i in range(_RANDOM_LENGTH))
    return format_certificate_code(body + _checksum(body))


def normalise_certificate_code(code: str) -> str | None:
    """The formatted code ``code`` stands for, or None when it cannot be a certificate's code
    (wrong length, characters outside the alphabet, or a checksum that does not match)."""
    compact = str(code or "").upper().translate(_SEPARATORS).translate(_READ_AS)
    if len(compact) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in compact):
        return None
    body, check = compact[:_RANDOM_LENGTH], compact[_RANDOM_LENGTH:]
    if not secrets.compare_digest(_checksum(body), check):
        return None
    return format_certificate_code(compact)


def verify(code: str) -> Certificate | None:
    """The certificate with ``code`` (revoked ones too: the caller says so), or None when the
    code is malformed, was altered, or belongs to no certificate. No query for a malformed code."""
    formatted = normalise_certificate_code(code)
    if formatted is None:
        return None
    return Certificate.objects.select_related("enrolment__course").filter(code=formatted).first()


def _learner_language(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


@transaction.atomic
def issue_certificate(*, enrolment: Enrolment) -> Certificate:
    """The certificate of ``enrolment``, issued now unless it already exists (idempotent).

    Refused (translated ``ValidationError``) unless the enrolment is completed and its course
    offers a certificate. The course's title is copied in the learner's language. The learner is
    emailed and told in their inbox after commit. Locks the enrolment.
    """
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course__provider", "user")
        .get(pk=enrolment.pk)
    )
    existing = Certificate.objects.filter(enrolment=locked).first()
    if existing is not None:
        return existing
    if locked.status != EnrolmentStatus.COMPLETED:
        raise ValidationError(
            _("A certificate is issued only once the whole course is completed."),
            code="not_completed",
        )
    course = locked.course
    if not course.certificate_offered:
        raise ValidationError(
            _("This course does not offer a certificate of completion."), code="not_offered"
        )
    with translation.override(_learner_language(locked.user)):
        course_title = str(course.title)
    fields = {
        "enrolment": locked,
        "learner_name": locked.user.get_full_name()[:200],
        "course_title": course_title[:300],
        "provider_name": course.provider.name[:300],
        "issued_at": timezone.now(),
    }
    for attempt in range(5):  # a collision of 70 random bits: practically never
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(code=new_certificate_code(), **fields)
            break
        except IntegrityError:
            if attempt == 4:
                raise
    from .. import tasks  # the tasks import the services: resolved at call time

    enqueue_reliably(tasks.send_certificate_issued, certificate.pk)
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate (help desk, site administrators), with the reason the verification
    page shows. Refused when already revoked. Locks the certificate."""
    if not is_helpdesk_or_site_admin(by):
        raise PermissionDenied(_("Only the help desk may revoke a certificate."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"revocation_reason": _("Say why the certificate is revoked.")})
    if len(reason) > _REVOCATION_REASON_LENGTH:
        raise ValidationError(
            {
                "revocation_reason": _("Keep the reason under %(count)s characters.")
                % {"count": _REVOCATION_REASON_LENGTH}
            }
        )
    try:
        validate_no_markup(reason)
    except ValidationError as error:
        raise ValidationError({"revocation_reason": error.messages}) from error
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."), code="revoked")
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revocation_reason"])
    certificate.revoked_at, certificate.revocation_reason = locked.revoked_at, reason
    return locked
