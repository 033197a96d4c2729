"""The status workflow, action by action and status by status, through the service functions.

For every action of ``workflow.TRANSITIONS`` and every status a request can be in, the matching
service either moves the request (from a source status) or refuses with ``TransitionNotAllowed``
and changes nothing. Hana (help desk) acts in these tables: she may act on any request at any time,
so only the workflow decides.
"""

import pytest

from needs import services
from needs.models import Need, NeedEvent
from needs.workflow import TRANSITIONS, TransitionNotAllowed, allowed_actions

pytestmark = pytest.mark.django_db

A = NeedEvent.Action
S = Need.Status
NOTE = "Checked with the Kenya Wildlife Service on 3 March."

# action -> (service function, keyword arguments besides need and by, note the event carries)
SERVICE_OF_ACTION = {
    A.SUBMITTED: (services.need_submit, {}, ""),
    A.CLARIFICATION_ANSWERED: (services.need_answer_clarification, {"message": NOTE}, NOTE),
    A.TRIAGE_STARTED: (services.need_start_triage, {}, ""),
    A.CLARIFICATION_REQUESTED: (services.need_request_clarification, {"message": NOTE}, NOTE),
    A.PUBLISHED: (services.need_publish, {"note": NOTE}, NOTE),
    A.REJECTED: (services.need_reject, {"reason": NOTE}, NOTE),
    A.MARKED_DUPLICATE: (services.need_mark_duplicate, {"note": NOTE}, NOTE),
    A.WITHDRAWN: (services.need_withdraw, {"reason": NOTE}, NOTE),
    A.MATCHED: (services.need_mark_matched, {"note": NOTE}, NOTE),
    A.REOPENED: (services.need_reopen, {"note": NOTE}, NOTE),
    A.STARTED: (services.need_start_work, {"note": NOTE}, NOTE),
    A.FULFILLED: (services.need_fulfil, {"note": NOTE}, NOTE),
}

ALLOWED = [
    (action, status)
    for action, (sources, _to) in TRANSITIONS.items()
    for status in S.values
    if status in sources
]
REFUSED = [
    (action, status)
    for action, (sources, _to) in TRANSITIONS.items()
    for status in S.values
    if status not in sources
]


def _pair_id(pair):
    action, status = pair
    return f"{action}-from-{status}"


def perform(action, need, *, by, original):
    """Call the service of ``action`` on ``need``; ``original`` is what a duplicate points to."""
    function, kwargs, _note = SERVICE_OF_ACTION[action]
    if action == A.MARKED_DUPLICATE:
        kwargs = {**kwargs, "original": original}
    return function(need=need, by=by, **kwargs)


def test_the_workflow_is_the_one_designed():
    """Written out, so that a change to TRANSITIONS is a deliberate change to this table too."""
    designed = {
        "submitted": ({"draft"}, "submitted"),
        "clarification_answered": ({"clarification_requested"}, "submitted"),
        "triage_started": ({"submitted"}, "in_triage"),
        "clarification_requested": ({"submitted", "in_triage"}, "clarification_requested"),
        "published": ({"submitted", "in_triage"}, "published"),
        "rejected": ({"submitted", "in_triage", "clarification_requested"}, "rejected"),
        "marked_duplicate": (
            {"submitted", "in_triage", "clarification_requested", "published"},
            "duplicate",
        ),
        "withdrawn": (
            {"draft", "submitted", "in_triage", "clarification_requested", "published"},
            "withdrawn",
        ),
        "matched": ({"published"}, "matched"),
        "reopened": ({"matched"}, "published"),
        "started": ({"matched"}, "in_progress"),
        "fulfilled": ({"in_progress"}, "fulfilled"),
    }
    assert {
        action: (set(sources), target) for action, (sources, target) in TRANSITIONS.items()
    } == designed


def test_every_action_of_the_workflow_has_its_service_in_these_tables():
    assert set(SERVICE_OF_ACTION) == set(TRANSITIONS)
    # Every status is reached by some action or is where requests start.
    reached = {target for _sources, target in TRANSITIONS.values()}
    assert set(S.values) - reached == {S.DRAFT}


@pytest.mark.parametrize(("action", "status"), ALLOWED, ids=map(_pair_id, ALLOWED))
def test_allowed_action_moves_the_request_and_records_one_event(
    action, status, need_in_status, make_need, helpdesk_user
):
    need = need_in_status(status)
    original = make_need(title="Waterbird census, first request")
    events_before = set(need.events.values_list("pk", flat=True))
    changed_before = need.status_changed_at

    returned = perform(action, need, by=helpdesk_user, original=original)

    target = TRANSITIONS[action][1]
    assert returned.status == target  # the caller's object shows the new state
    need.refresh_from_db()
    assert need.status == target
    assert need.status_changed_at > changed_before
    new_events = list(need.events.exclude(pk__in=events_before))
    assert [
        (event.action, event.from_status, event.to_status, event.actor, event.note)
        for event in new_events
    ] == [(action, status, target, helpdesk_user, SERVICE_OF_ACTION[action][2])]


@pytest.mark.parametrize(("action", "status"), REFUSED, ids=map(_pair_id, REFUSED))
def test_action_from_any_other_status_is_refused_and_changes_nothing(
    action, status, need_in_status, make_need, helpdesk_user
):
    need = need_in_status(status)
    original = make_need(title="Waterbird census, first request")
    events_before = need.events.count()
    messages_before = need.messages.count()

    with pytest.raises(TransitionNotAllowed) as refused:
        perform(action, need, by=helpdesk_user, original=original)

    assert need.reference in str(refused.value)
    assert str(Need.Status(status).label) in str(refused.value)
    need.refresh_from_db()
    assert need.status == status
    assert need.events.count() == events_before
    assert need.messages.count() == messages_before
    assert need.rejection_reason == ""
    if status != S.DUPLICATE:
        assert need.duplicate_of is None


@pytest.mark.parametrize("status", S.values)
def test_allowed_actions_offers_exactly_the_actions_that_succeed(status):
    assert set(allowed_actions(status)) == {action for action, st in ALLOWED if st == status}


def test_submitting_stamps_submitted_at_and_publishing_stamps_published_at(
    submitted_need, helpdesk_user
):
    submitted_at = submitted_need.submitted_at
    assert submitted_at is not None
    assert submitted_need.published_at is None

    services.need_publish(need=submitted_need, by=helpdesk_user)

    submitted_need.refresh_from_db()
    assert submitted_need.published_at is not None
    assert submitted_need.submitted_at == submitted_at


# --- Someone else acted first ------------------------------------------------------------------
def test_stale_request_is_refused_naming_its_reference_and_current_status(
    need_in_status, helpdesk_user
):
    stale = need_in_status(S.IN_TRIAGE)
    # Another help-desk member publishes it while Hana still has the triage page open.
    Need.objects.filter(pk=stale.pk).update(status=S.PUBLISHED)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.need_reject(need=stale, by=helpdesk_user, reason="Not capacity-building.")

    message = str(refused.value)
    assert stale.reference in message
    assert "Published (open for matching)" in message
    assert refused.value.need.status == S.PUBLISHED
    stale.refresh_from_db()
    assert stale.status == S.PUBLISHED
    assert stale.rejection_reason == ""
    assert not stale.events.filter(action=A.REJECTED).exists()


def test_stale_request_is_refused_even_when_its_new_status_would_allow_the_action(
    need_in_status, helpdesk_user
):
    """Hana decided on a submitted request; it is in triage now, so she must look again."""
    stale = need_in_status(S.SUBMITTED)
    Need.objects.filter(pk=stale.pk).update(status=S.IN_TRIAGE)

    with pytest.raises(TransitionNotAllowed, match="In triage"):
        services.need_publish(need=stale, by=helpdesk_user)

    stale.refresh_from_db()
    assert stale.status == S.IN_TRIAGE
    assert stale.published_at is None


def test_focal_point_submitting_a_draft_their_colleague_already_submitted_is_refused(
    draft_need, focal_point_a, colleague_a
):
    amanis_copy = Need.objects.get(pk=draft_need.pk)
    services.need_submit(need=draft_need, by=colleague_a)

    with pytest.raises(TransitionNotAllowed, match="Submitted"):
        services.need_submit(need=amanis_copy, by=focal_point_a)

    assert draft_need.events.filter(action=A.SUBMITTED).count() == 1
    assert draft_need.events.get(action=A.SUBMITTED).actor == colleague_a
