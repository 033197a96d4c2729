"""Emails and in-portal inbox messages about new posts in communities of practice.

Who hears of what (the author is never told of their own post, and only members who keep
"email me about new threads and replies" on, with an active account):

- a new thread: every such member of the community;
- a reply: those of them who took part in the thread (wrote one of its visible posts).

Each person is written to in their preferred language, with an absolute link carrying that
language's prefix; the inbox gets the same subject (one INSERT per language).

Delivery: the services send the task ``elearning.notify_community_post`` with
``enqueue_reliably``, so it runs at least once after the post's transaction commits, and again
(from the outbox) when it failed. There is no ``notified_at`` column on posts: the post is
claimed with ``cache.add`` on a key per post, kept :data:`CLAIM_SECONDS`, so a second run sends
nothing; when sending fails the claim is released and the error propagates for the outbox to
retry. With a shared cache (Redis in production) each post is announced once; if the cache is
unreachable the claim is taken as granted (at-least-once rather than never). A post hidden
before the task runs is not announced.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from chm_portal.accounts.models import User
from chm_portal.alerts.services import inbox_send

from .models import CommunityMembership, Post, PostStatus
from .selectors.communities import is_first_post

TEMPLATES = "elearning/communities/email"
CLAIM_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Recipient:
    user: User
    language: str


def _claim_key(post_id: int) -> str:
    return f"elearning:community-post-notified:{post_id}"


def _interface_language(code: str) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def recipients_of(post: Post, *, new_thread: bool) -> list[Recipient]:
    """The members to tell about ``post``, each once, in ``pk`` order."""
    memberships = CommunityMembership.objects.filter(
        community_id=post.thread.community_id, notify=True, user__is_active=True
    )
    if post.author_id is not None:
        memberships = memberships.exclude(user_id=post.author_id)
    if not new_thread:
        took_part = Post.objects.filter(
            thread_id=post.thread_id, author_id=OuterRef("user_id"), status=PostStatus.VISIBLE
        )
        memberships = memberships.filter(Exists(took_part))
    return [
        Recipient(membership.user, _interface_language(membership.user.preferred_language))
        for membership in memberships.select_related("user").order_by("user_id")
    ]


def post_path(post: Post) -> str:
    """The link to the post (its page of the thread), in the active language."""
    return reverse("elearning:post_link", args=[post.thread.community.slug, post.pk])


def _render(post: Post, recipient: Recipient, *, new_thread: bool) -> tuple[str, str, str]:
    with translation.override(recipient.language):
        context = {
            "post": post,
            "thread": post.thread,
            "community": post.thread.community,
            "author_name": post.author.get_full_name() if post.author else "",
            "new_thread": new_thread,
            "recipient_name": recipient.user.get_full_name(),
            "post_url": settings.SITE_URL.rstrip("/") + post_path(post),
            "settings_url": settings.SITE_URL.rstrip("/")
            + reverse("elearning:community_detail", args=[post.thread.community.slug]),
        }
        subject = render_to_string(f"{TEMPLATES}/new_post_subject.txt", context)
        text = render_to_string(f"{TEMPLATES}/new_post.txt", context)
        html = render_to_string(f"{TEMPLATES}/new_post.html", context)
    return " ".join(subject.split()), text, html


def _send(post: Post) -> int:
    new_thread = is_first_post(post)
    emails = []
    inboxes: dict[str, tuple[str, list[User]]] = {}
    recipients = recipients_of(post, new_thread=new_thread)
    for recipient in recipients:
        subject, text, html = _render(post, recipient, new_thread=new_thread)
        inboxes.setdefault(recipient.language, (subject, []))[1].append(recipient.user)
        if recipient.user.email:
            message = EmailMultiAlternatives(subject, text, None, [recipient.user.email])
            message.attach_alternative(html, "text/html")
            emails.append(message)
    excerpt = post.body if len(post.body) <= 500 else post.body[:499] + "…"
    for language, (subject, users) in inboxes.items():
        with translation.override(language):
            inbox_send(recipients=users, subject=subject, body=excerpt, url=post_path(post))
    if emails:
        get_connection().send_messages(emails)
    return len(recipients)


def community_post_notify(*, post_id: int) -> int:
    """Announce a new thread or reply once; returns how many people were told (0 when the post
    is gone, hidden, or was already announced)."""
    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if (
        post is None
        or post.status != PostStatus.VISIBLE
        or post.thread.status != PostStatus.VISIBLE
    ):
        return 0
    key = _claim_key(post_id)
    if cache.add(key, 1, timeout=CLAIM_SECONDS) is False:  # None: the cache is unreachable
        return 0
    try:
        with transaction.atomic():  # the inbox messages roll back if the emails fail
            return _send(post)
    except Exception:
        cache.delete(key)
        raise
