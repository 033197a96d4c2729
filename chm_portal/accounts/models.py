"""People on the portal and the roles they hold; see docs/roles-and-permissions.md."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import REQUESTABLE_ROLE_CHOICES, FocalPointKind, Role


def interface_languages():
    """The interface languages (a callable, so that editing LANGUAGES needs no migration)."""
    return settings.LANGUAGES


class UserManager(BaseUserManager["User"]):
    """Creates people with an email address as their sign-in name."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> "User":
        # People type their address in any case; the database keeps one account per address.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account on the portal.

    Anyone may sign up (and is then a learner); the roles they may ask for on top of that, focal
    point of a Party or staff, are granted by the help desk. People sign in with their email
    address, which allauth verifies before the first sign-in.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=interface_languages,
        default="en",
        help_text=_("The language of the emails the portal sends you."),
    )
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("country of residence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )
    organisation_name = models.CharField(
        _("organisation"),
        max_length=300,
        blank=True,
        help_text=_("Where you work, as you would write it; partner organisations are separate."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the person can sign in to the administration."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting an account."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class FocalPointQuerySet(models.QuerySet):
    def active(self) -> "FocalPointQuerySet":
        return self.filter(revoked_at__isnull=True)


class FocalPoint(models.Model):
    """A person's assignment as a national focal point of a CBD Party for one area of work.

    Parties nominate focal points for the Convention, the Clearing-House Mechanism, the Protocols
    and other areas; the help desk records the nomination here, which lets the person act for
    their country on the portal (submit its needs, for example). A person may hold several
    assignments. Revoking keeps the row, with ``revoked_at``, as history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="focal_points",
    )
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="focal_points",
        limit_choices_to={"is_cbd_party": True},
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FocalPointKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = FocalPointQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("focal point assignment")
        verbose_name_plural = _("focal point assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "country", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="accounts_focalpoint_unique_active",
                violation_error_message=_(
                    "This person already is an active focal point of this kind for this country."
                ),
            ),
        ]
        indexes = [models.Index(fields=["country", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.country} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RoleRequest(models.Model):
    """A person's request to be given a role, with the help desk's decision.

    A focal point request names the country and the kind of focal point; staff role requests name
    neither. The person states their official position and why they need the role; the help desk
    checks it (for focal points, against the Party's official nomination) and approves or rejects.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="role_requests",
    )
    role = models.CharField(_("role"), max_length=30, choices=REQUESTABLE_ROLE_CHOICES)
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_requests",
        limit_choices_to={"is_cbd_party": True},
        help_text=_("For focal points: the Party that nominated you."),
    )
    focal_point_kind = models.CharField(
        _("kind of focal point"), max_length=30, choices=FocalPointKind.choices, blank=True
    )
    position = models.CharField(
        _("official position and affiliation"),
        max_length=300,
        blank=True,
        help_text=_("For example: Director of Biodiversity, Ministry of Environment."),
    )
    justification = models.TextField(
        _("justification"),
        help_text=_("Why you need this role; for focal points, a reference to your nomination."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(
        _("decision note"), blank=True, help_text=_("Sent to the person with the decision.")
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    # When the emails went out; tasks claim these so that a retried task does not send twice.
    helpdesk_notified_at = models.DateTimeField(_("help desk notified at"), null=True, blank=True)
    requester_notified_at = models.DateTimeField(_("requester notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.FOCAL_POINT, country__isnull=False) & ~Q(focal_point_kind="")
                )
                | (~Q(role=Role.FOCAL_POINT) & Q(country__isnull=True, focal_point_kind="")),
                name="accounts_rolerequest_country_iff_focal_point",
                violation_error_message=_(
                    "A focal point request names a country and a kind of focal point; other "
                    "requests name neither."
                ),
            ),
            # Two constraints because NULL countries never compare equal in a unique index.
            models.UniqueConstraint(
                fields=["user", "role", "country"],
                condition=Q(status="pending", country__isnull=False),
                name="accounts_rolerequest_one_pending_per_country",
                violation_error_message=_("You already have a pending request for this role."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(status="pending", country__isnull=True),
                name="accounts_rolerequest_one_pending_staff_role",
                violation_error_message=_("You already have a pending request for this role."),
            ),
        ]

    def __str__(self) -> str:
        if self.country_id:
            return f"{self.user} · {self.get_role_display()} · {self.country}"
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
