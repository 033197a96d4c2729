"""Writes of learning: enrolment, invitations to cohorts, progress per lesson, completion and the
survey asked on completion.

Each function checks first (the permissions of ``elearning/rules.py``, raising
``PermissionDenied``; the state of the enrolment and of the course, raising a translated
``ValidationError``), then changes. Rules of the game:

- **Enrolment**: anyone signed in enrols in a published course open for enrolment; enrolling
  again is harmless (a withdrawn enrolment comes back). ``Course.enrolment_count`` counts the
  enrolments in progress or completed (F() updates: withdrawing takes one off, coming back adds
  it again); invited people count once they accept.
- **Invitations** (cohorts, invitation-only courses): the course team invites addresses; each
  gets a link valid :data:`INVITATION_VALIDITY`, accepted by whoever signs in with it (the link is
  the secret: people often have an account under another address). An invited address that has
  an account also gets an enrolment "invited" and an inbox message.
- **Progress**: opening a lesson is one upsert of ``LessonProgress.last_seen_at`` (one
  ``INSERT ... ON CONFLICT`` on SQLite and PostgreSQL); content lessons are marked done by the
  learner, quiz lessons when the quiz is passed (``services/quizzes.py``).
- **Completion**: every required lesson done and every quiz passed (optional content lessons do
  not count; a course whose lessons are all optional counts them all). The enrolment is then
  completed, the certificate issued when the course offers one, and the learner recorded as an
  alumnus (``services/alumni.py``).
- **Archived courses** take no new enrolment, but those already enrolled may finish them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import FocalPoint, User
from chm_portal.core.background import enqueue_reliably

from ..models import (
    Cohort,
    Course,
    CourseInvitation,
    CourseStatus,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    SurveyResponse,
)

__all__ = [
    "COUNTED_STATUSES",
    "INVITATION_VALIDITY",
    "LEARNING_STATUSES",
    "MAX_INVITATIONS_AT_ONCE",
    "SURVEY_FIELDS",
    "accept_invitation",
    "answer_survey",
    "check_completion",
    "complete_lesson",
    "counted_lesson_ids",
    "enrol",
    "enrolment_refusal",
    "invitation_refusal",
    "invite_to_course",
    "mark_lesson_completed",
    "record_lesson_seen",
    "refresh_course_counts",
    "withdraw",
]

S = EnrolmentStatus
# How long an invitation link may be used.
INVITATION_VALIDITY = timedelta(days=30)
# Addresses one invitation form may send to.
MAX_INVITATIONS_AT_ONCE = 200
# Enrolments ``Course.enrolment_count`` counts.
COUNTED_STATUSES = (S.ACTIVE, S.COMPLETED)
# Enrolments whose learner may open lessons and record progress.
LEARNING_STATUSES = (S.ACTIVE, S.COMPLETED)


# --- Helpers --------------------------------------------------------------------------------------
def _lock(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrolment.pk)
    )


def _copy_back(source: Enrolment, target: Enrolment) -> None:
    """Show the saved state on the caller's object too."""
    for name in ("status", "cohort_id", "country_id", "completed_at", "withdrawn_at"):
        setattr(target, name, getattr(source, name))


def _count(course_id: int, delta: int) -> None:
    """Add ``delta`` to the course's enrolment count (never below zero)."""
    courses = Course.objects.filter(pk=course_id)
    if delta < 0:
        courses = courses.filter(enrolment_count__gte=-delta)
    courses.update(enrolment_count=F("enrolment_count") + delta)


def _country_id_of(user: User) -> int | None:
    """The learner's country: the one in their profile, else the country they are a focal point
    of; None when neither is known."""
    if user.country_id:
        return user.country_id
    return (
        FocalPoint.objects.active()
        .filter(user=user)
        .order_by("granted_at", "pk")
        .values_list("country_id", flat=True)
        .first()
    )


def enrolment_refusal(course: Course, user) -> str | None:
    """Why ``user`` may not enrol in ``course`` now (translated), or None when they may."""
    if not user.is_authenticated:
        return _("Sign in to enrol in a course.")
    if user.has_perm("elearning.enrol", course):
        return None
    if course.status == CourseStatus.ARCHIVED:
        return _("This course is archived: it takes no new enrolments.")
    if course.status != CourseStatus.PUBLISHED:
        return _("This course is not published.")
    if course.enrolment_mode == EnrolmentMode.INVITATION:
        return _("This course takes learners by invitation only.")
    return _("Enrolment in this course is closed.")


# --- Enrolment ----------------------------------------------------------------------------------
@transaction.atomic
def enrol(*, course: Course, user) -> Enrolment:
    """Enrol ``user`` in ``course`` (``elearning.enrol``: signed in, course open for enrolment).

    Idempotent: an enrolment in progress or completed is returned as it is; a withdrawn one (or
    an invitation not yet accepted, on an open course) becomes in progress again. The learner's
    country is recorded for monitoring. Locks the person's enrolment in the course, if any.
    """
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to enrol in a course."))
    existing = (
        Enrolment.objects.select_for_update(of=("self",)).filter(course=course, user=user).first()
    )
    if existing is not None and existing.status in COUNTED_STATUSES:
        return existing
    refusal = enrolment_refusal(course, user)
    if refusal:
        raise PermissionDenied(refusal)
    if existing is None:
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    course=course,
                    user=user,
                    status=S.ACTIVE,
                    country_id=_country_id_of(user),
                    enrolled_at=timezone.now(),
                )
        except IntegrityError:
            # A second click enrolled meanwhile: that one counted.
            return Enrolment.objects.get(course=course, user=user)
    else:
        enrolment = existing
        enrolment.status = S.ACTIVE
        enrolment.withdrawn_at = None
        enrolment.country_id = enrolment.country_id or _country_id_of(user)
        enrolment.save(update_fields=["status", "withdrawn_at", "country"])
    _count(course.pk, +1)
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, user) -> Enrolment:
    """Withdraw from a course in progress, or decline an invitation (the learner only).

    Withdrawing again changes nothing; a completed course cannot be withdrawn from. Progress is
    kept, so enrolling again resumes where the learner left off. Locks the enrolment.
    """
    if not user.has_perm("elearning.learn", enrolment):
        raise PermissionDenied(_("You can only withdraw from your own courses."))
    locked = _lock(enrolment)
    if locked.status == S.WITHDRAWN:
        return locked
    if locked.status == S.COMPLETED:
        raise ValidationError(
            _("You completed this course: there is nothing to withdraw from."), code="completed"
        )
    was_counted = locked.status in COUNTED_STATUSES
    locked.status = S.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at"])
    if was_counted:
        _count(locked.course_id, -1)
    _copy_back(locked, enrolment)
    return locked


# --- Invitations --------------------------------------------------------------------------------
def _clean_addresses(emails: Iterable[str]) -> list[str]:
    """The addresses, trimmed, lower-cased and each once, in the order given; refused when one
    is not an email address, none is given, or too many are."""
    addresses: list[str] = []
    seen: set[str] = set()
    invalid: list[str] = []
    for raw in emails or ():
        address = str(raw or "").strip().lower()
        if not address or address in seen:
            continue
        seen.add(address)
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
            continue
        addresses.append(address)
    if invalid:
        raise ValidationError(
            {
                "emails": _("These are not valid email addresses: %(addresses)s.")
                % {"addresses": ", ".join(invalid[:20])}
            }
        )
    if not addresses:
        raise ValidationError({"emails": _("Enter at least one email address.")})
    if len(addresses) > MAX_INVITATIONS_AT_ONCE:
        raise ValidationError(
            {
                "emails": _("Invite at most %(count)s people at once.")
                % {"count": MAX_INVITATIONS_AT_ONCE}
            }
        )
    return addresses


@transaction.atomic
def invite_to_course(
    *, course: Course, emails: Iterable[str], cohort: Cohort | None = None, by
) -> list[CourseInvitation]:
    """Invite ``emails`` to ``course`` (and ``cohort``): the course team and the help desk
    (``elearning.manage_cohorts``), for a published course.

    Addresses already learning (or done with) the course are skipped; a pending invitation to
    the same address is renewed (new link, new expiry). Each invitation is emailed after commit;
    an address with an account also gets an enrolment "invited" and an inbox message. Returns the
    invitations sent. Locks the enrolments and pending invitations concerned.
    """
    if not by.has_perm("elearning.manage_cohorts", course):
        raise PermissionDenied(_("Only the course team may invite learners."))
    if course.status != CourseStatus.PUBLISHED:
        raise ValidationError(
            _("Invitations are sent for published courses only."), code="not_published"
        )
    if cohort is not None and cohort.course_id != course.pk:
        raise ValidationError({"cohort": _("This cohort belongs to another course.")})
    addresses = _clean_addresses(emails)

    accounts = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=addresses, is_active=True
        )
    }
    enrolments = {
        enrolment.user_id: enrolment
        for enrolment in Enrolment.objects.select_for_update(of=("self",)).filter(
            course=course, user__in=list(accounts.values())
        )
    }
    pending = {
        invitation.email_lower: invitation
        for invitation in CourseInvitation.objects.select_for_update(of=("self",))
        .annotate(email_lower=Lower("email"))
        .filter(course=course, accepted_at__isnull=True, email_lower__in=addresses)
    }
    now = timezone.now()
    expires_at = now + INVITATION_VALIDITY
    country_ids: dict[int, int | None] = {}
    sent: list[CourseInvitation] = []
    from .. import tasks  # the tasks import the services: resolved at call time

    for address in addresses:
        account = accounts.get(address)
        enrolment = enrolments.get(account.pk) if account is not None else None
        if enrolment is not None and enrolment.status in COUNTED_STATUSES:
            continue
        invitation = pending.get(address) or CourseInvitation(course=course, email=address)
        invitation.cohort = cohort
        invitation.token = secrets.token_urlsafe(32)
        invitation.invited_by = by
        invitation.created_at = now
        invitation.expires_at = expires_at
        invitation.save()
        if account is not None:
            if enrolment is None:
                if account.pk not in country_ids:
                    country_ids[account.pk] = _country_id_of(account)
                Enrolment.objects.create(
                    course=course,
                    user=account,
                    cohort=cohort,
                    status=S.INVITED,
                    country_id=country_ids[account.pk],
                    enrolled_at=now,
                )
            else:  # invited before, or withdrawn: invited (again)
                enrolment.status = S.INVITED
                enrolment.cohort = cohort
                enrolment.withdrawn_at = None
                enrolment.save(update_fields=["status", "cohort", "withdrawn_at"])
        enqueue_reliably(tasks.send_course_invitation, invitation.pk)
        sent.append(invitation)
    return sent


def invitation_refusal(invitation: CourseInvitation | None, user) -> str | None:
    """Why ``user`` cannot accept ``invitation`` now (translated), or None when they can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
        return _("This invitation was already used. Ask the course team for a new one.")
    if invitation.accepted_at is None and invitation.expires_at <= timezone.now():
        return _("This invitation expired on %(date)s. Ask the course team for a new one.") % {
            "date": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        }
    if invitation.accepted_at is None and invitation.course.status != CourseStatus.PUBLISHED:
        return _("This course no longer takes enrolments.")
    return None


@transaction.atomic
def accept_invitation(*, token: str, user) -> Enrolment:
    """Enrol ``user`` (whoever is signed in with the link) in the invitation's course and
    cohort. The link works once, until it expires; the person who used it may use it again
    (nothing changes). Locks the invitation and the person's enrolment in the course."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to accept the invitation."))
    invitation = (
        CourseInvitation.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(token=str(token or "")[:64])
        .first()
        if token
        else None
    )
    refusal = invitation_refusal(invitation, user)
    if refusal:
        raise ValidationError(refusal, code="invitation")
    course = invitation.course
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).filter(course=course, user=user).first()
    )
    if invitation.accepted_at is not None:  # used before by this person
        if enrolment is None:
            raise ValidationError(
                _("This invitation was already used. Ask the course team for a new one."),
                code="invitation",
            )
        return enrolment
    now = timezone.now()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            course=course,
            user=user,
            cohort=invitation.cohort,
            status=S.ACTIVE,
            country_id=_country_id_of(user),
            enrolled_at=now,
        )
        _count(course.pk, +1)
    elif enrolment.status not in COUNTED_STATUSES:
        enrolment.status = S.ACTIVE
        enrolment.withdrawn_at = None
        enrolment.cohort = invitation.cohort or enrolment.cohort
        enrolment.country_id = enrolment.country_id or _country_id_of(user)
        enrolment.save(update_fields=["status", "withdrawn_at", "cohort", "country"])
        _count(course.pk, +1)
    elif invitation.cohort_id and not enrolment.cohort_id:
        enrolment.cohort = invitation.cohort
        enrolment.save(update_fields=["cohort"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return enrolment


# --- Progress -----------------------------------------------------------------------------------
def _check_learning(*, enrolment: Enrolment, lesson: Lesson, user) -> None:
    """Refuse progress on someone else's enrolment, an enrolment not (or no longer) in progress,
    a lesson of another course, or a course that is not published or archived. No query when the
    enrolment's course is loaded."""
    if not user.has_perm("elearning.learn", enrolment):
        raise PermissionDenied(_("This is not your enrolment."))
    if enrolment.status == S.INVITED:
        raise ValidationError(_("Accept the invitation to this course first."), code="invited")
    if enrolment.status == S.WITHDRAWN:
        raise ValidationError(
            _("You withdrew from this course: enrol again to continue."), code="withdrawn"
        )
    if lesson.course_id != enrolment.course_id:
        raise ValidationError(_("This lesson is not part of your course."), code="other_course")
    if enrolment.course.status not in Course.PUBLIC_STATUSES:
        raise ValidationError(_("This course is not available at the moment."), code="unavailable")


def record_lesson_seen(*, enrolment: Enrolment, lesson: Lesson, user) -> None:
    """Remember that the learner opened ``lesson`` now: "resume where you left off".

    One statement (``INSERT ... ON CONFLICT DO UPDATE SET last_seen_at``), no transaction of its
    own and no read when the enrolment's course is loaded.
    """
    _check_learning(enrolment=enrolment, lesson=lesson, user=user)
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrolment=enrolment, lesson=lesson, last_seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["enrolment", "lesson"],
        update_fields=["last_seen_at"],
    )


def mark_lesson_completed(*, enrolment: Enrolment, lesson: Lesson) -> None:
    """Record ``lesson`` as done (keeping the first completion time). For the services: the
    caller has checked; quizzes call it when passed."""
    now = timezone.now()
    updated = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
        last_seen_at=now, completed_at=Coalesce(F("completed_at"), Value(now))
    )
    if updated:
        return
    try:
        with transaction.atomic():
            LessonProgress.objects.create(
                enrolment=enrolment, lesson=lesson, last_seen_at=now, completed_at=now
            )
    except IntegrityError:  # seen meanwhile by a concurrent request
        LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
            completed_at=Coalesce(F("completed_at"), Value(now))
        )


@transaction.atomic
def complete_lesson(*, enrolment: Enrolment, lesson: Lesson, user) -> bool:
    """Mark a content lesson done ("Mark as done") and complete the course when it was the last
    one missing; True when the course got completed by this. A quiz is done by passing it."""
    _check_learning(enrolment=enrolment, lesson=lesson, user=user)
    if lesson.kind == Lesson.Kind.QUIZ:
        raise ValidationError(_("A quiz is done when you pass it."), code="quiz")
    mark_lesson_completed(enrolment=enrolment, lesson=lesson)
    return check_completion(enrolment=enrolment)


def counted_lesson_ids(course_id: int) -> set[int]:
    """The lessons whose completion completes the course: the required ones and every quiz;
    all lessons when none is required."""
    lessons = list(Lesson.objects.filter(course_id=course_id).values_list("pk", "required", "kind"))
    counted = {pk for pk, required, kind in lessons if required or kind == Lesson.Kind.QUIZ}
    return counted or {pk for pk, _required, _kind in lessons}


def check_completion(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment when every counted lesson is done; True when it got completed now.
    Nothing happens to an enrolment not in progress."""
    if enrolment.status != S.ACTIVE:
        return False
    counted = counted_lesson_ids(enrolment.course_id)
    if not counted:
        return False
    done = set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False, lesson_id__in=counted
        ).values_list("lesson_id", flat=True)
    )
    if counted - done:
        return False
    return _complete_enrolment(enrolment)


def _record_alumnus(enrolment: Enrolment) -> None:
    # services/alumni.py imports these services' models and is written alongside: imported when
    # called, so that either module loads first.
    from .alumni import record_course_completion

    record_course_completion(enrolment=enrolment)


@transaction.atomic
def _complete_enrolment(enrolment: Enrolment) -> bool:
    """Complete an enrolment in progress: the date, the course's completion count, the
    certificate (when offered), the alumni record; the learner is told after commit. False when
    it was not in progress any more. Locks the enrolment."""
    locked = _lock(enrolment)
    if locked.status != S.ACTIVE:
        return False
    locked.status = S.COMPLETED
    locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "completed_at"])
    Course.objects.filter(pk=locked.course_id).update(completion_count=F("completion_count") + 1)
    _copy_back(locked, enrolment)
    if locked.course.certificate_offered:
        from .certificates import issue_certificate

        issue_certificate(enrolment=locked)  # tells the learner (with the survey's link)
    else:
        from .. import tasks

        enqueue_reliably(tasks.send_course_completed, locked.pk)
    _record_alumnus(locked)
    return True


def refresh_course_counts(*, course_ids: Iterable[int] | None = None) -> int:
    """Recount ``enrolment_count`` and ``completion_count`` of the courses (all when None) from
    their enrolments, in SQL (for imports and demo data); returns how many courses changed."""

    def counting(statuses) -> Subquery:
        return Subquery(
            Enrolment.objects.filter(course_id=OuterRef("pk"), status__in=statuses)
            .order_by()
            .values("course_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    courses = Course.objects.all()
    if course_ids is not None:
        courses = courses.filter(pk__in=list(course_ids))
    return courses.update(
        enrolment_count=Coalesce(counting(COUNTED_STATUSES), 0),
        completion_count=Coalesce(counting((S.COMPLETED,)), 0),
    )


# --- Survey -------------------------------------------------------------------------------------
SURVEY_FIELDS = ("quality", "effectiveness", "relevance", "comments")


@transaction.atomic
def answer_survey(
    *,
    enrolment: Enrolment,
    user,
    quality: int,
    effectiveness: int,
    relevance: str,
    comments: str = "",
) -> SurveyResponse:
    """Record what the learner thought of a completed course: once per enrolment.

    Ratings are 1 to 5; ``relevance`` one of :class:`SurveyResponse.Relevance`; comments are plain
    text. Locks the enrolment.
    """
    if not user.has_perm("elearning.learn", enrolment):
        raise PermissionDenied(_("You can only answer the survey of your own courses."))
    locked = _lock(enrolment)
    if not user.has_perm("elearning.answer_survey", locked):
        raise ValidationError(
            _("The survey is open once you have completed the course."), code="not_completed"
        )
    if SurveyResponse.objects.filter(enrolment=locked).exists():
        raise ValidationError(
            _("You already answered the survey of this course. Thank you!"), code="answered"
        )
    response = SurveyResponse(
        enrolment=locked,
        course_id=locked.course_id,
        quality=quality,
        effectiveness=effectiveness,
        relevance=relevance,
        comments=str(comments or "").strip(),
        submitted_at=timezone.now(),
    )
    response.full_clean(exclude=["enrolment", "course"], validate_unique=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You already answered the survey of this course. Thank you!"), code="answered"
        ) from error
    return response
