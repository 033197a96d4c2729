"""The monitoring demo data (``seed_demo``): country profiles at every maturity level, evaluations
in three languages, and a history of every indicator; seeding again changes nothing.

The other apps' demo data is seeded first, as ``seed_demo`` does: the indicators are computed
from it. One test, because the history (25 recomputes, twice) takes a while.
"""

from __future__ import annotations

import datetime
from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from monitoring import demo
from monitoring.indicators import all_indicators
from monitoring.models import (
    CountryProfile,
    Evaluation,
    GapCell,
    IndicatorValue,
    MaturityLevel,
    NationalNode,
    NodeNewsItem,
    RecomputeRun,
)

pytestmark = pytest.mark.django_db


def _seed_other_apps(log) -> None:
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.demo"
        if app_config.label != "monitoring" and find_spec(name) is not None:
            with transaction.atomic():
                import_module(name).seed(log=log)


def _seed_monitoring(log) -> None:
    with transaction.atomic():
        demo.seed(log=log)


def _state() -> dict:
    return {
        "profiles": set(
            CountryProfile.objects.values_list(
                "country_id", "maturity_level", "national_chm_url", "support_requested"
            )
        ),
        "nodes": set(NationalNode.objects.values_list("country_id", "is_published", "updated_at")),
        "news": set(NodeNewsItem.objects.values_list("node_id", "title", "published_at")),
        "evaluations": set(Evaluation.objects.values_list("title", "evaluated_on", "status")),
        "runs": RecomputeRun.objects.count(),
        "values": set(
            IndicatorValue.objects.values_list("indicator", "date", "dimension", "key", "value")
        ),
        "cells": GapCell.objects.count(),
    }


def test_history_days_are_the_month_ends_then_today():
    days = demo.history_days(datetime.date(2026, 3, 15), 3)

    assert days == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 15),
    ]


def test_the_demo_gives_every_indicator_a_history_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    lines: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        _seed_other_apps(lines.append)
    _seed_monitoring(lines.append)
    first = _state()
    _seed_monitoring(lines.append)

    assert _state() == first
    assert any(line.startswith("monitoring: 80 country profiles, 8 evaluations") for line in lines)

    # --- Country profiles: 80 Parties, every level, a website from level 3.
    profiles = CountryProfile.objects.select_related("country")
    assert profiles.count() == demo.PROFILES
    assert all(profile.country.is_cbd_party for profile in profiles)
    assert set(profiles.values_list("maturity_level", flat=True)) == set(MaturityLevel.values)
    assert not profiles.filter(maturity_level__lt=3).exclude(national_chm_url="").exists()
    assert not profiles.filter(maturity_level__gte=3, national_chm_url="").exists()
    assert profiles.exclude(support_requested="").count() >= 40
    assert profiles.get(country__code="KE").updated_by.email.startswith("focal.kenya")
    for profile in profiles:
        profile.full_clean()  # URLs and texts as the forms would accept them

    # --- National nodes: 30 Parties with a profile, at every level, Kenya's kept by Amani.
    nodes = NationalNode.objects.select_related("country__monitoring_profile")
    assert nodes.count() == demo.NODES
    assert {n.country.monitoring_profile.maturity_level for n in nodes} == set(MaturityLevel.values)
    assert nodes.filter(is_published=False).count() == demo.UNPUBLISHED_NODES
    assert nodes.get(country__code="KE").is_published
    assert nodes.get(country__code="KE").updated_by.email.startswith("focal.kenya")
    for node in nodes:
        node.full_clean()
        for record in (*node.institutions.all(), *node.news.all()):
            record.full_clean()

    # --- Evaluations: activities 3, 4, 5, 8 and the matchmaking; three languages; one draft.
    evaluations = Evaluation.objects.all()
    assert evaluations.count() == 8
    assert set(evaluations.exclude(activity=None).values_list("activity", flat=True)) == {
        3,
        4,
        5,
        8,
    }
    assert evaluations.filter(subject=Evaluation.Subject.MATCHMAKING).count() == 2
    assert set(evaluations.values_list("language", flat=True)) == {"en", "fr", "es"}
    assert list(evaluations.filter(status="draft").values_list("published_at", flat=True)) == [None]
    assert not evaluations.filter(status="published", published_at=None).exists()
    for evaluation in evaluations:
        evaluation.full_clean()

    # --- The history: 24 month-ends and today, every run succeeded, as the demo's.
    today = timezone.localdate()
    days = demo.history_days(today, demo.HISTORY_MONTHS)
    runs = RecomputeRun.objects.all()
    assert runs.count() == len(days) == 25
    assert set(runs.values_list("status", "trigger")) == {("succeeded", "demo")}
    assert sorted(runs.values_list("as_of", flat=True)) == days
    assert GapCell.objects.filter(date=today).exists()

    flat = []
    for indicator in all_indicators():
        totals = list(
            IndicatorValue.objects.filter(indicator=indicator.code, dimension="")
            .order_by("date")
            .values_list("date", "value")
        )
        assert [day for day, _value in totals] == days, indicator.code
        if indicator.historical:
            # The series moves. (Shares and medians of published requests have no value before
            # the first request was published, nine months ago in the needs' demo data.)
            known = [value for _day, value in totals if value is not None]
            if len(totals) < 12 or len(set(known)) < 2:
                flat.append((indicator.code, known))
    assert flat == [], "\n".join(map(str, flat))
