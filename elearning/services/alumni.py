"""Writes of the alumni database: former participants of courses, fellowships, workshops and
projects, their participations, their own profile, and the import of past participants of
offline activities.

- :func:`record_course_completion` is called by the learning services when a learner completes
  a course: the learner becomes (or stays) an alumnus with a participation in the course.
- :func:`update_profile`: a person edits their own profile (directory opt-in, expertise...).
- :func:`touch_alumnus`: "active alumni" (monitoring) are those who used the portal in the last
  year; sign-ins and posts record it, at most one write per day.
- :func:`import_participant` writes one row of a staff import (``elearning/imports.py``), and
  :func:`import_participants` imports a whole file (dry run first, all or nothing).

An alumnus is found by account first, then by email address (case-insensitive); an alumnus
without an account whose address is that of an account is linked to it, so a person never has
two alumni records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, Language, ThematicArea

from ..models import Alumnus, Enrolment, EnrolmentStatus, Participation

if TYPE_CHECKING:
    from import_export.results import Result
    from tablib import Dataset

__all__ = [
    "PROFILE_FIELDS",
    "alumnus_for_email",
    "import_participant",
    "import_participants",
    "link_alumnus",
    "record_course_completion",
    "touch_alumnus",
    "update_profile",
]

# What a person may change on their own profile (``expertise`` and ``languages`` are lists of
# terms; ``country`` a Country or None).
PROFILE_FIELDS = (
    "full_name",
    "in_directory",
    "expertise",
    "expertise_note",
    "languages",
    "bio",
    "country",
    "organisation_name",
    "position",
)
_MANY_TO_MANY = {"expertise": ThematicArea, "languages": Language}


# --- Finding the alumnus of a person ------------------------------------------------------------
def alumnus_for_email(email: str) -> Alumnus | None:
    """The alumnus with this address, or linked to the account with this address."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        Alumnus.objects.filter(Q(email__iexact=email) | Q(user__email__iexact=email))
        .order_by("pk")
        .first()
    )


def _account_for_email(email: str) -> User | None:
    """The account with this address that has no alumnus yet (to link an import to)."""
    return User.objects.filter(email__iexact=email.strip(), alumnus__isnull=True).first()


def _free_email(email: str, *, keep: Alumnus | None = None) -> None:
    """Make ``email`` available: another alumnus holding it is linked to an account whose
    address has changed since; it takes its account's current address."""
    stale = (
        Alumnus.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(email__iexact=email, user__isnull=False)
        .exclude(user__email__iexact=email)
    )
    if keep is not None:
        stale = stale.exclude(pk=keep.pk)
    for other in stale:
        other.email = other.user.email
        other.save(update_fields=["email"])


def _alumnus_of_user(user: User) -> Alumnus:
    """The user's alumnus, linked or created (locked for the rest of the transaction)."""
    alumnus = Alumnus.objects.select_for_update().filter(user=user).first()
    if alumnus is not None:
        return alumnus
    alumnus = (
        Alumnus.objects.select_for_update()
        .filter(email__iexact=user.email, user__isnull=True)
        .first()
    )
    if alumnus is not None:
        alumnus.user = user
        alumnus.save(update_fields=["user"])
        return alumnus
    _free_email(user.email)
    return Alumnus.objects.create(
        user=user,
        email=user.email,
        full_name=(user.get_full_name() or user.email)[:200],
        country_id=user.country_id,
        organisation_name=user.organisation_name[:300],
    )


# --- Course completion --------------------------------------------------------------------------
@transaction.atomic
def record_course_completion(*, enrolment: Enrolment) -> Alumnus:
    """Make the learner of a completed enrolment an alumnus with a participation in the course.

    Idempotent: calling it again for the same enrolment changes nothing but the alumnus's last
    activity. The alumnus is the learner's own, else the one imported with their address (now
    linked to the account), else a new one named after the account. Its country, when unknown,
    is the one of the enrolment. The participation (kind "course") names the course's title and
    the year of completion.
    """
    user = enrolment.user
    course = enrolment.course
    now = timezone.now()
    alumnus = _alumnus_of_user(user)
    changed = ["last_active_at"]
    alumnus.last_active_at = now
    if alumnus.country_id is None and enrolment.country_id is not None:
        alumnus.country_id = enrolment.country_id
        changed.append("country")
    alumnus.save(update_fields=changed)
    year = (enrolment.completed_at or now).year
    exists = Participation.objects.filter(
        alumnus=alumnus, kind=Participation.Kind.COURSE, course=course
    ).exists()
    if not exists:
        participation, created = Participation.objects.get_or_create(
            alumnus=alumnus,
            kind=Participation.Kind.COURSE,
            activity=course.title[:300],
            year=year,
            defaults={"course": course},
        )
        if not created and participation.course_id is None:  # imported before: link the course
            participation.course = course
            participation.save(update_fields=["course"])
    return alumnus


@transaction.atomic
def link_alumnus(*, user) -> Alumnus | None:
    """The signed-in person's alumnus, or None when they are not an alumnus.

    Their linked alumnus; else the one imported with their address (linked to them now); else,
    when they completed courses (before alumni were recorded, say), the alumnus those
    completions make.
    """
    if not user.is_authenticated:
        return None
    alumnus = Alumnus.objects.filter(user=user).first()
    if alumnus is not None:
        return alumnus
    unlinked = (
        Alumnus.objects.select_for_update()
        .filter(email__iexact=user.email, user__isnull=True)
        .first()
    )
    if unlinked is not None:
        unlinked.user = user
        unlinked.save(update_fields=["user"])
        return unlinked
    completed = (
        Enrolment.objects.filter(user=user, status=EnrolmentStatus.COMPLETED)
        .select_related("course", "user")
        .order_by("completed_at", "pk")
    )
    for enrolment in completed:
        alumnus = record_course_completion(enrolment=enrolment)
    return alumnus


# --- Activity -----------------------------------------------------------------------------------
def _start_of_today() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time()))


def touch_alumnus(user) -> bool:
    """Record that ``user``'s alumnus used the portal now; True when a row was written.

    At most one write per alumnus and day: an alumnus already active today is left alone (the
    conditional UPDATE matches no row). Nothing happens for people who are not alumni.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    now = timezone.now()
    written = (
        Alumnus.objects.filter(user_id=user.pk)
        .filter(Q(last_active_at__isnull=True) | Q(last_active_at__lt=_start_of_today()))
        .update(last_active_at=now)
    )
    return bool(written)


# --- The person's own profile -------------------------------------------------------------------
def _terms(model, values: Iterable[Any], *, field: str) -> list:
    terms = list(values or [])
    for term in terms:
        if not isinstance(term, model):
            raise ValidationError({field: _("Choose terms of the list.")}, code="invalid")
    return terms


@transaction.atomic
def update_profile(*, alumnus: Alumnus, user, **fields: Any) -> Alumnus:
    """Change ``user``'s own alumni profile: the fields of :data:`PROFILE_FIELDS` given.

    Someone else's profile is refused (``PermissionDenied``); unknown fields and plain-text
    fields with markup are refused with translated messages (``ValidationError``), and then
    nothing is saved.
    """
    if not user.is_authenticated or alumnus.user_id != user.pk:
        raise PermissionDenied(_("You may only change your own alumni profile."))
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown"
        )
    locked = Alumnus.objects.select_for_update().get(pk=alumnus.pk)
    relations = {}
    for name, value in fields.items():
        if name in _MANY_TO_MANY:
            relations[name] = _terms(_MANY_TO_MANY[name], value, field=name)
            continue
        if name == "country" and value is not None and not isinstance(value, Country):
            raise ValidationError({"country": _("Choose a country of the list.")})
        if isinstance(value, str):
            value = value.strip()
        setattr(locked, name, value)
    locked.full_clean(exclude=["user", "email"])
    locked.last_active_at = timezone.now()
    locked.save()
    for name, terms in relations.items():
        getattr(locked, name).set(terms)
    # Show the saved state on the caller's object too.
    for field in Alumnus._meta.concrete_fields:
        setattr(alumnus, field.attname, getattr(locked, field.attname))
    return alumnus


# --- Imports ------------------------------------------------------------------------------------
@transaction.atomic
def import_participant(
    *,
    alumnus: Alumnus,
    by,
    kind: str,
    activity: str,
    year: int,
    held_in: Country | None = None,
) -> tuple[Alumnus, Participation, bool]:
    """Save one imported row: ``alumnus`` (new, or found by email, with the file's values set)
    and its participation in an offline activity. Returns the alumnus, the participation and
    whether the participation is new.

    Needs ``elearning.import_alumni`` (the help desk). A new alumnus (or one without an account)
    is linked to the account with its address, if any. The participation is unique per
    alumnus, kind, activity and year: importing it again adds nothing.
    """
    if by is None or not by.has_perm("elearning.import_alumni"):
        raise PermissionDenied(_("Only the help desk imports alumni."))
    alumnus.email = alumnus.email.strip()
    if alumnus.user_id is None:
        account = _account_for_email(alumnus.email)
        if account is not None:
            alumnus.user = account
    if alumnus.pk is None:
        _free_email(alumnus.email)
    else:
        _free_email(alumnus.email, keep=alumnus)
    alumnus.full_clean(exclude=["user"])
    alumnus.save()
    participation = Participation(
        alumnus=alumnus, kind=kind, activity=(activity or "").strip(), year=year, country=held_in
    )
    participation.full_clean(exclude=["alumnus"], validate_constraints=False)
    existing = Participation.objects.filter(
        alumnus=alumnus, kind=kind, activity__iexact=participation.activity, year=year
    ).first()
    if existing is not None:
        if held_in is not None and existing.country_id is None:
            existing.country = held_in
            existing.save(update_fields=["country"])
        return alumnus, existing, False
    participation.imported = True
    participation.save()
    return alumnus, participation, True


def import_participants(*, dataset: Dataset, by, dry_run: bool = True) -> Result:
    """Import past participants of offline activities from a CSV or XLSX file (a tablib
    ``Dataset`` with the columns of ``elearning.imports.AlumniTable``).

    A dry run (the default) checks every row and writes nothing; a file with any bad row is not
    imported at all. Rows are found again by email, so importing the same file twice adds
    nothing. The result lists the rows with their translated errors (``result.has_errors()``,
    ``result.has_validation_errors()``, ``result.invalid_rows``).
    """
    if by is None or not by.has_perm("elearning.import_alumni"):
        raise PermissionDenied(_("Only the help desk imports alumni."))
    # The table writes each row through import_participant above: resolved at call time.
    from ..imports import AlumniTable

    return AlumniTable(user=by).import_data(
        dataset, dry_run=dry_run, user=by, rollback_on_validation_errors=True
    )
