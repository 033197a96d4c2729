"""Pages of communities of practice: what anonymous visitors, people signed in, members and
moderators see and may do; a refused post keeps its text; query counts do not grow with the
number of communities or posts.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from elearning.models import Community, CommunityMembership, Post, PostFlag, PostStatus, Thread
from elearning.services import communities as services
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKUP = "Look <script>alert('x')</script>"


@pytest.fixture
def community(db):
    return CommunityFactory(
        slug="mangroves",
        name="Mangrove restoration",
        description="Practitioners restoring mangroves.",
    )


@pytest.fixture
def mona(community):
    user = UserFactory(email="mona@example.org", full_name="Mona Mbeki")
    CommunityMembership.objects.create(
        community=community, user=user, role=CommunityMembership.Role.MODERATOR
    )
    services.recount_members(community=community)
    return user


@pytest.fixture
def lea(learner, community):
    services.join(community=community, user=learner)
    return learner


@pytest.fixture
def thread(community, lea):
    return services.start_thread(
        community=community, user=lea, title="Seedlings", body="Where do you source seedlings?"
    )


def detail_url(community):
    return reverse("elearning:community_detail", args=[community.slug])


def thread_url(thread):
    return reverse("elearning:thread_detail", args=[thread.community.slug, thread.pk])


# --- The list -------------------------------------------------------------------------------------
def test_the_list_shows_every_community_with_its_activity(client, community):
    CommunityFactory(slug="quiet", name="Quiet corner")
    Community.objects.filter(pk=community.pk).update(last_post_at=timezone.now())

    response = client.get(reverse("elearning:community_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Mangrove restoration" in page and "Quiet corner" in page
    assert page.count(">Active</span>") == 1
    assert "to join a community" in page  # anonymous: sign in to join


def test_the_list_offers_to_join_open_communities(client, community, learner):
    client.force_login(learner)
    page = client.get(reverse("elearning:community_list")).content.decode()
    assert reverse("elearning:community_join", args=[community.slug]) in page


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_has_constant_queries(client, learner, django_assert_max_num_queries, count):
    for number in range(count):
        community = CommunityFactory(slug=f"c{number}", name=f"Community {number:02d}")
        services.join(community=community, user=learner)
    client.force_login(learner)

    # session, user, count, page, the person's roles, the inbox badge.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("elearning:community_list"))
    assert response.status_code == 200


# --- One community --------------------------------------------------------------------------------
def test_anonymous_visitors_see_the_description_and_are_asked_to_sign_in(client, thread):
    response = client.get(detail_url(thread.community))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Practitioners restoring mangroves." in page
    assert "Sign in to read the discussions" in page
    assert "Seedlings" not in page


def test_people_signed_in_read_the_threads_and_may_join(client, thread, member_y):
    client.force_login(member_y)
    page = client.get(detail_url(thread.community)).content.decode()

    assert "Seedlings" in page
    assert "Join the community" in page
    assert "Start a discussion" not in page


def test_members_start_a_discussion(client, community, lea):
    client.force_login(lea)
    assert "Start a discussion" in client.get(detail_url(community)).content.decode()

    response = client.post(
        detail_url(community), {"thread-title": "Nurseries", "thread-body": "Any advice?"}
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response.url == thread_url(thread)
    assert thread.posts.get().body == "Any advice?"


def test_script_in_a_new_discussion_is_refused_and_the_text_kept(client, community, lea):
    client.force_login(lea)

    response = client.post(
        detail_url(community), {"thread-title": "Nurseries", "thread-body": MARKUP}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Remove the HTML markup" in page
    assert "Look &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # kept, escaped
    assert 'value="Nurseries"' in page
    assert not Thread.objects.exists()


def test_non_members_cannot_start_a_discussion(client, community, member_y):
    client.force_login(member_y)
    response = client.post(detail_url(community), {"thread-title": "Hi", "thread-body": "Hi"})
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_joining_leaving_and_the_notification_setting(client, community, learner):
    client.force_login(learner)

    client.post(reverse("elearning:community_join", args=[community.slug]))
    membership = CommunityMembership.objects.get(user=learner)
    assert membership.notify is True

    client.post(reverse("elearning:community_notifications", args=[community.slug]), {})
    membership.refresh_from_db()
    assert membership.notify is False

    client.post(reverse("elearning:community_leave", args=[community.slug]))
    assert not CommunityMembership.objects.filter(user=learner).exists()
    assert Community.objects.get().member_count == 0


def test_a_closed_community_cannot_be_joined_from_its_page(client, community, learner):
    Community.objects.filter(pk=community.pk).update(is_open=False)
    client.force_login(learner)

    response = client.post(reverse("elearning:community_join", args=[community.slug]), follow=True)

    assert "closed" in response.content.decode()
    assert not CommunityMembership.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_to_join(client, community):
    response = client.post(reverse("elearning:community_join", args=[community.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "login" in response.url


# --- One thread -----------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in_to_read_a_thread(client, thread):
    response = client.get(thread_url(thread))
    assert response.status_code == 302
    assert "login" in response.url


def test_members_reply(client, thread, member_x):
    services.join(community=thread.community, user=member_x)
    client.force_login(member_x)

    response = client.post(thread_url(thread), {"reply-body": "From Kilifi."})

    reply = Post.objects.get(body="From Kilifi.")
    assert response.status_code == 302
    assert response.url.endswith(f"#post-{reply.pk}")
    assert Thread.objects.get().reply_count == 1


def test_script_in_a_reply_is_refused_and_the_text_kept(client, thread, member_x):
    services.join(community=thread.community, user=member_x)
    client.force_login(member_x)

    response = client.post(thread_url(thread), {"reply-body": MARKUP})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Remove the HTML markup" in page
    assert "alert(&#x27;x&#x27;)" in page
    assert Post.objects.count() == 1


def test_non_members_and_members_of_a_locked_thread_cannot_reply(
    client, thread, member_x, member_y, mona
):
    client.force_login(member_y)
    page = client.get(thread_url(thread)).content.decode()
    assert "Join the community to reply." in page
    assert client.post(thread_url(thread), {"reply-body": "Me too"}).status_code == 403

    services.join(community=thread.community, user=member_x)
    services.lock_thread(thread=thread, by=mona)
    client.force_login(member_x)
    page = client.get(thread_url(thread)).content.decode()
    assert "This discussion is closed to replies." in page
    assert client.post(thread_url(thread), {"reply-body": "Late"}).status_code == 403
    assert Post.objects.count() == 1


def test_hidden_posts_show_as_such_and_their_text_to_moderators_only(
    client, thread, member_x, mona
):
    services.join(community=thread.community, user=member_x)
    reply = services.reply(thread=thread, user=member_x, body="Buy my product")
    services.hide_post(post=reply, by=mona, reason="Advertising")

    client.force_login(thread.author)
    page = client.get(thread_url(thread)).content.decode()
    assert "This post was hidden by a moderator." in page
    assert "Buy my product" not in page

    client.force_login(mona)
    page = client.get(thread_url(thread)).content.decode()
    assert "Buy my product" in page
    assert "Advertising" in page


def test_a_hidden_thread_is_seen_by_moderators_only(client, thread, member_x, reviewer_user):
    services.join(community=thread.community, user=member_x)
    services.hide_post(post=thread.posts.get(), by=reviewer_user, reason="Personal data")

    client.force_login(member_x)
    assert client.get(thread_url(thread)).status_code == 404
    assert "Seedlings" not in client.get(detail_url(thread.community)).content.decode()

    client.force_login(reviewer_user)
    assert client.get(thread_url(thread)).status_code == 200


def test_moderators_lock_and_pin_from_the_thread_page(client, thread, mona, lea):
    url = reverse("elearning:thread_moderate", args=[thread.community.slug, thread.pk])
    client.force_login(lea)
    assert client.post(url, {"action": "lock"}).status_code == 403

    client.force_login(mona)
    client.post(url, {"action": "lock"})
    client.post(url, {"action": "pin"})

    stored = Thread.objects.get()
    assert stored.is_locked and stored.is_pinned


def _fill(thread, authors, count):
    for number in range(count):
        services.reply(thread=thread, user=authors[number % len(authors)], body=f"Reply {number}")


@pytest.mark.parametrize("count", [2, 19])
def test_a_thread_page_has_constant_queries(client, thread, django_assert_max_num_queries, count):
    authors = []
    for number in range(3):
        user = UserFactory(email=f"author{number}@example.org")
        services.join(community=thread.community, user=user)
        authors.append(user)
    _fill(thread, authors, count)
    client.force_login(authors[0])

    # session, user, community, thread, roles, groups, count, page, own reports, inbox badge.
    with django_assert_max_num_queries(10):
        response = client.get(thread_url(thread))
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == count + 1


@pytest.mark.parametrize("count", [2, 25])
def test_a_community_page_has_constant_queries(
    client, community, lea, django_assert_max_num_queries, count
):
    for number in range(count):
        services.start_thread(community=community, user=lea, title=f"T{number}", body="Hello")
    client.force_login(lea)

    # community, targets, session, user, roles, groups, membership, moderators, count, page,
    # the inbox badge.
    with django_assert_max_num_queries(11):
        response = client.get(detail_url(community))
    assert response.status_code == 200


def test_the_post_link_leads_to_its_page(client, thread, lea):
    _fill(thread, [lea], 25)
    last = Post.objects.order_by("-created_at", "-pk").first()
    client.force_login(lea)

    response = client.get(reverse("elearning:post_link", args=[thread.community.slug, last.pk]))

    assert response.url == f"{thread_url(thread)}?page=2#post-{last.pk}"


# --- Editing, reporting, moderating ---------------------------------------------------------------
def test_authors_edit_their_post_and_others_may_not(client, thread, member_x):
    post = thread.posts.get()
    url = reverse("elearning:post_edit", args=[thread.community.slug, post.pk])
    client.force_login(member_x)
    assert client.get(url).status_code == 403

    client.force_login(thread.author)
    response = client.post(url, {"title": "Nurseries", "body": MARKUP})
    assert response.status_code == 200
    assert "Remove the HTML markup" in response.content.decode()
    assert Post.objects.get().body == "Where do you source seedlings?"

    client.post(url, {"title": "Nurseries", "body": "Where do you buy seedlings?"})
    assert Post.objects.get().body == "Where do you buy seedlings?"
    assert Thread.objects.get().title == "Nurseries"


def test_a_member_reports_a_post_once_from_its_page(client, thread, member_x):
    services.join(community=thread.community, user=member_x)
    post = thread.posts.get()
    url = reverse("elearning:post_flag", args=[thread.community.slug, post.pk])
    client.force_login(member_x)

    response = client.post(url, {"reason": "Off-topic"})
    assert response.status_code == 302
    assert PostFlag.objects.filter(post=post, user=member_x).exists()

    page = client.get(thread_url(thread)).content.decode()
    assert "You reported this post." in page
    response = client.post(url, {"reason": "Again"})
    assert "already reported" in response.content.decode()
    assert PostFlag.objects.count() == 1


def test_the_moderation_queue_is_for_moderators(client, thread, member_x, mona):
    services.join(community=thread.community, user=member_x)
    services.flag_post(post=thread.posts.get(), user=member_x, reason="Off-topic")
    url = reverse("elearning:community_moderation", args=[thread.community.slug])

    client.force_login(member_x)
    assert client.get(url).status_code == 403

    client.force_login(mona)
    page = client.get(url).content.decode()
    assert "Off-topic" in page
    assert "Where do you source seedlings?" in page


def test_moderators_hide_a_post_with_a_reason_from_its_page(client, thread, member_x, mona):
    services.join(community=thread.community, user=member_x)
    reply = services.reply(thread=thread, user=member_x, body="Buy now")
    url = reverse("elearning:post_moderate", args=[thread.community.slug, reply.pk])

    client.force_login(member_x)
    assert client.get(url).status_code == 403

    client.force_login(mona)
    response = client.post(url, {"action": "hide", "reason": ""})
    assert "Say why the post is hidden." in response.content.decode()
    assert Post.objects.get(pk=reply.pk).status == PostStatus.VISIBLE

    client.post(url, {"action": "hide", "reason": "Advertising"})
    assert Post.objects.get(pk=reply.pk).status == PostStatus.HIDDEN

    client.post(url, {"action": "restore", "reason": ""})
    assert Post.objects.get(pk=reply.pk).status == PostStatus.VISIBLE


def test_the_active_badge_follows_the_last_post(client, community):
    Community.objects.filter(pk=community.pk).update(
        last_post_at=timezone.now() - timedelta(days=91)
    )
    page = client.get(reverse("elearning:community_list")).content.decode()
    assert ">Active</span>" not in page
