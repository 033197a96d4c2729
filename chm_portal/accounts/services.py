"""Writes: one typed function per state change, called by views, API, admin and tasks.

Each function checks first (permission, then the current state, with the row locked for workflow
transitions) and then changes; emails go out from Celery tasks after the transaction commits.
Errors are ``PermissionDenied`` (the person may not do this) or ``ValidationError`` (the request
does not make sense now), with translated messages meant for the person.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.vocabularies.models import Country

from . import tasks
from .models import FocalPoint, RoleRequest, User
from .predicates import forget_cached_roles
from .roles import (
    REQUESTABLE_ROLES,
    STAFF_GROUP_NAMES,
    STAFF_ROLE_GROUPS,
    STAFF_ROLES,
    FocalPointKind,
    Role,
)

DUPLICATE_PENDING_MESSAGE = _(
    "You already have a pending request for this role; the help desk will answer it soon."
)


# --- Profile ------------------------------------------------------------------------------------
def profile_update(
    *,
    user: User,
    full_name: str,
    country: Country | None,
    preferred_language: str | None = None,
    organisation_name: str | None = None,
) -> User:
    """Save what a person says about themselves (on sign-up and on their profile page).

    ``None`` for ``preferred_language`` or ``organisation_name`` leaves it as it is.
    """
    errors = {}
    if not full_name.strip():
        errors["full_name"] = _("Give your name.")
    if preferred_language is not None and preferred_language not in dict(settings.LANGUAGES):
        errors["preferred_language"] = _("Choose a language from the list.")
    if errors:
        raise ValidationError(errors)

    user.full_name = full_name.strip()
    user.country = country
    fields = ["full_name", "country"]
    if preferred_language is not None:
        user.preferred_language = preferred_language
        fields.append("preferred_language")
    if organisation_name is not None:
        user.organisation_name = organisation_name.strip()
        fields.append("organisation_name")
    user.save(update_fields=fields)
    return user


# --- Role requests ------------------------------------------------------------------------------
def _check_focal_point_target(*, country: Country | None, kind: str) -> dict[str, str]:
    errors = {}
    if country is None:
        errors["country"] = _("Choose the country that nominated you as focal point.")
    elif not country.is_cbd_party:
        errors["country"] = _("Only Parties to the Convention have focal points.")
    if not kind:
        errors["focal_point_kind"] = _("Choose the kind of focal point.")
    elif kind not in FocalPointKind.values:
        errors["focal_point_kind"] = _("Choose a kind of focal point from the list.")
    return errors


def role_request_create(
    *,
    user: User,
    role: str,
    country: Country | None = None,
    focal_point_kind: str = "",
    justification: str,
    position: str = "",
) -> RoleRequest:
    """Ask the help desk for a role. The help desk is emailed after commit.

    A focal point request needs a CBD Party and a kind of focal point; for staff roles both are
    ignored. A person has at most one pending request per role and country.
    """
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to request a role."))
    if role not in REQUESTABLE_ROLES:
        raise ValidationError({"role": _("This role cannot be requested.")})
    errors: dict[str, str] = {}
    if role == Role.FOCAL_POINT:
        errors.update(_check_focal_point_target(country=country, kind=focal_point_kind))
    else:
        country, focal_point_kind = None, ""
    if not justification.strip():
        errors["justification"] = _("Explain why you need this role.")
    if errors:
        raise ValidationError(errors)

    if role == Role.FOCAL_POINT:
        already = (
            FocalPoint.objects.active()
            .filter(user=user, country=country, kind=focal_point_kind)
            .exists()
        )
    else:
        already = user.groups.filter(name=STAFF_ROLE_GROUPS[role]).exists()
    if already:
        raise ValidationError(_("You already have this role."))
    if RoleRequest.objects.filter(
        user=user, role=role, country=country, status=RoleRequest.Status.PENDING
    ).exists():
        raise ValidationError(DUPLICATE_PENDING_MESSAGE)

    try:
        with transaction.atomic():
            role_request = RoleRequest.objects.create(
                user=user,
                role=role,
                country=country,
                focal_point_kind=focal_point_kind,
                justification=justification.strip(),
                position=position.strip(),
            )
    except IntegrityError as exc:
        # A request sent twice at the same moment: the unique constraint caught the second.
        raise ValidationError(DUPLICATE_PENDING_MESSAGE) from exc
    transaction.on_commit(lambda: tasks.notify_helpdesk_of_role_request.delay(role_request.pk))
    return role_request


def _lock_pending(role_request: RoleRequest, *, by: User) -> RoleRequest:
    if not by.has_perm("accounts.decide_rolerequest", role_request):
        raise PermissionDenied(_("Only the help desk decides role requests."))
    locked = RoleRequest.objects.select_for_update().get(pk=role_request.pk)
    if locked.status != RoleRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if locked.user_id == by.pk:
        raise PermissionDenied(_("Someone else must decide your own request."))
    return locked


def _record_decision(
    locked: RoleRequest, original: RoleRequest, *, status: str, by: User, note: str
) -> RoleRequest:
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    # The caller's instance shows the decision too.
    for field in ("status", "decided_by", "decided_at", "decision_note"):
        setattr(original, field, getattr(locked, field))
    transaction.on_commit(lambda: tasks.notify_requester_of_decision.delay(locked.pk))
    return locked


@transaction.atomic
def role_request_approve(*, role_request: RoleRequest, by: User, note: str = "") -> RoleRequest:
    """Approve a pending request and grant the role; the requester is emailed after commit.

    Locks the request row. A focal point request adds a FocalPoint (or keeps the one the person
    already holds); a staff role request adds the group and staff status.
    """
    locked = _lock_pending(role_request, by=by)
    requester = locked.user
    if locked.role == Role.FOCAL_POINT:
        _focal_point_add(
            user=requester, country=locked.country, kind=locked.focal_point_kind, by=by
        )
    else:
        if not by.has_perm("accounts.grant_staff_role", locked.role):
            raise PermissionDenied(_("You may not grant this role."))
        _staff_role_add(user=requester, role=locked.role)
    return _record_decision(
        locked, role_request, status=RoleRequest.Status.APPROVED, by=by, note=note
    )


@transaction.atomic
def role_request_reject(*, role_request: RoleRequest, by: User, note: str) -> RoleRequest:
    """Reject a pending request with a note for the requester, who is emailed after commit.

    Locks the request row.
    """
    if not note.strip():
        raise ValidationError(
            {"decision_note": _("Tell the person why: the note is sent to them.")}
        )
    locked = _lock_pending(role_request, by=by)
    return _record_decision(
        locked, role_request, status=RoleRequest.Status.REJECTED, by=by, note=note
    )


# --- Focal points -------------------------------------------------------------------------------
def _focal_point_add(*, user: User, country: Country, kind: str, by: User) -> FocalPoint:
    existing = FocalPoint.objects.active().filter(user=user, country=country, kind=kind).first()
    if existing is not None:
        return existing
    focal_point = FocalPoint.objects.create(user=user, country=country, kind=kind, granted_by=by)
    forget_cached_roles(user)
    return focal_point


@transaction.atomic
def focal_point_grant(*, user: User, country: Country, kind: str, by: User) -> FocalPoint:
    """Record that a Party nominated ``user`` as focal point of ``kind`` (help desk only)."""
    if not by.has_perm("accounts.grant_focal_point", country):
        raise PermissionDenied(_("Only the help desk records focal points."))
    errors = _check_focal_point_target(country=country, kind=kind)
    if errors:
        raise ValidationError(errors)
    if FocalPoint.objects.active().filter(user=user, country=country, kind=kind).exists():
        raise ValidationError(
            _("This person already is an active focal point of this kind for this country.")
        )
    return _focal_point_add(user=user, country=country, kind=kind, by=by)


@transaction.atomic
def focal_point_revoke(*, focal_point: FocalPoint, by: User) -> FocalPoint:
    """End a focal-point assignment; the row stays as history. Locks the row."""
    if not by.has_perm("accounts.revoke_focal_point", focal_point):
        raise PermissionDenied(_("Only the help desk ends focal point assignments."))
    locked = FocalPoint.objects.select_for_update().get(pk=focal_point.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This assignment has already ended."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    focal_point.revoked_at, focal_point.revoked_by = locked.revoked_at, by
    if FocalPoint.user.is_cached(focal_point):
        forget_cached_roles(focal_point.user)
    return locked


# --- Staff roles --------------------------------------------------------------------------------
def _check_staff_role(*, role: str, by: User) -> None:
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("This is not a staff role.")})
    if not by.has_perm("accounts.grant_staff_role", role):
        raise PermissionDenied(_("You may not grant or remove this role."))


def _staff_role_add(*, user: User, role: str) -> None:
    group, _created = Group.objects.get_or_create(name=STAFF_ROLE_GROUPS[role])
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_cached_roles(user)


@transaction.atomic
def staff_role_grant(*, user: User, role: str, by: User) -> None:
    """Give ``user`` a staff role: its group, and staff status to use the admin.

    The help desk may grant help desk and content reviewer roles; only site administrators make
    site administrators.
    """
    _check_staff_role(role=role, by=by)
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    _staff_role_add(user=user, role=role)


@transaction.atomic
def staff_role_revoke(*, user: User, role: str, by: User) -> None:
    """Take a staff role away; staff status goes with the last staff role (not for superusers)."""
    _check_staff_role(role=role, by=by)
    if user.pk == by.pk and role == Role.SITE_ADMIN:
        raise ValidationError(_("Another site administrator must remove your own role."))
    user.groups.remove(*Group.objects.filter(name=STAFF_ROLE_GROUPS[role]))
    still_staff = user.groups.filter(name__in=STAFF_GROUP_NAMES).exists()
    if user.is_staff and not still_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_cached_roles(user)
