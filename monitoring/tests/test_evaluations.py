"""Evaluation records (activity 9, "evaluations done"): publishing through the services, the
public list and page (published only), and the admin where the help desk writes and publishes
them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from monitoring.forms import EvaluationAdminForm
from monitoring.models import Evaluation
from monitoring.services import publish_evaluation, unpublish_evaluation
from monitoring.tests.factories import EvaluationFactory

pytestmark = pytest.mark.django_db

LIST = "monitoring:evaluations"
PAGE = "monitoring:evaluation"
DRAFT = Evaluation.Status.DRAFT
PUBLISHED = Evaluation.Status.PUBLISHED


@pytest.fixture
def evaluations():
    """Four published evaluations and a draft, of different subjects, activities and years."""
    return {
        "help desk 2025": EvaluationFactory(
            title="Help desk review 2025", activity=4, evaluated_on=datetime.date(2025, 11, 30)
        ),
        "help desk 2026": EvaluationFactory(
            title="Help desk review 2026", activity=4, evaluated_on=datetime.date(2026, 6, 30)
        ),
        "courses": EvaluationFactory(
            title="Online courses evaluation", activity=13, evaluated_on=datetime.date(2026, 3, 1)
        ),
        "matchmaking": EvaluationFactory(
            title="Matchmaking evaluation",
            subject=Evaluation.Subject.MATCHMAKING,
            activity=None,
            evaluated_on=datetime.date(2026, 5, 15),
            findings="Two matches in three led to a project.",
            recommendations="Follow up proposals within a month.",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        ),
        "draft": EvaluationFactory(title="Unfinished evaluation", status=DRAFT),
    }


# --- Services -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["helpdesk_user", "site_admin"])
def test_staff_publish_and_unpublish(request, name):
    staff = request.getfixturevalue(name)
    evaluation = EvaluationFactory(status=DRAFT)

    publish_evaluation(user=staff, evaluation=evaluation)
    published = Evaluation.objects.get(pk=evaluation.pk)
    unpublish_evaluation(user=staff, evaluation=evaluation)
    drafted = Evaluation.objects.get(pk=evaluation.pk)

    assert published.status == PUBLISHED and published.published_at is not None
    assert drafted.status == DRAFT and drafted.published_at is None


@pytest.mark.parametrize("name", ["learner", "focal_point_a", "member_x"])
def test_others_may_not_publish(request, name):
    evaluation = EvaluationFactory(status=DRAFT)
    with pytest.raises(PermissionDenied):
        publish_evaluation(user=request.getfixturevalue(name), evaluation=evaluation)
    assert Evaluation.objects.get(pk=evaluation.pk).status == DRAFT


def test_publishing_twice_or_unpublishing_a_draft_is_refused(helpdesk_user):
    published = EvaluationFactory(status=PUBLISHED, published_at=timezone.now())
    draft = EvaluationFactory(status=DRAFT)
    with pytest.raises(ValidationError):
        publish_evaluation(user=helpdesk_user, evaluation=published)
    with pytest.raises(ValidationError):
        unpublish_evaluation(user=helpdesk_user, evaluation=draft)


# --- The public list and page ---------------------------------------------------------------------
def test_the_list_shows_published_evaluations_latest_first(client, evaluations):
    response = client.get(reverse(LIST))

    page = response.content.decode()
    assert response.status_code == 200
    assert [e.title for e in response.context["evaluations"]] == [
        "Help desk review 2026",
        "Matchmaking evaluation",
        "Online courses evaluation",
        "Help desk review 2025",
    ]
    assert "Unfinished evaluation" not in page
    assert "Activity 4: Help desk" in page
    assert response.context["years"] == [2026, 2025]


@pytest.mark.parametrize(
    "query, titles",
    [
        ({"subject": "matchmaking"}, ["Matchmaking evaluation"]),
        ({"activity": "4"}, ["Help desk review 2026", "Help desk review 2025"]),
        ({"year": "2025"}, ["Help desk review 2025"]),
        (
            {"from": "2026-03-01", "to": "2026-05-15"},  # both days included
            ["Matchmaking evaluation", "Online courses evaluation"],
        ),
        ({"activity": "4", "year": "2026"}, ["Help desk review 2026"]),
    ],
)
def test_the_list_filters(client, evaluations, query, titles):
    response = client.get(reverse(LIST), query)
    assert [e.title for e in response.context["evaluations"]] == titles


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-06-01", "to": "2026-01-01"}, "to"),
        ({"activity": "15"}, "activity"),
        ({"subject": "weather"}, "subject"),
        ({"year": "1200"}, "year"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_filters_are_explained_and_list_nothing(client, evaluations, query, field):
    response = client.get(reverse(LIST), query)
    assert response.status_code == 200
    assert response.context["evaluations"] == []
    assert field in response.context["filterset"].errors
    assert "Some filters could not be applied" in response.content.decode()


def test_the_end_date_before_the_start_is_explained_in_french(client, evaluations):
    with translation.override("fr"):
        url = reverse(LIST)
    response = client.get(url, {"from": "2026-06-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["filterset"].errors["to"]


def test_the_list_is_paginated(client):
    for number in range(25):
        EvaluationFactory(evaluated_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number))

    first = client.get(reverse(LIST))
    second = client.get(reverse(LIST), {"page": 2})

    assert len(first.context["evaluations"]) == 20
    assert len(second.context["evaluations"]) == 5
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_takes_the_same_queries_whatever_the_number(
    client, django_assert_num_queries, count
):
    for number in range(count):
        EvaluationFactory(activity=1 + number % 14)
    # 1 count, 2 the page, 3 the years of the filter.
    with django_assert_num_queries(3):
        response = client.get(reverse(LIST))
    assert response.status_code == 200


def test_the_page_of_an_evaluation_says_what_when_who_findings_recommendations(
    client, evaluations, django_assert_num_queries
):
    evaluation = evaluations["matchmaking"]

    with django_assert_num_queries(1):
        response = client.get(reverse(PAGE, args=[evaluation.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Matchmaking evaluation" in page
    assert "The matchmaking mechanism" in page
    assert "Independent evaluation team" in page
    assert "Two matches in three led to a project." in page
    assert "Follow up proposals within a month." in page
    assert 'datetime="2026-05-15"' in page
    assert 'datetime="2025-01-01"' in page and 'datetime="2025-12-31"' in page


def test_a_draft_or_unknown_evaluation_is_404(client, evaluations, helpdesk_user):
    client.force_login(helpdesk_user)  # staff read drafts in the admin only
    assert client.get(reverse(PAGE, args=[evaluations["draft"].pk])).status_code == 404
    assert client.get(reverse(PAGE, args=[999999])).status_code == 404


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_pages_render_in_french_and_spanish(client, evaluations, language):
    with translation.override(language):
        urls = [reverse(LIST), reverse(PAGE, args=[evaluations["help desk 2025"].pk])]
    for url in urls:
        response = client.get(url)
        assert url.startswith(f"/{language}/")
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


# --- The admin ------------------------------------------------------------------------------------
def _act(client, action, evaluations):
    return client.post(
        reverse("admin:monitoring_evaluation_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [e.pk for e in evaluations]},
        follow=True,
    )


def test_the_help_desk_publishes_and_unpublishes_from_the_admin(client, helpdesk_user):
    drafts = [EvaluationFactory(status=DRAFT) for _ in range(2)]
    already = EvaluationFactory(status=PUBLISHED, published_at=timezone.now(), title="Already")
    client.force_login(helpdesk_user)

    published = _act(client, "publish", [*drafts, already])

    messages = [str(m) for m in published.context["messages"]]
    assert "2 evaluations published." in messages
    assert any(m.startswith("Already: ") for m in messages)  # refused, the others done
    assert set(Evaluation.objects.values_list("status", flat=True)) == {PUBLISHED}

    unpublished = _act(client, "unpublish", drafts)

    assert "2 evaluations taken back to draft." in [str(m) for m in unpublished.context["messages"]]
    assert Evaluation.objects.filter(status=DRAFT).count() == 2
    assert Evaluation.objects.get(pk=already.pk).status == PUBLISHED


def test_the_admin_lists_and_filters_evaluations(client, helpdesk_user, evaluations):
    client.force_login(helpdesk_user)
    changelist = reverse("admin:monitoring_evaluation_changelist")

    def titles(query):
        response = client.get(changelist, query)
        assert response.status_code == 200
        return sorted(e.title for e in response.context["cl"].result_list)

    assert titles({"subject__exact": "matchmaking"}) == ["Matchmaking evaluation"]
    assert titles({"activity": "13"}) == ["Online courses evaluation"]
    assert titles({"status__exact": "draft"}) == ["Unfinished evaluation"]
    assert titles({"year": "2025"}) == ["Help desk review 2025"]
    assert titles({"q": "courses"}) == ["Online courses evaluation"]


def test_the_help_desk_writes_a_draft_and_is_named_as_its_author(client, helpdesk_user):
    client.force_login(helpdesk_user)

    response = client.post(
        reverse("admin:monitoring_evaluation_add"),
        {
            "title": "Review of the fellowship programme",
            "subject": "activity",
            "activity": "11",
            "language": "en",
            "evaluated_on": "2026-07-01",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "evaluators": "External reviewer",
            "findings": "Fellows applied what they learnt.",
        },
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    evaluation = Evaluation.objects.get(title="Review of the fellowship programme")
    assert evaluation.created_by == helpdesk_user
    assert evaluation.status == DRAFT  # published by the action only


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"subject": "activity", "activity": ""}, "activity"),
        ({"period_start": "2026-01-01", "period_end": "2025-01-01"}, "period_end"),
        ({"period_start": "2026-01-01", "evaluated_on": "2025-06-01"}, "evaluated_on"),
    ],
)
def test_the_admin_form_explains_the_rules_of_an_evaluation(changes, field):
    data = {
        "title": "Review",
        "subject": "activity",
        "activity": "4",
        "language": "en",
        "evaluated_on": "2026-07-01",
        "evaluators": "Team",
        "findings": "Findings.",
        **changes,
    }
    form = EvaluationAdminForm(data=data)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_people_without_a_staff_role_do_not_reach_the_evaluations_admin(client, focal_point_a):
    client.force_login(focal_point_a)
    response = client.get(reverse("admin:monitoring_evaluation_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["helpdesk_user", "site_admin"])
def test_the_admin_pages_of_an_evaluation_render(request, client, evaluations, name):
    client.force_login(request.getfixturevalue(name))
    evaluation = evaluations["matchmaking"]
    assert client.get(reverse("admin:monitoring_evaluation_add")).status_code == 200
    shown = client.get(reverse("admin:monitoring_evaluation_change", args=[evaluation.pk]))
    assert shown.status_code == 200
    assert "Matchmaking evaluation" in shown.content.decode()
