"""The admin of communities of practice, as Hana (help desk) and Rui (content reviewer):
pages render, communities are created through the service, memberships edited inline are
counted, posts are moderated through the services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from elearning.models import Community, CommunityMembership, Post, PostStatus, Thread
from elearning.services import communities as services
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(learner, member_x):
    community = CommunityFactory(slug="mangroves", name="Mangrove restoration")
    services.join(community=community, user=learner)
    services.join(community=community, user=member_x)
    thread = services.start_thread(
        community=community, user=learner, title="Seedlings", body="Where from?"
    )
    services.reply(thread=thread, user=member_x, body="Buy my seedlings!")
    services.flag_post(post=thread.posts.last(), user=learner, reason="Advertising")
    return thread


@pytest.mark.parametrize("person", ["helpdesk_user", "reviewer_user"])
@pytest.mark.parametrize("model", ["community", "thread", "post", "postflag"])
def test_the_lists_and_pages_render(request, client, thread, person, model):
    client.force_login(request.getfixturevalue(person))
    objects = {
        "community": thread.community,
        "thread": thread,
        "post": thread.posts.last(),
        "postflag": thread.posts.last().flags.get(),
    }

    listed = client.get(reverse(f"admin:elearning_{model}_changelist"))
    shown = client.get(reverse(f"admin:elearning_{model}_change", args=[objects[model].pk]))

    assert listed.status_code == 200
    assert shown.status_code == 200


def test_the_help_desk_creates_a_community_with_its_moderator(client, helpdesk_user, member_y):
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:elearning_community_add"),
        {
            "slug": "invasive-species",
            "name_en": "Invasive species",
            "description_en": "Managing invasive alien species.",
            "is_open": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": member_y.pk,
            "memberships-0-role": "moderator",
            "memberships-0-notify": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    community = Community.objects.get(slug="invasive-species")
    assert community.created_by == helpdesk_user
    assert community.member_count == 1
    assert CommunityMembership.objects.get(community=community).role == "moderator"


def test_reviewers_do_not_add_communities_in_the_admin(client, reviewer_user):
    client.force_login(reviewer_user)
    assert client.get(reverse("admin:elearning_community_add")).status_code == 403


def test_hiding_posts_asks_for_a_reason_then_goes_through_the_service(
    client, helpdesk_user, thread
):
    reply = thread.posts.last()
    client.force_login(helpdesk_user)
    url = reverse("admin:elearning_post_changelist")

    asked = client.post(url, {"action": "hide", ACTION_CHECKBOX_NAME: [reply.pk]})
    assert asked.status_code == 200
    assert "Why are the posts hidden?" in asked.content.decode()
    assert Post.objects.get(pk=reply.pk).status == PostStatus.VISIBLE

    client.post(
        url,
        {"action": "hide", ACTION_CHECKBOX_NAME: [reply.pk], "apply": "1", "reason": "Spam"},
    )
    hidden = Post.objects.get(pk=reply.pk)
    assert (hidden.status, hidden.moderation_reason, hidden.flag_count) == (
        PostStatus.HIDDEN,
        "Spam",
        0,
    )
    assert Thread.objects.get().reply_count == 0

    client.post(url, {"action": "restore", ACTION_CHECKBOX_NAME: [reply.pk]})
    assert Post.objects.get(pk=reply.pk).status == PostStatus.VISIBLE


def test_locking_threads_from_the_admin(client, reviewer_user, thread):
    client.force_login(reviewer_user)
    client.post(
        reverse("admin:elearning_thread_changelist"),
        {"action": "lock", ACTION_CHECKBOX_NAME: [thread.pk]},
    )
    assert Thread.objects.get().is_locked
