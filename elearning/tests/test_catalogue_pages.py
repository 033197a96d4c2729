"""The course catalogue's pages: the e-learning landing page, the catalogue (search, facets,
filters, constant queries) and a course's page (anonymous visitors, drafts, enrolment area,
outline, JSON-LD, constant queries).

People: an anonymous visitor, Lea (a learner), Xavier (member of organisation X, the provider),
Yara (member of organisation Y, another tenant) and Rui (content reviewer).
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from chm_portal.vocabularies.models import GBFTarget, Language, ThematicArea
from elearning.models import CourseStatus, Enrolment, EnrolmentMode, EnrolmentStatus
from tests.factories import CourseFactory, EnrolmentFactory, OrganisationFactory, build_course

pytestmark = pytest.mark.django_db

LIST = "/en/learning/courses/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


def make_course(provider=None, *, languages=(), targets=(), areas=(), **fields):
    """A course (published unless said otherwise) with the given vocabulary codes."""
    course = CourseFactory(**({"provider": provider} if provider else {}), **fields)
    course.languages.set(Language.objects.filter(code__in=languages))
    course.targets.set(GBFTarget.objects.filter(code__in=targets))
    course.thematic_areas.set(ThematicArea.objects.filter(code__in=areas))
    return course


def detail_url(course) -> str:
    return reverse("elearning:course_detail", args=[course.pk])


def optional_url(name: str, *args) -> str | None:
    """The address of a page another part of e-learning provides, if it exists yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def titles(response) -> list[str]:
    return [record.title for record in response.context["records"]]


def facet(response, name: str) -> dict[str, int]:
    """``{code: count}`` of one facet of the list."""
    for group in response.context["facet_groups"]:
        if group["name"] == name:
            return {value["code"]: value["count"] for value in group["values"]}
    return {}


# --- The landing page -----------------------------------------------------------------------------
def test_landing_page_links_the_catalogue_and_shows_the_newest_published_courses(client):
    make_course(title="Mangrove restoration basics")
    make_course(title="Draft course on corals", status=CourseStatus.DRAFT, published_at=None)
    make_course(title="Old archived course", status=CourseStatus.ARCHIVED)

    response = client.get(reverse("elearning:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'href="{reverse("elearning:courses_list")}"' in html
    assert "Mangrove restoration basics" in html
    assert "Draft course on corals" not in html
    assert "Old archived course" not in html  # the newest courses are the ones taking learners


def test_landing_page_links_my_learning_only_for_signed_in_people(client, learner):
    dashboard = optional_url("elearning:dashboard")

    anonymous = client.get(reverse("elearning:index")).content.decode()
    client.force_login(learner)
    signed_in = client.get(reverse("elearning:index")).content.decode()

    assert "My learning" not in anonymous
    if dashboard:
        assert f'href="{dashboard}"' in signed_in


# --- The catalogue --------------------------------------------------------------------------------
def test_catalogue_lists_published_and_archived_courses_only(client, organisation_x):
    make_course(organisation_x, title="Published course")
    make_course(organisation_x, title="Archived course", status=CourseStatus.ARCHIVED)
    make_course(organisation_x, title="Draft course", status=CourseStatus.DRAFT)
    make_course(organisation_x, title="Course in review", status=CourseStatus.IN_REVIEW)

    response = client.get(LIST)

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Archived course", "Published course"]
    html = response.content.decode()
    assert "Draft course" not in html
    assert html.count("<h1") == 1
    assert 'href="/en/learning/courses/export.csv"' in html
    assert 'href="/en/learning/courses/feed/"' in html


def test_catalogue_shows_facets_with_counts(client, organisation_x, organisation_y):
    make_course(organisation_x, languages=["fr", "en"], targets=["GBF-T3"], areas=["forests"])
    make_course(
        organisation_x, languages=["fr"], format="mooc", starts_on=TODAY, ends_on=NEXT_MONTH
    )
    make_course(
        organisation_y,
        languages=["es"],
        targets=["GBF-T3", "GBF-T6"],
        level="advanced",
        enrolment_closes_on=YESTERDAY,
    )

    response = client.get(LIST)

    assert facet(response, "language") == {"fr": 2, "en": 1, "es": 1}
    assert facet(response, "target") == {"GBF-T3": 2, "GBF-T6": 1}
    assert facet(response, "thematic_area") == {"forests": 1}
    assert facet(response, "course_format") == {"self_paced": 2, "mooc": 1}
    assert facet(response, "level") == {"introductory": 2, "advanced": 1}
    assert facet(response, "provider") == {str(organisation_x.pk): 2, str(organisation_y.pk): 1}
    assert facet(response, "open") == {"true": 2, "false": 1}
    html = response.content.decode()
    assert 'name="language" value="fr"' in html
    assert 'Mangrove Alliance <span class="muted">(2)</span>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=fr", ["French MOOC", "French self-paced"]),
        ("language=fr&language=es", ["French MOOC", "French self-paced", "Spanish advanced"]),
        ("target=GBF-T6", ["Spanish advanced"]),
        ("thematic_area=forests", ["French self-paced"]),
        ("course_format=mooc", ["French MOOC"]),
        ("level=advanced", ["Spanish advanced"]),
        ("open=true", ["French MOOC", "French self-paced"]),
        ("open=false", ["Archived course", "Spanish advanced"]),
        ("status=archived", ["Archived course"]),
        ("certificate=false", ["French MOOC"]),
        ("language=fr&course_format=self_paced", ["French self-paced"]),
    ],
)
def test_catalogue_filters(client, organisation_x, query, expected):
    make_course(organisation_x, title="French self-paced", languages=["fr"], areas=["forests"])
    make_course(
        organisation_x,
        title="French MOOC",
        languages=["fr"],
        format="mooc",
        starts_on=TODAY,
        ends_on=NEXT_MONTH,
        certificate_offered=False,
    )
    make_course(
        organisation_x,
        title="Spanish advanced",
        languages=["es"],
        targets=["GBF-T6"],
        level="advanced",
        enrolment_closes_on=YESTERDAY,
    )
    make_course(organisation_x, title="Archived course", status=CourseStatus.ARCHIVED)

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert sorted(titles(response)) == expected


def test_catalogue_filters_by_provider_and_shows_a_chip_to_remove_it(
    client, organisation_x, organisation_y
):
    make_course(organisation_x, title="Course of X")
    make_course(organisation_y, title="Course of Y")

    response = client.get(f"{LIST}?provider={organisation_y.pk}")

    assert titles(response) == ["Course of Y"]
    html = response.content.decode()
    assert "Provider: Savanna Research Institute" in html
    assert re.search(
        rf'name="provider" value="{organisation_y.pk}" id="facet-provider-\d" checked', html
    )
    assert re.search(rf'name="provider" value="{organisation_x.pk}" id="facet-provider-\d">', html)


def test_invitation_only_courses_are_not_open_for_enrolment(client):
    make_course(title="Cohort course", enrolment_mode=EnrolmentMode.INVITATION)

    assert titles(client.get(f"{LIST}?open=true")) == []
    assert titles(client.get(f"{LIST}?open=false")) == ["Cohort course"]


@pytest.mark.parametrize(
    "query",
    ["language=xx", "target=GBF-T99", "course_format=webinar", "provider=999999", "provider=x"],
)
def test_unknown_codes_are_refused_with_a_message(client, query):
    make_course(title="Some course")

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be applied" in html
    assert "Some course" not in html


def test_search_looks_in_title_summary_syllabus_and_translations(client):
    make_course(title="Mangrove restoration", summary="Coastal work.")
    make_course(title="Seagrass", summary="Meadows of the mangrove coast.")
    make_course(title="Corals", summary="Reefs.", syllabus="<p>Week 1: mangrove nurseries</p>")
    make_course(title="Forests", summary="Trees.", title_fr="Forêts tropicales humides")
    make_course(title="Savanna", summary="Grasslands.")
    make_course(title="Draft mangrove", status=CourseStatus.DRAFT)

    response = client.get(f"{LIST}?q=mangrove")

    assert sorted(titles(response)) == ["Corals", "Mangrove restoration", "Seagrass"]
    # The title comes first (weight A), then the summary and the syllabus.
    assert titles(response)[0] == "Mangrove restoration"
    assert titles(client.get(f"{LIST}?q=tropicales")) == ["Forests"]


def test_catalogue_queries_do_not_grow_with_the_number_of_courses(client, learner):
    def build(number: int) -> None:
        for index in range(number):
            provider = OrganisationFactory()
            course = make_course(
                provider,
                languages=["fr", "en"],
                targets=["GBF-T3", "GBF-T6"],
                areas=["forests"],
                format="mooc" if index % 2 else "self_paced",
                starts_on=TODAY,
                ends_on=NEXT_MONTH,
            )
            EnrolmentFactory(course=course)

    client.force_login(learner)
    url = f"{LIST}?language=fr&open=true"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    build(5)
    with_five = count()
    build(20)
    with_twenty_five = count()

    assert with_five == with_twenty_five
    # Session and user; the count and the page; three prefetches (languages, targets, thematic
    # areas); two queries per vocabulary facet (three), one for format, level, provider and
    # "open for enrolment" each.
    assert with_twenty_five <= 20


# --- A course's page ------------------------------------------------------------------------------
def test_anonymous_visitors_read_a_published_course(client, organisation_x):
    course = build_course(
        organisation_x,
        title="Mangrove restoration basics",
        summary="How to restore mangroves.",
        syllabus='<p>Objectives</p><script>alert("x")</script><ul><li>Planting</li></ul>',
        estimated_hours=12,
    )
    course.languages.set(Language.objects.filter(code__in=["fr"]))
    course.targets.set(GBFTarget.objects.filter(code="GBF-T3"))

    response = client.get(detail_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Mangrove restoration basics" in html
    assert "How to restore mangroves." in html
    assert "<li>Planting</li>" in html
    assert "alert(" not in html
    assert "12 hours" in html
    assert "GBF-T3" in html
    assert f'href="{reverse("partners:organisation_detail", args=[organisation_x.pk])}"' in html
    # The outline: modules and lesson titles, the quiz marked, never the lessons' text.
    assert "Module 1" in html and "Lesson 2.2" in html
    assert "Check your knowledge" in html and '<span class="badge">Quiz</span>' in html
    assert "Text of the lesson." not in html
    # Enrolment needs an account.
    login = reverse("account_login")
    assert f'href="{login}?next=%2Fen%2Flearning%2Fcourses%2F{course.pk}%2F"' in html
    assert "Sign in to enrol" in html
    assert response.context["enrolment_state"] == "sign_in"


def test_a_course_page_describes_the_course_in_json_ld(client, organisation_x):
    course = make_course(
        organisation_x,
        title="Seagrass MOOC",
        format="mooc",
        starts_on=TODAY,
        ends_on=NEXT_MONTH,
        languages=["en", "fr"],
        targets=["GBF-T3"],
        estimated_hours=6,
    )

    html = client.get(detail_url(course)).content.decode()

    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "Course"
    assert data["name"] == "Seagrass MOOC"
    assert data["provider"]["name"] == "Mangrove Alliance"
    assert sorted(data["inLanguage"]) == ["en", "fr"]
    assert data["about"][0]["termCode"] == "GBF-T3"
    assert data["hasCourseInstance"]["courseWorkload"] == "PT6H"
    assert data["hasCourseInstance"]["startDate"] == TODAY.isoformat()
    assert data["url"] == f"http://testserver/en/learning/courses/{course.pk}/"


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.IN_REVIEW])
def test_unpublished_courses_are_hidden_from_outsiders(
    client, organisation_x, learner, member_y, status
):
    course = build_course(organisation_x, status=status, published_at=None)

    assert client.get(detail_url(course)).status_code == 404
    client.force_login(learner)
    assert client.get(detail_url(course)).status_code == 404
    client.force_login(member_y)
    assert client.get(detail_url(course)).status_code == 404


@pytest.mark.parametrize("person", ["member_x", "reviewer_user", "helpdesk_user"])
def test_unpublished_courses_are_visible_to_the_provider_reviewers_and_staff(
    client, organisation_x, person, request
):
    course = build_course(organisation_x, status=CourseStatus.DRAFT, published_at=None)
    client.force_login(request.getfixturevalue(person))

    response = client.get(detail_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "nobody can enrol" in html
    assert response.context["enrolment_state"] == "not_published"


def test_the_course_team_gets_a_link_to_manage_the_course(client, organisation_x, member_x):
    course = build_course(organisation_x)
    authoring = optional_url("elearning:authoring_course", course.pk)

    anonymous = client.get(detail_url(course))
    client.force_login(member_x)
    team = client.get(detail_url(course))

    assert anonymous.context["can_view_results"] is False
    assert team.context["can_view_results"] is True
    if authoring:
        assert f'href="{authoring}"' in team.content.decode()
        assert f'href="{authoring}"' not in anonymous.content.decode()


def test_a_signed_in_person_may_enrol_in_an_open_course(client, learner):
    course = build_course(enrolment_closes_on=NEXT_MONTH)
    enrol = optional_url("elearning:enrol", course.pk)
    client.force_login(learner)

    response = client.get(detail_url(course))

    assert response.context["enrolment_state"] == "enrol"
    html = response.content.decode()
    assert "Sign in to enrol" not in html
    assert "Enrolment closes on" in html
    if enrol:
        assert f'<form method="post" action="{enrol}"' in html
        assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(
    ("status", "label"),
    [(EnrolmentStatus.ACTIVE, "Continue the course"), (EnrolmentStatus.COMPLETED, "Go back")],
)
def test_an_enrolled_learner_is_invited_to_continue(client, learner, status, label):
    course = build_course()
    EnrolmentFactory(
        course=course,
        user=learner,
        status=status,
        completed_at=timezone.now() if status == EnrolmentStatus.COMPLETED else None,
    )
    learn = optional_url("elearning:course_learn", course.pk)
    enrol = optional_url("elearning:enrol", course.pk)
    client.force_login(learner)

    response = client.get(detail_url(course))

    assert response.context["enrolment_state"] == "enrolled"
    assert isinstance(response.context["enrolment"], Enrolment)
    html = response.content.decode()
    assert "You are enrolled in this course." in html
    if learn:
        assert f'href="{learn}"' in html and label in html
    if enrol:
        assert f'action="{enrol}"' not in html


def test_an_invited_learner_is_told_so(client, learner):
    course = build_course(enrolment_mode=EnrolmentMode.INVITATION)
    EnrolmentFactory(course=course, user=learner, status=EnrolmentStatus.INVITED)
    client.force_login(learner)

    response = client.get(detail_url(course))

    assert response.context["enrolment_state"] == "enrolled"
    html = response.content.decode()
    assert "You are invited to take this course." in html
    assert "by invitation only" not in html


def test_a_learner_who_withdrew_may_enrol_again(client, learner):
    course = build_course()
    EnrolmentFactory(
        course=course, user=learner, status=EnrolmentStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    client.force_login(learner)

    response = client.get(detail_url(course))

    assert response.context["enrolment_state"] == "enrol"
    assert "You withdrew from this course" in response.content.decode()


def test_an_archived_course_is_shown_but_takes_no_enrolment(client, learner):
    course = build_course(status=CourseStatus.ARCHIVED)
    enrol = optional_url("elearning:enrol", course.pk)

    anonymous = client.get(detail_url(course))
    client.force_login(learner)
    signed_in = client.get(detail_url(course))

    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert response.context["enrolment_state"] == "archived"
        html = response.content.decode()
        assert "This course is archived" in html
        assert "Sign in to enrol" not in html
        if enrol:
            assert f'action="{enrol}"' not in html


def test_an_invitation_only_course_explains_how_to_join(client, learner):
    course = build_course(enrolment_mode=EnrolmentMode.INVITATION)

    anonymous = client.get(detail_url(course))
    client.force_login(learner)
    signed_in = client.get(detail_url(course))

    for response in (anonymous, signed_in):
        assert response.context["enrolment_state"] == "invitation_only"
        assert "by invitation only" in response.content.decode()


def test_a_closed_course_says_when_enrolment_closed(client, learner):
    closed = build_course(enrolment_closes_on=YESTERDAY)
    ended = build_course(
        format="self_paced", starts_on=TODAY - datetime.timedelta(days=60), ends_on=YESTERDAY
    )
    client.force_login(learner)

    closed_page = client.get(detail_url(closed))
    ended_page = client.get(detail_url(ended))

    assert closed_page.context["enrolment_state"] == "closed"
    assert "Enrolment closed on" in closed_page.content.decode()
    assert ended_page.context["enrolment_state"] == "closed"
    assert "This course ended on" in ended_page.content.decode()
    assert client.get(detail_url(closed)).status_code == 200


def test_a_course_page_says_when_the_summary_is_not_translated(client):
    course = make_course(title="Mangroves", summary="Only in English.")

    html = client.get(f"/fr/learning/courses/{course.pk}/").content.decode()

    assert "translation-notice" in html
    assert "Only in English." in html


def test_unknown_course_is_404(client):
    assert client.get("/en/learning/courses/999999/").status_code == 404


def test_course_page_queries_do_not_grow_with_its_outline(client, learner):
    small = build_course(modules=1, lessons_per_module=1)
    large = build_course(modules=6, lessons_per_module=8)
    for course in (small, large):
        course.languages.set(Language.objects.filter(code__in=["en", "fr", "es"]))
        course.targets.set(GBFTarget.objects.filter(code__in=["GBF-T1", "GBF-T2"]))
    client.force_login(learner)

    def count(course) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(course)).status_code == 200
        return len(queries)

    client.get(detail_url(small))  # warm the session
    assert count(small) == count(large)
    # Session and user; the course with provider; languages, targets, thematic areas, modules,
    # lessons; the reader's enrolment; their memberships (course team?).
    assert count(large) <= 12
