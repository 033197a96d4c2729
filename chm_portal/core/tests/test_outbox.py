"""The outbox of background work: a task enqueued with ``enqueue_reliably`` runs at least once,
even when the broker is down when it is sent or the task fails the first time."""

import datetime
from unittest import mock

import pytest
from celery import shared_task
from django.utils import timezone

from chm_portal.core import services, tasks
from chm_portal.core.background import enqueue_reliably
from chm_portal.core.models import PendingTask

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


@shared_task(name="tests.outbox.record_call")
def record_call(number: int) -> None:
    if number < 0:
        raise OSError("SMTP server unreachable")
    CALLS.append(number)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def later(minutes: int = 3) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_the_task_runs_after_commit_and_its_row_goes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_reliably(record_call, 7)
        assert PendingTask.objects.count() == 1
        assert CALLS == []

    assert CALLS == [7]
    assert not PendingTask.objects.exists()


def test_a_broker_down_delays_the_task_without_losing_it(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.run_pending_task, "delay", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_reliably(record_call, 8)

    assert CALLS == []
    pending = PendingTask.objects.get()
    assert services.pending_task_ids_due() == []  # too young: the first send may still be coming
    assert services.pending_task_ids_due(now=later()) == [pending.pk]

    assert services.pending_task_run(pending_id=pending.pk) is True
    assert CALLS == [8]
    assert not PendingTask.objects.exists()
    assert services.pending_task_run(pending_id=pending.pk) is False  # ran once only


def test_a_failing_task_stays_for_the_sweep_with_its_error():
    pending = PendingTask.objects.create(task_name=record_call.name, arguments=[-1])

    assert services.pending_task_run(pending_id=pending.pk) is False

    pending.refresh_from_db()
    assert pending.attempts == 1
    assert "SMTP server unreachable" in pending.last_error
    assert services.pending_task_ids_due(now=later()) == [pending.pk]


def test_the_sweep_gives_up_after_the_last_attempt():
    PendingTask.objects.create(
        task_name=record_call.name,
        arguments=[-1],
        attempts=services.PENDING_TASK_MAX_ATTEMPTS,
    )

    assert services.pending_task_ids_due(now=later()) == []


def test_the_sweep_task_sends_what_is_due(settings):
    pending = PendingTask.objects.create(task_name=record_call.name, arguments=[9])
    PendingTask.objects.filter(pk=pending.pk).update(created_at=later(-10))

    assert tasks.send_pending_tasks.delay().get() == 1

    assert CALLS == [9]
    assert not PendingTask.objects.exists()
