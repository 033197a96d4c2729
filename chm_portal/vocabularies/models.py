"""Reference data (controlled vocabularies) shared by every part of the portal.

Codes are stable identifiers used in the database, the API, imports and exports; they come from
``data/`` (a copy of the shared reference files) and are never renumbered or reused. Names and texts
are translated with django-modeltranslation (see ``translation.py``). Staff may correct labels and
country-group flags in the admin: the UN classifications change over time.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VocabularyTerm(models.Model):
    """A term of a flat controlled list: a stable code and a translated name."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive terms are kept for old records only.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ThematicArea(VocabularyTerm):
    """A thematic area of biodiversity work (protected areas, invasive species...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")


class SupportType(VocabularyTerm):
    """A kind of support a partner can give or a Party can ask for (training, equipment...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("support type")
        verbose_name_plural = _("support types")


class CapacityLevel(VocabularyTerm):
    """A level at which capacity is built: individual, organisational, enabling environment."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("capacity level")
        verbose_name_plural = _("capacity levels")


class OrganisationType(VocabularyTerm):
    """A type of organisation (government, NGO, IPLC organisation, academia...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")


class ResourceType(VocabularyTerm):
    """A type of resource in the resources database (guidance, toolkit, dataset...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("resource type")
        verbose_name_plural = _("resource types")


class OpportunityType(VocabularyTerm):
    """A type of opportunity (training course, fellowship, call for proposals...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("opportunity type")
        verbose_name_plural = _("opportunity types")


class EventType(VocabularyTerm):
    """A type of event (workshop, matchmaking roundtable, webinar...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("event type")
        verbose_name_plural = _("event types")


class Priority(VocabularyTerm):
    """A priority level (high, medium, low)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")


class Language(VocabularyTerm):
    """A language people work in or support is delivered in (ISO 639-1 code, e.g. ``fr``)."""

    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class BeneficiaryType(VocabularyTerm):
    """A group of people a request for assistance benefits (women, youth, IPLC...)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("beneficiary type")
        verbose_name_plural = _("beneficiary types")


class CountryGroup(VocabularyTerm):
    """A UN group of countries with special needs: LDC, SIDS, LLDC, EIT.

    Membership is held on :class:`Country` (``is_ldc`` and so on) so that filters stay simple
    indexed boolean lookups; this term gives the group its code and translated name.
    """

    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")

    @property
    def country_flag_field(self) -> str:
        """Name of the :class:`Country` boolean that records membership of this group."""
        return COUNTRY_GROUP_FLAGS[self.code]


# Country-group code -> Country boolean field.
COUNTRY_GROUP_FLAGS = {"LDC": "is_ldc", "SIDS": "is_sids", "LLDC": "is_lldc", "EIT": "is_eit"}


class Region(models.Model):
    """A UN M49 geographic region, sub-region or intermediate region (e.g. 002 Africa)."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        SUBREGION = "subregion", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")

    code = models.CharField(_("M49 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class RegionalGroup(models.Model):
    """A UN regional group (African States, GRULAC, WEOG...), also used as CBD regional group."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    cbd_thesaurus_id = models.CharField(_("CBD thesaurus identifier"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("UN regional group")
        verbose_name_plural = _("UN regional groups")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """A country or territory (ISO 3166-1), with its UN classifications and CBD status."""

    code = models.CharField(_("ISO alpha-2 code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, blank=True)
    m49 = models.CharField(_("M49 code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries_in_region",
    )
    subregion = models.ForeignKey(
        Region,
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries_in_subregion",
    )
    intermediate_region = models.ForeignKey(
        Region,
        verbose_name=_("intermediate region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries_in_intermediate_region",
    )
    regional_group = models.ForeignKey(
        RegionalGroup,
        verbose_name=_("UN regional group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries",
    )
    is_cbd_party = models.BooleanField(_("CBD Party"), default=False, db_index=True)
    is_ldc = models.BooleanField(_("least developed country"), default=False, db_index=True)
    is_sids = models.BooleanField(_("small island developing State"), default=False, db_index=True)
    is_lldc = models.BooleanField(_("landlocked developing country"), default=False, db_index=True)
    is_eit = models.BooleanField(_("economy in transition"), default=False, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def group_codes(self) -> list[str]:
        """Codes of the country groups (LDC, SIDS, LLDC, EIT) this country belongs to."""
        return [code for code, field in COUNTRY_GROUP_FLAGS.items() if getattr(self, field)]


def countries_in_region_q(region_code: str, prefix: str = "") -> Q:
    """Q object matching countries in an M49 region at any level (a region includes its parts)."""
    return (
        Q(**{f"{prefix}region__code": region_code})
        | Q(**{f"{prefix}subregion__code": region_code})
        | Q(**{f"{prefix}intermediate_region__code": region_code})
    )


class GBFGoal(models.Model):
    """A goal (A-D) of the Kunming-Montreal Global Biodiversity Framework; code GBF-GA..GBF-GD."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    letter = models.CharField(_("letter"), max_length=1)
    identifier = models.CharField(_("CBD thesaurus identifier"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["letter"]
        verbose_name = _("GBF goal")
        verbose_name_plural = _("GBF goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class GBFTarget(models.Model):
    """A target (1-23) of the Kunming-Montreal Global Biodiversity Framework; code GBF-T1..T23."""

    class Section(models.TextChoices):
        REDUCING_THREATS = "reducing_threats", _("Reducing threats to biodiversity")
        MEETING_NEEDS = (
            "meeting_needs",
            _("Meeting people's needs through sustainable use and benefit-sharing"),
        )
        TOOLS_SOLUTIONS = "tools_solutions", _("Tools and solutions for implementation")

    code = models.CharField(_("code"), max_length=10, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    identifier = models.CharField(_("CBD thesaurus identifier"), max_length=40, blank=True)
    section = models.CharField(_("section"), max_length=30, choices=Section.choices, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("GBF target")
        verbose_name_plural = _("GBF targets")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AichiStrategicGoal(models.Model):
    """A strategic goal (A-E) of the Strategic Plan for Biodiversity 2011-2020."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Aichi strategic goal")
        verbose_name_plural = _("Aichi strategic goals")

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class AichiTarget(models.Model):
    """An Aichi Biodiversity Target (1-20); code AICHI-T1..AICHI-T20."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    identifier = models.CharField(_("CBD thesaurus identifier"), max_length=40, blank=True)
    strategic_goal = models.ForeignKey(
        AichiStrategicGoal,
        verbose_name=_("strategic goal"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    title = models.CharField(_("title"), max_length=300)
    keyword = models.CharField(_("short keyword"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Aichi target")
        verbose_name_plural = _("Aichi targets")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SustainableDevelopmentGoal(models.Model):
    """A UN Sustainable Development Goal (1-17)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    identifier = models.CharField(_("CBD thesaurus identifier"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")

    def __str__(self) -> str:
        return f"SDG {self.number} {self.title}"
