"""Emails that follow a request's history, and the tasks that send them and escalate requests.

Tasks run eagerly in tests; they are sent after commit, so a test that expects emails runs the
services inside ``django_capture_on_commit_callbacks(execute=True)``. Without it, events stay
unnotified, as when the broker was down: what the periodic sweep is for.
"""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import timezone

from needs import notifications, services, tasks
from needs.models import Need, NeedEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = NeedEvent.Action
SUPERVISOR = "supervisor@chm-portal.example"


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.SITE_URL = "https://chm.example"
    settings.HELPDESK_EMAIL = "helpdesk@chm-portal.example"
    settings.HELPDESK_SUPERVISOR_EMAILS = [SUPERVISOR]
    settings.HELPDESK_RESPONSE_WORKING_DAYS = 10


@pytest.fixture
def draft(make_need):
    """``draft(by, country, **fields)``: a complete draft whose contact is its author."""

    def draft(by, country, **fields) -> Need:
        contact = {"contact_name": by.get_full_name(), "contact_email": by.email}
        return make_need(by=by, country=country, **{**contact, **fields})

    return draft


@pytest.fixture
def submit(draft, django_capture_on_commit_callbacks):
    """Submit a new request of ``by`` and send what that sends; the outbox starts empty after."""

    def submit(by, country, *, keep_outbox=False, **fields) -> Need:
        with django_capture_on_commit_callbacks(execute=True):
            need = services.need_submit(need=draft(by, country, **fields), by=by)
        if not keep_outbox:
            mail.outbox.clear()
        return need

    return submit


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and send the emails it calls for, as after a committed request."""

    def sent(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return sent


def to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def html_of(email) -> str:
    (html, mimetype), *_others = email.alternatives
    assert mimetype == "text/html"
    return html


# --- Submission -------------------------------------------------------------------------------
def test_submission_confirms_to_the_requester_and_tells_the_help_desk(
    submit, focal_point_a, country_a
):
    need = submit(focal_point_a, country_a, keep_outbox=True)

    (confirmation,) = to(focal_point_a.email)
    (new_request,) = to("helpdesk@chm-portal.example")
    assert need.reference in confirmation.subject
    assert need.reference in confirmation.body
    assert "10 working days" in confirmation.body  # the commitment
    manage_url = f"https://chm.example/en/needs/{need.reference}/manage/"
    assert manage_url in confirmation.body
    assert manage_url in html_of(confirmation)
    assert "Dear Amani Otieno," in confirmation.body
    assert need.reference in new_request.subject and "Kenya" in new_request.subject
    assert f"https://chm.example/en/admin/needs/need/{need.pk}/change/" in new_request.body


def test_a_contact_other_than_the_author_is_told_too(submit, focal_point_a, country_a):
    submit(
        focal_point_a,
        country_a,
        keep_outbox=True,
        contact_name="Wanjiru Kamau",
        contact_email="wanjiru.kamau@kws.example",
        language="es",
    )

    (to_contact,) = to("wanjiru.kamau@kws.example")
    assert "Wanjiru Kamau" in to_contact.body  # greeted by name, in Spanish
    # No account: written in the request's language (an interface language).
    assert "https://chm.example/es/needs/" in to_contact.body
    assert len(mail.outbox) == 3


def test_emails_are_in_the_requesters_language(submit, focal_point_a, country_a):
    focal_point_a.preferred_language = "fr"
    focal_point_a.save(update_fields=["preferred_language"])

    need = submit(focal_point_a, country_a, keep_outbox=True)

    (confirmation,) = to(focal_point_a.email)
    (new_request,) = to("helpdesk@chm-portal.example")
    assert f"https://chm.example/fr/needs/{need.reference}/manage/" in confirmation.body
    assert '<html lang="fr">' in html_of(confirmation)
    assert "https://chm.example/en/admin/" in new_request.body  # the help desk's language


def test_each_event_is_notified_once_even_if_the_task_runs_twice(submit, focal_point_a, country_a):
    need = submit(focal_point_a, country_a, keep_outbox=True)
    event = NeedEvent.objects.get(need=need, action=A.SUBMITTED)

    again = tasks.notify_need_event(event.pk)

    assert again is False
    assert len(mail.outbox) == 2
    event.refresh_from_db()
    assert event.notified_at is not None


def test_events_that_call_for_no_email_are_marked_notified(submit, focal_point_a, country_a):
    need = submit(focal_point_a, country_a)

    created = NeedEvent.objects.get(need=need, action=A.CREATED)

    assert created.notified_at is not None


def test_a_failed_send_is_left_for_the_retry(monkeypatch, draft, focal_point_a, country_a):
    need = services.need_submit(need=draft(focal_point_a, country_a), by=focal_point_a)
    event = NeedEvent.objects.get(need=need, action=A.SUBMITTED)

    def refuse(self, messages):
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(SMTPException):
        notifications.need_event_notify(event_id=event.pk)

    event.refresh_from_db()
    assert event.notified_at is None
    monkeypatch.undo()
    assert notifications.need_event_notify(event_id=event.pk) is True
    assert len(to(focal_point_a.email)) == 1


# --- The sweep --------------------------------------------------------------------------------
def test_the_sweep_resends_lost_notifications_and_leaves_fresh_ones(
    draft, focal_point_a, focal_point_b, country_a, country_b
):
    # Both submitted while the broker was down: their tasks were never sent (no on_commit run).
    lost = services.need_submit(need=draft(focal_point_a, country_a), by=focal_point_a)
    fresh = services.need_submit(need=draft(focal_point_b, country_b), by=focal_point_b)
    NeedEvent.objects.filter(need=lost).update(created_at=timezone.now() - timedelta(minutes=5))

    tasks.send_pending_need_notifications()

    lost_event = NeedEvent.objects.get(need=lost, action=A.SUBMITTED)
    fresh_event = NeedEvent.objects.get(need=fresh, action=A.SUBMITTED)
    assert lost_event.notified_at is not None
    assert fresh_event.notified_at is None  # its own task may still be on its way
    assert len(to(focal_point_a.email)) == 1
    assert to(focal_point_b.email) == []

    tasks.send_pending_need_notifications()  # the next sweep does not send again
    assert len(to(focal_point_a.email)) == 1


# --- The help desk's decisions ------------------------------------------------------------------
def test_clarification_request_sends_the_question(
    submit, sent, helpdesk_user, focal_point_a, country_a
):
    need = submit(focal_point_a, country_a)

    sent(
        services.need_request_clarification,
        need=need,
        by=helpdesk_user,
        message="Which counties would the training cover?",
    )

    (email,) = mail.outbox
    assert email.to == [focal_point_a.email]
    assert need.reference in email.subject
    assert "Which counties would the training cover?" in email.body
    assert f"/en/needs/{need.reference}/manage/" in email.body


def test_the_answer_goes_to_the_assignee_or_the_help_desk(
    submit, sent, helpdesk_user, focal_point_a, focal_point_b, country_a, country_b
):
    assigned = submit(focal_point_a, country_a)
    unassigned = submit(focal_point_b, country_b)
    services.need_assign(need=assigned, assignee=helpdesk_user, by=helpdesk_user)
    for need in (assigned, unassigned):
        services.need_request_clarification(need=need, by=helpdesk_user, message="Budget?")

    sent(
        services.need_answer_clarification,
        need=assigned,
        by=focal_point_a,
        message="About 20,000 USD.",
    )
    sent(
        services.need_answer_clarification,
        need=unassigned,
        by=focal_point_b,
        message="About 5,000 USD.",
    )

    (to_assignee,) = to(helpdesk_user.email)
    (to_helpdesk,) = to("helpdesk@chm-portal.example")
    assert "About 20,000 USD." in to_assignee.body and assigned.reference in to_assignee.subject
    assert "About 5,000 USD." in to_helpdesk.body and unassigned.reference in to_helpdesk.subject
    assert f"/admin/needs/need/{assigned.pk}/change/" in to_assignee.body


def test_publication_is_announced_with_the_public_page(
    submit, sent, helpdesk_user, focal_point_a, country_a
):
    need = submit(focal_point_a, country_a)

    sent(services.need_publish, need=need, by=helpdesk_user)

    (email,) = mail.outbox
    assert email.to == [focal_point_a.email]
    assert need.reference in email.subject
    assert f"https://chm.example/en/needs/{need.reference}/" in email.body


def test_rejection_gives_the_reason(submit, sent, helpdesk_user, focal_point_a, country_a):
    need = submit(focal_point_a, country_a)

    sent(services.need_reject, need=need, by=helpdesk_user, reason="Asks for funding only.")

    (email,) = mail.outbox
    assert email.to == [focal_point_a.email]
    assert "Asks for funding only." in email.body
    assert "Asks for funding only." in html_of(email)


def test_a_duplicate_names_the_original(submit, sent, helpdesk_user, focal_point_a, country_a):
    original = submit(focal_point_a, country_a)
    duplicate = submit(focal_point_a, country_a)

    sent(services.need_mark_duplicate, need=duplicate, original=original, by=helpdesk_user)

    (email,) = mail.outbox
    assert duplicate.reference in email.subject
    assert original.reference in email.body


def test_withdrawing_ones_own_request_sends_nothing(submit, sent, focal_point_a, country_a):
    need = submit(focal_point_a, country_a)

    sent(services.need_withdraw, need=need, by=focal_point_a, reason="Funded elsewhere.")

    assert mail.outbox == []
    assert NeedEvent.objects.get(need=need, action=A.WITHDRAWN).notified_at is not None


def test_a_request_withdrawn_by_someone_else_is_announced(
    submit, sent, colleague_a, focal_point_a, country_a
):
    need = submit(focal_point_a, country_a)

    sent(services.need_withdraw, need=need, by=colleague_a, reason="Merged into another one.")

    (email,) = mail.outbox
    assert email.to == [focal_point_a.email]
    assert "Baraka Mwangi" in email.body and "Merged into another one." in email.body


def test_assignments_and_edits_send_nothing(submit, sent, helpdesk_user, focal_point_a, country_a):
    need = submit(focal_point_a, country_a)

    sent(services.need_assign, need=need, assignee=helpdesk_user, by=helpdesk_user)

    assert mail.outbox == []


# --- Escalation -------------------------------------------------------------------------------
def test_overdue_requests_are_escalated_to_supervisors_once(
    submit, focal_point_a, country_a, django_capture_on_commit_callbacks
):
    overdue = submit(focal_point_a, country_a)
    submit(focal_point_a, country_a)  # recent: not escalated
    Need.objects.filter(pk=overdue.pk).update(submitted_at=timezone.now() - timedelta(days=20))

    with django_capture_on_commit_callbacks(execute=True):
        escalated = tasks.escalate_overdue_needs()
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.escalate_overdue_needs()

    assert (escalated, again) == (1, 0)
    (email,) = mail.outbox
    assert email.to == [SUPERVISOR]
    assert overdue.reference in email.subject
    assert f"/admin/needs/need/{overdue.pk}/change/" in email.body
    assert "/admin/needs/need/?age=overdue" in email.body
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None


def test_a_person_whose_language_is_not_offered_gets_the_default(submit, focal_point_a, country_a):
    contact = UserFactory(email="kofi@kws.example", preferred_language="en")
    type(contact).objects.filter(pk=contact.pk).update(preferred_language="sw")

    submit(
        focal_point_a,
        country_a,
        keep_outbox=True,
        contact_name="Kofi",
        contact_email="KOFI@kws.example",
    )

    (email,) = to("KOFI@kws.example")
    assert "https://chm.example/en/needs/" in email.body
