"""Writes: partner organisations (registration, approval, profile), members and invitations.

Each function checks permission and state first, then changes. Errors are ``PermissionDenied``
or ``ValidationError`` with translated messages meant for the person. Emails are sent by Celery
tasks (``partners/tasks.py``) enqueued after the transaction commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import forget_cached_roles
from chm_portal.core.background import enqueue_reliably
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country, OrganisationType

from ..models import Invitation, Membership, Organisation

__all__ = [
    "INVITATION_VALIDITY",
    "ORGANISATION_RELATED_FIELDS",
    "invitation_accept",
    "invitation_check",
    "invitation_revoke",
    "invitation_send",
    "membership_add",
    "membership_change_role",
    "membership_remove",
    "organisation_approve",
    "organisation_editable_fields",
    "organisation_register",
    "organisation_reject",
    "organisation_update",
]

# How long an invitation link may be used.
INVITATION_VALIDITY = timedelta(days=14)
# The vocabularies and places an organisation's profile lists (many-to-many relations).
ORGANISATION_RELATED_FIELDS = (
    "countries_of_operation",
    "regions_of_operation",
    "targets",
    "thematic_areas",
    "support_types",
    "languages",
)
# Profile fields members change directly; name and description go by language (name_en...).
_PROFILE_FIELDS = (
    "acronym",
    "organisation_type",
    "country",
    "website",
    "logo",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_TRANSLATED_FIELDS = ("name", "description")
# What the help desk and the system set, never the registration or profile forms.
_NOT_VALIDATED = ("created_by", "decided_by", "source")


def _content_languages() -> list[str]:
    return [code for code, _name in settings.CONTENT_LANGUAGES]


def _column(field: str, language: str) -> str:
    return build_localized_fieldname(field, language.replace("-", "_"))


def organisation_editable_fields() -> tuple[str, ...]:
    """The keys :func:`organisation_update` accepts in ``data``: the profile fields and the
    name and description in every content language (``name_en``, ``description_fr``...)."""
    translated = tuple(
        _column(field, language)
        for field in _TRANSLATED_FIELDS
        for language in _content_languages()
    )
    return (*translated, *_PROFILE_FIELDS)


def _content_language(language: str | None) -> str:
    """``language`` if content may be written in it, else the active language, else English."""
    codes = _content_languages()
    for candidate in (language, translation.get_language()):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _validate(organisation: Organisation) -> None:
    """The model's field validators (formats, markup, the logo's type and size) and clean()."""
    organisation.full_clean(exclude=list(_NOT_VALIDATED), validate_constraints=False)


def _set_relations(organisation: Organisation, relations: Mapping[str, Iterable[Model]]) -> None:
    unknown = set(relations) - set(ORGANISATION_RELATED_FIELDS)
    if unknown:
        raise ValueError(f"Not relations of an organisation's profile: {sorted(unknown)}")
    for name, values in relations.items():
        getattr(organisation, name).set(list(values))


def _enqueue(task_name: str, *args: int) -> None:
    # The tasks import the services (the scheduled ones call them): resolve the cycle at call time.
    from .. import tasks

    enqueue_reliably(getattr(tasks, task_name), *args)


# --- Registration and approval ------------------------------------------------------------------
@transaction.atomic
def organisation_register(
    *,
    by: User,
    name: str,
    organisation_type: OrganisationType,
    country: Country | None,
    acronym: str = "",
    website: str = "",
    description: str = "",
    language: str | None = None,
    logo: UploadedFile | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    relations: Mapping[str, Iterable[Model]] | None = None,
) -> Organisation:
    """Register a partner organisation, pending the help desk's approval; ``by`` becomes its
    first administrator and the help desk is told by email.

    ``name`` and ``description`` are written in ``language`` (default: the active language)
    and stored in that language's columns. ``relations`` maps the names in
    :data:`ORGANISATION_RELATED_FIELDS` to the terms, countries or regions chosen.
    """
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Sign in to register an organisation."))
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the organisation's name.")})
    language = _content_language(language)
    organisation = Organisation(
        acronym=_clean(acronym),
        organisation_type=organisation_type,
        country=country,
        website=_clean(website),
        contact_name=_clean(contact_name),
        contact_email=_clean(contact_email),
        contact_phone=_clean(contact_phone),
        status=Organisation.Status.PENDING,
        created_by=by,
    )
    setattr(organisation, _column("name", language), _clean(name))
    setattr(organisation, _column("description", language), _clean(description))
    if logo:
        organisation.logo = logo
    _validate(organisation)
    organisation.save()
    _set_relations(organisation, relations or {})
    Membership.objects.create(
        user=by, organisation=organisation, role=Membership.Role.ADMIN, added_by=by
    )
    forget_cached_roles(by)
    _enqueue("notify_organisation_registered", organisation.pk)
    return organisation


def _decide(*, organisation: Organisation, by: User, status: str, reason: str = "") -> Organisation:
    if not by.has_perm("partners.approve_organisation", organisation):
        raise PermissionDenied(_("Only the help desk approves organisations."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status != Organisation.Status.PENDING:
        raise ValidationError(_("This organisation has already been decided."))
    reason = _clean(reason or "")
    try:
        validate_no_markup(reason)
    except ValidationError as exc:
        raise ValidationError({"rejection_reason": exc.messages}) from exc
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.rejection_reason = reason
    locked.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason", "updated_at"]
    )
    organisation.status = locked.status
    organisation.decided_at = locked.decided_at
    organisation.decided_by = by
    organisation.rejection_reason = reason
    # The person who registered it hears of the decision, in their language.
    _enqueue("notify_organisation_decided", locked.pk)
    return locked


@transaction.atomic
def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    """Approve a pending organisation (help desk): it becomes public. Locks the row."""
    return _decide(organisation=organisation, by=by, status=Organisation.Status.APPROVED)


@transaction.atomic
def organisation_reject(
    *, organisation: Organisation, by: User, rejection_reason: str = ""
) -> Organisation:
    """Reject a pending organisation (help desk): it stays visible to its members only. The
    reason, when given, is sent to the person who registered it. Locks the row."""
    return _decide(
        organisation=organisation,
        by=by,
        status=Organisation.Status.REJECTED,
        reason=rejection_reason,
    )


# --- Profile ------------------------------------------------------------------------------------
@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by: User,
    data: Mapping[str, Any],
    relations: Mapping[str, Iterable[Model]] | None = None,
) -> Organisation:
    """Change an organisation's profile (its administrators or the help desk). Locks the row.

    ``data`` holds keys of :func:`organisation_editable_fields`; those left out keep their
    value. ``data["logo"]`` is a new upload, or None (or "") to remove the logo. ``relations``
    replaces the listed relations (see :data:`ORGANISATION_RELATED_FIELDS`).
    """
    if not by.has_perm("partners.change_organisation", organisation):
        raise PermissionDenied(_("Only the organisation's administrators change its profile."))
    unknown = set(data) - set(organisation_editable_fields())
    if unknown:
        raise ValueError(f"Not editable fields of an organisation: {sorted(unknown)}")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in data.items():
        if name == "logo":
            locked.logo = value or ""
        elif value is None and not Organisation._meta.get_field(name).is_relation:
            setattr(locked, name, "")  # an emptied text field
        else:
            setattr(locked, name, _clean(value))
    names = [getattr(locked, _column("name", code)) for code in _content_languages()]
    if not any(names):
        raise ValidationError(
            {
                _column("name", settings.LANGUAGE_CODE): _(
                    "Give the organisation's name in at least one language."
                )
            }
        )
    _validate(locked)
    locked.save()
    _set_relations(locked, relations or {})
    return locked


# --- Members ------------------------------------------------------------------------------------
def _check_manager(organisation: Organisation, by: User) -> None:
    if not by.has_perm("partners.manage_members", organisation):
        raise PermissionDenied(_("Only the organisation's administrators manage its members."))


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})


def _forget_roles(*users: User) -> None:
    for user in users:
        forget_cached_roles(user)


@transaction.atomic
def membership_add(*, organisation: Organisation, user: User, role: str, by: User) -> Membership:
    """Add a person to an organisation (its administrators or the help desk)."""
    if not by.has_perm("partners.manage_members", organisation):
        raise PermissionDenied(_("Only the organisation's administrators add members."))
    _check_role(role)
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    duplicate = ValidationError({"user": _("This person already is a member of the organisation.")})
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise duplicate
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=organisation, user=user, role=role, added_by=by
            )
    except IntegrityError as exc:
        raise duplicate from exc
    forget_cached_roles(user)
    return membership


def _lock_membership(membership: Membership) -> Membership:
    """Lock the organisation (members change one at a time) and reload the membership."""
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    try:
        return (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
    except Membership.DoesNotExist as exc:
        raise ValidationError(_("This person is no longer a member of the organisation.")) from exc


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Membership.Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    )


_LAST_ADMIN = _(
    "An organisation needs at least one administrator: make another member administrator first."
)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Make a member administrator or editor (administrators of the organisation, help desk).
    The last administrator stays one. Locks the organisation."""
    _check_manager(membership.organisation, by)
    _check_role(role)
    locked = _lock_membership(membership)
    if locked.role == role:
        return locked
    if locked.role == Membership.Role.ADMIN and not _other_admins(locked):
        raise ValidationError({"role": _LAST_ADMIN})
    locked.role = role
    locked.save(update_fields=["role"])
    _forget_roles(locked.user, membership.user, by)
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member (administrators of the organisation, help desk); administrators may
    remove themselves. The last administrator stays. Locks the organisation."""
    _check_manager(membership.organisation, by)
    locked = _lock_membership(membership)
    if locked.role == Membership.Role.ADMIN and not _other_admins(locked):
        raise ValidationError(_LAST_ADMIN)
    user = locked.user
    locked.delete()
    _forget_roles(user, membership.user, by)


# --- Invitations --------------------------------------------------------------------------------
@transaction.atomic
def invitation_send(*, organisation: Organisation, email: str, role: str, by: User) -> Invitation:
    """Invite someone by email to join the organisation with ``role`` (its administrators or
    the help desk). The link is valid for :data:`INVITATION_VALIDITY` and emailed after commit.
    An expired invitation to the same address is withdrawn and replaced. Locks the organisation.
    """
    _check_manager(organisation, by)
    _check_role(role)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("The person with this address already is a member of the organisation.")}
        )
    now = timezone.now()
    still_open = Invitation.objects.select_for_update().filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    for earlier in still_open:
        if earlier.expires_at > now:
            raise ValidationError(
                {
                    "email": _(
                        "This address was already invited on %(date)s and the invitation is "
                        "still valid; withdraw it first to send a new one."
                    )
                    % {"date": formats.date_format(earlier.created_at, "DATE_FORMAT")}
                }
            )
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    _enqueue("send_organisation_invitation", invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation not yet accepted (administrators of the organisation, help
    desk): its link stops working. Locks the invitation."""
    _check_manager(invitation.organisation, by)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted; remove the member instead."))
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    invitation.revoked_at = locked.revoked_at
    return locked


def invitation_check(*, invitation: Invitation, by: User) -> None:
    """Raise the ValidationError that says why ``by`` cannot accept ``invitation`` now (it was
    withdrawn, used, has expired, or they already are a member); nothing when they can."""
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was withdrawn. Ask the organisation's administrators for a new one.")
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            _(
                "This invitation was already used. Ask the organisation's administrators for a "
                "new one."
            )
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _(
                "This invitation expired on %(date)s. Ask the organisation's administrators for a "
                "new one."
            )
            % {"date": formats.date_format(invitation.expires_at, "DATE_FORMAT")}
        )
    if (
        by.is_authenticated
        and Membership.objects.filter(organisation_id=invitation.organisation_id, user=by).exists()
    ):
        raise ValidationError(
            _("You already are a member of %(organisation)s.")
            % {"organisation": invitation.organisation.name}
        )


@transaction.atomic
def invitation_accept(*, token: str, by: User) -> Membership:
    """Join an organisation with the invitation whose link carries ``token``: ``by`` (signed in
    with any address) becomes a member with the invitation's role. A link works once, until it
    expires or is withdrawn. Locks the organisation and the invitation."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Sign in to accept an invitation."))
    invitation = Invitation.objects.filter(token=token or "").only("organisation_id").first()
    if invitation is None:
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    invitation_check(invitation=invitation, by=by)
    membership = Membership.objects.create(
        organisation=invitation.organisation,
        user=by,
        role=invitation.role,
        added_by=invitation.invited_by,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_cached_roles(by)
    return membership
