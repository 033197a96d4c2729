"""Partner organisations and the partners' databases; see docs/data-model.md.

Every record type (offers of support, initiatives, resources, opportunities, events, partnership
agreements) belongs to one :class:`Organisation`, whose members edit it. A record is public when it
is published and its organisation is approved (:meth:`PartnerRecordQuerySet.public`). Content
fields are translatable (modeltranslation, see ``translation.py``); ``language`` says which
language the record was written in, which pages fall back to and say so.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.search import (
    StoredSearchManager,
    search_vector_indexes,
    translated_search_fields,
)
from chm_portal.core.validators import validate_no_markup, validate_upload
from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

# --- Uploads ------------------------------------------------------------------------------------
MAX_LOGO_SIZE = 2 * 1024 * 1024
ALLOWED_LOGOS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
MAX_RESOURCE_FILE_SIZE = 50 * 1024 * 1024
ALLOWED_RESOURCE_FILES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "zip": "application/zip",
    "epub": "application/epub+zip",
    "mp4": "video/mp4",
    "png": "image/png",
    "jpg": "image/jpeg",
}
MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
ALLOWED_DOCUMENTS = {"pdf": "application/pdf"}


def validate_logo(file) -> None:
    validate_upload(file, allowed=ALLOWED_LOGOS, max_size=MAX_LOGO_SIZE)


def validate_resource_file(file) -> None:
    validate_upload(file, allowed=ALLOWED_RESOURCE_FILES, max_size=MAX_RESOURCE_FILE_SIZE)


def validate_document(file) -> None:
    validate_upload(file, allowed=ALLOWED_DOCUMENTS, max_size=MAX_DOCUMENT_SIZE)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone; choose one such as Africa/Nairobi."),
            code="time_zone",
            params={"value": value},
        )


def content_language_choices():
    """The languages content may be written in (a callable: no migration when they change)."""
    return list(settings.CONTENT_LANGUAGES)


class Organisation(models.Model):
    """A partner organisation (provider): a government agency, NGO, IPLC organisation, university,
    network or business that offers or seeks support for biodiversity capacity-building.

    A signed-in person registers it and becomes its first administrator; the help desk checks and
    approves it before it is shown publicly and before its records are public.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # What the search box looks in, in every interface language, and how much each field counts
    # (A most, D least); the stored vectors ``search_*`` hold them (chm_portal.core.search).
    SEARCH_FIELDS = {**translated_search_fields(name="A", description="B"), "acronym": "A"}

    name = models.CharField(_("name"), max_length=300, validators=[validate_no_markup])
    acronym = models.CharField(
        _("acronym"), max_length=40, blank=True, validators=[validate_no_markup]
    )
    organisation_type = models.ForeignKey(
        OrganisationType,
        verbose_name=_("type of organisation"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("headquarters country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headquartered_organisations",
    )
    countries_of_operation = models.ManyToManyField(
        Country, verbose_name=_("countries of operation"), blank=True, related_name="+"
    )
    regions_of_operation = models.ManyToManyField(
        Region, verbose_name=_("regions of operation"), blank=True, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, validators=[validate_no_markup])
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets of expertise"), blank=True, related_name="+"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas of expertise"), blank=True, related_name="+"
    )
    support_types = models.ManyToManyField(
        SupportType, verbose_name=_("kinds of support offered"), blank=True, related_name="+"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("working languages"), blank=True, related_name="+"
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="partners/logos/%Y/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    # Contacts are for the help desk and members only: never on public pages, feeds or exports.
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_no_markup]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact telephone"), max_length=40, blank=True, validators=[validate_no_markup]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, validators=[validate_no_markup]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_organisations",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Harvested organisations (providers of harvested offers) keep their identifier at the source.
    source = models.ForeignKey(
        "HarvestSource",
        verbose_name=_("harvested from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField(_("identifier at the source"), max_length=200, blank=True)
    # Full-text search vectors of SEARCH_FIELDS, kept by a trigger on PostgreSQL; empty elsewhere.
    search_en = SearchVectorField(_("English search vector"), null=True, blank=True, editable=False)
    search_fr = SearchVectorField(_("French search vector"), null=True, blank=True, editable=False)
    search_es = SearchVectorField(_("Spanish search vector"), null=True, blank=True, editable=False)

    objects = StoredSearchManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        indexes = [
            models.Index(fields=["status", "organisation_type"]),
            *search_vector_indexes("partners_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(source__isnull=False),
                name="partners_organisation_unique_source_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def owner_organisation_id(self) -> int | None:
        return self.pk


class Membership(models.Model):
    """A person acting for a partner organisation.

    Administrators manage the organisation's profile and its members; editors prepare and publish
    its records (offers, resources, events...). The permission predicates in
    ``chm_portal/accounts/predicates.py`` read these rows through ``user.organisation_memberships``.
    """

    class Role(models.TextChoices):
        # The value "admin" is also read by chm_portal.accounts.predicates.
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="partners_membership_unique_user_organisation",
                violation_error_message=_("This person already is a member of the organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation to join an organisation, sent by email to someone who may not have an account.

    The link carries ``token``; accepting it (signed in with any address) makes a membership.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="partners_invitation_one_open_per_email",
                violation_error_message=_("This address already has an open invitation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


# --- The partners' databases --------------------------------------------------------------------
class RecordStatus(models.TextChoices):
    """Publication status of a record. Offers may also be paused (see :class:`Offer`)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class PartnerRecordQuerySet(models.QuerySet):
    def public(self):
        """Records anyone may see: in a public status, of an approved organisation."""
        model = self.model
        return self.filter(
            status__in=model.PUBLIC_STATUSES,
            **{f"{model.ORGANISATION_FIELD}__status": Organisation.Status.APPROVED},
        )

    def of_organisations(self, organisation_ids):
        return self.filter(**{f"{self.model.ORGANISATION_FIELD}__in": organisation_ids})


class PartnerRecord(models.Model):
    """What every record of the partners' databases has: content in a language, a status, an
    owning organisation (``ORGANISATION_FIELD``), dates, and where it was harvested from."""

    # The statuses shown to the public; the first is the one records are published in.
    PUBLIC_STATUSES: tuple[str, ...] = (RecordStatus.PUBLISHED, RecordStatus.CLOSED)
    # The statuses this record type may take, in the order of the status filter.
    STATUSES: tuple[str, ...] = (RecordStatus.DRAFT, RecordStatus.PUBLISHED, RecordStatus.CLOSED)
    ORGANISATION_FIELD = "organisation"
    # What the search box looks in, in every interface language, and how much each field counts
    # (A most, D least); the stored vectors ``search_*`` hold them (chm_portal.core.search).
    SEARCH_FIELDS = translated_search_fields(title="A", description="B")

    title = models.CharField(_("title"), max_length=300, validators=[validate_no_markup])
    description = models.TextField(_("description"), validators=[validate_no_markup])
    language = models.CharField(
        _("original language"),
        max_length=10,
        choices=content_language_choices,
        default="en",
        help_text=_("The language the record was written in; translations may be added."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecordStatus.choices,
        default=RecordStatus.DRAFT,
        db_index=True,
    )
    closed_automatically = models.BooleanField(
        _("closed automatically"),
        default=False,
        help_text=_("Closed by the daily job when its date passed, rather than by a person."),
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
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    source = models.ForeignKey(
        "HarvestSource",
        verbose_name=_("harvested from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField(_("identifier at the source"), max_length=200, blank=True)
    gone_from_source_at = models.DateTimeField(
        _("gone from the source at"),
        null=True,
        blank=True,
        help_text=_("When the last harvest no longer found the record at its source."),
    )
    # Full-text search vectors of SEARCH_FIELDS, kept by a trigger on PostgreSQL; empty elsewhere.
    search_en = SearchVectorField(_("English search vector"), null=True, blank=True, editable=False)
    search_fr = SearchVectorField(_("French search vector"), null=True, blank=True, editable=False)
    search_es = SearchVectorField(_("Spanish search vector"), null=True, blank=True, editable=False)

    objects = StoredSearchManager.from_queryset(PartnerRecordQuerySet)()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_organisation_id(self) -> int | None:
        return getattr(self, f"{self.ORGANISATION_FIELD}_id")

    @property
    def owner_organisation(self) -> Organisation:
        return getattr(self, self.ORGANISATION_FIELD)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.owner_organisation.is_approved

    def clean(self) -> None:
        super().clean()
        if self.status not in self.STATUSES:
            raise ValidationError({"status": _("This status does not apply to this record.")})


def _record_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["source", "external_id"],
            condition=Q(source__isnull=False),
            name=f"{prefix}_unique_source_id",
        ),
    ]


def _check_dates(start, end, *, start_field: str, end_field: str, message) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: message})


class Offer(PartnerRecord):
    """An offer of support: what matchmaking pairs with requests for assistance.

    Field names are those of the record exchange format (``shared/matching/README.md``): empty
    eligibility lists mean open to all; a missing availability bound is open.
    """

    PUBLIC_STATUSES = (RecordStatus.PUBLISHED, RecordStatus.PAUSED, RecordStatus.CLOSED)
    STATUSES = tuple(RecordStatus.values)
    ORGANISATION_FIELD = "provider"

    class Cost(models.TextChoices):
        FREE = "free", _("Free of charge")
        AT_COST = "at_cost", _("At cost")

    class Contribution(models.TextChoices):
        IN_KIND = "in_kind", _("In kind")
        FINANCIAL = "financial", _("Financial (budget range)")

    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="offers"
    )
    support_types = models.ManyToManyField(
        SupportType, verbose_name=_("support types"), blank=True, related_name="offers"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="offers"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="offers"
    )
    capacity_levels = models.ManyToManyField(
        CapacityLevel, verbose_name=_("capacity levels"), blank=True, related_name="offers"
    )
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("delivery languages"),
        blank=True,
        related_name="offers",
        help_text=_("Languages the support can be delivered in; none means any."),
    )
    eligible_countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), blank=True, related_name="+"
    )
    eligible_regions = models.ManyToManyField(
        Region,
        verbose_name=_("eligible regions"),
        blank=True,
        related_name="+",
        help_text=_("UN M49 regions; a region includes its sub-regions."),
    )
    eligible_groups = models.ManyToManyField(
        CountryGroup, verbose_name=_("eligible country groups"), blank=True, related_name="+"
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True, db_index=True)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    contribution = models.CharField(
        _("contribution"),
        max_length=20,
        choices=Contribution.choices,
        default=Contribution.IN_KIND,
    )
    budget_min = models.DecimalField(
        _("budget from"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget up to"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="USD")
    max_concurrent_requests = models.PositiveSmallIntegerField(
        _("requests it can take at once"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty when there is no limit."),
    )

    class Meta(PartnerRecord.Meta):
        verbose_name = _("offer of support")
        verbose_name_plural = _("offers of support")
        indexes = [
            models.Index(fields=["status", "available_until"]),
            *search_vector_indexes("partners_offer"),
        ]
        constraints = [
            *_record_constraints("partners_offer"),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="partners_offer_available_in_order",
            ),
            models.CheckConstraint(
                condition=Q(budget_max__isnull=True)
                | Q(budget_min__isnull=True)
                | Q(budget_max__gte=F("budget_min")),
                name="partners_offer_budget_in_order",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        _check_dates(
            self.available_from,
            self.available_until,
            start_field="available_from",
            end_field="available_until",
            message=_("The end of availability is before its start."),
        )
        if (
            self.budget_min is not None
            and self.budget_max is not None
            and self.budget_max < self.budget_min
        ):
            raise ValidationError(
                {"budget_max": _("The budget's upper bound is below its lower bound.")}
            )
        if self.contribution == self.Contribution.IN_KIND and (self.budget_min or self.budget_max):
            raise ValidationError(
                {"contribution": _("A budget range applies to financial contributions only.")}
            )


class Initiative(PartnerRecord):
    """A programme or project led by a partner organisation, with partners and results."""

    class Stage(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    partner_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("partner organisations"), blank=True, related_name="+"
    )
    other_partners = models.CharField(
        _("other partners"),
        max_length=500,
        blank=True,
        validators=[validate_no_markup],
        help_text=_("Partners that are not registered on the portal."),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="initiatives"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="initiatives"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="USD")
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.ONGOING, db_index=True
    )
    website = models.URLField(_("website"), blank=True)
    results = models.TextField(_("results"), blank=True, validators=[validate_no_markup])

    class Meta(PartnerRecord.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = search_vector_indexes("partners_initiative")
        constraints = [
            *_record_constraints("partners_initiative"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partners_initiative_dates_in_order",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        _check_dates(
            self.start_date,
            self.end_date,
            start_field="start_date",
            end_field="end_date",
            message=_("The end date is before the start date."),
        )


class Resource(PartnerRecord):
    """Guidance, toolkits, training and teaching material, videos, datasets, software,
    publications and case studies: a file uploaded here or a link elsewhere.

    Each download through the portal is a :class:`ResourceDownload` row; ``download_count`` is its
    running total, kept for the lists.
    """

    SEARCH_FIELDS = {**translated_search_fields(title="A", description="B"), "authors": "C"}

    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", "CC BY 4.0"
        CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
        CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
        CC0 = "CC0-1.0", "CC0 1.0"
        PUBLIC_DOMAIN = "public-domain", _("Public domain")
        OPEN_SOURCE = "open-source", _("Open-source software licence")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
        OTHER = "other", _("Other (see the description)")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    resource_type = models.ForeignKey(
        ResourceType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="resources"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), blank=True, related_name="resources"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="resources"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="resources"
    )
    file = models.FileField(
        _("file"),
        upload_to="partners/resources/%Y/",
        blank=True,
        max_length=300,
        validators=[validate_resource_file],
    )
    url = models.URLField(_("link"), blank=True, max_length=500)
    licence = models.CharField(
        _("licence"), max_length=30, choices=Licence.choices, default=Licence.CC_BY
    )
    authors = models.CharField(
        _("authors"), max_length=500, blank=True, validators=[validate_no_markup]
    )
    publication_year = models.PositiveSmallIntegerField(
        _("year of publication"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)

    class Meta(PartnerRecord.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["status", "resource_type"]),
            *search_vector_indexes("partners_resource"),
        ]
        constraints = [
            *_record_constraints("partners_resource"),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="partners_resource_file_or_link"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if not self.file and not self.url:
            raise ValidationError({"url": _("Upload a file or give a link to the resource.")})


class ResourceDownload(models.Model):
    """One download of a resource through the portal: the indicator "downloads from the databases
    by Parties and other users". The country is the downloader's, when known."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="downloads"
    )
    downloaded_at = models.DateTimeField(_("downloaded at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_focal_point = models.BooleanField(
        _("by a Party's focal point"), default=False, help_text=_("Downloaded on a Party's behalf.")
    )

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("resource download")
        verbose_name_plural = _("resource downloads")
        indexes = [
            models.Index(fields=["resource", "downloaded_at"]),
            models.Index(fields=["downloaded_at", "country"]),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.downloaded_at:%Y-%m-%d}"


class Opportunity(PartnerRecord):
    """A training course, fellowship or exchange programme, scholarship, internship, call for
    proposals or call for experts, open until its deadline (then closed by a daily job).

    People apply through ``link``, or through the portal's own form when ``applications_on_portal``;
    the portal's fellowship and exchange programme (``is_portal_programme``) has its applications
    reviewed by staff, and its accepted applicants are its participants.
    """

    SEARCH_FIELDS = translated_search_fields(title="A", description="B", eligibility="C")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    opportunity_type = models.ForeignKey(
        OpportunityType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    eligibility = models.TextField(_("who may apply"), blank=True, validators=[validate_no_markup])
    eligible_countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), blank=True, related_name="+"
    )
    eligible_regions = models.ManyToManyField(
        Region, verbose_name=_("eligible regions"), blank=True, related_name="+"
    )
    eligible_groups = models.ManyToManyField(
        CountryGroup, verbose_name=_("eligible country groups"), blank=True, related_name="+"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="opportunities"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="opportunities"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), blank=True, related_name="opportunities"
    )
    opens_at = models.DateTimeField(_("opens on"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    link = models.URLField(_("link to apply"), blank=True, max_length=500)
    applications_on_portal = models.BooleanField(
        _("applications through the portal"),
        default=False,
        help_text=_("People apply with the portal's form instead of a link."),
    )
    is_portal_programme = models.BooleanField(
        _("portal fellowship or exchange programme"),
        default=False,
        help_text=_("Applications are reviewed by staff; accepted applicants are participants."),
    )
    places = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # People following it for reminders; deleted with it.
    follows = GenericRelation("alerts.Follow", object_id_field="object_id")

    class Meta(PartnerRecord.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            *search_vector_indexes("partners_opportunity"),
        ]
        constraints = [
            *_record_constraints("partners_opportunity"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(deadline__gte=F("opens_at")),
                name="partners_opportunity_dates_in_order",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        _check_dates(
            self.opens_at,
            self.deadline,
            start_field="opens_at",
            end_field="deadline",
            message=_("The deadline is before the opening date."),
        )
        if not self.link and not self.applications_on_portal:
            raise ValidationError(
                {"link": _("Give the link to apply, or take applications through the portal.")}
            )
        if self.is_portal_programme and not self.applications_on_portal:
            raise ValidationError(
                {
                    "applications_on_portal": _(
                        "The portal's own programme takes its applications through the portal."
                    )
                }
            )

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == RecordStatus.PUBLISHED
            and self.deadline > now
            and (self.opens_at is None or self.opens_at <= now)
        )


class OpportunityApplication(models.Model):
    """Someone's application to an opportunity through the portal's form."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="opportunity_applications",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("applicant's country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation_name = models.CharField(
        _("applicant's organisation"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    motivation = models.TextField(_("motivation"), validators=[validate_no_markup])
    cv = models.FileField(
        _("curriculum vitae"),
        upload_to="partners/applications/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, at most 10 MB."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True, validators=[validate_no_markup])

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "applicant"],
                name="partners_application_one_per_person",
                violation_error_message=_("You have already applied to this opportunity."),
            ),
        ]
        indexes = [models.Index(fields=["status", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.opportunity}"


class Event(PartnerRecord):
    """A workshop, matchmaking workshop or roundtable, webinar, conference or training event.

    Times are stored in UTC and shown in the event's own ``time_zone`` (and the reader's).
    """

    PUBLIC_STATUSES = (RecordStatus.PUBLISHED, RecordStatus.CLOSED)

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    event_type = models.ForeignKey(
        EventType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="events"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The time zone of the venue, or of the organiser for online events."),
    )
    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(
        _("venue"), max_length=300, blank=True, validators=[validate_no_markup]
    )
    city = models.CharField(_("city"), max_length=120, blank=True, validators=[validate_no_markup])
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registration_url = models.URLField(_("registration link"), blank=True, max_length=500)
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), blank=True, related_name="events"
    )
    targets = models.ManyToManyField(
        GBFTarget, verbose_name=_("GBF targets"), blank=True, related_name="events"
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="events"
    )
    participant_count = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("How many people took part, once the event is over."),
    )
    # People following it for reminders; deleted with it.
    follows = GenericRelation("alerts.Follow", object_id_field="object_id")

    class Meta(PartnerRecord.Meta):
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            *search_vector_indexes("partners_event"),
        ]
        constraints = [
            *_record_constraints("partners_event"),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="partners_event_dates_in_order"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        _check_dates(
            self.starts_at,
            self.ends_at,
            start_field="starts_at",
            end_field="ends_at",
            message=_("The event ends before it starts."),
        )
        if not self.is_online and not (self.venue or self.city or self.country_id):
            raise ValidationError({"venue": _("Give the venue, or mark the event as online.")})
        if (
            self.participant_count is not None
            and self.starts_at
            and self.starts_at > timezone.now()
        ):
            raise ValidationError(
                {"participant_count": _("Participants are counted once the event has started.")}
            )

    @property
    def local_starts_at(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at, zoneinfo.ZoneInfo(self.time_zone))

    @property
    def local_ends_at(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at, zoneinfo.ZoneInfo(self.time_zone))


class PartnershipAgreement(PartnerRecord):
    """An agreement with a partner: a support-network agreement (activity 7), an education
    institution partnership (activity 12) or a memorandum of understanding."""

    class Kind(models.TextChoices):
        SUPPORT_NETWORK = "support_network", _("Support-network agreement")
        EDUCATION_INSTITUTION = "education_institution", _("Education-institution partnership")
        MOU = "mou", _("Memorandum of understanding")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    signed_on = models.DateField(_("signed on"), db_index=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    document = models.FileField(
        _("document"),
        upload_to="partners/agreements/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, at most 10 MB."),
    )

    class Meta(PartnerRecord.Meta):
        ordering = ["-signed_on"]
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        indexes = search_vector_indexes("partners_agreement")
        constraints = [
            *_record_constraints("partners_agreement"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("signed_on")),
                name="partners_agreement_dates_in_order",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        _check_dates(
            self.signed_on,
            self.ends_on,
            start_field="signed_on",
            end_field="ends_on",
            message=_("The agreement ends before it was signed."),
        )


# --- Harvesting ---------------------------------------------------------------------------------
class HarvestSource(models.Model):
    """A partner system polled for records: an Atom/RSS feed or a JSON file in the record format.

    Records harvested from a feed are of ``record_type`` and belong to ``organisation``; a JSON
    file names each offer's provider, which is found or created by (source, provider id).
    """

    class Format(models.TextChoices):
        FEED = "feed", _("Atom or RSS feed")
        RECORDS = "records", _("JSON in the record exchange format")

    class RecordType(models.TextChoices):
        OFFER = "offer", _("Offers of support")
        RESOURCE = "resource", _("Resources")
        OPPORTUNITY = "opportunity", _("Opportunities")
        EVENT = "event", _("Events")

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    record_type = models.CharField(
        _("records"),
        max_length=20,
        choices=RecordType.choices,
        default=RecordType.RESOURCE,
        help_text=_("What the entries of a feed are; JSON files say it themselves."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="harvest_sources",
        # Empty only for files imported by the portal's operators (manage.py import_records),
        # whose offers each name their provider.
        null=True,
        help_text=_(
            "The organisation harvested records belong to (providers of JSON offers may differ)."
        ),
    )
    publish_records = models.BooleanField(
        _("publish harvested records"),
        default=True,
        help_text=_("Otherwise they arrive as drafts for the organisation to review."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    interval_hours = models.PositiveSmallIntegerField(
        _("every (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    last_harvested_at = models.DateTimeField(_("last harvested at"), null=True, blank=True)
    records_as_of = models.DateField(
        _("records judged at"),
        null=True,
        blank=True,
        help_text=_(
            "The “as_of” date of the last file imported: the date its records are judged at "
            "(eligibility of offers by their dates)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")

    def __str__(self) -> str:
        return self.name


class HarvestRun(models.Model):
    """One harvest of a source: what it created, updated, left unchanged and found gone."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        HarvestSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="runs"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    gone = models.PositiveIntegerField(_("gone from the source"), default=0)
    report = models.TextField(_("report"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("harvest run")
        verbose_name_plural = _("harvest runs")

    def __str__(self) -> str:
        return f"{self.source} · {self.started_at:%Y-%m-%d %H:%M}"
