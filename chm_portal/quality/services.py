"""Writes of quality reviews: asked for, started, checked against the standards, decided, and the
improvements the item's team made.

Every function checks first, then changes, in one transaction: it asks the permission of
``chm_portal/quality/rules.py`` (``PermissionDenied`` otherwise), locks the review's row and
checks that it is still in a status that allows the action (a translated ``ValidationError``
saying "reload" otherwise).

The record behind the indicator "items reviewed against the standards and improved": a review
that requested improvements gets ``improvements_made`` from the item's team
(:func:`record_improvements`), and ``improved_at`` when the follow-up review (the next one, whose
``previous`` it is) approves the item (:func:`complete_review`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup

from . import registry, selectors
from .models import QualityReview, QualityStandard, ReviewCheck

__all__ = [
    "complete_review",
    "record_checks",
    "record_improvements",
    "request_review",
    "standards_for_kind",
    "start_review",
]

Status = QualityReview.Status
Result = ReviewCheck.Result


def _check(by, permission: str, obj: Any, message) -> None:
    if by is not None and not by.has_perm(permission, obj):
        raise PermissionDenied(message)


def _plain(value: str | None, *, field: str) -> str:
    value = (value or "").strip()
    try:
        validate_no_markup(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return value


def _stale(review: QualityReview) -> ValidationError:
    return ValidationError(
        _("This review is now “%(status)s”. Reload the page to see its current state."),
        code="stale",
        params={"status": review.get_status_display()},
    )


def _lock(review: QualityReview, *, statuses) -> QualityReview:
    locked = QualityReview.objects.select_for_update().get(pk=review.pk)
    if locked.status not in statuses:
        raise _stale(locked)
    return locked


def _copy_back(source: QualityReview, target: QualityReview, names) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


def standards_for_kind(kind: str) -> list[QualityStandard]:
    """The active standards that apply to ``kind``, in checklist order."""
    return [
        standard
        for standard in QualityStandard.objects.filter(is_active=True)
        if standard.applies_to_kind(kind)
    ]


def _open_review_exists() -> ValidationError:
    return ValidationError(
        _("A review of this item is already open: it cannot be asked for twice."),
        code="open_review",
    )


# --- Asking for a review --------------------------------------------------------------------------
@transaction.atomic
def request_review(*, item: Model, by) -> QualityReview:
    """Open a review of ``item`` (a registered reviewable record) with one check per active
    standard that applies to its kind.

    Asked by the item's team (a course submitted for review) or by a reviewer (a published
    resource or event). At most one review of an item is open at a time. When the item's last
    review requested improvements, the new one follows it up (``previous``).
    """
    reviewable = registry.reviewable_for(item)
    _check(by, "quality.request_review", item, _("You cannot ask for a review of this item."))
    content_type = reviewable.content_type()
    if QualityReview.objects.filter(
        content_type=content_type, object_id=item.pk, status__in=QualityReview.OPEN_STATUSES
    ).exists():
        raise _open_review_exists()
    review = QualityReview(
        content_type=content_type,
        object_id=item.pk,
        item_title=reviewable.title(item),
        requested_by=by,
        previous=selectors.review_to_follow_up(content_type=content_type, object_id=item.pk),
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as error:  # asked twice at the same moment
        raise _open_review_exists() from error
    ReviewCheck.objects.bulk_create(
        ReviewCheck(review=review, standard=standard)
        for standard in standards_for_kind(reviewable.kind)
    )
    return review


# --- Reviewing ----------------------------------------------------------------------------------
def _begin(locked: QualityReview, *, reviewer) -> list[str]:
    """Take the review: in progress, by ``reviewer`` (who may take it over from a colleague)."""
    changed = []
    if locked.status == Status.PENDING:
        locked.status = Status.IN_PROGRESS
        changed.append("status")
    if reviewer is not None and locked.reviewer_id != reviewer.pk:
        locked.reviewer = reviewer
        changed.append("reviewer")
    return changed


@transaction.atomic
def start_review(*, review: QualityReview, reviewer) -> QualityReview:
    """A reviewer takes an open review (it moves from "waiting" to "in progress")."""
    _check(reviewer, "quality.review_item", review, _("Only content reviewers review items."))
    locked = _lock(review, statuses=QualityReview.OPEN_STATUSES)
    changed = _begin(locked, reviewer=reviewer)
    if changed:
        locked.save(update_fields=changed)
    _copy_back(locked, review, ["status", "reviewer_id"])
    return review


@transaction.atomic
def record_checks(
    *,
    review: QualityReview,
    reviewer,
    results: Mapping[int, tuple[str, str]],
) -> QualityReview:
    """Write the reviewer's findings: ``{standard id: (result, comment)}`` (an empty result
    leaves the standard unchecked). Takes the review if nobody had. Errors name the fields
    ``result_<standard id>`` and ``comment_<standard id>``, as the review page's form does."""
    _check(reviewer, "quality.review_item", review, _("Only content reviewers review items."))
    locked = _lock(review, statuses=QualityReview.OPEN_STATUSES)
    checks = {check.standard_id: check for check in locked.checks.all()}
    errors: dict[str, list] = {}
    changed_checks = []
    for standard_id, (result, comment) in results.items():
        check = checks.get(int(standard_id))
        if check is None:
            errors.setdefault("__all__", []).append(
                _("One of the standards is not on this review's checklist. Reload the page.")
            )
            continue
        result = (result or "").strip()
        if result and result not in Result.values:
            errors[f"result_{standard_id}"] = [_("Choose one of the results.")]
            continue
        try:
            comment = _plain(comment, field="comment")
        except ValidationError as error:
            errors[f"comment_{standard_id}"] = error.message_dict["comment"]
            continue
        if (check.result, check.comment) != (result, comment):
            check.result, check.comment = result, comment
            changed_checks.append(check)
    if errors:
        raise ValidationError(errors)
    if changed_checks:
        ReviewCheck.objects.bulk_update(changed_checks, ["result", "comment"])
    changed = _begin(locked, reviewer=reviewer)
    if changed:
        locked.save(update_fields=changed)
    _copy_back(locked, review, ["status", "reviewer_id"])
    return review


@transaction.atomic
def complete_review(
    *,
    review: QualityReview,
    reviewer,
    status: str,
    summary: str = "",
    improvements_requested: str = "",
) -> QualityReview:
    """Decide: the item meets the standards (``approved``), needs improvements
    (``changes_requested``: say which) or does not meet them (``rejected``: say why).

    Every standard of the checklist needs a result first, and an item that does not meet one of
    them cannot be approved. When this review follows up one that requested improvements and it
    approves the item, those improvements are confirmed (``previous.improved_at``). The item's
    ``on_decision`` (registry) runs in the same transaction.
    """
    _check(reviewer, "quality.review_item", review, _("Only content reviewers review items."))
    if status not in QualityReview.DONE_STATUSES:
        raise ValidationError(
            {"status": _("Choose a decision: approve, request improvements or reject.")}
        )
    summary = _plain(summary, field="summary")
    improvements_requested = _plain(improvements_requested, field="improvements_requested")
    locked = _lock(review, statuses=QualityReview.OPEN_STATUSES)
    checks = list(locked.checks.select_related("standard"))
    errors: dict[str, list] = {}
    for check in checks:
        if not check.result:
            errors[f"result_{check.standard_id}"] = [_("Give a result for this standard.")]
    if errors:
        errors["__all__"] = [_("Give a result for every standard before deciding.")]
        raise ValidationError(errors)
    if status == Status.APPROVED:
        failed = [check for check in checks if check.result == Result.DOES_NOT_MEET]
        if failed:
            raise ValidationError(
                _(
                    "The item does not meet “%(standard)s”: request improvements or reject it "
                    "rather than approve it."
                ),
                code="does_not_meet",
                params={"standard": failed[0].standard.title},
            )
    if status == Status.CHANGES_REQUESTED and not improvements_requested:
        raise ValidationError(
            {"improvements_requested": _("Say which improvements the authors should make.")}
        )
    if status == Status.REJECTED and not summary:
        raise ValidationError({"summary": _("Say why the item does not meet the standards.")})
    now = timezone.now()
    _begin(locked, reviewer=reviewer)
    locked.status = status
    locked.completed_at = now
    locked.summary = summary
    locked.improvements_requested = improvements_requested
    locked.save(
        update_fields=[
            "status",
            "reviewer",
            "completed_at",
            "summary",
            "improvements_requested",
        ]
    )
    if status == Status.APPROVED and locked.previous_id:
        QualityReview.objects.filter(
            pk=locked.previous_id, status=Status.CHANGES_REQUESTED, improved_at__isnull=True
        ).update(improved_at=now)
    reviewable = registry.reviewable_for_content_type(locked.content_type)
    if reviewable is not None and reviewable.on_decision is not None:
        item = (
            reviewable.model._default_manager.select_for_update()
            .filter(pk=locked.object_id)
            .first()
        )
        if item is not None:
            reviewable.on_decision(item=item, review=locked, by=reviewer)
    _copy_back(
        locked,
        review,
        ["status", "reviewer_id", "completed_at", "summary", "improvements_requested"],
    )
    return review


# --- What the item's team changed ---------------------------------------------------------------
@transaction.atomic
def record_improvements(*, review: QualityReview, by, improvements_made: str) -> QualityReview:
    """The item's team says what they changed in answer to the improvements requested; the
    reviewer of the follow-up review reads it. Possible until a follow-up review confirms them."""
    _check(
        by,
        "quality.record_improvements",
        review,
        _("Only the item's team says what was improved."),
    )
    improvements_made = _plain(improvements_made, field="improvements_made")
    if not improvements_made:
        raise ValidationError({"improvements_made": _("Say what you changed.")})
    locked = _lock(review, statuses=(Status.CHANGES_REQUESTED,))
    if locked.improved_at is not None:
        raise ValidationError(
            _("These improvements were already confirmed by a later review."), code="stale"
        )
    locked.improvements_made = improvements_made
    locked.save(update_fields=["improvements_made"])
    _copy_back(locked, review, ["improvements_made"])
    return review
