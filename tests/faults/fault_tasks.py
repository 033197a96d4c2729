"""Tasks of the fault tests, run by the worker processes those tests start
(``tests/faults/fault_worker.py``). Each appends a line to a file the test reads."""

import time
from pathlib import Path

from celery import shared_task

from chm_portal.core import services

# Longer than any test waits: the worker is killed while the task holds on.
HOLD_SECONDS = 300


@shared_task(name="tests.faults.take_number_slowly")
def take_number_slowly(prefix: str, marks: str) -> str:
    """Take the next reference number of ``prefix``; the first time, hold on (the test kills the
    worker then). Run through the outbox, the number and the outbox row commit together."""
    path = Path(marks)
    first_run = not path.exists()
    reference = services.reference_next(prefix=prefix)
    with path.open("a", encoding="utf-8") as file:
        file.write(f"{reference}\n")
    if first_run:
        time.sleep(HOLD_SECONDS)
    return reference


@shared_task(
    name="tests.faults.always_failing",
    bind=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=False,
    default_retry_delay=0,
    max_retries=2,
)
def always_failing(self, marks: str) -> None:
    """Fail as a mail server that stays down would, with the portal's kind of retry policy."""
    with Path(marks).open("a", encoding="utf-8") as file:
        file.write(f"attempt {self.request.retries + 1}\n")
    raise ConnectionError("SMTP server unreachable")
