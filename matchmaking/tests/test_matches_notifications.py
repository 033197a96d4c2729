"""Notices of the Bio-Bridge workflow: an email and an inbox message to each person concerned,
in their language, once; and the sweep that sends what the broker lost.

Tasks run eagerly in tests; they are sent after commit, so a test that expects notices runs the
services inside ``django_capture_on_commit_callbacks(execute=True)`` (``sent`` below). Without
it, events stay unnotified, as when the broker was down.
"""

# Fixtures imported from matches_fixtures are redefined as test arguments, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from chm_portal.alerts.models import InboxMessage
from matchmaking import notifications_matches, tasks
from matchmaking.models import Match, MatchEvent
from matchmaking.services import matches as services
from matchmaking.tests.matches_fixtures import (  # noqa: F401  (fixtures)
    CONTACT,
    accepted,
    interest,
    need,
    offer_x,
    offer_y,
    proposed,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HELPDESK = "helpdesk@chm-portal.example"


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.SITE_URL = "https://chm.example"
    settings.HELPDESK_EMAIL = HELPDESK


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and send what it calls for, as after a committed request."""

    def sent(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return sent


def to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def inbox(user) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(recipient=user).order_by("pk"))


def html_of(email) -> str:
    (html, mimetype), *_others = email.alternatives
    assert mimetype == "text/html"
    return html


# --- Who is told of what --------------------------------------------------------------------------
def test_interest_notifies_the_help_desk_by_email_and_inbox(
    sent, need, offer_x, focal_point_a, helpdesk_user, member_x
):
    match = sent(
        services.match_express_interest,
        need=need,
        offer=offer_x,
        by=focal_point_a,
        note="Could they train in Kiswahili?",
    )

    (email,) = to(HELPDESK)
    assert email.subject == f"Interest in an offer for {need.reference}"
    assert "Amani Otieno is interested in the offer “Wetland bird monitoring training”" in (
        email.body
    )
    assert "Their note: Could they train in Kiswahili?" in email.body
    admin_url = f"https://chm.example/en/admin/matchmaking/match/{match.pk}/change/"
    assert admin_url in email.body
    assert admin_url in html_of(email)
    (message,) = inbox(helpdesk_user)
    assert message.subject == email.subject
    assert message.url == f"/en/admin/matchmaking/match/{match.pk}/change/"
    # Nobody else: the provider does not hear of an interest the help desk has not proposed.
    assert len(mail.outbox) == 1
    assert inbox(member_x) == [] and inbox(focal_point_a) == []
    assert MatchEvent.objects.get().notified_at is not None


def test_proposal_notifies_the_providers_members_only(
    sent, need, offer_x, helpdesk_user, member_x, member_y, organisation_x, focal_point_a
):
    editor = UserFactory(email="editor@mangrove-alliance.example", preferred_language="fr")
    MembershipFactory(user=editor, organisation=organisation_x)
    match = sent(
        services.match_propose,
        need=need,
        offer=offer_x,
        by=helpdesk_user,
        message="Your training fits this request.",
    )

    (email,) = to(member_x.email)
    assert email.subject == "A request for assistance is proposed to Mangrove Alliance"
    assert "Message from the help desk: Your training fits this request." in email.body
    assert f"https://chm.example/en/matchmaking/matches/{match.pk}/" in email.body
    assert "Dear Xavier Dupont," in email.body
    # The French editor reads it in French, with a French link.
    (french,) = to(editor.email)
    assert f"https://chm.example/fr/matchmaking/matches/{match.pk}/" in french.body
    (message,) = inbox(editor)
    assert message.url == f"/fr/matchmaking/matches/{match.pk}/"
    assert inbox(member_x)[0].url == f"/en/matchmaking/matches/{match.pk}/"
    # Not the other organisation, not the requester (it was not their interest), not the help desk
    # that proposed it.
    assert to(member_y.email) == [] and inbox(member_y) == []
    assert to(focal_point_a.email) == [] and to(HELPDESK) == []
    assert inbox(helpdesk_user) == []


def test_passing_an_interest_on_also_tells_the_requester(
    sent, interest, helpdesk_user, focal_point_a, member_x
):
    sent(services.match_propose, match=interest, by=helpdesk_user)
    assert len(to(member_x.email)) == 1
    (email,) = to(focal_point_a.email)
    assert (
        email.subject
        == "Your interest in “Wetland bird monitoring training” was passed to the provider"
    )
    assert len(inbox(focal_point_a)) == 1


def test_acceptance_tells_the_requester_the_contact_person_and_the_help_desk(
    sent, proposed, member_x, focal_point_a, helpdesk_user
):
    mail.outbox.clear()
    sent(
        services.match_accept, match=proposed, by=member_x, message="We start in March.", **CONTACT
    )

    (email,) = to(focal_point_a.email)
    assert email.subject == f"Mangrove Alliance accepts to support {proposed.need.reference}"
    assert "Their contact person is Xavier Dupont (xavier@mangrove-alliance.example)." in email.body
    assert "Their message: We start in March." in email.body
    assert "Confirm the match" in email.body
    (helpdesk_email,) = to(HELPDESK)
    assert "the requester is asked to confirm it" in helpdesk_email.body
    assert len(inbox(focal_point_a)) == 1 and len(inbox(helpdesk_user)) == 1
    assert to(member_x.email) == [] and inbox(member_x) == []  # they did it


def test_decline_tells_the_requester_and_the_help_desk_why(sent, proposed, member_x, focal_point_a):
    mail.outbox.clear()
    sent(services.match_decline, match=proposed, by=member_x, reason="Fully booked this year.")
    for address in (focal_point_a.email, HELPDESK):
        (email,) = to(address)
        assert "declines the match" in email.subject
        assert "Their reason: Fully booked this year." in email.body


def test_agreement_tells_the_provider_and_the_help_desk(
    sent, accepted, focal_point_a, member_x, helpdesk_user
):
    mail.outbox.clear()
    sent(services.match_confirm, match=accepted, by=focal_point_a)
    (email,) = to(member_x.email)
    assert email.subject.startswith("Match agreed:")
    assert "a pilot project can now be launched" in email.body
    assert len(to(HELPDESK)) == 1
    assert to(focal_point_a.email) == []


def test_withdrawal_by_the_help_desk_tells_both_sides_but_not_the_help_desk(
    sent, accepted, helpdesk_user, focal_point_a, member_x
):
    mail.outbox.clear()
    InboxMessage.objects.all().delete()
    sent(services.match_withdraw, match=accepted, by=helpdesk_user, reason="The provider left.")
    for person in (focal_point_a, member_x):
        (email,) = to(person.email)
        assert "Match withdrawn" in email.subject
        assert "Reason: The provider left." in email.body
        assert len(inbox(person)) == 1
    assert to(HELPDESK) == [] and inbox(helpdesk_user) == []


def test_withdrawing_an_interest_does_not_reach_the_provider(
    sent, interest, focal_point_a, member_x, helpdesk_user
):
    mail.outbox.clear()
    InboxMessage.objects.all().delete()
    sent(services.match_withdraw, match=interest, by=focal_point_a, reason="Found funding.")
    assert len(to(HELPDESK)) == 1 and len(inbox(helpdesk_user)) == 1
    assert to(member_x.email) == [] and inbox(member_x) == []
    assert to(focal_point_a.email) == []


def test_completion_sends_nothing(sent, accepted, focal_point_a):
    services.match_confirm(match=accepted, by=focal_point_a)
    mail.outbox.clear()
    sent(services.match_complete, match=accepted)
    assert mail.outbox == []
    assert MatchEvent.objects.filter(action="completed").get().notified_at is not None


def test_a_contact_address_without_account_is_emailed_in_the_requests_language(
    sent, need, offer_x, helpdesk_user, member_x
):
    need.contact_email = "contact@ministry.example"
    need.contact_name = "Wanjiru Kamau"
    need.language = "fr"
    need.save()
    proposed = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    sent(services.match_accept, match=proposed, by=member_x, **CONTACT)
    (email,) = to("contact@ministry.example")
    assert f"https://chm.example/fr/matchmaking/matches/{proposed.pk}/" in email.body


def test_inactive_people_get_nothing(sent, need, offer_x, helpdesk_user, member_x):
    member_x.is_active = False
    member_x.save()
    sent(services.match_propose, need=need, offer=offer_x, by=helpdesk_user)
    assert inbox(member_x) == [] and to(member_x.email) == []


# --- At most once, and the sweep ------------------------------------------------------------------
def test_an_event_is_notified_once(need, offer_x, helpdesk_user, member_x):
    match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    event = match.events.get()
    assert notifications_matches.match_event_notify(event_id=event.pk) is True
    assert notifications_matches.match_event_notify(event_id=event.pk) is False
    assert len(to(member_x.email)) == 1
    assert len(inbox(member_x)) == 1


def test_a_failed_send_releases_the_claim_and_writes_no_inbox_message(
    need, offer_x, helpdesk_user, member_x
):
    match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    event = match.events.get()
    with (
        mock.patch(
            "matchmaking.notifications_matches.render_to_string", side_effect=SMTPException("down")
        ),
        pytest.raises(SMTPException),
    ):
        notifications_matches.match_event_notify(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None
    assert inbox(member_x) == []
    # The retry sends them, once.
    assert notifications_matches.match_event_notify(event_id=event.pk) is True
    assert len(inbox(member_x)) == 1 and len(to(member_x.email)) == 1


def test_events_lost_while_the_broker_was_down_are_swept(need, offer_x, helpdesk_user, member_x):
    # The services ran, but their after-commit tasks never reached a broker.
    match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    fresh = services.match_accept(match=match, by=member_x, **CONTACT)
    old = timezone.now() - timedelta(minutes=10)
    MatchEvent.objects.filter(action="proposed").update(created_at=old)

    # Events younger than the grace period are left to their own task.
    assert tasks.send_pending_match_notifications() == 1
    assert len(to(member_x.email)) == 1
    assert fresh.events.get(action="accepted").notified_at is None

    MatchEvent.objects.update(created_at=old)
    assert tasks.send_pending_match_notifications() == 1
    assert tasks.send_pending_match_notifications() == 0
    assert MatchEvent.objects.filter(notified_at__isnull=True).count() == 0


def test_a_service_succeeds_when_the_broker_is_unreachable(
    django_capture_on_commit_callbacks, need, offer_x, helpdesk_user, member_x
):
    with (
        mock.patch.object(tasks.notify_match_event, "delay", side_effect=OSError("no broker")),
        mock.patch.object(
            tasks.process_suggestion_refreshes, "apply_async", side_effect=OSError("no broker")
        ),
        mock.patch.object(
            tasks.process_suggestion_refreshes, "delay", side_effect=OSError("no broker")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    assert Match.objects.get(pk=match.pk).status == Match.Status.PROPOSED
    assert mail.outbox == []
    assert match.events.get().notified_at is None  # the sweep will send it


def test_the_sweep_is_scheduled_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matchmaking-send-pending-match-notifications"]
    assert entry["task"] == "matchmaking.tasks.send_pending_match_notifications"
    assert entry["schedule"] == timedelta(minutes=5)


def test_notify_task_takes_an_id(need, offer_x, helpdesk_user, member_x):
    match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    assert tasks.notify_match_event.delay(match.events.get().pk).get() is True
    assert len(inbox(member_x)) == 1


def test_offer_y_members_never_hear_of_offer_x(
    sent, need, offer_x, offer_y, helpdesk_user, member_y
):
    sent(services.match_propose, need=need, offer=offer_x, by=helpdesk_user)
    assert inbox(member_y) == []
