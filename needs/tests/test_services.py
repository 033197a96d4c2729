"""Writes on requests for assistance and assessments, through ``needs.services``."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    GBFTarget,
    Priority,
    ThematicArea,
)
from needs import selectors, services, tasks, workflow
from needs.models import (
    Assessment,
    AssessmentEntry,
    Need,
    NeedEvent,
    NeedMessage,
    NeedSupport,
)
from needs.workflow import TransitionNotAllowed
from partners.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import COMPLETE_FIELDS

pytestmark = pytest.mark.django_db

A = NeedEvent.Action
S = Need.Status


def _target(number: int) -> GBFTarget:
    return GBFTarget.objects.get(number=number)


# --- Creating -----------------------------------------------------------------------------------
def test_references_are_numbered_per_year_in_order_and_unique(make_need):
    year = timezone.now().year

    needs = [make_need(title=f"Request {n}") for n in range(3)]

    assert [need.reference for need in needs] == [
        f"NEED-{year}-00001",
        f"NEED-{year}-00002",
        f"NEED-{year}-00003",
    ]
    assert Need.objects.filter(reference__startswith=f"NEED-{year}-").count() == 3


def test_sending_the_same_creation_token_twice_creates_one_request(focal_point_a, country_a):
    token = uuid.uuid4()

    first = services.need_create(
        by=focal_point_a, country=country_a, title="Wetland survey", creation_token=token
    )
    second = services.need_create(
        by=focal_point_a, country=country_a, title="Wetland survey", creation_token=token
    )

    assert second.pk == first.pk
    assert Need.objects.filter(creation_token=token).count() == 1
    assert NeedEvent.objects.filter(need=first, action=A.CREATED).count() == 1
    # Another token is another request.
    third = services.need_create(
        by=focal_point_a, country=country_a, title="Wetland survey", creation_token=uuid.uuid4()
    )
    assert third.pk != first.pk


def test_created_request_is_a_draft_with_its_vocabulary_and_support(make_need, focal_point_a):
    need = make_need()

    assert need.status == S.DRAFT
    assert need.created_by == focal_point_a
    assert sorted(need.targets.values_list("code", flat=True)) == ["GBF-T21", "GBF-T4"]
    assert sorted(need.working_languages.values_list("code", flat=True)) == ["en", "sw"]
    assert list(need.support_details.values_list("support_type__code", "details")) == [
        ("training", "Two field courses of five days at Lake Nakuru.")
    ]
    assert list(need.events.values_list("action", "to_status", "is_internal")) == [
        (A.CREATED, S.DRAFT, True)
    ]


@pytest.mark.parametrize(
    ("related", "support", "named_field", "unknown_code"),
    [
        ({"targets": ["GBF-T4", "GBF-T99"]}, None, "targets", "GBF-T99"),
        ({"working_languages": ["en", "klingon"]}, None, "working_languages", "klingon"),
        (None, {"training": "Yes", "teleport": "Please"}, "support_types", "teleport"),
    ],
    ids=["target", "language", "support-type"],
)
def test_unknown_codes_are_refused_and_nothing_is_created(
    focal_point_a, country_a, related, support, named_field, unknown_code
):
    counts = (Need.objects.count(), NeedEvent.objects.count(), NeedSupport.objects.count())

    with pytest.raises(ValidationError) as refused:
        services.need_create(
            by=focal_point_a,
            country=country_a,
            title="Wetland survey",
            related=related,
            support=support,
        )

    assert unknown_code in refused.value.message_dict[named_field][0]
    assert (Need.objects.count(), NeedEvent.objects.count(), NeedSupport.objects.count()) == counts


@pytest.mark.parametrize("field", ["status", "country", "expressed_with_helpdesk", "colour"])
def test_fields_a_requester_does_not_fill_in_are_refused(focal_point_a, country_a, field):
    with pytest.raises(ValidationError, match=field):
        services.need_create(
            by=focal_point_a, country=country_a, title="Wetland survey", fields={field: "x"}
        )

    assert not Need.objects.exists()


def test_end_before_start_is_refused_by_validation_and_by_the_database(make_need):
    with pytest.raises(ValidationError) as refused:
        make_need(desired_start=date(2027, 6, 1), desired_end=date(2027, 1, 31))
    assert "need_end_not_before_start" in str(refused.value)
    assert not Need.objects.exists()

    need = make_need(desired_start=date(2027, 1, 1), desired_end=date(2027, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(desired_end=date(2026, 12, 31))
    need.desired_end = date(2026, 12, 31)
    with pytest.raises(IntegrityError), transaction.atomic():
        need.save()  # skips full_clean
    need.refresh_from_db()
    assert need.desired_end == date(2027, 6, 30)


def test_negative_budget_is_refused_by_validation_and_by_the_database(make_need):
    with pytest.raises(ValidationError) as refused:
        make_need(estimated_budget=Decimal("-1.00"), budget_currency="USD")
    assert "estimated_budget" in refused.value.message_dict
    assert not Need.objects.exists()

    need = make_need(estimated_budget=Decimal("25000.00"), budget_currency="USD")
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(estimated_budget=Decimal("-0.01"))
    need.refresh_from_db()
    assert need.estimated_budget == Decimal("25000.00")


# --- Who may ask for which country --------------------------------------------------------------
def test_help_desk_creating_for_brazil_records_help_desk_assistance(helpdesk_user, country_b):
    need = services.need_create(by=helpdesk_user, country=country_b, title="Cerrado fire alerts")

    assert need.expressed_with_helpdesk is True
    assert need.requester_kind == Need.RequesterKind.GOVERNMENT
    assert need.country == country_b


def test_focal_point_creating_for_own_country_is_not_help_desk_assisted(focal_point_b, country_b):
    need = services.need_create(by=focal_point_b, country=country_b, title="Cerrado fire alerts")

    assert need.expressed_with_helpdesk is False
    assert need.requester_kind == Need.RequesterKind.GOVERNMENT


@pytest.mark.parametrize("person", ["focal_point_a", "learner", "member_x"])
def test_people_who_may_not_ask_for_brazil_are_refused(request, person, country_b):
    with pytest.raises(PermissionDenied):
        services.need_create(
            by=request.getfixturevalue(person), country=country_b, title="Cerrado fire alerts"
        )

    assert not Need.objects.exists()


@pytest.mark.parametrize("country_fixture", ["country_a", "country_b"])
def test_iplc_member_may_ask_for_any_party_as_an_iplc_requester(
    request, iplc_member, country_fixture
):
    country = request.getfixturevalue(country_fixture)

    need = services.need_create(by=iplc_member, country=country, title="Community seed bank")

    assert need.requester_kind == Need.RequesterKind.IPLC
    assert need.expressed_with_helpdesk is False


def test_iplc_member_may_not_ask_for_a_country_that_is_not_a_party(iplc_member):
    not_a_party = Country.objects.get(code="US")
    assert not not_a_party.is_cbd_party

    with pytest.raises(PermissionDenied):
        services.need_create(by=iplc_member, country=not_a_party, title="Community seed bank")


def test_member_of_an_iplc_organisation_still_pending_approval_may_not_ask(
    iplc_organisation, country_a
):
    pending = OrganisationFactory(
        name="Ogiek Peoples' Development Program",
        organisation_type=iplc_organisation.organisation_type,
        status=Organisation.Status.PENDING,
    )
    person = UserFactory(email="kiprop@ogiek.example", full_name="Kiprop Sang")
    MembershipFactory(user=person, organisation=pending)

    with pytest.raises(PermissionDenied):
        services.need_create(by=person, country=country_a, title="Forest mapping")


# --- Submitting and clarifications -------------------------------------------------------------
def test_submitting_needs_every_required_field_named_in_the_error(focal_point_a, country_a):
    need = services.need_create(by=focal_point_a, country=country_a, title="Wetland survey")

    with pytest.raises(ValidationError) as refused:
        services.need_submit(need=need, by=focal_point_a)

    assert set(refused.value.message_dict) == set(services.REQUIRED_TO_SUBMIT) - {"title"}
    need.refresh_from_db()
    assert need.status == S.DRAFT
    assert need.submitted_at is None
    assert not need.events.filter(action=A.SUBMITTED).exists()


def test_whitespace_does_not_count_as_filling_in(make_need, focal_point_a):
    need = make_need(objectives="   \n ")

    with pytest.raises(ValidationError) as refused:
        services.need_submit(need=need, by=focal_point_a)

    assert list(refused.value.message_dict) == ["objectives"]


def test_focal_point_b_may_not_submit_a_kenyan_request(draft_need, focal_point_b):
    with pytest.raises(PermissionDenied):
        services.need_submit(need=draft_need, by=focal_point_b)

    draft_need.refresh_from_db()
    assert draft_need.status == S.DRAFT


def test_help_desk_question_is_a_message_from_the_help_desk(submitted_need, helpdesk_user):
    services.need_request_clarification(
        need=submitted_need, by=helpdesk_user, message="  Which counties take part?  "
    )

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.CLARIFICATION_REQUESTED
    message = NeedMessage.objects.get(need=submitted_need)
    assert (message.author, message.from_helpdesk, message.body) == (
        helpdesk_user,
        True,
        "Which counties take part?",
    )
    event = submitted_need.events.get(action=A.CLARIFICATION_REQUESTED)
    assert (event.note, event.is_internal) == ("Which counties take part?", False)


def test_empty_question_is_refused(submitted_need, helpdesk_user):
    with pytest.raises(ValidationError):
        services.need_request_clarification(need=submitted_need, by=helpdesk_user, message=" ")

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.SUBMITTED


def test_answer_resubmits_and_keeps_the_answer(submitted_need, focal_point_a, helpdesk_user):
    first_submitted_at = submitted_need.submitted_at
    services.need_request_clarification(
        need=submitted_need, by=helpdesk_user, message="Which counties take part?"
    )
    Need.objects.filter(pk=submitted_need.pk).update(escalated_at=timezone.now())

    services.need_answer_clarification(
        need=submitted_need, by=focal_point_a, message="Nakuru, Baringo and Naivasha."
    )

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.SUBMITTED
    # The answer is a new submission: the help desk's commitment starts again from it.
    assert submitted_need.submitted_at > first_submitted_at
    assert submitted_need.escalated_at is None
    assert list(
        submitted_need.messages.values_list("author__full_name", "from_helpdesk", "body")
    ) == [
        ("Hana Kim", True, "Which counties take part?"),
        ("Amani Otieno", False, "Nakuru, Baringo and Naivasha."),
    ]
    event = submitted_need.events.get(action=A.CLARIFICATION_ANSWERED)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.CLARIFICATION_REQUESTED,
        S.SUBMITTED,
        focal_point_a,
        "Nakuru, Baringo and Naivasha.",
    )


def test_empty_answer_is_refused(submitted_need, focal_point_a, helpdesk_user):
    services.need_request_clarification(need=submitted_need, by=helpdesk_user, message="Who?")

    with pytest.raises(ValidationError):
        services.need_answer_clarification(need=submitted_need, by=focal_point_a, message="\n")

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.CLARIFICATION_REQUESTED


# --- Triage decisions --------------------------------------------------------------------------
def test_reject_requires_a_reason_and_keeps_it(submitted_need, helpdesk_user):
    with pytest.raises(ValidationError):
        services.need_reject(need=submitted_need, by=helpdesk_user, reason="   ")
    submitted_need.refresh_from_db()
    assert submitted_need.status == S.SUBMITTED

    services.need_reject(
        need=submitted_need, by=helpdesk_user, reason="Asks for vehicles only, no capacity."
    )

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.REJECTED
    assert submitted_need.rejection_reason == "Asks for vehicles only, no capacity."


def test_requester_may_not_triage(submitted_need, focal_point_a):
    with pytest.raises(PermissionDenied):
        services.need_publish(need=submitted_need, by=focal_point_a)
    with pytest.raises(PermissionDenied):
        services.need_reject(need=submitted_need, by=focal_point_a, reason="Changed my mind")

    submitted_need.refresh_from_db()
    assert submitted_need.status == S.SUBMITTED


def test_a_request_cannot_duplicate_itself(submitted_need, helpdesk_user):
    with pytest.raises(ValidationError, match="itself"):
        services.need_mark_duplicate(need=submitted_need, original=submitted_need, by=helpdesk_user)

    submitted_need.refresh_from_db()
    assert (submitted_need.status, submitted_need.duplicate_of) == (S.SUBMITTED, None)


def test_a_duplicate_points_to_the_original_not_to_another_duplicate(
    make_need, focal_point_a, helpdesk_user
):
    original = make_need(title="Waterbird census")
    first_copy = services.need_submit(
        need=make_need(title="Waterbird census (1)"), by=focal_point_a
    )
    services.need_mark_duplicate(need=first_copy, original=original, by=helpdesk_user)
    second_copy = services.need_submit(
        need=make_need(title="Waterbird census (2)"), by=focal_point_a
    )

    with pytest.raises(ValidationError, match="another duplicate"):
        services.need_mark_duplicate(need=second_copy, original=first_copy, by=helpdesk_user)

    first_copy.refresh_from_db()
    assert (first_copy.status, first_copy.duplicate_of) == (S.DUPLICATE, original)
    assert original.reference in first_copy.events.get(action=A.MARKED_DUPLICATE).note
    second_copy.refresh_from_db()
    assert (second_copy.status, second_copy.duplicate_of) == (S.SUBMITTED, None)


@pytest.mark.parametrize("assignee", ["focal_point_a", "member_x", "learner"])
def test_requests_are_assigned_to_help_desk_staff_only(
    request, submitted_need, helpdesk_user, assignee
):
    with pytest.raises(ValidationError) as refused:
        services.need_assign(
            need=submitted_need, assignee=request.getfixturevalue(assignee), by=helpdesk_user
        )

    assert "assignee" in refused.value.message_dict
    submitted_need.refresh_from_db()
    assert (submitted_need.assigned_to, submitted_need.status) == (None, S.SUBMITTED)


def test_assigning_a_submitted_request_starts_triage(
    submitted_need, helpdesk_user, second_helpdesk_user
):
    events_before = submitted_need.events.count()

    services.need_assign(need=submitted_need, assignee=second_helpdesk_user, by=helpdesk_user)

    submitted_need.refresh_from_db()
    assert submitted_need.assigned_to == second_helpdesk_user
    assert submitted_need.status == S.IN_TRIAGE
    assert list(
        submitted_need.events.order_by("pk")[events_before:].values_list(
            "action", "to_status", "is_internal", "note"
        )
    ) == [
        (A.ASSIGNED, S.SUBMITTED, True, "Assigned to Hugo Lambert."),
        (A.TRIAGE_STARTED, S.IN_TRIAGE, True, ""),
    ]


def test_reassigning_in_triage_only_records_the_assignment(
    submitted_need, helpdesk_user, second_helpdesk_user
):
    services.need_assign(need=submitted_need, assignee=helpdesk_user, by=helpdesk_user)
    events_before = submitted_need.events.count()

    services.need_assign(need=submitted_need, assignee=None, by=second_helpdesk_user)

    submitted_need.refresh_from_db()
    assert (submitted_need.assigned_to, submitted_need.status) == (None, S.IN_TRIAGE)
    assert list(
        submitted_need.events.order_by("pk")[events_before:].values_list("action", "note")
    ) == [(A.ASSIGNED, "Unassigned.")]


def test_only_the_help_desk_assigns(submitted_need, focal_point_a, helpdesk_user):
    with pytest.raises(PermissionDenied):
        services.need_assign(need=submitted_need, assignee=helpdesk_user, by=focal_point_a)


# --- Withdrawing -------------------------------------------------------------------------------
def test_focal_point_withdraws_a_published_request(published_need, colleague_a):
    services.need_withdraw(need=published_need, by=colleague_a, reason="Funded by UNDP.")

    published_need.refresh_from_db()
    assert published_need.status == S.WITHDRAWN
    assert published_need.events.get(action=A.WITHDRAWN).note == "Funded by UNDP."


def test_another_countrys_focal_point_may_not_withdraw(published_need, focal_point_b):
    with pytest.raises(PermissionDenied):
        services.need_withdraw(need=published_need, by=focal_point_b)

    published_need.refresh_from_db()
    assert published_need.status == S.PUBLISHED


def test_withdrawing_a_fulfilled_request_is_a_workflow_refusal_not_a_permission_one(
    need_in_status, focal_point_a
):
    need = need_in_status(S.FULFILLED)

    with pytest.raises(TransitionNotAllowed, match="Fulfilled"):
        services.need_withdraw(need=need, by=focal_point_a)


# --- Editing -----------------------------------------------------------------------------------
def test_focal_point_of_another_country_may_not_edit(draft_need, focal_point_b):
    with pytest.raises(PermissionDenied):
        services.need_update(need=draft_need, by=focal_point_b, fields={"title": "Hijacked"})

    draft_need.refresh_from_db()
    assert draft_need.title == "Waterbird monitoring at the Rift Valley lakes"


def test_owner_edits_a_draft_without_history_noise(draft_need, colleague_a):
    services.need_update(
        need=draft_need,
        by=colleague_a,
        fields={"objectives": "Train 60 officers."},
        related={"targets": ["GBF-T21"]},
        support={"training": "Three courses.", "equipment": "Ten spotting scopes."},
    )

    draft_need.refresh_from_db()
    assert draft_need.objectives == "Train 60 officers."
    assert list(draft_need.targets.values_list("code", flat=True)) == ["GBF-T21"]
    assert dict(draft_need.support_details.values_list("support_type__code", "details")) == {
        "training": "Three courses.",
        "equipment": "Ten spotting scopes.",
    }
    assert not draft_need.events.filter(action=A.EDITED).exists()


def test_focal_point_may_not_edit_a_published_request(published_need, focal_point_a):
    with pytest.raises(PermissionDenied):
        services.need_update(need=published_need, by=focal_point_a, fields={"title": "New"})

    published_need.refresh_from_db()
    assert published_need.title == "Waterbird monitoring at the Rift Valley lakes"
    assert not published_need.events.filter(action=A.EDITED).exists()


def test_help_desk_edits_a_published_request_with_an_internal_edited_event(
    published_need, helpdesk_user
):
    services.need_update(
        need=published_need, by=helpdesk_user, fields={"title": "Waterbird census training"}
    )

    published_need.refresh_from_db()
    assert published_need.title == "Waterbird census training"
    event = published_need.events.get(action=A.EDITED)
    assert (event.actor, event.is_internal, event.to_status) == (helpdesk_user, True, S.PUBLISHED)


def test_requester_editing_during_clarification_leaves_a_visible_edited_event(
    submitted_need, focal_point_a, helpdesk_user
):
    services.need_request_clarification(
        need=submitted_need, by=helpdesk_user, message="Please add the budget."
    )

    services.need_update(
        need=submitted_need,
        by=focal_point_a,
        fields={"estimated_budget": Decimal("48000"), "budget_currency": "USD"},
    )

    event = submitted_need.events.get(action=A.EDITED)
    assert (event.actor, event.is_internal) == (focal_point_a, False)


def test_update_refuses_unknown_fields(draft_need, focal_point_a):
    with pytest.raises(ValidationError, match="status"):
        services.need_update(need=draft_need, by=focal_point_a, fields={"status": S.PUBLISHED})

    draft_need.refresh_from_db()
    assert draft_need.status == S.DRAFT


# --- History -----------------------------------------------------------------------------------
def test_history_hides_help_desk_internals_from_the_requester(
    draft_need, focal_point_a, helpdesk_user
):
    services.need_submit(need=draft_need, by=focal_point_a)
    services.need_assign(need=draft_need, assignee=helpdesk_user, by=helpdesk_user)
    services.need_request_clarification(need=draft_need, by=helpdesk_user, message="Budget?")
    services.need_answer_clarification(need=draft_need, by=focal_point_a, message="USD 48,000.")
    services.need_start_triage(need=draft_need, by=helpdesk_user)
    services.need_update(need=draft_need, by=helpdesk_user, fields={"title": "Waterbird census"})
    services.need_publish(need=draft_need, by=helpdesk_user)

    everything = selectors.need_history(draft_need, include_internal=True)
    assert [(event.action, event.is_internal) for event in everything] == [
        (A.CREATED, True),
        (A.SUBMITTED, False),
        (A.ASSIGNED, True),
        (A.TRIAGE_STARTED, True),
        (A.CLARIFICATION_REQUESTED, False),
        (A.CLARIFICATION_ANSWERED, False),
        (A.TRIAGE_STARTED, True),
        (A.EDITED, True),
        (A.PUBLISHED, False),
    ]
    requester_sees = selectors.need_history(draft_need, include_internal=False)
    assert [event.action for event in requester_sees] == [
        A.SUBMITTED,
        A.CLARIFICATION_REQUESTED,
        A.CLARIFICATION_ANSWERED,
        A.PUBLISHED,
    ]


def test_publishing_costs_a_fixed_number_of_queries(
    submitted_need, helpdesk_user, django_assert_num_queries
):
    helpdesk_user.has_perm("needs.triage_need")  # the groups are read once per user object
    with django_assert_num_queries(6):
        # SAVEPOINT; SELECT ... FOR UPDATE the request; UPDATE its status and timestamps;
        # INSERT the published event; upsert the request's suggestion refresh (matchmaking);
        # RELEASE SAVEPOINT.
        services.need_publish(need=submitted_need, by=helpdesk_user)


# --- Escalation --------------------------------------------------------------------------------
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        (MONDAY, 1, datetime(2026, 3, 6, 10, 0, tzinfo=UTC)),  # the Friday before
        (MONDAY, 5, datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),  # a week before
        (MONDAY, 10, datetime(2026, 2, 23, 10, 0, tzinfo=UTC)),  # two weeks before
        (MONDAY + timedelta(days=5), 1, datetime(2026, 3, 13, 10, 0, tzinfo=UTC)),  # Sat -> Fri
        (MONDAY + timedelta(days=6), 1, datetime(2026, 3, 13, 10, 0, tzinfo=UTC)),  # Sun -> Fri
        (MONDAY + timedelta(days=1), 1, MONDAY),  # Tuesday -> Monday
    ],
    ids=["mon-1", "mon-5", "mon-10", "sat-1", "sun-1", "tue-1"],
)
def test_working_days_skip_weekends(moment, days, expected):
    assert MONDAY.weekday() == 0
    assert workflow.working_days_before(moment, days) == expected


@pytest.fixture
def response_days(settings):
    settings.HELPDESK_RESPONSE_WORKING_DAYS = 10
    return 10


def _submitted_working_days_ago(need, days, *, now=MONDAY):
    Need.objects.filter(pk=need.pk).update(submitted_at=workflow.working_days_before(now, days))


def test_overdue_request_is_escalated_once(submitted_need, response_days):
    _submitted_working_days_ago(submitted_need, 15)

    escalated = services.needs_escalate_overdue(now=MONDAY)

    assert escalated == [submitted_need.pk]
    submitted_need.refresh_from_db()
    assert submitted_need.escalated_at == MONDAY
    assert submitted_need.status == S.SUBMITTED
    event = submitted_need.events.get(action=A.ESCALATED)
    assert (event.actor, event.is_internal) == (None, True)
    assert "10 working days" in event.note

    assert services.needs_escalate_overdue(now=MONDAY + timedelta(hours=4)) == []
    assert submitted_need.events.filter(action=A.ESCALATED).count() == 1


def test_only_requests_waiting_for_triage_past_the_commitment_are_escalated(
    make_need, focal_point_a, helpdesk_user, response_days
):
    recent = services.need_submit(need=make_need(title="Recent"), by=focal_point_a)
    _submitted_working_days_ago(recent, 3)
    in_triage = services.need_submit(need=make_need(title="In triage"), by=focal_point_a)
    services.need_start_triage(need=in_triage, by=helpdesk_user)
    _submitted_working_days_ago(in_triage, 11)
    published = services.need_submit(need=make_need(title="Published"), by=focal_point_a)
    services.need_publish(need=published, by=helpdesk_user)
    _submitted_working_days_ago(published, 30)
    make_need(title="Still a draft")

    assert services.needs_escalate_overdue(now=MONDAY) == [in_triage.pk]
    assert set(Need.objects.filter(escalated_at__isnull=False).values_list("title", flat=True)) == {
        "In triage"
    }


# --- Notifications when the broker is down -----------------------------------------------------
def test_event_notification_is_sent_after_commit(
    draft_need, focal_point_a, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.notify_need_event, "delay", lambda event_id: sent.append(event_id))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.need_submit(need=draft_need, by=focal_point_a)
        assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    assert sent == [draft_need.events.get(action=A.SUBMITTED).pk]


def test_submission_succeeds_when_the_broker_is_down_and_the_sweep_resends(
    draft_need, focal_point_a, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.notify_need_event, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.need_submit(need=draft_need, by=focal_point_a)

    # The notification, and matchmaking's refresh of the request's suggestions.
    assert len(callbacks) == 2
    draft_need.refresh_from_db()
    assert draft_need.status == S.SUBMITTED
    event = draft_need.events.get(action=A.SUBMITTED)
    assert event.notified_at is None
    assert "periodic sweep will retry" in caplog.text

    # Later, the broker is back: the sweep sends what was left behind.
    NeedEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=1))
    resent = []
    monkeypatch.setattr(tasks.notify_need_event, "delay", lambda event_id: resent.append(event_id))
    tasks.send_pending_need_notifications()
    assert event.pk in resent


# --- Assessments -------------------------------------------------------------------------------
@pytest.fixture
def kenyan_assessment(focal_point_a, country_a):
    return services.assessment_start(country=country_a, cycle=2026, by=focal_point_a)


def _priority(code: str) -> Priority:
    return Priority.objects.get(code=code)


def test_starting_an_assessment_twice_resumes_the_same_one(
    kenyan_assessment, colleague_a, country_a
):
    again = services.assessment_start(country=country_a, cycle=2026, by=colleague_a)

    assert again.pk == kenyan_assessment.pk
    assert Assessment.objects.filter(country=country_a).count() == 1
    assert again.status == Assessment.Status.DRAFT


def test_another_countrys_focal_point_may_not_start_or_fill_in_an_assessment(
    kenyan_assessment, focal_point_b, country_a
):
    with pytest.raises(PermissionDenied):
        services.assessment_start(country=country_a, cycle=2027, by=focal_point_b)
    with pytest.raises(PermissionDenied):
        services.assessment_save_entry(
            assessment=kenyan_assessment, by=focal_point_b, target=_target(1), capacity_systemic=0
        )

    assert not AssessmentEntry.objects.exists()
    assert Assessment.objects.count() == 1


def test_entry_scores_run_from_0_to_4_in_validation_and_in_the_database(
    kenyan_assessment, focal_point_a
):
    with pytest.raises(ValidationError) as refused:
        services.assessment_save_entry(
            assessment=kenyan_assessment, by=focal_point_a, target=_target(3), capacity_individual=5
        )
    assert "capacity_individual" in refused.value.message_dict
    assert not AssessmentEntry.objects.exists()

    entry = services.assessment_save_entry(
        assessment=kenyan_assessment, by=focal_point_a, target=_target(3), capacity_individual=4
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentEntry.objects.filter(pk=entry.pk).update(capacity_individual=5)
    entry.refresh_from_db()
    assert entry.capacity_individual == 4


def test_saving_an_entry_again_updates_it(kenyan_assessment, focal_point_a):
    first = services.assessment_save_entry(
        assessment=kenyan_assessment, by=focal_point_a, target=_target(3), capacity_individual=1
    )
    again = services.assessment_save_entry(
        assessment=kenyan_assessment,
        by=focal_point_a,
        target=_target(3),
        capacity_individual=2,
        gap_description="  Few trained rangers.  ",
    )

    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.capacity_individual, again.gap_description) == (2, "Few trained rangers.")


def test_submitting_an_assessment_needs_at_least_one_entry(kenyan_assessment, focal_point_a):
    with pytest.raises(ValidationError):
        services.assessment_submit(assessment=kenyan_assessment, by=focal_point_a)
    kenyan_assessment.refresh_from_db()
    assert kenyan_assessment.status == Assessment.Status.DRAFT

    services.assessment_save_entry(
        assessment=kenyan_assessment, by=focal_point_a, target=_target(1), capacity_systemic=2
    )
    services.assessment_submit(assessment=kenyan_assessment, by=focal_point_a)

    kenyan_assessment.refresh_from_db()
    assert kenyan_assessment.status == Assessment.Status.SUBMITTED
    assert kenyan_assessment.submitted_by == focal_point_a
    assert kenyan_assessment.submitted_at is not None


def test_high_priority_gaps_become_draft_requests_once(kenyan_assessment, focal_point_a):
    protected_areas = ThematicArea.objects.get(code="protected_areas")
    save = services.assessment_save_entry
    gap = save(
        assessment=kenyan_assessment,
        by=focal_point_a,
        target=_target(3),
        thematic_area=protected_areas,
        capacity_individual=0,
        capacity_organisational=3,
        capacity_systemic=1,
        gap_description="Marine protected areas lack trained managers.",
        priority=_priority("high"),
    )
    no_lacking_level = save(
        assessment=kenyan_assessment,
        by=focal_point_a,
        target=_target(6),
        capacity_individual=2,
        capacity_organisational=2,
        capacity_systemic=2,
        priority=_priority("high"),
    )
    save(  # medium priority: no request
        assessment=kenyan_assessment,
        by=focal_point_a,
        target=_target(21),
        capacity_individual=0,
        priority=_priority("medium"),
    )
    already_asked = save(
        assessment=kenyan_assessment,
        by=focal_point_a,
        target=_target(8),
        capacity_systemic=0,
        priority=_priority("high"),
    )
    services.assessment_draft_needs(
        assessment=kenyan_assessment, by=focal_point_a, entries=[already_asked]
    )

    drafts = services.assessment_draft_needs(assessment=kenyan_assessment, by=focal_point_a)

    assert {need.assessment_entry_id for need in drafts} == {gap.pk, no_lacking_level.pk}
    from_gap = Need.objects.get(assessment_entry=gap)
    assert from_gap.status == S.DRAFT
    assert from_gap.country_id == kenyan_assessment.country_id
    assert from_gap.title.startswith("Capacity for GBF-T3 ")
    assert from_gap.problem_statement == "Marine protected areas lack trained managers."
    assert from_gap.priority.code == "high"
    assert list(from_gap.targets.values_list("code", flat=True)) == ["GBF-T3"]
    assert list(from_gap.thematic_areas.all()) == [protected_areas]
    assert set(from_gap.capacity_levels.values_list("code", flat=True)) == {
        "individual",
        "systemic",
    }
    assert not Need.objects.get(assessment_entry=no_lacking_level).capacity_levels.exists()

    assert services.assessment_draft_needs(assessment=kenyan_assessment, by=focal_point_a) == []
    assert Need.objects.filter(assessment_entry__assessment=kenyan_assessment).count() == 3


def test_focal_point_b_may_not_draft_requests_from_a_kenyan_assessment(
    kenyan_assessment, focal_point_b
):
    with pytest.raises(PermissionDenied):
        services.assessment_draft_needs(assessment=kenyan_assessment, by=focal_point_b)


def test_largest_gaps_are_ordered_by_gap_then_target(kenyan_assessment, focal_point_a):
    forests, restoration = ThematicArea.objects.filter(
        code__in=["forests", "restoration"]
    ).order_by("code")

    def assess(number, individual=None, organisational=None, systemic=None, area=None):
        services.assessment_save_entry(
            assessment=kenyan_assessment,
            by=focal_point_a,
            target=_target(number),
            thematic_area=area,
            capacity_individual=individual,
            capacity_organisational=organisational,
            capacity_systemic=systemic,
        )

    # gap = 4 - the mean of the scores given; a target's thematic areas are averaged.
    assess(1, 0, 0, 0)  # 4 - 0 = 4.0
    assess(2, 4, 4)  # 4 - 4 = 0.0
    assess(3, 1, 2, 3)  # 4 - 2 = 2.0
    assess(4, 3)  # 4 - 3 = 1.0
    assess(5, 0, 2, 4, area=forests)  # 4 - 2 = 2.0
    assess(5, 4, 4, 4, area=restoration)  # 4 - 4 = 0.0; target 5: (2.0 + 0.0) / 2 = 1.0
    assess(6)  # nothing scored: left out
    assess(7, systemic=1)  # 4 - 1 = 3.0

    gaps = list(selectors.assessment_largest_gaps(kenyan_assessment, limit=10))

    assert [(row["target__code"], row["gap"]) for row in gaps] == [
        ("GBF-T1", pytest.approx(4.0)),
        ("GBF-T7", pytest.approx(3.0)),
        ("GBF-T3", pytest.approx(2.0)),
        ("GBF-T4", pytest.approx(1.0)),  # ties go by target number
        ("GBF-T5", pytest.approx(1.0)),
        ("GBF-T2", pytest.approx(0.0)),
    ]
    assert [
        row["target__code"] for row in selectors.assessment_largest_gaps(kenyan_assessment)
    ] == [
        "GBF-T1",
        "GBF-T7",
        "GBF-T3",
        "GBF-T4",
        "GBF-T5",
    ]


def test_capacity_levels_of_the_vocabulary_match_the_assessment_fields():
    """Drafting requests maps levels by code; a renamed code would silently drop them."""
    assert set(CapacityLevel.objects.values_list("code", flat=True)) == set(services.LEVEL_FIELDS)


def test_complete_fields_fixture_fills_everything_submission_asks_for():
    assert set(services.REQUIRED_TO_SUBMIT) - {"title"} <= set(COMPLETE_FIELDS)
