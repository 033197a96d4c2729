"""A worker killed in the middle of a task, and a task that keeps failing.

Tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``): a worker killed with ``SIGKILL`` never
acknowledges its task, and Redis hands it to another worker once the visibility timeout has passed.
Outbox tasks commit their work and the removal of their outbox row together, so the half-done
first run leaves nothing and the second run does the work once.

These tests start worker processes of their own (``tests/faults/fault_worker.py``) on Redis
database :data:`FAULTS_REDIS_DB` and a queue of their own, so the CI worker (``.ci/run``, step 3)
never sees their tasks; they need ``REDIS_URL`` and PostgreSQL (the workers write to the test
database), and are skipped without them unless ``REQUIRE_CELERY_WORKER`` is set.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from chm_portal.celery import app
from chm_portal.core.models import PendingTask, ReferenceSequence
from chm_portal.core.tasks import run_pending_task

# A Redis database the CI worker does not use.
FAULTS_REDIS_DB = 15
VISIBILITY_TIMEOUT = 3
# Starting Django in a worker takes a few seconds, more on a busy CI machine.
STARTUP_SECONDS = 90
# The most retries a task of the portal may make (five, with backoff, for mail and harvests).
MAX_RETRIES = 10


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tail = "\n".join(log.read_text().splitlines()[-30:]) if log and log.exists() else ""
    pytest.fail(f"Waited {seconds:g} s for {what}.\n{tail}")


def _faults_broker() -> str:
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{FAULTS_REDIS_DB}"))


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _row_locked(pending: PendingTask) -> bool:
    with transaction.atomic():
        rows = PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pending.pk)
        return not rows.exists()


class Worker:
    """A Celery worker process and its pool process, killed together as a lost machine would be."""

    def __init__(self, name: str, *, queue: str, broker: str, log: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "TESTING": "true",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.faults.fault_worker",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={queue}",
            f"--hostname=faults-{name}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.is_ready, seconds=STARTUP_SECONDS, what=f"worker {name} to start", log=log)

    def is_ready(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"The worker exited with {self.process.returncode}:\n{self.log_text()}")
        return " ready." in self.log_text()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost machine: no clean-up, no ack."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM): the worker acknowledges what it has done and gives back
        what it has not, so that no task of the test is delivered again later."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Workers:
    """The worker processes of one test, on a queue of its own, and a way to send them tasks."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.broker = _faults_broker()
        # Not the current app: tasks sent by later tests must still go through the portal's app.
        self.sender = Celery("faults-sender", broker=self.broker, set_as_current=False)
        self.started: list[Worker] = []

    def start(self, name: str) -> Worker:
        log = self.log_dir / f"worker-{name}.log"
        worker = Worker(name, queue=self.queue, broker=self.broker, log=log)
        self.started.append(worker)
        return worker

    def send(self, task_name: str, *args) -> None:
        self.sender.send_task(task_name, args=list(args), queue=self.queue)

    def stop(self) -> None:
        for worker in self.started:
            worker.stop()
        self.sender.close()
        # The queue's keys (its list, its binding): nothing of the test stays in Redis.
        client = redis.Redis.from_url(self.broker)
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def workers(transactional_db, tmp_path) -> Iterator[Workers]:
    """Worker processes for the test; all are killed at the end, before the database is
    emptied (they hold connections to it)."""
    if not settings.REDIS_URL:
        if os.environ.get("REQUIRE_CELERY_WORKER"):
            pytest.fail("REQUIRE_CELERY_WORKER is set but REDIS_URL is not")
        pytest.skip("no REDIS_URL: the worker tests run in CI against Redis and PostgreSQL")
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_CELERY_WORKER"):
            pytest.fail("REQUIRE_CELERY_WORKER is set but the database is not PostgreSQL")
        pytest.skip("the worker processes need a database they can share with the test")
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


@pytest.mark.celery_worker
@pytest.mark.slow
def test_a_task_cut_off_by_a_killed_worker_runs_again_and_counts_once(workers, tmp_path):
    prefix = "KILLED"
    marks = tmp_path / "marks.txt"
    pending = PendingTask.objects.create(
        task_name="tests.faults.take_number_slowly", arguments=[prefix, str(marks)]
    )
    first = workers.start("first")
    workers.send(run_pending_task.name, pending.pk)
    wait_for(
        lambda: marks.exists() and marks.read_text().endswith("\n"),
        seconds=60,
        what="the first worker to take a number and hold on",
        log=first.log,
    )

    first.kill()

    # PostgreSQL sees the connection drop and rolls the first run back: nothing of it stays.
    wait_for(lambda: not _row_locked(pending), seconds=30, what="the dead worker's lock to go")
    assert PendingTask.objects.filter(pk=pending.pk).exists()
    assert not ReferenceSequence.objects.filter(prefix=prefix).exists()

    second = workers.start("second")
    wait_for(
        lambda: not PendingTask.objects.filter(pk=pending.pk).exists(),
        seconds=VISIBILITY_TIMEOUT + 60,
        what="the task to be delivered again and done",
        log=second.log,
    )
    reference = f"{prefix}-{timezone.now().year}-00001"
    # Started twice, done once: the number was taken once.
    assert marks.read_text().splitlines() == [reference, reference]
    assert ReferenceSequence.objects.get(prefix=prefix).last_number == 1
    assert f"Task {run_pending_task.name}" in second.log_text()


@pytest.mark.celery_worker
@pytest.mark.slow
def test_a_task_that_keeps_failing_stops_and_is_logged_as_an_error(workers, tmp_path):
    marks = tmp_path / "attempts.txt"
    worker = workers.start("failing")

    workers.send("tests.faults.always_failing", str(marks))

    failed = re.compile(
        r"ERROR/[^\]]+\] Task tests\.faults\.always_failing\[[^\]]+\] raised unexpected: "
        r"ConnectionError\('SMTP server unreachable'\)"
    )
    wait_for(
        lambda: bool(failed.search(worker.log_text())),
        seconds=60,
        what="the last attempt to fail",
        log=worker.log,
    )
    # The first attempt and max_retries (2) retries, then no more.
    assert marks.read_text().splitlines() == ["attempt 1", "attempt 2", "attempt 3"]
    assert len(failed.findall(worker.log_text())) == 1


def test_every_task_of_the_portal_stops_retrying():
    """Retries are capped: a task retried for ever would hide its failure and load the queue."""
    autodiscover_modules("tasks")
    unbounded = {
        name: task.max_retries
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
        and (task.max_retries is None or task.max_retries > MAX_RETRIES)
    }
    assert unbounded == {}
