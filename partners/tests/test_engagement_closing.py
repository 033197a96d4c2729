"""The daily job that closes what is over: offers past their availability, opportunities past
their deadline, events that have ended; and what a closed opportunity means for applicants."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partners import services, tasks
from partners.models import Event, Offer, Opportunity, OpportunityApplication, RecordStatus
from tests.factories import EventFactory, OfferFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _status(record) -> str:
    record.refresh_from_db()
    return record.status


@pytest.fixture
def records(organisation_x):
    """What is over and what is not, of each kind."""
    now, today = timezone.now(), timezone.localdate()
    return {
        "offer_over": OfferFactory(provider=organisation_x, available_until=today - DAY),
        "offer_paused_over": OfferFactory(
            provider=organisation_x, available_until=today - DAY, status=RecordStatus.PAUSED
        ),
        "offer_last_day": OfferFactory(provider=organisation_x, available_until=today),
        "offer_no_end": OfferFactory(provider=organisation_x, available_until=None),
        "offer_draft_over": OfferFactory(
            provider=organisation_x, available_until=today - DAY, status=RecordStatus.DRAFT
        ),
        "opportunity_over": OpportunityFactory(
            organisation=organisation_x, deadline=now - datetime.timedelta(minutes=1)
        ),
        "opportunity_open": OpportunityFactory(organisation=organisation_x, deadline=now + DAY),
        "event_over": EventFactory(
            organisation=organisation_x, starts_at=now - 2 * DAY, ends_at=now - DAY
        ),
        "event_running": EventFactory(
            organisation=organisation_x, starts_at=now - DAY, ends_at=now + DAY
        ),
        "event_coming": EventFactory(organisation=organisation_x),
    }


def test_the_job_closes_what_is_over_and_nothing_else(records):
    result = tasks.close_expired_records.delay().get()

    assert result == {"offers": 2, "opportunities": 1, "events": 1}
    closed = {"offer_over", "offer_paused_over", "opportunity_over", "event_over"}
    for name, record in records.items():
        record.refresh_from_db()
        if name in closed:
            assert record.status == RecordStatus.CLOSED, name
            assert record.closed_automatically, name
        else:
            assert record.status != RecordStatus.CLOSED, name
            assert not record.closed_automatically, name
    assert records["offer_draft_over"].status == RecordStatus.DRAFT


def test_the_job_is_idempotent(records):
    tasks.close_expired_records()
    updated = {
        model: dict(model.objects.values_list("pk", "updated_at"))
        for model in (Offer, Opportunity, Event)
    }

    assert tasks.close_expired_records() == {"offers": 0, "opportunities": 0, "events": 0}

    for model, before in updated.items():
        assert dict(model.objects.values_list("pk", "updated_at")) == before
    assert _status(records["offer_over"]) == RecordStatus.CLOSED


def test_closed_records_stay_public(client, records):
    tasks.close_expired_records()

    for name, url_name in (
        ("offer_over", "offer_detail"),
        ("opportunity_over", "opportunity_detail"),
        ("event_over", "event_detail"),
    ):
        response = client.get(reverse(f"partners:{url_name}", args=[records[name].pk]))
        assert response.status_code == 200, name
        assert "Closed" in response.content.decode(), name


def test_a_closed_opportunity_takes_no_more_applications(
    client, organisation_x, learner, country_a
):
    opportunity = OpportunityFactory(
        organisation=organisation_x, applications_on_portal=True, link=""
    )
    services.application_submit(
        opportunity=opportunity,
        by=learner,
        data={"country": country_a, "motivation": "Before the deadline."},
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert tasks.close_expired_records()["opportunities"] == 1
    opportunity.refresh_from_db()
    assert opportunity.status == RecordStatus.CLOSED
    assert not opportunity.is_open

    latecomer = UserFactory(email="late@example.org")
    with pytest.raises(ValidationError) as raised:
        services.application_submit(
            opportunity=opportunity,
            by=latecomer,
            data={"country": country_a, "motivation": "Late."},
        )
    assert "The deadline has passed" in raised.value.messages[0]
    assert OpportunityApplication.objects.count() == 1

    client.force_login(latecomer)
    page = client.get(reverse("partners:opportunity_apply", args=[opportunity.pk])).content.decode()
    assert "This opportunity does not take applications now." in page
    assert 'name="motivation"' not in page
    detail = client.get(reverse("partners:opportunity_detail", args=[opportunity.pk]))
    assert "Apply on the portal" not in detail.content.decode()


def test_an_opportunity_closed_by_hand_before_its_deadline_refuses_applications_too(
    organisation_x, member_x, learner, country_a
):
    opportunity = OpportunityFactory(
        organisation=organisation_x, applications_on_portal=True, link=""
    )
    services.record_set_status(record=opportunity, by=member_x, status=RecordStatus.CLOSED)

    with pytest.raises(ValidationError) as raised:
        services.application_submit(
            opportunity=opportunity, by=learner, data={"country": country_a, "motivation": "Hi"}
        )

    assert "This opportunity is closed" in raised.value.messages[0]
