"""Writes of the monitoring app: recomputing indicators, country profiles, national CHM nodes
(their institutions and news), evaluations."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.core.background import enqueue_after_commit

from .indicators import all_indicators, get_indicator
from .indicators.base import Indicator
from .models import (
    CountryProfile,
    Evaluation,
    GapCell,
    IndicatorValue,
    NationalNode,
    NodeInstitution,
    NodeNewsItem,
    RecomputeRun,
)

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


# --- National CHM nodes ---------------------------------------------------------------------------
def _localized(field: str, language: str) -> str:
    """``title`` in ``zh-hans`` -> ``title_zh_hans``."""
    return build_localized_fieldname(field, language.replace("-", "_"))


def _with_translations(*fields: str) -> tuple[str, ...]:
    """``fields`` and their column in every content language (``introduction_fr``...)."""
    return (
        *fields,
        *(
            _localized(field, code)
            for field in fields
            for code, _name in settings.CONTENT_LANGUAGES
        ),
    )


#: What the editors of a node may change of the node itself. A translated field given by its
#: plain name (``introduction``) is written in the active language, as modeltranslation does.
NODE_FIELDS = (*_with_translations("introduction"), "support_types", "is_published")
#: ... and of the country's profile, through the node's form and API (one truth: the profile).
NODE_PROFILE_FIELDS = ("maturity_level", "national_chm_url", "support_requested")
#: What a node's institution is made of (``id`` names one to keep; see :func:`node_update`).
INSTITUTION_FIELDS = (*_with_translations("name", "role"), "website")
#: What a piece of national news is made of.
NEWS_FIELDS = (*_with_translations("title", "body"), "link", "published_at")


def _check_edits_node(user, country) -> None:
    """Only the country's active focal points (any kind), the help desk and site
    administrators keep its node (``monitoring.edit_national_node``)."""
    if not user.is_authenticated or not user.has_perm("monitoring.edit_national_node", country):
        raise PermissionDenied(
            _(
                "Only the focal points of %(country)s, the help desk and site administrators "
                "may change its national node."
            )
            % {"country": country.name}
        )


def _refuse_unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown"
        )


def _assign(record, fields: Mapping[str, Any]) -> None:
    """Text is trimmed and None is empty, as the forms and the API send them."""
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        elif value is None and name != "published_at":
            value = ""
        setattr(record, name, value)


def _locked_node(country) -> NationalNode:
    """The country's node, created empty (unpublished) on its first change, its row locked
    until the transaction ends so that two editors do not mix their changes."""
    if not country.is_cbd_party:
        raise ValidationError(_("Only Parties to the Convention have a national node."))
    node, _created = NationalNode.objects.select_for_update().get_or_create(country=country)
    return node


def _has_introduction(node: NationalNode) -> bool:
    return any(
        (getattr(node, _localized("introduction", code)) or "").strip()
        for code, _name in settings.CONTENT_LANGUAGES
    )


def _institution_rows(
    node: NationalNode, rows: Sequence[Mapping[str, Any]]
) -> tuple[list[NodeInstitution], dict[str, list]]:
    """The institutions ``rows`` describe, in their order, checked but unsaved; errors by
    ``institutions`` (one message per row at fault, numbered from 1)."""
    existing = {institution.pk: institution for institution in node.institutions.all()}
    institutions, errors = [], []
    for number, row in enumerate(rows, start=1):
        row = dict(row)
        pk = row.pop("id", None)
        try:
            _refuse_unknown(row, INSTITUTION_FIELDS)
            if pk is not None and pk not in existing:
                raise ValidationError(
                    _("This institution is not one of the node's."), code="not_found"
                )
            institution = existing.get(pk) or NodeInstitution(node=node)
            _assign(institution, row)
            institution.position = number
            institution.full_clean(exclude=["node"])
        except ValidationError as error:
            for message in error.messages:
                errors.append(
                    _("Institution %(number)d: %(message)s")
                    % {"number": number, "message": message}
                )
            continue
        institutions.append(institution)
    return institutions, ({"institutions": errors} if errors else {})


@transaction.atomic
def node_update(
    *,
    node: NationalNode,
    by,
    institutions: Sequence[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> NationalNode:
    """Change the national node of ``node.country`` (a Party): the fields of
    :data:`NODE_FIELDS` and :data:`NODE_PROFILE_FIELDS` given, and, when ``institutions`` is
    given, its institutions, replaced by that list in that order (a row with the ``id`` of one
    of the node's institutions changes it; those left out are deleted).

    ``node`` may be unsaved (``NationalNode(country=...)``): the node is created on its first
    change. Checks first: the editor (``PermissionDenied``), then every value, the node's and
    the institutions' (``ValidationError`` with the fields at fault, and then nothing is
    saved). A node is published only with an introduction, so that no empty page is shown. The
    node row (and the profile's, through :func:`update_country_profile`) is locked while it
    changes.
    """
    country = node.country
    _check_edits_node(by, country)
    _refuse_unknown(fields, (*NODE_FIELDS, *NODE_PROFILE_FIELDS))
    profile_fields = {name: fields.pop(name) for name in NODE_PROFILE_FIELDS if name in fields}
    support_types = fields.pop("support_types", None)
    locked = _locked_node(country)
    _assign(locked, fields)
    errors: dict[str, list] = {}
    try:
        locked.full_clean(exclude=["country", "updated_by", "support_types"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if locked.is_published and not _has_introduction(locked):
        errors.setdefault("is_published", []).append(
            _("Write an introduction before publishing the node: an empty page is not shown.")
        )
    rows: list[NodeInstitution] = []
    if institutions is not None:
        rows, institution_errors = _institution_rows(locked, institutions)
        errors.update(institution_errors)
    if errors:
        raise ValidationError(errors)
    if profile_fields:
        # The level, website and support asked for are the profile's (it checks them too).
        update_country_profile(user=by, country=country, **profile_fields)
    locked.updated_at = timezone.now()
    locked.updated_by = by
    locked.save()
    if support_types is not None:
        locked.support_types.set(support_types)
    if institutions is not None:
        kept = [institution.pk for institution in rows if institution.pk]
        locked.institutions.exclude(pk__in=kept).delete()
        for institution in rows:
            institution.save()
    return locked


@transaction.atomic
def node_news_add(*, node: NationalNode, by, **fields: Any) -> NodeNewsItem:
    """Publish a piece of national news (fields of :data:`NEWS_FIELDS`: ``title`` and
    ``body`` in the active language, or by language, ``title_fr``...) on the node of
    ``node.country``, created if need be. ``published_at`` defaults to now; a later date holds
    the news back until then. Same editors and checks as :func:`node_update`."""
    _check_edits_node(by, node.country)
    _refuse_unknown(fields, NEWS_FIELDS)
    locked = _locked_node(node.country)
    item = NodeNewsItem(node=locked, created_by=by)
    published_at = fields.pop("published_at", None)
    _assign(item, fields)
    item.published_at = published_at or timezone.now()
    item.full_clean(exclude=["node", "created_by"])
    item.save()
    return item


def _locked_news_item(item: NodeNewsItem, by) -> NodeNewsItem:
    locked = (
        NodeNewsItem.objects.select_for_update().select_related("node__country").get(pk=item.pk)
    )
    _check_edits_node(by, locked.node.country)
    return locked


@transaction.atomic
def node_news_update(*, item: NodeNewsItem, by, **fields: Any) -> NodeNewsItem:
    """Change a piece of national news (fields of :data:`NEWS_FIELDS`); the editors of its
    node only. Refused values change nothing."""
    locked = _locked_news_item(item, by)
    _refuse_unknown(fields, NEWS_FIELDS)
    if "published_at" in fields and fields["published_at"] is None:
        fields["published_at"] = locked.published_at
    _assign(locked, fields)
    locked.full_clean(exclude=["node", "created_by"])
    locked.save()
    return locked


@transaction.atomic
def node_news_delete(*, item: NodeNewsItem, by) -> None:
    """Delete a piece of national news; the editors of its node only."""
    _locked_news_item(item, by).delete()


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
