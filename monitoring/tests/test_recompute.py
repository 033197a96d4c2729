"""Recomputing the indicators: the service, the Celery tasks, the management command.

The registry is replaced by two small indicators built here (``small_registry``), so that these
tests speak of the machinery, not of the definitions (tested with their own fixtures):

- ``T.1`` counts published evaluations as of the day, by year of publication and by subject;
- ``T.2`` counts country profiles at level 3 or more, by region.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from monitoring import indicators as registry
from monitoring import services, tasks
from monitoring.indicators.base import Computed, CountOf, Indicator, Unit, end_of
from monitoring.models import Evaluation, GapCell, IndicatorValue, RecomputeRun
from monitoring.tests.factories import CountryProfileFactory, EvaluationFactory
from tests.factories import CountryFactory

AS_OF = datetime.date(2026, 6, 30)
S = RecomputeRun.Status


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def published_evaluations(as_of: datetime.date):
    return Evaluation.objects.filter(
        status=Evaluation.Status.PUBLISHED, published_at__lt=end_of(as_of)
    )


EVALUATIONS = Indicator(
    code="T.1",
    activity=9,
    name="Evaluations done",
    description="Published evaluations.",
    computation="Count of published evaluations.",
    unit=Unit.COUNT,
    measure=CountOf(queryset=published_evaluations, date="published_at", extra={"kind": "subject"}),
    additive=frozenset({"year", "kind"}),
)


def _mature_profiles(as_of: datetime.date):
    from monitoring.models import CountryProfile

    return CountryProfile.objects.filter(maturity_level__gte=3)


PROFILES = Indicator(
    code="T.2",
    activity=0,
    name="Mature national CHMs",
    description="Parties at level 3 or more.",
    computation="Count of country profiles at level 3 or more.",
    unit=Unit.COUNT,
    measure=CountOf(queryset=_mature_profiles, country="country"),
    historical=False,
)


@pytest.fixture
def small_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {i.code: i for i in (EVALUATIONS, PROFILES)})
    # The gap analysis has its own tests: one fixed cell here, to see it replaced with the rest.
    monkeypatch.setattr(
        "monitoring.gaps.compute_gap_cells",
        lambda as_of: [GapCell(date=as_of, target="GBF-T1", measure="needs", value=2)],
    )


@pytest.fixture
def records(db):
    """Three evaluations published by the end of June 2026 (two in 2025), one published after,
    one draft; two profiles at level 3 or more (Kenya and Brazil), one at level 1."""
    EvaluationFactory(subject="activity", activity=4, published_at=_at(2025, 3, 1))
    EvaluationFactory(subject="activity", activity=3, published_at=_at(2025, 11, 20))
    EvaluationFactory(
        subject="matchmaking", activity=None, published_at=_at(2026, 6, 30).replace(hour=23)
    )
    EvaluationFactory(subject="portal", activity=None, published_at=_at(2026, 7, 1))
    EvaluationFactory(status=Evaluation.Status.DRAFT, published_at=None)
    CountryProfileFactory(country=CountryFactory(code="KE"), maturity_level=3)
    CountryProfileFactory(country=CountryFactory(code="BR"), maturity_level=5)
    CountryProfileFactory(country=CountryFactory(code="FR"), maturity_level=1)


def stored(date=AS_OF, indicator=None) -> set[tuple]:
    rows = IndicatorValue.objects.filter(date=date)
    if indicator:
        rows = rows.filter(indicator=indicator)
    return set(rows.values_list("indicator", "dimension", "key", "value"))


# What the two indicators are as of 2026-06-30, worked out by hand from ``records``:
EXPECTED = {
    # T.1: 3 evaluations published by the end of the day (the one of 1 July is not yet; the
    # draft never); by year 2025: 2, 2026: 1; by subject activity: 2, matchmaking: 1.
    ("T.1", "", "", 3.0),
    ("T.1", "year", "2025", 2.0),
    ("T.1", "year", "2026", 1.0),
    ("T.1", "kind", "activity", 2.0),
    ("T.1", "kind", "matchmaking", 1.0),
    # T.2: Kenya (level 3, Africa 002) and Brazil (level 5, Americas 019); France is level 1.
    # Groups: neither Kenya nor Brazil is LDC, SIDS, LLDC or EIT, so no group rows.
    ("T.2", "", "", 2.0),
    ("T.2", "region", "002", 1.0),
    ("T.2", "region", "019", 1.0),
    ("T.2", "country", "BR", 1.0),
    ("T.2", "country", "KE", 1.0),
}


# --- The service ----------------------------------------------------------------------------------
def test_recompute_stores_the_values_worked_out_by_hand(small_registry, records):
    run = services.recompute_indicators(AS_OF)

    assert stored() == EXPECTED
    run.refresh_from_db()
    assert run.status == S.SUCCEEDED
    assert run.trigger == RecomputeRun.Trigger.COMMAND
    assert (run.indicators_computed, run.values_written) == (2, len(EXPECTED) + 1)
    assert run.started_at <= run.finished_at
    assert run.error == ""
    assert list(GapCell.objects.values_list("date", "target", "value")) == [(AS_OF, "GBF-T1", 2)]
    assert set(IndicatorValue.objects.values_list("run", flat=True)) == {run.pk}


def test_additive_breakdowns_sum_to_the_total(small_registry, records):
    services.recompute_indicators(AS_OF)

    totals = dict(IndicatorValue.objects.filter(dimension="").values_list("indicator", "value"))
    for dimension in ("year", "kind"):
        values = IndicatorValue.objects.filter(indicator="T.1", dimension=dimension)
        assert sum(values.values_list("value", flat=True)) == totals["T.1"]


def test_recompute_is_idempotent(small_registry, records):
    services.recompute_indicators(AS_OF)
    first = stored()
    count = IndicatorValue.objects.count()

    services.recompute_indicators(AS_OF)

    assert stored() == first == EXPECTED
    assert IndicatorValue.objects.count() == count
    assert GapCell.objects.count() == 1
    assert RecomputeRun.objects.filter(status=S.SUCCEEDED).count() == 2


def test_recompute_replaces_the_days_values_only(small_registry, records):
    # A key that no longer exists on that day, and the day before.
    stale = {"indicator": "T.1", "dimension": "kind", "key": "portal", "value": 9.0}
    IndicatorValue.objects.create(date=AS_OF, **stale)
    IndicatorValue.objects.create(date=AS_OF - datetime.timedelta(days=1), **stale)

    services.recompute_indicators(AS_OF)

    assert stored() == EXPECTED
    assert stored(AS_OF - datetime.timedelta(days=1)) == {("T.1", "kind", "portal", 9.0)}


def test_values_follow_the_day(small_registry, records):
    # On 31 December 2025 only the two evaluations of 2025 were published.
    services.recompute_indicators(datetime.date(2025, 12, 31))

    assert stored(datetime.date(2025, 12, 31), "T.1") == {
        ("T.1", "", "", 2.0),
        ("T.1", "year", "2025", 2.0),
        ("T.1", "kind", "activity", 2.0),
    }


def test_a_failure_is_recorded_and_keeps_the_previous_values(monkeypatch, small_registry, records):
    services.recompute_indicators(AS_OF)

    def broken(as_of):
        raise RuntimeError("the selector broke")

    failing = Indicator(
        code="T.9",
        activity=0,
        name="Broken",
        description="",
        computation="",
        unit=Unit.COUNT,
        measure=Computed(broken),
    )
    monkeypatch.setattr(registry, "_REGISTRY", {**registry._REGISTRY, "T.9": failing})

    with pytest.raises(RuntimeError):
        services.recompute_indicators(AS_OF)

    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.status == S.FAILED
    assert "the selector broke" in run.error
    assert run.finished_at is not None
    assert stored() == EXPECTED
    assert GapCell.objects.count() == 1


def test_a_subset_of_codes_leaves_the_others_and_the_gaps(small_registry, records):
    IndicatorValue.objects.create(indicator="T.2", date=AS_OF, value=99.0)
    GapCell.objects.create(date=AS_OF, target="GBF-T2", measure="offers", value=5)

    run = services.recompute_indicators(AS_OF, codes=["T.1"])

    assert stored(indicator="T.1") == {row for row in EXPECTED if row[0] == "T.1"}
    assert stored(indicator="T.2") == {("T.2", "", "", 99.0)}
    assert list(GapCell.objects.values_list("target", flat=True)) == ["GBF-T2"]
    assert run.indicators_computed == 1


def test_an_unknown_code_is_refused(small_registry, db):
    with pytest.raises(services.MonitoringError):
        services.recompute_indicators(AS_OF, codes=["9.99"])
    assert not IndicatorValue.objects.exists()


def test_backfill_history_computes_each_day(small_registry, records):
    runs = services.backfill_history([datetime.date(2025, 12, 31), AS_OF])

    assert [run.trigger for run in runs] == [RecomputeRun.Trigger.DEMO] * 2
    totals = IndicatorValue.objects.filter(indicator="T.1", dimension="").order_by("date")
    assert list(totals.values_list("date", "value")) == [
        (datetime.date(2025, 12, 31), 2.0),
        (AS_OF, 3.0),
    ]


# --- The tasks ------------------------------------------------------------------------------------
def test_run_recompute_computes_a_pending_run(small_registry, records):
    run = RecomputeRun.objects.create(as_of=AS_OF, trigger=RecomputeRun.Trigger.ADMIN)

    tasks.run_recompute(run.pk)

    run.refresh_from_db()
    assert run.status == S.SUCCEEDED
    assert stored() == EXPECTED


def test_run_recompute_skips_a_run_already_done(small_registry, records):
    run = RecomputeRun.objects.create(
        as_of=AS_OF, trigger=RecomputeRun.Trigger.ADMIN, status=S.SUCCEEDED
    )

    tasks.run_recompute(run.pk)  # a redelivery
    tasks.run_recompute(run.pk + 1000)  # a run deleted since

    assert not IndicatorValue.objects.exists()


def test_run_recompute_leaves_a_run_another_worker_is_computing(small_registry, records):
    run = RecomputeRun.objects.create(
        as_of=AS_OF,
        trigger=RecomputeRun.Trigger.ADMIN,
        status=S.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    tasks.run_recompute(run.pk)

    assert not IndicatorValue.objects.exists()


def test_pending_runs_older_than_two_minutes_are_picked_up(small_registry, records):
    now = timezone.now()
    old = RecomputeRun.objects.create(
        as_of=AS_OF, trigger="admin", requested_at=now - datetime.timedelta(minutes=3)
    )
    recent = RecomputeRun.objects.create(
        as_of=AS_OF, trigger="admin", requested_at=now - datetime.timedelta(seconds=30)
    )
    failed = RecomputeRun.objects.create(
        as_of=AS_OF,
        trigger="admin",
        status=S.FAILED,
        requested_at=now - datetime.timedelta(hours=1),
    )

    tasks.run_pending_recomputes()

    statuses = dict(RecomputeRun.objects.values_list("pk", "status"))
    assert statuses == {old.pk: S.SUCCEEDED, recent.pk: S.PENDING, failed.pk: S.FAILED}
    assert stored() == EXPECTED


def test_request_recompute_runs_after_commit(
    small_registry, records, helpdesk_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_recompute(user=helpdesk_user, as_of=AS_OF)
        # Nothing is sent before the commit.
        assert not IndicatorValue.objects.exists()

    run.refresh_from_db()
    assert (run.status, run.trigger, run.requested_by) == (S.SUCCEEDED, "admin", helpdesk_user)
    assert stored() == EXPECTED


def test_request_recompute_with_the_broker_down_keeps_the_run(
    monkeypatch, small_registry, records, helpdesk_user, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis://broker:6379 refused the connection")

    monkeypatch.setattr(tasks.run_recompute, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_recompute(user=helpdesk_user, as_of=AS_OF)  # does not raise

    run.refresh_from_db()
    assert run.status == S.PENDING
    assert not IndicatorValue.objects.exists()

    # The periodic sweep takes it once it has waited two minutes.
    RecomputeRun.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    tasks.run_pending_recomputes()
    run.refresh_from_db()
    assert run.status == S.SUCCEEDED
    assert stored() == EXPECTED


# --- The management command -----------------------------------------------------------------------
def test_command_recomputes_and_prints_the_summary(small_registry, records):
    out = io.StringIO()

    call_command("recompute_indicators", "--as-of", "2026-06-30", stdout=out)

    run = RecomputeRun.objects.get()
    assert run.trigger == RecomputeRun.Trigger.COMMAND
    assert f"Run {run.pk}: 2 indicators as of 2026-06-30, {len(EXPECTED) + 1} values" in (
        out.getvalue()
    )
    assert stored() == EXPECTED


def test_command_computes_the_codes_given(small_registry, records):
    out = io.StringIO()

    call_command("recompute_indicators", "--as-of", "2026-06-30", "--code", "T.2", stdout=out)

    assert {row[0] for row in stored()} == {"T.2"}
    assert "1 indicators as of 2026-06-30" in out.getvalue()


def test_command_defaults_to_today(small_registry, records):
    call_command("recompute_indicators", "--code", "T.1", "--code", "T.2", stdout=io.StringIO())

    assert RecomputeRun.objects.get().as_of == timezone.localdate()
    assert IndicatorValue.objects.filter(date=timezone.localdate(), dimension="").count() == 2


@pytest.mark.parametrize("day", ["2026-02-30", "30/06/2026", "yesterday"])
def test_command_refuses_a_bad_date(small_registry, db, day):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_indicators", "--as-of", day, stdout=io.StringIO())
    assert not RecomputeRun.objects.exists()


def test_command_refuses_an_unknown_code_without_recording_a_run(small_registry, db):
    with pytest.raises(CommandError, match=r"9\.99"):
        call_command("recompute_indicators", "--code", "9.99", stdout=io.StringIO())
    assert not RecomputeRun.objects.exists()


def test_command_reports_a_failure(monkeypatch, small_registry, records):
    def broken(as_of):
        raise RuntimeError("the selector broke")

    monkeypatch.setattr(
        registry,
        "_REGISTRY",
        {
            "T.9": Indicator(
                code="T.9",
                activity=0,
                name="Broken",
                description="",
                computation="",
                unit=Unit.COUNT,
                measure=Computed(broken),
            )
        },
    )

    with pytest.raises(CommandError, match="the selector broke"):
        call_command("recompute_indicators", "--as-of", "2026-06-30", stdout=io.StringIO())
    assert RecomputeRun.objects.get().status == S.FAILED
