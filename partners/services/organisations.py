"""Writes: one typed function per state change, called by views, API, admin and tasks.

Each function checks permission and state first, then changes. Errors are ``PermissionDenied``
or ``ValidationError`` with translated messages meant for the person.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import forget_cached_roles
from chm_portal.vocabularies.models import Country, OrganisationType

from ..models import Membership, Organisation

__all__ = [
    "membership_add",
    "organisation_approve",
    "organisation_register",
    "organisation_reject",
]

_CHECKED_FIELDS = {"name", "acronym", "website"}


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
) -> Organisation:
    """Register a partner organisation, pending the help desk's approval; ``by`` becomes its
    first administrator."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Sign in to register an organisation."))
    if not name.strip():
        raise ValidationError({"name": _("Give the organisation's name.")})
    organisation = Organisation(
        name=name.strip(),
        acronym=acronym.strip(),
        organisation_type=organisation_type,
        country=country,
        website=website.strip(),
        description=description.strip(),
        status=Organisation.Status.PENDING,
        created_by=by,
    )
    # Lengths and the website's format; translation columns are filled by modeltranslation.
    organisation.clean_fields(
        exclude=[f.name for f in Organisation._meta.fields if f.name not in _CHECKED_FIELDS]
    )
    organisation.save()
    Membership.objects.create(
        user=by, organisation=organisation, role=Membership.Role.ADMIN, added_by=by
    )
    forget_cached_roles(by)
    return organisation


def _decide(*, organisation: Organisation, by: User, status: str) -> Organisation:
    if not by.has_perm("partners.approve_organisation", organisation):
        raise PermissionDenied(_("Only the help desk approves organisations."))
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status != Organisation.Status.PENDING:
        raise ValidationError(_("This organisation has already been decided."))
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    organisation.status = status
    return locked


@transaction.atomic
def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    """Approve a pending organisation (help desk): it becomes public. Locks the row."""
    return _decide(organisation=organisation, by=by, status=Organisation.Status.APPROVED)


@transaction.atomic
def organisation_reject(*, organisation: Organisation, by: User) -> Organisation:
    """Reject a pending organisation (help desk): it stays visible to its members only."""
    return _decide(organisation=organisation, by=by, status=Organisation.Status.REJECTED)


@transaction.atomic
def membership_add(*, organisation: Organisation, user: User, role: str, by: User) -> Membership:
    """Add a person to an organisation (its administrators or the help desk)."""
    if not by.has_perm("partners.manage_members", organisation):
        raise PermissionDenied(_("Only the organisation's administrators add members."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
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
