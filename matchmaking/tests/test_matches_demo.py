"""The demo matches: every status of the workflow, with history, and nothing sent; seeding again
changes nothing.

The other apps' demo data is seeded first, as ``seed_demo`` does, and the demo requests'
suggestions computed, as ``matchmaking/demo.py`` does before calling ``demo_matches.seed``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction

from chm_portal.alerts.models import InboxMessage
from matchmaking import demo_matches
from matchmaking.models import Match, MatchEvent
from matchmaking.selectors.suggestions import forget_cached_indexes, needs_to_suggest_for
from matchmaking.services.suggestions import suggestions_refresh_needs

pytestmark = pytest.mark.django_db


def _seed_matches(log) -> None:
    with transaction.atomic():
        forget_cached_indexes()
        suggestions_refresh_needs(
            need_ids=list(needs_to_suggest_for().values_list("pk", flat=True))
        )
        demo_matches.seed(log=log)


def test_demo_matches_cover_every_status_and_are_idempotent(django_capture_on_commit_callbacks):
    lines: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        for app_config in apps.get_app_configs():
            name = f"{app_config.name}.demo"
            if app_config.label != "matchmaking" and find_spec(name) is not None:
                with transaction.atomic():
                    import_module(name).seed(log=lines.append)
    mail.outbox.clear()
    InboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _seed_matches(lines.append)

    demo = Match.objects.filter(need__source="demo")
    assert set(demo.values_list("status", flat=True)) == set(Match.Status.values)
    assert any(line.startswith("matches: 8 demo matches (8 new)") for line in lines), lines

    # Every step went through the services: each match has its history, ending in its status.
    for match in demo:
        events = list(match.events.order_by("created_at", "pk"))
        assert events, match
        assert events[-1].to_status == match.status
        assert all(event.notified_at is not None for event in events)
    for agreed in demo.filter(status=Match.Status.AGREED):
        assert agreed.need.status == "matched"
        assert agreed.provider_contact_name and agreed.agreed_at
    assert demo.get(status=Match.Status.DECLINED).decline_reason
    assert demo.get(status=Match.Status.INTEREST).proposed_at is None
    assert demo.exclude(score=None).exists()  # from the stored suggestions
    # Made-up history sends nothing.
    assert InboxMessage.objects.count() == 0
    assert mail.outbox == []

    counts = (demo.count(), MatchEvent.objects.count())
    _seed_matches(lines.append)
    assert (demo.count(), MatchEvent.objects.count()) == counts
