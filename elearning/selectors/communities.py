"""Reads of communities of practice: the list, one community, its threads and posts, and the
moderators' queue. Each returns a QuerySet (or rows) with its ``select_related`` and
``prefetch_related``, so that a page costs the same number of queries however many rows it
shows. Who may see what is decided by the views with ``elearning/rules.py``; these helpers
take the decision's result (``moderator=True``) where the rows differ.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import (
    ACTIVE_COMMUNITY_DAYS,
    Community,
    CommunityMembership,
    Post,
    PostFlag,
    PostStatus,
    Thread,
)

__all__ = [
    "active_communities",
    "community_for_page",
    "community_list",
    "community_moderators",
    "flagged_posts",
    "is_first_post",
    "membership_of",
    "post_for_page",
    "post_position",
    "thread_for_page",
    "thread_list",
    "thread_posts",
]


def active_cutoff(now=None):
    """Posts after this moment make a community "active"."""
    return (now or timezone.now()) - timedelta(days=ACTIVE_COMMUNITY_DAYS)


def community_list() -> QuerySet[Community]:
    """Every community with its theme, by name: counts and activity are columns (no join)."""
    return Community.objects.select_related("thematic_area").order_by("name", "pk")


def active_communities(now=None) -> QuerySet[Community]:
    """Communities with a post in the last :data:`ACTIVE_COMMUNITY_DAYS` days (monitoring)."""
    return Community.objects.filter(last_post_at__gte=active_cutoff(now))


def community_for_page() -> QuerySet[Community]:
    return Community.objects.select_related("thematic_area").prefetch_related("targets")


def community_moderators(community: Community) -> QuerySet[CommunityMembership]:
    return (
        CommunityMembership.objects.filter(
            community=community, role=CommunityMembership.Role.MODERATOR
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def membership_of(community: Community, user) -> CommunityMembership | None:
    if not user.is_authenticated:
        return None
    return CommunityMembership.objects.filter(community=community, user=user).first()


def thread_list(community: Community, *, moderator: bool = False) -> QuerySet[Thread]:
    """The community's threads, pinned first then the most recently active; hidden threads
    only for its moderators."""
    threads = Thread.objects.filter(community=community).select_related("author")
    if not moderator:
        threads = threads.filter(status=PostStatus.VISIBLE)
    return threads.order_by("-is_pinned", "-last_post_at", "-pk")


def thread_for_page(community: Community) -> QuerySet[Thread]:
    return Thread.objects.filter(community=community).select_related("author")


def thread_posts(thread: Thread) -> QuerySet[Post]:
    """Every post of the thread in order (hidden ones too: pages show a placeholder), with
    their authors."""
    return (
        Post.objects.filter(thread=thread)
        .select_related("author", "moderated_by")
        .order_by("created_at", "pk")
    )


def post_for_page(community: Community) -> QuerySet[Post]:
    return Post.objects.filter(thread__community=community).select_related(
        "thread__community", "author"
    )


def is_first_post(post: Post) -> bool:
    """Whether ``post`` opens its thread."""
    first = (
        Post.objects.filter(thread_id=post.thread_id)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return first == post.pk


def post_position(post: Post) -> int:
    """How many posts of its thread come before ``post`` (to find its page)."""
    return Post.objects.filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk),
        thread_id=post.thread_id,
    ).count()


def flagged_posts(community: Community) -> QuerySet[Post]:
    """Posts of the community with reports no moderator has dealt with yet, the most reported
    first, with their threads, authors and open reports."""
    open_flags = PostFlag.objects.filter(resolved_at__isnull=True)
    return (
        Post.objects.filter(thread__community=community)
        .filter(Exists(open_flags.filter(post=OuterRef("pk"))))
        .select_related("thread", "author")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=open_flags.select_related("user").order_by("created_at"),
                to_attr="open_flags",
            )
        )
        .order_by("-flag_count", "-created_at", "-pk")
    )
