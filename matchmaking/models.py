"""Matchmaking: suggestions of the engine, matches of the Bio-Bridge workflow and pilot projects.

A need (``needs.Need``) gets ranked :class:`Suggestion` rows of offers (``partners.Offer``) from
the engine (``matchmaking.engine``), recomputed in the background. The help desk proposes a
:class:`Match` to the provider, or the requester expresses interest in a suggestion; the provider
accepts or declines, the requester confirms, and an agreed match can launch a :class:`Project`
(a pilot project) with progress reports, a final evaluation by both sides and a success story.
Every step writes a history row (:class:`MatchEvent`, :class:`ProjectEvent`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup
from partners.models import content_language_choices


class Suggestion(models.Model):
    """One offer the engine ranks for a need, with its score and language-neutral reasons.

    The rows of a need are replaced together by each computation; ``algorithm_version`` says
    which version of the engine ranked them.
    """

    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    offer = models.ForeignKey(
        "partners.Offer",
        verbose_name=_("offer"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    # [[code, value], ...] as the engine's Reason; rendered in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=40)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["need", "rank"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="suggestion_need_offer_unique"),
            models.UniqueConstraint(fields=["need", "rank"], name="suggestion_need_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.offer_id} ({self.score:.2f})"


class RelatedSuggestion(models.Model):
    """Another kind of support ranked for a need by the same engine: a resource or an opportunity
    (courses join when e-learning lands)."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("Resource")
        OPPORTUNITY = "opportunity", _("Opportunity")
        COURSE = "course", _("Course")

    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="related_suggestions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=40)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["need", "kind", "rank"]
        verbose_name = _("related suggestion")
        verbose_name_plural = _("related suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "kind", "object_id"], name="related_suggestion_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="related_suggestion_object")]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.kind} {self.object_id}"


class SuggestionRefresh(models.Model):
    """Suggestions to recompute: a need that changed, an offer that changed, or all of them.

    One row per (kind, object): repeated changes update ``requested_at`` instead of adding work,
    which debounces bursts of edits. The row is written in the transaction of the change; a task
    sent after commit, and a periodic sweep when the broker was down, compute what is due and
    delete the rows they handled.
    """

    class Kind(models.TextChoices):
        NEED = "need", _("Request")
        OFFER = "offer", _("Offer")
        ALL = "all", _("All requests")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("suggestion refresh")
        verbose_name_plural = _("suggestion refreshes")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="suggestion_refresh_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class MatchingWorkshop(models.Model):
    """A matchmaking workshop or roundtable (a partners' event) and what it discussed; the
    matches it produced point to it (:attr:`Match.workshop`)."""

    event = models.OneToOneField(
        "partners.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="matching_workshop",
    )
    needs = models.ManyToManyField(
        "needs.Need", verbose_name=_("requests discussed"), blank=True, related_name="workshops"
    )
    offers = models.ManyToManyField(
        "partners.Offer", verbose_name=_("offers discussed"), blank=True, related_name="workshops"
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_no_markup])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matchmaking workshop")
        verbose_name_plural = _("matchmaking workshops")

    def __str__(self) -> str:
        return str(self.event)


class Match(models.Model):
    """A need paired with an offer: the Bio-Bridge workflow (see ``matchmaking.workflow``).

    interest (the requester asked the help desk) → proposed (to the provider) → accepted (by the
    provider, with a contact person) → agreed (confirmed by the requester) → completed (its
    project ended); or declined by the provider (with a reason), or withdrawn.
    """

    class Status(models.TextChoices):
        INTEREST = "interest", _("Interest expressed")
        PROPOSED = "proposed", _("Proposed to the provider")
        ACCEPTED = "accepted", _("Accepted by the provider")
        AGREED = "agreed", _("Agreed")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined by the provider")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Origin(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggested by the matching engine")
        HELPDESK = "helpdesk", _("Chosen by the help desk")
        REQUESTER = "requester", _("Interest of the requester")
        WORKSHOP = "workshop", _("Matchmaking workshop")

    # Matches that still pair a need with an offer: one at a time per (need, offer).
    OPEN_STATUSES = (Status.INTEREST, Status.PROPOSED, Status.ACCEPTED, Status.AGREED)
    # Matches that use one of the offer's places (Offer.max_concurrent_requests).
    CAPACITY_STATUSES = (Status.ACCEPTED, Status.AGREED)

    need = models.ForeignKey(
        "needs.Need", verbose_name=_("request"), on_delete=models.PROTECT, related_name="matches"
    )
    offer = models.ForeignKey(
        "partners.Offer", verbose_name=_("offer"), on_delete=models.PROTECT, related_name="matches"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.HELPDESK
    )
    workshop = models.ForeignKey(
        MatchingWorkshop,
        verbose_name=_("matchmaking workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
    )
    # The engine's view when the match was made (null when the offer was not suggested).
    score = models.FloatField(_("score when proposed"), null=True, blank=True)
    suggestion_rank = models.PositiveSmallIntegerField(
        _("rank when proposed"), null=True, blank=True
    )
    interest_note = models.TextField(
        _("requester's note"), blank=True, validators=[validate_no_markup]
    )
    proposal_message = models.TextField(
        _("message to the provider"), blank=True, validators=[validate_no_markup]
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    provider_contact_name = models.CharField(
        _("provider's contact person"), max_length=200, blank=True
    )
    provider_contact_email = models.EmailField(_("provider's contact email"), blank=True)
    provider_message = models.TextField(
        _("provider's message"), blank=True, validators=[validate_no_markup]
    )
    decline_reason = models.TextField(
        _("reason for declining"), blank=True, validators=[validate_no_markup]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True, db_index=True)
    withdrawal_reason = models.TextField(
        _("reason for withdrawing"), blank=True, validators=[validate_no_markup]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        permissions = [
            ("propose_match", _("Can propose matches and follow the Bio-Bridge workflow")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "offer"],
                condition=Q(status__in=["interest", "proposed", "accepted", "agreed"]),
                name="match_one_open_per_need_offer",
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "status"], name="match_offer_status"),
            models.Index(fields=["need", "status"], name="match_need_status"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.offer_id} ({self.get_status_display()})"


class MatchEvent(models.Model):
    """One line of a match's history; also the email outbox of its notifications."""

    class Action(models.TextChoices):
        INTEREST = "interest", _("Interest expressed")
        PROPOSED = "proposed", _("Proposed to the provider")
        ACCEPTED = "accepted", _("Accepted by the provider")
        DECLINED = "declined", _("Declined by the provider")
        AGREED = "agreed", _("Confirmed by the requester")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        NOTE = "note", _("Note")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Match.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Match.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # Set once the people concerned were emailed and told in their inbox; a sweep retries.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("match history event")
        verbose_name_plural = _("match history")

    def __str__(self) -> str:
        return f"{self.match_id}: {self.get_action_display()}"


def project_agreement_path(instance: "Project", filename: str) -> str:
    return f"projects/{instance.reference}/{filename}"


class Project(models.Model):
    """A pilot project launched by an agreed match (activity 7 of the action plan)."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        IMPLEMENTATION = "implementation", _("Implementation")
        COMPLETED = "completed", _("Completed")
        EVALUATED = "evaluated", _("Evaluated")
        CANCELLED = "cancelled", _("Cancelled")

    # Projects whose owners owe progress reports.
    RUNNING_STATUSES = (Status.PLANNING, Status.IMPLEMENTATION)

    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    match = models.OneToOneField(
        Match, verbose_name=_("match"), on_delete=models.PROTECT, related_name="project"
    )
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_markup])
    objectives = models.TextField(_("objectives"), validators=[validate_no_markup])
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cofinancing = models.DecimalField(
        _("co-financing"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cofinancing_sources = models.TextField(
        _("sources of co-financing"), blank=True, validators=[validate_no_markup]
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_document = models.FileField(
        _("signed agreement"), upload_to=project_agreement_path, max_length=300, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING, db_index=True
    )
    report_every_months = models.PositiveSmallIntegerField(
        _("report every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    last_report_at = models.DateTimeField(_("last progress report"), null=True, blank=True)
    next_report_due = models.DateField(_("next report due"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ProjectEvent(models.Model):
    """One line of a project's history; also the email outbox of its notifications."""

    class Action(models.TextChoices):
        LAUNCHED = "launched", _("Launched")
        EDITED = "edited", _("Edited")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REPORTED = "reported", _("Progress reported")
        EVALUATED = "evaluated", _("Evaluated")
        STORY_PUBLISHED = "story_published", _("Success story published")
        REMINDED = "reminded", _("Reminded of a missing report")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Project.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Project.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("project history event")
        verbose_name_plural = _("project history")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.get_action_display()}"


class ProgressReport(models.Model):
    """A periodic report on a project's progress, by the requester's or the provider's side."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    achievements = models.TextField(_("achievements"), validators=[validate_no_markup])
    challenges = models.TextField(_("challenges"), blank=True, validators=[validate_no_markup])
    next_steps = models.TextField(_("next steps"), blank=True, validators=[validate_no_markup])
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="progress_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="progress_report_percent_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.period_start} to {self.period_end}"


class ProjectEvaluation(models.Model):
    """The final evaluation of a project by one side: effectiveness and quality from 1 to 5 and
    the lessons learned. A project is evaluated once both sides have answered."""

    class Side(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        PROVIDER = "provider", _("Provider")

    class Achievement(models.TextChoices):
        FULLY = "fully", _("Objectives fully achieved")
        MOSTLY = "mostly", _("Objectives mostly achieved")
        PARTLY = "partly", _("Objectives partly achieved")
        NOT = "not", _("Objectives not achieved")

    # Ratings of 4 or 5 count as "rated well" (monitoring).
    WELL_RATED = 4

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evaluations"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    effectiveness = models.PositiveSmallIntegerField(
        _("effectiveness (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    quality = models.PositiveSmallIntegerField(
        _("quality (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    achievement = models.CharField(_("objectives"), max_length=10, choices=Achievement.choices)
    lessons_learned = models.TextField(_("lessons learned"), validators=[validate_no_markup])
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)

    class Meta:
        ordering = ["project", "side"]
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "side"], name="evaluation_one_per_side"),
            models.CheckConstraint(
                condition=Q(
                    effectiveness__gte=1, effectiveness__lte=5, quality__gte=1, quality__lte=5
                ),
                name="evaluation_ratings_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.get_side_display()}"


class SuccessStory(models.Model):
    """The story of a completed project, published for donors and the public."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="story"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=content_language_choices, default="en"
    )
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_markup])
    summary = models.TextField(_("summary"), validators=[validate_no_markup])
    body = models.TextField(_("story"), validators=[validate_no_markup])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")

    def __str__(self) -> str:
        return self.title
