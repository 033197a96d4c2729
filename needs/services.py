"""Writes on requests for assistance and assessments: one function per state change.

Each function checks permission and state first, then changes, inside a transaction; workflow
transitions lock the request's row and fail with :class:`~needs.workflow.TransitionNotAllowed`
when the request is no longer in the status the caller saw (someone else acted first). Emails
follow from :class:`~needs.models.NeedEvent` rows after commit (see ``notifications.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import focal_point_country_ids, is_helpdesk_or_site_admin
from chm_portal.core.background import enqueue_after_commit
from chm_portal.core.services import reference_next
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import (
    BeneficiaryType,
    CapacityLevel,
    Country,
    GBFTarget,
    Language,
    Priority,
    SupportType,
    ThematicArea,
)
from chm_portal.vocabularies.selectors import cbd_party_list

from .models import (
    Assessment,
    AssessmentEntry,
    Need,
    NeedAttachment,
    NeedEvent,
    NeedMessage,
    NeedNote,
    NeedSupport,
)
from .rules import is_iplc_member, is_need_owner
from .signals import need_changed
from .validators import validate_attachment
from .workflow import (
    AWAITING_HELPDESK,
    TRANSITIONS,
    TransitionNotAllowed,
    can_transition,
    overdue_cutoff,
)

A = NeedEvent.Action
REFERENCE_PREFIX = "NEED"

# Scalar fields a requester fills in (web form, API, imports). Status, country, provenance and
# workflow fields are set by the functions below only.
EDITABLE_FIELDS = (
    "title",
    "language",
    "problem_statement",
    "objectives",
    "expected_outputs",
    "outcomes_and_indicators",
    "application_level",
    "requesting_organisation",
    "requester_kind",
    "contact_name",
    "contact_email",
    "contact_phone",
    "thematic_area_other",
    "support_type_other",
    "priority",
    "beneficiary_other",
    "desired_start",
    "desired_end",
    "estimated_budget",
    "budget_currency",
    "cofinancing_available",
    "cofinancing_details",
    "builds_on",
    "submitted_elsewhere",
    "submitted_elsewhere_details",
    "visibility",
)
# Many-to-many fields: name -> vocabulary model.
RELATED_FIELDS = {
    "targets": GBFTarget,
    "thematic_areas": ThematicArea,
    "capacity_levels": CapacityLevel,
    "beneficiary_types": BeneficiaryType,
    "working_languages": Language,
    "other_countries": Country,
}
# What a request must say before it can be submitted.
REQUIRED_TO_SUBMIT = (
    "title",
    "problem_statement",
    "objectives",
    "requesting_organisation",
    "contact_name",
    "contact_email",
)


# --- Who may express needs for which country --------------------------------------------------
def countries_user_may_request_for(user: User):
    """The Parties ``user`` may create requests for: their own as focal point; any as help desk
    (on a country's behalf) or as member of an IPLC organisation."""
    parties = cbd_party_list()
    if is_helpdesk_or_site_admin(user) or is_iplc_member(user):
        return parties
    return parties.filter(pk__in=focal_point_country_ids(user))


def _check_may_request_for(*, user: User, country: Country) -> None:
    if not user.has_perm("needs.add_need"):
        raise PermissionDenied(
            _("Only focal points, members of IPLC organisations and the help desk submit requests.")
        )
    if not countries_user_may_request_for(user).filter(pk=country.pk).exists():
        raise PermissionDenied(_("You may only submit requests for your own country."))


def _record(
    need: Need,
    *,
    action: str,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    is_internal: bool = False,
) -> NeedEvent:
    event = NeedEvent.objects.create(
        need=need,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=to_status or need.status,
        note=note,
        is_internal=is_internal,
    )
    from . import tasks  # tasks import services for the sweeps; the cycle is resolved at call time

    enqueue_after_commit(tasks.notify_need_event, event.pk)
    if action == A.EDITED or event.from_status != event.to_status:
        need_changed.send(sender=Need, need=need)
    return event


def _plain_text(value: str, *, field: str) -> str:
    """``value`` stripped, or a ValidationError on ``field`` when it is empty or holds markup."""
    value = value.strip()
    try:
        validate_no_markup(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return value


# --- Creating and editing ---------------------------------------------------------------------
def _clean(need: Need) -> None:
    # A draft may lack what submitting asks for: need_missing_for_submission checks that.
    need.full_clean(exclude=["reference", "created_by", "assessment_entry", "duplicate_of"])


def _clean_and_save(need: Need) -> None:
    _clean(need)
    need.save()


def _set_related(need: Need, related: Mapping[str, Iterable[Any]]) -> None:
    for name, values in related.items():
        model = RELATED_FIELDS[name]
        values = list(values)
        objects = [value for value in values if isinstance(value, model)]
        codes = [value for value in values if not isinstance(value, model)]
        if codes:
            found = list(model.objects.filter(code__in=codes))
            unknown = sorted(set(codes) - {obj.code for obj in found})
            if unknown:
                raise ValidationError(
                    {name: _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
                )
            objects += found
        getattr(need, name).set(objects)


def _set_support(need: Need, support: Mapping[Any, str]) -> None:
    """Replace the support types asked for: ``{SupportType or code: details}``."""
    by_code = {obj.code: obj for obj in SupportType.objects.all()}
    rows = []
    for key, details in support.items():
        support_type = key if isinstance(key, SupportType) else by_code.get(key)
        if support_type is None:
            raise ValidationError(
                {"support_types": _("Unknown codes: %(codes)s.") % {"codes": key}}
            )
        details = _plain_text(details or "", field="support_types")
        rows.append(NeedSupport(need=need, support_type=support_type, details=details))
    need.support_details.all().delete()
    NeedSupport.objects.bulk_create(rows)


@transaction.atomic
def need_create(
    *,
    by: User,
    country: Country,
    title: str,
    creation_token: uuid.UUID | None = None,
    fields: Mapping[str, Any] | None = None,
    related: Mapping[str, Iterable[Any]] | None = None,
    support: Mapping[Any, str] | None = None,
    source: str = "portal",
    external_id: str = "",
) -> Need:
    """Start a request (a draft) for ``country``.

    Sending the same ``creation_token`` again returns the request it created the first time.
    A help-desk member creating it for a country they are not focal point of records that the
    need was expressed with help-desk assistance.
    """
    if creation_token is not None:
        existing = Need.objects.filter(created_by=by, creation_token=creation_token).first()
        if existing is not None:
            return existing
    _check_may_request_for(user=by, country=country)
    fields = dict(fields or {})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    helped = is_helpdesk_or_site_admin(by) and country.pk not in focal_point_country_ids(by)
    need = Need(
        reference=reference_next(prefix=REFERENCE_PREFIX),
        country=country,
        title=title,
        created_by=by,
        creation_token=creation_token,
        expressed_with_helpdesk=helped,
        source=source,
        external_id=external_id,
        **fields,
    )
    if is_iplc_member(by) and "requester_kind" not in fields and not helped:
        need.requester_kind = Need.RequesterKind.IPLC
    try:
        with transaction.atomic():
            _clean_and_save(need)
    except IntegrityError as error:  # the same token, sent twice at the same moment
        if creation_token is None:
            raise
        existing = Need.objects.filter(created_by=by, creation_token=creation_token).first()
        if existing is None:
            raise error
        return existing
    if related:
        _set_related(need, related)
    if support:
        _set_support(need, support)
    _record(need, action=A.CREATED, by=by, to_status=need.status, is_internal=True)
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    by: User,
    fields: Mapping[str, Any] | None = None,
    related: Mapping[str, Iterable[Any]] | None = None,
    support: Mapping[Any, str] | None = None,
) -> Need:
    """Change what a request says (requester while draft or clarification; help desk always).

    Locks the row and writes only the fields given, so a status change made meanwhile by someone
    else is neither undone nor ignored: an edit of a request that moved on fails as stale.
    """
    if not by.has_perm("needs.change_need", need):
        raise PermissionDenied(_("You cannot change this request now."))
    fields = dict(fields or {})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if locked.status != need.status:
        raise TransitionNotAllowed(need=locked, action=A.EDITED)
    if not by.has_perm("needs.change_need", locked):
        raise PermissionDenied(_("You cannot change this request now."))
    for name, value in fields.items():
        setattr(need, name, value)
    _clean(need)
    if fields:
        need.save(update_fields=[*fields, "updated_at"])
    if related:
        _set_related(need, related)
    if support is not None:
        _set_support(need, support)
    if need.status != Need.Status.DRAFT:
        _record(need, action=A.EDITED, by=by, is_internal=is_helpdesk_or_site_admin(by))
    return need


def need_missing_for_submission(need: Need) -> dict[str, str]:
    """Field name -> message for each thing a request still lacks before it can be submitted."""
    missing = {}
    for name in REQUIRED_TO_SUBMIT:
        if not str(getattr(need, name) or "").strip():
            label = Need._meta.get_field(name).verbose_name
            missing[name] = _("Fill in “%(field)s” before submitting.") % {"field": label}
    return missing


# --- Transitions ------------------------------------------------------------------------------
_TIMESTAMP_OF_STATUS = {
    Need.Status.SUBMITTED: "submitted_at",
    Need.Status.PUBLISHED: "published_at",
}


def _transition(
    need: Need,
    *,
    action: str,
    by: User | None,
    note: str = "",
    is_internal: bool = False,
    updates: Mapping[str, Any] | None = None,
) -> Need:
    """Move ``need`` along the workflow, under a row lock; the caller holds a transaction."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if locked.status != need.status or not can_transition(locked.status, action):
        raise TransitionNotAllowed(need=locked, action=action)
    now = timezone.now()
    from_status = locked.status
    locked.status = TRANSITIONS[action][1]
    locked.status_changed_at = now
    changed = ["status", "status_changed_at", "updated_at"]
    timestamp = _TIMESTAMP_OF_STATUS.get(locked.status)
    # A request reopened for matching keeps its first publication date; an answered
    # clarification is a new submission, and the help desk's commitment starts again.
    if timestamp and not (timestamp == "published_at" and locked.published_at):
        setattr(locked, timestamp, now)
        changed.append(timestamp)
    if action == A.CLARIFICATION_ANSWERED:
        locked.escalated_at = None
        changed.append("escalated_at")
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
        changed.append(name)
    locked.save(update_fields=changed)
    _record(
        locked,
        action=action,
        by=by,
        from_status=from_status,
        to_status=locked.status,
        note=note,
        is_internal=is_internal,
    )
    # The caller's object now shows the new state too.
    for name in changed:
        setattr(need, name, getattr(locked, name))
    return need


# Requests nobody works on any more: assigning them makes no sense.
CLOSED_STATUSES = frozenset(
    {Need.Status.WITHDRAWN, Need.Status.REJECTED, Need.Status.DUPLICATE, Need.Status.FULFILLED}
)


def _check_requester_side(*, need: Need, by: User) -> None:
    """Who may act for the requester: the request's owners, or the help desk on their behalf.

    Whether the status still allows the action is the workflow's question, answered with
    TransitionNotAllowed (409 in the API) as for every other transition.
    """
    if not (is_need_owner(by, need) or is_helpdesk_or_site_admin(by)):
        raise PermissionDenied(_("You cannot act on this request."))


def _check_triage(by: User) -> None:
    if not by.has_perm("needs.triage_need"):
        raise PermissionDenied(_("Only the help desk triages requests."))


@transaction.atomic
def need_submit(*, need: Need, by: User) -> Need:
    """Send a draft to the help desk. The requester gets a confirmation with the reference."""
    _check_requester_side(need=need, by=by)
    missing = need_missing_for_submission(need)
    if missing:
        raise ValidationError(missing)
    return _transition(need, action=A.SUBMITTED, by=by)


@transaction.atomic
def need_answer_clarification(*, need: Need, by: User, message: str) -> Need:
    """The requester answers the help desk's question; the request goes back to the queue."""
    _check_requester_side(need=need, by=by)
    if not message.strip():
        raise ValidationError({"message": _("Write your answer to the help desk.")})
    message = _plain_text(message, field="message")
    missing = need_missing_for_submission(need)
    if missing:
        raise ValidationError(missing)
    _transition(need, action=A.CLARIFICATION_ANSWERED, by=by, note=message.strip())
    NeedMessage.objects.create(need=need, author=by, body=message.strip(), from_helpdesk=False)
    return need


@transaction.atomic
def need_withdraw(*, need: Need, by: User, reason: str = "") -> Need:
    """The requester (or the help desk for them) withdraws the request."""
    _check_requester_side(need=need, by=by)
    return _transition(need, action=A.WITHDRAWN, by=by, note=reason.strip())


@transaction.atomic
def need_assign(*, need: Need, assignee: User | None, by: User) -> Need:
    """Give the request to a help-desk member (or nobody); a submitted request enters triage."""
    _check_triage(by)
    if assignee is not None and not assignee.has_perm("needs.triage_need"):
        raise ValidationError({"assignee": _("Requests can only be assigned to help-desk staff.")})
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if locked.status in CLOSED_STATUSES:
        raise TransitionNotAllowed(need=locked, action=A.ASSIGNED)
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    need.assigned_to = assignee
    note = (
        _("Assigned to %(name)s.") % {"name": assignee.get_full_name()}
        if assignee
        else _("Unassigned.")
    )
    _record(locked, action=A.ASSIGNED, by=by, note=str(note), is_internal=True)
    if locked.status == Need.Status.SUBMITTED:
        need.status = locked.status
        _transition(need, action=A.TRIAGE_STARTED, by=by, is_internal=True)
    return need


@transaction.atomic
def need_start_triage(*, need: Need, by: User) -> Need:
    _check_triage(by)
    return _transition(need, action=A.TRIAGE_STARTED, by=by, is_internal=True)


@transaction.atomic
def need_request_clarification(*, need: Need, by: User, message: str) -> Need:
    """Ask the requester a question; they see it on "My requests" and by email."""
    _check_triage(by)
    if not message.strip():
        raise ValidationError({"message": _("Say what the requester should clarify.")})
    message = _plain_text(message, field="message")
    _transition(need, action=A.CLARIFICATION_REQUESTED, by=by, note=message.strip())
    NeedMessage.objects.create(need=need, author=by, body=message.strip(), from_helpdesk=True)
    return need


@transaction.atomic
def need_publish(*, need: Need, by: User, note: str = "") -> Need:
    """Open the request for matching: it appears in the public registry (unless restricted)."""
    _check_triage(by)
    return _transition(need, action=A.PUBLISHED, by=by, note=note)


@transaction.atomic
def need_reject(*, need: Need, by: User, reason: str) -> Need:
    _check_triage(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    reason = _plain_text(reason, field="reason")
    return _transition(
        need,
        action=A.REJECTED,
        by=by,
        note=reason.strip(),
        updates={"rejection_reason": reason.strip()},
    )


@transaction.atomic
def need_mark_duplicate(*, need: Need, original: Need, by: User, note: str = "") -> Need:
    _check_triage(by)
    if original.pk == need.pk:
        raise ValidationError({"original": _("A request cannot duplicate itself.")})
    if original.status == Need.Status.DUPLICATE:
        raise ValidationError(
            {"original": _("Point to the original request, not to another duplicate.")}
        )
    text = note.strip() or str(_("Duplicate of %(reference)s.") % {"reference": original.reference})
    return _transition(
        need, action=A.MARKED_DUPLICATE, by=by, note=text, updates={"duplicate_of": original}
    )


@transaction.atomic
def need_mark_matched(*, need: Need, by: User | None, note: str = "") -> Need:
    """A match was accepted for the request (called by the matchmaking)."""
    return _transition(need, action=A.MATCHED, by=by, note=note)


@transaction.atomic
def need_reopen(*, need: Need, by: User | None, note: str = "") -> Need:
    """The match fell through: the request is open for matching again."""
    return _transition(need, action=A.REOPENED, by=by, note=note)


@transaction.atomic
def need_start_work(*, need: Need, by: User | None, note: str = "") -> Need:
    return _transition(need, action=A.STARTED, by=by, note=note)


@transaction.atomic
def need_fulfil(*, need: Need, by: User | None, note: str = "") -> Need:
    return _transition(need, action=A.FULFILLED, by=by, note=note)


# --- Conversation, notes, attachments -----------------------------------------------------------
@transaction.atomic
def need_post_message(*, need: Need, by: User, body: str) -> NeedMessage:
    if not by.has_perm("needs.message_need", need):
        raise PermissionDenied(_("You cannot write about this request."))
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    body = _plain_text(body, field="body")
    message = NeedMessage.objects.create(
        need=need, author=by, body=body.strip(), from_helpdesk=is_helpdesk_or_site_admin(by)
    )
    # The event carries the message to the other side by email.
    _record(need, action=A.MESSAGE_POSTED, by=by, note=message.body)
    return message


@transaction.atomic
def need_add_note(*, need: Need, by: User, body: str) -> NeedNote:
    """An internal note of the help desk, never shown to the requester."""
    _check_triage(by)
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    body = _plain_text(body, field="body")
    return NeedNote.objects.create(need=need, author=by, body=body.strip())


@transaction.atomic
def need_add_attachment(
    *, need: Need, by: User, file: UploadedFile, title: str = ""
) -> NeedAttachment:
    """Attach a document after checking its size, extension and actual content."""
    if not by.has_perm("needs.change_need", need):
        raise PermissionDenied(_("You cannot change this request now."))
    content_type = validate_attachment(file)
    return NeedAttachment.objects.create(
        need=need,
        file=file,
        title=title.strip(),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )


@transaction.atomic
def need_remove_attachment(*, attachment: NeedAttachment, by: User) -> None:
    if not by.has_perm("needs.change_need", attachment.need):
        raise PermissionDenied(_("You cannot change this request now."))
    attachment.file.delete(save=False)
    attachment.delete()


# --- Escalation -------------------------------------------------------------------------------
@transaction.atomic
@transaction.atomic
def need_import(
    *,
    source: str,
    external_id: str,
    country_code: str,
    language: str,
    title: str,
    description: str,
    related: Mapping[str, Iterable[str]],
    support_types: Iterable[str] = (),
    submitted: datetime | None = None,
) -> tuple[Need, str]:
    """Create or update a request that another system published (the record exchange format,
    ``shared/matching/README.md``), by ``(source, external_id)``.

    Returns the request and what happened: "created", "updated" or "unchanged" (nothing written,
    so importing a file again changes nothing). Imported requests are published, as they are at
    their source; codes are checked against the vocabularies and a bad one is a ValidationError
    naming the field.
    """
    if not external_id or len(external_id) > 200:
        raise ValidationError({"external_id": _("The identifier must have 1 to 200 characters.")})
    country = Country.objects.filter(code=country_code).first()
    if country is None:
        raise ValidationError(
            {"country": _("Unknown country code “%(code)s”.") % {"code": country_code}}
        )
    title = _plain_text(title, field="title")[:250]
    description = _plain_text(description, field="problem_statement")
    codes = {name: sorted(set(values)) for name, values in related.items()}
    support_codes = sorted(set(support_types))
    need = (
        Need.objects.select_for_update()
        .filter(source=source, external_id=external_id)
        .prefetch_related(*codes, "support_types")
        .first()
    )
    wanted = {
        "country_id": country.pk,
        "language": language,
        "title": title,
        "problem_statement": description,
    }
    if need is not None:
        same = all(getattr(need, name) == value for name, value in wanted.items()) and all(
            sorted(obj.code for obj in getattr(need, name).all()) == values
            for name, values in codes.items()
        )
        if same and sorted(obj.code for obj in need.support_types.all()) == support_codes:
            return need, "unchanged"
        for name, value in wanted.items():
            setattr(need, name, value)
        _clean_and_save(need)
        _set_related(need, codes)
        _set_support(need, dict.fromkeys(support_codes, ""))
        _record(need, action=A.EDITED, by=None, note=f"{source}: {external_id}", is_internal=True)
        return need, "updated"
    now = timezone.now()
    need = Need(
        reference=reference_next(prefix=REFERENCE_PREFIX),
        status=Need.Status.PUBLISHED,
        source=source,
        external_id=external_id,
        submitted_at=submitted or now,
        published_at=now,
        status_changed_at=now,
        **wanted,
    )
    _clean_and_save(need)
    _set_related(need, codes)
    _set_support(need, dict.fromkeys(support_codes, ""))
    _record(
        need,
        action=A.PUBLISHED,
        by=None,
        to_status=Need.Status.PUBLISHED,
        note=f"{source}: {external_id}",
        is_internal=True,
    )
    return need, "created"


def needs_escalate_overdue(*, now: datetime | None = None) -> list[int]:
    """Flag requests still waiting for triage past the commitment, once each; returns their ids.

    Each gets an internal ``escalated`` event, whose notification emails the supervisors.
    """
    now = now or timezone.now()
    overdue = list(
        Need.objects.select_for_update(skip_locked=True)
        .filter(
            status__in=AWAITING_HELPDESK,
            submitted_at__lt=overdue_cutoff(now),
            escalated_at__isnull=True,
        )
        .order_by("submitted_at")
    )
    for need in overdue:
        Need.objects.filter(pk=need.pk).update(escalated_at=now)
        _record(
            need,
            action=A.ESCALATED,
            by=None,
            note=str(
                _("Waiting for %(days)s working days without a decision.")
                % {"days": settings.HELPDESK_RESPONSE_WORKING_DAYS}
            ),
            is_internal=True,
        )
    return [need.pk for need in overdue]


# --- Assessments ------------------------------------------------------------------------------
@transaction.atomic
def assessment_start(*, country: Country, cycle: int, by: User) -> Assessment:
    """Open (or resume) the country's assessment for ``cycle``."""
    if not by.has_perm("needs.change_assessment", country) and not is_helpdesk_or_site_admin(by):
        raise PermissionDenied(_("Only the country's focal points assess its capacity."))
    if not country.is_cbd_party:
        raise ValidationError({"country": _("Choose a Party to the Convention.")})
    assessment, _created = Assessment.objects.get_or_create(
        country=country, cycle=cycle, defaults={"created_by": by}
    )
    return assessment


@transaction.atomic
def assessment_save_entry(
    *,
    assessment: Assessment,
    by: User,
    target: GBFTarget,
    thematic_area: ThematicArea | None = None,
    capacity_individual: int | None = None,
    capacity_organisational: int | None = None,
    capacity_systemic: int | None = None,
    gap_description: str = "",
    priority: Priority | None = None,
) -> AssessmentEntry:
    """Save one line of the assessment (the form saves as the focal point goes)."""
    if not by.has_perm("needs.change_assessment", assessment):
        raise PermissionDenied(_("Only the country's focal points assess its capacity."))
    entry = AssessmentEntry.objects.filter(
        assessment=assessment, target=target, thematic_area=thematic_area
    ).first() or AssessmentEntry(assessment=assessment, target=target, thematic_area=thematic_area)
    entry.capacity_individual = capacity_individual
    entry.capacity_organisational = capacity_organisational
    entry.capacity_systemic = capacity_systemic
    entry.gap_description = gap_description.strip()
    entry.priority = priority
    entry.full_clean(exclude=["assessment", "target", "thematic_area"])
    entry.save()
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return entry


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    """Declare the assessment complete; its public summary appears on the country's page."""
    if not by.has_perm("needs.change_assessment", assessment):
        raise PermissionDenied(_("Only the country's focal points assess its capacity."))
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.entries.exists():
        raise ValidationError(_("Assess at least one target before submitting."))
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    assessment.status, assessment.submitted_at = locked.status, locked.submitted_at
    return assessment


# A capacity level whose score is at most this counts as lacking when drafting requests.
LACKING_CAPACITY = 1
LEVEL_FIELDS = {
    "individual": "capacity_individual",
    "organizational": "capacity_organisational",
    "systemic": "capacity_systemic",
}


@transaction.atomic
def assessment_draft_needs(
    *, assessment: Assessment, by: User, entries: Iterable[AssessmentEntry] | None = None
) -> list[Need]:
    """Turn priority gaps into draft requests in one step.

    By default every high-priority entry that has no request yet; each draft is pre-filled with
    the entry's target, thematic area and the capacity levels scored as lacking.
    """
    if not by.has_perm("needs.change_assessment", assessment):
        raise PermissionDenied(_("Only the country's focal points assess its capacity."))
    if entries is None:
        entries = assessment.entries.filter(priority__code="high", needs__isnull=True)
    levels = {level.code: level for level in CapacityLevel.objects.all()}
    drafts = []
    for entry in (
        entries.select_related("target", "thematic_area")
        if hasattr(entries, "select_related")
        else entries
    ):
        need = need_create(
            by=by,
            country=assessment.country,
            title=str(
                _("Capacity for %(target)s")
                % {"target": f"{entry.target.code} {entry.target.title}"}
            )[:250],
            fields={"problem_statement": entry.gap_description, "priority": entry.priority},
            related={
                "targets": [entry.target],
                "thematic_areas": [entry.thematic_area] if entry.thematic_area else [],
                "capacity_levels": [
                    levels[code]
                    for code, field in LEVEL_FIELDS.items()
                    if code in levels
                    and getattr(entry, field) is not None
                    and getattr(entry, field) <= LACKING_CAPACITY
                ],
            },
        )
        Need.objects.filter(pk=need.pk).update(assessment_entry=entry)
        need.assessment_entry = entry
        drafts.append(need)
    return drafts
