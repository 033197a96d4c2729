"""The API of pilot projects and success stories: the permission matrix, the public and
private fields, launching, changes, status (409 when stale), reports, evaluations, filters and
query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chm_portal.accounts.models import User
from matchmaking.models import Project, ProjectEvaluation
from tests.factories import (
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    ProgressReportFactory,
    ProjectFactory,
    SuccessStoryFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"
STORIES = "/api/v1/success-stories/"
S = Project.Status
PRIVATE = {"budget", "agreement_document", "next_report_due", "report_flag", "currency"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def agreed_match(country, organisation, *, visibility="public", need_status="matched"):
    need = MatchNeedFactory(country=country, status=need_status, visibility=visibility)
    return MatchFactory(
        need=need,
        offer=OfferFactory(provider=organisation),
        status="agreed",
        agreed_at=timezone.now(),
    )


def make_project(country, organisation, *, visibility="public", status=S.PLANNING, **fields):
    match = agreed_match(country, organisation, visibility=visibility, need_status="in_progress")
    return ProjectFactory(match=match, status=status, budget=Decimal("1234.00"), **fields)


@pytest.fixture
def public_project(country_a, organisation_x):
    return make_project(country_a, organisation_x, title="Waterbird census")


@pytest.fixture
def restricted_project(country_a, organisation_x):
    return make_project(country_a, organisation_x, visibility="restricted", title="Confidential")


def detail(project) -> str:
    return f"{PROJECTS}{project.pk}/"


def as_user(api_client, request, name):
    if name:
        api_client.force_authenticate(request.getfixturevalue(name))
    return api_client


# --- Reading ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, listed, private",
    [
        (None, {"Waterbird census"}, False),
        ("member_y", {"Waterbird census"}, False),
        ("focal_point_b", {"Waterbird census"}, False),
        ("member_x", {"Waterbird census", "Confidential"}, True),
        ("focal_point_a", {"Waterbird census", "Confidential"}, True),
        ("helpdesk_user", {"Waterbird census", "Confidential"}, True),
    ],
)
def test_who_lists_and_reads_what(
    api_client, request, public_project, restricted_project, name, listed, private
):
    client = as_user(api_client, request, name)
    results = client.get(PROJECTS).json()["results"]
    assert {item["title"] for item in results} == listed
    item = client.get(detail(public_project)).json()
    assert item["country"] == "KE"
    assert item["provider"]["name"] == "Mangrove Alliance"
    assert (set(item) >= PRIVATE) is private
    assert not private or item["budget"] == "1234.00"
    status = client.get(detail(restricted_project)).status_code
    assert status == (200 if private else 404)


def test_cancelled_projects_are_not_public(api_client, public_project, member_x):
    Project.objects.filter(pk=public_project.pk).update(status=S.CANCELLED)
    assert api_client.get(detail(public_project)).status_code == 404
    api_client.force_authenticate(member_x)
    assert api_client.get(detail(public_project)).json()["status"] == "cancelled"


@pytest.mark.parametrize("number_of_projects", [1, 10])
def test_the_list_reads_a_fixed_number_of_queries(
    api_client, country_a, organisation_x, number_of_projects, django_assert_num_queries
):
    for _number in range(number_of_projects):
        make_project(country_a, organisation_x)
    # The count, the page (request, country, region, offer, provider joined), the targets.
    with django_assert_num_queries(3):
        response = api_client.get(PROJECTS)
    assert len(response.json()["results"]) == number_of_projects


def test_the_help_desk_list_reads_a_fixed_number_of_queries(
    api_client, country_a, organisation_x, helpdesk_user, django_assert_num_queries
):
    for _number in range(6):
        make_project(country_a, organisation_x)
    api_client.force_authenticate(User.objects.get(pk=helpdesk_user.pk))
    # The help desk's groups, the count, the page, the targets; the rules read the roles cached
    # on the user (focal points and memberships once).
    with django_assert_num_queries(6):
        response = api_client.get(PROJECTS)
    assert len(response.json()["results"]) == 6


def test_filters(api_client, public_project, country_b, organisation_y, member_x):
    brazilian = make_project(country_b, organisation_y, title="Dolphin survey")
    titles = lambda response: {item["title"] for item in response.json()["results"]}  # noqa: E731
    assert titles(api_client.get(PROJECTS, {"country": "BR"})) == {brazilian.title}
    assert titles(api_client.get(PROJECTS, {"region": "002"})) == {"Waterbird census"}
    assert titles(api_client.get(PROJECTS, {"status": "completed"})) == set()
    assert api_client.get(PROJECTS, {"colour": "green"}).status_code == 400
    assert api_client.get(PROJECTS, {"country": "ZZ"}).status_code == 400
    Project.objects.filter(pk=public_project.pk).update(
        next_report_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    # The reporting flag filters one's own projects only.
    assert titles(api_client.get(PROJECTS, {"reporting": "late"})) == set()
    api_client.force_authenticate(member_x)
    assert titles(api_client.get(PROJECTS, {"reporting": "late"})) == {"Waterbird census"}
    item = api_client.get(detail(public_project)).json()
    assert item["report_flag"] == "late"


# --- Launching ----------------------------------------------------------------------------------
LAUNCH = {"title": "Waterbird census", "objectives": "Train the officers.", "budget": "5000.00"}


@pytest.mark.parametrize(
    "name, status",
    [
        (None, 403),
        ("member_y", 403),
        ("focal_point_b", 403),
        ("member_x", 201),
        ("focal_point_a", 201),
        ("helpdesk_user", 201),
    ],
)
def test_who_launches(api_client, request, country_a, organisation_x, name, status):
    match = agreed_match(country_a, organisation_x)
    client = as_user(api_client, request, name)
    response = client.post(PROJECTS, {**LAUNCH, "match": match.pk}, format="json")
    assert response.status_code == status
    if status == 201:
        data = response.json()
        assert data["reference"].startswith("PRJ-")
        assert data["budget"] == "5000.00"
        assert data["status"] == "planning"
    else:
        assert not Project.objects.exists()


def test_launching_refuses_read_only_and_unknown_keys(
    api_client, country_a, organisation_x, member_x
):
    match = agreed_match(country_a, organisation_x)
    api_client.force_authenticate(member_x)
    response = api_client.post(
        PROJECTS, {**LAUNCH, "match": match.pk, "status": "completed", "x": 1}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status", "x"}
    response = api_client.post(PROJECTS, {**LAUNCH, "match": 999999}, format="json")
    assert response.status_code == 404


def test_launching_from_a_match_not_agreed_is_a_conflict(
    api_client, country_a, organisation_x, member_x
):
    match = agreed_match(country_a, organisation_x)
    match.status = "accepted"
    match.save(update_fields=["status"])
    api_client.force_authenticate(member_x)
    response = api_client.post(PROJECTS, {**LAUNCH, "match": match.pk}, format="json")
    assert response.status_code == 409
    assert "Reload" in response.json()["detail"]


def test_launching_with_the_signed_agreement(
    api_client, country_a, organisation_x, member_x, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    match = agreed_match(country_a, organisation_x)
    api_client.force_authenticate(member_x)
    response = api_client.post(
        PROJECTS,
        {
            **LAUNCH,
            "match": match.pk,
            "agreement_document": SimpleUploadedFile("signed.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["agreement_document"].endswith("/agreement/")

    fake = SimpleUploadedFile("signed.pdf", b"MZ not a pdf", "application/pdf")
    other = agreed_match(country_a, organisation_x)
    response = api_client.post(
        PROJECTS,
        {**LAUNCH, "match": other.pk, "agreement_document": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "agreement_document" in response.json()


# --- Changing -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, public_status, restricted_status",
    [
        (None, 403, 403),
        ("member_y", 403, 404),
        ("focal_point_b", 403, 404),
        ("member_x", 200, 200),
        ("focal_point_a", 200, 200),
        ("helpdesk_user", 200, 200),
    ],
)
def test_who_changes_a_project(
    api_client,
    request,
    public_project,
    restricted_project,
    name,
    public_status,
    restricted_status,
):
    client = as_user(api_client, request, name)
    for project, status in (
        (public_project, public_status),
        (restricted_project, restricted_status),
    ):
        response = client.patch(detail(project), {"title": "Renamed"}, format="json")
        assert response.status_code == status
    assert Project.objects.filter(title="Renamed").count() == (2 if public_status == 200 else 0)


def test_put_is_not_offered(api_client, public_project, member_x):
    api_client.force_authenticate(member_x)
    assert api_client.put(detail(public_project), LAUNCH, format="json").status_code == 405


def test_status_moves_and_conflicts(api_client, public_project, member_x, member_y):
    url = f"{detail(public_project)}status/"
    api_client.force_authenticate(member_y)
    assert api_client.post(url, {"status": "implementation"}, format="json").status_code == 403
    api_client.force_authenticate(member_x)
    response = api_client.post(url, {"status": "implementation"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "implementation"
    # Not possible from implementation: someone already moved it.
    response = api_client.post(url, {"status": "implementation"}, format="json")
    assert response.status_code == 409
    response = api_client.post(url, {"status": "cancelled"}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()


# --- Reports and evaluations --------------------------------------------------------------------
REPORT = {
    "period_start": "2026-01-01",
    "period_end": "2026-03-31",
    "progress_percent": 50,
    "achievements": "Half the officers trained.",
}


def test_reports_are_for_the_sides(api_client, public_project, member_x, member_y):
    ProgressReportFactory(project=public_project)
    url = f"{detail(public_project)}reports/"
    assert api_client.get(url).status_code == 403
    api_client.force_authenticate(member_y)
    assert api_client.get(url).status_code == 403
    assert api_client.post(url, REPORT, format="json").status_code == 403
    api_client.force_authenticate(member_x)
    assert len(api_client.get(url).json()) == 1
    response = api_client.post(url, REPORT, format="json")
    assert response.status_code == 201
    assert response.json()["progress_percent"] == 50
    assert public_project.reports.count() == 2
    response = api_client.post(url, {**REPORT, "progress_percent": 101}, format="json")
    assert response.status_code == 400


def test_evaluations_close_the_project(api_client, public_project, member_x, focal_point_a):
    url = f"{detail(public_project)}evaluations/"
    evaluation = {
        "side": "provider",
        "effectiveness": 4,
        "quality": 5,
        "achievement": "mostly",
        "lessons_learned": "Plan for the rains.",
    }
    api_client.force_authenticate(member_x)
    # Not completed yet.
    assert api_client.post(url, evaluation, format="json").status_code == 409
    Project.objects.filter(pk=public_project.pk).update(status=S.COMPLETED)
    assert (
        api_client.post(url, {**evaluation, "side": "requester"}, format="json").status_code == 403
    )
    assert api_client.post(url, evaluation, format="json").status_code == 201
    assert api_client.post(url, evaluation, format="json").status_code == 400  # once per side
    api_client.force_authenticate(focal_point_a)
    response = api_client.post(url, {**evaluation, "side": "requester"}, format="json")
    assert response.status_code == 201
    assert api_client.get(detail(public_project)).json()["status"] == "evaluated"
    assert {item["side"] for item in api_client.get(url).json()} == set(
        ProjectEvaluation.Side.values
    )


# --- Success stories ----------------------------------------------------------------------------
def test_success_stories_are_public_once_published(
    api_client, public_project, restricted_project, country_a, organisation_x, member_x
):
    Project.objects.filter(pk__in=[public_project.pk, restricted_project.pk]).update(
        status=S.COMPLETED
    )
    published = SuccessStoryFactory(
        project=public_project, status="published", published_at=timezone.now()
    )
    SuccessStoryFactory(project=restricted_project, status="published", published_at=timezone.now())
    draft_project = make_project(country_a, organisation_x, status=S.COMPLETED)
    SuccessStoryFactory(project=draft_project, status="draft")

    results = api_client.get(STORIES).json()["results"]
    assert [item["id"] for item in results] == [published.pk]
    assert results[0]["project"] == public_project.reference
    assert api_client.get(f"{STORIES}{published.pk}/").status_code == 200
    api_client.force_authenticate(member_x)
    assert api_client.post(STORIES, {"title": "x"}, format="json").status_code == 405
