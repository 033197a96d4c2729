from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker answered a heartbeat task.

    Celery beat sends the heartbeat every few minutes; operators (and the CI suite) read it to know
    that background work is actually being consumed, not only queued.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    seen_at = models.DateTimeField(_("last seen"))
    beats = models.PositiveBigIntegerField(_("heartbeats answered"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.hostname


class ReferenceSequence(models.Model):
    """The last number handed out for a kind of reference code in a year (``NEED-2026-00042``).

    Numbers are taken under a row lock, so two requests submitted at once never share a code.
    """

    prefix = models.CharField(_("prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class PendingTask(models.Model):
    """A task that must run at least once, recorded in the same transaction as the change it
    follows up (the outbox of ``chm_portal.core.background.enqueue_reliably``).

    The row is deleted when the task has run; a periodic sweep sends again the rows still here, so
    a broker or worker that was down delays the work without losing it.
    """

    task_name = models.CharField(_("task"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.arguments)!r}"
