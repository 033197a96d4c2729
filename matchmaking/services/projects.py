"""Writes of pilot projects: launching one from an agreed match, its status, progress reports,
the final evaluation by both sides, the success story, the reminders of missing reports, and the
matchmaking workshops.

Each function checks first, then changes, in one transaction: it asks the permission of
``matchmaking/rules_projects.py`` (``PermissionDenied`` otherwise), locks the project's row
(``select_for_update``) and checks that the project is still in the status the caller saw, or
in one that allows the action; if not it raises :class:`ProjectConflict` (a ``ValidationError``
that pages show as "reload", the API as 409). Every change writes a
:class:`~matchmaking.models.ProjectEvent`: the history, and the outbox of the notifications sent
after commit (``matchmaking/notifications_projects.py``).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core.background import enqueue_after_commit
from chm_portal.core.services import reference_next
from chm_portal.core.validators import validate_no_markup, validate_upload
from needs import services as need_services
from needs.models import Need
from partners.models import Event, Offer

from ..models import (
    Match,
    MatchingWorkshop,
    ProgressReport,
    Project,
    ProjectEvaluation,
    ProjectEvent,
    SuccessStory,
)
from .matches import match_complete

__all__ = [
    "AGREEMENT_TYPES",
    "EDITABLE_FIELDS",
    "REPORT_FIELDS",
    "STORY_FIELDS",
    "TRANSITIONS",
    "WORKSHOP_EVENT_TYPES",
    "ProjectConflict",
    "add_months",
    "progress_report_submit",
    "project_evaluate",
    "project_launch",
    "project_set_status",
    "project_update",
    "projects_remind_overdue",
    "success_story_publish",
    "success_story_save",
    "success_story_unpublish",
    "workshop_save",
]

S = Project.Status
A = ProjectEvent.Action
Side = ProjectEvaluation.Side
REFERENCE_PREFIX = "PRJ"

# What the launch form and the edit form write (the agreement document is passed as a file).
EDITABLE_FIELDS = (
    "title",
    "objectives",
    "budget",
    "cofinancing",
    "cofinancing_sources",
    "currency",
    "start_date",
    "end_date",
    "agreement_signed_on",
    "report_every_months",
)
REPORT_FIELDS = (
    "period_start",
    "period_end",
    "progress_percent",
    "achievements",
    "challenges",
    "next_steps",
)
EVALUATION_FIELDS = ("effectiveness", "quality", "achievement", "lessons_learned")
STORY_FIELDS = ("language", "title", "summary", "body")

# The signed agreement: extension -> the MIME type its content must have.
AGREEMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
MAX_AGREEMENT_SIZE = 10 * 1024 * 1024

# Status -> the statuses a person may move a project to from it. ``evaluated`` is reached only
# when both sides have evaluated the completed project (project_evaluate).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNING: frozenset({S.IMPLEMENTATION, S.CANCELLED}),
    S.IMPLEMENTATION: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.EVALUATED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Statuses in which progress is reported: running projects, and a final report once completed.
REPORTING_STATUSES = (S.PLANNING, S.IMPLEMENTATION, S.COMPLETED)
# Statuses of a project that ended well: it may have a success story.
ENDED_STATUSES = (S.COMPLETED, S.EVALUATED)
# A project is reminded of a missing report at most this often.
REMINDER_INTERVAL = datetime.timedelta(days=7)
# Partners' event types a matchmaking workshop may be recorded for.
WORKSHOP_EVENT_TYPES = ("matchmaking_roundtable", "workshop")


class ProjectConflict(ValidationError):
    """The project is not (any more) in a status that allows the action: someone acted first.

    A ``ValidationError``, so pages show it on their form; the API answers it with 409.
    """

    def __init__(self, *, project: Project, action: str):
        self.project = project
        self.action = action
        super().__init__(
            _(
                "“%(action)s” is not possible for %(reference)s: it is now “%(status)s”. "
                "Reload the page to see its current state."
            ),
            code="stale",
            params={
                "action": action,
                "reference": project.reference,
                "status": project.get_status_display(),
            },
        )


# --- Helpers ------------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months, kept within the month (31 Jan + 1 = 28 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _record(
    project: Project,
    *,
    action: str,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ProjectEvent:
    """Write a history line; its notification is sent after commit (and swept if lost)."""
    event = ProjectEvent.objects.create(
        project=project,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=to_status or project.status,
        note=note,
    )
    from .. import tasks  # tasks import the services for the sweeps: resolved at call time

    enqueue_after_commit(tasks.notify_project_event, event.pk)
    return event


def _check(by: User, permission: str, obj: Any, message) -> None:
    if not by.has_perm(permission, obj):
        raise PermissionDenied(message)


def _fields(data: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """The values of ``data`` for ``allowed`` names; other names are a validation error."""
    allowed = tuple(allowed)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown"
        )
    values = dict(data)
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    return values


def _plain(value: str, *, field: str) -> str:
    value = (value or "").strip()
    try:
        validate_no_markup(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return value


def _validate_agreement(file: UploadedFile | None) -> None:
    if file is None:
        return
    try:
        validate_upload(file, allowed=AGREEMENT_TYPES, max_size=MAX_AGREEMENT_SIZE)
    except ValidationError as error:
        raise ValidationError({"agreement_document": error.messages}) from error


def _forget_file(name: str) -> None:
    """Delete a replaced agreement from storage once the change is committed."""
    if name:
        storage = Project._meta.get_field("agreement_document").storage
        transaction.on_commit(lambda: storage.delete(name))


def _clean_project(project: Project) -> None:
    project.full_clean(exclude=["reference", "match", "created_by", "agreement_document"])


def _report_base(project: Project) -> datetime.date:
    """The day the next report is counted from: the last report, else the start or launch."""
    if project.last_report_at:
        return timezone.localdate(project.last_report_at)
    if project.start_date:
        return project.start_date
    return timezone.localdate(project.created_at)


def _lock(project: Project, *, action: str, statuses: Iterable[str] | None = None) -> Project:
    """The project's row, locked; a conflict when its status changed since the caller read it,
    or is not one of ``statuses``."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    allowed = tuple(statuses) if statuses is not None else None
    if locked.status != project.status or (allowed is not None and locked.status not in allowed):
        raise ProjectConflict(project=locked, action=action)
    return locked


def _copy_back(source: Project, target: Project, names: Iterable[str]) -> None:
    """Show the saved state on the caller's object too."""
    for name in names:
        setattr(target, name, getattr(source, name))


# --- Launching ----------------------------------------------------------------------------------
@transaction.atomic
def project_launch(*, match: Match, by: User, data: Mapping[str, Any]) -> Project:
    """Launch the pilot project of an agreed match (either side, or the help desk).

    ``data`` holds :data:`EDITABLE_FIELDS` (title and objectives required) and, optionally, the
    signed ``agreement_document`` (an uploaded PDF, DOCX or ODT). Locks the match and
    checks it is still agreed and has no project yet. The project starts in planning; its first
    report is due ``report_every_months`` after its start (or today). A request that was matched
    moves on to "in progress".
    """
    _check(
        by, "matchmaking.launch_project", match, _("You cannot launch a project for this match.")
    )
    values = _fields(data, (*EDITABLE_FIELDS, "agreement_document"))
    agreement_document = values.pop("agreement_document", None)
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "offer")
        .get(pk=match.pk)
    )
    if locked.status != Match.Status.AGREED:
        raise ValidationError(
            _(
                "Only an agreed match can launch a project; this one is now “%(status)s”. "
                "Reload the page to see its current state."
            ),
            code="stale",
            params={"status": locked.get_status_display()},
        )
    if Project.objects.filter(match=locked).exists():
        raise ValidationError(
            _("This match has already launched its project. Reload the page to see it."),
            code="stale",
        )
    _validate_agreement(agreement_document)
    today = timezone.localdate()
    project = Project(match=locked, created_by=by, status=S.PLANNING, **values)
    if not project.currency:
        project.currency = "USD"
    _clean_project(project)
    project.next_report_due = add_months(project.start_date or today, project.report_every_months)
    project.reference = reference_next(prefix=REFERENCE_PREFIX)
    if agreement_document is not None:
        project.agreement_document = agreement_document
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:  # launched twice at the same moment
        raise ValidationError(
            _("This match has already launched its project. Reload the page to see it."),
            code="stale",
        ) from error
    _record(project, action=A.LAUNCHED, by=by, to_status=project.status)
    if locked.need.status == Need.Status.MATCHED:
        need_services.need_start_work(
            need=locked.need,
            by=by,
            note=str(_("Pilot project %(reference)s launched.") % {"reference": project.reference}),
        )
    return project


# --- Editing ------------------------------------------------------------------------------------
@transaction.atomic
def project_update(*, project: Project, by: User, data: Mapping[str, Any]) -> Project:
    """Change what a project says (either side or the help desk) while it runs; the help desk
    may also correct a project that ended. Only the fields given in ``data`` are written (a new
    ``agreement_document`` replaces the old one, which is deleted after commit)."""
    _check(by, "matchmaking.change_project", project, _("You cannot change this project."))
    values = _fields(data, (*EDITABLE_FIELDS, "agreement_document"))
    agreement_document = values.pop("agreement_document", None)
    statuses = None if is_helpdesk_or_site_admin(by) else Project.RUNNING_STATUSES
    locked = _lock(project, action=str(A.EDITED.label), statuses=statuses)
    if locked.status == S.CANCELLED:
        raise ProjectConflict(project=locked, action=str(A.EDITED.label))
    _validate_agreement(agreement_document)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    _clean_project(locked)
    update_fields = [*changed]
    if agreement_document is not None:
        _forget_file(locked.agreement_document.name)
        locked.agreement_document = agreement_document
        update_fields.append("agreement_document")
        changed.append("agreement_document")
    if {"start_date", "report_every_months"} & set(changed) and locked.status in (
        Project.RUNNING_STATUSES
    ):
        locked.next_report_due = add_months(_report_base(locked), locked.report_every_months)
        update_fields.append("next_report_due")
    if update_fields:
        locked.save(update_fields=[*update_fields, "updated_at"])
        labels = ", ".join(str(Project._meta.get_field(name).verbose_name) for name in changed)
        _record(locked, action=A.EDITED, by=by, note=labels)
    _copy_back(locked, project, [*update_fields, "updated_at"])
    return project


# --- Status -------------------------------------------------------------------------------------
def _end(locked: Project, *, by: User | None) -> None:
    """A project completed: the request is fulfilled and the match completed."""
    match = Match.objects.select_related("need").get(pk=locked.match_id)
    if match.need.status == Need.Status.IN_PROGRESS:
        need_services.need_fulfil(
            need=match.need,
            by=by,
            note=str(_("Pilot project %(reference)s completed.") % {"reference": locked.reference}),
        )
    if match.status == Match.Status.AGREED:
        # The portal closes the match (by=None): the people acted on the project, not on it.
        match_complete(
            match=match,
            by=None,
            note=str(_("Pilot project %(reference)s completed.") % {"reference": locked.reference}),
        )


def _release(locked: Project, *, note: str) -> None:
    """A project cancelled: its match ends too, so the offer's place is free again (the request
    stays in progress for the help desk to decide what comes next)."""
    match = Match.objects.get(pk=locked.match_id)
    if match.status == Match.Status.AGREED:
        match_complete(
            match=match,
            by=None,
            note=str(
                _("Pilot project %(reference)s cancelled: %(reason)s")
                % {"reference": locked.reference, "reason": note}
            ),
        )


@transaction.atomic
def project_set_status(*, project: Project, by: User, status: str, note: str = "") -> Project:
    """Move a project along: planning → implementation → completed, or a running project to
    cancelled. ``project.status`` is the status the caller saw: if it changed meanwhile, or the
    move is not possible from it, :class:`ProjectConflict`.

    Completing fulfils the request and completes the match; cancelling ends the match (its place
    on the offer is free again); neither owes reports any more.
    """
    _check(by, "matchmaking.change_project", project, _("You cannot change this project."))
    if status not in S.values:
        raise ValidationError({"status": _("Choose one of the statuses of a project.")})
    note = _plain(note, field="note")
    if status == S.CANCELLED and not note:
        raise ValidationError({"note": _("Say why the project is cancelled.")})
    label = str(S(status).label)
    locked = _lock(project, action=label)
    if status not in TRANSITIONS[locked.status]:
        raise ProjectConflict(project=locked, action=label)
    now = timezone.now()
    from_status = locked.status
    locked.status = status
    locked.status_changed_at = now
    changed = ["status", "status_changed_at"]
    if status in (S.COMPLETED, S.CANCELLED):
        locked.next_report_due = None
        changed.append("next_report_due")
    if status == S.COMPLETED:
        locked.completed_at = now
        changed.append("completed_at")
    locked.save(update_fields=[*changed, "updated_at"])
    _record(
        locked,
        action=A.STATUS_CHANGED,
        by=by,
        from_status=from_status,
        to_status=status,
        note=note,
    )
    if status == S.COMPLETED:
        _end(locked, by=by)
    elif status == S.CANCELLED:
        _release(locked, note=note)
    _copy_back(locked, project, [*changed, "updated_at"])
    return project


# --- Progress reports ---------------------------------------------------------------------------
@transaction.atomic
def progress_report_submit(
    *, project: Project, by: User, data: Mapping[str, Any]
) -> ProgressReport:
    """A progress report by either side (or the help desk) on a running or completed project.

    The next report of a running project is due ``report_every_months`` after this one, and the
    reminders start again from there.
    """
    _check(by, "matchmaking.report_project", project, _("You cannot report on this project."))
    values = _fields(data, REPORT_FIELDS)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in REPORTING_STATUSES:
        raise ProjectConflict(project=locked, action=str(A.REPORTED.label))
    report = ProgressReport(project=locked, submitted_by=by, **values)
    report.full_clean(exclude=["project", "submitted_by"])
    report.save()
    now = timezone.now()
    locked.last_report_at = now
    locked.reminded_at = None
    changed = ["last_report_at", "reminded_at"]
    if locked.status in Project.RUNNING_STATUSES:
        locked.next_report_due = add_months(timezone.localdate(now), locked.report_every_months)
        changed.append("next_report_due")
    locked.save(update_fields=[*changed, "updated_at"])
    _record(
        locked,
        action=A.REPORTED,
        by=by,
        note=str(
            _("%(percent)s%% done, %(start)s to %(end)s.")
            % {
                "percent": report.progress_percent,
                "start": report.period_start.isoformat(),
                "end": report.period_end.isoformat(),
            }
        ),
    )
    _copy_back(locked, project, [*changed, "updated_at"])
    return report


# --- The final evaluation -----------------------------------------------------------------------
@transaction.atomic
def project_evaluate(
    *, project: Project, by: User, side: str, data: Mapping[str, Any]
) -> ProjectEvaluation:
    """The evaluation of a completed project by one side: effectiveness and quality (1-5), how
    far the objectives were achieved, lessons learned. Once per side; the help desk may record
    either side's. When both sides have evaluated, the project is evaluated."""
    if side not in Side.values:
        raise ValidationError({"side": _("Choose the requester's or the provider's side.")})
    _check(
        by,
        f"matchmaking.evaluate_project_{side}",
        project,
        _("You cannot evaluate this project for this side."),
    )
    values = _fields(data, EVALUATION_FIELDS)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != S.COMPLETED:
        raise ProjectConflict(project=locked, action=str(A.EVALUATED.label))
    if ProjectEvaluation.objects.filter(project=locked, side=side).exists():
        raise ValidationError(
            _("This side (%(side)s) has already evaluated this project.")
            % {"side": Side(side).label},
            code="already_evaluated",
        )
    evaluation = ProjectEvaluation(project=locked, side=side, evaluated_by=by, **values)
    evaluation.full_clean(exclude=["project", "evaluated_by"])
    evaluation.save()
    _record(locked, action=A.EVALUATED, by=by, note=str(Side(side).label))
    if ProjectEvaluation.objects.filter(project=locked).count() == len(Side.values):
        locked.status = S.EVALUATED
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        _record(
            locked,
            action=A.STATUS_CHANGED,
            by=None,
            from_status=S.COMPLETED,
            to_status=S.EVALUATED,
            note=str(_("Both sides have evaluated the project.")),
        )
        _end(locked, by=None)  # normally done at completion; a no-op then
    _copy_back(locked, project, ["status", "status_changed_at", "updated_at"])
    return evaluation


# --- Success stories ----------------------------------------------------------------------------
@transaction.atomic
def success_story_save(*, project: Project, by: User, data: Mapping[str, Any]) -> SuccessStory:
    """Write (or rewrite) the success story of a completed or evaluated project: either side
    or the help desk. A new story is a draft; a published one stays published."""
    _check(
        by,
        "matchmaking.change_successstory",
        project,
        _("You cannot write the story of this project."),
    )
    values = _fields(data, STORY_FIELDS)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in ENDED_STATUSES:
        raise ValidationError(
            _("A success story is written once the project is completed."), code="not_ended"
        )
    story = SuccessStory.objects.filter(project=locked).first() or SuccessStory(
        project=locked, written_by=by
    )
    for name, value in values.items():
        setattr(story, name, value)
    story.full_clean(exclude=["project", "written_by"])
    story.save()
    return story


@transaction.atomic
def success_story_publish(*, story: SuccessStory, by: User) -> SuccessStory:
    """Publish a draft story (either side or the help desk): it appears on the public pages when
    its project is public."""
    _check(by, "matchmaking.publish_successstory", story, _("You cannot publish this story."))
    locked = (
        SuccessStory.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=story.pk)
    )
    if locked.status != SuccessStory.Status.DRAFT or locked.status != story.status:
        raise ValidationError(
            _("This story is already published. Reload the page to see its current state."),
            code="stale",
        )
    if locked.project.status not in ENDED_STATUSES:
        raise ProjectConflict(project=locked.project, action=str(A.STORY_PUBLISHED.label))
    locked.status = SuccessStory.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    _record(locked.project, action=A.STORY_PUBLISHED, by=by, note=locked.title)
    _copy_back(locked, story, ["status", "published_at", "updated_at"])
    return story


@transaction.atomic
def success_story_unpublish(*, story: SuccessStory, by: User, note: str = "") -> SuccessStory:
    """Take a published story down (the help desk only): it becomes a draft again."""
    _check(
        by,
        "matchmaking.unpublish_successstory",
        story,
        _("Only the help desk takes a story down."),
    )
    locked = (
        SuccessStory.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=story.pk)
    )
    if locked.status != SuccessStory.Status.PUBLISHED:
        raise ValidationError(
            _("This story is not published. Reload the page to see its current state."),
            code="stale",
        )
    locked.status = SuccessStory.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    _record(
        locked.project,
        action=A.EDITED,
        by=by,
        note=str(_("Success story taken down: %(note)s") % {"note": _plain(note, field="note")})
        if note.strip()
        else str(_("Success story taken down.")),
    )
    _copy_back(locked, story, ["status", "updated_at"])
    return story


# --- Reminders ----------------------------------------------------------------------------------
def projects_remind_overdue(
    *, today: datetime.date | None = None, project_ids: Iterable[int] | None = None
) -> list[int]:
    """Remind both sides of running projects whose next report is overdue (Celery beat, daily;
    the admin for ``project_ids`` only).

    A project is reminded at most once every :data:`REMINDER_INTERVAL`: running it again the
    same day reminds nobody (idempotent). Each project is claimed under ``SKIP LOCKED``, in its
    own transaction; returns the ids of the projects reminded.
    """
    now = timezone.now()
    if today is None:
        today = timezone.localdate(now)
    else:
        now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime(now).time()))
    cutoff = now - REMINDER_INTERVAL
    overdue = Project.objects.filter(
        status__in=Project.RUNNING_STATUSES, next_report_due__lt=today
    ).exclude(reminded_at__gt=cutoff)
    if project_ids is not None:
        overdue = overdue.filter(pk__in=list(project_ids))
    due = list(overdue.order_by("next_report_due", "pk").values_list("pk", flat=True))
    reminded = []
    for project_id in due:
        with transaction.atomic():
            project = (
                Project.objects.select_for_update(skip_locked=True)
                .filter(pk=project_id, status__in=Project.RUNNING_STATUSES)
                .exclude(reminded_at__gt=cutoff)
                .first()
            )
            if project is None:
                continue
            Project.objects.filter(pk=project.pk).update(reminded_at=now)
            project.reminded_at = now
            _record(
                project,
                action=A.REMINDED,
                by=None,
                note=str(
                    _("The progress report due on %(due)s is missing.")
                    % {"due": project.next_report_due.isoformat()}
                ),
            )
            reminded.append(project.pk)
    return reminded


# --- Matchmaking workshops ----------------------------------------------------------------------
@transaction.atomic
def workshop_save(
    *,
    event: Event,
    by: User,
    needs: Iterable[Need],
    offers: Iterable[Offer],
    summary: str = "",
) -> MatchingWorkshop:
    """Record (or update) what a matchmaking workshop or roundtable discussed: the requests and
    offers (help desk). The matches it produced point to it (``match_propose(workshop=...)``)."""
    if not by.has_perm("matchmaking.change_matchingworkshop"):
        raise PermissionDenied(_("Only the help desk records matchmaking workshops."))
    if event.event_type.code not in WORKSHOP_EVENT_TYPES:
        raise ValidationError(
            {"event": _("Choose an event that is a matchmaking workshop, roundtable or workshop.")}
        )
    summary = _plain(summary, field="summary")
    workshop, _created = MatchingWorkshop.objects.select_for_update().get_or_create(event=event)
    workshop.summary = summary
    workshop.full_clean(exclude=["event"])
    workshop.save(update_fields=["summary"])
    workshop.needs.set(list(needs))
    workshop.offers.set(list(offers))
    return workshop
