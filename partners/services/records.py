"""Writes of the records of the partners' databases (offers, initiatives, resources, opportunities,
events, agreements): create, edit, publish, pause, close, delete, and the daily expiry.

``by`` is the person acting; ``by=None`` is the portal itself (harvests, imports, scheduled jobs),
for which no permission is checked. Content fields are passed per language (``title_en``,
``title_fr``...): the text in the record's original ``language`` is required, translations are
optional. Many-to-many fields (targets, languages...) go in ``relations`` as iterables of rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import is_helpdesk_or_site_admin

from ..models import (
    Event,
    Offer,
    Opportunity,
    Organisation,
    PartnerRecord,
    RecordStatus,
)
from ..signals import record_changed

__all__ = [
    "events_close_after_end",
    "offers_expire",
    "opportunities_close_after_deadline",
    "record_create",
    "record_delete",
    "record_set_status",
    "record_update",
    "translated_fields",
]

RecordT = TypeVar("RecordT", bound=PartnerRecord)

# Fields a person never sets through these functions.
PROTECTED_FIELDS = frozenset(
    {
        "id",
        "status",
        "published_at",
        "created_at",
        "updated_at",
        "created_by",
        "closed_automatically",
        "source",
        "external_id",
        "gone_from_source_at",
        "download_count",
    }
)
# Fields only the help desk sets: the portal's own fellowship and exchange programme has its
# applications reviewed by staff, so an organisation cannot mark its opportunity as being it.
STAFF_FIELDS = frozenset({"is_portal_programme"})


def _permission(model: type[Model], action: str) -> str:
    return f"partners.{action}_{model._meta.model_name}"


def translated_fields(model: type[Model]) -> tuple[str, ...]:
    """The content fields of ``model`` that have one column per language (``title``...)."""
    return tuple(translator.get_options_for_model(model).fields)


def _localized(field: str, language: str) -> str:
    return build_localized_fieldname(field, language.replace("-", "_"))


def _check_original_text(record: PartnerRecord) -> None:
    """The title (and other required content) must be given in the record's own language."""
    errors = {}
    for field in translated_fields(type(record)):
        if record._meta.get_field(field).blank:
            continue
        name = _localized(field, record.language)
        if not (getattr(record, name, "") or "").strip():
            errors[name] = _("Write this in the record's original language.")
    if errors:
        raise ValidationError(errors)


def _assign(record: PartnerRecord, data: Mapping[str, Any]) -> None:
    model = type(record)
    allowed = {field.name for field in model._meta.concrete_fields} - PROTECTED_FIELDS
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in sorted(unknown)}
        )
    for name, value in data.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)


def _check_staff_fields(record: PartnerRecord, data: Mapping[str, Any], by: User | None) -> None:
    if by is None or is_helpdesk_or_site_admin(by):
        return
    errors = {
        name: _("Only the help desk changes this.")
        for name in sorted(STAFF_FIELDS & set(data))
        if data[name] != getattr(record, name)
    }
    if errors:
        raise ValidationError(errors)


def _validate_publishable(record: PartnerRecord, *, now: datetime.datetime) -> None:
    """What must hold for a record to be (or stay) published: nothing already past."""
    if isinstance(record, Opportunity) and record.deadline and record.deadline <= now:
        raise ValidationError({"deadline": _("The deadline has passed: set a later one.")})
    if (
        isinstance(record, Offer)
        and record.available_until
        and record.available_until < timezone.localdate(now)
    ):
        raise ValidationError(
            {"available_until": _("The offer's availability has ended: set a later date.")}
        )


def _full_clean(record: PartnerRecord, *, relations: Mapping[str, Iterable] | None) -> None:
    # Translation columns are checked by _check_original_text; the original column mirrors one.
    exclude = [*translated_fields(type(record)), *(relations or {})]
    record.full_clean(exclude=exclude, validate_unique=False)
    _check_original_text(record)
    if record.status == RecordStatus.PUBLISHED:
        _validate_publishable(record, now=timezone.now())


def _set_relations(record: PartnerRecord, relations: Mapping[str, Iterable] | None) -> None:
    for name, values in (relations or {}).items():
        field = record._meta.get_field(name)
        if not field.many_to_many:
            raise ValidationError({name: _("This field cannot be set here.")})
        getattr(record, name).set(list(values))


@transaction.atomic
def record_create(
    *,
    model: type[RecordT],
    organisation: Organisation,
    by: User | None,
    data: Mapping[str, Any],
    relations: Mapping[str, Iterable] | None = None,
    publish: bool = False,
) -> RecordT:
    """Create a record of ``organisation`` as a draft (or published at once with ``publish``)."""
    if by is not None and not by.has_perm(_permission(model, "add"), organisation):
        raise PermissionDenied(_("Only the organisation's members add its records."))
    record = model(**{model.ORGANISATION_FIELD: organisation}, created_by=by)
    _check_staff_fields(record, data, by)
    _assign(record, data)
    if publish:
        record.status = RecordStatus.PUBLISHED
        record.published_at = timezone.now()
    _full_clean(record, relations=relations)
    record.save()
    _set_relations(record, relations)
    _changed(record)
    return record


def _locked(record: RecordT) -> RecordT:
    return type(record).objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def record_update(
    *,
    record: RecordT,
    by: User | None,
    data: Mapping[str, Any],
    relations: Mapping[str, Iterable] | None = None,
) -> RecordT:
    """Change what a record says (its members or the help desk); its status is unchanged."""
    if by is not None and not by.has_perm(_permission(type(record), "change"), record):
        raise PermissionDenied(_("Only the organisation's members change its records."))
    locked = _locked(record)
    _check_staff_fields(locked, data, by)
    _assign(locked, data)
    _full_clean(locked, relations=relations)
    locked.save()
    _set_relations(locked, relations)
    _changed(locked)
    return locked


# status -> statuses it may be set from
STATUS_TRANSITIONS = {
    RecordStatus.PUBLISHED: (RecordStatus.DRAFT, RecordStatus.PAUSED, RecordStatus.CLOSED),
    RecordStatus.PAUSED: (RecordStatus.PUBLISHED,),
    RecordStatus.CLOSED: (RecordStatus.DRAFT, RecordStatus.PUBLISHED, RecordStatus.PAUSED),
    RecordStatus.DRAFT: (RecordStatus.PUBLISHED, RecordStatus.PAUSED, RecordStatus.CLOSED),
}


@transaction.atomic
def record_set_status(*, record: RecordT, by: User | None, status: str) -> RecordT:
    """Publish, pause (offers only), close or take back to draft a record. Locks the row.

    Publishing checks the record again (a deadline or availability already past is refused).
    """
    model = type(record)
    if by is not None and not by.has_perm(_permission(model, "change"), record):
        raise PermissionDenied(_("Only the organisation's members change its records."))
    if status not in model.STATUSES:
        raise ValidationError({"status": _("This status does not apply to this record.")})
    locked = _locked(record)
    if locked.status == status:
        return locked
    if locked.status not in STATUS_TRANSITIONS[status]:
        raise ValidationError(
            _("A record that is %(current)s cannot become %(status)s."),
            params={
                "current": RecordStatus(locked.status).label,
                "status": RecordStatus(status).label,
            },
        )
    now = timezone.now()
    if status == RecordStatus.PUBLISHED:
        _validate_publishable(locked, now=now)
        if locked.published_at is None:
            locked.published_at = now
    locked.status = status
    locked.closed_automatically = False
    locked.save(update_fields=["status", "published_at", "closed_automatically", "updated_at"])
    record.status, record.published_at = locked.status, locked.published_at
    _changed(locked)
    return locked


@transaction.atomic
def record_delete(*, record: PartnerRecord, by: User | None) -> None:
    """Delete a record (its organisation's administrators or the help desk)."""
    if by is not None and not by.has_perm(_permission(type(record), "delete"), record):
        raise PermissionDenied(_("Only the organisation's administrators delete its records."))
    _changed(record, deleted=True)
    try:
        with transaction.atomic():
            record.delete()
    except ProtectedError as error:
        raise ValidationError(
            _(
                "Matches or projects refer to this record, so it cannot be deleted; close it "
                "instead."
            )
        ) from error


def _changed(record: PartnerRecord, *, deleted: bool = False) -> None:
    record_changed.send(sender=type(record), record_id=record.pk, deleted=deleted)


# --- Scheduled ------------------------------------------------------------------------------------
@transaction.atomic
def offers_expire(*, today: datetime.date | None = None) -> int:
    """Close published and paused offers whose availability ended before ``today``; returns how
    many. Idempotent: closed offers are left alone."""
    today = today or timezone.localdate()
    expired = Offer.objects.filter(
        status__in=(RecordStatus.PUBLISHED, RecordStatus.PAUSED), available_until__lt=today
    )
    expired_ids = list(expired.values_list("pk", flat=True))
    closed = Offer.objects.filter(pk__in=expired_ids).update(
        status=RecordStatus.CLOSED, closed_automatically=True, updated_at=timezone.now()
    )
    for offer_id in expired_ids:
        record_changed.send(sender=Offer, record_id=offer_id, deleted=False)
    return closed


@transaction.atomic
def opportunities_close_after_deadline(*, now: datetime.datetime | None = None) -> int:
    """Close published opportunities whose deadline has passed; returns how many. Idempotent."""
    now = now or timezone.now()
    return Opportunity.objects.filter(status=RecordStatus.PUBLISHED, deadline__lte=now).update(
        status=RecordStatus.CLOSED, closed_automatically=True, updated_at=now
    )


@transaction.atomic
def events_close_after_end(*, now: datetime.datetime | None = None) -> int:
    """Close published events that have ended (they stay public, marked past); idempotent."""
    now = now or timezone.now()
    return Event.objects.filter(status=RecordStatus.PUBLISHED, ends_at__lt=now).update(
        status=RecordStatus.CLOSED, closed_automatically=True, updated_at=now
    )
