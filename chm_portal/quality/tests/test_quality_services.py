"""Quality reviews through the services: the registry, asking for a review, the checklist, the
decision and its rules, the improvements made and confirmed, the permissions, and the counts
monitoring reads.

People (``conftest.py``): Rui reviews content; Sam administers the site; Xavier belongs to
Mangrove Alliance (organisation X), which owns the resources and events reviewed here; Yara
belongs to another organisation; Lea is a learner.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from chm_portal.quality import registry, selectors, services
from chm_portal.quality.models import QualityReview, QualityStandard, ReviewCheck
from tests.factories import EventFactory, ResourceFactory

pytestmark = pytest.mark.django_db

S = QualityReview.Status
R = ReviewCheck.Result


@pytest.fixture
def resource(organisation_x):
    return ResourceFactory(organisation=organisation_x, title="Mangrove restoration toolkit")


def all_results(review, result=R.MEETS) -> dict[int, tuple[str, str]]:
    return {check.standard_id: (result, "") for check in review.checks.all()}


def decide(review, reviewer, status, **texts):
    services.record_checks(review=review, reviewer=reviewer, results=all_results(review))
    return services.complete_review(review=review, reviewer=reviewer, status=status, **texts)


# --- Registry and standards -------------------------------------------------------------------
def test_courses_resources_and_events_are_registered_by_their_apps():
    kinds = {reviewable.kind: reviewable.model._meta.label for reviewable in registry.registered()}
    assert kinds["course"] == "elearning.Course"
    assert kinds["resource"] == "partners.Resource"
    assert kinds["event"] == "partners.Event"
    assert registry.reviewable_for_kind("course").on_decision is not None
    assert registry.reviewable_for_kind("resource").on_decision is None


def test_a_kind_cannot_be_registered_for_two_models():
    from django.core.exceptions import ImproperlyConfigured

    from partners.models import Offer

    with pytest.raises(ImproperlyConfigured):
        registry.register_reviewable(Offer, kind="resource")


def test_an_unregistered_record_is_not_reviewable(organisation_x, member_x):
    from tests.factories import OfferFactory

    with pytest.raises(LookupError):
        services.request_review(item=OfferFactory(provider=organisation_x), by=member_x)


def test_the_portal_standards_are_loaded_in_three_languages():
    standards = list(QualityStandard.objects.filter(is_active=True))
    assert len(standards) == 8
    accessible = QualityStandard.objects.get(code="accessible")
    assert accessible.title_fr.startswith("Accessible")
    assert accessible.title_es.startswith("Accesible")
    with translation.override("es"):
        assert QualityStandard.objects.get(code="gbf-aligned").title == (
            "Alineado con las metas del Marco Mundial"
        )
    course_codes = {s.code for s in standards if s.applies_to_kind("course")}
    resource_codes = {s.code for s in standards if s.applies_to_kind("resource")}
    assert "assessments-measure-objectives" in course_codes
    assert "assessments-measure-objectives" not in resource_codes
    assert "learning-objectives" not in resource_codes


# --- Asking for a review ----------------------------------------------------------------------
def test_a_review_gets_one_check_per_active_standard_of_its_kind(resource, reviewer_user):
    QualityStandard.objects.filter(code="accurate-current").update(is_active=False)
    review = services.request_review(item=resource, by=reviewer_user)
    codes = set(review.checks.values_list("standard__code", flat=True))
    expected = {
        standard.code
        for standard in QualityStandard.objects.filter(is_active=True)
        if standard.applies_to_kind("resource")
    }
    assert codes == expected
    assert "accurate-current" not in codes
    assert review.status == S.PENDING
    assert review.item_title == "Mangrove restoration toolkit"
    assert review.item == resource


def test_an_item_has_one_open_review_at_a_time(resource, reviewer_user, site_admin):
    services.request_review(item=resource, by=reviewer_user)
    with pytest.raises(ValidationError) as error:
        services.request_review(item=resource, by=site_admin)
    assert "already open" in str(error.value)
    assert QualityReview.objects.count() == 1


def test_the_item_team_may_ask_for_a_review_but_not_outsiders(
    resource, member_x, member_y, learner
):
    for outsider in (member_y, learner):
        with pytest.raises(PermissionDenied):
            services.request_review(item=resource, by=outsider)
    review = services.request_review(item=resource, by=member_x)
    assert review.requested_by == member_x


# --- Reviewing ----------------------------------------------------------------------------------
def test_only_reviewers_review(resource, reviewer_user, member_x, learner):
    review = services.request_review(item=resource, by=member_x)
    for person in (member_x, learner):
        with pytest.raises(PermissionDenied):
            services.start_review(review=review, reviewer=person)
        with pytest.raises(PermissionDenied):
            services.record_checks(review=review, reviewer=person, results=all_results(review))
        with pytest.raises(PermissionDenied):
            services.complete_review(review=review, reviewer=person, status=S.APPROVED)
    services.start_review(review=review, reviewer=reviewer_user)
    review.refresh_from_db()
    assert (review.status, review.reviewer) == (S.IN_PROGRESS, reviewer_user)


def test_checks_are_recorded_and_bad_ones_refused(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    first, second = list(review.checks.all())[:2]
    services.record_checks(
        review=review,
        reviewer=reviewer_user,
        results={first.standard_id: (R.MEETS, "Clear."), second.standard_id: (R.PARTLY, "")},
    )
    first.refresh_from_db()
    assert (first.result, first.comment) == (R.MEETS, "Clear.")
    review.refresh_from_db()
    assert review.status == S.IN_PROGRESS  # taken by recording
    with pytest.raises(ValidationError) as error:
        services.record_checks(
            review=review,
            reviewer=reviewer_user,
            results={
                first.standard_id: ("excellent", ""),
                second.standard_id: (R.MEETS, "<script>alert(1)</script>"),
            },
        )
    assert set(error.value.message_dict) == {
        f"result_{first.standard_id}",
        f"comment_{second.standard_id}",
    }
    first.refresh_from_db()
    assert first.result == R.MEETS
    unknown = QualityStandard.objects.filter(applies_to="course").first()
    with pytest.raises(ValidationError):
        services.record_checks(
            review=review, reviewer=reviewer_user, results={unknown.pk: (R.MEETS, "")}
        )


def test_every_standard_needs_a_result_before_deciding(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    first = review.checks.first()
    services.record_checks(
        review=review, reviewer=reviewer_user, results={first.standard_id: (R.MEETS, "")}
    )
    with pytest.raises(ValidationError) as error:
        services.complete_review(review=review, reviewer=reviewer_user, status=S.APPROVED)
    assert "Give a result for every standard" in str(error.value)
    review.refresh_from_db()
    assert review.is_open and review.completed_at is None


def test_improvements_requested_must_say_which_and_rejection_why(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    services.record_checks(review=review, reviewer=reviewer_user, results=all_results(review))
    with pytest.raises(ValidationError) as error:
        services.complete_review(review=review, reviewer=reviewer_user, status=S.CHANGES_REQUESTED)
    assert "improvements_requested" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.complete_review(review=review, reviewer=reviewer_user, status=S.REJECTED)
    assert "summary" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.complete_review(review=review, reviewer=reviewer_user, status="pending")
    review.refresh_from_db()
    assert review.is_open


def test_an_item_failing_a_standard_cannot_be_approved(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    results = all_results(review)
    standard_id = next(iter(results))
    results[standard_id] = (R.DOES_NOT_MEET, "No alt text on the figures.")
    services.record_checks(review=review, reviewer=reviewer_user, results=results)
    with pytest.raises(ValidationError) as error:
        services.complete_review(review=review, reviewer=reviewer_user, status=S.APPROVED)
    assert "request improvements or reject" in str(error.value)
    services.complete_review(
        review=review,
        reviewer=reviewer_user,
        status=S.CHANGES_REQUESTED,
        improvements_requested="Add alt text to the figures.",
    )
    review.refresh_from_db()
    assert review.status == S.CHANGES_REQUESTED


def test_a_decided_review_is_closed(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    decide(review, reviewer_user, S.APPROVED, summary="Fine.")
    review.refresh_from_db()
    assert review.status == S.APPROVED and review.completed_at is not None
    with pytest.raises(ValidationError) as error:
        services.record_checks(review=review, reviewer=reviewer_user, results={})
    assert error.value.code == "stale"
    with pytest.raises(ValidationError):
        services.complete_review(review=review, reviewer=reviewer_user, status=S.REJECTED)


def test_markup_in_the_summary_is_refused(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    services.record_checks(review=review, reviewer=reviewer_user, results=all_results(review))
    with pytest.raises(ValidationError) as error:
        services.complete_review(
            review=review,
            reviewer=reviewer_user,
            status=S.APPROVED,
            summary='<img src=x onerror="alert(1)">',
        )
    assert "summary" in error.value.message_dict


def test_a_resource_review_does_not_change_the_resource(resource, reviewer_user):
    review = services.request_review(item=resource, by=reviewer_user)
    decide(review, reviewer_user, S.REJECTED, summary="Outdated figures.")
    resource.refresh_from_db()
    assert resource.status == "published"


# --- Improvements -----------------------------------------------------------------------------
def test_improvements_made_are_confirmed_by_the_approving_follow_up(
    resource, reviewer_user, member_x, member_y
):
    first = services.request_review(item=resource, by=reviewer_user)
    decide(
        first,
        reviewer_user,
        S.CHANGES_REQUESTED,
        improvements_requested="Add captions to the video.",
    )
    with pytest.raises(PermissionDenied):
        services.record_improvements(review=first, by=member_y, improvements_made="Nothing.")
    with pytest.raises(ValidationError):
        services.record_improvements(review=first, by=member_x, improvements_made="  ")
    services.record_improvements(
        review=first, by=member_x, improvements_made="Captions in English and French."
    )
    first.refresh_from_db()
    assert first.improvements_made == "Captions in English and French."
    assert first.improved_at is None
    assert selectors.reviewed_and_improved_count() == 0

    second = services.request_review(item=resource, by=member_x)
    assert second.previous == first
    decide(second, reviewer_user, S.APPROVED)
    first.refresh_from_db()
    assert first.improved_at is not None
    assert selectors.reviewed_and_improved_count() == 1
    assert selectors.reviewed_and_improved_count(kind="resource") == 1
    assert selectors.reviewed_and_improved_count(kind="course") == 0
    assert selectors.reviewed_items_count() == 1  # one item, reviewed twice
    with pytest.raises(ValidationError):
        services.record_improvements(review=first, by=member_x, improvements_made="More.")


def test_a_rejected_follow_up_confirms_nothing(resource, reviewer_user, member_x):
    first = services.request_review(item=resource, by=reviewer_user)
    decide(first, reviewer_user, S.CHANGES_REQUESTED, improvements_requested="Fix the links.")
    second = services.request_review(item=resource, by=member_x)
    decide(second, reviewer_user, S.REJECTED, summary="Still broken.")
    first.refresh_from_db()
    assert first.improved_at is None
    # The next review still follows up the request for improvements.
    third = services.request_review(item=resource, by=member_x)
    assert third.previous == first


def test_an_item_approved_since_has_nothing_to_follow_up(resource, reviewer_user):
    first = services.request_review(item=resource, by=reviewer_user)
    decide(first, reviewer_user, S.APPROVED)
    second = services.request_review(item=resource, by=reviewer_user)
    assert second.previous is None


def test_monitoring_counts_by_period_and_status(organisation_x, reviewer_user):
    event = EventFactory(organisation=organisation_x)
    resource = ResourceFactory(organisation=organisation_x)
    review = services.request_review(item=event, by=reviewer_user)
    decide(review, reviewer_user, S.APPROVED)
    services.request_review(item=resource, by=reviewer_user)
    counts = selectors.review_counts_by_status()
    assert counts[S.APPROVED] == 1 and counts[S.PENDING] == 1 and counts[S.REJECTED] == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert selectors.reviewed_items_count(since=tomorrow) == 0
    assert selectors.reviewed_items_count(until=tomorrow, kind="event") == 1
