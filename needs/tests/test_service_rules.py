"""Rules of the services that protect concurrent work and keep both sides informed."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from needs import services
from needs.models import Need, NeedEvent
from needs.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_an_edit_of_a_request_that_moved_on_fails_and_does_not_undo_the_move(
    submitted_need, helpdesk_user
):
    stale = Need.objects.get(pk=submitted_need.pk)  # the help desk's form, loaded earlier
    services.need_publish(need=submitted_need, by=helpdesk_user)

    with pytest.raises(TransitionNotAllowed):
        services.need_update(need=stale, by=helpdesk_user, fields={"title": "Edited title"})

    submitted_need.refresh_from_db()
    assert submitted_need.status == Need.Status.PUBLISHED
    assert submitted_need.title != "Edited title"


def test_reopening_a_matched_request_keeps_its_first_publication_date(
    published_need, helpdesk_user
):
    first_published_at = published_need.published_at
    services.need_mark_matched(need=published_need, by=helpdesk_user)
    services.need_reopen(need=published_need, by=helpdesk_user)

    published_need.refresh_from_db()
    assert published_need.status == Need.Status.PUBLISHED
    assert published_need.published_at == first_published_at


def test_a_second_submission_click_is_a_conflict_not_a_refusal(submitted_need, focal_point_a):
    stale = Need.objects.get(pk=submitted_need.pk)
    stale.status = Need.Status.DRAFT  # the page that was open when the first click went through
    with pytest.raises(TransitionNotAllowed):
        services.need_submit(need=stale, by=focal_point_a)


def test_messages_are_emailed_to_the_other_side(
    submitted_need, focal_point_a, helpdesk_user, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.need_post_message(need=submitted_need, by=helpdesk_user, body="Which lakes?")
    assert [message.to for message in mail.outbox] == [[focal_point_a.email]]
    assert "Which lakes?" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.need_post_message(need=submitted_need, by=focal_point_a, body="Nakuru.")
    assert [message.to for message in mail.outbox] == [[settings.HELPDESK_EMAIL]]
    assert "Nakuru." in mail.outbox[0].body
    assert submitted_need.events.filter(action=NeedEvent.Action.MESSAGE_POSTED).count() == 2


@pytest.mark.parametrize(
    "text",
    ["<script>alert('x')</script>", "Read <b>this</b>", '<img src=x onerror="alert(1)">'],
)
def test_markup_in_text_is_refused_with_a_clear_error_and_nothing_changes(
    make_need, submitted_need, focal_point_a, helpdesk_user, text
):
    draft_need = make_need(title="Mangrove restoration")
    title = draft_need.title
    with pytest.raises(ValidationError) as error:
        services.need_update(need=draft_need, by=focal_point_a, fields={"title": text})
    assert "plain text" in str(error.value.message_dict["title"])
    draft_need.refresh_from_db()
    assert draft_need.title == title

    with pytest.raises(ValidationError):
        services.need_post_message(need=submitted_need, by=focal_point_a, body=text)
    with pytest.raises(ValidationError):
        services.need_request_clarification(need=submitted_need, by=helpdesk_user, message=text)
    submitted_need.refresh_from_db()
    assert submitted_need.status == Need.Status.SUBMITTED
    assert not submitted_need.messages.exists()


def test_comparisons_in_text_are_not_taken_for_markup(draft_need, focal_point_a):
    services.need_update(
        need=draft_need,
        by=focal_point_a,
        fields={"objectives": "Cover > 30% of sites; keep costs < USD 5,000 & share data."},
    )
    draft_need.refresh_from_db()
    assert draft_need.objectives.startswith("Cover > 30%")


@pytest.mark.parametrize("status", ["withdrawn", "rejected", "duplicate", "fulfilled"])
def test_closed_requests_cannot_be_assigned(need_in_status, helpdesk_user, status):
    need = need_in_status(status)

    with pytest.raises(TransitionNotAllowed):
        services.need_assign(need=need, assignee=helpdesk_user, by=helpdesk_user)

    need.refresh_from_db()
    assert need.assigned_to is None
    assert not need.events.filter(action=NeedEvent.Action.ASSIGNED).exists()
