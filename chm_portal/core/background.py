"""Sending Celery tasks from web requests without ever failing the request.

The change a task follows up is committed first; the task is sent after commit. If the broker is
unreachable the send is logged and dropped, so every task sent with :func:`enqueue_after_commit`
must be backed by state in the database (a ``notified_at`` still empty...) that a periodic sweep
picks up again. :func:`enqueue_reliably` is that state for any task: a :class:`PendingTask` row
written in the same transaction, deleted once the task has run, and sent again by
``chm_portal.core.tasks.send_pending_tasks`` until then.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_safely(task, *args, countdown: float | None = None) -> bool:
    """Send ``task`` with ``args`` now (to run in ``countdown`` seconds); False (and a warning)
    when the broker cannot take it."""
    try:
        if countdown:
            task.apply_async(args, countdown=countdown)
        else:
            task.delay(*args)
    except Exception:  # the broker's errors differ by transport; none may reach the user
        logger.warning("Could not send %s%r; the periodic sweep will retry", task.name, args)
        return False
    return True


def enqueue_after_commit(task, *args, countdown: float | None = None) -> None:
    """Send ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: send_task_safely(task, *args, countdown=countdown))


def enqueue_reliably(task, *args) -> None:
    """Run ``task(*args)`` at least once after the current transaction commits.

    ``args`` must be JSON values (ids). The task runs through ``run_pending_task``, which deletes
    the outbox row when it has succeeded; a task that fails, or that the broker never received,
    is sent again by the periodic sweep.
    """
    from .models import PendingTask
    from .tasks import run_pending_task

    pending = PendingTask.objects.create(task_name=task.name, arguments=list(args))
    enqueue_after_commit(run_pending_task, pending.pk)
