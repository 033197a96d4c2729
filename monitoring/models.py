"""Models of this app; see docs/data-model.md.

Indicator *definitions* live in code (``monitoring/indicators/``); what is stored here is what they
computed on each day (:class:`IndicatorValue`, :class:`GapCell`), the runs that computed them, and
the records people keep by hand: country profiles and evaluations.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.models import Country, SupportType


class Dimension(models.TextChoices):
    """What a stored value is broken down by; the empty string is the indicator's total."""

    TOTAL = "", _("Total")
    REGION = "region", _("UN region")
    COUNTRY_GROUP = "country_group", _("Country group")
    COUNTRY = "country", _("Country")
    TARGET = "target", _("GBF target")
    THEMATIC_AREA = "thematic_area", _("Thematic area")
    YEAR = "year", _("Year")
    STATUS = "status", _("Status")
    KIND = "kind", _("Kind")


class RecomputeRun(models.Model):
    """One computation of every indicator (or of some) for one day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Daily schedule")
        ADMIN = "admin", _("Staff, from the admin")
        COMMAND = "command", _("Management command")
        DEMO = "demo", _("Demo data")

    as_of = models.DateField(_("values as of"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    indicators_computed = models.PositiveIntegerField(_("indicators computed"), default=0)
    values_written = models.PositiveIntegerField(_("values written"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("indicator recompute")
        verbose_name_plural = _("indicator recomputes")

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class IndicatorValue(models.Model):
    """The value of one indicator on one day, in total or for one member of a breakdown.

    ``dimension`` and ``key`` are empty for the total. Keys are stable codes: M49 region code,
    country group code, ISO country code, GBF target code, thematic area code, year, status.
    """

    indicator = models.CharField(_("indicator"), max_length=20)
    date = models.DateField(_("date"))
    dimension = models.CharField(
        _("breakdown"), max_length=20, choices=Dimension.choices, blank=True, default=""
    )
    key = models.CharField(_("key"), max_length=40, blank=True, default="")
    value = models.FloatField(_("value"), null=True)
    run = models.ForeignKey(
        RecomputeRun,
        verbose_name=_("computed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="values",
    )

    class Meta:
        ordering = ["indicator", "date", "dimension", "key"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date", "dimension", "key"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(dimension="", key="") | ~Q(dimension=""),
                name="indicator_value_total_has_no_key",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "dimension", "date"]),
            models.Index(fields=["dimension", "date"]),
        ]

    def __str__(self) -> str:
        part = f" {self.dimension}={self.key}" if self.dimension else ""
        return f"{self.indicator} {self.date}{part}: {self.value}"


class GapMeasure(models.TextChoices):
    """The columns of the gap analysis: demand (needs) and what answers it."""

    NEEDS = "needs", _("Expressed needs")
    OFFERS = "offers", _("Offers of support")
    RESOURCES = "resources", _("Resources")
    COURSES = "courses", _("Courses")
    MATCHES = "matches", _("Matches")
    PROJECTS = "projects", _("Projects")


class GapCell(models.Model):
    """One cell of the gap analysis on one day: how many records of ``measure`` address GBF
    target ``target`` within ``scope`` ("" everywhere, ``region:002``, ``group:LDC``)."""

    date = models.DateField(_("date"))
    target = models.CharField(_("GBF target"), max_length=10)
    measure = models.CharField(_("measure"), max_length=20, choices=GapMeasure.choices)
    scope = models.CharField(_("scope"), max_length=30, blank=True, default="")
    value = models.PositiveIntegerField(_("value"), default=0)

    class Meta:
        ordering = ["date", "scope", "target", "measure"]
        verbose_name = _("gap analysis cell")
        verbose_name_plural = _("gap analysis cells")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "scope", "target", "measure"], name="gap_cell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.scope or '*'} {self.target} {self.measure}: {self.value}"


class MaturityLevel(models.IntegerChoices):
    """National CHM maturity levels of slide 23 of the 2007 presentation on the CHM."""

    NO_FOCAL_POINT = 0, _("Level 0: No CHM national focal point")
    UNDER_EQUIPPED = 1, _("Level 1: Focal point without the means to work")
    NO_WEBSITE = 2, _("Level 2: Equipped focal point, no national website")
    WEB_PRESENCE = 3, _("Level 3: Web presence")
    COMPLETE = 4, _("Level 4: Complete national CHM")
    ADVANCED = 5, _("Level 5: Advanced CHM, interoperating with biodiversity networks")


#: The support action recommended at each maturity level, as slide 23 gives it ("Niveau /
#: Situation / Action"): convince the Party to nominate a focal point (0); find the basic
#: infrastructure to communicate (1); training and tools for a web presence (2); better web
#: content, then for the 2010 target, today the GBF (3); sharing experience to develop other
#: national CHMs (4); interoperability with biodiversity networks (5).
MATURITY_SUPPORT_ACTIONS = {
    MaturityLevel.NO_FOCAL_POINT: _("Encourage the Party to nominate a CHM national focal point."),
    MaturityLevel.UNDER_EQUIPPED: _(
        "Provide basic equipment, Internet access and training for the focal point."
    ),
    MaturityLevel.NO_WEBSITE: _(
        "Help build a first national CHM website (toolkit, hosting, training in web publishing)."
    ),
    MaturityLevel.WEB_PRESENCE: _(
        "Improve the website's content so that it spreads the information that supports the "
        "national and global biodiversity targets."
    ),
    MaturityLevel.COMPLETE: _(
        "Encourage the country to share its experience so that other national CHMs develop."
    ),
    MaturityLevel.ADVANCED: _(
        "Set up interoperability with biodiversity networks and data exchange with the global CHM."
    ),
}


class CountryProfile(models.Model):
    """What a Party's focal points keep up to date about their national CHM."""

    country = models.OneToOneField(
        Country,
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="monitoring_profile",
    )
    maturity_level = models.PositiveSmallIntegerField(
        _("national CHM maturity level"),
        choices=MaturityLevel.choices,
        default=MaturityLevel.NO_FOCAL_POINT,
        db_index=True,
    )
    national_chm_url = models.URLField(_("national CHM website"), blank=True)
    support_requested = models.TextField(
        _("support the country asks for"),
        blank=True,
        validators=[validate_no_markup],
        help_text=_("What would help your national CHM reach the next level."),
    )
    notes = models.TextField(
        _("notes on the national CHM"), blank=True, validators=[validate_no_markup]
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(maturity_level__gte=0, maturity_level__lte=5),
                name="country_profile_maturity_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.country)

    @property
    def recommended_support(self):
        return MATURITY_SUPPORT_ACTIONS[MaturityLevel(self.maturity_level)]


class NationalNode(models.Model):
    """A Party's node of the CHM network on the portal: the public page where its focal points
    present the national clearing-house mechanism (an introduction, the institutions that run
    it, national news) and say what support they ask for.

    The maturity level, the national CHM website and the support asked for in words are the
    Party's :class:`CountryProfile`'s: the node's page, its form and its API read and write them
    there (``services.node_update``), so that the country list, indicator P.5 and the node never
    disagree. What the node adds is shown only once its focal points publish it
    (``is_published``); the page of a Party without a published node still shows what the portal
    knows (focal points, level, requests, projects, opportunities).
    """

    country = models.OneToOneField(
        Country,
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        related_name="national_node",
        limit_choices_to={"is_cbd_party": True},
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        validators=[validate_no_markup],
        help_text=_("What the national CHM is, who runs it and what readers find on it."),
    )
    support_types = models.ManyToManyField(
        SupportType,
        verbose_name=_("types of support asked for"),
        blank=True,
        related_name="+",
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Show the introduction, institutions and news on the public page."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("national CHM node")
        verbose_name_plural = _("national CHM nodes")
        # One node per Party: the one-to-one field's unique index.
        indexes = [models.Index(fields=["is_published"], name="national_node_published_idx")]

    def __str__(self) -> str:
        return str(self.country)


class NodeInstitution(models.Model):
    """An institution of a Party's national CHM: the ministry hosting it, a museum or university
    publishing on it, a member of the national steering committee."""

    node = models.ForeignKey(
        NationalNode,
        verbose_name=_("national node"),
        on_delete=models.CASCADE,
        related_name="institutions",
    )
    name = models.CharField(_("name"), max_length=250, validators=[validate_no_markup])
    role = models.TextField(
        _("role in the national CHM"),
        blank=True,
        validators=[validate_no_markup],
        help_text=_("What the institution does for the national CHM."),
    )
    website = models.URLField(_("website"), blank=True, max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["node", "position", "pk"]
        verbose_name = _("institution of a national node")
        verbose_name_plural = _("institutions of national nodes")
        indexes = [models.Index(fields=["node", "position"], name="node_institution_order_idx")]

    def __str__(self) -> str:
        return self.name


class NodeNewsItem(models.Model):
    """A piece of national news a Party's focal points publish on its node (and in its feed,
    which the national CHM website may show)."""

    node = models.ForeignKey(
        NationalNode,
        verbose_name=_("national node"),
        on_delete=models.CASCADE,
        related_name="news",
    )
    title = models.CharField(_("title"), max_length=250, validators=[validate_no_markup])
    body = models.TextField(_("text"), validators=[validate_no_markup])
    link = models.URLField(
        _("link"), blank=True, max_length=500, help_text=_("Where to read more, if anywhere.")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("national news item")
        verbose_name_plural = _("national news")
        indexes = [
            models.Index(fields=["node", "-published_at"], name="node_news_latest_idx"),
            models.Index(fields=["-published_at"], name="node_news_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    """An evaluation of an activity of the action plan or of the matchmaking (activity 9)."""

    class Subject(models.TextChoices):
        ACTIVITY = "activity", _("An activity of the action plan")
        MATCHMAKING = "matchmaking", _("The matchmaking mechanism")
        PORTAL = "portal", _("The portal as a whole")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=250, validators=[validate_no_markup])
    subject = models.CharField(_("what was evaluated"), max_length=20, choices=Subject.choices)
    activity = models.PositiveSmallIntegerField(
        _("activity of the action plan"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        db_index=True,
    )
    evaluated_on = models.DateField(_("completed on"), db_index=True)
    period_start = models.DateField(_("period evaluated from"), null=True, blank=True)
    period_end = models.DateField(_("period evaluated to"), null=True, blank=True)
    evaluators = models.CharField(
        _("evaluated by"), max_length=300, validators=[validate_no_markup]
    )
    method = models.TextField(_("method"), blank=True, validators=[validate_no_markup])
    findings = models.TextField(_("findings"), validators=[validate_no_markup])
    recommendations = models.TextField(
        _("recommendations"), blank=True, validators=[validate_no_markup]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject="activity") | Q(activity__isnull=False),
                name="evaluation_activity_named",
            ),
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(activity__gte=1, activity__lte=14),
                name="evaluation_activity_range",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="evaluation_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title
