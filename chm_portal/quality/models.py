"""Quality reviews: a content reviewer checks an item against the portal's quality standards.

One mechanism for every reviewed record type (courses, resources, events): a
:class:`QualityReview` points at its item through a generic relation, holds one
:class:`ReviewCheck` per :class:`QualityStandard`, the result, the improvements requested and
the improvements made. A review whose improvements were made is what the action plan's
indicator "items reviewed against the standards and improved" counts (activity 8).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup


class QualityStandard(models.Model):
    """One point of the checklist (e.g. "Learning objectives are stated")."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(
        _("guidance"),
        blank=True,
        help_text=_("What the reviewer looks for."),
    )
    # Which record types the point applies to ("course", "resource", "event"); empty: all.
    applies_to = models.CharField(
        _("applies to"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated record types (course, resource, event); empty for all."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("quality standard")
        verbose_name_plural = _("quality standards")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.title

    def applies_to_kind(self, kind: str) -> bool:
        kinds = {part.strip() for part in self.applies_to.split(",") if part.strip()}
        return not kinds or kind in kinds


class QualityReview(models.Model):
    """A review of one item against the standards."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a reviewer")
        IN_PROGRESS = "in_progress", _("In progress")
        CHANGES_REQUESTED = "changes_requested", _("Improvements requested")
        APPROVED = "approved", _("Meets the standards")
        REJECTED = "rejected", _("Does not meet the standards")

    OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)
    DONE_STATUSES = (Status.CHANGES_REQUESTED, Status.APPROVED, Status.REJECTED)

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    item = GenericForeignKey("content_type", "object_id")
    # The item's title when the review was opened, so lists need not load every item.
    item_title = models.CharField(_("item"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_reviews",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    summary = models.TextField(
        _("summary of findings"), blank=True, validators=[validate_no_markup]
    )
    improvements_requested = models.TextField(
        _("improvements requested"), blank=True, validators=[validate_no_markup]
    )
    improvements_made = models.TextField(
        _("improvements made"),
        blank=True,
        validators=[validate_no_markup],
        help_text=_("What the authors changed in answer to the improvements requested."),
    )
    # Set when a later review (or the reviewer) confirms that the requested improvements were made.
    improved_at = models.DateTimeField(_("improvements confirmed at"), null=True, blank=True)
    # The review this one follows up (a resubmission after improvements were requested).
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "requested_at"]),
            models.Index(fields=["completed_at"]),
        ]
        constraints = [
            # At most one open review per item.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["pending", "in_progress"]),
                name="quality_one_open_review_per_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress"]) | Q(completed_at__isnull=False),
                name="quality_completed_review_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def item_kind(self) -> str:
        return self.content_type.model


class ReviewCheck(models.Model):
    """The reviewer's finding on one standard."""

    class Result(models.TextChoices):
        MEETS = "meets", _("Meets")
        PARTLY = "partly", _("Partly meets")
        DOES_NOT_MEET = "does_not_meet", _("Does not meet")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    review = models.ForeignKey(
        QualityReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="checks"
    )
    standard = models.ForeignKey(
        QualityStandard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, validators=[validate_no_markup])

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["standard__position", "standard__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "standard"], name="quality_one_check_per_standard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard}: {self.get_result_display() or '—'}"
