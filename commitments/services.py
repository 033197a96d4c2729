"""Writes of commitments: making and editing them with their deliverables, the moderation
(submit, publish, return, withdraw), phases and progress reports.

Each function checks the person's permission (``PermissionDenied``) and the state
(``ValidationError``, translated), and runs in one transaction, locking the commitment for
workflow transitions. Owners hear of moderators' decisions in their inbox.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from chm_portal.accounts.models import User
from chm_portal.alerts.services import inbox_send
from chm_portal.vocabularies.models import GBFTarget, ThematicArea

from .models import (
    ACTOR_FIELDS,
    ACTOR_OPTIONAL_FIELDS,
    ACTOR_SPECIFIC_FIELDS,
    BIOSAFETY_TARGET,
    Commitment,
    Deliverable,
    ModerationStatus,
    Phase,
    ProgressReport,
    ProgressValue,
)

# What owners write on a commitment (content per language is ``title_<language>``...).
CONTENT_FIELDS = (
    "actor_name",
    "organisation",
    "organisation_type",
    "sector",
    "size",
    "government_level",
    "population",
    "country",
    "locality",
    "language",
    "is_biosafety",
    "scope",
    "audience",
    "partners",
    "website",
    "start_date",
    "end_date",
)
DELIVERABLE_FIELDS = ("description", "indicator", "unit", "baseline", "target", "target_date")


def _check(user: User, permission: str, obj: Model | None = None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _translated_content_fields() -> set[str]:
    """``title_en``, ``title_fr``... : each content language's column of the content fields."""
    return {
        build_localized_fieldname(field, language.replace("-", "_"))
        for field in translator.get_options_for_model(Commitment).fields
        for language in settings.MODELTRANSLATION_LANGUAGES
    }


def _assign(commitment: Commitment, data: Mapping[str, Any]) -> None:
    allowed = set(CONTENT_FIELDS) | _translated_content_fields()
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in sorted(unknown)}
        )
    for name, value in data.items():
        setattr(commitment, name, value.strip() if isinstance(value, str) else value)
    # Fields of another kind of actor are cleared, so that a changed form leaves nothing behind.
    kept = set(ACTOR_FIELDS[commitment.actor_type]) | set(
        ACTOR_OPTIONAL_FIELDS[commitment.actor_type]
    )
    for name in ACTOR_SPECIFIC_FIELDS - kept:
        field = Commitment._meta.get_field(name)
        setattr(commitment, field.attname, None if field.null else "")


def _check_original_text(commitment: Commitment) -> None:
    language = commitment.language.replace("-", "_")
    errors = {
        f"{field}_{language}": _("Write this in the commitment's original language.")
        for field in ("title", "description")
        if not (getattr(commitment, f"{field}_{language}", "") or "").strip()
    }
    if errors:
        raise ValidationError(errors)


def _check_targets(commitment: Commitment, targets: Sequence[GBFTarget]) -> None:
    if not targets:
        raise ValidationError({"targets": _("Choose at least one GBF target.")})
    if commitment.is_biosafety and BIOSAFETY_TARGET not in {target.code for target in targets}:
        raise ValidationError(
            {"targets": _("A biosafety commitment contributes to GBF target 17: choose it.")}
        )


def _save_deliverables(commitment: Commitment, deliverables: Sequence[Mapping[str, Any]]) -> None:
    """Replace the commitment's deliverables by ``deliverables`` (each with an optional ``id``
    of an existing one, kept so that its reported values stay attached)."""
    if not deliverables:
        raise ValidationError(
            {"deliverables": _("Add at least one measurable deliverable with its indicator.")}
        )
    existing = {deliverable.pk: deliverable for deliverable in commitment.deliverables.all()}
    kept: set[int] = set()
    messages: list[str] = []
    for position, item in enumerate(deliverables):
        unknown = set(item) - {*DELIVERABLE_FIELDS, "id"}
        if unknown:
            raise ValidationError(
                {
                    "deliverables": _("Unknown fields: %(names)s")
                    % {"names": ", ".join(sorted(unknown))}
                }
            )
        pk = item.get("id")
        if pk is not None and pk not in existing:
            raise ValidationError({"deliverables": _("No such deliverable in this commitment.")})
        deliverable = existing.get(pk) or Deliverable(commitment=commitment)
        for name in DELIVERABLE_FIELDS:
            if name in item:
                value = item[name]
                setattr(deliverable, name, value.strip() if isinstance(value, str) else value)
        deliverable.position = position
        try:
            deliverable.full_clean(exclude=["commitment"])
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                messages.extend(
                    _("Deliverable %(number)s, %(field)s: %(error)s")
                    % {"number": position + 1, "field": field, "error": message}
                    for message in field_errors
                )
            continue
        deliverable.save()
        kept.add(deliverable.pk)
    if messages:
        raise ValidationError({"deliverables": messages})
    Deliverable.objects.filter(commitment=commitment).exclude(pk__in=kept).delete()


def _write(
    commitment: Commitment,
    *,
    data: Mapping[str, Any],
    targets: Iterable[GBFTarget],
    thematic_areas: Iterable[ThematicArea],
    deliverables: Sequence[Mapping[str, Any]],
) -> Commitment:
    targets = list(targets)
    _assign(commitment, data)
    _check_original_text(commitment)
    commitment.full_clean(exclude=["owner"])
    _check_targets(commitment, targets)
    commitment.save()
    commitment.targets.set(targets)
    commitment.thematic_areas.set(list(thematic_areas))
    _save_deliverables(commitment, deliverables)
    return commitment


@transaction.atomic
def commitment_create(
    *,
    by: User,
    actor_type: str,
    data: Mapping[str, Any],
    targets: Iterable[GBFTarget],
    thematic_areas: Iterable[ThematicArea] = (),
    deliverables: Sequence[Mapping[str, Any]],
    submit: bool = False,
) -> Commitment:
    """A new commitment of ``by``, saved as a draft or submitted for moderation."""
    _check(by, "commitments.add_commitment")
    commitment = Commitment(actor_type=actor_type, owner=by)
    _write(
        commitment,
        data=data,
        targets=targets,
        thematic_areas=thematic_areas,
        deliverables=deliverables,
    )
    if submit:
        commitment = commitment_submit(commitment=commitment, by=by)
    return commitment


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    by: User,
    data: Mapping[str, Any],
    targets: Iterable[GBFTarget],
    thematic_areas: Iterable[ThematicArea] = (),
    deliverables: Sequence[Mapping[str, Any]],
    submit: bool = False,
) -> Commitment:
    """Change a commitment. Its owner's changes to a published commitment go back to the
    moderators (it leaves the public pages until published again); moderators' do not."""
    _check(by, "commitments.change_commitment", commitment)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    moderator = by.has_perm("commitments.moderate_commitment", commitment)
    if not commitment.is_editable and not moderator:
        raise ValidationError(
            _("This commitment cannot be changed while it is %(status)s.")
            % {"status": commitment.get_status_display().lower()}
        )
    _write(
        commitment,
        data=data,
        targets=targets,
        thematic_areas=thematic_areas,
        deliverables=deliverables,
    )
    if commitment.status == ModerationStatus.PUBLISHED and not moderator:
        commitment = _set_status(
            commitment, ModerationStatus.SUBMITTED, submitted_at=timezone.now()
        )
    elif submit and commitment.status in (ModerationStatus.DRAFT, ModerationStatus.RETURNED):
        commitment = commitment_submit(commitment=commitment, by=by)
    return commitment


def _set_status(commitment: Commitment, status: str, **fields: Any) -> Commitment:
    commitment.status = status
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment.save(update_fields=["status", "updated_at", *fields])
    return commitment


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


@transaction.atomic
def commitment_submit(*, commitment: Commitment, by: User) -> Commitment:
    """Send a draft or returned commitment to the moderators."""
    commitment = _locked(commitment)
    if commitment.owner_id != by.pk:
        raise PermissionDenied
    if commitment.status not in (ModerationStatus.DRAFT, ModerationStatus.RETURNED):
        raise ValidationError(_("Only a draft or a returned commitment can be submitted."))
    if not commitment.deliverables.exists():
        raise ValidationError(_("Add at least one measurable deliverable before submitting."))
    return _set_status(commitment, ModerationStatus.SUBMITTED, submitted_at=timezone.now())


def _tell_owner(commitment: Commitment, subject, body: str = "") -> None:
    owner = commitment.owner
    with translation.override(owner.preferred_language or None):
        inbox_send(
            recipients=[owner],
            subject=str(subject) % {"title": commitment.title},
            body=str(body),
            url=reverse("commitments:commitment_detail", args=[commitment.pk]),
        )


@transaction.atomic
def commitment_publish(*, commitment: Commitment, by: User) -> Commitment:
    """A moderator publishes a commitment waiting for moderation (or returned, or withdrawn)."""
    _check(by, "commitments.moderate_commitment", commitment)
    commitment = _locked(commitment)
    if commitment.status == ModerationStatus.PUBLISHED:
        return commitment
    if commitment.status == ModerationStatus.DRAFT:
        raise ValidationError(_("A draft is published once its owner submits it."))
    commitment = _set_status(
        commitment,
        ModerationStatus.PUBLISHED,
        published_at=commitment.published_at or timezone.now(),
        moderated_by=by,
        moderation_note="",
    )
    _tell_owner(commitment, _("Your commitment “%(title)s” is published."))
    return commitment


@transaction.atomic
def commitment_return(*, commitment: Commitment, by: User, note: str) -> Commitment:
    """A moderator sends a submitted or published commitment back to its owner, saying why."""
    _check(by, "commitments.moderate_commitment", commitment)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the owner should change.")})
    commitment = _locked(commitment)
    if commitment.status not in (ModerationStatus.SUBMITTED, ModerationStatus.PUBLISHED):
        raise ValidationError(_("Only a submitted or published commitment can be returned."))
    commitment = _set_status(
        commitment, ModerationStatus.RETURNED, moderation_note=note, moderated_by=by
    )
    _tell_owner(commitment, _("Your commitment “%(title)s” needs changes."), note)
    return commitment


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by: User) -> Commitment:
    """The owner (or a moderator) takes a commitment off the portal; it can be submitted again
    only by a moderator's publication."""
    _check(by, "commitments.change_commitment", commitment)
    commitment = _locked(commitment)
    if commitment.status == ModerationStatus.WITHDRAWN:
        return commitment
    return _set_status(commitment, ModerationStatus.WITHDRAWN)


@transaction.atomic
def commitment_set_phase(*, commitment: Commitment, by: User, phase: str) -> Commitment:
    """Move a commitment to another phase (owners report progress when they do)."""
    _check(by, "commitments.change_commitment", commitment)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose one of the phases.")})
    commitment = _locked(commitment)
    if commitment.status == ModerationStatus.WITHDRAWN:
        raise ValidationError(_("A withdrawn commitment has no phase to change."))
    commitment.phase = phase
    commitment.save(update_fields=["phase", "updated_at"])
    return commitment


# --- Progress reports ----------------------------------------------------------------------------
@transaction.atomic
def progress_report_submit(
    *,
    commitment: Commitment,
    by: User,
    period_end: datetime.date,
    phase: str,
    summary: str,
    challenges: str = "",
    values: Mapping[int, tuple[Decimal, str]],
) -> ProgressReport:
    """The owner reports progress: the phase reached, what was done, and a value for each
    deliverable (``{deliverable id: (value, note)}``; every deliverable must have one). The
    commitment moves to ``phase``; the report waits for the moderators."""
    _check(by, "commitments.report_progress", commitment)
    commitment = _locked(commitment)
    if commitment.status != ModerationStatus.PUBLISHED:
        raise ValidationError(_("Progress is reported on published commitments."))
    errors: dict[str, Any] = {}
    if phase not in Phase.values:
        errors["phase"] = _("Choose one of the phases.")
    if period_end and period_end > timezone.localdate():
        errors["period_end"] = _("The reporting date cannot be in the future.")
    if period_end and period_end < commitment.start_date:
        errors["period_end"] = _("The reporting date is before the commitment starts.")
    if not (summary or "").strip():
        errors["summary"] = _("Say what was done.")
    deliverable_ids = set(commitment.deliverables.values_list("pk", flat=True))
    if set(values) != deliverable_ids:
        errors["values"] = _("Give a value for each deliverable of the commitment.")
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(
        commitment=commitment,
        period_end=period_end,
        phase=phase,
        summary=summary.strip(),
        challenges=(challenges or "").strip(),
        created_by=by,
    )
    report.full_clean()
    report.save()
    ProgressValue.objects.bulk_create(
        ProgressValue(report=report, deliverable_id=pk, value=value, note=(note or "").strip())
        for pk, (value, note) in values.items()
    )
    if commitment.phase != phase:
        commitment.phase = phase
        commitment.save(update_fields=["phase", "updated_at"])
    return report


@transaction.atomic
def progress_report_publish(*, report: ProgressReport, by: User) -> ProgressReport:
    _check(by, "commitments.moderate_commitment", report.commitment)
    report = (
        ProgressReport.objects.select_for_update().select_related("commitment").get(pk=report.pk)
    )
    if report.status == ModerationStatus.PUBLISHED:
        return report
    report.status = ModerationStatus.PUBLISHED
    report.published_at = timezone.now()
    report.moderation_note = ""
    report.save(update_fields=["status", "published_at", "moderation_note"])
    _tell_owner(report.commitment, _("Your progress report on “%(title)s” is published."))
    return report


@transaction.atomic
def progress_report_return(*, report: ProgressReport, by: User, note: str) -> ProgressReport:
    _check(by, "commitments.moderate_commitment", report.commitment)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the owner should change.")})
    report = (
        ProgressReport.objects.select_for_update().select_related("commitment").get(pk=report.pk)
    )
    report.status = ModerationStatus.RETURNED
    report.moderation_note = note
    report.save(update_fields=["status", "moderation_note"])
    _tell_owner(report.commitment, _("Your progress report on “%(title)s” needs changes."), note)
    return report
