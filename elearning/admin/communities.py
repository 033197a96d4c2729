"""The admin of communities of practice, for the help desk and content reviewers.

Communities are created through ``create_community``; their memberships are edited inline, and
the member count is recounted after. Threads and posts are written by members on the portal:
here they are read, and moderated through the services (hide and restore with a reason, dismiss
reports, close and pin discussions), each row in its own transaction with what could not be done
reported.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from chm_portal.core.admin_tools import ReadOnlyInline, apply_to_each

from ..models import Community, CommunityMembership, Post, PostFlag, PostStatus, Thread
from ..selectors.communities import active_cutoff
from ..services import communities as services

ACTION_TEMPLATE = "admin/action_form.html"


# --- Communities ----------------------------------------------------------------------------------
class MembershipInline(admin.TabularInline):
    model = CommunityMembership
    fields = ("user", "role", "notify", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("user",)
    extra = 0


class ActiveCommunityFilter(admin.SimpleListFilter):
    """A post in the last 90 days ("active communities" of monitoring)."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(last_post_at__gte=active_cutoff())
        if self.value() == "no":
            return queryset.exclude(last_post_at__gte=active_cutoff())
        return queryset


@admin.register(Community)
class CommunityAdmin(TranslationAdmin):
    list_display = (
        "name",
        "slug",
        "thematic_area",
        "is_open",
        "member_count",
        "last_post_at",
        "active",
    )
    list_filter = ("is_open", ActiveCommunityFilter, "thematic_area")
    search_fields = ("slug", "name", "description")
    list_select_related = ("thematic_area",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("targets",)
    readonly_fields = ("member_count", "last_post_at", "created_by", "created_at")
    inlines = (MembershipInline,)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(
            "elearning.create_community"
        )

    @admin.display(description=_("active"), boolean=True)
    def active(self, community: Community) -> bool:
        return community.is_active

    def save_model(self, request, obj: Community, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.community_fields() and name != "targets"
        }
        community = services.create_community(by=request.user, **fields)
        obj.pk = community.pk
        obj._state.adding, obj._state.db = False, community._state.db
        obj.created_by, obj.created_at = community.created_by, community.created_at

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Memberships edited inline: the denormalised count follows.
        services.recount_members(community=form.instance)


# --- Threads --------------------------------------------------------------------------------------
class PostInline(ReadOnlyInline):
    model = Post
    fields = ("author", "body", "status", "flag_count", "created_at", "moderation_reason")
    readonly_fields = fields
    show_change_link = True
    ordering = ("created_at", "pk")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "community",
        "author",
        "status",
        "is_locked",
        "is_pinned",
        "reply_count",
        "last_post_at",
    )
    list_filter = ("status", "is_locked", "is_pinned", "community")
    search_fields = ("title", "community__name", "author__email", "author__full_name")
    list_select_related = ("community", "author")
    readonly_fields = (
        "community",
        "author",
        "title",
        "status",
        "is_locked",
        "is_pinned",
        "created_at",
        "last_post_at",
        "reply_count",
    )
    inlines = (PostInline,)
    actions = ["lock", "unlock", "pin", "unpin"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _set(self, request, queryset, change, label) -> None:
        apply_to_each(
            self,
            request,
            queryset.select_related("community").order_by("pk"),
            lambda thread: change(thread=thread, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d discussion: %(label)s.", "%(count)d discussions: %(label)s.", count
                )
                % {"count": count, "label": label}
            ),
        )

    @admin.action(description=_("Close to replies"), permissions=["change"])
    def lock(self, request, queryset: QuerySet[Thread]) -> None:
        self._set(request, queryset, services.lock_thread, _("closed to replies"))

    @admin.action(description=_("Open to replies"), permissions=["change"])
    def unlock(self, request, queryset: QuerySet[Thread]) -> None:
        self._set(request, queryset, services.unlock_thread, _("open to replies"))

    @admin.action(description=_("Pin"), permissions=["change"])
    def pin(self, request, queryset: QuerySet[Thread]) -> None:
        self._set(request, queryset, services.pin_thread, _("pinned"))

    @admin.action(description=_("Unpin"), permissions=["change"])
    def unpin(self, request, queryset: QuerySet[Thread]) -> None:
        self._set(
            request,
            queryset,
            lambda **kw: services.pin_thread(**kw, pinned=False),
            _("unpinned"),
        )


# --- Posts ----------------------------------------------------------------------------------------
class FlaggedFilter(admin.SimpleListFilter):
    """Posts with reports no moderator has dealt with."""

    title = _("reported")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for a moderator")), ("no", _("No open report"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the posts hidden?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Moderators see it; the posts show “hidden by a moderator” to members."),
    )


class PostFlagInline(ReadOnlyInline):
    model = PostFlag
    fields = ("user", "reason", "created_at", "resolved_at")
    readonly_fields = fields


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "thread", "author", "status", "flag_count", "created_at")
    list_filter = ("status", FlaggedFilter, "thread__community")
    search_fields = ("body", "thread__title", "author__email", "author__full_name")
    list_select_related = ("thread", "author")
    readonly_fields = (
        "thread",
        "author",
        "body",
        "status",
        "created_at",
        "edited_at",
        "moderated_by",
        "moderated_at",
        "moderation_reason",
        "flag_count",
    )
    inlines = (PostFlagInline,)
    actions = ["hide", "restore", "dismiss_reports"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("post"))
    def excerpt(self, post: Post) -> str:
        return post.body[:80]

    def _posts(self, queryset: QuerySet[Post]) -> QuerySet[Post]:
        return queryset.select_related("thread__community").order_by("pk")

    @admin.action(description=_("Hide…"), permissions=["change"])
    def hide(self, request, queryset: QuerySet[Post]):
        """Asks for the reason first, on an intermediate page that keeps the selection."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            apply_to_each(
                self,
                request,
                self._posts(queryset),
                lambda post: services.hide_post(
                    post=post, by=request.user, reason=form.cleaned_data["reason"]
                ),
                lambda count: (
                    ngettext("%(count)d post hidden.", "%(count)d posts hidden.", count)
                    % {"count": count}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide posts"),
            "opts": self.model._meta,
            "form": form,
            "objects": list(self._posts(queryset)),
            "action": "hide",
            "submit_label": _("Hide the posts"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_TEMPLATE, context)

    @admin.action(description=_("Show again"), permissions=["change"])
    def restore(self, request, queryset: QuerySet[Post]) -> None:
        apply_to_each(
            self,
            request,
            self._posts(queryset.filter(status=PostStatus.HIDDEN)),
            lambda post: services.restore_post(post=post, by=request.user),
            lambda count: (
                ngettext("%(count)d post shown again.", "%(count)d posts shown again.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Dismiss the reports (keep the posts)"), permissions=["change"])
    def dismiss_reports(self, request, queryset: QuerySet[Post]) -> None:
        apply_to_each(
            self,
            request,
            self._posts(queryset),
            lambda post: services.resolve_flags(post=post, by=request.user),
            lambda count: (
                ngettext(
                    "Reports of %(count)d post dismissed.",
                    "Reports of %(count)d posts dismissed.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(PostFlag)
class PostFlagAdmin(admin.ModelAdmin):
    list_display = ("post", "user", "reason", "created_at", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("reason", "user__email", "post__body")
    list_select_related = ("post", "user")
    readonly_fields = ("post", "user", "reason", "created_at", "resolved_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
