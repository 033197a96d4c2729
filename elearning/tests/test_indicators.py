"""Monitoring counts of e-learning (activities 3, 8, 10 and 13).

Each test builds a small set of rows whose expected counts are worked out by hand in the comments,
including rows that must NOT count (drafts, invitations not taken up, revoked certificates,
reviews still open...), and every function is pinned to one query.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.models import Country
from elearning.models import (
    Alumnus,
    Certificate,
    CourseFormat,
    CourseStatus,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    SurveyResponse,
)
from elearning.selectors import indicators
from tests.factories import (
    CommunityFactory,
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

YEAR_2024 = {"since": datetime.date(2024, 1, 1), "until": datetime.date(2024, 12, 31)}
YEAR_2025 = {"since": datetime.date(2025, 1, 1), "until": datetime.date(2025, 12, 31)}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def course_with_modules(provider, modules: int, **fields):
    course = CourseFactory(provider=provider, **fields)
    for position in range(modules):
        Module.objects.create(course=course, title=f"Module {position + 1}", position=position)
    return course


@pytest.fixture
def courses():
    """Five courses, nine modules:

    ==========  =========  ==========  =====================  =======
    course      status     format      published / archived   modules
    ==========  =========  ==========  =====================  =======
    basics      published  self-paced  2024-03-01             2
    mooc        published  MOOC        2025-02-01             3
    draft       draft      self-paced  -                      1
    archived    archived   self-paced  2023-05-01 / 2024-06-30  2
    in_review   in review  self-paced  -                      1
    ==========  =========  ==========  =====================  =======
    """
    provider = OrganisationFactory()
    return {
        "basics": course_with_modules(provider, 2, title="Basics", published_at=at(2024, 3, 1)),
        "mooc": course_with_modules(
            provider,
            3,
            title="MOOC",
            format=CourseFormat.MOOC,
            starts_on=datetime.date(2025, 2, 1),
            ends_on=datetime.date(2025, 4, 1),
            published_at=at(2025, 2, 1),
        ),
        "draft": course_with_modules(
            provider, 1, title="Draft", status=CourseStatus.DRAFT, published_at=None
        ),
        "archived": course_with_modules(
            provider,
            2,
            title="Archived",
            status=CourseStatus.ARCHIVED,
            published_at=at(2023, 5, 1),
            archived_at=at(2024, 6, 30),
        ),
        "in_review": course_with_modules(
            provider, 1, title="In review", status=CourseStatus.IN_REVIEW, published_at=None
        ),
    }


# --- Courses and modules hosted -----------------------------------------------------------------
def test_courses_and_modules_hosted(courses):
    # Now: basics and mooc (the draft, the archived one and the one in review are not online).
    assert indicators.courses_hosted() == 2
    assert indicators.modules_hosted() == 2 + 3
    # In 2024: basics (published in March) and the archived course (online until June).
    assert indicators.courses_hosted(**YEAR_2024) == 2
    assert indicators.modules_hosted(**YEAR_2024) == 2 + 2
    # At the end of 2024 only: basics.
    assert indicators.courses_hosted(until=datetime.date(2024, 12, 31)) == 1
    # At the end of 2023: the archived course only.
    assert indicators.courses_hosted(until=at(2024, 1, 1, 0)) == 1
    # In 2025: basics and mooc.
    assert indicators.courses_hosted(**YEAR_2025) == 2
    assert indicators.modules_hosted(**YEAR_2025) == 5


def test_new_online_courses_and_moocs(courses):
    # First published ever: basics, mooc and the archived course.
    assert indicators.new_online_courses() == 3
    assert indicators.new_online_courses(**YEAR_2024) == 1
    assert indicators.new_online_courses(**YEAR_2025) == 1
    assert indicators.new_online_courses(format=CourseFormat.MOOC) == 1
    assert indicators.new_online_courses(format=CourseFormat.MOOC, **YEAR_2024) == 0
    assert indicators.new_online_courses_by_format() == [("self_paced", 2), ("mooc", 1)]
    assert indicators.new_online_courses_by_format(**YEAR_2025) == [("mooc", 1)]


# --- Participants, people, completions ----------------------------------------------------------
@pytest.fixture
def enrolments(courses):
    """Eight enrolments of four learners (Kenya: Africa; Nepal: Asia, LDC and LLDC; Fiji:
    Oceania, SIDS):

    ==  =======  ========  =========  ==========  ===========  =====================
    #   learner  country   course     status      enrolled     completed / progress
    ==  =======  ========  =========  ==========  ===========  =====================
    e1  u1       KE        basics     active      2024-04-01   progress 2025-03-01
    e2  u1       KE        mooc       completed   2025-02-10   2025-03-15, certificate
    e3  u2       NP        basics     completed   2024-05-01   2024-06-01, revoked
    e4  u3       FJ        mooc       withdrawn   2025-02-20
    e5  u4       -         mooc       invited     2025-03-01   (does not count)
    e6  u2       NP        mooc       active      2025-12-31 23:30
    e7  u3       FJ        archived   completed   2023-06-01   2023-07-01, no certificate
    e8  u4       KE        basics     active      2024-08-01
    ==  =======  ========  =========  ==========  ===========  =====================
    """
    u1, u2, u3, u4 = (UserFactory() for _ in range(4))
    kenya, nepal, fiji = country("KE"), country("NP"), country("FJ")
    basics, mooc, archived = courses["basics"], courses["mooc"], courses["archived"]
    S = EnrolmentStatus

    def enrol(user, course, place, status, enrolled, completed=None):
        return EnrolmentFactory(
            user=user,
            course=course,
            country=place,
            status=status,
            enrolled_at=enrolled,
            completed_at=completed,
        )

    rows = {
        "e1": enrol(u1, basics, kenya, S.ACTIVE, at(2024, 4, 1)),
        "e2": enrol(u1, mooc, kenya, S.COMPLETED, at(2025, 2, 10), at(2025, 3, 15)),
        "e3": enrol(u2, basics, nepal, S.COMPLETED, at(2024, 5, 1), at(2024, 6, 1)),
        "e4": enrol(u3, mooc, fiji, S.WITHDRAWN, at(2025, 2, 20)),
        "e5": enrol(u4, mooc, None, S.INVITED, at(2025, 3, 1)),
        "e6": enrol(u2, mooc, nepal, S.ACTIVE, at(2025, 12, 31, 23, 30)),
        "e7": enrol(u3, archived, fiji, S.COMPLETED, at(2023, 6, 1), at(2023, 7, 1)),
        "e8": enrol(u4, basics, kenya, S.ACTIVE, at(2024, 8, 1)),
    }
    module = basics.modules.first()
    lesson = Lesson.objects.create(course=basics, module=module, title="Lesson 1")
    LessonProgress.objects.create(enrolment=rows["e1"], lesson=lesson, last_seen_at=at(2025, 3, 1))
    for key, revoked in (("e2", None), ("e3", at(2024, 7, 1))):
        Certificate.objects.create(
            enrolment=rows[key],
            code=f"CODE-{key}",
            learner_name="Learner",
            course_title="Course",
            provider_name="Provider",
            revoked_at=revoked,
        )
    return rows


def test_participants_count_enrolments_taken_up_and_distinct_learners(enrolments):
    # Every enrolment but the invitation e5; learners u1, u2, u3, u4.
    assert indicators.participants() == {"enrolments": 7, "learners": 4}
    # 2024: e1 (u1), e3 (u2), e8 (u4).
    assert indicators.participants(**YEAR_2024) == {"enrolments": 3, "learners": 3}
    # 2025: e2 (u1), e4 (u3), e6 (u2, in the last half hour of the year); not e5.
    assert indicators.participants(**YEAR_2025) == {"enrolments": 3, "learners": 3}


def test_people_using_the_platform(enrolments):
    # u1, u2, u3, u4 (u4 through e8; e5 alone would not count).
    assert indicators.people_using_platform() == 4
    # 2025: u1 (e2, and progress on e1), u3 (e4), u2 (e6); u4 was only invited in 2025.
    assert indicators.people_using_platform(**YEAR_2025) == 3
    # 25 February - 5 March 2025: only u1's lesson progress on e1 (1 March).
    assert (
        indicators.people_using_platform(
            since=datetime.date(2025, 2, 25), until=datetime.date(2025, 3, 5)
        )
        == 1
    )
    # A quiet week: nobody.
    assert indicators.people_using_platform(since=at(2025, 6, 1), until=at(2025, 6, 8)) == 0


def test_completions_and_certificates(enrolments):
    # e2, e3, e7 by u1, u2, u3; only e2's certificate is valid (e3's was revoked, e7 has none).
    assert indicators.completions() == {"completions": 3, "learners": 3, "certificates": 1}
    assert indicators.completions(**YEAR_2024) == {
        "completions": 1,
        "learners": 1,
        "certificates": 0,
    }
    assert indicators.completions(**YEAR_2025) == {
        "completions": 1,
        "learners": 1,
        "certificates": 1,
    }


def test_participants_by_region_country_and_country_group(enrolments):
    # Africa (002): u1, u4 (Kenya); Oceania (009): u3 (Fiji); Asia (142): u2 (Nepal).
    assert indicators.participants_by_region() == [("002", 2), ("009", 1), ("142", 1)]
    assert indicators.participants_by_country() == [("KE", 2), ("FJ", 1), ("NP", 1)]
    # 2024: u1 and u4 in Africa, u2 in Asia.
    assert indicators.participants_by_region(**YEAR_2024) == [("002", 2), ("142", 1)]
    # Nepal is an LDC and an LLDC, Fiji a SIDS.
    assert indicators.participants_by_country_group() == [
        ("LDC", 1),
        ("SIDS", 1),
        ("LLDC", 1),
        ("EIT", 0),
    ]


def test_a_learner_without_a_known_country_counts_under_none(courses):
    EnrolmentFactory(course=courses["basics"], country=None, enrolled_at=at(2024, 2, 1))
    assert indicators.participants_by_region() == [(None, 1)]


# --- Alumni and communities ---------------------------------------------------------------------
def test_active_alumni_and_communities():
    now = at(2025, 6, 1)
    for number, last_active in enumerate(
        [
            at(2025, 5, 1),  # active
            now - datetime.timedelta(days=365),  # active: exactly a year ago
            at(2024, 5, 1),  # not any more
            None,  # never came back
            at(2025, 7, 1),  # after ``now``: not counted at that date
        ]
    ):
        Alumnus.objects.create(
            full_name=f"Alumnus {number}",
            email=f"alumnus{number}@example.org",
            last_active_at=last_active,
        )
    for last_post in (
        at(2025, 5, 20),  # active
        now - datetime.timedelta(days=90),  # active: exactly 90 days ago
        at(2025, 2, 1),  # quiet for four months
        None,  # nothing posted yet
    ):
        CommunityFactory(last_post_at=last_post)
    assert indicators.active_alumni(now=now) == 2
    assert indicators.active_communities(now=now) == 2


# --- Quality reviews ----------------------------------------------------------------------------
def test_items_quality_reviewed_and_improved(courses):
    resource = ResourceFactory()
    course_type = ContentType.objects.get_for_model(courses["basics"])
    resource_type = ContentType.objects.get_for_model(resource)
    R = QualityReview.Status

    def review(item, kind, status, completed=None, **fields):
        return QualityReview.objects.create(
            content_type=kind,
            object_id=item.pk,
            item_title=str(item),
            status=status,
            completed_at=completed,
            **fields,
        )

    # Basics: improvements requested, made, then approved (improved_at on the first review).
    first = review(
        courses["basics"],
        course_type,
        R.CHANGES_REQUESTED,
        at(2024, 2, 1),
        improvements_requested="State the learning objectives.",
        improvements_made="Objectives added to each module.",
        improved_at=at(2024, 2, 20),
    )
    review(courses["basics"], course_type, R.APPROVED, at(2024, 2, 20), previous=first)
    review(courses["mooc"], course_type, R.APPROVED, at(2025, 1, 25))
    review(resource, resource_type, R.REJECTED, at(2025, 5, 1))
    # Still open: not reviewed yet.
    review(courses["in_review"], course_type, R.IN_PROGRESS)

    # Basics (twice, counted once), mooc, the resource.
    assert indicators.items_quality_reviewed() == 3
    assert indicators.items_quality_reviewed(kind="course") == 2
    assert indicators.items_quality_reviewed(kind="resource") == 1
    assert indicators.items_quality_reviewed(**YEAR_2024) == 1
    assert indicators.items_quality_reviewed(**YEAR_2025) == 2
    assert indicators.items_reviewed_and_improved() == 1
    assert indicators.items_reviewed_and_improved(**YEAR_2024) == 1
    assert indicators.items_reviewed_and_improved(**YEAR_2025) == 0
    assert indicators.items_reviewed_and_improved(kind="resource") == 0


# --- Surveys ------------------------------------------------------------------------------------
def test_participants_rating_quality_and_effectiveness_well(courses):
    course = courses["basics"]
    # (quality, effectiveness, submitted): in 2025, quality 5, 4, 4 are good (3 of 5) and
    # effectiveness 4, 5 (2 of 5); the 2024 answer is outside the period.
    answers = [
        (5, 4, at(2025, 1, 10)),
        (4, 3, at(2025, 2, 10)),
        (4, 2, at(2025, 3, 10)),
        (3, 5, at(2025, 4, 10)),
        (1, 1, at(2025, 5, 10)),
        (5, 5, at(2024, 5, 10)),
    ]
    for quality, effectiveness, submitted in answers:
        enrolment = EnrolmentFactory(
            course=course,
            status=EnrolmentStatus.COMPLETED,
            completed_at=submitted,
        )
        SurveyResponse.objects.create(
            enrolment=enrolment,
            course=course,
            quality=quality,
            effectiveness=effectiveness,
            relevance=SurveyResponse.Relevance.HIGH,
            submitted_at=submitted,
        )
    assert indicators.participants_rating_well(**YEAR_2025) == {
        "responses": 5,
        "quality_good": 3,
        "effectiveness_good": 2,
        "quality_share": 0.6,
        "effectiveness_share": 0.4,
    }
    overall = indicators.participants_rating_well()
    assert (overall["responses"], overall["quality_good"], overall["effectiveness_good"]) == (
        6,
        4,
        3,
    )
    assert indicators.participants_rating_well(since=at(2026, 1, 1)) == {
        "responses": 0,
        "quality_good": 0,
        "effectiveness_good": 0,
        "quality_share": None,
        "effectiveness_share": None,
    }


# --- One query each -----------------------------------------------------------------------------
INDICATORS = [
    (indicators.courses_hosted, YEAR_2024),
    (indicators.modules_hosted, YEAR_2024),
    (indicators.new_online_courses, {"format": CourseFormat.MOOC, **YEAR_2025}),
    (indicators.new_online_courses_by_format, YEAR_2025),
    (indicators.people_using_platform, YEAR_2025),
    (indicators.participants, YEAR_2025),
    (indicators.participants_by_region, YEAR_2025),
    (indicators.participants_by_country, YEAR_2025),
    (indicators.participants_by_country_group, YEAR_2025),
    (indicators.completions, YEAR_2025),
    (indicators.active_alumni, {}),
    (indicators.active_communities, {}),
    (indicators.items_quality_reviewed, {"kind": "course", **YEAR_2025}),
    (indicators.items_reviewed_and_improved, YEAR_2025),
    (indicators.participants_rating_well, YEAR_2025),
]


@pytest.mark.parametrize(
    ("indicator", "kwargs"), INDICATORS, ids=[function.__name__ for function, _ in INDICATORS]
)
def test_every_indicator_is_one_query(indicator, kwargs, enrolments, django_assert_num_queries):
    with django_assert_num_queries(1):
        indicator(**kwargs)


def test_every_public_indicator_is_pinned_to_one_query():
    assert {function.__name__ for function, _ in INDICATORS} == set(indicators.__all__)
