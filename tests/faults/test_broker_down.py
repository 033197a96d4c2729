"""Redis unreachable while Amani submits a request: the request is saved, his confirmation page
comes at once, and the emails the submission calls for go out once Redis is back, by the
periodic sweep, exactly once.

The broker is pointed at a closed port for the request; tasks are sent to it (not run eagerly),
after commit, as in production.
"""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from chm_portal.celery import app
from needs import tasks
from needs.models import Need, NeedEvent

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
HELPDESK = "helpdesk@chm-portal.example"
# What "promptly" means: the page comes well before a person would click again.
PROMPT_SECONDS = 3.0


@contextmanager
def broker_unreachable():
    """Send tasks to a Redis nobody listens at, instead of running them in the process."""
    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager, app._pool, app.amqp._producer_pool
    conf.broker_url, conf.task_always_eager = UNREACHABLE_BROKER, False
    # Connections are pooled per app: start from none, so the sends go to the closed port.
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager = saved[0], saved[1]
        app._pool, app.amqp._producer_pool = saved[2], saved[3]


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.HELPDESK_EMAIL = HELPDESK


def sent_to(mailoutbox, address: str) -> list:
    return [message for message in mailoutbox if address in message.to]


def test_a_submission_while_redis_is_down_is_saved_confirmed_and_notified_once_later(
    client, focal_point_a, draft, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    client.force_login(focal_point_a)
    # Amani is on the review step (which also loads the code of the pages: the first request of
    # a process is slow for reasons that have nothing to do with the broker).
    review = client.get(reverse("needs:edit_step", args=[draft.reference, "review"]))
    assert review.status_code == 200

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = time.monotonic()
        response = client.post(reverse("needs:submit", args=[draft.reference]), follow=True)
        elapsed = time.monotonic() - started

    # The confirmation, promptly.
    assert callbacks, "the notification was to be sent after commit"
    assert elapsed < PROMPT_SECONDS, f"the confirmation took {elapsed:.1f} s"
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your request is submitted" in content and draft.reference in content
    # Saved, with its notification pending: the send failed and said so.
    draft.refresh_from_db()
    assert draft.status == Need.Status.SUBMITTED
    submitted = NeedEvent.objects.get(need=draft, action=NeedEvent.Action.SUBMITTED)
    assert submitted.notified_at is None
    assert mailoutbox == []
    assert f"Could not send {tasks.notify_need_event.name}({submitted.pk},)" in caplog.text

    # Redis is back. Beat's sweep runs every five minutes and resends what the broker lost.
    NeedEvent.objects.filter(need=draft).update(created_at=F("created_at") - timedelta(minutes=5))
    assert tasks.send_pending_need_notifications() >= 1

    submitted.refresh_from_db()
    assert submitted.notified_at is not None
    confirmations = sent_to(mailoutbox, focal_point_a.email)
    assert len(confirmations) == 1 and draft.reference in confirmations[0].subject
    assert len(sent_to(mailoutbox, HELPDESK)) == 1

    # No duplicate: neither the next sweep nor the lost task arriving late sends again.
    tasks.send_pending_need_notifications()
    assert tasks.notify_need_event(submitted.pk) is False
    assert len(sent_to(mailoutbox, focal_point_a.email)) == 1
    assert len(sent_to(mailoutbox, HELPDESK)) == 1
