"""Commitments' services: the four kinds of actor, deliverables, moderation, phases and
progress reports."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chm_portal.alerts.models import InboxMessage
from chm_portal.vocabularies.models import GBFTarget, OrganisationType
from commitments import services
from commitments.models import (
    ActorType,
    Commitment,
    Deliverable,
    ModerationStatus,
    Phase,
    ProgressReport,
    Scope,
    Sector,
    Size,
)

from .factories import CommitmentFactory, PublishedCommitmentFactory

pytestmark = pytest.mark.django_db

DELIVERABLE = {
    "description": "Restore degraded wetland",
    "indicator": "Area of wetland restored",
    "unit": "ha",
    "baseline": Decimal("0"),
    "target": Decimal("120"),
}


def _data(country, **extra):
    return {
        "actor_name": "Lake Naivasha Growers",
        "country": country,
        "title_en": "Restore 120 ha of lakeshore wetland",
        "description_en": "We restore the wetland our farms drained.",
        "language": "en",
        "scope": Scope.SUBNATIONAL,
        "audience": "Farm workers and neighbours",
        "start_date": datetime.date(2025, 1, 1),
        "end_date": datetime.date(2028, 12, 31),
        **extra,
    }


def _targets(*codes):
    return list(GBFTarget.objects.filter(code__in=codes or ("GBF-T2",)))


def _create(user, country, actor_type=ActorType.INDIVIDUAL, deliverables=None, **extra):
    return services.commitment_create(
        by=user,
        actor_type=actor_type,
        data=_data(country, **extra),
        targets=_targets(),
        deliverables=deliverables if deliverables is not None else [DELIVERABLE],
    )


# --- The four forms ------------------------------------------------------------------------------
def test_an_individual_commits_with_a_deliverable(learner, country_a):
    commitment = _create(learner, country_a)
    assert commitment.owner == learner
    assert commitment.status == ModerationStatus.DRAFT
    assert commitment.phase == Phase.PLANNING
    assert [d.indicator for d in commitment.deliverables.all()] == ["Area of wetland restored"]


@pytest.mark.parametrize(
    ("actor_type", "missing"),
    [
        (ActorType.ORGANISATION, {"organisation_type", "size"}),
        (ActorType.BUSINESS, {"sector", "size"}),
        (ActorType.LOCAL_GOVERNMENT, {"government_level"}),
    ],
)
def test_each_kind_of_actor_needs_its_own_fields(learner, country_a, actor_type, missing):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, actor_type)
    assert missing <= set(error.value.message_dict)
    assert not Commitment.objects.exists()


def test_a_business_keeps_its_fields_and_loses_another_kinds(learner, country_a):
    commitment = _create(
        learner,
        country_a,
        ActorType.BUSINESS,
        sector=Sector.AGRICULTURE,
        size=Size.MEDIUM,
        government_level="city",  # belongs to local governments: cleared
    )
    assert (commitment.sector, commitment.size, commitment.government_level) == (
        "agriculture",
        "medium",
        "",
    )


def test_an_organisation_names_its_type(learner, country_a):
    ngo = OrganisationType.objects.get(code="ngo")
    commitment = _create(
        learner, country_a, ActorType.ORGANISATION, organisation_type=ngo, size=Size.SMALL
    )
    assert commitment.organisation_type == ngo


def test_a_commitment_needs_a_measurable_deliverable(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, deliverables=[])
    assert "deliverables" in error.value.message_dict
    assert not Commitment.objects.exists()


def test_a_deliverable_whose_target_is_its_baseline_is_refused(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, deliverables=[{**DELIVERABLE, "target": Decimal("0")}])
    assert "Deliverable 1" in " ".join(error.value.message_dict["deliverables"])
    assert not Commitment.objects.exists()


def test_biosafety_commitments_must_name_target_17(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, is_biosafety=True)
    assert "targets" in error.value.message_dict
    commitment = services.commitment_create(
        by=learner,
        actor_type=ActorType.INDIVIDUAL,
        data=_data(country_a, is_biosafety=True),
        targets=_targets("GBF-T17"),
        deliverables=[DELIVERABLE],
    )
    assert commitment.is_biosafety


def test_the_end_must_follow_the_start(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, end_date=datetime.date(2024, 1, 1))
    assert "end_date" in error.value.message_dict


def test_the_database_refuses_dates_out_of_order(learner, country_a):
    commitment = CommitmentFactory(owner=learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(end_date=datetime.date(2000, 1, 1))


def test_the_title_is_needed_in_the_original_language(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, language="fr")
    assert {"title_fr", "description_fr"} <= set(error.value.message_dict)


def test_unknown_fields_are_refused(learner, country_a):
    with pytest.raises(ValidationError) as error:
        _create(learner, country_a, status="published")
    assert "status" in error.value.message_dict


# --- Moderation ----------------------------------------------------------------------------------
def test_submit_publish_and_the_owner_hears_of_it(learner, helpdesk_user):
    commitment = CommitmentFactory(owner=learner)
    commitment = services.commitment_submit(commitment=commitment, by=learner)
    assert commitment.status == ModerationStatus.SUBMITTED and commitment.submitted_at
    commitment = services.commitment_publish(commitment=commitment, by=helpdesk_user)
    assert commitment.status == ModerationStatus.PUBLISHED
    assert commitment.published_at and commitment.moderated_by == helpdesk_user
    message = InboxMessage.objects.get(recipient=learner)
    assert commitment.title in message.subject


def test_only_moderators_publish(learner, member_x, reviewer_user):
    commitment = CommitmentFactory(owner=learner, status=ModerationStatus.SUBMITTED)
    for person in (learner, member_x):
        with pytest.raises(PermissionDenied):
            services.commitment_publish(commitment=commitment, by=person)
    # Content reviewers moderate too.
    services.commitment_publish(commitment=commitment, by=reviewer_user)


def test_a_draft_is_not_published_before_its_owner_submits_it(learner, helpdesk_user):
    commitment = CommitmentFactory(owner=learner)
    with pytest.raises(ValidationError):
        services.commitment_publish(commitment=commitment, by=helpdesk_user)


def test_returning_needs_a_message_which_the_owner_reads(learner, helpdesk_user):
    commitment = CommitmentFactory(owner=learner, status=ModerationStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.commitment_return(commitment=commitment, by=helpdesk_user, note="  ")
    commitment = services.commitment_return(
        commitment=commitment, by=helpdesk_user, note="Give a number of hectares."
    )
    assert commitment.status == ModerationStatus.RETURNED
    assert commitment.moderation_note == "Give a number of hectares."
    assert InboxMessage.objects.get(recipient=learner).body == "Give a number of hectares."
    # The owner corrects it and submits it again.
    services.commitment_submit(commitment=commitment, by=learner)


def test_only_the_owner_submits(learner, member_x):
    commitment = CommitmentFactory(owner=learner)
    with pytest.raises(PermissionDenied):
        services.commitment_submit(commitment=commitment, by=member_x)


def test_an_owners_change_to_a_published_commitment_goes_back_to_moderation(
    learner, country_a, helpdesk_user
):
    commitment = _create(learner, country_a)
    services.commitment_submit(commitment=commitment, by=learner)
    services.commitment_publish(commitment=commitment, by=helpdesk_user)
    commitment.refresh_from_db()
    deliverable = commitment.deliverables.get()
    changed = services.commitment_update(
        commitment=commitment,
        by=learner,
        data=_data(country_a, title_en="Restore 150 ha"),
        targets=_targets(),
        deliverables=[{**DELIVERABLE, "id": deliverable.pk, "target": Decimal("150")}],
    )
    assert changed.status == ModerationStatus.SUBMITTED
    assert changed.deliverables.get().pk == deliverable.pk  # kept, with its reported values
    assert changed.deliverables.get().target == Decimal("150")
    # A moderator's correction keeps it published.
    services.commitment_publish(commitment=changed, by=helpdesk_user)
    fixed = services.commitment_update(
        commitment=changed,
        by=helpdesk_user,
        data=_data(country_a, title_en="Restore 150 hectares"),
        targets=_targets(),
        deliverables=[{**DELIVERABLE, "id": deliverable.pk}],
    )
    assert fixed.status == ModerationStatus.PUBLISHED


def test_nobody_else_changes_a_commitment(learner, member_x, country_a):
    commitment = _create(learner, country_a)
    with pytest.raises(PermissionDenied):
        services.commitment_update(
            commitment=commitment,
            by=member_x,
            data=_data(country_a),
            targets=_targets(),
            deliverables=[DELIVERABLE],
        )


def test_a_deliverable_of_another_commitment_cannot_be_taken(learner, country_a):
    mine = _create(learner, country_a)
    other = CommitmentFactory()
    foreign = other.deliverables.get()
    with pytest.raises(ValidationError):
        services.commitment_update(
            commitment=mine,
            by=learner,
            data=_data(country_a),
            targets=_targets(),
            deliverables=[{**DELIVERABLE, "id": foreign.pk}],
        )
    assert Deliverable.objects.get(pk=foreign.pk).commitment == other


def test_a_commitment_waiting_for_moderation_cannot_be_changed_by_its_owner(learner, country_a):
    commitment = _create(learner, country_a)
    services.commitment_submit(commitment=commitment, by=learner)
    with pytest.raises(ValidationError):
        services.commitment_update(
            commitment=commitment,
            by=learner,
            data=_data(country_a),
            targets=_targets(),
            deliverables=[DELIVERABLE],
        )


def test_withdrawing(learner):
    commitment = PublishedCommitmentFactory(owner=learner)
    commitment = services.commitment_withdraw(commitment=commitment, by=learner)
    assert commitment.status == ModerationStatus.WITHDRAWN
    assert not Commitment.objects.public().exists()


# --- Phases and progress reports -----------------------------------------------------------------
def test_phases_move_on(learner, member_x):
    commitment = PublishedCommitmentFactory(owner=learner)
    commitment = services.commitment_set_phase(
        commitment=commitment, by=learner, phase=Phase.DEVELOPMENT
    )
    assert commitment.phase == Phase.DEVELOPMENT
    with pytest.raises(ValidationError):
        services.commitment_set_phase(commitment=commitment, by=learner, phase="dreaming")
    with pytest.raises(PermissionDenied):
        services.commitment_set_phase(commitment=commitment, by=member_x, phase=Phase.EVALUATION)


def _report(commitment, by, **extra):
    deliverable = commitment.deliverables.get()
    arguments = {
        "period_end": datetime.date(2025, 6, 30),
        "phase": Phase.IMPLEMENTATION,
        "summary": "Half planted.",
        "values": {deliverable.pk: (Decimal("5"), "spring planting")},
        **extra,
    }
    return services.progress_report_submit(commitment=commitment, by=by, **arguments)


def test_a_progress_report_moves_the_phase_and_waits_for_moderation(learner, helpdesk_user):
    commitment = PublishedCommitmentFactory(owner=learner)
    report = _report(commitment, learner)
    commitment.refresh_from_db()
    assert commitment.phase == Phase.IMPLEMENTATION
    assert report.status == ModerationStatus.SUBMITTED
    assert report.values.get().value == Decimal("5")
    report = services.progress_report_publish(report=report, by=helpdesk_user)
    assert report.status == ModerationStatus.PUBLISHED and report.published_at


def test_a_progress_report_gives_a_value_for_every_deliverable(learner):
    commitment = PublishedCommitmentFactory(owner=learner)
    with pytest.raises(ValidationError) as error:
        _report(commitment, learner, values={})
    assert "values" in error.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_progress_report_cannot_be_dated_in_the_future_or_before_the_start(learner):
    commitment = PublishedCommitmentFactory(owner=learner)
    for day in (datetime.date(2999, 1, 1), datetime.date(2020, 1, 1)):
        with pytest.raises(ValidationError) as error:
            _report(commitment, learner, period_end=day)
        assert "period_end" in error.value.message_dict


def test_only_the_owner_reports_and_only_on_published_commitments(learner, member_x):
    commitment = PublishedCommitmentFactory(owner=learner)
    with pytest.raises(PermissionDenied):
        _report(commitment, member_x)
    draft = CommitmentFactory(owner=learner)
    with pytest.raises(ValidationError):
        _report(draft, learner)


def test_progress_towards_the_target():
    deliverable = Deliverable(baseline=Decimal("20"), target=Decimal("120"))
    assert deliverable.progress_percent(Decimal("70")) == 50
    assert deliverable.progress_percent(Decimal("500")) == 100
    assert deliverable.progress_percent(Decimal("0")) == 0
    assert deliverable.progress_percent(None) is None
    # A target below the baseline (e.g. less pesticide) works the same way.
    falling = Deliverable(baseline=Decimal("100"), target=Decimal("40"))
    assert falling.progress_percent(Decimal("70")) == 50


def test_returning_a_report(learner, helpdesk_user):
    report = _report(PublishedCommitmentFactory(owner=learner), learner)
    report = services.progress_report_return(
        report=report, by=helpdesk_user, note="Add the planting dates."
    )
    assert report.status == ModerationStatus.RETURNED
    assert InboxMessage.objects.filter(recipient=learner).count() == 1
