"""Digests of saved searches: when they are due (daily, weekly), what they list (records new
since the last digest and matching the filters), in whose language, and only once."""

from __future__ import annotations

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import ngettext

from chm_portal.alerts import tasks
from chm_portal.alerts.models import SavedSearch
from chm_portal.alerts.notifications import saved_search_digests_send
from partners.models import RecordStatus
from tests.factories import EventFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# A fixed "now" passed to the service: the job's clock.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)


def saved_search(user, *, created: datetime.datetime, frequency="daily", **fields) -> SavedSearch:
    return SavedSearch.objects.create(
        user=user,
        database=fields.pop("database", "offers"),
        query=fields.pop("query", "q=mangrove"),
        name=fields.pop("name", "Mangrove offers"),
        frequency=frequency,
        created_at=created,
        **fields,
    )


def offer(title: str, published: datetime.datetime, **fields):
    return OfferFactory(title=title, published_at=published, **fields)


def test_a_daily_search_lists_the_new_matching_records(settings, learner):
    search = saved_search(learner, created=NOW - 2 * DAY)
    offer("Mangrove training before the search", NOW - 3 * DAY)
    offer("Mangrove training since", NOW - 1 * DAY)
    offer("Coral reef training since", NOW - 1 * DAY)  # does not match
    offer("Mangrove draft", NOW - 1 * DAY, status=RecordStatus.DRAFT)  # not public
    offer("Mangrove training from the future", NOW + DAY)  # after the job's "now"

    sent = saved_search_digests_send(now=NOW)

    assert sent == 1
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "1 new record matches your saved searches"
    assert "Mangrove offers (Offers of support)" in message.body
    assert "Mangrove training since" in message.body
    assert "Mangrove training before the search" not in message.body
    assert "Coral reef" not in message.body
    assert "Mangrove draft" not in message.body
    assert "from the future" not in message.body
    assert f"{settings.SITE_URL}/en/partners/offers/?q=mangrove" in message.body
    assert f"{settings.SITE_URL}/en/alerts/saved-searches/" in message.body
    search.refresh_from_db()
    assert search.last_sent_at == NOW
    assert search.last_checked_at == NOW


def test_links_are_absolute(settings, learner):
    settings.SITE_URL = "https://chm.example.org/"
    saved_search(learner, created=NOW - 2 * DAY)
    new = offer("Mangrove training", NOW - DAY)

    saved_search_digests_send(now=NOW)

    body = mail.outbox[0].body
    assert f"https://chm.example.org/en/partners/offers/{new.pk}/" in body
    assert "https://chm.example.org/en/partners/offers/?q=mangrove" in body


def test_daily_and_weekly_timing(learner):
    daily = saved_search(learner, created=NOW - 2 * DAY, name="Daily mangroves")
    weekly = saved_search(
        learner, created=NOW - 2 * DAY, frequency="weekly", query="q=training", name="Weekly"
    )
    saved_search(learner, created=NOW - 30 * DAY, frequency="off", query="q=coral", name="Off")
    offer("Mangrove training", NOW - DAY)
    offer("Coral training", NOW - DAY)

    # Day 0: the daily search is due, the weekly one (saved two days ago) is not.
    saved_search_digests_send(now=NOW)
    assert len(mail.outbox) == 1
    assert "Daily mangroves" in mail.outbox[0].body
    assert "Weekly" not in mail.outbox[0].body

    # Half a day later: nothing is due.
    offer("Mangrove course", NOW + DAY / 2)
    assert saved_search_digests_send(now=NOW + DAY / 2) == 0

    # A day later: the daily search again, with what is new since the last digest only.
    saved_search_digests_send(now=NOW + DAY)
    assert len(mail.outbox) == 2
    assert "Mangrove course" in mail.outbox[1].body
    assert "Mangrove training" not in mail.outbox[1].body

    # Five days after it was saved the weekly search is due; it lists everything since then.
    saved_search_digests_send(now=NOW + 5 * DAY)
    assert len(mail.outbox) == 3
    weekly_email = mail.outbox[2].body
    assert "Weekly" in weekly_email
    assert "Mangrove training" in weekly_email and "Coral training" in weekly_email
    assert "Daily mangroves" not in weekly_email  # nothing new for it since
    weekly.refresh_from_db()
    daily.refresh_from_db()
    assert weekly.last_sent_at == NOW + 5 * DAY
    assert daily.last_sent_at == NOW + DAY
    # The "off" search was never sent.
    assert not any("Off (" in message.body for message in mail.outbox)


def test_one_email_per_person_for_all_their_searches(learner):
    saved_search(learner, created=NOW - 2 * DAY, name="Mangrove offers")
    saved_search(learner, created=NOW - 2 * DAY, database="events", name="Mangrove events")
    other = UserFactory()
    saved_search(other, created=NOW - 2 * DAY, name="Their mangroves")
    offer("Mangrove training", NOW - DAY)
    EventFactory(title="Mangrove webinar", published_at=NOW - DAY)

    assert saved_search_digests_send(now=NOW) == 2

    mine = next(message for message in mail.outbox if message.to == [learner.email])
    assert "Mangrove offers (Offers of support)" in mine.body
    assert "Mangrove events (Events)" in mine.body
    assert mine.subject == "2 new records match your saved searches"


def test_nothing_new_sends_nothing_but_counts_as_checked(learner):
    search = saved_search(learner, created=NOW - 2 * DAY)
    offer("Coral reef training", NOW - DAY)

    assert saved_search_digests_send(now=NOW) == 0

    assert mail.outbox == []
    search.refresh_from_db()
    assert search.last_checked_at == NOW
    assert search.last_sent_at is None


def test_the_email_is_in_the_persons_language():
    french = UserFactory(full_name="Françoise Martin", preferred_language="fr")
    saved_search(french, created=NOW - 2 * DAY)
    new = offer("Mangrove training", NOW - DAY)

    saved_search_digests_send(now=NOW)

    [message] = mail.outbox
    with translation.override("fr"):
        expected_subject = ngettext(
            "%(counter)s new record matches your saved searches",
            "%(counter)s new records match your saved searches",
            1,
        ) % {"counter": 1}
    assert message.subject == expected_subject
    # French links, and dates written the French way ("8 mars 2026").
    assert f"/fr/partners/offers/{new.pk}/" in message.body
    assert "/fr/alerts/saved-searches/" in message.body
    assert "mars 2026" in message.body
    assert translation.get_language() == "en"  # the job leaves the language as it was


def test_the_scheduled_task_sends_the_digests(learner):
    saved_search(learner, created=NOW - 2 * DAY)
    offer("Mangrove training", NOW - DAY)

    assert tasks.send_saved_search_digests.delay().get() == 1
    assert "Mangrove training" in mail.outbox[0].body


def test_a_second_run_at_once_sends_nothing(learner):
    saved_search(learner, created=NOW - 2 * DAY)
    offer("Mangrove training", NOW - DAY)

    assert saved_search_digests_send(now=NOW) == 1
    assert saved_search_digests_send(now=NOW) == 0
    assert saved_search_digests_send(now=NOW + datetime.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1


def test_a_failed_email_is_sent_at_the_next_run(learner, monkeypatch):
    search = saved_search(learner, created=NOW - 2 * DAY)
    offer("Mangrove training", NOW - DAY)

    def refuse(self, fail_silently=False):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMultiAlternatives, "send", refuse)
        assert saved_search_digests_send(now=NOW) == 0

    search.refresh_from_db()
    assert search.last_sent_at is None
    assert saved_search_digests_send(now=NOW + datetime.timedelta(hours=1)) == 1
    assert "Mangrove training" in mail.outbox[0].body


def test_twenty_records_are_listed_and_the_rest_counted(learner):
    saved_search(learner, created=NOW - 2 * DAY)
    for number in range(23):
        offer(f"Mangrove offer {number}", NOW - DAY + datetime.timedelta(minutes=number))

    saved_search_digests_send(now=NOW)

    body = mail.outbox[0].body
    assert body.count("\n- Mangrove offer") == 20
    assert "Mangrove offer 22" in body  # the newest first
    assert "Mangrove offer 2\n" not in body
    assert "and 3 more" in body
    assert mail.outbox[0].subject == "23 new records match your saved searches"


def test_inactive_people_get_nothing(learner):
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    saved_search(learner, created=NOW - 2 * DAY)
    offer("Mangrove training", NOW - DAY)

    assert saved_search_digests_send(now=NOW) == 0
