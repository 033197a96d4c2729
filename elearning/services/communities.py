"""Writes of communities of practice: creating a community, membership, threads and replies,
reports of posts and their moderation.

Each function checks first (the permissions of ``elearning/rules.py``, ``PermissionDenied`` with
a translated message otherwise), then changes, in one transaction. Plain-text fields refuse
markup: the models' validators run through ``full_clean()``, and a refused post raises a
``ValidationError`` naming the field (``title``, ``body``, ``reason``) before anything is saved.

The denormalised counters are kept in the same transaction with ``F()`` updates:
``Community.member_count`` and ``last_post_at`` ("active" communities and the list's order),
``Thread.reply_count`` (visible replies) and ``last_post_at``, ``Post.flag_count`` (reports
waiting for a moderator). Posting counts as activity of the poster's alumnus.

A new thread or reply is announced after commit by the task ``elearning.notify_community_post``
(``enqueue_reliably``: sent again until it has run; see ``notifications_communities.py``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.background import enqueue_reliably
from chm_portal.core.validators import validate_no_markup

from .. import tasks_communities
from ..models import Community, CommunityMembership, Post, PostFlag, PostStatus, Thread
from ..rules import forget_community_roles
from ..selectors.communities import is_first_post
from .alumni import touch_alumnus

__all__ = [
    "COMMUNITY_FIELDS",
    "add_member",
    "community_fields",
    "create_community",
    "edit_post",
    "flag_post",
    "hide_post",
    "join",
    "leave",
    "lock_thread",
    "pin_thread",
    "recount_members",
    "reply",
    "resolve_flags",
    "restore_post",
    "set_notifications",
    "start_thread",
    "unlock_thread",
]

Role = CommunityMembership.Role
# What create_community accepts (and the translations of name and description, name_fr...).
COMMUNITY_FIELDS = ("slug", "name", "description", "thematic_area", "targets", "is_open")
REASON_LENGTH = Post._meta.get_field("moderation_reason").max_length


def _check(user, permission: str, obj: Any, message) -> None:
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def _announce(post: Post) -> None:
    """Tell the people concerned about a new post once the transaction commits."""
    enqueue_reliably(tasks_communities.notify_community_post, post.pk)


def _strip(value: str | None) -> str:
    return (value or "").strip()


# --- Communities --------------------------------------------------------------------------------
def community_fields() -> set[str]:
    """The names create_community accepts."""
    names = set(COMMUNITY_FIELDS)
    for field in Community._meta.concrete_fields:
        # The translations of name and description (name_en, description_fr...).
        if field.name.startswith(("name_", "description_")):
            names.add(field.name)
    return names


@transaction.atomic
def create_community(*, by, **fields: Any) -> Community:
    """Create a community of practice (content reviewers, the help desk and site
    administrators: ``elearning.create_community``). ``fields`` are those of
    :data:`COMMUNITY_FIELDS` and the translations of its name and description; ``targets`` is
    a list of GBF targets. Nobody is a member yet: moderators are added with
    :func:`add_member`."""
    _check(by, "elearning.create_community", None, _("You may not create communities."))
    unknown = sorted(set(fields) - community_fields())
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code="unknown"
        )
    targets = list(fields.pop("targets", None) or [])
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip()
    community = Community(created_by=by, **fields)
    community.full_clean(exclude=["created_by"])
    community.save()
    if targets:
        community.targets.set(targets)
    return community


def recount_members(*, community: Community) -> int:
    """Set ``member_count`` from the memberships (after the admin edited them); returns it."""
    count = CommunityMembership.objects.filter(community=community).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count
    return count


def _count_member(community: Community, delta: int) -> None:
    if delta > 0:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)
    else:
        Community.objects.filter(pk=community.pk, member_count__gte=-delta).update(
            member_count=F("member_count") + delta
        )
    community.member_count = max(0, community.member_count + delta)


def _membership_create(community: Community, user, role: str) -> CommunityMembership | None:
    """The new membership, or None when the person is already a member (a race included)."""
    try:
        with transaction.atomic():
            membership = CommunityMembership.objects.create(
                community=community, user=user, role=role
            )
    except IntegrityError:
        return None
    _count_member(community, +1)
    forget_community_roles(user)
    return membership


@transaction.atomic
def join(*, community: Community, user) -> CommunityMembership:
    """Join an open community (anyone signed in). Joining again changes nothing."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to join a community."))
    existing = CommunityMembership.objects.filter(community=community, user=user).first()
    if existing is not None:
        return existing
    _check(
        user,
        "elearning.join_community",
        community,
        _("This community is closed: its moderators add members."),
    )
    membership = _membership_create(community, user, Role.MEMBER)
    return membership or CommunityMembership.objects.get(community=community, user=user)


@transaction.atomic
def leave(*, community: Community, user) -> bool:
    """Leave a community; True when the person was a member. Their posts stay."""
    if not user.is_authenticated:
        return False
    deleted, _by_model = CommunityMembership.objects.filter(community=community, user=user).delete()
    if deleted:
        _count_member(community, -1)
        forget_community_roles(user)
    return bool(deleted)


@transaction.atomic
def add_member(*, community: Community, user, role: str = Role.MEMBER, by) -> CommunityMembership:
    """Add someone to a community (open or closed), or change their role: its moderators,
    content reviewers, the help desk and site administrators."""
    _check(
        by,
        "elearning.moderate_community",
        community,
        _("Only the community's moderators add members."),
    )
    if role not in Role.values:
        raise ValidationError({"role": _("Choose member or moderator.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    membership = _membership_create(community, user, role)
    if membership is not None:
        return membership
    membership = CommunityMembership.objects.select_for_update().get(community=community, user=user)
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
        forget_community_roles(user)
    return membership


@transaction.atomic
def set_notifications(*, community: Community, user, notify: bool) -> CommunityMembership:
    """Whether a member is emailed about the community's new threads and replies."""
    membership = CommunityMembership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise ValidationError(_("Join the community to choose its notifications."))
    if membership.notify != notify:
        membership.notify = notify
        membership.save(update_fields=["notify"])
    return membership


# --- Posting ------------------------------------------------------------------------------------
def _clean(*objects_and_excludes: tuple[Any, list[str]]) -> None:
    """Run each object's model validation; raise all their errors together."""
    errors: dict[str, list] = {}
    for obj, exclude in objects_and_excludes:
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _posted(thread: Thread, post: Post, *, new_thread: bool) -> None:
    """Keep the counters and the poster's activity after a post."""
    now = post.created_at
    if not new_thread:  # a new thread was saved with them
        Thread.objects.filter(pk=thread.pk).update(
            last_post_at=now, reply_count=F("reply_count") + 1
        )
        thread.last_post_at = now
        thread.reply_count += 1
    Community.objects.filter(pk=thread.community_id).update(last_post_at=now)
    touch_alumnus(post.author)
    _announce(post)


@transaction.atomic
def start_thread(*, community: Community, user, title: str, body: str) -> Thread:
    """Start a discussion in a community (its members and moderators): the thread and its first
    post. A title or message with markup is refused and nothing is saved."""
    _check(
        user,
        "elearning.start_thread",
        community,
        _("Join the community to start a discussion."),
    )
    now = timezone.now()
    thread = Thread(
        community=community,
        author=user,
        title=_strip(title),
        created_at=now,
        last_post_at=now,
    )
    post = Post(thread=thread, author=user, body=_strip(body), created_at=now)
    _clean((thread, ["community", "author"]), (post, ["thread", "author", "moderated_by"]))
    thread.save()
    post.thread = thread
    post.save()
    _posted(thread, post, new_thread=True)
    return thread


@transaction.atomic
def reply(*, thread: Thread, user, body: str) -> Post:
    """Reply in a thread: members while the thread is open to replies; moderators always.
    The thread is locked while checking, so a reply cannot slip in after it was closed."""
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if not user.has_perm("elearning.post_in_community", locked):
        if user.is_authenticated and (locked.is_locked or locked.status != PostStatus.VISIBLE):
            raise PermissionDenied(_("This discussion is closed to replies."))
        raise PermissionDenied(_("Join the community to reply."))
    post = Post(thread=locked, author=user, body=_strip(body), created_at=timezone.now())
    _clean((post, ["thread", "author", "moderated_by"]))
    post.save()
    _posted(locked, post, new_thread=False)
    thread.last_post_at, thread.reply_count = locked.last_post_at, locked.reply_count
    return post


@transaction.atomic
def edit_post(*, post: Post, user, body: str, title: str | None = None) -> Post:
    """Change one's own visible post while its thread is open; ``title`` renames the thread
    when the post is its first one."""
    _check(user, "elearning.edit_post", post, _("You may only edit your own visible posts."))
    post.body = _strip(body)
    checks: list[tuple[Any, list[str]]] = [(post, ["thread", "author", "moderated_by"])]
    thread = post.thread
    rename = title is not None and is_first_post(post)
    if rename:
        thread.title = _strip(title)
        checks.append((thread, ["community", "author"]))
    _clean(*checks)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    if rename:
        thread.save(update_fields=["title"])
    return post


# --- Reports and moderation ---------------------------------------------------------------------
@transaction.atomic
def flag_post(*, post: Post, user, reason: str) -> PostFlag:
    """Report a post to the moderators (members of the community, once per person and post)."""
    _check(
        user,
        "elearning.flag_post",
        post,
        _("Members of the community may report its visible posts."),
    )
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot report your own post."), code="own_post")
    flag = PostFlag(post=post, user=user, reason=_strip(reason))
    _clean((flag, ["post", "user"]))
    if PostFlag.objects.filter(post=post, user=user).exists():
        raise ValidationError(_("You have already reported this post."), code="already_flagged")
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as error:  # reported twice at the same moment
        raise ValidationError(
            _("You have already reported this post."), code="already_flagged"
        ) from error
    Post.objects.filter(pk=post.pk).update(flag_count=F("flag_count") + 1)
    post.flag_count += 1
    return flag


def _resolve(post: Post, now) -> int:
    resolved = PostFlag.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=now)
    Post.objects.filter(pk=post.pk).update(flag_count=0)
    post.flag_count = 0
    return resolved


def _moderate(post: Post, by, *, status: str, reason: str) -> Post:
    _check(
        by,
        "elearning.moderate_community",
        post,
        _("Only the community's moderators hide and restore posts."),
    )
    try:
        validate_no_markup(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Write at most %(limit)s characters.") % {"limit": REASON_LENGTH}}
        )
    locked = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
    if locked.status == status:
        raise ValidationError(
            _("This post is already hidden.")
            if status == PostStatus.HIDDEN
            else _("This post is not hidden."),
            code="stale",
        )
    now = timezone.now()
    locked.status = status
    locked.moderated_by = by
    locked.moderated_at = now
    locked.moderation_reason = reason
    locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
    _resolve(locked, now)
    thread = locked.thread
    if is_first_post(locked):
        # The first post opens the thread: hiding it hides the whole discussion.
        Thread.objects.filter(pk=thread.pk).update(status=status)
        thread.status = status
    else:
        # reply_count counts the visible replies.
        replies = Thread.objects.filter(pk=thread.pk)
        if status == PostStatus.HIDDEN:
            replies.filter(reply_count__gt=0).update(reply_count=F("reply_count") - 1)
        else:
            replies.update(reply_count=F("reply_count") + 1)
    for name in ("status", "moderated_by", "moderated_at", "moderation_reason", "flag_count"):
        setattr(post, name, getattr(locked, name))
    return post


@transaction.atomic
def hide_post(*, post: Post, by, reason: str) -> Post:
    """Hide a post (moderators): members then see "hidden by a moderator", moderators still
    see it. Its open reports are dealt with. Hiding a thread's first post hides the thread."""
    reason = _strip(reason)
    if not reason:
        _check(by, "elearning.moderate_community", post, _("Only moderators hide posts."))
        raise ValidationError({"reason": _("Say why the post is hidden.")})
    return _moderate(post, by, status=PostStatus.HIDDEN, reason=reason)


@transaction.atomic
def restore_post(*, post: Post, by, reason: str = "") -> Post:
    """Show a hidden post again (moderators); restoring a first post restores its thread."""
    return _moderate(post, by, status=PostStatus.VISIBLE, reason=_strip(reason))


@transaction.atomic
def resolve_flags(*, post: Post, by) -> int:
    """Dismiss the open reports of a post that may stay (moderators); returns how many."""
    _check(
        by,
        "elearning.moderate_community",
        post,
        _("Only the community's moderators deal with reports."),
    )
    return _resolve(post, timezone.now())


def _set_thread(thread: Thread, by, **changes: Any) -> Thread:
    _check(
        by,
        "elearning.moderate_community",
        thread,
        _("Only the community's moderators close and pin discussions."),
    )
    Thread.objects.filter(pk=thread.pk).update(**changes)
    for name, value in changes.items():
        setattr(thread, name, value)
    return thread


@transaction.atomic
def lock_thread(*, thread: Thread, by) -> Thread:
    """Close a discussion to replies (moderators may still reply)."""
    return _set_thread(thread, by, is_locked=True)


@transaction.atomic
def unlock_thread(*, thread: Thread, by) -> Thread:
    return _set_thread(thread, by, is_locked=False)


@transaction.atomic
def pin_thread(*, thread: Thread, by, pinned: bool = True) -> Thread:
    """Keep a discussion at the top of its community (``pinned=False`` to unpin)."""
    return _set_thread(thread, by, is_pinned=pinned)
