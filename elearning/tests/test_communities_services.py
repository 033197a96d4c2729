"""Services of communities of practice: who may join, post, reply, report and moderate, and the
counters they keep.

People: Lea (a learner) and Xavier are members of the mangroves community, Mona moderates it,
Yara is signed in but not a member, Rui reviews content (moderates every community without
being a member), Hana works at the help desk.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from elearning.models import (
    Alumnus,
    Community,
    CommunityMembership,
    Post,
    PostFlag,
    PostStatus,
    Thread,
)
from elearning.selectors.communities import active_communities
from elearning.services import communities as services
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKUP = "Look <script>alert('x')</script>"
MARKUP_MESSAGE = "Remove the HTML markup"


@pytest.fixture
def community(db):
    return CommunityFactory(slug="mangroves", name="Mangrove restoration")


@pytest.fixture
def mona(community):
    """Mona Mbeki, moderator of the mangroves community."""
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
def xavier(member_x, community):
    services.join(community=community, user=member_x)
    return member_x


@pytest.fixture
def thread(community, lea):
    return services.start_thread(
        community=community, user=lea, title="Seedlings", body="Where do you source seedlings?"
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- Membership -----------------------------------------------------------------------------------
def test_joining_an_open_community_counts_once_and_leaving_uncounts(community, learner):
    services.join(community=community, user=learner)
    services.join(community=community, user=learner)  # again: nothing changes

    assert CommunityMembership.objects.filter(community=community, user=learner).count() == 1
    assert fresh(community).member_count == 1

    assert services.leave(community=community, user=learner) is True
    assert services.leave(community=community, user=learner) is False
    assert fresh(community).member_count == 0


def test_a_closed_community_is_joined_only_through_its_moderators(community, learner, mona):
    Community.objects.filter(pk=community.pk).update(is_open=False)
    community.refresh_from_db()

    with pytest.raises(PermissionDenied, match="closed"):
        services.join(community=community, user=learner)

    services.add_member(community=community, user=learner, role="member", by=mona)
    assert fresh(community).member_count == 2  # Mona and Lea


def test_members_do_not_add_members_but_moderators_and_staff_do(
    community, lea, member_y, reviewer_user, helpdesk_user
):
    with pytest.raises(PermissionDenied):
        services.add_member(community=community, user=member_y, by=lea)

    services.add_member(community=community, user=member_y, role="moderator", by=reviewer_user)
    membership = CommunityMembership.objects.get(community=community, user=member_y)
    assert membership.role == "moderator"

    services.add_member(community=community, user=member_y, role="member", by=helpdesk_user)
    membership.refresh_from_db()
    assert membership.role == "member"
    assert fresh(community).member_count == 2


def test_anonymous_visitors_cannot_join(community):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.join(community=community, user=AnonymousUser())


# --- Threads and replies --------------------------------------------------------------------------
def test_a_member_starts_a_thread_with_its_first_post(community, lea):
    thread = services.start_thread(
        community=community, user=lea, title="  Seedlings ", body="Where from?"
    )

    assert thread.title == "Seedlings"
    assert list(thread.posts.values_list("body", flat=True)) == ["Where from?"]
    assert thread.reply_count == 0
    assert fresh(community).last_post_at == thread.posts.get().created_at


def test_non_members_cannot_start_threads_but_reviewers_can(community, member_y, reviewer_user):
    with pytest.raises(PermissionDenied, match="Join the community"):
        services.start_thread(community=community, user=member_y, title="Hi", body="Hello")

    thread = services.start_thread(
        community=community, user=reviewer_user, title="Welcome", body="Rules of the community."
    )
    assert thread.pk


def test_replies_keep_the_counters(thread, xavier):
    before = fresh(thread).last_post_at

    post = services.reply(thread=thread, user=xavier, body="From the nursery in Kilifi.")

    stored = fresh(thread)
    assert stored.reply_count == 1
    assert stored.last_post_at == post.created_at > before
    assert fresh(thread.community).last_post_at == post.created_at


def test_non_members_cannot_reply(thread, member_y):
    with pytest.raises(PermissionDenied, match="Join the community"):
        services.reply(thread=thread, user=member_y, body="Me too")
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_locked_thread_refuses_replies_of_members_but_not_of_moderators(thread, xavier, mona):
    services.lock_thread(thread=thread, by=mona)

    with pytest.raises(PermissionDenied, match="closed to replies"):
        services.reply(thread=fresh(thread), user=xavier, body="Late answer")

    services.reply(thread=fresh(thread), user=mona, body="Closing note from the moderator.")
    assert fresh(thread).reply_count == 1


def test_only_moderators_lock_and_pin(thread, xavier, reviewer_user):
    with pytest.raises(PermissionDenied):
        services.lock_thread(thread=thread, by=xavier)
    with pytest.raises(PermissionDenied):
        services.pin_thread(thread=thread, by=xavier)

    services.pin_thread(thread=thread, by=reviewer_user)
    assert fresh(thread).is_pinned


@pytest.mark.parametrize("field", ["title", "body"])
def test_script_in_a_new_thread_is_refused_and_nothing_is_saved(community, lea, field):
    values = {"title": "Seedlings", "body": "Where from?", field: MARKUP}

    with pytest.raises(ValidationError) as refused:
        services.start_thread(community=community, user=lea, **values)

    assert MARKUP_MESSAGE in " ".join(refused.value.message_dict[field])
    assert not Thread.objects.exists()
    assert not Post.objects.exists()
    assert fresh(community).last_post_at is None


def test_script_in_a_reply_is_refused_in_the_persons_language(thread, xavier):
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            services.reply(thread=thread, user=xavier, body=MARKUP)
        message = " ".join(refused.value.message_dict["body"])
        # The French catalogue's text once compiled (the lead compiles the catalogues).
        expected = gettext(
            "Remove the HTML markup (text between “<” and “>”): this field takes plain text."
        )

    assert message == expected
    assert Post.objects.filter(thread=thread).count() == 1
    assert fresh(thread).reply_count == 0


def test_posting_counts_as_alumni_activity(thread, xavier):
    alumnus = Alumnus.objects.create(
        user=xavier, email=xavier.email, full_name="Xavier Dupont", last_active_at=None
    )

    services.reply(thread=thread, user=xavier, body="Hello")

    assert fresh(alumnus).last_active_at is not None


# --- Editing --------------------------------------------------------------------------------------
def test_authors_edit_their_own_posts_only(thread, lea, xavier):
    post = thread.posts.get()

    with pytest.raises(PermissionDenied):
        services.edit_post(post=post, user=xavier, body="Hijacked")

    services.edit_post(post=post, user=lea, body="Where do you buy seedlings?", title="Nurseries")

    post.refresh_from_db()
    assert post.body == "Where do you buy seedlings?"
    assert post.edited_at is not None
    assert fresh(thread).title == "Nurseries"


def test_editing_with_markup_saves_nothing(thread, lea):
    post = thread.posts.get()

    with pytest.raises(ValidationError):
        services.edit_post(post=post, user=lea, body=MARKUP)

    assert fresh(post).body == "Where do you source seedlings?"
    assert fresh(post).edited_at is None


# --- Reports --------------------------------------------------------------------------------------
def test_a_member_reports_a_post_once(thread, xavier):
    post = thread.posts.get()

    services.flag_post(post=post, user=xavier, reason="Off-topic")
    with pytest.raises(ValidationError, match="already reported"):
        services.flag_post(post=post, user=xavier, reason="Off-topic again")

    assert PostFlag.objects.filter(post=post).count() == 1
    assert fresh(post).flag_count == 1


def test_non_members_and_authors_cannot_report(thread, lea, member_y):
    post = thread.posts.get()

    with pytest.raises(PermissionDenied):
        services.flag_post(post=post, user=member_y, reason="Spam")
    with pytest.raises(ValidationError, match="your own post"):
        services.flag_post(post=post, user=lea, reason="Oops")
    assert not PostFlag.objects.exists()


def test_a_report_with_markup_is_refused(thread, xavier):
    with pytest.raises(ValidationError) as refused:
        services.flag_post(post=thread.posts.get(), user=xavier, reason=MARKUP)
    assert "reason" in refused.value.message_dict
    assert not PostFlag.objects.exists()


# --- Moderation -----------------------------------------------------------------------------------
def test_members_cannot_hide_posts(thread, xavier):
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.hide_post(post=post, by=xavier, reason="I disagree")
    assert fresh(post).status == PostStatus.VISIBLE


@pytest.mark.parametrize("moderator_name", ["mona", "reviewer_user", "helpdesk_user"])
def test_moderators_hide_and_restore_a_reply(request, thread, xavier, moderator_name):
    moderator = request.getfixturevalue(moderator_name)
    reply = services.reply(thread=thread, user=xavier, body="Buy my product!")
    services.flag_post(post=reply, user=thread.author, reason="Spam")

    services.hide_post(post=reply, by=moderator, reason="Advertising")

    hidden = fresh(reply)
    assert (hidden.status, hidden.moderation_reason, hidden.moderated_by) == (
        PostStatus.HIDDEN,
        "Advertising",
        moderator,
    )
    assert hidden.flag_count == 0  # its report was dealt with
    assert not PostFlag.objects.filter(post=reply, resolved_at__isnull=True).exists()
    assert fresh(thread).reply_count == 0
    assert fresh(thread).status == PostStatus.VISIBLE

    services.restore_post(post=hidden, by=moderator)
    assert fresh(reply).status == PostStatus.VISIBLE
    assert fresh(thread).reply_count == 1


def test_hiding_needs_a_reason(thread, mona):
    with pytest.raises(ValidationError) as refused:
        services.hide_post(post=thread.posts.get(), by=mona, reason=" ")
    assert "reason" in refused.value.message_dict


def test_hiding_the_first_post_hides_the_thread(thread, mona):
    services.hide_post(post=thread.posts.get(), by=mona, reason="Personal data")
    assert fresh(thread).status == PostStatus.HIDDEN

    services.restore_post(post=thread.posts.get(), by=mona, reason="Edited by its author")
    assert fresh(thread).status == PostStatus.VISIBLE


def test_dismissing_reports_keeps_the_post(thread, xavier, mona):
    post = thread.posts.get()
    services.flag_post(post=post, user=xavier, reason="Rude")

    assert services.resolve_flags(post=post, by=mona) == 1
    assert fresh(post).status == PostStatus.VISIBLE
    assert fresh(post).flag_count == 0
    with pytest.raises(PermissionDenied):
        services.resolve_flags(post=post, by=xavier)


# --- Active communities ---------------------------------------------------------------------------
@pytest.mark.parametrize(("days", "active"), [(89, True), (91, False)])
def test_a_community_is_active_with_a_post_in_the_last_90_days(community, days, active):
    Community.objects.filter(pk=community.pk).update(
        last_post_at=timezone.now() - timedelta(days=days)
    )
    community.refresh_from_db()

    assert community.is_active is active
    assert active_communities().filter(pk=community.pk).exists() is active


def test_a_community_without_posts_is_not_active(community):
    assert community.is_active is False
    assert not active_communities().exists()


# --- Creating communities -------------------------------------------------------------------------
def test_reviewers_and_the_help_desk_create_communities_but_members_do_not(
    member_x, reviewer_user, helpdesk_user
):
    with pytest.raises(PermissionDenied):
        services.create_community(by=member_x, slug="x", name="X", description="X")

    created = services.create_community(
        by=reviewer_user,
        slug="invasive-species",
        name_en="Invasive species",
        name_fr="Espèces envahissantes",
        description_en="Managing invasive alien species.",
    )
    assert created.created_by == reviewer_user
    with translation.override("fr"):
        assert fresh(created).name == "Espèces envahissantes"

    with pytest.raises(ValidationError) as refused:
        services.create_community(
            by=helpdesk_user, slug="bad", name="<b>Bold</b>", description="Fine"
        )
    assert "name" in refused.value.message_dict
