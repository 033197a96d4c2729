"""Following opportunities and events: only those, only public ones, from their page; and the
reminders before a deadline or a start, sent once, never for closed records."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chm_portal.alerts import services, tasks
from chm_portal.alerts.models import Follow
from chm_portal.alerts.notifications import follow_reminders_send
from partners.models import Offer, RecordStatus
from tests.factories import EventFactory, OfferFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)


def follow(user, record) -> Follow:
    return Follow.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


def follow_url(record, name: str = "alerts:follow") -> str:
    return reverse(name, args=[record._meta.label_lower, record.pk])


# --- Following ---------------------------------------------------------------------------------
def test_follow_an_opportunity_from_its_page(client, learner):
    opportunity = OpportunityFactory(title="Mangrove fellowship")
    page_url = reverse("partners:opportunity_detail", args=[opportunity.pk])
    client.force_login(learner)

    before = client.get(page_url).content.decode()
    assert "Follow: get a reminder before the deadline" in before
    assert f'action="{follow_url(opportunity)}"' in before

    response = client.post(follow_url(opportunity), {"next": page_url}, follow=True)

    assert response.redirect_chain[-1][0] == page_url
    html = response.content.decode()
    assert "You follow “Mangrove fellowship”" in html
    assert "Stop following" in html
    assert Follow.objects.filter(user=learner, object_id=opportunity.pk).count() == 1

    # Following twice keeps one follow.
    client.post(follow_url(opportunity), {"next": page_url})
    assert Follow.objects.filter(user=learner).count() == 1


def test_an_event_page_offers_to_follow_it_before_the_start(client, learner):
    event = EventFactory()
    client.force_login(learner)

    html = client.get(reverse("partners:event_detail", args=[event.pk])).content.decode()

    assert "Follow: get a reminder before the start" in html


def test_anonymous_visitors_see_a_sign_in_link(client):
    opportunity = OpportunityFactory()
    page_url = reverse("partners:opportunity_detail", args=[opportunity.pk])

    html = client.get(page_url).content.decode()
    response = client.post(follow_url(opportunity))

    assert "Sign in to follow this record" in html
    assert f"{reverse('account_login')}?next=%2Fen%2Fpartners%2Fopportunities%2F" in html
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Follow.objects.exists()


def test_other_records_cannot_be_followed(client, learner):
    offer = OfferFactory()
    client.force_login(learner)

    page = client.get(reverse("partners:offer_detail", args=[offer.pk])).content.decode()
    response = client.post(follow_url(offer))

    assert "Follow:" not in page
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="Only opportunities and events"):
        services.follow_create(user=learner, record=offer)
    with pytest.raises(ValidationError, match="Only opportunities and events"):
        Follow(
            user=learner,
            content_type=ContentType.objects.get_for_model(Offer),
            object_id=offer.pk,
        ).full_clean()
    assert not Follow.objects.exists()


def test_drafts_cannot_be_followed(client, learner):
    draft = OpportunityFactory(status=RecordStatus.DRAFT)
    client.force_login(learner)

    assert client.post(follow_url(draft)).status_code == 404
    with pytest.raises(ValidationError, match="Only published records"):
        services.follow_create(user=learner, record=draft)
    assert not Follow.objects.exists()


def test_closed_or_past_records_are_not_offered_to_follow(client, learner):
    closed = OpportunityFactory(status=RecordStatus.CLOSED)
    past = EventFactory(starts_at=timezone.now() - 3 * DAY, ends_at=timezone.now() - 2 * DAY)
    client.force_login(learner)

    closed_page = client.get(reverse("partners:opportunity_detail", args=[closed.pk]))
    past_page = client.get(reverse("partners:event_detail", args=[past.pk]))
    response = client.post(follow_url(closed), follow=True)

    assert "Follow:" not in closed_page.content.decode()
    assert "Follow:" not in past_page.content.decode()
    assert "This record is closed or past" in response.content.decode()
    with pytest.raises(ValidationError, match="closed or past"):
        services.follow_create(user=learner, record=past)
    assert not Follow.objects.exists()


def test_unfollow_and_the_list_of_what_i_follow(client, learner, django_assert_max_num_queries):
    opportunities = [OpportunityFactory(title=f"Fellowship {number}") for number in range(3)]
    event = EventFactory(title="Mangrove webinar")
    for record in [*opportunities, event]:
        follow(learner, record)
    follow(UserFactory(), OpportunityFactory(title="Someone else's"))
    client.force_login(learner)

    # Session, user, count, page, content types, one query per type of record.
    with django_assert_max_num_queries(7):
        html = client.get(reverse("alerts:follows")).content.decode()
    assert "Mangrove webinar" in html and "Fellowship 2" in html
    assert "Someone else" not in html
    assert "Not yet" in html

    response = client.post(follow_url(event, "alerts:unfollow"), follow=True)

    assert "You no longer follow this record." in response.content.decode()
    remaining = Follow.objects.filter(user=learner)
    assert {follow.content_type.model for follow in remaining} == {"opportunity"}
    assert remaining.count() == 3


def test_deleting_a_record_deletes_its_follows(learner):
    opportunity, event = OpportunityFactory(), EventFactory()
    kept = OpportunityFactory()
    for record in (opportunity, event, kept):
        follow(learner, record)

    opportunity.delete()
    event.delete()

    assert [follow.object_id for follow in Follow.objects.all()] == [kept.pk]


# --- Reminders ---------------------------------------------------------------------------------
def test_reminders_before_the_deadline_and_the_start_are_sent_once(learner):
    soon = OpportunityFactory(title="Fellowship closing soon", deadline=NOW + 5 * DAY)
    later = OpportunityFactory(title="Fellowship closing later", deadline=NOW + 10 * DAY)
    closed = OpportunityFactory(
        title="Closed fellowship", deadline=NOW + 3 * DAY, status=RecordStatus.CLOSED
    )
    past = OpportunityFactory(title="Past fellowship", deadline=NOW - DAY)
    tomorrow = EventFactory(title="Webinar tomorrow", starts_at=NOW + DAY)
    next_week = EventFactory(title="Workshop next week", starts_at=NOW + 7 * DAY)
    for record in (soon, later, closed, past, tomorrow, next_week):
        follow(learner, record)

    assert follow_reminders_send(now=NOW) == 1

    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "Coming soon: 2 deadlines or starts you follow"
    body = message.body
    assert "Fellowship closing soon" in body and "Webinar tomorrow" in body
    for absent in ("closing later", "Closed fellowship", "Past fellowship", "next week"):
        assert absent not in body
    assert f"/en/partners/opportunities/{soon.pk}/" in body
    # The event first: it comes sooner.
    assert body.index("Webinar tomorrow") < body.index("Fellowship closing soon")
    reminded = set(
        Follow.objects.filter(reminded_at=NOW).values_list("object_id", "content_type__model")
    )
    assert reminded == {(soon.pk, "opportunity"), (tomorrow.pk, "event")}

    # Once only; the others when their time comes.
    assert follow_reminders_send(now=NOW + DAY / 4) == 0
    assert follow_reminders_send(now=NOW + 4 * DAY) == 1
    assert "Fellowship closing later" in mail.outbox[1].body
    assert "Fellowship closing soon" not in mail.outbox[1].body


def test_reminders_are_in_the_persons_language():
    french = UserFactory(preferred_language="fr")
    opportunity = OpportunityFactory(deadline=NOW + 2 * DAY)
    follow(french, opportunity)

    follow_reminders_send(now=NOW)

    body = mail.outbox[0].body
    assert f"/fr/partners/opportunities/{opportunity.pk}/" in body
    assert "mars 2026" in body


def test_the_scheduled_task_sends_the_reminders(learner):
    follow(learner, EventFactory(title="Webinar soon", starts_at=timezone.now() + DAY))

    assert tasks.send_deadline_reminders.delay().get() == 1
    assert "Webinar soon" in mail.outbox[0].body
