"""Services of pilot projects: launch, edits, status, reports, evaluations, stories, reminders
and workshops; who may do each, and what happens when the project moved on meanwhile.

The people (``conftest.py``): Amani, focal point of Kenya, speaks for the Kenyan request (the
requester side); Xavier administers Mangrove Alliance, the provider (the provider side); Yara
administers another organisation; Beatriz is focal point of Brazil; Hana is the help desk.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chm_portal.vocabularies.models import EventType
from matchmaking.models import Match, Project, ProjectEvaluation, ProjectEvent, SuccessStory
from matchmaking.selectors.projects import (
    ReportFlag,
    project_report_flag,
    stale_cutoff,
    with_report_flag,
)
from matchmaking.services import projects as services
from matchmaking.services.projects import ProjectConflict, add_months
from needs.models import Need
from tests.factories import (
    EventFactory,
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    ProjectEvaluationFactory,
    ProjectFactory,
    SuccessStoryFactory,
)

pytestmark = pytest.mark.django_db

S = Project.Status
A = ProjectEvent.Action
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LAUNCH = {
    "title": "Waterbird census by county officers",
    "objectives": "Train 40 officers to run the January census on their own.",
    "budget": Decimal("45000.00"),
    "cofinancing": Decimal("5000.00"),
    "cofinancing_sources": "County government, in kind.",
    "currency": "USD",
    "start_date": datetime.date(2026, 1, 15),
    "end_date": datetime.date(2026, 12, 31),
    "report_every_months": 3,
}


@pytest.fixture
def kenyan_need(country_a, focal_point_a):
    """Amani's published Kenyan request, matched with an offer."""
    return MatchNeedFactory(country=country_a, created_by=focal_point_a, status="matched")


@pytest.fixture
def offer_x(organisation_x):
    return OfferFactory(provider=organisation_x, title="Waterbird identification courses")


@pytest.fixture
def agreed_match(kenyan_need, offer_x):
    return MatchFactory(need=kenyan_need, offer=offer_x, status="agreed", agreed_at=timezone.now())


@pytest.fixture
def project(agreed_match, focal_point_a):
    return services.project_launch(match=agreed_match, by=focal_point_a, data=LAUNCH)


def in_status(project: Project, status: str) -> Project:
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


# --- Launching ----------------------------------------------------------------------------------
def test_a_side_launches_the_project_of_an_agreed_match(agreed_match, focal_point_a):
    project = services.project_launch(match=agreed_match, by=focal_point_a, data=LAUNCH)

    project.refresh_from_db()
    assert project.reference.startswith(f"PRJ-{timezone.now().year}-")
    assert project.status == S.PLANNING
    assert project.created_by == focal_point_a
    # First report due three months after the start.
    assert project.next_report_due == datetime.date(2026, 4, 15)
    assert [event.action for event in project.events.all()] == [A.LAUNCHED]
    # The matched request is now in progress.
    agreed_match.need.refresh_from_db()
    assert agreed_match.need.status == Need.Status.IN_PROGRESS


def test_without_a_start_the_first_report_is_due_from_today(agreed_match, member_x):
    data = {**LAUNCH, "start_date": None, "end_date": None, "report_every_months": 2}
    project = services.project_launch(match=agreed_match, by=member_x, data=data)
    assert project.next_report_due == add_months(timezone.localdate(), 2)


@pytest.mark.parametrize(
    "person, allowed",
    [
        ("focal_point_a", True),
        ("member_x", True),
        ("helpdesk_user", True),
        ("member_y", False),
        ("focal_point_b", False),
        ("learner", False),
    ],
)
def test_who_may_launch(request, agreed_match, person, allowed):
    user = request.getfixturevalue(person)
    if allowed:
        assert services.project_launch(match=agreed_match, by=user, data=LAUNCH).pk
    else:
        with pytest.raises(PermissionDenied):
            services.project_launch(match=agreed_match, by=user, data=LAUNCH)
        assert not Project.objects.exists()


@pytest.mark.parametrize("status", ["proposed", "accepted", "declined", "withdrawn", "completed"])
def test_only_an_agreed_match_launches_a_project(kenyan_need, offer_x, focal_point_a, status):
    match = MatchFactory(need=kenyan_need, offer=offer_x, status=status)
    with pytest.raises(ValidationError) as error:
        services.project_launch(match=match, by=focal_point_a, data=LAUNCH)
    assert error.value.code == "stale"
    assert not Project.objects.exists()


def test_a_match_launches_one_project(project, agreed_match, member_x):
    with pytest.raises(ValidationError, match="already launched"):
        services.project_launch(match=agreed_match, by=member_x, data=LAUNCH)
    assert Project.objects.count() == 1


def test_launch_checks_fields_and_refuses_unknown_ones(agreed_match, focal_point_a):
    with pytest.raises(ValidationError) as error:
        services.project_launch(
            match=agreed_match, by=focal_point_a, data={**LAUNCH, "title": "<b>Census</b>"}
        )
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError, match="Unknown fields: status"):
        services.project_launch(
            match=agreed_match, by=focal_point_a, data={**LAUNCH, "status": "completed"}
        )
    with pytest.raises(ValidationError) as error:
        services.project_launch(
            match=agreed_match,
            by=focal_point_a,
            data={
                **LAUNCH,
                "start_date": datetime.date(2026, 5, 1),
                "end_date": datetime.date(2026, 4, 1),
            },
        )
    assert not Project.objects.exists()


def test_the_signed_agreement_must_really_be_a_document(
    agreed_match, focal_point_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("agreement.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(ValidationError) as error:
        services.project_launch(
            match=agreed_match, by=focal_point_a, data={**LAUNCH, "agreement_document": fake}
        )
    assert "agreement_document" in error.value.message_dict

    real = SimpleUploadedFile("agreement.pdf", PDF, "application/pdf")
    project = services.project_launch(
        match=agreed_match,
        by=focal_point_a,
        data={
            **LAUNCH,
            "agreement_document": real,
            "agreement_signed_on": datetime.date(2026, 1, 10),
        },
    )
    assert project.agreement_document.name.startswith(f"projects/{project.reference}/")


def test_a_request_not_matched_keeps_its_status(kenyan_need, offer_x, focal_point_a):
    Need.objects.filter(pk=kenyan_need.pk).update(status=Need.Status.IN_PROGRESS)
    match = MatchFactory(need=kenyan_need, offer=offer_x, status="agreed")
    services.project_launch(match=match, by=focal_point_a, data=LAUNCH)
    kenyan_need.refresh_from_db()
    assert kenyan_need.status == Need.Status.IN_PROGRESS


# --- Editing ------------------------------------------------------------------------------------
def test_a_side_edits_a_running_project(project, member_x):
    services.project_update(
        project=project, by=member_x, data={"title": "Census by officers", "budget": Decimal(1)}
    )
    project.refresh_from_db()
    assert project.title == "Census by officers"
    assert project.budget == Decimal(1)
    edited = project.events.get(action=A.EDITED)
    assert "title" in edited.note


def test_changing_the_rhythm_moves_the_next_report(project, focal_point_a):
    services.project_update(project=project, by=focal_point_a, data={"report_every_months": 6})
    project.refresh_from_db()
    assert project.next_report_due == datetime.date(2026, 7, 15)


def test_outsiders_do_not_edit(project, member_y, focal_point_b):
    for person in (member_y, focal_point_b):
        with pytest.raises(PermissionDenied):
            services.project_update(project=project, by=person, data={"title": "Mine"})


def test_sides_do_not_edit_ended_projects_but_the_help_desk_corrects_them(
    project, focal_point_a, helpdesk_user
):
    in_status(project, S.COMPLETED)
    with pytest.raises(ProjectConflict):
        services.project_update(project=project, by=focal_point_a, data={"title": "Late edit"})
    services.project_update(project=project, by=helpdesk_user, data={"title": "Corrected"})
    project.refresh_from_db()
    assert project.title == "Corrected"


def test_an_edit_of_a_project_that_moved_on_is_stale(project, focal_point_a):
    Project.objects.filter(pk=project.pk).update(status=S.IMPLEMENTATION)
    with pytest.raises(ProjectConflict, match="Reload the page"):
        services.project_update(project=project, by=focal_point_a, data={"title": "Old view"})


# --- Status -------------------------------------------------------------------------------------
def test_the_project_moves_from_planning_to_completion(project, member_x, agreed_match):
    services.project_set_status(project=project, by=member_x, status=S.IMPLEMENTATION)
    assert project.status == S.IMPLEMENTATION
    services.project_set_status(project=project, by=member_x, status=S.COMPLETED)

    project.refresh_from_db()
    assert project.status == S.COMPLETED
    assert project.completed_at is not None
    assert project.next_report_due is None
    agreed_match.refresh_from_db()
    agreed_match.need.refresh_from_db()
    assert agreed_match.status == Match.Status.COMPLETED
    assert agreed_match.need.status == Need.Status.FULFILLED
    changes = project.events.filter(action=A.STATUS_CHANGED).order_by("pk")
    assert [(e.from_status, e.to_status) for e in changes] == [
        (S.PLANNING, S.IMPLEMENTATION),
        (S.IMPLEMENTATION, S.COMPLETED),
    ]


@pytest.mark.parametrize(
    "start, target",
    [
        (S.PLANNING, S.COMPLETED),
        (S.PLANNING, S.EVALUATED),
        (S.IMPLEMENTATION, S.PLANNING),
        (S.COMPLETED, S.CANCELLED),
        (S.COMPLETED, S.EVALUATED),
        (S.CANCELLED, S.IMPLEMENTATION),
        (S.EVALUATED, S.COMPLETED),
    ],
)
def test_moves_the_workflow_does_not_have_are_conflicts(project, helpdesk_user, start, target):
    in_status(project, start)
    with pytest.raises(ProjectConflict):
        services.project_set_status(project=project, by=helpdesk_user, status=target, note="x")
    project.refresh_from_db()
    assert project.status == start


def test_a_status_change_seen_on_an_old_page_is_stale(project, focal_point_a, member_x):
    other_tab = Project.objects.get(pk=project.pk)
    services.project_set_status(project=project, by=member_x, status=S.IMPLEMENTATION)
    with pytest.raises(ProjectConflict, match="Reload"):
        services.project_set_status(project=other_tab, by=focal_point_a, status=S.IMPLEMENTATION)


@pytest.mark.parametrize("start", [S.PLANNING, S.IMPLEMENTATION])
def test_cancelling_a_running_project_needs_a_reason(project, focal_point_a, start):
    in_status(project, start)
    with pytest.raises(ValidationError) as error:
        services.project_set_status(project=project, by=focal_point_a, status=S.CANCELLED)
    assert "note" in error.value.message_dict
    services.project_set_status(
        project=project, by=focal_point_a, status=S.CANCELLED, note="The funding fell through."
    )
    project.refresh_from_db()
    assert project.status == S.CANCELLED
    assert project.events.filter(note="The funding fell through.").exists()
    # The match ends with it: the offer's place is free again.
    project.match.refresh_from_db()
    assert project.match.status == Match.Status.COMPLETED
    assert "The funding fell through." in project.match.events.last().note


def test_outsiders_do_not_move_projects(project, member_y, focal_point_b, learner):
    for person in (member_y, focal_point_b, learner):
        with pytest.raises(PermissionDenied):
            services.project_set_status(project=project, by=person, status=S.IMPLEMENTATION)


def test_unknown_status_is_a_validation_error(project, helpdesk_user):
    with pytest.raises(ValidationError) as error:
        services.project_set_status(project=project, by=helpdesk_user, status="finished")
    assert "status" in error.value.message_dict


# --- Progress reports ---------------------------------------------------------------------------
REPORT = {
    "period_start": datetime.date(2026, 1, 15),
    "period_end": datetime.date(2026, 4, 10),
    "progress_percent": 35,
    "achievements": "First field course held at Lake Nakuru; 22 officers trained.",
    "challenges": "Floods delayed the second course.",
    "next_steps": "Second course in June.",
}


def test_a_report_moves_the_next_due_date_and_resets_reminders(project, member_x):
    Project.objects.filter(pk=project.pk).update(reminded_at=timezone.now())
    report = services.progress_report_submit(project=project, by=member_x, data=REPORT)

    project.refresh_from_db()
    assert report.submitted_by == member_x
    assert project.last_report_at is not None
    assert project.reminded_at is None
    assert project.next_report_due == add_months(timezone.localdate(), 3)
    assert project.events.filter(action=A.REPORTED).count() == 1


def test_reports_are_checked(project, member_x):
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            project=project, by=member_x, data={**REPORT, "progress_percent": 120}
        )
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            project=project,
            by=member_x,
            data={**REPORT, "period_end": datetime.date(2025, 1, 1)},
        )
    assert not project.reports.exists()


def test_a_completed_project_takes_a_final_report_but_owes_no_more(project, focal_point_a):
    in_status(project, S.COMPLETED)
    Project.objects.filter(pk=project.pk).update(next_report_due=None)
    services.progress_report_submit(project=project, by=focal_point_a, data=REPORT)
    project.refresh_from_db()
    assert project.next_report_due is None


@pytest.mark.parametrize("status", [S.CANCELLED, S.EVALUATED])
def test_no_report_on_cancelled_or_evaluated_projects(project, focal_point_a, status):
    in_status(project, status)
    with pytest.raises(ProjectConflict):
        services.progress_report_submit(project=project, by=focal_point_a, data=REPORT)


def test_outsiders_do_not_report(project, member_y, focal_point_b):
    for person in (member_y, focal_point_b):
        with pytest.raises(PermissionDenied):
            services.progress_report_submit(project=project, by=person, data=REPORT)


# --- Evaluations --------------------------------------------------------------------------------
EVALUATION = {
    "effectiveness": 5,
    "quality": 4,
    "achievement": "fully",
    "lessons_learned": "Train the trainers first.",
}


@pytest.fixture
def completed(project):
    return in_status(project, S.COMPLETED)


def test_both_sides_evaluating_closes_the_project(completed, focal_point_a, member_x):
    services.project_evaluate(
        project=completed, by=focal_point_a, side="requester", data=EVALUATION
    )
    completed.refresh_from_db()
    assert completed.status == S.COMPLETED

    services.project_evaluate(project=completed, by=member_x, side="provider", data=EVALUATION)

    completed.refresh_from_db()
    assert completed.status == S.EVALUATED
    assert completed.events.filter(action=A.EVALUATED).count() == 2
    assert completed.events.filter(
        action=A.STATUS_CHANGED, to_status=S.EVALUATED, actor=None
    ).exists()


def test_each_side_evaluates_for_itself(completed, focal_point_a, member_x, member_y):
    with pytest.raises(PermissionDenied):
        services.project_evaluate(
            project=completed, by=focal_point_a, side="provider", data=EVALUATION
        )
    with pytest.raises(PermissionDenied):
        services.project_evaluate(project=completed, by=member_x, side="requester", data=EVALUATION)
    with pytest.raises(PermissionDenied):
        services.project_evaluate(project=completed, by=member_y, side="provider", data=EVALUATION)
    assert not completed.evaluations.exists()


def test_the_help_desk_records_either_side(completed, helpdesk_user):
    for side in ("requester", "provider"):
        services.project_evaluate(project=completed, by=helpdesk_user, side=side, data=EVALUATION)
    completed.refresh_from_db()
    assert completed.status == S.EVALUATED


def test_one_evaluation_per_side(completed, focal_point_a, colleague_a):
    services.project_evaluate(
        project=completed, by=focal_point_a, side="requester", data=EVALUATION
    )
    with pytest.raises(ValidationError, match="already evaluated"):
        services.project_evaluate(
            project=completed, by=colleague_a, side="requester", data=EVALUATION
        )
    assert completed.evaluations.count() == 1


@pytest.mark.parametrize("status", [S.PLANNING, S.IMPLEMENTATION, S.CANCELLED])
def test_only_completed_projects_are_evaluated(project, focal_point_a, status):
    in_status(project, status)
    with pytest.raises(ProjectConflict):
        services.project_evaluate(
            project=project, by=focal_point_a, side="requester", data=EVALUATION
        )


def test_ratings_go_from_one_to_five(completed, focal_point_a):
    with pytest.raises(ValidationError) as error:
        services.project_evaluate(
            project=completed,
            by=focal_point_a,
            side="requester",
            data={**EVALUATION, "effectiveness": 6, "quality": 0},
        )
    assert {"effectiveness", "quality"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        services.project_evaluate(
            project=completed, by=focal_point_a, side="donor", data=EVALUATION
        )


# --- Success stories ----------------------------------------------------------------------------
STORY = {
    "language": "en",
    "title": "Forty officers count the flamingos",
    "summary": "County officers now run the census on their own.",
    "body": "For the first time the January census covered all 14 sites.",
}


def test_a_side_writes_and_publishes_the_story_of_a_completed_project(completed, member_x):
    story = services.success_story_save(project=completed, by=member_x, data=STORY)
    assert story.status == SuccessStory.Status.DRAFT
    services.success_story_publish(story=story, by=member_x)

    story.refresh_from_db()
    assert story.status == SuccessStory.Status.PUBLISHED
    assert story.published_at is not None
    assert completed.events.filter(action=A.STORY_PUBLISHED).exists()
    # Saving again keeps it published and rewrites it.
    services.success_story_save(
        project=completed, by=member_x, data={**STORY, "title": "Counting flamingos"}
    )
    story.refresh_from_db()
    assert (story.title, story.status) == ("Counting flamingos", SuccessStory.Status.PUBLISHED)


def test_no_story_before_the_project_ends(project, member_x):
    with pytest.raises(ValidationError, match="completed"):
        services.success_story_save(project=project, by=member_x, data=STORY)


def test_only_the_help_desk_takes_a_story_down(completed, member_x, helpdesk_user, member_y):
    story = services.success_story_save(project=completed, by=member_x, data=STORY)
    with pytest.raises(PermissionDenied):
        services.success_story_publish(story=story, by=member_y)
    services.success_story_publish(story=story, by=member_x)
    with pytest.raises(PermissionDenied):
        services.success_story_unpublish(story=story, by=member_x)
    services.success_story_unpublish(story=story, by=helpdesk_user)
    story.refresh_from_db()
    assert story.status == SuccessStory.Status.DRAFT


def test_publishing_twice_is_stale(completed, member_x, focal_point_a):
    story = services.success_story_save(project=completed, by=member_x, data=STORY)
    other_tab = SuccessStory.objects.get(pk=story.pk)
    services.success_story_publish(story=story, by=member_x)
    with pytest.raises(ValidationError, match="already published"):
        services.success_story_publish(story=other_tab, by=focal_point_a)


# --- The reporting flag -------------------------------------------------------------------------
TODAY = datetime.date(2026, 9, 30)


def _flags(project: Project) -> tuple[str, str]:
    """The flag computed in Python and by the database: they must agree."""
    annotated = with_report_flag(Project.objects.filter(pk=project.pk), TODAY).get()
    return project_report_flag(project, TODAY), annotated.report_flag


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.mark.parametrize(
    "next_due, flag",
    [
        (TODAY + datetime.timedelta(days=1), ReportFlag.ON_TIME),
        (TODAY, ReportFlag.ON_TIME),  # due today: not late yet
        (TODAY - datetime.timedelta(days=1), ReportFlag.LATE),
    ],
)
def test_late_when_the_due_date_has_passed(next_due, flag):
    project = ProjectFactory(next_report_due=next_due)
    Project.objects.filter(pk=project.pk).update(last_report_at=_at(TODAY - datetime.timedelta(60)))
    project.refresh_from_db()
    assert _flags(project) == (flag, flag)


@pytest.mark.parametrize(
    "last_report, flag",
    [
        (datetime.date(2026, 3, 29), ReportFlag.STALE),
        (datetime.date(2026, 3, 30), ReportFlag.STALE),  # six months ago to the day
        (datetime.date(2026, 3, 31), ReportFlag.LATE),  # a day short: only late
    ],
)
def test_stale_after_six_months_without_a_report(last_report, flag):
    assert stale_cutoff(TODAY) == datetime.date(2026, 3, 30)
    project = ProjectFactory(next_report_due=TODAY - datetime.timedelta(days=30))
    Project.objects.filter(pk=project.pk).update(last_report_at=_at(last_report))
    project.refresh_from_db()
    assert _flags(project) == (flag, flag)


def test_without_a_report_staleness_counts_from_the_launch():
    project = ProjectFactory(next_report_due=TODAY + datetime.timedelta(days=10))
    Project.objects.filter(pk=project.pk).update(created_at=_at(datetime.date(2026, 3, 30)))
    project.refresh_from_db()
    assert _flags(project) == (ReportFlag.STALE, ReportFlag.STALE)
    Project.objects.filter(pk=project.pk).update(created_at=_at(datetime.date(2026, 3, 31)))
    project.refresh_from_db()
    assert _flags(project) == (ReportFlag.ON_TIME, ReportFlag.ON_TIME)


@pytest.mark.parametrize("status", [S.COMPLETED, S.EVALUATED, S.CANCELLED])
def test_projects_that_stopped_running_owe_nothing(status):
    project = ProjectFactory(status=status, next_report_due=TODAY - datetime.timedelta(days=400))
    Project.objects.filter(pk=project.pk).update(created_at=_at(datetime.date(2024, 1, 1)))
    project.refresh_from_db()
    assert _flags(project) == (ReportFlag.ON_TIME, ReportFlag.ON_TIME)


def test_add_months_stays_within_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 8, 31), -6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


# --- Reminders ----------------------------------------------------------------------------------
def test_overdue_projects_are_reminded_once_a_week():
    overdue = ProjectFactory(next_report_due=TODAY - datetime.timedelta(days=1))
    due_today = ProjectFactory(next_report_due=TODAY)
    ProjectFactory(status=S.COMPLETED, next_report_due=TODAY - datetime.timedelta(days=30))
    ProjectFactory(status=S.CANCELLED, next_report_due=TODAY - datetime.timedelta(days=30))

    assert services.projects_remind_overdue(today=TODAY) == [overdue.pk]
    # The same day again: nobody is reminded twice.
    assert services.projects_remind_overdue(today=TODAY) == []
    assert ProjectEvent.objects.filter(action=A.REMINDED).count() == 1
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
    # Six days later still nothing; a week later again, with the other one now overdue too.
    assert services.projects_remind_overdue(today=TODAY + datetime.timedelta(days=6)) == [
        due_today.pk
    ]
    reminded = services.projects_remind_overdue(today=TODAY + datetime.timedelta(days=8))
    assert reminded == [overdue.pk]


def test_a_report_stops_the_reminders(project, member_x):
    Project.objects.filter(pk=project.pk).update(next_report_due=TODAY - datetime.timedelta(1))
    assert services.projects_remind_overdue(today=TODAY) == [project.pk]
    project.refresh_from_db()
    services.progress_report_submit(project=project, by=member_x, data=REPORT)
    assert services.projects_remind_overdue(today=TODAY + datetime.timedelta(days=8)) == []


# --- Workshops ----------------------------------------------------------------------------------
def test_the_help_desk_records_what_a_roundtable_discussed(helpdesk_user, kenyan_need, offer_x):
    event = EventFactory(event_type_id=_event_type("matchmaking_roundtable"))
    workshop = services.workshop_save(
        event=event,
        by=helpdesk_user,
        needs=[kenyan_need],
        offers=[offer_x],
        summary="Six requests met four providers.",
    )
    assert list(workshop.needs.all()) == [kenyan_need]
    assert list(workshop.offers.all()) == [offer_x]
    again = services.workshop_save(event=event, by=helpdesk_user, needs=[], offers=[offer_x])
    assert again.pk == workshop.pk
    assert not again.needs.exists()


def test_workshops_are_for_the_help_desk_and_workshop_events(helpdesk_user, member_x, kenyan_need):
    roundtable = EventFactory(event_type_id=_event_type("matchmaking_roundtable"))
    with pytest.raises(PermissionDenied):
        services.workshop_save(event=roundtable, by=member_x, needs=[kenyan_need], offers=[])
    webinar = EventFactory(event_type_id=_event_type("webinar"))
    with pytest.raises(ValidationError) as error:
        services.workshop_save(event=webinar, by=helpdesk_user, needs=[], offers=[])
    assert "event" in error.value.message_dict


def _event_type(code: str) -> int:
    return EventType.objects.get(code=code).pk


# --- Factories used elsewhere agree with the rules ----------------------------------------------
def test_factories_make_consistent_rows():
    evaluation = ProjectEvaluationFactory()
    story = SuccessStoryFactory()
    assert evaluation.project.match.status == Match.Status.AGREED
    assert story.project.status == S.COMPLETED
    assert isinstance(evaluation, ProjectEvaluation)
