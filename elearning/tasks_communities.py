"""Celery tasks of communities of practice (imported by ``elearning/tasks.py`` so that Celery
finds them; named explicitly because the outbox runs them by name)."""

from __future__ import annotations

from celery import shared_task

from .notifications_communities import community_post_notify


@shared_task(name="elearning.notify_community_post")
def notify_community_post(post_id: int) -> int:
    """Email and tell in their inbox the people a new thread or reply concerns; returns how
    many were told. Sent with ``enqueue_reliably`` (run again until it succeeds) and sends each
    post's notifications once (see :func:`community_post_notify`)."""
    return community_post_notify(post_id=post_id)
