"""What a signed-in person asked the portal to watch for them: saved searches (digests of new
records) and follows of opportunities and events (reminders before the deadline or the start).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import get_database
from chm_portal.core.feeds import PAGE_PARAMETERS

# A saved list's query string (sorted, URL-encoded: ASCII only) fits a PostgreSQL B-tree index.
MAX_QUERY_STRING_LENGTH = 2000


def validate_database_key(value: str) -> None:
    """The key of a registered database (``offers``, ``events``...)."""
    if get_database(value) is None:
        raise ValidationError(
            _("“%(value)s” is not one of the portal's databases."),
            code="unknown_database",
            params={"value": value},
        )


def normalise_query_string(query: str) -> str:
    """The canonical form of a list's filters: parameters sorted by name then value, page
    numbers and empty values dropped, URL-encoded. Two lists showing the same records give the
    same string, so a search is saved once."""
    data = QueryDict(query or "")
    pairs = sorted(
        (name, value.strip())
        for name, values in data.lists()
        if name not in PAGE_PARAMETERS
        for value in values
        if value.strip()
    )
    normalised = QueryDict(mutable=True)
    for name, value in dict.fromkeys(pairs):  # drop repeated pairs, keep the order
        normalised.appendlist(name, value)
    return normalised.urlencode()


class SavedSearch(models.Model):
    """A filtered list of one of the portal's databases that a person saved, to receive by
    email, daily or weekly, the records newly matching it."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Never (keep the search, send no email)")

    # How long after the last check a search is due again. The job runs hourly: a quarter of an
    # hour of slack keeps a daily digest at the same time of day instead of drifting later.
    PERIODS = {
        Frequency.DAILY: datetime.timedelta(days=1),
        Frequency.WEEKLY: datetime.timedelta(days=7),
    }
    DUE_SLACK = datetime.timedelta(minutes=15)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    database = models.CharField(_("database"), max_length=50, validators=[validate_database_key])
    query = models.CharField(
        _("filters"),
        max_length=MAX_QUERY_STRING_LENGTH,
        blank=True,
        help_text=_("The list's query string: parameters sorted, page numbers removed."),
    )
    name = models.CharField(_("name"), max_length=200)
    frequency = models.CharField(
        _("emails"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    last_checked_at = models.DateTimeField(
        _("last checked at"),
        null=True,
        blank=True,
        help_text=_("When the digest job last looked for new records."),
    )
    last_sent_at = models.DateTimeField(
        _("last sent at"),
        null=True,
        blank=True,
        help_text=_("When new records of this search were last emailed."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "database", "query"],
                name="alerts_savedsearch_unique_per_person",
                violation_error_message=_("You have already saved this search."),
            ),
        ]
        indexes = [
            # The digest job: searches of a frequency checked (or created) before a moment.
            models.Index(
                fields=["frequency", "last_checked_at", "created_at"],
                name="alerts_saved_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def database_entry(self):
        """The registered :class:`~chm_portal.core.databases.Database` (None if gone)."""
        return get_database(self.database)

    @property
    def list_url(self) -> str:
        database = self.database_entry
        return database.list_url(self.query) if database is not None else ""

    @property
    def since(self) -> datetime.datetime:
        """Records made public after this moment are new for the next digest."""
        return self.last_sent_at or self.created_at


@dataclass(frozen=True)
class Followable:
    """A kind of record people may follow, and when they are reminded of it."""

    date_field: str  # the deadline or the start
    remind_within: datetime.timedelta
    # Only records in this state are worth a reminder (e.g. still published).
    conditions: dict[str, Any] = field(default_factory=dict)
    follow_label: Any = ""  # the button
    date_label: Any = ""  # "Deadline", "Starts"


# The only records that may be followed, by model label. Strings, so that this app does not
# import the apps that define them.
FOLLOWABLE: dict[str, Followable] = {
    "partners.opportunity": Followable(
        date_field="deadline",
        remind_within=datetime.timedelta(days=7),
        conditions={"status": "published"},
        follow_label=_("Follow: get a reminder before the deadline"),
        date_label=_("Deadline"),
    ),
    "partners.event": Followable(
        date_field="starts_at",
        remind_within=datetime.timedelta(days=2),
        conditions={"status": "published"},
        follow_label=_("Follow: get a reminder before the start"),
        date_label=_("Starts"),
    ),
}


def followable_label(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


class Follow(models.Model):
    """A person following an opportunity or an event, to be reminded by email once, shortly
    before its deadline or its start."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"],
                name="alerts_follow_unique_per_person",
                violation_error_message=_("You already follow this record."),
            ),
        ]
        indexes = [
            # The reminder job: follows of a record type not reminded yet.
            models.Index(
                fields=["content_type", "object_id"],
                condition=Q(reminded_at__isnull=True),
                name="alerts_follow_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} {self.object_id}"

    def clean(self) -> None:
        super().clean()
        if self.content_type_id and followable_label(self.content_type) not in FOLLOWABLE:
            raise ValidationError(
                {"content_type": _("Only opportunities and events may be followed.")}
            )


class InboxMessage(models.Model):
    """A notice in a person's in-portal inbox: what the portal also emailed them about a step of
    a workflow (a match proposed to their organisation, a project's report due), with a link to
    the page where they can act. Read messages stay until the person is removed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="inbox_messages",
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("message"), blank=True)
    # A path on this portal ("/matchmaking/matches/12/"), or empty.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        indexes = [
            # The inbox page: a person's messages, newest first.
            models.Index(fields=["recipient", "-created_at"], name="alerts_inbox_recipient_idx"),
            # The unread count in the navigation, on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="alerts_inbox_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
