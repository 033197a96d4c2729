"""Indicators of the learning platform, the matchmaking, quality assurance, evaluation and the
portal's use (activities 3, 5, 7, 8, 9, 10 and 13, and P.1, P.4, P.5).

The records counted come from the apps' selectors (``elearning.selectors.indicators``,
``matchmaking.selectors.indicators``, ``chm_portal.quality.selectors``,
``chm_portal.accounts.selectors``) and from monitoring's own evaluations and country profiles.
Wherever a record has a country (the learner's when enrolling, the request's for matches and
projects) it is broken down by region, country group and country; records with GBF targets by
target and thematic area; dated records by year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts import selectors as accounts_selectors
from chm_portal.quality import selectors as quality_selectors
from elearning.models import ACTIVE_ALUMNI_DAYS, ACTIVE_COMMUNITY_DAYS, SurveyResponse
from elearning.selectors import indicators as elearning
from matchmaking.models import ProjectEvaluation
from matchmaking.selectors import indicators as matchmaking
from monitoring.models import CountryProfile, Evaluation, MaturityLevel

from .base import (
    COUNTRY,
    COUNTRY_GROUP,
    KIND,
    REGION,
    STATUS,
    YEAR,
    Computed,
    CountOf,
    Indicator,
    MedianDays,
    Pairs,
    Result,
    ShareOf,
    Unit,
    end_of,
)

#: The days without signing in after which an account no longer counts as active (P.1).
ACTIVE_USER_DAYS = 90
#: National CHMs at this maturity level or above have at least a web presence (P.5).
MATURE_CHM_LEVEL = MaturityLevel.WEB_PRESENCE

# The keys of the ``kind`` breakdown of 8.3 and 9.2: where the answers come from.
COURSES = "courses"
PROJECTS = "projects"


# --- Querysets of monitoring's own records --------------------------------------------------------
def published_evaluations(as_of: datetime.date) -> QuerySet[Evaluation]:
    """Evaluations published and completed by ``as_of`` (``evaluated_on``)."""
    return Evaluation.objects.filter(status=Evaluation.Status.PUBLISHED, evaluated_on__lte=as_of)


def mature_national_chms(as_of: datetime.date) -> QuerySet[CountryProfile]:
    """CBD Parties whose national CHM is at :data:`MATURE_CHM_LEVEL` or above, as their focal
    points say now (profiles keep no history)."""
    return CountryProfile.objects.filter(
        country__is_cbd_party=True, maturity_level__gte=MATURE_CHM_LEVEL
    )


def active_users(as_of: datetime.date) -> QuerySet:
    return accounts_selectors.active_users(as_of, days=ACTIVE_USER_DAYS)


def reviewed_items(as_of: datetime.date) -> QuerySet:
    return quality_selectors.completed_reviews(until=end_of(as_of))


def improved_items(as_of: datetime.date) -> QuerySet:
    return quality_selectors.improved_reviews(until=end_of(as_of))


# --- Answers of course surveys and project evaluations, pooled (8.3, 9.2) ------------------------
def _answers(*, field: str) -> dict[str, ShareOf]:
    """``{kind: ShareOf}``: course surveys and project evaluations rating ``field`` ("quality"
    or "effectiveness") well, with the same breakdowns (the learner's country or the request's,
    the course's or the request's targets, the year of the answer)."""
    return {
        COURSES: ShareOf(
            queryset=elearning.survey_responses,
            condition=Q(**{f"{field}__gte": SurveyResponse.GOOD_RATING}),
            country="enrolment__country",
            targets="course__targets",
            thematic_areas="course__thematic_areas",
            date="submitted_at",
        ),
        PROJECTS: ShareOf(
            queryset=matchmaking.project_evaluations,
            condition=Q(**{f"{field}__gte": ProjectEvaluation.WELL_RATED}),
            country="project__match__need__country",
            targets="project__match__need__targets",
            thematic_areas="project__match__need__thematic_areas",
            date="evaluated_at",
        ),
    }


def _pooled_share(parts: dict[str, ShareOf]) -> Computed:
    """The percentage of the answers of every part that meet their part's condition, all answers
    weighing alike, by the parts' common breakdowns and by ``kind`` (the part).

    Each part runs the grouped counts of :class:`ShareOf` (one query per breakdown); the counts
    are then added per key, which is a loop over groups, not over rows.
    """
    first = next(iter(parts.values()))
    dimensions = (*first.dimensions, KIND)

    def share(counts: list[int]) -> float | None:
        answers, met = counts
        return 100.0 * met / answers if answers else None

    def measure(as_of: datetime.date) -> Result:
        total = [0, 0]
        by_kind: Pairs = []
        grouped: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

        def add(counts: list[int], values: dict) -> None:
            counts[0] += values["all"]
            counts[1] += values["met"]

        for kind, part in parts.items():
            queryset = part.queryset(as_of)
            aggregates = part._aggregates(Q())
            counts = [0, 0]
            add(counts, queryset.order_by().aggregate(**aggregates))
            add(total, {"all": counts[0], "met": counts[1]})
            if counts[0]:
                by_kind.append((kind, share(counts)))
            for dimension, path in part._paths().items():
                for key, row in part._by(queryset, path, **aggregates):
                    add(grouped[str(dimension)][key], row)
            if part.country:
                for code, values in part._by_group(queryset, part._aggregates).items():
                    add(grouped[COUNTRY_GROUP][code], values)
        breakdowns = {
            dimension: [
                (key, share(counts))
                for key, counts in sorted(grouped[dimension].items())
                if counts[0]
            ]
            for dimension in first.dimensions
        }
        # Country groups in the order of the action plan, like ShareOf.
        if COUNTRY_GROUP in breakdowns:
            breakdowns[COUNTRY_GROUP] = [
                (code, share(counts))
                for code, counts in grouped[COUNTRY_GROUP].items()
                if counts[0]
            ]
        breakdowns[KIND] = by_kind
        return Result(total=share(total), breakdowns=breakdowns)

    return Computed(function=measure, dimensions=dimensions)


# --- Definitions --------------------------------------------------------------------------------
INDICATORS = [
    # --- Activity 3: learning management system
    Indicator(
        code="3.1",
        activity=3,
        name=_("Courses hosted"),
        description=_("Courses and modules online on the portal's learning platform."),
        computation=_(
            "Courses that are online at the end of the day: published by then and not archived "
            "by then. The year is that of the course's first publication; kind is its format "
            "(self-paced, MOOC, instructor-led, blended)."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.published_courses,
            targets="targets",
            thematic_areas="thematic_areas",
            date="published_at",
            extra={KIND: "format"},
        ),
        additive=frozenset({YEAR, KIND}),
    ),
    Indicator(
        code="3.2",
        activity=3,
        name=_("Modules hosted"),
        description=_("Modules of the courses online on the learning platform."),
        computation=_(
            "Modules of the courses online at the end of the day (published by then and not "
            "archived by then). The year is that of their course's first publication; kind is "
            "their course's format."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.hosted_modules,
            targets="course__targets",
            thematic_areas="course__thematic_areas",
            date="course__published_at",
            extra={KIND: "course__format"},
        ),
        additive=frozenset({YEAR, KIND}),
    ),
    Indicator(
        code="3.3",
        activity=3,
        name=_("People using the learning platform"),
        description=_("Distinct learners who took up at least one course."),
        computation=_(
            "Distinct people with an enrolment taken up (invitations not yet accepted do not "
            "count) by the end of the day, dated by when they enrolled. A learner counts once in "
            "the total, and once in every country (the country given when enrolling) and year in "
            "which they enrolled, so the breakdowns may add up to more than the total."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.enrolments_taken_up,
            distinct="user",
            country="country",
            date="enrolled_at",
        ),
    ),
    # --- Activity 5: matchmaking mechanism
    Indicator(
        code="5.1",
        activity=5,
        name=_("Matches made"),
        description=_(
            "Requests for assistance paired with an offer of support and agreed by both sides."
        ),
        computation=_(
            "Matches the requester confirmed after the provider accepted, by the end of the day, "
            "dated by that agreement, whatever became of them since. Country, targets and "
            "thematic areas are those of the request; status is the match's status now (agreed, "
            "completed, withdrawn); kind is how the match came about (engine suggestion, help "
            "desk, requester's interest, workshop)."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=matchmaking.agreed_matches,
            country="need__country",
            targets="need__targets",
            thematic_areas="need__thematic_areas",
            date="agreed_at",
            extra={STATUS: "status", KIND: "origin"},
        ),
        additive=frozenset({REGION, COUNTRY, YEAR, STATUS, KIND}),
    ),
    Indicator(
        code="5.2",
        activity=5,
        name=_("Projects launched after successful matches"),
        description=_("Pilot projects launched from an agreed match."),
        computation=_(
            "Pilot projects created from an agreed match by the end of the day, dated by their "
            "launch, cancelled since or not. Country, targets and thematic areas are those of the "
            "request; status is the project's status now."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=matchmaking.launched_projects,
            country="match__need__country",
            targets="match__need__targets",
            thematic_areas="match__need__thematic_areas",
            date="created_at",
            extra={STATUS: "status"},
        ),
        additive=frozenset({REGION, COUNTRY, YEAR, STATUS}),
    ),
    # --- Activity 7: support network for pilot projects
    Indicator(
        code="7.1",
        activity=7,
        name=_("Pilot projects implemented successfully"),
        description=_("Pilot projects completed without falling short of their objectives."),
        computation=_(
            "Pilot projects completed by the end of the day (evaluated projects were completed "
            "first; cancelled ones never are), dated by their completion, unless an evaluation "
            "submitted by then, by either side, says the objectives were only partly achieved or "
            "not achieved. A completed project not evaluated yet counts. Country, targets and "
            "thematic areas are those of the request; status is completed or evaluated."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=matchmaking.successful_projects,
            country="match__need__country",
            targets="match__need__targets",
            thematic_areas="match__need__thematic_areas",
            date="completed_at",
            extra={STATUS: "status"},
        ),
        target=30,
        target_note=_(
            "Action plan 2017-2020, annex, activity 7: at least 30 pilot projects implemented "
            "successfully through the support network."
        ),
        additive=frozenset({REGION, COUNTRY, YEAR, STATUS}),
    ),
    # --- Activity 8: quality assurance
    Indicator(
        code="8.1",
        activity=8,
        name=_("Items reviewed against the quality standards"),
        description=_("Courses, resources and events reviewed against the portal's standards."),
        computation=_(
            "Items with a quality review completed by the end of the day, whatever its result; "
            "an item reviewed several times counts once in the total and once in each year in "
            "which a review of it was completed. Kind is the type of item (course, resource, "
            "event)."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=reviewed_items,
            distinct="item_key",
            date="completed_at",
            extra={KIND: "content_type__model"},
        ),
        additive=frozenset({KIND}),
    ),
    Indicator(
        code="8.2",
        activity=8,
        name=_("Items improved after a quality review"),
        description=_("Items whose authors made the improvements a quality review asked for."),
        computation=_(
            "Items for which a review asked for improvements and a later review (or the reviewer) "
            "confirmed them by the end of the day, dated by that confirmation; each item counts "
            "once. Kind is the type of item (course, resource, event)."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=improved_items,
            distinct="item_key",
            date="improved_at",
            extra={KIND: "content_type__model"},
        ),
        additive=frozenset({KIND}),
    ),
    Indicator(
        code="8.3",
        activity=8,
        name=_("Participants rating quality well"),
        description=_(
            "The share of participants in courses and pilot projects who rate their quality well."
        ),
        computation=_(
            "Of the course surveys and project evaluations submitted by the end of the day, the "
            "percentage that rate quality 4 or 5 out of 5; every answer weighs alike. Courses: the "
            "learner's country when enrolling and the course's targets; projects: the request's "
            "country and targets; the year is that of the answer. Kind: courses or projects."
        ),
        unit=Unit.PERCENT,
        measure=_pooled_share(_answers(field="quality")),
    ),
    # --- Activity 9: monitoring and evaluation
    Indicator(
        code="9.1",
        activity=9,
        name=_("Evaluations done"),
        description=_(
            "Evaluations of the activities of the action plan, of the matchmaking and of the "
            "portal."
        ),
        computation=_(
            "Published evaluations completed by the day, dated by their completion. Kind is what "
            "was evaluated: an activity of the action plan, the matchmaking mechanism or the "
            "portal as a whole."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=published_evaluations, date="evaluated_on", extra={KIND: "subject"}
        ),
        additive=frozenset({YEAR, KIND}),
    ),
    Indicator(
        code="9.2",
        activity=9,
        name=_("Participants rating effectiveness well"),
        description=_(
            "The share of participants in courses and pilot projects who rate their "
            "effectiveness well."
        ),
        computation=_(
            "Of the course surveys and project evaluations submitted by the end of the day, the "
            "percentage that rate effectiveness 4 or 5 out of 5; every answer weighs alike. "
            "Courses: the learner's country when enrolling and the course's targets; projects: "
            "the request's country and targets; the year is that of the answer. Kind: courses or "
            "projects."
        ),
        unit=Unit.PERCENT,
        measure=_pooled_share(_answers(field="effectiveness")),
    ),
    Indicator(
        code="9.3",
        activity=9,
        name=_("Needs adequately linked"),
        description=_(
            "The share of published requests for assistance that some offer, match, project, "
            "workshop, course or resource answers."
        ),
        computation=format_lazy(
            _(
                "Of the requests published by the end of the day (dated by their publication), "
                "the percentage linked to at least one of: a match made by then that was not "
                "declined or withdrawn, a pilot project launched by then, a matchmaking workshop "
                "recorded by then that discussed it, or a resource or course the matching engine "
                "suggests for it with a score of {score} or more (suggestions as they are now)."
            ),
            score=matchmaking.STRONG_SUGGESTION_SCORE,
        ),
        unit=Unit.PERCENT,
        measure=ShareOf(
            queryset=matchmaking.needs_with_links,
            condition=Q(linked=True),
            country="country",
            targets="targets",
            thematic_areas="thematic_areas",
            date="published_at",
        ),
    ),
    # --- Activity 10: follow-up of former participants
    Indicator(
        code="10.1",
        activity=10,
        name=_("Active alumni"),
        description=_("Former participants who still use the portal."),
        computation=format_lazy(
            _(
                "Alumni who used the portal (signed in, posted, learned) within the {days} days "
                "before the end of the day, by their country and expertise. Only the latest "
                "activity of each is kept, so past values are approximations."
            ),
            days=ACTIVE_ALUMNI_DAYS,
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.alumni_active, country="country", thematic_areas="expertise"
        ),
        additive=frozenset({REGION, COUNTRY}),
        historical=False,
    ),
    Indicator(
        code="10.2",
        activity=10,
        name=_("Active communities of practice"),
        description=_("Communities of practice where members still post."),
        computation=format_lazy(
            _(
                "Communities of practice with a post (hidden since or not) within the {days} days "
                "before the end of the day, by their theme and targets."
            ),
            days=ACTIVE_COMMUNITY_DAYS,
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.communities_active,
            targets="targets",
            thematic_areas="thematic_area",
        ),
    ),
    # --- Activity 13: online courses, including MOOCs
    Indicator(
        code="13.1",
        activity=13,
        name=_("New online courses"),
        description=_("Online courses, including MOOCs, first published on the portal."),
        computation=_(
            "Courses first published by the end of the day, archived since or not, dated by "
            "their first publication. Kind is their format (self-paced, MOOC, instructor-led, "
            "blended)."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.courses_first_published,
            targets="targets",
            thematic_areas="thematic_areas",
            date="published_at",
            extra={KIND: "format"},
        ),
        target=20,
        target_note=_(
            "Action plan 2017-2020, annex, activity 13: at least 20 new online courses, "
            "including MOOCs."
        ),
        additive=frozenset({YEAR, KIND}),
    ),
    Indicator(
        code="13.2",
        activity=13,
        name=_("Participants in online courses"),
        description=_("Enrolments in online courses taken up by learners."),
        computation=_(
            "Enrolments taken up by the end of the day (invitations not yet accepted do not "
            "count), dated by the enrolment; a learner in two courses counts twice. Country is "
            "the one the learner gave when enrolling; targets, thematic areas and kind (format) "
            "are the course's."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=elearning.enrolments_taken_up,
            country="country",
            targets="course__targets",
            thematic_areas="course__thematic_areas",
            date="enrolled_at",
            extra={KIND: "course__format"},
        ),
        additive=frozenset({REGION, COUNTRY, YEAR, KIND}),
    ),
    # --- The portal as a whole
    Indicator(
        code="P.1",
        activity=0,
        name=_("Active users"),
        description=_("People who signed in to the portal recently."),
        computation=format_lazy(
            _(
                "Accounts, not deactivated, that signed in within the {days} days before the end "
                "of the day, by their country of residence. Only the latest sign-in is kept, so "
                "past values are approximations."
            ),
            days=ACTIVE_USER_DAYS,
        ),
        unit=Unit.COUNT,
        measure=CountOf(queryset=active_users, country="country"),
        additive=frozenset({REGION, COUNTRY}),
        historical=False,
    ),
    Indicator(
        code="P.4",
        activity=0,
        name=_("Median days from submission to the first agreed match"),
        description=_("How long requests for assistance wait for their first agreed match."),
        computation=_(
            "Over the requests with a match agreed by the end of the day, the median number of "
            "days from the request's submission to the agreement of its first match, by the "
            "request's region and by the year of that agreement."
        ),
        unit=Unit.DAYS,
        measure=MedianDays(
            queryset=matchmaking.needs_with_first_agreement,
            country="country",
            date="first_agreed_at",
            start="submitted_at",
            end="first_agreed_at",
        ),
        higher_is_better=False,
    ),
    Indicator(
        code="P.5",
        activity=0,
        name=_("Parties with a national CHM at maturity level 3 or more"),
        description=_(
            "CBD Parties whose national clearing-house mechanism has at least a web presence."
        ),
        computation=_(
            "CBD Parties whose country profile gives a national CHM maturity level of 3 (web "
            "presence), 4 (complete national CHM) or 5 (advanced CHM), as their focal points "
            "keep it now. Kind is the level."
        ),
        unit=Unit.COUNT,
        measure=CountOf(
            queryset=mature_national_chms, country="country", extra={KIND: "maturity_level"}
        ),
        additive=frozenset({REGION, COUNTRY, KIND}),
        historical=False,
    ),
]
