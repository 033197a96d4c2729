"""Sending Celery tasks from web requests without ever failing the request.

The change a task follows up is committed first; the task is sent after commit. If the broker is
unreachable the send is logged and dropped: every task sent this way must be backed by state in the
database (an outbox row, a ``notified_at`` still empty...) that a periodic sweep picks up again.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_safely(task, *args) -> bool:
    """Send ``task`` with ``args`` now; False (and a warning) when the broker cannot take it."""
    try:
        task.delay(*args)
    except Exception:  # the broker's errors differ by transport; none may reach the user
        logger.warning("Could not send %s%r; the periodic sweep will retry", task.name, args)
        return False
    return True


def enqueue_after_commit(task, *args) -> None:
    """Send ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: send_task_safely(task, *args))
