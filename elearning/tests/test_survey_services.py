"""The survey asked on completion: once, only for completed courses, ratings 1 to 5; the page,
and the course team's results."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from elearning.models import EnrolmentStatus, SurveyResponse
from elearning.services import learning as services
from tests.factories import EnrolmentFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
GOOD = {"quality": 5, "effectiveness": 4, "relevance": "high", "comments": "Clear and useful."}


def completed(user, course=None):
    return EnrolmentFactory(
        course=course or build_course(),
        user=user,
        status=S.COMPLETED,
        completed_at=timezone.now(),
    )


def test_a_completed_course_is_rated_once(learner):
    enrolment = completed(learner)
    response = services.answer_survey(enrolment=enrolment, user=learner, **GOOD)
    assert (response.quality, response.effectiveness, response.course_id) == (
        5,
        4,
        enrolment.course_id,
    )
    with pytest.raises(ValidationError, match="already answered"):
        services.answer_survey(enrolment=enrolment, user=learner, **GOOD)
    assert SurveyResponse.objects.count() == 1


def test_the_survey_waits_for_completion(learner):
    enrolment = EnrolmentFactory(course=build_course(), user=learner)
    with pytest.raises(ValidationError, match="completed the course"):
        services.answer_survey(enrolment=enrolment, user=learner, **GOOD)
    assert not SurveyResponse.objects.exists()


def test_only_the_learner_answers(learner, member_x):
    enrolment = completed(learner)
    with pytest.raises(PermissionDenied):
        services.answer_survey(enrolment=enrolment, user=member_x, **GOOD)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"quality": 0}, "quality"),
        ({"quality": 6}, "quality"),
        ({"effectiveness": -1}, "effectiveness"),
        ({"relevance": "maybe"}, "relevance"),
        ({"comments": "<script>alert(1)</script>"}, "comments"),
    ],
)
def test_bad_answers_are_refused(learner, changes, field):
    enrolment = completed(learner)
    with pytest.raises(ValidationError) as error:
        services.answer_survey(enrolment=enrolment, user=learner, **{**GOOD, **changes})
    assert field in error.value.message_dict
    assert not SurveyResponse.objects.exists()


# --- The page -----------------------------------------------------------------------------------
def test_the_survey_page_records_the_answers(client, learner):
    enrolment = completed(learner)
    client.force_login(learner)
    url = reverse("elearning:survey", args=[enrolment.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<fieldset") == 3 and 'type="radio"' in html

    response = client.post(url, GOOD)
    assert response.status_code == 302
    assert SurveyResponse.objects.get(enrolment=enrolment).comments == "Clear and useful."
    # Once: the page now sends back to the dashboard.
    assert client.get(url).status_code == 302


def test_the_survey_page_refuses_out_of_range_ratings(client, learner):
    enrolment = completed(learner)
    client.force_login(learner)
    response = client.post(reverse("elearning:survey", args=[enrolment.pk]), {**GOOD, "quality": 9})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_survey_page_is_the_learners_only_and_waits_for_completion(client, learner):
    enrolment = completed(learner)
    client.force_login(UserFactory())
    assert client.get(reverse("elearning:survey", args=[enrolment.pk])).status_code == 404
    active = EnrolmentFactory(course=build_course(), user=learner)
    client.force_login(learner)
    assert client.get(reverse("elearning:survey", args=[active.pk])).status_code == 302


# --- Results for the course team ----------------------------------------------------------------
def make_responses(course, count):
    for index in range(count):
        enrolment = completed(UserFactory(), course)
        SurveyResponse.objects.create(
            enrolment=enrolment,
            course=course,
            quality=1 + index % 5,
            effectiveness=5 - index % 5,
            relevance="high" if index % 2 else "some",
            comments=f"Comment number {index}" if index % 3 else "",
        )


def test_the_course_team_sees_averages_distributions_and_comments(client, member_x, organisation_x):
    course = build_course(organisation_x)
    make_responses(course, 10)
    EnrolmentFactory(course=course)  # in progress
    client.force_login(member_x)
    response = client.get(reverse("elearning:course_results", args=[course.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.responses == 10
    assert results.average_quality == pytest.approx(3.0)
    assert results.good_quality == 4  # ratings 4 and 5, twice each
    assert dict(results.quality_distribution) == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2}
    assert results.completion_rate == round(100 * 10 / 11)
    assert "Comment number 1" in response.content.decode()


def test_results_queries_do_not_grow_with_responses(
    client, member_x, organisation_x, django_assert_max_num_queries
):
    course = build_course(organisation_x)
    make_responses(course, 3)
    client.force_login(member_x)
    url = reverse("elearning:course_results", args=[course.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    expected = len(few.captured_queries)  # read now: the next request resets the log
    make_responses(course, 25)
    with django_assert_max_num_queries(expected):
        assert client.get(url).status_code == 200


def test_results_are_for_the_course_team_and_staff_only(
    client, member_x, member_y, organisation_x, reviewer_user, learner
):
    course = build_course(organisation_x)
    url = reverse("elearning:course_results", args=[course.pk])
    assert client.get(url).status_code == 302
    for outsider in (member_y, learner):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    for insider in (member_x, reviewer_user):
        client.force_login(insider)
        assert client.get(url).status_code == 200
