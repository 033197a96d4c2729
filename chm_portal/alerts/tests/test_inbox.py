"""The in-portal inbox: messages sent by the workflows (``inbox_send``), the inbox page (own
messages only, unread first, paginated), marking read, and the unread count in the header."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chm_portal.alerts import selectors, services
from chm_portal.alerts.models import InboxMessage
from chm_portal.alerts.views import INBOX_PAGE_SIZE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = "/en/alerts/inbox/"


def send(recipients, subject="A match is proposed to Mangrove Alliance", **kwargs) -> int:
    return services.inbox_send(recipients=recipients, subject=subject, **kwargs)


# --- Sending -------------------------------------------------------------------------------------
def test_inbox_send_writes_one_message_per_person_in_one_query(
    member_x, member_y, django_assert_num_queries
):
    # One INSERT for all of them; a person listed twice gets one message.
    with django_assert_num_queries(1):
        count = send(
            [member_x, member_y, member_x],
            body="Xavier, the help desk proposes a request to your organisation.",
            url="/en/matchmaking/matches/12/",
        )

    assert count == 2
    message = InboxMessage.objects.get(recipient=member_x)
    assert message.subject == "A match is proposed to Mangrove Alliance"
    assert message.body.startswith("Xavier, the help desk")
    assert message.url == "/en/matchmaking/matches/12/"
    assert message.read_at is None
    assert InboxMessage.objects.filter(recipient=member_y).count() == 1


def test_inbox_send_skips_inactive_people_and_sends_nothing_to_nobody(
    member_x, django_assert_num_queries
):
    gone = UserFactory(email="gone@example.org", is_active=False)
    with django_assert_num_queries(0):
        assert send([]) == 0
        assert send([gone]) == 0
    assert send([gone, member_x]) == 1
    assert not InboxMessage.objects.filter(recipient=gone).exists()


def test_inbox_send_keeps_subjects_on_one_line_and_links_on_the_portal(settings, member_x):
    settings.SITE_URL = "https://chm.example"
    send([member_x], subject="Line one\n  and two", url="https://chm.example/fr/alerts/inbox/")
    message = InboxMessage.objects.get()
    assert message.subject == "Line one and two"
    # An absolute link to the portal is kept as its path.
    assert message.url == "/fr/alerts/inbox/"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "ftp://x.example/"])
def test_inbox_send_refuses_links_that_are_not_pages(member_x, url):
    with pytest.raises(ValueError):
        send([member_x], url=url)
    assert not InboxMessage.objects.exists()


# --- Reading ------------------------------------------------------------------------------------
def test_list_shows_own_messages_unread_first_then_newest(member_x, member_y):
    now = timezone.now()
    old_unread = InboxMessage.objects.create(
        recipient=member_x, subject="Old unread", created_at=now - datetime.timedelta(days=3)
    )
    new_read = InboxMessage.objects.create(
        recipient=member_x, subject="New read", created_at=now, read_at=now
    )
    newer_unread = InboxMessage.objects.create(
        recipient=member_x, subject="Newer unread", created_at=now - datetime.timedelta(days=1)
    )
    InboxMessage.objects.create(recipient=member_y, subject="Yara's")

    listed = list(selectors.inbox_list_for_user(user=member_x))

    assert listed == [newer_unread, old_unread, new_read]
    assert selectors.inbox_unread_count(user=member_x) == 2


def test_anonymous_has_no_inbox(client, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert selectors.inbox_unread_count(user=AnonymousUser()) == 0
        assert list(selectors.inbox_list_for_user(user=AnonymousUser())) == []
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_page_lists_own_messages_paginated_with_constant_queries(
    client, member_x, member_y, django_assert_max_num_queries
):
    send([member_y], subject="Yara's own news")
    for number in range(INBOX_PAGE_SIZE + 5):
        send([member_x], subject=f"Proposal number {number}", url="/en/matchmaking/")
    client.force_login(member_x)

    # Session and user, the header's unread count, the page's count and rows.
    with django_assert_max_num_queries(6):
        response = client.get(INBOX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card inbox-unread"') == INBOX_PAGE_SIZE
    assert "Yara's own news" not in html
    assert "Page 1 of 2" in html
    assert f"{INBOX_PAGE_SIZE + 5} unread" in html  # the header's count
    second = client.get(INBOX + "?page=2").content.decode()
    assert second.count('class="card inbox-unread"') == 5


def test_the_header_shows_the_unread_count_for_signed_in_people_only(client, member_x):
    send([member_x], subject="First")
    send([member_x], subject="Second")
    anonymous = client.get("/en/").content.decode()
    assert reverse("alerts:inbox") not in anonymous

    client.force_login(member_x)
    html = client.get("/en/").content.decode()
    assert f'href="{reverse("alerts:inbox")}"' in html
    assert "2 unread" in html

    services.inbox_mark_all_read(by=member_x)
    html = client.get("/en/").content.decode()
    assert f'href="{reverse("alerts:inbox")}"' in html
    assert "unread" not in html


def test_open_marks_read_and_goes_to_the_page(client, member_x):
    send([member_x], url="/en/matchmaking/")
    message = InboxMessage.objects.get()
    client.force_login(member_x)

    response = client.post(reverse("alerts:inbox_open", args=[message.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/en/matchmaking/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_open_without_a_page_or_to_another_site_comes_back_to_the_inbox(client, member_x):
    send([member_x], url="")
    send([member_x], url="https://elsewhere.example/phish")
    client.force_login(member_x)
    for message in InboxMessage.objects.all():
        response = client.post(reverse("alerts:inbox_open", args=[message.pk]))
        assert response["Location"] == reverse("alerts:inbox")


def test_open_is_post_only(client, member_x):
    send([member_x], url="/en/matchmaking/")
    message = InboxMessage.objects.get()
    client.force_login(member_x)
    assert client.get(reverse("alerts:inbox_open", args=[message.pk])).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_read_and_mark_all_read(client, member_x):
    for number in range(3):
        send([member_x], subject=f"Message {number}")
    first = InboxMessage.objects.order_by("pk").first()
    client.force_login(member_x)

    response = client.post(reverse("alerts:inbox_read", args=[first.pk]), {"next": INBOX})
    assert response["Location"] == INBOX
    first.refresh_from_db()
    assert first.read_at is not None
    assert selectors.inbox_unread_count(user=member_x) == 2

    response = client.post(reverse("alerts:inbox_read_all"), follow=True)
    assert "All messages are marked as read." in response.content.decode()
    assert selectors.inbox_unread_count(user=member_x) == 0


def test_another_persons_message_answers_404_and_stays_unread(client, member_x, member_y):
    send([member_y], url="/en/matchmaking/")
    message = InboxMessage.objects.get()
    client.force_login(member_x)
    for name in ("alerts:inbox_open", "alerts:inbox_read"):
        assert client.post(reverse(name, args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_read_service_refuses_someone_elses_message(member_x, member_y):
    send([member_y])
    message = InboxMessage.objects.get()
    with pytest.raises(ValidationError):
        services.inbox_mark_read(message=message, by=member_x)
    # Reading twice keeps the first moment.
    services.inbox_mark_read(message=message, by=member_y)
    first = InboxMessage.objects.get().read_at
    services.inbox_mark_read(message=InboxMessage.objects.get(), by=member_y)
    assert InboxMessage.objects.get().read_at == first


# --- Admin --------------------------------------------------------------------------------------
def test_admin_lists_inbox_messages_read_only(client, site_admin, member_x):
    send([member_x], subject="Proposal for Mangrove Alliance")
    message = InboxMessage.objects.get()
    client.force_login(site_admin)

    response = client.get(reverse("admin:alerts_inboxmessage_changelist") + "?read=no")
    assert response.status_code == 200
    assert "Proposal for Mangrove Alliance" in response.content.decode()
    change = client.get(reverse("admin:alerts_inboxmessage_change", args=[message.pk]))
    assert change.status_code == 200
    assert 'name="subject"' not in change.content.decode()  # read-only
    assert client.get(reverse("admin:alerts_inboxmessage_add")).status_code == 403
