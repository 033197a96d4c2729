"""Capacity needs: the common assessment format and requests for assistance.

A focal point assesses their country's capacity against the GBF targets (:class:`Assessment`), then
asks for support with requests for assistance (:class:`Need`), which the help desk triages and
publishes for matching. Every action leaves a :class:`NeedEvent`; help-desk staff keep
:class:`NeedNote` rows to themselves and talk with the requester through :class:`NeedMessage`.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.search import StoredSearchManager, search_vector_indexes
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

CAPACITY_SCALE_MAX = 4
capacity_score_validators = [MinValueValidator(0), MaxValueValidator(CAPACITY_SCALE_MAX)]


class Assessment(models.Model):
    """A country's self-assessment of its capacity in one cycle (year), in the common format."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="assessments"
    )
    cycle = models.PositiveSmallIntegerField(
        _("cycle"),
        validators=[MinValueValidator(2010), MaxValueValidator(2100)],
        help_text=_("The year the assessment describes."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-cycle", "country__name"]
        verbose_name = _("capacity assessment")
        verbose_name_plural = _("capacity assessments")
        constraints = [
            models.UniqueConstraint(fields=["country", "cycle"], name="one_assessment_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.cycle}"


class AssessmentEntry(models.Model):
    """Capacity for one GBF target (optionally one thematic area) at each capacity level.

    Scores run from 0 (no capacity) to 4 (full capacity); the gap score of an entry is
    4 minus the mean of the scores given, so a larger gap means less capacity.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="entries"
    )
    target = models.ForeignKey(
        GBFTarget, verbose_name=_("GBF target"), on_delete=models.PROTECT, related_name="+"
    )
    thematic_area = models.ForeignKey(
        ThematicArea,
        verbose_name=_("thematic area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity_individual = models.PositiveSmallIntegerField(
        _("individual capacity"), null=True, blank=True, validators=capacity_score_validators
    )
    capacity_organisational = models.PositiveSmallIntegerField(
        _("organisational capacity"), null=True, blank=True, validators=capacity_score_validators
    )
    capacity_systemic = models.PositiveSmallIntegerField(
        _("enabling-environment capacity"),
        null=True,
        blank=True,
        validators=capacity_score_validators,
    )
    gap_description = models.TextField(
        _("gap"),
        blank=True,
        help_text=_("What is missing to implement the target."),
        validators=[validate_no_markup],
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["target__number", "thematic_area__position"]
        verbose_name = _("assessment entry")
        verbose_name_plural = _("assessment entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "target"],
                condition=Q(thematic_area__isnull=True),
                name="one_entry_per_target",
            ),
            models.UniqueConstraint(
                fields=["assessment", "target", "thematic_area"],
                condition=Q(thematic_area__isnull=False),
                name="one_entry_per_target_and_area",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": 4}),
                    name=f"assessment_{field}_within_scale",
                )
                for field in ("capacity_individual", "capacity_organisational", "capacity_systemic")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.target.code}"

    @property
    def scores(self) -> list[int]:
        return [
            score
            for score in (
                self.capacity_individual,
                self.capacity_organisational,
                self.capacity_systemic,
            )
            if score is not None
        ]

    @property
    def is_complete(self) -> bool:
        return len(self.scores) == 3 and self.priority_id is not None

    @property
    def gap_score(self) -> float | None:
        scores = self.scores
        return CAPACITY_SCALE_MAX - sum(scores) / len(scores) if scores else None


# The public registry: these statuses (``PUBLIC_STATUSES`` below) and public visibility. Its
# partial indexes read this condition; the statuses are spelt out since the class is not yet built.
_PUBLIC_STATUS_VALUES = ("published", "matched", "in_progress", "fulfilled")
_IN_PUBLIC_REGISTRY = Q(status__in=_PUBLIC_STATUS_VALUES, visibility="public")


class Need(models.Model):
    """A request for assistance: what capacity a country or IPLC organisation asks support for.

    A superset of the Bio-Bridge request for assistance. Contact details and budget are never
    public; the rest is public once the help desk publishes the request (unless restricted).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_TRIAGE = "in_triage", _("In triage")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        PUBLISHED = "published", _("Published (open for matching)")
        MATCHED = "matched", _("Matched")
        IN_PROGRESS = "in_progress", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Closed as duplicate")

    class ApplicationLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        SUBNATIONAL = "subnational", _("Subnational")
        REGIONAL = "regional", _("Regional")
        COMMUNITY = "community", _("Community")

    class RequesterKind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        IPLC = "iplc", _("Indigenous peoples' or local community organisation")
        OTHER_STAKEHOLDER = "other_stakeholder", _("Other stakeholder")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        RESTRICTED = "restricted", _("Restricted to the help desk and partners it chooses")

    # What the search box looks in, and how much each field counts (A most, D least); the stored
    # vectors ``search_*`` hold them (chm_portal.core.search).
    SEARCH_FIELDS = {
        "title": "A",
        "reference": "A",
        "problem_statement": "B",
        "objectives": "C",
        "expected_outputs": "C",
        "outcomes_and_indicators": "D",
        "requesting_organisation": "D",
    }

    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    language = models.CharField(
        _("language of the request"),
        max_length=10,
        default="en",
        help_text=_("The language the request is written in."),
    )

    # About the request
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_markup])
    problem_statement = models.TextField(
        _("problem statement"), blank=True, validators=[validate_no_markup]
    )
    objectives = models.TextField(_("objectives"), blank=True, validators=[validate_no_markup])
    expected_outputs = models.TextField(
        _("expected outputs"), blank=True, validators=[validate_no_markup]
    )
    outcomes_and_indicators = models.TextField(
        _("outcomes and indicators"), blank=True, validators=[validate_no_markup]
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("requesting country"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    other_countries = models.ManyToManyField(
        Country,
        verbose_name=_("other governments involved"),
        blank=True,
        related_name="needs_involved_in",
    )
    application_level = models.CharField(
        _("level of application"),
        max_length=20,
        choices=ApplicationLevel.choices,
        default=ApplicationLevel.NATIONAL,
    )
    requesting_organisation = models.CharField(
        _("requesting organisation"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    requester_kind = models.CharField(
        _("kind of requester"),
        max_length=30,
        choices=RequesterKind.choices,
        default=RequesterKind.GOVERNMENT,
        db_index=True,
    )
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_no_markup]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)

    # What is needed
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="needs"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="needs"
    )
    thematic_area_other = models.CharField(
        _("other thematic area"), max_length=200, blank=True, validators=[validate_no_markup]
    )
    support_types = models.ManyToManyField(
        SupportType,
        verbose_name=_("support types"),
        blank=True,
        through="NeedSupport",
        related_name="needs",
    )
    support_type_other = models.CharField(
        _("other support type"), max_length=200, blank=True, validators=[validate_no_markup]
    )
    capacity_levels = models.ManyToManyField(
        CapacityLevel, verbose_name=_("capacity levels"), blank=True, related_name="needs"
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    beneficiary_types = models.ManyToManyField(
        BeneficiaryType, verbose_name=_("beneficiaries"), blank=True, related_name="needs"
    )
    beneficiary_other = models.CharField(
        _("other beneficiaries"), max_length=200, blank=True, validators=[validate_no_markup]
    )

    # Practicalities
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    desired_end = models.DateField(_("desired end"), null=True, blank=True)
    working_languages = models.ManyToManyField(
        Language, verbose_name=_("working languages"), blank=True, related_name="needs"
    )
    estimated_budget = models.DecimalField(
        _("estimated budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
    )
    cofinancing_available = models.BooleanField(_("co-financing available"), default=False)
    cofinancing_details = models.TextField(
        _("co-financing details"), blank=True, validators=[validate_no_markup]
    )
    builds_on = models.TextField(
        _("existing initiatives it builds on"), blank=True, validators=[validate_no_markup]
    )
    submitted_elsewhere = models.BooleanField(
        _("also submitted to other programmes"), default=False
    )
    submitted_elsewhere_details = models.TextField(
        _("other programmes"), blank=True, validators=[validate_no_markup]
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )

    # Provenance and workflow
    source = models.CharField(
        _("source"),
        max_length=100,
        default="portal",
        help_text=_("The system the record came from."),
    )
    external_id = models.CharField(_("identifier in the source"), max_length=200, blank=True)
    expressed_with_helpdesk = models.BooleanField(
        _("expressed with help-desk assistance"), default=False, db_index=True
    )
    assessment_entry = models.ForeignKey(
        AssessmentEntry,
        verbose_name=_("from assessment entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_needs",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="created_needs",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Sent with the form that creates the request, so that submitting it twice creates one.
    creation_token = models.UUIDField(_("creation token"), null=True, blank=True, editable=False)
    # Full-text search vectors of SEARCH_FIELDS, kept by a trigger on PostgreSQL; empty elsewhere.
    search_en = SearchVectorField(_("English search vector"), null=True, blank=True, editable=False)
    search_fr = SearchVectorField(_("French search vector"), null=True, blank=True, editable=False)
    search_es = SearchVectorField(_("Spanish search vector"), null=True, blank=True, editable=False)

    objects = StoredSearchManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request for assistance")
        verbose_name_plural = _("requests for assistance")
        permissions = [("triage_need", _("Can triage requests for assistance"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_end__isnull=True)
                | Q(desired_start__isnull=True)
                | Q(desired_end__gte=models.F("desired_start")),
                name="need_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(estimated_budget__isnull=True) | Q(estimated_budget__gte=0),
                name="need_budget_not_negative",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="unique_need_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="duplicate_points_to_original",
            ),
            models.UniqueConstraint(
                fields=["created_by", "creation_token"],
                condition=Q(creation_token__isnull=False),
                name="unique_need_creation_token",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="need_status_published"),
            models.Index(fields=["country", "status"], name="need_country_status"),
            models.Index(fields=["status", "submitted_at"], name="need_status_submitted"),
            # The registry, newest first: the page is read from the index in its order.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=_IN_PUBLIC_REGISTRY,
                name="need_public_newest",
            ),
            # The registry's counts (pagination, country, status and year facets) are read from
            # the index alone, without visiting the rows.
            models.Index(
                fields=["status", "country"],
                include=["id", "published_at", "submitted_at"],
                condition=_IN_PUBLIC_REGISTRY,
                name="need_public_counts",
            ),
            *search_vector_indexes("needs_need"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and self.visibility == self.Visibility.PUBLIC


# Statuses in which a request is shown in the public registry.
PUBLIC_STATUSES = tuple(Need.Status(value) for value in _PUBLIC_STATUS_VALUES)
# Statuses in which the requester may still edit the request.
EDITABLE_STATUSES = (Need.Status.DRAFT, Need.Status.CLARIFICATION_REQUESTED)


class NeedSupport(models.Model):
    """A support type a request asks for, with what exactly is needed of it."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="support_details")
    support_type = models.ForeignKey(
        SupportType, verbose_name=_("support type"), on_delete=models.PROTECT, related_name="+"
    )
    details = models.TextField(_("details"), blank=True, validators=[validate_no_markup])

    class Meta:
        ordering = ["support_type__position"]
        verbose_name = _("support asked for")
        verbose_name_plural = _("support asked for")
        constraints = [
            models.UniqueConstraint(fields=["need", "support_type"], name="unique_need_support")
        ]

    def __str__(self) -> str:
        return str(self.support_type)


def attachment_path(instance: "NeedAttachment", filename: str) -> str:
    return f"needs/{instance.need.reference}/{filename}"


class NeedAttachment(models.Model):
    """A document attached to a request (PDF, DOCX, XLSX or ODT, checked by content)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]


class NeedEvent(models.Model):
    """One line of a request's history: a status change, an assignment or a clarification.

    Every workflow action, one by one or in bulk, writes one event per request. Internal events
    (assignments) are shown to help-desk staff only.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted")
        TRIAGE_STARTED = "triage_started", _("Triage started")
        ASSIGNED = "assigned", _("Assigned")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        CLARIFICATION_ANSWERED = "clarification_answered", _("Clarification answered")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        MARKED_DUPLICATE = "marked_duplicate", _("Closed as duplicate")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MATCHED = "matched", _("Matched")
        STARTED = "started", _("Work started")
        FULFILLED = "fulfilled", _("Fulfilled")
        REOPENED = "reopened", _("Reopened for matching")
        ESCALATED = "escalated", _("Escalated to supervisors")
        MESSAGE_POSTED = "message_posted", _("Message")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=30, choices=Need.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=30, choices=Need.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    is_internal = models.BooleanField(_("help desk only"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # Set once the people concerned were emailed; a periodic sweep retries what is still empty.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("history event")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.need.reference}: {self.get_action_display()}"


class NeedMessage(models.Model):
    """A message between the requester's side and the help desk about a request."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_helpdesk = models.BooleanField(_("from the help desk"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.need.reference}: {self.body[:40]}"


class NeedNote(models.Model):
    """An internal note of the help desk on a request; never shown to the requester."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.need.reference}: {self.body[:40]}"
