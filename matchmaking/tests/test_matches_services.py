"""The Bio-Bridge workflow's services: every transition, who may take it, stale pages, capacity,
duplicates, the request's own status, and the suggestions' recomputation."""

# Fixtures imported from matches_fixtures are redefined as test arguments, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matchmaking import workflow
from matchmaking.models import Match, MatchEvent, SuggestionRefresh
from matchmaking.services import matches as services
from matchmaking.tests.matches_fixtures import (  # noqa: F401  (fixtures)
    CONTACT,
    accepted,
    agreed,
    interest,
    need,
    need_b,
    offer_x,
    offer_y,
    proposed,
    suggestion_x,
)
from matchmaking.workflow import TransitionNotAllowed
from needs.models import Need
from partners.models import RecordStatus
from tests.factories import MatchNeedFactory, OfferFactory

pytestmark = pytest.mark.django_db

S = Match.Status
A = MatchEvent.Action


def actions_of(match: Match) -> list[str]:
    return list(match.events.order_by("pk").values_list("action", flat=True))


def refreshes_of(offer) -> int:
    return SuggestionRefresh.objects.filter(kind="offer", object_id=offer.pk).count()


# --- The workflow table -------------------------------------------------------------------------
def test_workflow_table():
    assert workflow.allowed_actions(S.INTEREST) == [A.PROPOSED, A.WITHDRAWN]
    assert workflow.allowed_actions(S.PROPOSED) == [A.ACCEPTED, A.DECLINED, A.WITHDRAWN]
    assert workflow.allowed_actions(S.ACCEPTED) == [A.AGREED, A.WITHDRAWN]
    assert workflow.allowed_actions(S.AGREED) == [A.WITHDRAWN, A.COMPLETED]
    for closed in (S.DECLINED, S.WITHDRAWN, S.COMPLETED):
        assert workflow.allowed_actions(closed) == []
    assert workflow.uses_capacity(S.ACCEPTED) and workflow.uses_capacity(S.AGREED)
    assert not workflow.uses_capacity(S.PROPOSED)


# --- Interest -------------------------------------------------------------------------------------
def test_requester_expresses_interest_in_a_suggestion(need, offer_x, suggestion_x, colleague_a):
    match = services.match_express_interest(
        need=need, offer=offer_x, by=colleague_a, note="  Training in Kiswahili?  "
    )

    assert match.status == S.INTEREST
    assert match.origin == Match.Origin.REQUESTER
    assert (match.score, match.suggestion_rank) == (0.82, 1)
    assert match.interest_note == "Training in Kiswahili?"
    assert match.created_by == colleague_a
    assert match.proposed_at is None
    event = match.events.get()
    assert (event.action, event.to_status, event.actor) == (A.INTEREST, S.INTEREST, colleague_a)


def test_interest_in_an_offer_that_was_not_suggested_has_no_score(need, offer_y, focal_point_a):
    match = services.match_express_interest(need=need, offer=offer_y, by=focal_point_a)
    assert match.score is None and match.suggestion_rank is None


@pytest.mark.parametrize("person", ["focal_point_b", "member_x", "learner", "helpdesk_user"])
def test_only_the_requester_side_expresses_interest(request, need, offer_x, person):
    with pytest.raises(PermissionDenied):
        services.match_express_interest(
            need=need, offer=offer_x, by=request.getfixturevalue(person)
        )
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    "status", [Need.Status.SUBMITTED, Need.Status.IN_TRIAGE, Need.Status.WITHDRAWN]
)
def test_interest_needs_a_published_request(need, offer_x, focal_point_a, status):
    Need.objects.filter(pk=need.pk).update(status=status)
    need.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.match_express_interest(need=need, offer=offer_x, by=focal_point_a)
    assert "Only published requests" in str(error.value)


@pytest.mark.parametrize("status", [RecordStatus.DRAFT, RecordStatus.PAUSED, RecordStatus.CLOSED])
def test_interest_needs_an_offer_taking_requests(need, offer_x, focal_point_a, status):
    offer_x.status = status
    offer_x.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        services.match_express_interest(need=need, offer=offer_x, by=focal_point_a)
    assert "does not take requests" in str(error.value)


def test_a_second_open_match_of_the_same_pair_is_refused(interest, need, offer_x, helpdesk_user):
    with pytest.raises(ValidationError) as error:
        services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    assert "already matched" in str(error.value)
    # Once the first is closed, the pair may be matched again.
    services.match_withdraw(match=interest, by=helpdesk_user, reason="Wrong offer.")
    again = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    assert again.status == S.PROPOSED


def test_interest_refuses_markup(need, offer_x, focal_point_a):
    with pytest.raises(ValidationError) as error:
        services.match_express_interest(
            need=need, offer=offer_x, by=focal_point_a, note="<script>alert(1)</script>"
        )
    assert "note" in error.value.error_dict


# --- Proposal -------------------------------------------------------------------------------------
def test_help_desk_proposes_a_suggested_offer(need, offer_x, suggestion_x, helpdesk_user):
    match = services.match_propose(
        need=need, offer=offer_x, by=helpdesk_user, message="Your training fits."
    )
    assert match.status == S.PROPOSED
    assert match.origin == Match.Origin.SUGGESTION
    assert (match.score, match.suggestion_rank) == (0.82, 1)
    assert (match.proposed_by, match.proposal_message) == (helpdesk_user, "Your training fits.")
    assert match.proposed_at is not None
    assert actions_of(match) == [A.PROPOSED]


def test_an_offer_the_engine_did_not_suggest_is_chosen_by_the_help_desk(
    need, offer_y, helpdesk_user
):
    match = services.match_propose(need=need, offer=offer_y, by=helpdesk_user)
    assert match.origin == Match.Origin.HELPDESK


def test_help_desk_passes_an_interest_on(interest, helpdesk_user):
    match = services.match_propose(match=interest, by=helpdesk_user, message="Over to you.")
    assert match.status == S.PROPOSED
    assert match.origin == Match.Origin.REQUESTER  # it stays the requester's idea
    assert match.proposed_at is not None
    assert actions_of(match) == [A.INTEREST, A.PROPOSED]


@pytest.mark.parametrize("person", ["focal_point_a", "member_x", "learner"])
def test_only_the_help_desk_proposes(request, need, offer_x, interest, person):
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        services.match_propose(need=need, offer=offer_x, by=user)
    with pytest.raises(PermissionDenied):
        services.match_propose(match=interest, by=user)


def test_site_admin_may_propose(need, offer_x, site_admin):
    assert services.match_propose(need=need, offer=offer_x, by=site_admin).status == S.PROPOSED


def test_proposing_an_interest_someone_withdrew_is_stale(interest, helpdesk_user, focal_point_a):
    seen = Match.objects.get(pk=interest.pk)  # the help desk's page, showing "interest"
    services.match_withdraw(match=interest, by=focal_point_a, reason="Found another partner.")
    with pytest.raises(TransitionNotAllowed) as error:
        services.match_propose(match=seen, by=helpdesk_user)
    assert "Reload the page" in str(error.value)


# --- Answer ---------------------------------------------------------------------------------------
def test_provider_accepts_with_a_contact_person(proposed, member_x, offer_x):
    assert refreshes_of(offer_x) == 0
    match = services.match_accept(
        match=proposed, by=member_x, message="We start in March.", **CONTACT
    )
    assert match.status == S.ACCEPTED
    assert match.provider_contact_name == "Xavier Dupont"
    assert match.provider_contact_email == "xavier@mangrove-alliance.example"
    assert match.provider_message == "We start in March."
    assert (match.responded_by, match.responded_at is not None) == (member_x, True)
    # The offer's remaining capacity changed: its suggestions are recomputed.
    assert refreshes_of(offer_x) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"contact_name": "", "contact_email": "x@example.org"}, "provider_contact_name"),
        ({"contact_name": "Xavier", "contact_email": ""}, "provider_contact_email"),
        ({"contact_name": "Xavier", "contact_email": "not an address"}, "provider_contact_email"),
    ],
)
def test_accepting_needs_a_contact_person(proposed, member_x, fields, field):
    with pytest.raises(ValidationError) as error:
        services.match_accept(match=proposed, by=member_x, **fields)
    assert field in error.value.error_dict
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED


@pytest.mark.parametrize("person", ["member_y", "focal_point_a", "helpdesk_user", "learner"])
def test_only_the_providers_members_answer(request, proposed, person):
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        services.match_accept(match=proposed, by=user, **CONTACT)
    with pytest.raises(PermissionDenied):
        services.match_decline(match=proposed, by=user, reason="No.")


def test_provider_declines_with_a_reason(proposed, member_x):
    with pytest.raises(ValidationError) as error:
        services.match_decline(match=proposed, by=member_x, reason="  ")
    assert "decline_reason" in error.value.error_dict
    match = services.match_decline(match=proposed, by=member_x, reason="Fully booked this year.")
    assert match.status == S.DECLINED
    assert match.decline_reason == "Fully booked this year."
    assert match.events.last().note == "Fully booked this year."


def test_answering_twice_is_stale(proposed, member_x):
    seen = Match.objects.get(pk=proposed.pk)
    services.match_decline(match=proposed, by=member_x, reason="Fully booked.")
    with pytest.raises(TransitionNotAllowed):
        services.match_accept(match=seen, by=member_x, **CONTACT)
    proposed.refresh_from_db()
    assert proposed.status == S.DECLINED


def test_an_interest_is_not_answered_by_the_provider(interest, member_x):
    # It never reached the provider: the workflow refuses before the permission is asked.
    with pytest.raises(TransitionNotAllowed):
        services.match_accept(match=interest, by=member_x, **CONTACT)


# --- Capacity -------------------------------------------------------------------------------------
def test_accepting_is_refused_when_the_offer_has_no_place_left(
    need, offer_x, helpdesk_user, member_x, country_a
):
    offer_x.max_concurrent_requests = 1
    offer_x.save(update_fields=["max_concurrent_requests"])
    first = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    other_need = MatchNeedFactory(country=country_a, title="Flamingo counts")
    second = services.match_propose(need=other_need, offer=offer_x, by=helpdesk_user)
    services.match_accept(match=first, by=member_x, **CONTACT)

    with pytest.raises(ValidationError) as error:
        services.match_accept(match=second, by=member_x, **CONTACT)
    assert "no place left" in str(error.value)

    # A place is freed when the first match ends.
    services.match_withdraw(match=first, by=helpdesk_user, reason="The requester gave up.")
    assert services.match_accept(match=second, by=member_x, **CONTACT).status == S.ACCEPTED


def test_offers_without_a_limit_take_any_number(need, offer_x, helpdesk_user, member_x, country_a):
    for number in range(3):
        other = MatchNeedFactory(country=country_a, title=f"Request {number}")
        match = services.match_propose(need=other, offer=offer_x, by=helpdesk_user)
        services.match_accept(match=match, by=member_x, **CONTACT)
    assert Match.objects.filter(offer=offer_x, status=S.ACCEPTED).count() == 3


def test_places_taken_counts_accepted_and_agreed_in_one_query(
    agreed, offer_x, offer_y, need_b, helpdesk_user, member_y, django_assert_num_queries
):
    from matchmaking.selectors.matches import offer_places_taken

    match = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    services.match_accept(match=match, by=member_y, **CONTACT)
    services.match_propose(need=need_b, offer=offer_x, by=helpdesk_user)  # proposed: no place
    with django_assert_num_queries(1):
        taken = offer_places_taken([offer_x.pk, offer_y.pk])
    assert taken == {offer_x.pk: 1, offer_y.pk: 1}


# --- Confirmation ------------------------------------------------------------------------------
def test_requester_confirms_and_the_request_is_matched(accepted, colleague_a, need, offer_x):
    SuggestionRefresh.objects.all().delete()
    match = services.match_confirm(match=accepted, by=colleague_a)
    assert match.status == S.AGREED
    assert (match.confirmed_by, match.agreed_at is not None) == (colleague_a, True)
    need.refresh_from_db()
    assert need.status == Need.Status.MATCHED
    assert need.events.filter(action="matched", actor=colleague_a).exists()
    # Accepted → agreed keeps the place: nothing to recompute.
    assert refreshes_of(offer_x) == 0


@pytest.mark.parametrize("person", ["focal_point_b", "member_x", "helpdesk_user", "learner"])
def test_only_the_requester_side_confirms(request, accepted, person):
    with pytest.raises(PermissionDenied):
        services.match_confirm(match=accepted, by=request.getfixturevalue(person))


def test_a_matched_request_takes_no_new_match(agreed, need, offer_y, helpdesk_user):
    with pytest.raises(ValidationError) as error:
        services.match_propose(need=Need.objects.get(pk=need.pk), offer=offer_y, by=helpdesk_user)
    assert "“Matched”" in str(error.value)


def test_confirming_a_match_of_a_withdrawn_request_is_refused(accepted, need, focal_point_a):
    Need.objects.filter(pk=need.pk).update(status=Need.Status.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        services.match_confirm(match=accepted, by=focal_point_a)
    assert "can no longer be agreed" in str(error.value)


def test_confirming_before_the_provider_accepted_is_stale(proposed, focal_point_a):
    with pytest.raises(TransitionNotAllowed):
        services.match_confirm(match=proposed, by=focal_point_a)


# --- Withdrawal -----------------------------------------------------------------------------------
def test_requester_withdraws_until_the_provider_answers(interest, focal_point_a):
    match = services.match_withdraw(match=interest, by=focal_point_a, reason="Found funding.")
    assert match.status == S.WITHDRAWN
    assert match.withdrawal_reason == "Found funding."


def test_requester_cannot_withdraw_an_accepted_match_but_the_help_desk_can(
    accepted, focal_point_a, helpdesk_user, offer_x
):
    with pytest.raises(PermissionDenied):
        services.match_withdraw(match=accepted, by=focal_point_a, reason="Changed our mind.")
    SuggestionRefresh.objects.all().delete()
    services.match_withdraw(match=accepted, by=helpdesk_user, reason="The provider left.")
    accepted.refresh_from_db()
    assert accepted.status == S.WITHDRAWN
    # The match gave its place back: the offer's suggestions are recomputed.
    assert refreshes_of(offer_x) == 1


def test_withdrawing_a_proposal_changes_no_capacity(proposed, helpdesk_user, offer_x):
    SuggestionRefresh.objects.all().delete()
    services.match_withdraw(match=proposed, by=helpdesk_user, reason="Wrong offer.")
    assert refreshes_of(offer_x) == 0


def test_withdrawing_needs_a_reason(interest, focal_point_a):
    with pytest.raises(ValidationError) as error:
        services.match_withdraw(match=interest, by=focal_point_a, reason="")
    assert "withdrawal_reason" in error.value.error_dict


@pytest.mark.parametrize("person", ["member_x", "focal_point_b", "learner"])
def test_others_cannot_withdraw(request, proposed, person):
    with pytest.raises(PermissionDenied):
        services.match_withdraw(match=proposed, by=request.getfixturevalue(person), reason="x")


def test_withdrawing_the_only_agreed_match_reopens_the_request(agreed, need, helpdesk_user):
    services.match_withdraw(match=agreed, by=helpdesk_user, reason="The project fell through.")
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED
    assert need.events.filter(action="reopened").exists()


def test_withdrawing_a_closed_match_is_stale(proposed, member_x, helpdesk_user):
    services.match_decline(match=proposed, by=member_x, reason="No.")
    with pytest.raises(TransitionNotAllowed):
        services.match_withdraw(match=proposed, by=helpdesk_user, reason="x")


# --- Completion -----------------------------------------------------------------------------------
def test_completion_by_the_portal_frees_the_place(agreed, offer_x):
    SuggestionRefresh.objects.all().delete()
    match = services.match_complete(match=agreed, by=None, note="Project completed.")
    assert match.status == S.COMPLETED
    assert match.events.last().actor is None
    assert refreshes_of(offer_x) == 1


def test_completion_by_a_person_needs_to_be_a_side(agreed, learner, member_x):
    with pytest.raises(PermissionDenied):
        services.match_complete(match=agreed, by=learner)
    assert services.match_complete(match=agreed, by=member_x).status == S.COMPLETED


def test_only_agreed_matches_complete(accepted):
    with pytest.raises(TransitionNotAllowed):
        services.match_complete(match=accepted)


def test_every_step_writes_one_event_with_its_statuses(agreed):
    events = list(agreed.events.order_by("pk"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        (A.PROPOSED, "", S.PROPOSED),
        (A.ACCEPTED, S.PROPOSED, S.ACCEPTED),
        (A.AGREED, S.ACCEPTED, S.AGREED),
    ]
    assert all(event.notified_at is None for event in events)  # the outbox


def test_the_new_status_shows_on_the_callers_object_too(proposed, member_x):
    services.match_decline(match=proposed, by=member_x, reason="No.")
    assert proposed.status == S.DECLINED
    assert proposed.status_changed_at is not None


def test_open_offer_of_an_unapproved_organisation_cannot_be_matched(
    need, helpdesk_user, organisation_x
):
    organisation_x.status = "pending"
    organisation_x.save(update_fields=["status"])
    offer = OfferFactory(provider=organisation_x)
    with pytest.raises(ValidationError):
        services.match_propose(need=need, offer=offer, by=helpdesk_user)
