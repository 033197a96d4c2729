"""Writes of the monitoring app: recomputing indicators, country profiles, evaluations."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.background import enqueue_after_commit

from .indicators import all_indicators, get_indicator
from .indicators.base import Indicator
from .models import CountryProfile, Evaluation, GapCell, IndicatorValue, RecomputeRun

logger = logging.getLogger(__name__)


class MonitoringError(Exception):
    """A monitoring write that cannot be done; the message is translated for the user."""


def request_recompute(*, user=None, as_of: datetime.date | None = None) -> RecomputeRun:
    """Ask a worker to recompute every indicator for ``as_of`` (today by default).

    The run is recorded first, so that a broker that is down loses nothing: the daily schedule
    and ``run_pending_recomputes`` pick pending runs up again.
    """
    from .tasks import run_recompute

    run = RecomputeRun.objects.create(
        as_of=as_of or timezone.localdate(),
        trigger=RecomputeRun.Trigger.ADMIN if user else RecomputeRun.Trigger.SCHEDULE,
        requested_by=user,
    )
    enqueue_after_commit(run_recompute, run.pk)
    return run


def recompute_indicators(
    as_of: datetime.date | None = None,
    *,
    codes: Iterable[str] | None = None,
    run: RecomputeRun | None = None,
    trigger: str = RecomputeRun.Trigger.COMMAND,
    with_gaps: bool = True,
) -> RecomputeRun:
    """Compute ``codes`` (every indicator by default) as of ``as_of`` and store the values.

    Idempotent: the day's values of those indicators are replaced in one transaction, so a run
    repeated (or redelivered to another worker) leaves the same rows. A failure is recorded on
    the run and re-raised, and leaves the previous values in place.
    """
    as_of = as_of or timezone.localdate()
    indicators = _selected(codes)  # refuse an unknown code before a run is recorded
    if run is None:
        run = RecomputeRun.objects.create(as_of=as_of, trigger=trigger)
    run.status = RecomputeRun.Status.RUNNING
    run.started_at = timezone.now()
    run.as_of = as_of
    run.save(update_fields=["status", "started_at", "as_of"])
    try:
        rows, cells = _compute(indicators, as_of, run, with_gaps=with_gaps and codes is None)
        with transaction.atomic():
            IndicatorValue.objects.filter(
                date=as_of, indicator__in=[i.code for i in indicators]
            ).delete()
            IndicatorValue.objects.bulk_create(rows, batch_size=2000)
            if with_gaps and codes is None:
                GapCell.objects.filter(date=as_of).delete()
                GapCell.objects.bulk_create(cells, batch_size=2000)
            run.status = RecomputeRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.indicators_computed = len(indicators)
            run.values_written = len(rows) + len(cells)
            run.error = ""
            run.save()
    except Exception as error:
        logger.exception("Recompute of the indicators as of %s failed", as_of)
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=repr(error)
        )
        raise
    return run


def _selected(codes: Iterable[str] | None) -> list[Indicator]:
    if codes is None:
        return all_indicators()
    selected = []
    for code in codes:
        indicator = get_indicator(code)
        if indicator is None:
            raise MonitoringError(f"No indicator has the code {code!r}")
        selected.append(indicator)
    return selected


def _compute(
    indicators: list[Indicator], as_of: datetime.date, run: RecomputeRun, *, with_gaps: bool
) -> tuple[list[IndicatorValue], list[GapCell]]:
    """Every indicator's values and the gap analysis's cells, unsaved.

    Outside a transaction (the daily task, the admin's request, the command), the indicators are
    computed by ``MONITORING_RECOMPUTE_WORKERS`` threads, each with its own database connection:
    the work is the database's, so they overlap. Inside one (a test, a caller's transaction),
    other connections would not see its rows, so they are computed one after another here.
    """
    from .gaps import compute_gap_cells

    parts: list = list(indicators) + (["gaps"] if with_gaps else [])

    def compute(part) -> list:
        if part == "gaps":
            return compute_gap_cells(as_of)
        return _values_of(part, as_of, run)

    workers = settings.MONITORING_RECOMPUTE_WORKERS
    if workers <= 1 or connection.in_atomic_block:
        results = [compute(part) for part in parts]
    else:

        def in_thread(part) -> list:
            try:
                return compute(part)
            finally:
                connections.close_all()  # this thread's connections, not the caller's

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(in_thread, parts))
    cells = results.pop() if with_gaps else []
    return [row for values in results for row in values], cells


def _values_of(indicator: Indicator, as_of: datetime.date, run: RecomputeRun) -> list:
    result = indicator.compute(as_of)
    rows = [IndicatorValue(indicator=indicator.code, date=as_of, value=result.total, run=run)]
    for dimension, pairs in result.breakdowns.items():
        rows.extend(
            IndicatorValue(
                indicator=indicator.code,
                date=as_of,
                dimension=dimension,
                key=key[:40],
                value=value,
                run=run,
            )
            for key, value in pairs
        )
    return rows


def backfill_history(
    days: Iterable[datetime.date], *, trigger: str = RecomputeRun.Trigger.DEMO
) -> list[RecomputeRun]:
    """Recompute every indicator as of each of ``days`` (the demo's monthly history)."""
    return [recompute_indicators(day, trigger=trigger) for day in days]


# --- Country profiles and evaluations -----------------------------------------------------------
#: What a focal point may change of their country's profile.
COUNTRY_PROFILE_FIELDS = ("maturity_level", "national_chm_url", "support_requested", "notes")


@transaction.atomic
def update_country_profile(*, user, country, **fields) -> CountryProfile:
    """Change the profile of ``country`` (a Party): the fields of :data:`COUNTRY_PROFILE_FIELDS`
    given. The profile is created on its first change (a Party without one is at level 0).

    Checks first: only Parties have a profile; only the country's focal points, the help desk and
    site administrators may change it (``monitoring.edit_country_profile``, ``PermissionDenied``);
    unknown fields, a level outside 0-5, a bad URL or markup in the text are refused with
    translated messages (``ValidationError``), and then nothing is saved. The profile row is
    locked while it changes, so two focal points saving at once do not mix their changes.
    """
    if not country.is_cbd_party:
        raise ValidationError(_("Only Parties to the Convention have a country profile."))
    if not user.is_authenticated or not user.has_perm("monitoring.edit_country_profile", country):
        raise PermissionDenied(
            _(
                "Only the focal points of %(country)s, the help desk and site administrators "
                "may change its profile."
            )
            % {"country": country.name}
        )
    unknown = sorted(set(fields) - set(COUNTRY_PROFILE_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown"
        )
    profile, _created = CountryProfile.objects.select_for_update().get_or_create(country=country)
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None and name != "maturity_level":
            value = ""
        setattr(profile, name, value)
    profile.full_clean(exclude=["country", "updated_by"], validate_unique=False)
    profile.updated_at = timezone.now()
    profile.updated_by = user
    profile.save()
    return profile


def _check_manages_evaluations(user) -> None:
    if not user.is_authenticated or not user.has_perm("monitoring.manage_evaluations"):
        raise PermissionDenied(
            _("Only the help desk and site administrators may publish evaluations.")
        )


@transaction.atomic
def publish_evaluation(*, user, evaluation: Evaluation) -> Evaluation:
    """Make a draft evaluation public (it then counts in indicator 9.1 "evaluations done").

    Help desk and site administrators only (``PermissionDenied``); the row is locked and must be
    a complete draft (``ValidationError`` otherwise).
    """
    _check_manages_evaluations(user)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status == Evaluation.Status.PUBLISHED:
        raise ValidationError(_("This evaluation is already published."), code="published")
    locked.full_clean(exclude=["created_by"])
    locked.status = Evaluation.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    evaluation.status, evaluation.published_at = locked.status, locked.published_at
    return evaluation


@transaction.atomic
def unpublish_evaluation(*, user, evaluation: Evaluation) -> Evaluation:
    """Take a published evaluation back to draft (off the public pages and out of 9.1)."""
    _check_manages_evaluations(user)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status != Evaluation.Status.PUBLISHED:
        raise ValidationError(_("This evaluation is not published."), code="draft")
    locked.status = Evaluation.Status.DRAFT
    locked.published_at = None
    locked.save(update_fields=["status", "published_at"])
    evaluation.status, evaluation.published_at = locked.status, locked.published_at
    return evaluation
