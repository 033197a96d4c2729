"""API of communities of practice: public communities, discussions for people signed in, writes
through the services (403 refusals, 400 for markup)."""

import pytest

from elearning.models import CommunityMembership, Post, PostFlag, Thread
from elearning.services import communities as services
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture
def community(db):
    return CommunityFactory(slug="mangroves", name="Mangrove restoration")


@pytest.fixture
def lea(learner, community):
    services.join(community=community, user=learner)
    return learner


@pytest.fixture
def thread(community, lea):
    return services.start_thread(
        community=community, user=lea, title="Seedlings", body="Where do you source seedlings?"
    )


def test_anyone_lists_and_reads_communities(api_client, community):
    listed = api_client.get(f"{BASE}/communities/")
    one = api_client.get(f"{BASE}/communities/mangroves/")

    assert listed.status_code == 200
    assert [row["slug"] for row in listed.json()["results"]] == ["mangroves"]
    assert one.json()["name"] == "Mangrove restoration"
    assert one.json()["is_active"] is False


def test_join_and_leave_through_the_api(api_client, community, learner):
    assert api_client.post(f"{BASE}/communities/mangroves/join/").status_code in (401, 403)

    api_client.force_authenticate(learner)
    joined = api_client.post(f"{BASE}/communities/mangroves/join/")
    assert joined.status_code == 200
    assert joined.json()["member_count"] == 1

    left = api_client.post(f"{BASE}/communities/mangroves/leave/")
    assert left.json()["member_count"] == 0
    assert not CommunityMembership.objects.exists()


def test_discussions_are_for_people_signed_in(api_client, thread, member_y):
    assert api_client.get(f"{BASE}/community-threads/").status_code in (401, 403)
    assert api_client.get(f"{BASE}/community-posts/").status_code in (401, 403)

    api_client.force_authenticate(member_y)
    threads = api_client.get(f"{BASE}/community-threads/", {"community": "mangroves"})
    posts = api_client.get(f"{BASE}/community-posts/", {"thread": thread.pk})

    assert [row["title"] for row in threads.json()["results"]] == ["Seedlings"]
    assert [row["body"] for row in posts.json()["results"]] == ["Where do you source seedlings?"]


def test_members_start_threads_and_reply_non_members_may_not(api_client, community, lea, member_y):
    api_client.force_authenticate(member_y)
    refused = api_client.post(
        f"{BASE}/community-threads/", {"community": "mangroves", "title": "Hi", "body": "Hi"}
    )
    assert refused.status_code == 403
    assert "Join the community" in refused.json()["detail"]

    api_client.force_authenticate(lea)
    created = api_client.post(
        f"{BASE}/community-threads/",
        {"community": "mangroves", "title": "Nurseries", "body": "Advice?"},
        format="json",
    )
    assert created.status_code == 201
    thread_id = created.json()["id"]

    api_client.force_authenticate(member_y)
    assert (
        api_client.post(
            f"{BASE}/community-posts/", {"thread": thread_id, "body": "Me too"}
        ).status_code
        == 403
    )

    services.join(community=community, user=member_y)
    replied = api_client.post(f"{BASE}/community-posts/", {"thread": thread_id, "body": "Kilifi"})
    assert replied.status_code == 201
    assert Thread.objects.get(pk=thread_id).reply_count == 1


def test_markup_is_refused_with_400_and_nothing_saved(api_client, thread, lea):
    api_client.force_authenticate(lea)

    response = api_client.post(
        f"{BASE}/community-posts/",
        {"thread": thread.pk, "body": "<script>alert(1)</script>"},
        format="json",
    )

    assert response.status_code == 400
    assert "Remove the HTML markup" in " ".join(response.json()["body"])
    assert Post.objects.count() == 1


def test_hidden_post_text_is_for_moderators_only(api_client, thread, member_x, reviewer_user):
    services.join(community=thread.community, user=member_x)
    reply = services.reply(thread=thread, user=member_x, body="Buy now")
    services.hide_post(post=reply, by=reviewer_user, reason="Spam")

    api_client.force_authenticate(member_x)
    bodies = [row["body"] for row in api_client.get(f"{BASE}/community-posts/").json()["results"]]
    assert bodies == ["Where do you source seedlings?", None]

    api_client.force_authenticate(reviewer_user)
    bodies = [row["body"] for row in api_client.get(f"{BASE}/community-posts/").json()["results"]]
    assert bodies == ["Where do you source seedlings?", "Buy now"]


def test_flag_once_and_edit_own_post(api_client, thread, member_x, lea):
    services.join(community=thread.community, user=member_x)
    post = thread.posts.get()
    api_client.force_authenticate(member_x)

    assert (
        api_client.post(f"{BASE}/community-posts/{post.pk}/flag/", {"reason": "Spam"}).status_code
        == 201
    )
    again = api_client.post(f"{BASE}/community-posts/{post.pk}/flag/", {"reason": "Spam"})
    assert again.status_code == 400
    assert PostFlag.objects.count() == 1

    assert (
        api_client.patch(f"{BASE}/community-posts/{post.pk}/", {"body": "Mine now"}).status_code
        == 403
    )
    api_client.force_authenticate(lea)
    edited = api_client.patch(f"{BASE}/community-posts/{post.pk}/", {"body": "Where from?"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Where from?"


def test_unknown_filters_are_refused(api_client, learner):
    api_client.force_authenticate(learner)
    assert api_client.get(f"{BASE}/community-threads/", {"comunity": "x"}).status_code == 400


def test_hidden_threads_are_listed_for_moderators_only(api_client, thread, member_x, helpdesk_user):
    services.hide_post(post=thread.posts.get(), by=helpdesk_user, reason="Personal data")
    other = UserFactory(email="other@example.org")

    api_client.force_authenticate(other)
    assert api_client.get(f"{BASE}/community-threads/").json()["results"] == []

    api_client.force_authenticate(helpdesk_user)
    assert len(api_client.get(f"{BASE}/community-threads/").json()["results"]) == 1
