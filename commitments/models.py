"""Commitments of non-state actors (the Action Agenda for Nature and People).

A :class:`Commitment` is a pledge by an individual, an organisation, a business or a local or
subnational government, linked to targets of the Global Biodiversity Framework (GBF-T17 for
biosafety). It names concrete, measurable deliverables, each with a key performance indicator
(:class:`Deliverable`: baseline, target, unit). Its owner (the person who made it) writes it and
reports progress (:class:`ProgressReport`, one value per deliverable); moderators publish both
before anyone else sees them. The Action Agenda's page also has news and stories
(:class:`NewsItem`) and frequently asked questions (:class:`Question`).

Content fields are translatable (``translation.py``); ``language`` says which language a
commitment was written in.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chm_portal.core.search import (
    StoredSearchManager,
    search_vector_indexes,
    translated_search_fields,
)
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country, GBFTarget, OrganisationType, ThematicArea
from partners.models import Organisation, content_language_choices

# The GBF target on biosafety (Cartagena Protocol): a biosafety commitment contributes to it.
BIOSAFETY_TARGET = "GBF-T17"


class ActorType(models.TextChoices):
    """Who commits: the four forms of the Action Agenda."""

    INDIVIDUAL = "individual", pgettext_lazy("who commits", "Individual")
    ORGANISATION = "organisation", pgettext_lazy("who commits", "Organisation")
    BUSINESS = "business", pgettext_lazy("who commits", "Business")
    LOCAL_GOVERNMENT = (
        "local_government",
        pgettext_lazy("who commits", "Local or subnational government"),
    )


class Phase(models.TextChoices):
    """Where a commitment stands; owners move it on, usually with a progress report."""

    PLANNING = "planning", _("Planning")
    DEVELOPMENT = "development", _("Development")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation")


class ModerationStatus(models.TextChoices):
    """Moderation of what owners write: nothing is public before a moderator publishes it."""

    DRAFT = "draft", pgettext_lazy("commitment status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("commitment status", "Awaiting moderation")
    RETURNED = "returned", pgettext_lazy("commitment status", "Returned for changes")
    PUBLISHED = "published", pgettext_lazy("commitment status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("commitment status", "Withdrawn")


class Scope(models.TextChoices):
    LOCAL = "local", _("Local")
    SUBNATIONAL = "subnational", _("Subnational")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class Sector(models.TextChoices):
    """Business sectors, as the Action Agenda's business form lists them."""

    AGRICULTURE = "agriculture", _("Agriculture and food")
    FISHERIES = "fisheries", _("Fisheries and aquaculture")
    FORESTRY = "forestry", _("Forestry and forest products")
    EXTRACTIVES = "extractives", _("Mining and extractives")
    ENERGY = "energy", _("Energy and utilities")
    CONSTRUCTION = "construction", _("Infrastructure and construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CHEMICALS = "chemicals", _("Chemicals, pharmaceuticals and biotechnology")
    RETAIL = "retail", _("Retail and consumer goods")
    TOURISM = "tourism", _("Tourism and hospitality")
    TRANSPORT = "transport", _("Transport and logistics")
    FINANCE = "finance", _("Finance and insurance")
    TECHNOLOGY = "technology", _("Information technology and telecommunications")
    SERVICES = "services", _("Professional services")
    OTHER = "other", _("Other")


class Size(models.TextChoices):
    """Size of an organisation or business by its staff."""

    MICRO = "micro", _("Fewer than 10 people")
    SMALL = "small", _("10 to 49 people")
    MEDIUM = "medium", _("50 to 249 people")
    LARGE = "large", _("250 people or more")


class GovernmentLevel(models.TextChoices):
    CITY = "city", _("City or municipality")
    DISTRICT = "district", _("District or county")
    PROVINCE = "province", _("Province, state or region")
    OTHER = "other", _("Other subnational government")


# What each form asks on top of the common fields, and requires.
ACTOR_FIELDS: dict[str, tuple[str, ...]] = {
    ActorType.INDIVIDUAL: (),
    ActorType.ORGANISATION: ("organisation_type", "size"),
    ActorType.BUSINESS: ("sector", "size"),
    ActorType.LOCAL_GOVERNMENT: ("government_level",),
}
ACTOR_OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    ActorType.INDIVIDUAL: (),
    ActorType.ORGANISATION: ("organisation",),
    ActorType.BUSINESS: ("organisation",),
    ActorType.LOCAL_GOVERNMENT: ("population",),
}
# Every field that belongs to one form only (cleared on the others).
ACTOR_SPECIFIC_FIELDS = frozenset(
    name for fields in (*ACTOR_FIELDS.values(), *ACTOR_OPTIONAL_FIELDS.values()) for name in fields
)


class CommitmentQuerySet(models.QuerySet):
    def public(self) -> CommitmentQuerySet:
        return self.filter(status=ModerationStatus.PUBLISHED)


class Commitment(models.Model):
    """A non-state actor's pledge towards the GBF targets (see the module docstring)."""

    SEARCH_FIELDS = {
        **translated_search_fields(title="A", description="B"),
        "actor_name": "A",
    }

    actor_type = models.CharField(
        _("who commits"), max_length=20, choices=ActorType.choices, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text=_("The person who made the commitment, who edits it and reports progress."),
    )
    actor_name = models.CharField(
        _("name of the actor"),
        max_length=200,
        validators=[validate_no_markup],
        help_text=_("Your name, or the name of the organisation, business or government."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("registered organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        help_text=_("The organisation's page on the portal, if it is registered."),
    )
    organisation_type = models.ForeignKey(
        OrganisationType,
        verbose_name=_("type of organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, db_index=True
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    government_level = models.CharField(
        _("level of government"), max_length=10, choices=GovernmentLevel.choices, blank=True
    )
    population = models.PositiveBigIntegerField(
        _("population"), null=True, blank=True, help_text=_("People living in the territory.")
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    locality = models.CharField(
        _("city or locality"), max_length=200, blank=True, validators=[validate_no_markup]
    )

    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    description = models.TextField(
        _("description"),
        validators=[validate_no_markup],
        help_text=_("What you will do, why, and how it helps to reach the targets."),
    )
    language = models.CharField(
        _("original language"), max_length=10, choices=content_language_choices, default="en"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), related_name="commitments"
    )
    is_biosafety = models.BooleanField(
        _("biosafety commitment"),
        default=False,
        db_index=True,
        help_text=_(
            "Contributes to the Cartagena Protocol on Biosafety; link it to GBF target 17."
        ),
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="commitments"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, db_index=True)
    audience = models.CharField(
        _("audience"),
        max_length=500,
        validators=[validate_no_markup],
        help_text=_("Who the action reaches: e.g. farmers, pupils, suppliers, residents."),
    )
    partners = models.CharField(
        _("partners"),
        max_length=500,
        blank=True,
        validators=[validate_no_markup],
        help_text=_("Who you work with on it."),
    )
    website = models.URLField(_("website"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PLANNING, db_index=True
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.DRAFT,
        db_index=True,
    )
    moderation_note = models.TextField(
        _("message from the moderators"),
        blank=True,
        help_text=_("Why a commitment was returned for changes; shown to its owner."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_en = SearchVectorField(_("English search vector"), null=True, blank=True, editable=False)
    search_fr = SearchVectorField(_("French search vector"), null=True, blank=True, editable=False)
    search_es = SearchVectorField(_("Spanish search vector"), null=True, blank=True, editable=False)

    objects = StoredSearchManager.from_queryset(CommitmentQuerySet)()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            *search_vector_indexes("commitment"),
            models.Index(
                fields=["-published_at", "-created_at"],
                name="commitment_public_newest",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="commitments_commitment_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(actor_type__in=ActorType.values),
                name="commitments_commitment_actor_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="commitments_commitment_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Owners change the text of drafts, returned and published commitments (a published
        one goes back to moderation); not while it waits for a moderator, nor once withdrawn."""
        return self.status in (
            ModerationStatus.DRAFT,
            ModerationStatus.RETURNED,
            ModerationStatus.PUBLISHED,
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(_("The end date is before the start date."))
        for name in ACTOR_FIELDS.get(self.actor_type, ()):
            field = self._meta.get_field(name)
            if getattr(self, field.attname) in (None, ""):
                errors[name] = ValidationError(_("This field is required for this kind of actor."))
        if errors:
            raise ValidationError(errors)


class Deliverable(models.Model):
    """A concrete, measurable deliverable of a commitment and its key performance indicator:
    from ``baseline`` to ``target``, in ``unit`` (e.g. hectares restored: 0 -> 120 ha)."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    description = models.CharField(
        _("deliverable"),
        max_length=300,
        validators=[validate_no_markup],
        help_text=_("What will be delivered, e.g. restore degraded wetland."),
    )
    indicator = models.CharField(
        _("key performance indicator"),
        max_length=200,
        validators=[validate_no_markup],
        help_text=_("What is measured, e.g. area of wetland restored."),
    )
    unit = models.CharField(
        _("unit"), max_length=50, validators=[validate_no_markup], help_text=_("e.g. ha, people")
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["commitment", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=F("baseline")),
                name="commitments_deliverable_target_differs_from_baseline",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        super().clean()
        if self.target is not None and self.baseline is not None and self.target == self.baseline:
            raise ValidationError(
                {"target": _("The target must differ from the baseline, or nothing is measured.")}
            )

    def progress_percent(self, value: Decimal | None) -> int | None:
        """How far ``value`` is from the baseline towards the target, 0-100 (None: no value)."""
        if value is None:
            return None
        span = self.target - self.baseline
        share = (value - self.baseline) / span * 100
        return int(max(Decimal(0), min(Decimal(100), share)))


class ProgressReport(models.Model):
    """A periodic progress report of a commitment: where it stands (its phase), what was done,
    and one value per deliverable (:class:`ProgressValue`). Moderated like commitments."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    period_end = models.DateField(
        _("reporting date"), help_text=_("The date the values below were measured.")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    summary = models.TextField(_("what was done"), validators=[validate_no_markup])
    challenges = models.TextField(
        _("challenges and lessons"), blank=True, validators=[validate_no_markup]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.SUBMITTED,
        db_index=True,
    )
    moderation_note = models.TextField(_("message from the moderators"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["commitment", "status", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.period_end})"


class ProgressValue(models.Model):
    """The value of a deliverable's indicator at a report's date."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("deliverable"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_no_markup])

    class Meta:
        verbose_name = _("progress value")
        verbose_name_plural = _("progress values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "deliverable"], name="commitments_one_value_per_deliverable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable}: {self.value}"


class NewsItem(models.Model):
    """News and stories of the Action Agenda, written by moderators in the admin."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        STORY = "story", _("Story")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    summary = models.CharField(_("summary"), max_length=500, validators=[validate_no_markup])
    body = models.TextField(_("text"), validators=[validate_no_markup])
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        help_text=_("The commitment a story tells about, if any."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("news item or story")
        verbose_name_plural = _("news and stories")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="commitment_news_public",
                condition=Q(is_published=True),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A frequently asked question about commitments, and its answer."""

    question = models.CharField(_("question"), max_length=300, validators=[validate_no_markup])
    answer = models.TextField(_("answer"), validators=[validate_no_markup])
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=[MinValueValidator(0), MaxValueValidator(999)]
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question
