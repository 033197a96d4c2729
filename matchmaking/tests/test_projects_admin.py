"""The help desk's admin of pilot projects, success stories and matchmaking workshops: lists,
filters, read-only inlines, and actions that call the services."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import EventType
from matchmaking.models import Match, MatchingWorkshop, Project, ProjectEvent, SuccessStory
from tests.factories import (
    EventFactory,
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    ProgressReportFactory,
    ProjectEvaluationFactory,
    ProjectFactory,
    SuccessStoryFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = reverse("admin:matchmaking_project_changelist")
STORIES = reverse("admin:matchmaking_successstory_changelist")
S = Project.Status
A = ProjectEvent.Action


def project_for(country, organisation, **fields):
    need = MatchNeedFactory(country=country, status="in_progress")
    match = MatchFactory(need=need, offer=OfferFactory(provider=organisation), status="agreed")
    return ProjectFactory(match=match, **fields)


def run_action(client, url, action, objects, **data):
    return client.post(
        url,
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **data},
        follow=True,
    )


@pytest.fixture
def staff_client(client, helpdesk_user):
    client.force_login(helpdesk_user)
    return client


@pytest.mark.parametrize("number_of_projects", [2, 12])
def test_the_list_shows_the_reporting_flag_in_fixed_queries(
    client,
    helpdesk_user,
    country_a,
    organisation_x,
    number_of_projects,
    django_assert_max_num_queries,
):
    late = project_for(
        country_a,
        organisation_x,
        title="Late one",
        next_report_due=timezone.localdate() - datetime.timedelta(days=2),
    )
    for number in range(number_of_projects - 1):
        project_for(country_a, organisation_x, title=f"Project {number}")
    client.force_login(User.objects.get(pk=helpdesk_user.pk))
    with django_assert_max_num_queries(16):
        response = client.get(PROJECTS)
    page = response.content.decode()
    assert response.status_code == 200
    assert late.reference in page
    assert "Report late" in page

    filtered = client.get(PROJECTS, {"reporting": "late"}).content.decode()
    assert late.reference in filtered and "Project 0" not in filtered
    assert "Project 0" in client.get(PROJECTS, {"reporting": "on_time"}).content.decode()
    by_country = client.get(PROJECTS, {"country": "KE"}).content.decode()
    assert late.reference in by_country


def test_non_staff_are_kept_out(client, member_x, country_a, organisation_x):
    project = project_for(country_a, organisation_x)
    client.force_login(member_x)
    response = client.get(reverse("admin:matchmaking_project_change", args=[project.pk]))
    assert response.status_code == 302


def test_the_project_page_shows_reports_evaluations_and_history(
    staff_client, country_a, organisation_x
):
    project = project_for(country_a, organisation_x, status=S.COMPLETED)
    ProgressReportFactory(project=project, achievements="Courses held at Lake Nakuru.")
    ProjectEvaluationFactory(project=project, lessons_learned="Mind the rains.")
    ProjectEvent.objects.create(project=project, action=A.LAUNCHED, to_status=S.PLANNING)
    page = staff_client.get(reverse("admin:matchmaking_project_change", args=[project.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Courses held at Lake Nakuru." in content
    assert "Mind the rains." in content
    assert "Launched" in content
    assert reverse("admin:matchmaking_project_add") not in content


def test_editing_in_the_admin_goes_through_the_service(staff_client, country_a, organisation_x):
    project = project_for(country_a, organisation_x, title="Old title")
    url = reverse("admin:matchmaking_project_change", args=[project.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "agreement_document"
    }
    data.update(title="New title", report_every_months=3, currency="USD")
    for prefix in ("reports", "evaluations", "story", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.title == "New title"
    assert project.events.filter(action=A.EDITED).exists()


def test_actions_move_projects_and_report_what_could_not_be_done(
    staff_client, country_a, organisation_x
):
    planning = project_for(country_a, organisation_x, title="Planned")
    completed = project_for(country_a, organisation_x, title="Done", status=S.COMPLETED)

    response = run_action(staff_client, PROJECTS, "start_implementation", [planning, completed])

    content = response.content.decode()
    assert "1 project is now “Implementation”." in content
    assert "Reload the page" in content  # the completed one
    planning.refresh_from_db()
    completed.refresh_from_db()
    assert (planning.status, completed.status) == (S.IMPLEMENTATION, S.COMPLETED)

    run_action(staff_client, PROJECTS, "mark_completed", [planning])
    planning.refresh_from_db()
    assert planning.status == S.COMPLETED
    assert Match.objects.get(pk=planning.match_id).status == Match.Status.COMPLETED


def test_cancelling_asks_for_the_reason(staff_client, country_a, organisation_x):
    project = project_for(country_a, organisation_x)
    form = run_action(staff_client, PROJECTS, "cancel", [project])
    assert "Why are the projects cancelled?" in form.content.decode()
    project.refresh_from_db()
    assert project.status == S.PLANNING

    run_action(staff_client, PROJECTS, "cancel", [project], apply="1", reason="No funding.")
    project.refresh_from_db()
    assert project.status == S.CANCELLED
    assert project.events.get(to_status=S.CANCELLED).note == "No funding."


def test_remind_now_reminds_the_selection_once(staff_client, country_a, organisation_x):
    overdue = project_for(
        country_a,
        organisation_x,
        next_report_due=timezone.localdate() - datetime.timedelta(days=5),
    )
    other = project_for(
        country_a,
        organisation_x,
        next_report_due=timezone.localdate() - datetime.timedelta(days=5),
    )
    response = run_action(staff_client, PROJECTS, "remind_now", [overdue])
    assert "1 project with an overdue report was reminded." in response.content.decode()
    response = run_action(staff_client, PROJECTS, "remind_now", [overdue])
    assert "0 projects with an overdue report were reminded." in response.content.decode()
    assert not other.events.filter(action=A.REMINDED).exists()


def test_stories_are_published_and_taken_down_with_actions(staff_client, country_a, organisation_x):
    story = SuccessStoryFactory(project=project_for(country_a, organisation_x, status=S.COMPLETED))
    run_action(staff_client, STORIES, "publish", [story])
    story.refresh_from_db()
    assert story.status == SuccessStory.Status.PUBLISHED
    run_action(staff_client, STORIES, "unpublish", [story])
    story.refresh_from_db()
    assert story.status == SuccessStory.Status.DRAFT
    assert staff_client.get(STORIES).status_code == 200


def test_a_workshop_is_recorded_through_the_service(staff_client, country_a, organisation_x):
    event = EventFactory(
        title="Roundtable on wetlands",
        event_type=EventType.objects.get(code="matchmaking_roundtable"),
    )
    EventFactory(title="A webinar", event_type=EventType.objects.get(code="webinar"))
    need = MatchNeedFactory(country=country_a)
    offer = OfferFactory(provider=organisation_x)
    add = reverse("admin:matchmaking_matchingworkshop_add")
    response = staff_client.post(
        add,
        {"event": event.pk, "needs": [need.pk], "offers": [offer.pk], "summary": "Good talks."},
    )
    assert response.status_code == 302
    workshop = MatchingWorkshop.objects.get(event=event)
    assert list(workshop.needs.all()) == [need]
    assert workshop.summary == "Good talks."
    assert (
        staff_client.get(reverse("admin:matchmaking_matchingworkshop_changelist")).status_code
        == 200
    )
    # Autocomplete of the requests for the workshop form.
    autocomplete = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "matchmaking",
            "model_name": "matchingworkshop",
            "field_name": "needs",
            "term": need.title[:8],
        },
    )
    assert autocomplete.status_code == 200
