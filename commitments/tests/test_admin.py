"""Moderation in the admin: the queue, publishing, and returning with a message."""

import pytest
from django.urls import reverse

from commitments.models import ModerationStatus

from .factories import CommitmentFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, helpdesk_user):
    helpdesk_user.is_staff = True
    helpdesk_user.save()
    client.force_login(helpdesk_user)
    return client


def test_the_moderation_queue(staff_client):
    CommitmentFactory(title="Waiting for us", status=ModerationStatus.SUBMITTED)
    CommitmentFactory(title="Still a draft")
    url = reverse("admin:commitments_commitment_changelist")
    html = staff_client.get(url, {"status__exact": "submitted"}).content.decode()
    assert "Waiting for us" in html and "Still a draft" not in html
    commitment = CommitmentFactory()
    assert (
        staff_client.get(
            reverse("admin:commitments_commitment_change", args=[commitment.pk])
        ).status_code
        == 200
    )


def test_publishing_from_the_admin(staff_client):
    waiting = CommitmentFactory(status=ModerationStatus.SUBMITTED)
    draft = CommitmentFactory()
    staff_client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "publish_selected", "_selected_action": [waiting.pk, draft.pk]},
    )
    waiting.refresh_from_db()
    draft.refresh_from_db()
    assert waiting.status == ModerationStatus.PUBLISHED
    assert draft.status == ModerationStatus.DRAFT  # refused with a warning, not published


def test_returning_asks_for_the_message_first(staff_client):
    waiting = CommitmentFactory(status=ModerationStatus.SUBMITTED)
    url = reverse("admin:commitments_commitment_changelist")
    selection = {"action": "return_selected", "_selected_action": [waiting.pk]}
    page = staff_client.post(url, selection)
    assert page.status_code == 200 and b'name="note"' in page.content
    waiting.refresh_from_db()
    assert waiting.status == ModerationStatus.SUBMITTED
    empty = staff_client.post(url, {**selection, "apply": "1", "note": ""})
    assert empty.status_code == 200
    staff_client.post(url, {**selection, "apply": "1", "note": "Add a unit."})
    waiting.refresh_from_db()
    assert waiting.status == ModerationStatus.RETURNED
    assert waiting.moderation_note == "Add a unit."


def test_progress_reports_are_moderated_in_the_admin(staff_client):
    report = ProgressReportFactory(status=ModerationStatus.SUBMITTED)
    staff_client.post(
        reverse("admin:commitments_progressreport_changelist"),
        {"action": "publish_selected", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == ModerationStatus.PUBLISHED


def test_people_without_a_staff_role_do_not_moderate(client, learner):
    learner.is_staff = True
    learner.save()
    client.force_login(learner)
    response = client.get(reverse("admin:commitments_commitment_changelist"))
    assert response.status_code == 403
