"""The indicators of learning, matchmaking, quality, evaluation and the portal's use
(monitoring/indicators/matching_and_learning.py) on a fixture worked out by hand.

Values are as of the end of ``AS_OF`` (30 June 2026); the fixture holds, for every indicator,
records that count, records that must not (drafts, invitations, declined matches...) and records
dated after ``AS_OF``. Countries: KE (Africa 002), HT (Americas 019; LDC, SIDS), NP (Asia 142;
LDC, LLDC), BR (Americas 019), FJ (Oceania 009; SIDS), US (not a CBD Party).

Requests for assistance (the requesting country of matches and projects):

===  =======  =======  ==========  ==========  ====================================================
req  country  targets  submitted   published   links (9.3)
===  =======  =======  ==========  ==========  ====================================================
nA   KE       T1       2025-03-01  2025-03-10  m1 (completed), project p1
nB   HT       T2       2026-01-10  2026-01-20  m2 (agreed), m3 (withdrawn), projects p2, p4
nC   NP       T1, T2   2026-02-01  2026-02-05  m4 (proposed), m8 (agreed), project p3
nD   BR       T3       2026-03-01  2026-03-05  none: m5 declined, m6 made after AS_OF, resource
                                               suggested at 0.30, opportunity at 0.90
nG   FJ       T3       2026-03-20  2026-04-01  a matchmaking workshop (2026-04-10)
nH   KE       T3       2026-04-20  2026-05-01  a resource suggested at 0.50
nE   KE       —        2026-06-01  2026-07-05  (published after AS_OF) a resource at 0.90
nF   BR       —        2026-04-01  —           (not published)
===  =======  =======  ==========  ==========  ====================================================

Matches (all at noon UTC):

=====  ====  =========  ==========  ==========  ==========
match  req   status     origin      created     agreed
=====  ====  =========  ==========  ==========  ==========
m1     nA    completed  helpdesk    2025-03-15  2025-04-14 (44 days after nA's submission)
m2     nB    agreed     suggestion  2026-01-25  2026-02-19 (40 days)
m3     nB    withdrawn  workshop    2026-02-01  2026-03-01 (nB's second agreement)
m4     nC    proposed   helpdesk    2026-02-10  —
m8     nC    agreed     helpdesk    2026-02-15  2026-03-20 (47 days)
m5     nD    declined   helpdesk    2026-03-10  —
m6     nD    agreed     requester   2026-07-02  2026-07-10 (after AS_OF)
=====  ====  =========  ==========  ==========  ==========

Projects and their evaluations (effectiveness, quality, objectives):

=====  =====  ==========  =========  ==========  =================================================
proj   match  launched    status     completed   evaluations
=====  =====  ==========  =========  ==========  =================================================
p1     m1     2025-05-01  evaluated  2025-12-01  pe1 requester 5, 4, fully (2025-12-10);
                                                 pe2 provider 3, 2, mostly (2025-12-12)
p2     m2     2026-03-01  completed  2026-05-01  pe3 requester 2, 3, partly (2026-05-10)
p3     m8     2026-04-01  completed  2026-06-10  pe4 provider 4, 5, partly (2026-07-05, after)
p4     m3     2026-03-05  cancelled  —           —
p5     m6     2026-07-15  planning   —           (launched after AS_OF)
=====  =====  ==========  =========  ==========  =================================================

Courses (provider's courses), enrolments, surveys: see :func:`_learning`; quality reviews:
:func:`_reviews`; alumni, communities, users, country profiles, evaluations: their builders.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.models import GBFTarget, ThematicArea
from elearning.models import (
    Alumnus,
    CourseFormat,
    CourseStatus,
    EnrolmentStatus,
    Module,
    Post,
    PostStatus,
    SurveyResponse,
    Thread,
)
from matchmaking.models import MatchingWorkshop, RelatedSuggestion
from matchmaking.selectors import indicators as matchmaking_indicators
from monitoring.indicators import matching_and_learning
from monitoring.indicators.base import Unit
from monitoring.models import Evaluation
from monitoring.tests.factories import CountryProfileFactory, EvaluationFactory
from tests.factories import (
    CommunityFactory,
    CountryFactory,
    CourseFactory,
    EnrolmentFactory,
    EventFactory,
    MatchFactory,
    MatchNeedFactory,
    OrganisationFactory,
    ProjectEvaluationFactory,
    ProjectFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
H2_CODES = [
    "3.1",
    "3.2",
    "3.3",
    "5.1",
    "5.2",
    "7.1",
    "8.1",
    "8.2",
    "8.3",
    "9.1",
    "9.2",
    "9.3",
    "10.1",
    "10.2",
    "13.1",
    "13.2",
    "P.1",
    "P.4",
    "P.5",
]
INDICATORS = {indicator.code: indicator for indicator in matching_and_learning.INDICATORS}


def _at(day: str, time: str = "12:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{time}"))


def compute(code: str, as_of: datetime.date = AS_OF):
    return INDICATORS[code].compute(as_of)


def by(result, dimension: str) -> dict:
    return dict(result.breakdowns[dimension])


# --- The fixture --------------------------------------------------------------------------------
def _targets() -> dict:
    return {
        t.code[4:]: t for t in GBFTarget.objects.filter(code__in=["GBF-T1", "GBF-T2", "GBF-T3"])
    }


def _matchmaking(n: int) -> dict:
    targets = _targets()
    country = {code: CountryFactory(code=code) for code in ("KE", "HT", "NP", "BR", "FJ")}

    def need(code, target_codes, submitted, published, status="published"):
        made = MatchNeedFactory(
            country=country[code],
            submitted_at=_at(submitted),
            published_at=_at(published) if published else None,
            status=status,
        )
        made.targets.set([targets[t] for t in target_codes])
        return made

    needs = {
        "nA": need("KE", ["T1"], "2025-03-01", "2025-03-10"),
        "nB": need("HT", ["T2"], "2026-01-10", "2026-01-20"),
        "nC": need("NP", ["T1", "T2"], "2026-02-01", "2026-02-05"),
        "nD": need("BR", ["T3"], "2026-03-01", "2026-03-05"),
        "nG": need("FJ", ["T3"], "2026-03-20", "2026-04-01"),
        "nH": need("KE", ["T3"], "2026-04-20", "2026-05-01"),
        "nE": need("KE", [], "2026-06-01", "2026-07-05"),
        "nF": need("BR", [], "2026-04-01", None, status="in_triage"),
    }

    def match(req, status, origin, created, agreed=None):
        return MatchFactory(
            need=needs[req],
            status=status,
            origin=origin,
            created_at=_at(created),
            agreed_at=_at(agreed) if agreed else None,
        )

    matches = {
        "m1": match("nA", "completed", "helpdesk", "2025-03-15", "2025-04-14"),
        "m2": match("nB", "agreed", "suggestion", "2026-01-25", "2026-02-19"),
        "m3": match("nB", "withdrawn", "workshop", "2026-02-01", "2026-03-01"),
        "m4": match("nC", "proposed", "helpdesk", "2026-02-10"),
        "m8": match("nC", "agreed", "helpdesk", "2026-02-15", "2026-03-20"),
        "m5": match("nD", "declined", "helpdesk", "2026-03-10"),
        "m6": match("nD", "agreed", "requester", "2026-07-02", "2026-07-10"),
    }

    def project(m, launched, status, completed=None):
        return ProjectFactory(
            match=matches[m],
            created_at=_at(launched),
            status=status,
            completed_at=_at(completed) if completed else None,
        )

    projects = {
        "p1": project("m1", "2025-05-01", "evaluated", "2025-12-01"),
        "p2": project("m2", "2026-03-01", "completed", "2026-05-01"),
        "p3": project("m8", "2026-04-01", "completed", "2026-06-10"),
        "p4": project("m3", "2026-03-05", "cancelled"),
        "p5": project("m6", "2026-07-15", "planning"),
    }
    for p, side, effectiveness, quality, achievement, day in (
        ("p1", "requester", 5, 4, "fully", "2025-12-10"),
        ("p1", "provider", 3, 2, "mostly", "2025-12-12"),
        ("p2", "requester", 2, 3, "partly", "2026-05-10"),
        ("p3", "provider", 4, 5, "partly", "2026-07-05"),
    ):
        ProjectEvaluationFactory(
            project=projects[p],
            side=side,
            effectiveness=effectiveness,
            quality=quality,
            achievement=achievement,
            evaluated_at=_at(day),
        )

    workshop = MatchingWorkshop.objects.create(event=EventFactory(), created_at=_at("2026-04-10"))
    workshop.needs.add(needs["nG"])
    for req, kind, score in (
        ("nD", RelatedSuggestion.Kind.RESOURCE, 0.30),
        ("nD", RelatedSuggestion.Kind.OPPORTUNITY, 0.90),
        ("nH", RelatedSuggestion.Kind.RESOURCE, 0.50),
        ("nE", RelatedSuggestion.Kind.RESOURCE, 0.90),
    ):
        RelatedSuggestion.objects.create(
            need=needs[req], kind=kind, object_id=1, rank=1, score=score, algorithm_version="t"
        )
    return {"needs": needs, "matches": matches, "projects": projects}


def _learning(n: int) -> dict:
    """Courses, their modules, enrolments and surveys.

    ======  ===========  ==========  ======================  =======  =======
    course  format       status      published / archived    modules  targets
    ======  ===========  ==========  ======================  =======  =======
    c1      self-paced   published   2024-03-01              2        T1
    c2      MOOC         published   2025-02-01              3        T2
    c3      self-paced   archived    2024-05-01 / 2026-05-01 1        —
    c4      blended      archived    2025-06-01 / 2026-08-01 2        —
    c5      self-paced   draft       —                       1        —
    c6      self-paced   published   2026-07-10 (after)      1        —
    ======  ===========  ==========  ======================  =======  =======

    ===  =======  ======  =======  =========  ==========  ==============================
    enr  learner  course  country  status     enrolled    survey (quality, effectiveness)
    ===  =======  ======  =======  =========  ==========  ==============================
    e1   u1       c1      KE       active     2024-04-01
    e2   u1       c2      KE       completed  2025-02-10  s1: 5, 4 (2025-03-15)
    e3   u2       c1      NP       completed  2024-05-01  s2: 3, 5 (2024-06-01)
    e4   u3       c2      FJ       withdrawn  2025-02-20
    e5   u4       c2      —        invited    2025-03-01  (an invitation: never counts)
    e6   u2       c2      NP       active     2026-07-01  s4: 1, 1 (2026-07-02; both after)
    e7   u5       c4      —        active     2026-01-15  s3: 4, 2 (2026-02-01)
    ===  =======  ======  =======  =========  ==========  ==============================
    """
    targets = _targets()
    provider = OrganisationFactory()

    def course(modules, published, status=CourseStatus.PUBLISHED, archived=None, **fields):
        made = CourseFactory(
            provider=provider,
            status=status,
            published_at=_at(published) if published else None,
            archived_at=_at(archived) if archived else None,
            **fields,
        )
        for position in range(modules):
            Module.objects.create(course=made, title=f"Module {position}", position=position)
        return made

    courses = {
        "c1": course(2, "2024-03-01"),
        "c2": course(
            3,
            "2025-02-01",
            format=CourseFormat.MOOC,
            starts_on=datetime.date(2025, 2, 1),
            ends_on=datetime.date(2025, 4, 1),
        ),
        "c3": course(1, "2024-05-01", CourseStatus.ARCHIVED, "2026-05-01"),
        "c4": course(2, "2025-06-01", CourseStatus.ARCHIVED, "2026-08-01", format="blended"),
        "c5": course(1, None, CourseStatus.DRAFT),
        "c6": course(1, "2026-07-10"),
    }
    courses["c1"].targets.set([targets["T1"]])
    courses["c2"].targets.set([targets["T2"]])

    country = {code: CountryFactory(code=code) for code in ("KE", "NP", "FJ")}
    u1, u2, u3, u4, u5 = (UserFactory() for _ in range(5))
    S = EnrolmentStatus

    def enrol(user, c, code, status, enrolled, survey=None):
        enrolment = EnrolmentFactory(
            user=user,
            course=courses[c],
            country=country[code] if code else None,
            status=status,
            enrolled_at=_at(enrolled),
            completed_at=_at(enrolled) if status == S.COMPLETED else None,
        )
        if survey:
            quality, effectiveness, submitted = survey
            SurveyResponse.objects.create(
                enrolment=enrolment,
                course=courses[c],
                quality=quality,
                effectiveness=effectiveness,
                relevance=SurveyResponse.Relevance.HIGH,
                submitted_at=_at(submitted),
            )
        return enrolment

    enrol(u1, "c1", "KE", S.ACTIVE, "2024-04-01")
    enrol(u1, "c2", "KE", S.COMPLETED, "2025-02-10", (5, 4, "2025-03-15"))
    enrol(u2, "c1", "NP", S.COMPLETED, "2024-05-01", (3, 5, "2024-06-01"))
    enrol(u3, "c2", "FJ", S.WITHDRAWN, "2025-02-20")
    enrol(u4, "c2", None, S.INVITED, "2025-03-01")
    enrol(u2, "c2", "NP", S.ACTIVE, "2026-07-01", (1, 1, "2026-07-02"))
    enrol(u5, "c4", None, S.ACTIVE, "2026-01-15", (4, 2, "2026-02-01"))
    return courses


def _reviews(courses: dict) -> None:
    """Quality reviews:

    ===  ========  =================  ==========  ===================================
    rev  item      status             completed   improvements confirmed
    ===  ========  =================  ==========  ===================================
    q1   c1        changes requested  2024-02-01  2024-02-20
    q2   c1        approved           2024-02-20
    q3   c2        approved           2025-01-25
    q8   event ev  changes requested  2025-05-01  2025-06-01
    q4   resource  rejected           2026-05-01
    q7   resource  changes requested  2026-03-01  2026-07-03 (after AS_OF)
    q5   c4        in progress        —           (open: not reviewed yet)
    q6   event ev  approved           2026-07-01  (after AS_OF)
    ===  ========  =================  ==========  ===================================
    """
    resource, event = ResourceFactory(), EventFactory()
    R = QualityReview.Status

    def review(item, status, completed=None, improved=None):
        QualityReview.objects.create(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            item_title=str(item),
            status=status,
            completed_at=_at(completed) if completed else None,
            improved_at=_at(improved) if improved else None,
        )

    review(courses["c1"], R.CHANGES_REQUESTED, "2024-02-01", "2024-02-20")
    review(courses["c1"], R.APPROVED, "2024-02-20")
    review(courses["c2"], R.APPROVED, "2025-01-25")
    review(event, R.CHANGES_REQUESTED, "2025-05-01", "2025-06-01")
    review(resource, R.REJECTED, "2026-05-01")
    review(resource, R.CHANGES_REQUESTED, "2026-03-01", "2026-07-03")
    review(courses["c4"], R.IN_PROGRESS)
    review(event, R.APPROVED, "2026-07-01")


def _people(n: int) -> None:
    """Alumni (active: used the portal from 2025-07-01 00:00 to the end of AS_OF, 365 days),
    communities (active: a post from 2026-04-02 00:00 to the end of AS_OF, 90 days), accounts
    (active: signed in from 2026-04-02 00:00 to the end of AS_OF, 90 days).

    ======  =======  =========  ================================
    alumni  country  expertise  last active
    ======  =======  =========  ================================
    a1      KE       restor.    2026-06-01         active
    a2      HT       —          2025-07-01 12:00   active (first day of the window)
    a3      NP       —          2025-06-29         not: too long ago
    a4      —        —          never              not
    a5      KE       —          2026-07-02         not: after AS_OF
    a6      —        —          2026-01-01         active
    ======  =======  =========  ================================

    ===========  ===========  =======  ===============================================
    community    theme        targets  posts
    ===========  ===========  =======  ===============================================
    co1          restoration  T1       2025-01-01, 2026-06-15: active
    co2          —            —        2026-04-02 06:00, hidden since: active
    co3          —            —        2026-03-01: quiet
    co4          —            —        2026-07-02: after AS_OF
    co5          —            —        none
    ===========  ===========  =======  ===============================================

    Accounts: v1 KE 2026-06-20 (active), v2 HT 2026-04-02 01:00 (active), v3 KE 2026-03-01 (not),
    v4 KE 2026-06-25 but deactivated (not), v5 2026-07-03 (after), v6 NP 2026-05-05 (active).
    The learners of :func:`_learning` never signed in.
    """
    restoration = ThematicArea.objects.get(code="restoration")
    country = {code: CountryFactory(code=code) for code in ("KE", "HT", "NP")}
    for number, (code, last_active) in enumerate(
        [
            ("KE", "2026-06-01"),
            ("HT", "2025-07-01"),
            ("NP", "2025-06-29"),
            (None, None),
            ("KE", "2026-07-02"),
            (None, "2026-01-01"),
        ]
    ):
        alumnus = Alumnus.objects.create(
            full_name=f"Alumnus {number}",
            email=f"alumnus{n}-{number}@example.org",
            country=country[code] if code else None,
            last_active_at=_at(last_active) if last_active else None,
        )
        if number == 0:
            alumnus.expertise.set([restoration])

    def community(posts, theme=None, targets=()):
        made = CommunityFactory(thematic_area=theme)
        made.targets.set(targets)
        thread = Thread.objects.create(community=made, title="Field notes")
        for posted, status in posts:
            Post.objects.create(thread=thread, body="A post.", created_at=posted, status=status)

    visible, hidden = PostStatus.VISIBLE, PostStatus.HIDDEN
    community(
        [(_at("2025-01-01"), visible), (_at("2026-06-15"), visible)],
        restoration,
        [_targets()["T1"]],
    )
    community([(_at("2026-04-02", "06:00"), hidden)])
    community([(_at("2026-03-01"), visible)])
    community([(_at("2026-07-02"), visible)])
    CommunityFactory()

    for code, last_login, active in (
        ("KE", _at("2026-06-20"), True),
        ("HT", _at("2026-04-02", "01:00"), True),
        ("KE", _at("2026-03-01"), True),
        ("KE", _at("2026-06-25"), False),
        (None, _at("2026-07-03"), True),
        ("NP", _at("2026-05-05"), True),
    ):
        UserFactory(
            country=country[code] if code else None, last_login=last_login, is_active=active
        )


def _monitoring(n: int) -> None:
    """Country profiles: KE 3, HT 5, BR 4 (mature), NP 2 (not), US 5 (not a CBD Party).
    Evaluations: activity 2025-06-30, matchmaking 2026-03-31, activity 2026-06-30 (published,
    counted); portal 2026-04-01 (draft), activity 2026-07-15 (after AS_OF)."""
    for code, level in (("KE", 3), ("HT", 5), ("BR", 4), ("NP", 2), ("US", 5)):
        profile = CountryProfileFactory(country=CountryFactory(code=code))
        profile.maturity_level = level
        profile.save()
    S = Evaluation.Subject
    for subject, day, status in (
        (S.ACTIVITY, "2025-06-30", Evaluation.Status.PUBLISHED),
        (S.MATCHMAKING, "2026-03-31", Evaluation.Status.PUBLISHED),
        (S.ACTIVITY, "2026-06-30", Evaluation.Status.PUBLISHED),
        (S.PORTAL, "2026-04-01", Evaluation.Status.DRAFT),
        (S.ACTIVITY, "2026-07-15", Evaluation.Status.PUBLISHED),
    ):
        EvaluationFactory(
            subject=subject,
            activity=4 if subject == S.ACTIVITY else None,
            evaluated_on=datetime.date.fromisoformat(day),
            status=status,
        )


def build(n: int = 0) -> None:
    _matchmaking(n)
    courses = _learning(n)
    _reviews(courses)
    _people(n)
    _monitoring(n)


@pytest.fixture
def world(db):
    build()


# --- The definitions ----------------------------------------------------------------------------
def test_h2_defines_its_catalogue_codes_once():
    assert [indicator.code for indicator in matching_and_learning.INDICATORS] == H2_CODES


def test_targets_units_and_flags_follow_the_catalogue():
    assert {code: i.target for code, i in INDICATORS.items() if i.target} == {"7.1": 30, "13.1": 20}
    assert "30" in str(INDICATORS["7.1"].target_note)
    assert "20" in str(INDICATORS["13.1"].target_note)
    assert {code for code, i in INDICATORS.items() if not i.historical} == {"10.1", "P.1", "P.5"}
    assert {code for code, i in INDICATORS.items() if not i.higher_is_better} == {"P.4"}
    assert {code: i.unit for code, i in INDICATORS.items() if i.unit != Unit.COUNT} == {
        "8.3": Unit.PERCENT,
        "9.2": Unit.PERCENT,
        "9.3": Unit.PERCENT,
        "P.4": Unit.DAYS,
    }
    assert {code: i.activity for code, i in INDICATORS.items() if code.startswith("P.")} == {
        "P.1": 0,
        "P.4": 0,
        "P.5": 0,
    }


@pytest.mark.parametrize("code", H2_CODES)
def test_every_definition_is_complete(code):
    indicator = INDICATORS[code]
    assert str(indicator.name) and str(indicator.description) and str(indicator.computation)
    # Additive breakdowns are among the indicator's breakdowns, and never overlapping ones.
    assert indicator.additive <= set(indicator.dimensions)
    assert not indicator.additive & {"target", "thematic_area", "country_group"}
    # Percentages and medians do not add up.
    if indicator.unit != Unit.COUNT:
        assert not indicator.additive


# --- Activity 3 ---------------------------------------------------------------------------------
def test_3_1_courses_hosted(world):
    result = compute("3.1")
    # Online at the end of AS_OF: c1, c2 and c4 (archived only in August). Not c3 (archived in
    # May), c5 (draft), c6 (published in July).
    assert result.total == 3
    assert by(result, "year") == {"2024": 1, "2025": 2}  # c1; c2, c4
    assert by(result, "kind") == {"self_paced": 1, "mooc": 1, "blended": 1}
    assert by(result, "target") == {"GBF-T1": 1, "GBF-T2": 1, "unknown": 1}  # c1; c2; c4
    # After c4's archiving and c6's publication: c1, c2, c6.
    assert compute("3.1", datetime.date(2026, 8, 31)).total == 3
    assert by(compute("3.1", datetime.date(2026, 8, 31)), "year") == {
        "2024": 1,
        "2025": 1,
        "2026": 1,
    }
    # At the end of 2024: c1 and c3.
    assert compute("3.1", datetime.date(2024, 12, 31)).total == 2


def test_3_2_modules_hosted(world):
    result = compute("3.2")
    # Modules of c1, c2, c4: 2 + 3 + 2 = 7.
    assert result.total == 7
    assert by(result, "year") == {"2024": 2, "2025": 3 + 2}
    assert by(result, "kind") == {"mooc": 3, "blended": 2, "self_paced": 2}
    assert by(result, "target") == {"GBF-T2": 3, "GBF-T1": 2, "unknown": 2}


def test_3_3_people_using_the_learning_platform(world):
    result = compute("3.3")
    # u1 (e1, e2), u2 (e3; e6 is after AS_OF), u3 (e4, withdrawn since), u5 (e7); u4 was only
    # invited.
    assert result.total == 4
    # u1 KE, u2 NP, u3 FJ, u5 without a country.
    assert by(result, "region") == {"002": 1, "142": 1, "009": 1, "unknown": 1}
    assert by(result, "country") == {"KE": 1, "NP": 1, "FJ": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "SIDS": 1, "LLDC": 1}
    # 2024: u1, u2; 2025: u1, u3; 2026: u5 -> 5 > 4: a learner counts in every year they
    # enrolled, so the year breakdown is not additive.
    assert by(result, "year") == {"2024": 2, "2025": 2, "2026": 1}
    assert not INDICATORS["3.3"].additive


# --- Activity 5 ---------------------------------------------------------------------------------
def test_5_1_matches_made(world):
    result = compute("5.1")
    # Agreed by AS_OF: m1 (KE), m2 (HT), m3 (HT, withdrawn since), m8 (NP); not m6 (July).
    assert result.total == 4
    assert by(result, "region") == {"019": 2, "002": 1, "142": 1}
    assert by(result, "country") == {"HT": 2, "KE": 1, "NP": 1}
    # LDC: HT, HT, NP; SIDS: HT, HT; LLDC: NP.
    assert by(result, "country_group") == {"LDC": 3, "SIDS": 2, "LLDC": 1}
    # T1: nA (m1), nC (m8); T2: nB (m2, m3), nC (m8).
    assert by(result, "target") == {"GBF-T2": 3, "GBF-T1": 2}
    assert by(result, "year") == {"2026": 3, "2025": 1}
    assert by(result, "status") == {"agreed": 2, "completed": 1, "withdrawn": 1}
    assert by(result, "kind") == {"helpdesk": 2, "suggestion": 1, "workshop": 1}
    assert compute("5.1", datetime.date(2026, 7, 31)).total == 5  # with m6
    assert compute("5.1", datetime.date(2025, 12, 31)).total == 1  # m1 only


def test_5_2_projects_launched(world):
    result = compute("5.2")
    # Launched by AS_OF: p1 (KE), p2 (HT), p3 (NP), p4 (HT, cancelled since); not p5 (July).
    assert result.total == 4
    assert by(result, "region") == {"019": 2, "002": 1, "142": 1}
    assert by(result, "country_group") == {"LDC": 3, "SIDS": 2, "LLDC": 1}
    assert by(result, "year") == {"2026": 3, "2025": 1}
    assert by(result, "status") == {"completed": 2, "cancelled": 1, "evaluated": 1}
    # T1: p1 (nA), p3 (nC); T2: p2, p4 (nB), p3 (nC).
    assert by(result, "target") == {"GBF-T2": 3, "GBF-T1": 2}
    assert compute("5.2", datetime.date(2026, 7, 31)).total == 5


# --- Activity 7 ---------------------------------------------------------------------------------
def test_7_1_pilot_projects_implemented_successfully(world):
    result = compute("7.1")
    # p1: completed, evaluations "fully" and "mostly" -> counts. p2: its requester said "partly"
    # -> not. p3: completed in June, its "partly" came on 5 July -> counts as of AS_OF. p4:
    # cancelled; p5: running.
    assert result.total == 2
    assert by(result, "country") == {"KE": 1, "NP": 1}
    assert by(result, "region") == {"002": 1, "142": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1}
    assert by(result, "year") == {"2025": 1, "2026": 1}
    assert by(result, "status") == {"evaluated": 1, "completed": 1}
    assert by(result, "target") == {"GBF-T1": 2, "GBF-T2": 1}  # nA T1; nC T1, T2
    # Once p3's evaluation is in, p1 alone.
    assert compute("7.1", datetime.date(2026, 7, 31)).total == 1
    # Before p3 was completed: p1 alone; before p1 was: none.
    assert compute("7.1", datetime.date(2026, 6, 9)).total == 1
    assert compute("7.1", datetime.date(2025, 11, 30)).total == 0


# --- Activity 8 ---------------------------------------------------------------------------------
def test_8_1_items_reviewed(world):
    result = compute("8.1")
    # c1 (two reviews, once), c2, the event (q8), the resource (q4, q7); not c4 (open).
    assert result.total == 4
    assert by(result, "kind") == {"course": 2, "event": 1, "resource": 1}
    assert by(result, "year") == {"2024": 1, "2025": 2, "2026": 1}  # c1; c2, event; resource
    # At the end of 2024: c1 only, counted once for its two reviews.
    assert compute("8.1", datetime.date(2024, 12, 31)).total == 1


def test_8_2_items_improved(world):
    result = compute("8.2")
    # c1 (q1, confirmed 2024-02-20) and the event (q8, 2025-06-01); the resource's were
    # confirmed in July.
    assert result.total == 2
    assert by(result, "kind") == {"course": 1, "event": 1}
    assert by(result, "year") == {"2024": 1, "2025": 1}
    assert compute("8.2", datetime.date(2026, 7, 31)).total == 3


def test_8_3_participants_rating_quality_well(world):
    result = compute("8.3")
    # Answers by AS_OF (quality; well = 4 or 5): surveys s1 5 yes, s2 3 no, s3 4 yes; project
    # evaluations pe1 4 yes, pe2 2 no, pe3 3 no (s4 and pe4 came in July). 3 of 6 = 50 %.
    assert result.total == 50.0
    # Courses 2 of 3; projects 1 of 3.
    assert by(result, "kind") == {"courses": 66.67, "projects": 33.33}
    # Africa (KE): s1 yes, pe1 yes, pe2 no -> 2/3; Asia (NP): s2 no; Americas (HT): pe3 no;
    # unknown (e7 had no country): s3 yes.
    assert by(result, "region") == {"002": 66.67, "019": 0.0, "142": 0.0, "unknown": 100.0}
    # LDC: s2 (NP) no, pe3 (HT) no; SIDS: pe3 no; LLDC: s2 no.
    assert by(result, "country_group") == {"LDC": 0.0, "SIDS": 0.0, "LLDC": 0.0}
    # T1: s2 (c1) no, pe1 and pe2 (nA) yes, no -> 1/3; T2: s1 (c2) yes, pe3 (nB) no -> 1/2;
    # s3's course c4 has no target.
    assert by(result, "target") == {"GBF-T1": 33.33, "GBF-T2": 50.0, "unknown": 100.0}
    # 2024: s2 no; 2025: s1, pe1 yes, pe2 no; 2026: s3 yes, pe3 no.
    assert by(result, "year") == {"2024": 0.0, "2025": 66.67, "2026": 50.0}
    # In July s4 (1) and pe4 (5) join: 4 of 8.
    assert compute("8.3", datetime.date(2026, 7, 31)).total == 50.0


# --- Activity 9 ---------------------------------------------------------------------------------
def test_9_1_evaluations_done(world):
    result = compute("9.1")
    # Published and completed by AS_OF (on the day included): two of activities, one of the
    # matchmaking; not the draft nor the one of 15 July.
    assert result.total == 3
    assert by(result, "kind") == {"activity": 2, "matchmaking": 1}
    assert by(result, "year") == {"2025": 1, "2026": 2}
    assert compute("9.1", datetime.date(2026, 6, 29)).total == 2


def test_9_2_participants_rating_effectiveness_well(world):
    result = compute("9.2")
    # Effectiveness: s1 4 yes, s2 5 yes, s3 2 no; pe1 5 yes, pe2 3 no, pe3 2 no: 3 of 6.
    assert result.total == 50.0
    assert by(result, "kind") == {"courses": 66.67, "projects": 33.33}
    # Africa: s1 yes, pe1 yes, pe2 no; Asia: s2 yes; Americas: pe3 no; unknown: s3 no.
    assert by(result, "region") == {"002": 66.67, "019": 0.0, "142": 100.0, "unknown": 0.0}
    assert by(result, "country") == {"HT": 0.0, "KE": 66.67, "NP": 100.0, "unknown": 0.0}
    # LDC: s2 yes, pe3 no -> 1/2; SIDS: pe3 no; LLDC: s2 yes.
    assert by(result, "country_group") == {"LDC": 50.0, "SIDS": 0.0, "LLDC": 100.0}
    # 2024: s2 yes; 2025: s1, pe1 yes, pe2 no; 2026: s3, pe3 no.
    assert by(result, "year") == {"2024": 100.0, "2025": 66.67, "2026": 0.0}
    # July adds s4 (1, no) and pe4 (4, yes): 4 of 8.
    assert compute("9.2", datetime.date(2026, 7, 31)).total == 50.0
    # At the end of 2025: s1, s2 yes; pe1 yes, pe2 no: 3 of 4.
    assert compute("9.2", datetime.date(2025, 12, 31)).total == 75.0


def test_9_3_needs_adequately_linked(world):
    result = compute("9.3")
    # Published by AS_OF: nA, nB, nC, nD, nG, nH (nE in July, nF never). Linked: nA, nB, nC
    # (matches), nG (workshop), nH (resource at 0.50); not nD (declined match, a match made
    # after AS_OF, a resource at 0.30 < 0.35, an opportunity). 5 of 6.
    assert result.total == 83.33
    # Africa: nA, nH; Americas: nB yes, nD no; Asia: nC; Oceania: nG.
    assert by(result, "region") == {"002": 100.0, "009": 100.0, "019": 50.0, "142": 100.0}
    assert by(result, "country") == {
        "BR": 0.0,
        "FJ": 100.0,
        "HT": 100.0,
        "KE": 100.0,
        "NP": 100.0,
    }
    assert by(result, "country_group") == {"LDC": 100.0, "SIDS": 100.0, "LLDC": 100.0}
    # T1: nA, nC; T2: nB, nC; T3: nD no, nG, nH yes -> 2/3.
    assert by(result, "target") == {"GBF-T1": 100.0, "GBF-T2": 100.0, "GBF-T3": 66.67}
    assert by(result, "year") == {"2025": 100.0, "2026": 80.0}  # nA; 4 of nB, nC, nD, nG, nH
    # At the end of 2026-03-31: nA, nB, nC linked, nD not (nG, nH not published yet): 3 of 4.
    assert compute("9.3", datetime.date(2026, 3, 31)).total == 75.0
    # In July nD gets m6 and nE (a resource at 0.90) is published: 7 of 7.
    assert compute("9.3", datetime.date(2026, 7, 31)).total == 100.0


def test_9_3_counts_a_request_once_however_many_links(world):
    # At the end of 2026-02-15: nA (m1, p1), nB (m2; m3 is withdrawn now) and nC (m4 of 10
    # February, m8 of the 15th) are published and linked, each counted once: 3 of 3. Ten days
    # earlier nC was published but not linked yet: 2 of 3.
    assert compute("9.3", datetime.date(2026, 2, 15)).total == 100.0
    assert compute("9.3", datetime.date(2026, 2, 5)).total == 66.67


def test_9_3_threshold_is_a_documented_constant():
    assert matchmaking_indicators.STRONG_SUGGESTION_SCORE == 0.35
    assert "0.35" in str(INDICATORS["9.3"].computation)


# --- Activity 10 --------------------------------------------------------------------------------
def test_10_1_active_alumni(world):
    result = compute("10.1")
    # a1 (KE), a2 (HT, first day of the window), a6 (no country).
    assert result.total == 3
    assert by(result, "region") == {"002": 1, "019": 1, "unknown": 1}
    assert by(result, "country") == {"HT": 1, "KE": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "SIDS": 1}
    assert by(result, "thematic_area") == {"restoration": 1, "unknown": 2}
    # A day later a2 is out of the window.
    assert compute("10.1", datetime.date(2026, 7, 1)).total == 2


def test_10_2_active_communities(world):
    result = compute("10.2")
    # co1 (15 June) and co2 (its hidden post of 2 April 06:00, inside the 90 days).
    assert result.total == 2
    assert by(result, "thematic_area") == {"restoration": 1, "unknown": 1}
    assert by(result, "target") == {"GBF-T1": 1, "unknown": 1}
    # Past days read the posts of then: at the end of 2026-03-31, co2's post is not written
    # yet, co3's (1 March) and none of co1's (January 2025) are within 90 days -> co3 alone.
    assert compute("10.2", datetime.date(2026, 3, 31)).total == 1


# --- Activity 13 --------------------------------------------------------------------------------
def test_13_1_new_online_courses(world):
    result = compute("13.1")
    # First published by AS_OF: c1, c2, c3 (archived since), c4; not the draft nor c6.
    assert result.total == 4
    assert by(result, "year") == {"2024": 2, "2025": 2}  # c1, c3; c2, c4
    assert by(result, "kind") == {"self_paced": 2, "blended": 1, "mooc": 1}
    assert compute("13.1", datetime.date(2026, 7, 31)).total == 5  # with c6


def test_13_2_participants_in_online_courses(world):
    result = compute("13.2")
    # e1, e2, e3, e4, e7 (not e5, an invitation; nor e6, in July).
    assert result.total == 5
    assert by(result, "region") == {"002": 2, "142": 1, "009": 1, "unknown": 1}
    assert by(result, "country") == {"KE": 2, "FJ": 1, "NP": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "SIDS": 1, "LLDC": 1}
    assert by(result, "year") == {"2024": 2, "2025": 2, "2026": 1}
    # c1: e1, e3; c2 (MOOC): e2, e4; c4 (blended): e7.
    assert by(result, "kind") == {"mooc": 2, "self_paced": 2, "blended": 1}
    assert by(result, "target") == {"GBF-T1": 2, "GBF-T2": 2, "unknown": 1}
    assert compute("13.2", datetime.date(2026, 7, 31)).total == 6  # with e6


# --- The portal ---------------------------------------------------------------------------------
def test_p_1_active_users(world):
    result = compute("P.1")
    # v1 (KE), v2 (HT), v6 (NP).
    assert result.total == 3
    assert by(result, "region") == {"002": 1, "019": 1, "142": 1}
    assert by(result, "country_group") == {"LDC": 2, "SIDS": 1, "LLDC": 1}


def test_p_4_median_days_to_the_first_agreed_match(world):
    result = compute("P.4")
    # nA: 2025-03-01 -> m1 2025-04-14 = 44 days; nB: 2026-01-10 -> m2 2026-02-19 = 40 (m3 came
    # later); nC: 2026-02-01 -> m8 2026-03-20 = 47. Median of 40, 44, 47 = 44.
    assert result.total == 44.0
    assert by(result, "region") == {"002": 44.0, "019": 40.0, "142": 47.0}
    # By the year of the first agreement: 2025 nA 44; 2026 nB 40, nC 47 -> (40 + 47) / 2.
    assert by(result, "year") == {"2025": 44.0, "2026": 43.5}
    # In July nD's m6 (submitted 2026-03-01, agreed 2026-07-10: 131 days) joins: 40, 44, 47,
    # 131 -> (44 + 47) / 2.
    assert compute("P.4", datetime.date(2026, 7, 31)).total == 45.5


def test_p_5_parties_with_a_mature_national_chm(world):
    result = compute("P.5")
    # KE 3, HT 5, BR 4; not NP (2) nor the United States (not a Party).
    assert result.total == 3
    assert by(result, "kind") == {"3": 1, "4": 1, "5": 1}
    assert by(result, "region") == {"019": 2, "002": 1}
    assert by(result, "country_group") == {"LDC": 1, "SIDS": 1}


# --- Across indicators --------------------------------------------------------------------------
def test_additive_breakdowns_sum_to_the_total(world):
    for code in H2_CODES:
        indicator = INDICATORS[code]
        result = indicator.compute(AS_OF)
        assert result.total, code  # the fixture gives every indicator something to count
        for dimension in indicator.additive:
            total = sum(value for _key, value in result.breakdowns[dimension])
            assert total == result.total, (code, dimension)


@pytest.mark.parametrize("code", H2_CODES)
def test_every_indicator_computes_on_an_empty_database(db, code):
    result = INDICATORS[code].compute(AS_OF)
    assert result.total in (0, None)
    assert set(result.breakdowns) <= set(INDICATORS[code].dimensions)
    assert not any(result.breakdowns.values())


# Queries of each measure: CountOf and ShareOf run one for the total, one per breakdown and one
# for the country groups; 8.3 and 9.2 do so for surveys and for project evaluations (2 x 7);
# P.4 runs a count and a read per median: total, 3 regions, 2 years, and one query listing each
# (on PostgreSQL, one percentile_cont query for the total, the regions and the years).
QUERIES = {
    "3.1": 1 + 4,
    "3.2": 1 + 4,
    "3.3": 1 + 3 + 1,
    "5.1": 1 + 7 + 1,
    "5.2": 1 + 6 + 1,
    "7.1": 1 + 6 + 1,
    "8.1": 1 + 2,
    "8.2": 1 + 2,
    "8.3": 2 * (1 + 5 + 1),
    "9.1": 1 + 2,
    "9.2": 2 * (1 + 5 + 1),
    "9.3": 1 + 5 + 1,
    "10.1": 1 + 3 + 1,
    "10.2": 1 + 2,
    "13.1": 1 + 4,
    "13.2": 1 + 6 + 1,
    "P.1": 1 + 2 + 1,
    "P.4": 2 * (1 + 3 + 2) + 2,
    "P.5": 1 + 3 + 1,
}
POSTGRESQL_QUERIES = {"P.4": 3}


def test_query_counts_are_small_and_constant(db, django_assert_max_num_queries):
    """Every measure at two data sizes (one build of the fixture per size, for speed)."""
    build(0)
    small = {}
    for code in H2_CODES:
        with django_assert_max_num_queries(QUERIES[code]):
            small[code] = INDICATORS[code].compute(AS_OF)
    build(1)  # the same records again: twice as many rows, the same places and dates
    for code in H2_CODES:
        indicator = INDICATORS[code]
        with CaptureQueriesContext(connection) as queries:
            large = indicator.compute(AS_OF)
        expected = QUERIES[code]
        if connection.vendor == "postgresql":
            expected = POSTGRESQL_QUERIES.get(code, expected)
        assert len(queries) == expected, code
        if indicator.unit == Unit.COUNT and code != "P.5":  # one profile per country
            assert large.total == 2 * small[code].total, code
        else:
            assert large.total == small[code].total, code  # shares and medians stay put
