"""Pages of communities of practice: the list, a community with its discussions, a thread with
its posts, joining and leaving, the notification setting, reporting a post, and the moderators'
tools (hide or restore a post with a reason, close or pin a thread, the queue of reported posts).

Who sees what: anyone sees the list and a community's description, moderators and member count;
discussions are read by anyone signed in (anonymous visitors are asked to sign in). Members start
threads and reply; a post hidden by a moderator shows as such to everyone, and its text only to
moderators; a hidden thread (its first post hidden) is seen by moderators only.

Pages read through ``elearning.selectors.communities`` and write only through
``elearning.services.communities``; their refusals are 403, their validation errors are shown on
the form, which keeps what the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.core.exports import json_ld_script
from chm_portal.core.forms import add_service_errors

from ..databases import community_json_ld
from ..forms.communities import (
    FlagForm,
    NotificationsForm,
    PostEditForm,
    PostModerationForm,
    ReplyForm,
    ThreadForm,
    ThreadModerationForm,
)
from ..models import Community, CommunityMembership, Post, PostFlag, PostStatus, Thread
from ..rules import community_roles
from ..selectors import communities as selectors
from ..services import communities as services

PAGE_SIZE = 20
Role = CommunityMembership.Role


# --- Helpers --------------------------------------------------------------------------------------
def community_url(community: Community) -> str:
    return reverse("elearning:community_detail", args=[community.slug])


def thread_url(thread: Thread, page: int | None = None) -> str:
    url = reverse("elearning:thread_detail", args=[thread.community.slug, thread.pk])
    return f"{url}?page={page}" if page and page > 1 else url


def may_moderate(user, obj) -> bool:
    return user.is_authenticated and user.has_perm("elearning.moderate_community", obj)


def community_for(slug: str, *, full: bool = False) -> Community:
    queryset = selectors.community_for_page() if full else Community.objects.all()
    return get_object_or_404(queryset, slug=slug)


def thread_for(user, community: Community, pk: int) -> Thread:
    """The thread for ``user``: 404 when it is hidden and they do not moderate."""
    thread = get_object_or_404(selectors.thread_for_page(community), pk=pk)
    thread.community = community
    if thread.status != PostStatus.VISIBLE and not may_moderate(user, thread):
        raise Http404(_("No such discussion."))
    return thread


def post_for(user, community: Community, pk: int) -> Post:
    """The post for ``user``: 404 when its thread is hidden and they do not moderate."""
    post = get_object_or_404(selectors.post_for_page(community), pk=pk)
    if post.thread.status != PostStatus.VISIBLE and not may_moderate(user, post):
        raise Http404(_("No such post."))
    return post


def post_page_url(post: Post) -> str:
    """The page of its thread where ``post`` is, with its anchor."""
    page = selectors.post_position(post) // PAGE_SIZE + 1
    return f"{thread_url(post.thread, page)}#post-{post.pk}"


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@dataclass(frozen=True)
class CommunityRow:
    """A line of the list: the community and what the person may do with it."""

    community: Community
    role: str | None
    may_join: bool

    @property
    def is_member(self) -> bool:
        return self.role is not None


@dataclass(frozen=True)
class PostRow:
    """A post as the person sees it: its text (None when hidden from them) and their tools."""

    post: Post
    number: int
    show_body: bool
    may_edit: bool
    may_flag: bool
    flagged: bool
    may_moderate: bool

    @property
    def hidden(self) -> bool:
        return self.post.status == PostStatus.HIDDEN


# --- The list -------------------------------------------------------------------------------------
class CommunityListView(TemplateView):
    """``/learning/communities/``: every community with its theme, members and whether it is
    active (a post in the last 90 days), 20 a page. Queries: count, page, the person's roles."""

    template_name = "elearning/communities/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page_obj = Paginator(selectors.community_list(), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        roles = community_roles(user)
        context.update(
            page_obj=page_obj,
            rows=[
                CommunityRow(
                    community=community,
                    role=roles.get(community.pk),
                    may_join=user.is_authenticated
                    and community.pk not in roles
                    and community.is_open,
                )
                for community in page_obj.object_list
            ],
        )
        return context


# --- One community --------------------------------------------------------------------------------
class CommunityDetailView(TemplateView):
    """``/learning/communities/<slug>/``: the description, members and moderators for everyone;
    the discussions (pinned first, 20 a page) for people signed in; the form to start one for
    members (``POST``); the notification setting for members."""

    template_name = "elearning/communities/detail.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.community = community_for(kwargs["slug"], full=True)
        return super().dispatch(request, *args, **kwargs)

    def page(self, thread_form: ThreadForm | None = None, status: int = 200) -> HttpResponse:
        request = self.request
        user = request.user
        community = self.community
        moderator = may_moderate(user, community)
        context: dict[str, Any] = {
            "community": community,
            "json_ld": json_ld_script(community_json_ld(request, community)),
            "moderators": selectors.community_moderators(community),
            "may_moderate": moderator,
        }
        if user.is_authenticated:
            role = community_roles(user).get(community.pk)
            membership = selectors.membership_of(community, user) if role else None
            may_start = user.has_perm("elearning.start_thread", community)
            page_obj = Paginator(
                selectors.thread_list(community, moderator=moderator), PAGE_SIZE
            ).get_page(request.GET.get("page"))
            context.update(
                membership=membership,
                may_join=role is None and user.has_perm("elearning.join_community", community),
                page_obj=page_obj,
                threads=page_obj.object_list,
                thread_form=(thread_form or ThreadForm()) if may_start else None,
                notifications_form=NotificationsForm(initial={"notify": membership.notify})
                if membership
                else None,
                flagged_count=selectors.flagged_posts(community).count() if moderator else 0,
            )
        return self.render_to_response(self.get_context_data(**context), status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Start a discussion."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("elearning.start_thread", self.community):
            raise PermissionDenied
        form = ThreadForm(data=request.POST)
        if form.is_valid():
            try:
                thread = services.start_thread(
                    community=self.community,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your discussion is started."))
                return redirect(thread_url(thread))
        return self.page(thread_form=form)


class MembershipView(LoginRequiredMixin, View):
    """``POST`` join, leave, or the notification setting of a community; back to its page."""

    http_method_names = ["post"]
    action = "join"

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        community = community_for(slug)
        user = request.user
        try:
            if self.action == "join":
                services.join(community=community, user=user)
                messages.success(
                    request,
                    _("You are a member of “%(name)s”.") % {"name": community.name},
                )
            elif self.action == "leave":
                if services.leave(community=community, user=user):
                    messages.success(
                        request,
                        _("You have left “%(name)s”.") % {"name": community.name},
                    )
            else:
                form = NotificationsForm(data=request.POST)
                form.is_valid()
                notify = bool(form.cleaned_data.get("notify"))
                services.set_notifications(community=community, user=user, notify=notify)
                messages.success(
                    request,
                    _("You will get emails about new threads and replies.")
                    if notify
                    else _("You will no longer get emails about this community."),
                )
        except ValidationError as error:
            _error_messages(request, error)
        except PermissionDenied as refusal:  # a closed community: say why on its page
            messages.error(request, str(refusal) or _("You may not join this community."))
        return redirect(community_url(community))


# --- One thread -----------------------------------------------------------------------------------
class ThreadDetailView(LoginRequiredMixin, TemplateView):
    """``/learning/communities/<slug>/threads/<pk>/``: the posts, 20 a page, with the reply
    form (``POST``) for those who may reply, each person's tools on each post, and the
    moderators' tools. Queries do not depend on the number of posts."""

    template_name = "elearning/communities/thread.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = community_for(kwargs["slug"])
        self.thread = thread_for(request.user, self.community, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def rows(self, posts, first_number: int) -> list[PostRow]:
        user = self.request.user
        thread = self.thread
        moderator = may_moderate(user, thread)
        flagged = set(
            PostFlag.objects.filter(user=user, post__in=[post.pk for post in posts]).values_list(
                "post_id", flat=True
            )
        )
        rows = []
        for number, post in enumerate(posts, start=first_number):
            post.thread = thread  # no query per post for the rules
            visible = post.status == PostStatus.VISIBLE
            rows.append(
                PostRow(
                    post=post,
                    number=number,
                    show_body=visible or moderator,
                    may_edit=user.has_perm("elearning.edit_post", post),
                    may_flag=visible
                    and post.author_id != user.pk
                    and post.pk not in flagged
                    and user.has_perm("elearning.flag_post", post),
                    flagged=post.pk in flagged,
                    may_moderate=moderator,
                )
            )
        return rows

    def page(self, reply_form: ReplyForm | None = None, page: Any = None) -> HttpResponse:
        request = self.request
        user = request.user
        thread = self.thread
        community = self.community
        paginator = Paginator(selectors.thread_posts(thread), PAGE_SIZE)
        page_obj = paginator.get_page(
            paginator.num_pages if page == "last" else request.GET.get("page")
        )
        may_reply = user.has_perm("elearning.post_in_community", thread)
        role = community_roles(user).get(community.pk)
        context = self.get_context_data(
            community=community,
            thread=thread,
            page_obj=page_obj,
            rows=self.rows(list(page_obj.object_list), page_obj.start_index()),
            reply_form=(reply_form or ReplyForm()) if may_reply else None,
            is_member=role is not None,
            may_join=role is None and user.has_perm("elearning.join_community", community),
            may_moderate=may_moderate(user, thread),
        )
        return self.render_to_response(context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Reply."""
        form = ReplyForm(data=request.POST)
        if form.is_valid():
            try:
                post = services.reply(
                    thread=self.thread, user=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your reply is posted."))
                return redirect(post_page_url(post))
        elif not request.user.has_perm("elearning.post_in_community", self.thread):
            raise PermissionDenied
        # Shown on the last page, where the reply would have been.
        return self.page(reply_form=form, page="last")


class PostLinkView(LoginRequiredMixin, View):
    """``/learning/communities/<slug>/posts/<pk>/``: the page of the thread where the post is
    (the links of notifications)."""

    def get(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        post = post_for(request.user, community_for(slug), pk)
        return redirect(post_page_url(post))


class ThreadModerationView(LoginRequiredMixin, View):
    """``POST``: close or open a thread to replies, pin or unpin it (moderators)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        community = community_for(slug)
        thread = thread_for(request.user, community, pk)
        form = ThreadModerationForm(data=request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to do with the discussion."))
            return redirect(thread_url(thread))
        action = form.cleaned_data["action"]
        change = {
            "lock": (services.lock_thread, _("The discussion is closed to replies.")),
            "unlock": (services.unlock_thread, _("The discussion is open to replies.")),
            "pin": (services.pin_thread, _("The discussion is pinned.")),
            "unpin": (
                lambda **kw: services.pin_thread(**kw, pinned=False),
                _("The discussion is no longer pinned."),
            ),
        }
        service, message = change[action]
        service(thread=thread, by=request.user)
        messages.success(request, message)
        return redirect(thread_url(thread))


# --- One post: edit, report, moderate -------------------------------------------------------------
class PostFormPage(LoginRequiredMixin, TemplateView):
    """A page with one form about a post; ``permission`` is needed (403 otherwise)."""

    template_name = "elearning/communities/post_form.html"
    permission = ""
    title: Any = ""
    intro: Any = ""
    submit_label: Any = _("Save")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = community_for(kwargs["slug"])
        self.post_obj = post_for(request.user, self.community, kwargs["pk"])
        if not request.user.has_perm(self.permission, self.post_obj):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form) -> HttpResponse:
        post = self.post_obj
        return self.render_to_response(
            self.get_context_data(
                form=form,
                title=self.title,
                intro=self.intro,
                submit_label=self.submit_label,
                community=self.community,
                thread=post.thread,
                post=post,
                show_body=post.status == PostStatus.VISIBLE
                or may_moderate(self.request.user, post),
                flags=list(post.flags.filter(resolved_at__isnull=True).select_related("user"))
                if self.permission == "elearning.moderate_community"
                else [],
            )
        )

    def done(self, message) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(post_page_url(self.post_obj))


class PostEditView(PostFormPage):
    """``/learning/communities/<slug>/posts/<pk>/edit/``: one's own post (and the subject of a
    thread one started) while the thread is open."""

    permission = "elearning.edit_post"
    title = _("Edit your post")

    def with_title(self) -> bool:
        return selectors.is_first_post(self.post_obj)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        post = self.post_obj
        initial = {"body": post.body, "title": post.thread.title}
        return self.render_form(PostEditForm(initial=initial, with_title=self.with_title()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PostEditForm(data=request.POST, with_title=self.with_title())
        if form.is_valid():
            try:
                services.edit_post(
                    post=self.post_obj,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(_("Your post is saved."))
        return self.render_form(form)


class PostFlagView(PostFormPage):
    """``/learning/communities/<slug>/posts/<pk>/flag/``: report a post to the moderators
    (members, once per post)."""

    permission = "elearning.flag_post"
    title = _("Report a post")
    intro = _(
        "Tell the moderators what is wrong with this post (off-topic, offensive, spam...). "
        "They decide whether to hide it; its author is not told who reported it."
    )
    submit_label = _("Report the post")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(FlagForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = FlagForm(data=request.POST)
        if form.is_valid():
            try:
                services.flag_post(
                    post=self.post_obj, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(_("Thank you: the moderators will look at this post."))
        return self.render_form(form)


class PostModerationView(PostFormPage):
    """``/learning/communities/<slug>/posts/<pk>/moderate/``: hide a post with a reason, show it
    again, or dismiss its reports (moderators)."""

    permission = "elearning.moderate_community"
    title = _("Moderate a post")
    submit_label = _("Apply")

    def form(self, data=None) -> PostModerationForm:
        return PostModerationForm(data=data, hidden=self.post_obj.status == PostStatus.HIDDEN)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            reason = form.cleaned_data["reason"]
            post, user = self.post_obj, request.user
            try:
                if action == PostModerationForm.HIDE:
                    services.hide_post(post=post, by=user, reason=reason)
                    message = _("The post is hidden.")
                elif action == PostModerationForm.RESTORE:
                    services.restore_post(post=post, by=user, reason=reason)
                    message = _("The post is shown again.")
                else:
                    services.resolve_flags(post=post, by=user)
                    message = _("The reports are dismissed; the post stays.")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(message)
        return self.render_form(form)


# --- The moderators' queue ------------------------------------------------------------------------
class CommunityModerationView(LoginRequiredMixin, TemplateView):
    """``/learning/communities/<slug>/moderation/``: posts with reports no moderator has dealt
    with, the most reported first, 20 a page (moderators)."""

    template_name = "elearning/communities/moderation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        community = community_for(kwargs["slug"])
        if not may_moderate(self.request.user, community):
            raise PermissionDenied
        page_obj = Paginator(selectors.flagged_posts(community), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        for post in page_obj.object_list:
            post.thread.community = community
        context.update(community=community, page_obj=page_obj, posts=page_obj.object_list)
        return context


urlpatterns = [
    path("communities/", CommunityListView.as_view(), name="community_list"),
    path("communities/<slug:slug>/", CommunityDetailView.as_view(), name="community_detail"),
    path(
        "communities/<slug:slug>/join/",
        MembershipView.as_view(action="join"),
        name="community_join",
    ),
    path(
        "communities/<slug:slug>/leave/",
        MembershipView.as_view(action="leave"),
        name="community_leave",
    ),
    path(
        "communities/<slug:slug>/notifications/",
        MembershipView.as_view(action="notifications"),
        name="community_notifications",
    ),
    path(
        "communities/<slug:slug>/moderation/",
        CommunityModerationView.as_view(),
        name="community_moderation",
    ),
    path(
        "communities/<slug:slug>/threads/<int:pk>/",
        ThreadDetailView.as_view(),
        name="thread_detail",
    ),
    path(
        "communities/<slug:slug>/threads/<int:pk>/moderate/",
        ThreadModerationView.as_view(),
        name="thread_moderate",
    ),
    path("communities/<slug:slug>/posts/<int:pk>/", PostLinkView.as_view(), name="post_link"),
    path("communities/<slug:slug>/posts/<int:pk>/edit/", PostEditView.as_view(), name="post_edit"),
    path("communities/<slug:slug>/posts/<int:pk>/flag/", PostFlagView.as_view(), name="post_flag"),
    path(
        "communities/<slug:slug>/posts/<int:pk>/moderate/",
        PostModerationView.as_view(),
        name="post_moderate",
    ),
]
