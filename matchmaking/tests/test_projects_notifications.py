"""Emails and inbox messages of pilot projects, the sweep that sends what was lost, and the
daily reminder task.

Tasks run eagerly in tests and are sent after commit: a test that expects messages runs the
service inside ``django_capture_on_commit_callbacks(execute=True)``. Without it the events stay
unnotified, as when the broker is down, which is what the sweep is for.
"""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import timezone

from chm_portal.alerts.models import InboxMessage
from matchmaking import notifications_projects, tasks
from matchmaking.models import Project, ProjectEvent
from matchmaking.services import projects as services
from tests.factories import MatchFactory, MatchNeedFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

A = ProjectEvent.Action
HELPDESK = "helpdesk@chm-portal.example"


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.SITE_URL = "https://chm.example"
    settings.HELPDESK_EMAIL = HELPDESK


@pytest.fixture
def match(country_a, focal_point_a, organisation_x, member_x):
    need = MatchNeedFactory(
        country=country_a,
        created_by=focal_point_a,
        status="matched",
        contact_email=focal_point_a.email,
    )
    return MatchFactory(
        need=need,
        offer=OfferFactory(provider=organisation_x),
        status="agreed",
        agreed_at=timezone.now(),
        provider_contact_name="Marie Curie",
        provider_contact_email="marie@mangrove-alliance.example",
    )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and send what it calls for, as after a committed request."""

    def sent(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return sent


@pytest.fixture
def project(sent, match, focal_point_a):
    project = sent(
        services.project_launch,
        match=match,
        by=focal_point_a,
        data={"title": "Waterbird census", "objectives": "Train the officers."},
    )
    mail.outbox.clear()
    InboxMessage.objects.all().delete()
    return project


def addresses() -> set[str]:
    return {address for email in mail.outbox for address in email.to}


def inbox_of(user) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(recipient=user))


def test_launching_tells_both_sides_and_the_help_desk_but_not_the_launcher(
    sent, match, focal_point_a, colleague_a, member_x, helpdesk_user, member_y, focal_point_b
):
    project = sent(
        services.project_launch,
        match=match,
        by=member_x,
        data={"title": "Waterbird census", "objectives": "Train the officers."},
    )

    assert addresses() == {
        focal_point_a.email,
        colleague_a.email,
        "marie@mangrove-alliance.example",
        HELPDESK,
    }
    subject = mail.outbox[0].subject
    assert project.reference in subject
    assert f"https://chm.example/en/matchmaking/projects/{project.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # an HTML part too
    for person in (focal_point_a, colleague_a, helpdesk_user):
        [message] = inbox_of(person)
        assert message.url == f"/en/matchmaking/projects/{project.pk}/"
        assert project.reference in message.subject
    for person in (member_x, member_y, focal_point_b):
        assert inbox_of(person) == []
    event = project.events.get(action=A.LAUNCHED)
    assert event.notified_at is not None


def test_people_are_written_to_in_their_language(sent, project, focal_point_a, member_x):
    focal_point_a.preferred_language = "fr"
    focal_point_a.save(update_fields=["preferred_language"])

    sent(services.project_set_status, project=project, by=member_x, status="implementation")

    [email] = [email for email in mail.outbox if email.to == [focal_point_a.email]]
    assert "/fr/matchmaking/projects/" in email.body
    [message] = inbox_of(focal_point_a)
    assert message.url.startswith("/fr/")


def test_reports_go_to_the_sides_only(sent, project, member_x, focal_point_a, helpdesk_user):
    sent(
        services.progress_report_submit,
        project=project,
        by=member_x,
        data={
            "period_start": datetime.date(2026, 1, 1),
            "period_end": datetime.date(2026, 3, 31),
            "progress_percent": 30,
            "achievements": "A first course.",
        },
    )
    assert HELPDESK not in addresses()
    assert focal_point_a.email in addresses()
    assert inbox_of(helpdesk_user) == []
    assert len(inbox_of(focal_point_a)) == 1


def test_edits_send_nothing(sent, project, member_x):
    sent(services.project_update, project=project, by=member_x, data={"title": "Census"})
    assert mail.outbox == []
    assert not InboxMessage.objects.exists()
    assert project.events.get(action=A.EDITED).notified_at is not None


def test_the_daily_task_reminds_both_sides(
    django_capture_on_commit_callbacks, project, focal_point_a, member_x
):
    Project.objects.filter(pk=project.pk).update(
        next_report_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_projects() == 1
    assert {focal_point_a.email, member_x.email} <= addresses()
    assert HELPDESK not in addresses()
    reminder = next(email for email in mail.outbox if email.to == [member_x.email])
    assert "missing" in reminder.subject
    assert f"/en/matchmaking/projects/{project.pk}/report/" in reminder.body
    assert len(inbox_of(member_x)) == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_projects() == 0
    assert mail.outbox == []


def test_the_sweep_sends_what_the_broker_lost_once(project, member_x, focal_point_a):
    # Recorded while the broker was down: no task ran after commit.
    services.project_set_status(project=project, by=member_x, status="implementation")
    event = project.events.get(action=A.STATUS_CHANGED)
    assert event.notified_at is None
    ProjectEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )

    assert tasks.send_pending_project_notifications() >= 1
    assert focal_point_a.email in addresses()
    count = len(mail.outbox)
    # Sent once: the event is claimed.
    assert tasks.send_pending_project_notifications() == 0
    assert notifications_projects.project_event_notify(event_id=event.pk) is False
    assert len(mail.outbox) == count
    assert len(inbox_of(focal_point_a)) == 1


def test_a_mail_failure_leaves_nothing_half_sent(project, member_x, focal_point_a, monkeypatch):
    services.project_set_status(project=project, by=member_x, status="implementation")
    event = project.events.get(action=A.STATUS_CHANGED)

    def fail(self, messages):
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    with pytest.raises(SMTPException):
        notifications_projects.project_event_notify(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None
    assert inbox_of(focal_point_a) == []

    monkeypatch.undo()
    assert notifications_projects.project_event_notify(event_id=event.pk) is True
    assert len(inbox_of(focal_point_a)) == 1


def test_inactive_people_and_revoked_focal_points_are_left_out(
    sent, project, member_x, colleague_a
):
    colleague_a.focal_points.update(revoked_at=timezone.now())
    gone = UserFactory(email="gone@mangrove-alliance.example", is_active=False)
    project.match.offer.provider.memberships.create(user=gone, role="editor")

    sent(services.project_set_status, project=project, by=member_x, status="implementation")

    assert colleague_a.email not in addresses()
    assert gone.email not in addresses()
