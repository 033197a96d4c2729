"""The demo pilot projects: every status, reports late and stale, evaluations by both sides, a
published story, a matchmaking roundtable; nothing sent, and seeding again changes nothing.

Every app's demo data is seeded as ``seed_demo`` does (matchmaking's ``demo.py`` computes the
suggestions, makes the demo matches, then calls ``demo_projects.seed``). One test: it takes a
few seconds.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction

from chm_portal.alerts.models import InboxMessage
from matchmaking import demo_projects
from matchmaking.models import Match, MatchingWorkshop, Project, ProjectEvent, SuccessStory
from matchmaking.selectors.projects import ReportFlag, project_report_flag

pytestmark = pytest.mark.django_db
S = Project.Status


def _seed(log, *, matchmaking: bool) -> None:
    """Seed the other apps' demo data, or matchmaking's, as ``seed_demo`` does."""
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.demo"
        if (app_config.label == "matchmaking") is matchmaking and find_spec(name) is not None:
            with transaction.atomic():
                import_module(name).seed(log=log)


def test_demo_projects_cover_every_status_and_are_idempotent(django_capture_on_commit_callbacks):
    lines: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        _seed(lines.append, matchmaking=False)
    mail.outbox.clear()
    InboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _seed(lines.append, matchmaking=True)

    demo = Project.objects.filter(match__need__source="demo")
    assert set(demo.values_list("status", flat=True)) == set(S.values)
    assert any(line.startswith("projects: 7 demo pilot projects (7 new)") for line in lines), lines
    # Seeding made up history: nothing was sent.
    assert mail.outbox == []
    assert not InboxMessage.objects.exists()
    assert not ProjectEvent.objects.filter(notified_at__isnull=True).exists()

    flags = {project_report_flag(project) for project in demo if project.status == S.IMPLEMENTATION}
    assert flags == {ReportFlag.ON_TIME, ReportFlag.LATE, ReportFlag.STALE}
    evaluated = demo.get(status=S.EVALUATED)
    assert set(evaluated.evaluations.values_list("side", flat=True)) == {"requester", "provider"}
    assert evaluated.story.status == SuccessStory.Status.PUBLISHED
    assert evaluated.reports.count() == 4
    assert Match.objects.get(project=evaluated).status == Match.Status.COMPLETED
    assert evaluated.match.need.status == "fulfilled"
    # Every project went through the services: its history ends in its status.
    for project in demo:
        events = list(project.events.order_by("created_at", "pk"))
        assert events[0].action == ProjectEvent.Action.LAUNCHED
        assert project.match.status in (Match.Status.AGREED, Match.Status.COMPLETED)
    workshop = MatchingWorkshop.objects.get()
    assert workshop.event.event_type.code == "matchmaking_roundtable"
    assert workshop.matches.count() >= 2
    assert workshop.needs.count() == workshop.matches.count()

    counts = (demo.count(), ProjectEvent.objects.count(), Match.objects.count())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        demo_projects.seed(log=lines.append)
    assert (demo.count(), ProjectEvent.objects.count(), Match.objects.count()) == counts
    assert lines[-1].startswith("projects: 7 demo pilot projects (0 new)")
