"""A task sent through the real broker is consumed by a real worker process (CI, step 4)."""

import os
import time

import pytest
from django.conf import settings

from chm_portal.celery import app
from chm_portal.core.models import WorkerHeartbeat
from chm_portal.core.tasks import worker_heartbeat

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]


@pytest.fixture
def broker_mode():
    """Send tasks to the broker instead of running them in the test process."""
    if not settings.REDIS_URL:
        if os.environ.get("REQUIRE_CELERY_WORKER"):
            pytest.fail("REQUIRE_CELERY_WORKER is set but REDIS_URL is not")
        pytest.skip("no REDIS_URL: the worker test runs in CI against Redis and a worker process")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_in_a_worker_process(broker_mode):
    result = worker_heartbeat.delay()
    hostname = result.get(timeout=60)
    assert hostname.startswith("ci-worker@") or "@" in hostname
    assert hostname != "eager"
    # The worker wrote to the same database the test reads.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(hostname=hostname).exists():
            break
        time.sleep(0.2)
    heartbeat = WorkerHeartbeat.objects.get(hostname=hostname)
    assert heartbeat.beats >= 1


@pytest.mark.django_db
def test_heartbeat_runs_eagerly_without_a_broker(settings):
    if settings.REDIS_URL and not app.conf.task_always_eager:
        pytest.skip("tasks are not eager in this run")
    assert worker_heartbeat.delay().get() == "eager"
    assert WorkerHeartbeat.objects.get(hostname="eager").beats == 1


@pytest.mark.django_db(transaction=True)
def test_suggestions_are_computed_by_a_worker_process(broker_mode, tmp_path):
    """The nightly chunks of the matching engine run in the worker and store suggestions."""
    import json

    from django.core.management import call_command

    from chm_portal.vocabularies.loaders import load_reference_data
    from chm_portal.vocabularies.models import Country
    from matchmaking.models import Suggestion
    from matchmaking.tasks import refresh_suggestions_chunk
    from matchmaking.tests.test_suggestions import SMALL_SET
    from needs.models import Need

    # Real transactions: Django empties every table after each such test, reference data too.
    if not Country.objects.exists():
        load_reference_data()
    path = tmp_path / "records.json"
    path.write_text(json.dumps(SMALL_SET), encoding="utf-8")
    call_command("import_records", str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
    need = Need.objects.get(external_id="N-1")
    Suggestion.objects.filter(need=need).delete()

    stored = refresh_suggestions_chunk.delay([need.pk]).get(timeout=60)

    assert stored == 1
    assert list(need.suggestions.values_list("offer__external_id", flat=True)) == ["O-1"]
