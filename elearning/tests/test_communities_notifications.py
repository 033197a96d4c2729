"""Notifications of communities of practice: a new thread is announced to the members who keep
notifications on, a reply to those who took part in the thread, never to the author, each once,
by email and in the portal's inbox, in the recipient's language.

Services run inside ``django_capture_on_commit_callbacks(execute=True)``: the task is sent after
commit (through the outbox, eagerly in tests).
"""

import pytest
from django.core import mail

from chm_portal.alerts.models import InboxMessage
from chm_portal.core.models import PendingTask
from elearning.models import CommunityMembership
from elearning.notifications_communities import community_post_notify
from elearning.services import communities as services
from elearning.tasks_communities import notify_community_post
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(db):
    return CommunityFactory(slug="mangroves", name="Mangrove restoration")


@pytest.fixture
def people(community):
    """Ana (author), Ben and Chloé (notified), Dan (notifications off), Eve (another
    community), Fatou (French)."""
    names = {
        "ana": "en",
        "ben": "en",
        "chloe": "en",
        "dan": "en",
        "eve": "en",
        "fatou": "fr",
    }
    users = {
        name: UserFactory(
            email=f"{name}@example.org", full_name=name.title(), preferred_language=language
        )
        for name, language in names.items()
    }
    for name in ("ana", "ben", "chloe", "dan", "fatou"):
        services.join(community=community, user=users[name])
    CommunityMembership.objects.filter(user=users["dan"]).update(notify=False)
    services.join(community=CommunityFactory(slug="other"), user=users["eve"])
    return users


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def sent(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return sent


def addresses() -> set[str]:
    return {address for email in mail.outbox for address in email.to}


def test_a_new_thread_is_announced_to_members_who_want_it(sent, community, people):
    thread = sent(
        services.start_thread,
        community=community,
        user=people["ana"],
        title="Seedlings",
        body="Where do you source seedlings?",
    )

    assert addresses() == {"ben@example.org", "chloe@example.org", "fatou@example.org"}
    assert len(mail.outbox) == 3  # one each
    email = next(email for email in mail.outbox if email.to == ["ben@example.org"])
    assert "Seedlings" in email.subject
    assert "Where do you source seedlings?" in email.body
    post = thread.posts.get()
    assert f"/en/learning/communities/mangroves/posts/{post.pk}/" in email.body
    french = next(email for email in mail.outbox if email.to == ["fatou@example.org"])
    assert f"/fr/learning/communities/mangroves/posts/{post.pk}/" in french.body
    inbox = InboxMessage.objects.all()
    assert {message.recipient.email for message in inbox} == addresses()
    assert not PendingTask.objects.exists()  # the outbox row is gone once the task ran


def test_a_reply_is_announced_to_the_threads_participants_only(sent, community, people):
    thread = sent(
        services.start_thread,
        community=community,
        user=people["ana"],
        title="Seedlings",
        body="Where do you source seedlings?",
    )
    sent(services.reply, thread=thread, user=people["ben"], body="Kilifi nursery.")
    mail.outbox.clear()
    InboxMessage.objects.all().delete()

    sent(services.reply, thread=thread, user=people["chloe"], body="Mida Creek too.")

    # Ana started it and Ben replied; Chloé wrote this reply; Fatou did not take part.
    assert addresses() == {"ana@example.org", "ben@example.org"}
    assert InboxMessage.objects.count() == 2
    assert "Mida Creek too." in mail.outbox[0].body


def test_each_post_is_announced_once(sent, community, people):
    thread = sent(
        services.start_thread,
        community=community,
        user=people["ana"],
        title="Seedlings",
        body="Where from?",
    )
    post = thread.posts.get()
    count = len(mail.outbox)

    assert notify_community_post(post.pk) == 0  # the task again (a retry, the outbox sweep)
    assert community_post_notify(post_id=post.pk) == 0

    assert len(mail.outbox) == count
    assert InboxMessage.objects.count() == 3


def test_a_post_hidden_before_the_task_runs_is_not_announced(community, people, helpdesk_user):
    thread = services.start_thread(
        community=community, user=people["ana"], title="Spam", body="Buy now"
    )  # not committed: nothing sent yet
    services.hide_post(post=thread.posts.get(), by=helpdesk_user, reason="Spam")

    assert community_post_notify(post_id=thread.posts.get().pk) == 0
    assert not mail.outbox


def test_a_failed_sending_is_tried_again(community, people, monkeypatch):
    thread = services.start_thread(
        community=community, user=people["ana"], title="Seedlings", body="Where from?"
    )
    post = thread.posts.get()

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with pytest.raises(ConnectionError):
        community_post_notify(post_id=post.pk)
    assert not InboxMessage.objects.exists()  # rolled back with the failure

    monkeypatch.undo()
    assert community_post_notify(post_id=post.pk) == 3
    assert len(mail.outbox) == 3
