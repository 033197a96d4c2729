"""Pages of pilot projects: who sees what (the permission matrix), the public and private parts,
the forms that call the services, "my projects", and constant query counts.

People (``conftest.py``): Amani (focal point of Kenya) is the requester side of the Kenyan
projects; Xavier (Mangrove Alliance) the provider side; Yara (another organisation) and Beatriz
(focal point of Brazil) are outsiders; Hana is the help desk; and anonymous visitors.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import EventType
from matchmaking.models import Project, ProjectEvent, SuccessStory
from matchmaking.services import projects as services
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

S = Project.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUDGET = Decimal("98765.00")


def project_for(country, organisation, *, visibility="public", status=S.PLANNING, **fields):
    need = MatchNeedFactory(country=country, status="in_progress", visibility=visibility)
    match = MatchFactory(
        need=need,
        offer=OfferFactory(provider=organisation),
        status="agreed",
        agreed_at=timezone.now(),
    )
    return ProjectFactory(match=match, status=status, budget=BUDGET, **fields)


@pytest.fixture
def public_project(country_a, organisation_x):
    """A Kenyan project with Mangrove Alliance, of a public request."""
    return project_for(country_a, organisation_x, title="Waterbird census")


@pytest.fixture
def restricted_project(country_a, organisation_x):
    """A Kenyan project with Mangrove Alliance, of a restricted request: not public."""
    return project_for(
        country_a, organisation_x, visibility="restricted", title="Confidential census"
    )


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def detail(project) -> str:
    return reverse("matchmaking:project_detail", kwargs={"pk": project.pk})


PEOPLE = ["helpdesk_user", "member_x", "focal_point_a", "member_y", "focal_point_b", None]


def person(request, name):
    return request.getfixturevalue(name) if name else None


# --- The project's page: who sees what ------------------------------------------------------------
@pytest.mark.parametrize(
    "name, status, private",
    [
        ("helpdesk_user", 200, True),
        ("member_x", 200, True),
        ("focal_point_a", 200, True),
        ("member_y", 200, False),
        ("focal_point_b", 200, False),
        (None, 200, False),
    ],
)
def test_public_project_page(request, client, public_project, name, status, private):
    response = client_for(client, person(request, name)).get(detail(public_project))
    assert response.status_code == status
    content = response.content.decode()
    assert "Waterbird census" in content
    assert "Mangrove Alliance" in content
    assert public_project.match.need.country.name in content
    assert ("98765" in content) is private
    assert ("Progress reports" in content and "History" in content) is private


@pytest.mark.parametrize(
    "name, status",
    [
        ("helpdesk_user", 200),
        ("member_x", 200),
        ("focal_point_a", 200),
        ("member_y", 404),
        ("focal_point_b", 404),
        (None, 404),
    ],
)
def test_restricted_project_page(request, client, restricted_project, name, status):
    response = client_for(client, person(request, name)).get(detail(restricted_project))
    assert response.status_code == status


def test_cancelled_projects_are_not_public(client, public_project, member_x):
    Project.objects.filter(pk=public_project.pk).update(status=S.CANCELLED)
    assert client.get(detail(public_project)).status_code == 404
    client.force_login(member_x)
    assert client.get(detail(public_project)).status_code == 200


def test_the_agreement_is_downloaded_by_the_sides_only(
    client, public_project, member_x, member_y, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.project_update(
        project=public_project,
        by=member_x,
        data={"agreement_document": SimpleUploadedFile("signed.pdf", PDF, "application/pdf")},
    )
    url = reverse("matchmaking:project_agreement", kwargs={"pk": public_project.pk})
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(member_y)
    assert client.get(url).status_code == 404
    assert "signed agreement" not in client.get(detail(public_project)).content.decode()
    client.force_login(member_x)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "Download the signed agreement" in client.get(detail(public_project)).content.decode()


def test_the_page_of_a_project_reads_a_fixed_number_of_queries(
    client, public_project, member_x, django_assert_max_num_queries
):
    for _number in range(4):
        ProgressReportFactory(project=public_project)
    client.force_login(User.objects.get(pk=member_x.pk))
    # Project (request, country, region, offer, provider, story joined), targets; session, user,
    # focal points, memberships, groups (read once); evaluations, reports, history; the
    # navigation's unread inbox count. Not one more per report.
    with django_assert_max_num_queries(12):
        response = client.get(detail(public_project))
    assert response.status_code == 200


# --- Forms: the permission matrix -----------------------------------------------------------------
FORMS = ["project_edit", "project_report"]


@pytest.mark.parametrize("page", FORMS)
@pytest.mark.parametrize(
    "name, public_status, restricted_status",
    [
        ("helpdesk_user", 200, 200),
        ("member_x", 200, 200),
        ("focal_point_a", 200, 200),
        ("member_y", 403, 404),
        ("focal_point_b", 403, 404),
    ],
)
def test_who_opens_the_forms(
    request,
    client,
    public_project,
    restricted_project,
    page,
    name,
    public_status,
    restricted_status,
):
    client.force_login(person(request, name))
    for project, status in (
        (public_project, public_status),
        (restricted_project, restricted_status),
    ):
        response = client.get(reverse(f"matchmaking:{page}", kwargs={"pk": project.pk}))
        assert response.status_code == status, (page, project.title)


@pytest.mark.parametrize("page", [*FORMS, "project_evaluate", "project_story"])
def test_anonymous_visitors_sign_in_first(client, public_project, page):
    response = client.get(reverse(f"matchmaking:{page}", kwargs={"pk": public_project.pk}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_editing_goes_through_the_service(client, public_project, focal_point_a):
    client.force_login(focal_point_a)
    url = reverse("matchmaking:project_edit", kwargs={"pk": public_project.pk})
    response = client.post(
        url,
        {
            "title": "Census of waterbirds",
            "objectives": "Train the officers.",
            "budget": "1000",
            "currency": "eur",
            "report_every_months": "4",
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
        },
    )
    assert response.status_code == 200  # the end before the start
    assert "error-summary" in response.content.decode()

    response = client.post(
        url,
        {
            "title": "Census of waterbirds",
            "objectives": "Train the officers.",
            "budget": "1000",
            "currency": "eur",
            "report_every_months": "4",
        },
    )
    assert response.status_code == 302
    public_project.refresh_from_db()
    assert (public_project.title, public_project.currency) == ("Census of waterbirds", "EUR")
    assert public_project.events.filter(action=ProjectEvent.Action.EDITED).exists()


def test_moving_the_project_along_and_a_stale_page(client, public_project, member_x):
    client.force_login(member_x)
    url = reverse("matchmaking:project_status", kwargs={"pk": public_project.pk})
    response = client.post(url, {"status": "implementation", "current": "planning"}, follow=True)
    assert "is now “Implementation”" in response.content.decode()
    public_project.refresh_from_db()
    assert public_project.status == S.IMPLEMENTATION

    # The same button again, from the page as it was: reload.
    response = client.post(url, {"status": "implementation", "current": "planning"}, follow=True)
    assert "Reload the page" in response.content.decode()
    public_project.refresh_from_db()
    assert public_project.status == S.IMPLEMENTATION


def test_outsiders_cannot_post_a_status(client, public_project, member_y):
    client.force_login(member_y)
    url = reverse("matchmaking:project_status", kwargs={"pk": public_project.pk})
    response = client.post(url, {"status": "implementation", "current": "planning"})
    assert response.status_code == 403
    public_project.refresh_from_db()
    assert public_project.status == S.PLANNING


def test_reporting_progress(client, public_project, member_x):
    client.force_login(member_x)
    url = reverse("matchmaking:project_report", kwargs={"pk": public_project.pk})
    response = client.post(
        url,
        {
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "progress_percent": "40",
            "achievements": "Two courses held.",
        },
    )
    assert response.status_code == 302
    assert public_project.reports.get().achievements == "Two courses held."


def test_evaluating_one_side_at_a_time(client, public_project, member_x, focal_point_a):
    Project.objects.filter(pk=public_project.pk).update(status=S.COMPLETED)
    url = reverse("matchmaking:project_evaluate", kwargs={"pk": public_project.pk})
    client.force_login(member_x)
    page = client.get(url).content.decode()
    assert 'value="provider"' in page and 'value="requester"' not in page
    evaluation = {
        "side": "provider",
        "effectiveness": "5",
        "quality": "4",
        "achievement": "fully",
        "lessons_learned": "Plan for the rains.",
    }
    assert client.post(url, evaluation).status_code == 302
    # Done for this side: the page sends them back.
    assert client.get(url).status_code == 302

    client.force_login(focal_point_a)
    assert client.post(url, {**evaluation, "side": "provider"}).status_code == 200  # not theirs
    assert client.post(url, {**evaluation, "side": "requester"}).status_code == 302
    public_project.refresh_from_db()
    assert public_project.status == S.EVALUATED


def test_writing_and_publishing_the_story(client, public_project, focal_point_a):
    Project.objects.filter(pk=public_project.pk).update(status=S.COMPLETED)
    client.force_login(focal_point_a)
    url = reverse("matchmaking:project_story", kwargs={"pk": public_project.pk})
    response = client.post(
        url,
        {
            "language": "en",
            "title": "Flamingos counted",
            "summary": "Officers count on their own.",
            "body": "All sites covered.",
        },
    )
    assert response.status_code == 302
    story = SuccessStory.objects.get(project=public_project)
    assert story.status == SuccessStory.Status.DRAFT
    publish = reverse("matchmaking:project_story_publish", kwargs={"pk": public_project.pk})
    client.post(publish)
    story.refresh_from_db()
    assert story.status == SuccessStory.Status.PUBLISHED


def test_no_story_form_before_completion(client, public_project, focal_point_a):
    client.force_login(focal_point_a)
    url = reverse("matchmaking:project_story", kwargs={"pk": public_project.pk})
    assert client.get(url).status_code == 302


# --- Launching ------------------------------------------------------------------------------
@pytest.fixture
def agreed_match(country_a, organisation_x, focal_point_a):
    need = MatchNeedFactory(
        country=country_a,
        created_by=focal_point_a,
        status="matched",
        title="Waterbird monitoring",
        estimated_budget=Decimal("45000"),
        budget_currency="KES",
    )
    return MatchFactory(
        need=need,
        offer=OfferFactory(provider=organisation_x),
        status="agreed",
        agreed_at=timezone.now(),
    )


@pytest.mark.parametrize(
    "name, status",
    [
        ("helpdesk_user", 200),
        ("member_x", 200),
        ("focal_point_a", 200),
        ("member_y", 404),
        ("focal_point_b", 404),
    ],
)
def test_who_opens_the_launch_form(request, client, agreed_match, name, status):
    client.force_login(person(request, name))
    url = reverse("matchmaking:project_launch", kwargs={"match_pk": agreed_match.pk})
    assert client.get(url).status_code == status


def test_the_launch_form_prefills_what_the_person_may_see(
    client, agreed_match, focal_point_a, member_x
):
    url = reverse("matchmaking:project_launch", kwargs={"match_pk": agreed_match.pk})
    client.force_login(focal_point_a)
    page = client.get(url).content.decode()
    assert 'value="Waterbird monitoring"' in page
    assert "45000" in page
    client.force_login(member_x)
    page = client.get(url).content.decode()
    assert 'value="Waterbird monitoring"' in page
    assert "45000" not in page  # the request's budget is private to its owners


def test_launching_from_the_form(client, agreed_match, member_x, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(member_x)
    url = reverse("matchmaking:project_launch", kwargs={"match_pk": agreed_match.pk})
    response = client.post(
        url,
        {
            "title": "Waterbird census",
            "objectives": "Train the officers.",
            "currency": "USD",
            "report_every_months": "3",
            "agreement_signed_on": "2026-01-10",
            "agreement_document": SimpleUploadedFile("signed.pdf", PDF, "application/pdf"),
        },
    )
    project = Project.objects.get(match=agreed_match)
    assert response.status_code == 302
    assert response["Location"] == detail(project)
    assert project.agreement_document
    # Once launched, the form sends people to the project.
    assert client.get(url)["Location"] == detail(project)


def test_a_match_not_agreed_shows_why(client, agreed_match, member_x):
    agreed_match.status = "accepted"
    agreed_match.save(update_fields=["status"])
    client.force_login(member_x)
    url = reverse("matchmaking:project_launch", kwargs={"match_pk": agreed_match.pk})
    page = client.get(url).content.decode()
    assert "This match is not agreed" in page
    response = client.post(url, {"title": "T", "objectives": "O", "report_every_months": "3"})
    assert "This match is not agreed" in response.content.decode()
    assert not Project.objects.exists()


# --- Lists ------------------------------------------------------------------------------
def test_the_public_list_shows_public_projects_only(
    client, public_project, restricted_project, country_b, organisation_y
):
    cancelled = project_for(country_b, organisation_y, status=S.CANCELLED, title="Called off")
    page = client.get(reverse("matchmaking:project_list")).content.decode()
    assert "Waterbird census" in page
    assert "Confidential census" not in page
    assert cancelled.title not in page
    assert "98765" not in page


def test_the_sides_also_list_their_private_projects(client, restricted_project, member_x):
    client.force_login(member_x)
    page = client.get(reverse("matchmaking:project_list")).content.decode()
    assert "Confidential census" in page


def test_filters_of_the_list(client, public_project, country_b, organisation_y):
    brazilian = project_for(country_b, organisation_y, title="Dolphin survey")
    url = reverse("matchmaking:project_list")
    page = client.get(url, {"country": "BR"}).content.decode()
    assert brazilian.title in page and public_project.title not in page
    page = client.get(url, {"status": "implementation"}).content.decode()
    assert "No project matches these filters." in page
    response = client.get(url, {"country": "ZZ"})
    assert "Some filters could not be applied" in response.content.decode()


def test_the_reporting_flag_is_for_the_sides(client, public_project, member_x, member_y):
    Project.objects.filter(pk=public_project.pk).update(
        next_report_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    url = reverse("matchmaking:project_list")
    late = 'class="badge flag-late"'
    page = client.get(url).content.decode()
    assert late not in page
    assert 'name="reporting"' not in page  # no flag filter for anonymous visitors
    # Outsiders see the project but not its flag, and the flag filter finds none of theirs.
    client.force_login(member_y)
    assert late not in client.get(url).content.decode()
    assert "Waterbird census" not in client.get(url, {"reporting": "late"}).content.decode()
    client.force_login(member_x)
    assert late in client.get(url).content.decode()
    assert "Waterbird census" in client.get(url, {"reporting": "late"}).content.decode()
    assert "Waterbird census" not in client.get(url, {"reporting": "stale"}).content.decode()


@pytest.mark.parametrize("number_of_projects", [1, 12])
def test_the_list_reads_a_fixed_number_of_queries(
    client, country_a, organisation_x, number_of_projects, django_assert_num_queries
):
    for number in range(number_of_projects):
        project_for(country_a, organisation_x, title=f"Project {number}")
    # The count, the page (request, country, region, offer, provider joined), the targets,
    # and the choices of the country, region and target filters.
    with django_assert_num_queries(6):
        response = client.get(reverse("matchmaking:project_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == number_of_projects


def test_my_projects(
    client, public_project, restricted_project, country_b, organisation_y, member_x, focal_point_b
):
    other = project_for(country_b, organisation_y, title="Dolphin survey")
    client.force_login(member_x)
    page = client.get(reverse("matchmaking:my_projects")).content.decode()
    assert "Waterbird census" in page and "Confidential census" in page
    assert other.title not in page
    client.force_login(focal_point_b)
    page = client.get(reverse("matchmaking:my_projects")).content.decode()
    assert other.title in page and "Waterbird census" not in page


def test_my_projects_needs_signing_in(client):
    assert client.get(reverse("matchmaking:my_projects")).status_code == 302


# --- Public pages: stories, statistics, workshops, index ------------------------------------------
def test_published_stories_of_public_projects_are_public(
    client, public_project, restricted_project, member_x
):
    Project.objects.filter(pk__in=[public_project.pk, restricted_project.pk]).update(
        status=S.COMPLETED
    )
    public = SuccessStoryFactory(
        project=public_project,
        title="Flamingos counted",
        status="published",
        published_at=timezone.now(),
    )
    hidden = SuccessStoryFactory(
        project=restricted_project,
        title="Secret success",
        status="published",
        published_at=timezone.now(),
    )
    page = client.get(reverse("matchmaking:story_list")).content.decode()
    assert "Flamingos counted" in page and "Secret success" not in page
    assert client.get(reverse("matchmaking:story_detail", args=[public.pk])).status_code == 200
    assert client.get(reverse("matchmaking:story_detail", args=[hidden.pk])).status_code == 404
    client.force_login(member_x)
    assert client.get(reverse("matchmaking:story_detail", args=[hidden.pk])).status_code == 200


def test_draft_stories_are_for_the_sides(client, public_project, member_x, member_y):
    Project.objects.filter(pk=public_project.pk).update(status=S.COMPLETED)
    draft = SuccessStoryFactory(project=public_project, title="Draft story")
    url = reverse("matchmaking:story_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(member_y)
    assert client.get(url).status_code == 404
    client.force_login(member_x)
    assert client.get(url).status_code == 200
    assert "Draft story" not in client.get(reverse("matchmaking:story_list")).content.decode()


def test_statistics_count_without_naming_anyone(
    client, public_project, restricted_project, django_assert_num_queries
):
    Project.objects.filter(pk=restricted_project.pk).update(status=S.COMPLETED)
    ProjectEvaluationFactory(
        project=restricted_project, side="requester", effectiveness=5, quality=3
    )
    ProjectEvaluationFactory(
        project=restricted_project, side="provider", effectiveness=2, quality=4
    )
    with django_assert_num_queries(6):
        response = client.get(reverse("matchmaking:statistics"))
    page = response.content.decode()
    stats = response.context["stats"]
    assert stats["projects_total"] == 2
    assert stats["matches_agreed"] == 2
    assert stats["evaluations"]["effective_percent"] == 50
    assert stats["evaluations"]["quality_percent"] == 50
    assert {row["code"]: row["count"] for row in stats["regions"]} == {"002": 2}
    # No requester, provider, project or person is named.
    for name in (
        "Mangrove Alliance",
        "Waterbird census",
        "Confidential census",
        public_project.match.need.title,
        public_project.match.offer.title,
        "Kenya",
    ):
        assert name not in page


def test_the_workshop_page(client, helpdesk_user, public_project, restricted_project):
    event = EventFactory(
        title="Roundtable on wetlands",
        event_type=EventType.objects.get(code="matchmaking_roundtable"),
        organisation=public_project.match.offer.provider,
    )
    workshop = services.workshop_save(
        event=event,
        by=helpdesk_user,
        needs=[public_project.match.need, restricted_project.match.need],
        offers=[public_project.match.offer],
        summary="Two requests discussed.",
    )
    for project in (public_project, restricted_project):
        type(project.match).objects.filter(pk=project.match_id).update(workshop=workshop)
    url = reverse("matchmaking:workshop_detail", args=[workshop.pk])
    page = client.get(url).content.decode()
    assert "Roundtable on wetlands" in page
    assert public_project.match.need.title in page
    assert restricted_project.match.need.title not in page
    client.force_login(helpdesk_user)
    assert restricted_project.match.need.title in client.get(url).content.decode()


def test_the_index_links_everything_and_keeps_the_activities(client, public_project, learner):
    page = client.get(reverse("matchmaking:index")).content.decode()
    for name in ("project_list", "story_list", "statistics"):
        assert reverse(f"matchmaking:{name}") in page
    assert "Activity 5" in page and "Activity 7" in page
    assert reverse("matchmaking:my_projects") not in page
    client.force_login(learner)
    assert (
        reverse("matchmaking:my_projects")
        in client.get(reverse("matchmaking:index")).content.decode()
    )


def test_pages_are_translated(client, public_project):
    response = client.get(reverse("matchmaking:project_list").replace("/en/", "/fr/"))
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_a_provider_does_not_learn_of_a_requesters_interest(client, agreed_match, member_x):
    # Before the help desk proposes it, the provider does not see the match at all.
    type(agreed_match).objects.filter(pk=agreed_match.pk).update(
        status="interest", proposed_at=None
    )
    client.force_login(member_x)
    url = reverse("matchmaking:project_launch", kwargs={"match_pk": agreed_match.pk})
    assert client.get(url).status_code == 404
