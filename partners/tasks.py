"""Celery tasks: thin and idempotent; they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import harvesting, notifications, services


@shared_task
def close_expired_records() -> dict[str, int]:
    """Daily: close offers whose availability ended, opportunities past their deadline and
    events that are over."""
    return {
        "offers": services.offers_expire(),
        "opportunities": services.opportunities_close_after_deadline(),
        "events": services.events_close_after_end(),
    }


@shared_task
def harvest_due_sources() -> list[int]:
    """Hourly: enqueue a harvest of every active source whose interval has elapsed."""
    source_ids = harvesting.due_source_ids()
    for source_id in source_ids:
        harvest_source.delay(source_id)
    return source_ids


@shared_task
def harvest_source(source_id: int) -> int | None:
    """Harvest one source; returns the id of the HarvestRun that reports what changed."""
    run = harvesting.harvest(source_id)
    return run.pk if run else None


# SMTP, connection and time-out errors are all OSErrors: retried with backoff.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def notify_application_decision(application_id: int) -> bool:
    """Email an applicant the decision on their application to an opportunity."""
    return services.application_notify_decision(application_id=application_id)


# --- Organisations: registration, decision and invitation emails ---------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def notify_organisation_registered(organisation_id: int) -> bool:
    """Tell the help desk that an organisation registered and waits for its approval."""
    return notifications.organisation_registered_notify(organisation_id=organisation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def notify_organisation_decided(organisation_id: int) -> bool:
    """Tell the person who registered an organisation of the help desk's decision."""
    return notifications.organisation_decided_notify(organisation_id=organisation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_organisation_invitation(invitation_id: int) -> bool:
    """Email an invitation to join an organisation to the invited address."""
    return notifications.invitation_notify(invitation_id=invitation_id)
