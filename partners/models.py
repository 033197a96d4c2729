"""Partner organisations and the people who act for them; see docs/data-model.md.

The partners' databases (offers of support, initiatives, resources, opportunities, events and
agreements) hang off :class:`Organisation`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A partner organisation: a government agency, NGO, IPLC organisation, university, network or
    business that offers or seeks support for biodiversity capacity-building through the portal.

    A signed-in person registers it and becomes its first administrator; the help desk checks and
    approves it before it is shown publicly and before its records may be published.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    organisation_type = models.ForeignKey(
        "vocabularies.OrganisationType",
        verbose_name=_("type of organisation"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    country = models.ForeignKey(
        "vocabularies.Country",
        verbose_name=_("headquarters country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headquartered_organisations",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_organisations",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


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
