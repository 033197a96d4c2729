"""API of communities of practice, mounted at /api/v1/ by ``api/urls.py``.

- ``/communities/`` and ``/communities/{slug}/``: every community's public facts, for everyone;
  ``POST {slug}/join/`` and ``{slug}/leave/`` for people signed in.
- ``/community-threads/`` (``?community=<slug>``): the discussions, for people signed in (hidden
  ones for their moderators only); ``POST`` starts one (members).
- ``/community-posts/`` (``?thread=<id>``): the posts of the discussions one may read, a hidden
  post's text only for moderators; ``POST`` replies (members, while the thread is open),
  ``PATCH`` edits one's own post, ``POST {id}/flag/`` reports a post to the moderators.

Writes go through ``elearning.services.communities``: refusals are 403 with the service's
message, invalid fields 400 by name (text with HTML markup included).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from chm_portal.core.api.errors import ServiceErrorsMixin
from chm_portal.core.api.filters import MAX_ID
from chm_portal.core.api.serializers import StrictSerializer

from ..models import Community, CommunityMembership, Post, PostStatus, Thread
from ..rules import community_roles
from ..services import communities as services

Role = CommunityMembership.Role


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


def _moderated_ids(user) -> set[int] | None:
    """Communities ``user`` moderates; None when they moderate every one (staff)."""
    if user.has_perm("elearning.moderate_community"):
        return None
    return {pk for pk, role in community_roles(user).items() if role == Role.MODERATOR}


# --- Output ---------------------------------------------------------------------------------------
@extend_schema_field({"type": "string", "description": "visible, or hidden by a moderator."})
class PostStatusField(serializers.ChoiceField):
    """The status of a post or thread (``visible`` or ``hidden``). Described without an enum
    component: the name ``status`` is taken by other apps' enums in the schema, and a shared
    one would need an ``ENUM_NAME_OVERRIDES`` entry in the settings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PostStatus.choices, read_only=True, **kwargs)


class CommunitySerializer(serializers.ModelSerializer):
    """A community of practice; ``is_active``: a post in the last 90 days."""

    page_url = serializers.SerializerMethodField()
    theme = serializers.SlugRelatedField(
        source="thematic_area", slug_field="code", read_only=True, allow_null=True
    )
    targets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Community
        fields = [
            "id",
            "slug",
            "page_url",
            "name",
            "description",
            "theme",
            "targets",
            "is_open",
            "member_count",
            "last_post_at",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, community: Community) -> str:
        return _absolute(
            self.context.get("request"),
            reverse("elearning:community_detail", args=[community.slug]),
        )


class ThreadSerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = PostStatusField()
    author = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "community",
            "title",
            "author",
            "status",
            "is_locked",
            "is_pinned",
            "reply_count",
            "created_at",
            "last_post_at",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author(self, thread: Thread) -> str | None:
        return thread.author.get_full_name() if thread.author else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, thread: Thread) -> str:
        path = reverse("elearning:thread_detail", args=[thread.community.slug, thread.pk])
        return _absolute(self.context.get("request"), path)


class PostSerializer(serializers.ModelSerializer):
    """A post; ``body`` is null when a moderator hid it (moderators still read it)."""

    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    status = PostStatusField()

    class Meta:
        model = Post
        fields = ["id", "thread", "author", "body", "status", "created_at", "edited_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author(self, post: Post) -> str | None:
        return post.author.get_full_name() if post.author else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_body(self, post: Post) -> str | None:
        if post.status == PostStatus.VISIBLE:
            return post.body
        request = self.context.get("request")
        if request is not None and request.user.has_perm("elearning.moderate_community", post):
            return post.body
        return None


class FlagSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=300)


# --- Input ----------------------------------------------------------------------------------------
class ThreadCreateSerializer(StrictSerializer):
    community = serializers.SlugField(help_text=_("Short name (slug) of the community."))
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(help_text=_("The first message, plain text."))


class ReplySerializer(StrictSerializer):
    thread = serializers.IntegerField(help_text=_("Id of the discussion."))
    body = serializers.CharField(help_text=_("Plain text."))


class PostEditSerializer(StrictSerializer):
    body = serializers.CharField(help_text=_("Plain text."))
    title = serializers.CharField(
        max_length=200,
        required=False,
        help_text=_("New subject of the discussion (its first post only)."),
    )


# --- Filters --------------------------------------------------------------------------------------
class ThreadFilterSet(django_filters.FilterSet):
    community = django_filters.CharFilter(field_name="community__slug", label=_("Community (slug)"))

    class Meta:
        model = Thread
        fields: list[str] = []


class PostFilterSet(django_filters.FilterSet):
    thread = django_filters.NumberFilter(
        field_name="thread_id", label=_("Discussion (id)"), min_value=1, max_value=MAX_ID
    )
    community = django_filters.CharFilter(
        field_name="thread__community__slug", label=_("Community (slug)")
    )

    class Meta:
        model = Post
        fields: list[str] = []


# --- Viewsets -------------------------------------------------------------------------------------
ERRORS = {
    400: OpenApiResponse(description="Invalid or unknown fields (by name)."),
    403: OpenApiResponse(description="Not allowed for this person (not a member, closed...)."),
    404: OpenApiResponse(description="No such record, or not one this person may read."),
}


@extend_schema_view(
    list=extend_schema(summary="Communities of practice"),
    retrieve=extend_schema(summary="One community of practice"),
)
class CommunityViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Communities of practice: public facts for everyone; joining and leaving for people
    signed in."""

    serializer_class = CommunitySerializer
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Community.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Community]:
        return (
            Community.objects.select_related("thematic_area")
            .prefetch_related("targets")
            .order_by("name", "pk")
        )

    @extend_schema(
        summary="Join an open community",
        request=None,
        responses={200: CommunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def join(self, request: Request, slug: str) -> Response:
        community = self.get_object()
        services.join(community=community, user=request.user)
        community.refresh_from_db(fields=["member_count"])
        return Response(self.get_serializer(community).data)

    @extend_schema(
        summary="Leave a community", request=None, responses={200: CommunitySerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def leave(self, request: Request, slug: str) -> Response:
        community = self.get_object()
        services.leave(community=community, user=request.user)
        community.refresh_from_db(fields=["member_count"])
        return Response(self.get_serializer(community).data)


@extend_schema_view(
    list=extend_schema(summary="Discussions of communities (people signed in)"),
    retrieve=extend_schema(summary="One discussion"),
    create=extend_schema(
        summary="Start a discussion (members)",
        request=ThreadCreateSerializer,
        responses={201: ThreadSerializer, **ERRORS},
    ),
)
class ThreadViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Discussions, pinned first then the most recently active."""

    serializer_class = ThreadSerializer
    filterset_class = ThreadFilterSet
    permission_classes = [permissions.IsAuthenticated]
    queryset = Thread.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Thread]:
        threads = Thread.objects.select_related("community", "author").order_by(
            "-is_pinned", "-last_post_at", "-pk"
        )
        moderated = _moderated_ids(self.request.user)
        if moderated is not None:
            threads = threads.filter(Q(status=PostStatus.VISIBLE) | Q(community_id__in=moderated))
        return threads

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ThreadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        community = Community.objects.filter(slug=data.validated_data["community"]).first()
        if community is None:
            raise NotFound(_("No such community."))
        thread = services.start_thread(
            community=community,
            user=request.user,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
        )
        output = ThreadSerializer(thread, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Posts of discussions (people signed in)"),
    retrieve=extend_schema(summary="One post"),
    create=extend_schema(
        summary="Reply in a discussion (members, while it is open)",
        request=ReplySerializer,
        responses={201: PostSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit one's own post",
        request=PostEditSerializer,
        responses={200: PostSerializer, **ERRORS},
    ),
)
class PostViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts in the order they were written."""

    serializer_class = PostSerializer
    filterset_class = PostFilterSet
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Post.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Post]:
        posts = Post.objects.select_related("thread", "author").order_by(
            "thread_id", "created_at", "pk"
        )
        moderated = _moderated_ids(self.request.user)
        if moderated is not None:
            posts = posts.filter(
                Q(thread__status=PostStatus.VISIBLE) | Q(thread__community_id__in=moderated)
            )
        return posts

    def _respond(self, post: Post, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=post.pk)
        return Response(
            PostSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = Thread.objects.filter(pk=data.validated_data["thread"]).first()
        if thread is None or not (
            thread.status == PostStatus.VISIBLE
            or request.user.has_perm("elearning.moderate_community", thread)
        ):
            raise NotFound(_("No such discussion."))
        post = services.reply(thread=thread, user=request.user, body=data.validated_data["body"])
        return self._respond(post, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        data = PostEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.edit_post(
            post=post,
            user=request.user,
            body=data.validated_data["body"],
            title=data.validated_data.get("title"),
        )
        return self._respond(post)

    @extend_schema(
        summary="Report a post to the moderators (members, once per post)",
        request=FlagSerializer,
        responses={201: FlagSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def flag(self, request: Request, pk: str) -> Response:
        post = self.get_object()
        data = FlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_post(
            post=post, user=request.user, reason=data.validated_data["reason"]
        )
        return Response({"reason": flag.reason}, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [
    ("communities", CommunityViewSet, "community"),
    ("community-threads", ThreadViewSet, "community-thread"),
    ("community-posts", PostViewSet, "community-post"),
]
