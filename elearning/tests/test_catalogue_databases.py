"""The catalogue as a registered database: CSV and JSON exports, the Atom feed, the portal-wide
search, saved searches' filters, and the link from an organisation's page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from chm_portal.core.databases import get_database
from chm_portal.core.portal_search import search_all
from chm_portal.vocabularies.models import GBFTarget, Language
from elearning.databases import COURSE_RECORD_KEYS, COURSES, organisation_courses_link
from elearning.models import CourseStatus
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

BASE = "/en/learning/courses/"


def make_course(provider=None, *, languages=(), targets=(), **fields):
    course = CourseFactory(**({"provider": provider} if provider else {}), **fields)
    course.languages.set(Language.objects.filter(code__in=languages))
    course.targets.set(GBFTarget.objects.filter(code__in=targets))
    return course


def content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_catalogue_is_registered():
    assert get_database("courses") is COURSES
    assert COURSES.list_url() == BASE


def test_csv_export_lists_public_courses_with_codes(client, organisation_x):
    make_course(organisation_x, title="Mangroves", languages=["fr", "en"], targets=["GBF-T3"])
    make_course(organisation_x, title="Archived", status=CourseStatus.ARCHIVED)
    make_course(organisation_x, title='=HYPERLINK("x")')
    make_course(organisation_x, title="Secret draft", status=CourseStatus.DRAFT)

    response = client.get(f"{BASE}export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(content(response))))
    assert list(rows[0]) == list(COURSE_RECORD_KEYS)
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {"Mangroves", "Archived", '\'=HYPERLINK("x")'}
    assert sorted(by_title["Mangroves"]["languages"].split(";")) == ["en", "fr"]
    assert by_title["Mangroves"]["targets"] == "GBF-T3"
    assert by_title["Mangroves"]["provider"] == "Mangrove Alliance"
    assert by_title["Archived"]["open_for_enrolment"] == "false"


def test_json_export_honours_the_filters(client):
    make_course(title="French course", languages=["fr"])
    make_course(title="Spanish course", languages=["es"])

    response = client.get(f"{BASE}export.json?language=fr")

    records = json.loads(content(response))
    assert [record["title"] for record in records] == ["French course"]
    assert list(records[0]) == list(COURSE_RECORD_KEYS)
    assert records[0]["languages"] == ["fr"]


def test_exports_refuse_unknown_codes(client):
    response = client.get(f"{BASE}export.csv?language=xx")

    assert response.status_code == 400
    assert "language" in response.json()["errors"]


def test_feed_lists_the_newest_public_courses_with_the_filters(client):
    now = timezone.now()
    make_course(
        title="Older course", languages=["fr"], published_at=now - timezone.timedelta(days=9)
    )
    make_course(title="Newer course", languages=["fr"], published_at=now)
    make_course(title="Spanish course", languages=["es"])
    make_course(title="Draft course", languages=["fr"], status=CourseStatus.DRAFT)

    response = client.get(f"{BASE}feed/?language=fr")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.index("Newer course") < xml.index("Older course")
    assert "Spanish course" not in xml and "Draft course" not in xml
    assert "http://testserver/en/learning/courses/?language=fr" in xml
    assert client.get(f"{BASE}feed/?language=xx").status_code == 400


def test_the_portal_search_finds_courses(rf):
    course = make_course(title="Mangrove restoration", summary="Coastal wetlands.")
    make_course(title="Mangrove draft", status=CourseStatus.DRAFT)

    groups = {group.database.key: group for group in search_all("mangrove", request=rf.get("/"))}

    courses = groups["courses"]
    assert courses.count == 1
    assert courses.hits[0].title == "Mangrove restoration"
    assert courses.hits[0].url == f"/en/learning/courses/{course.pk}/"
    assert courses.hits[0].summary == "Coastal wetlands."


def test_organisation_pages_may_link_to_the_organisations_courses(organisation_x, organisation_y):
    make_course(organisation_x)
    make_course(organisation_y, status=CourseStatus.DRAFT)

    assert organisation_courses_link(organisation_x, None) == (
        "Courses",
        f"{BASE}?provider={organisation_x.pk}",
    )
    assert organisation_courses_link(organisation_y, None) is None
