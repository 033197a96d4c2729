"""The catalogue's API (``/api/v1/courses/``): public courses only, the page's filters (400 on
unknown parameters and codes), the record of the JSON export plus translations, the outline on
the detail, pagination, constant queries and a schema that still builds."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from rest_framework.routers import SimpleRouter

from chm_portal.vocabularies.models import GBFTarget, Language, ThematicArea
from elearning.api.courses import ROUTES
from elearning.databases import COURSE_RECORD_KEYS
from elearning.models import CourseStatus, EnrolmentMode
from tests.factories import CourseFactory, OrganisationFactory, build_course

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
TODAY = timezone.localdate()
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


def make_course(provider=None, *, languages=(), targets=(), areas=(), **fields):
    course = CourseFactory(**({"provider": provider} if provider else {}), **fields)
    course.languages.set(Language.objects.filter(code__in=languages))
    course.targets.set(GBFTarget.objects.filter(code__in=targets))
    course.thematic_areas.set(ThematicArea.objects.filter(code__in=areas))
    return course


def titles(response) -> list[str]:
    return sorted(course["title"] for course in response.json()["results"])


def test_anyone_lists_the_public_courses_as_exported(api_client, organisation_x):
    course = make_course(
        organisation_x,
        title="Mangrove restoration",
        languages=["fr", "en"],
        targets=["GBF-T3"],
        areas=["forests"],
        format="mooc",
        starts_on=TODAY,
        ends_on=NEXT_MONTH,
        estimated_hours=8,
    )
    make_course(organisation_x, title="Archived course", status=CourseStatus.ARCHIVED)
    make_course(organisation_x, title="Draft", status=CourseStatus.DRAFT)
    make_course(organisation_x, title="In review", status=CourseStatus.IN_REVIEW)

    response = api_client.get(COURSES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert titles(response) == ["Archived course", "Mangrove restoration"]
    record = next(item for item in body["results"] if item["id"] == str(course.pk))
    assert list(record) == [*COURSE_RECORD_KEYS, "translations"]
    assert record["provider"] == {"id": str(organisation_x.pk), "name": "Mangrove Alliance"}
    assert sorted(record["languages"]) == ["en", "fr"]
    assert record["targets"] == ["GBF-T3"]
    assert record["thematic_areas"] == ["forests"]
    assert record["format"] == "mooc"
    assert record["estimated_hours"] == 8
    assert record["open_for_enrolment"] is True
    assert record["starts_on"] == TODAY.isoformat()
    assert record["url"] == f"http://testserver/en/learning/courses/{course.pk}/"
    assert record["translations"] == {
        "en": {"title": "Mangrove restoration", "summary": "A short course on biodiversity."}
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=fr", ["French MOOC"]),
        ("target=GBF-T6", ["By invitation"]),
        ("thematic_area=forests", ["French MOOC"]),
        ("course_format=mooc", ["French MOOC"]),
        ("level=advanced", ["By invitation"]),
        ("open=true", ["French MOOC"]),
        ("open=false", ["By invitation"]),
        ("certificate=false", ["By invitation"]),
        ("status=published", ["By invitation", "French MOOC"]),
        ("q=invitation", ["By invitation"]),
    ],
)
def test_the_list_takes_the_filters_of_the_page(api_client, query, expected):
    make_course(
        title="French MOOC",
        languages=["fr"],
        areas=["forests"],
        format="mooc",
        starts_on=TODAY,
        ends_on=NEXT_MONTH,
    )
    make_course(
        title="By invitation",
        languages=["en"],
        targets=["GBF-T6"],
        level="advanced",
        enrolment_mode=EnrolmentMode.INVITATION,
        certificate_offered=False,
    )

    response = api_client.get(f"{COURSES}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


def test_format_stays_the_response_format(api_client):
    make_course(title="MOOC", format="mooc", starts_on=TODAY, ends_on=NEXT_MONTH)

    response = api_client.get(f"{COURSES}?format=json&course_format=mooc")

    assert response.status_code == 200
    assert titles(response) == ["MOOC"]


def test_the_list_filters_by_provider(api_client, organisation_x, organisation_y):
    make_course(organisation_x, title="Course of X")
    make_course(organisation_y, title="Course of Y")

    response = api_client.get(f"{COURSES}?provider={organisation_x.pk}")

    assert titles(response) == ["Course of X"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("language=xx", "language"),
        ("target=GBF-T99", "target"),
        ("thematic_area=nowhere", "thematic_area"),
        ("course_format=webinar", "course_format"),
        ("status=draft", "status"),
        ("provider=999999", "provider"),
        ("languages=fr", "languages"),  # misspelt: unknown parameter
    ],
)
def test_unknown_codes_and_parameters_are_400(api_client, query, field):
    make_course()

    response = api_client.get(f"{COURSES}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_the_detail_gives_the_outline_without_the_lessons_content(api_client, organisation_x):
    course = build_course(
        organisation_x, syllabus="<p>Goals</p><script>alert(1)</script>", modules=2
    )

    response = api_client.get(f"{COURSES}{course.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == [*COURSE_RECORD_KEYS, "syllabus", "modules", "translations"]
    assert body["syllabus"] == "<p>Goals</p>"
    assert [module["title"] for module in body["modules"]] == ["Module 1", "Module 2"]
    lessons = body["modules"][1]["lessons"]
    assert [lesson["title"] for lesson in lessons] == [
        "Lesson 2.1",
        "Lesson 2.2",
        "Check your knowledge",
    ]
    assert lessons[-1] == {
        "id": lessons[-1]["id"],
        "title": "Check your knowledge",
        "kind": "quiz",
        "minutes": 10,
        "required": True,
    }
    assert "Text of the lesson" not in response.content.decode()
    assert body["translations"]["en"]["syllabus"] == "<p>Goals</p>"


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.IN_REVIEW])
def test_unpublished_courses_are_404(api_client, organisation_x, member_x, status):
    course = build_course(organisation_x, status=status, published_at=None)

    assert api_client.get(f"{COURSES}{course.pk}/").status_code == 404
    api_client.force_authenticate(member_x)
    assert api_client.get(f"{COURSES}{course.pk}/").status_code == 404


def test_the_api_is_read_only(api_client, member_x, organisation_x):
    course = build_course(organisation_x)
    api_client.force_authenticate(member_x)

    assert api_client.post(COURSES, {"title": "New"}, format="json").status_code == 405
    assert api_client.patch(
        f"{COURSES}{course.pk}/", {"title": "X"}, format="json"
    ).status_code in (405,)
    course.refresh_from_db()
    assert course.title != "X"


def test_the_list_is_paginated(api_client):
    for _number in range(5):
        make_course()

    response = api_client.get(f"{COURSES}?page_size=2&page=2")

    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_list_queries_do_not_grow_with_the_number_of_courses(api_client):
    def build(number: int) -> None:
        for _index in range(number):
            make_course(
                OrganisationFactory(), languages=["fr", "es"], targets=["GBF-T1"], areas=["forests"]
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(f"{COURSES}?page_size=50&language=fr").status_code == 200
        return len(queries)

    build(5)
    with_five = count()
    build(20)
    with_twenty_five = count()

    assert with_five == with_twenty_five
    # The filter's codes; the count and the page; languages, targets, thematic areas.
    assert with_twenty_five <= 6


def test_detail_queries_do_not_grow_with_the_outline(api_client):
    small = build_course(modules=1, lessons_per_module=1)
    large = build_course(modules=5, lessons_per_module=6)

    def count(course) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(f"{COURSES}{course.pk}/").status_code == 200
        return len(queries)

    assert count(small) == count(large) <= 6


# The catalogue's routes alone, so that the schema test below speaks of them only (the whole API's
# schema is checked by partners/tests/test_api_records.py).
_router = SimpleRouter()
for _prefix, _viewset, _basename in ROUTES:
    _router.register(_prefix, _viewset, basename=_basename)
urlpatterns = [path("api/v1/", include(_router.urls))]


def test_the_schema_of_the_catalogue_builds_without_warnings():
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--urlconf",
        __name__,
        "--file",
        "/dev/null",
    )
