"""A full recompute of the indicators at the issue's scale: about a million rows in all.

Builds, once, in a throwaway PostgreSQL database (created and migrated here), every record the
indicators and the gap analysis count, written in SQL with ``INSERT ... SELECT`` over
``generate_series`` (a minute or two, not timed; ``--reuse`` keeps it): 20,000 people, 5,000
organisations, 100,000 requests (two GBF targets and a thematic area each), 10,000 offers,
5,000 initiatives, 50,000 resources, 2,000 opportunities and events, 300,000 resource downloads,
2,000 courses, 200,000 enrolments, 30,000 course surveys, 30,000 matches, 5,000 projects, quality
reviews, alumni, communities, evaluations and a profile for every Party. Then it times, in one
process:

- ``monitoring.services.recompute_indicators()``, every indicator and the gap analysis, stored as
  the daily job does it: three runs (the target is <= 10 s each);
- each indicator's computation alone and the gap analysis alone (median of three), with their
  queries, slowest first; ``--explain N`` prints ``EXPLAIN ANALYZE`` of the slowest query of the
  N slowest indicators.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chm_bench_indicators \\
        .venv/bin/python bench/indicators_speed.py [--reuse] [--explain 3]

``DATABASE_URL`` defaults to that database; the data is written with PostgreSQL's SQL (hash
functions, ``generate_series``), so PostgreSQL is required.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chm_bench_indicators"
TARGET_SECONDS = 10.0
DAYS = 1460  # the records spread over the last four years

USERS = 20_000
ORGANISATIONS = 5_000
NEEDS = 100_000
NEED_MESSAGES = 20_000
OFFERS = 10_000
INITIATIVES = 5_000
RESOURCES = 50_000
OPPORTUNITIES = 2_000
APPLICATIONS = 5_000
EVENTS = 2_000
AGREEMENTS = 1_000
DOWNLOADS = 300_000
COURSES = 2_000
MODULES_PER_COURSE = 3
ENROLMENTS = 200_000  # 10 per learner, in 10 blocks of 200 courses (one enrolment per pair)
SURVEYS = 30_000
ALUMNI = 5_000
COMMUNITIES = 200
THREADS = 2_000
POSTS = 20_000
MATCHES = 30_000
PROJECTS = 5_000
WORKSHOPS = 50
SUGGESTIONS = 50_000
EVALUATIONS = 100


def _setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chm_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("TESTING", "true")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def _create_postgres_database() -> None:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("This benchmark writes its data in PostgreSQL's SQL: set a postgres DATABASE_URL.")
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


# --- Writing rows in SQL ------------------------------------------------------------------------
# Deterministic pseudo-random numbers from the row number ``g`` and a salt: the same data set on
# every build. ``bench_u`` is in [0, 1), ``bench_i`` in [0, k).
HELPERS = """
CREATE OR REPLACE FUNCTION bench_u(g bigint, salt int) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS
    $$ SELECT (hashint8(g * 7919 + salt)::bigint + 2147483648) / 4294967296.0 $$;
CREATE OR REPLACE FUNCTION bench_i(g bigint, salt int, k int) RETURNS int
    LANGUAGE sql IMMUTABLE AS $$ SELECT floor(bench_u(g, salt) * k)::int $$;
CREATE OR REPLACE FUNCTION bench_ago(g bigint, salt int, days int) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$ SELECT now() - bench_u(g, salt) * days * interval '1 day' $$;
"""


def _sql_array(values, cast: str = "bigint") -> str:
    """A literal array of ids or of codes (values from the reference data, never user input)."""
    if cast == "text":
        items = ",".join("'" + str(v).replace("'", "''") + "'" for v in values)
    else:
        items = ",".join(str(int(v)) for v in values)
    return f"(ARRAY[{items}]::{cast}[])"


def pick(values, g: str, salt: int, cast: str = "bigint") -> str:
    """SQL: one of ``values`` (repeat a value to weigh it) for row ``g``."""
    values = list(values)
    return f"{_sql_array(values, cast)}[1 + bench_i({g}, {salt}, {len(values)})]"


def _default(field, connection):
    """The value a column takes when the benchmark does not say: the field's default, else an
    empty string, false or now (what the portal's forms and services would store)."""
    from django.db import models
    from django.db.models.fields import NOT_PROVIDED
    from django.utils import timezone

    if field.default is not NOT_PROVIDED:
        value = field.default() if callable(field.default) else field.default
    elif field.null:
        value = None
    elif isinstance(field, models.BooleanField):
        value = False
    elif isinstance(field, (models.CharField, models.TextField, models.FileField)):
        value = ""
    elif isinstance(field, models.DateTimeField):
        value = timezone.now()
    else:
        model = field.model._meta.label
        raise ValueError(f"{model}.{field.attname}: no default, give it in the benchmark")
    return field.get_db_prep_save(value, connection)


def insert(model, columns: dict[str, str], source: str) -> int:
    """``INSERT INTO`` the table of ``model`` ``SELECT columns FROM source``; the columns not
    given take their default. Returns the number of rows written."""
    from django.db import connection

    given = dict(columns)
    params = []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue
        if field.attname not in given:
            given[field.attname] = "%s"
            params.append(_default(field, connection))
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(a).column) for a in given)
    # Columns are given by attname; translated copies (title_fr...) stay NULL.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "
        f"SELECT {', '.join(given.values())} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def series(n: int, name: str = "g") -> str:
    return f"generate_series(0, {n - 1}) AS {name}"


def id_range(model) -> tuple[int, int]:
    """(first id, count) of the rows of ``model``: ids written by one INSERT are consecutive."""
    from django.db.models import Count, Min

    row = model.objects.order_by().aggregate(first=Min("pk"), n=Count("pk"))
    return row["first"] or 0, row["n"]


def in_range(first: int, count: int, g: str, salt: int) -> str:
    """SQL: one id of the range [first, first + count) for row ``g``."""
    return f"({first} + bench_i({g}, {salt}, {count}))"


def link(field, owners: tuple[int, int], values: list[int], per: int, salt: int, share=1.0) -> int:
    """Rows of the many-to-many ``field``: ``per`` distinct ``values`` for each owner in the id
    range ``owners`` (for a ``share`` of them)."""
    from django.db import connection

    through = field.remote_field.through
    source_column, target_column = (
        f.column for f in through._meta.concrete_fields if not f.primary_key
    )
    first, count = owners
    k = len(values)
    # (base + m * step) mod k differs for every m < k when step and k are coprime.
    step = next(s for s in (5, 7, 11, 13, 3, 1) if k % s)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(through._meta.db_table)} "
        f"({source_column}, {target_column}) "
        f"SELECT {first} + o, {_sql_array(values)}[1 + mod(bench_i(o, {salt}, {k}) + m * {step},"
        f" {k})] FROM generate_series(0, {count - 1}) AS o, generate_series(0, {per - 1}) AS m "
        f"WHERE bench_u(o, {salt + 1}) < {share}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def workshop_needs(field, needs: tuple[int, int], per: int) -> int:
    """Rows of a workshop's requests discussed: ``per`` distinct requests for each workshop."""
    from django.db import connection

    through = field.remote_field.through
    workshop_column, need_column = (
        f.column for f in through._meta.concrete_fields if not f.primary_key
    )
    first, count = needs
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(through._meta.db_table)} "
            f"({workshop_column}, {need_column}) "
            f"SELECT w.id, {first} + mod(w.id * 977 + m * 131, {count}) "
            f"FROM {field.model._meta.db_table} AS w, generate_series(0, {per - 1}) AS m"
        )
        return cursor.rowcount


def ago(g: str, salt: int, days: int = DAYS) -> str:
    return f"bench_ago({g}, {salt}, {days})"


def capped(expression: str) -> str:
    """SQL: ``expression``, but not after now."""
    return f"LEAST(now(), {expression})"


def days(expression: str) -> str:
    """SQL: an interval of ``expression`` days."""
    return f"({expression}) * interval '1 day'"


# --- The data set ---------------------------------------------------------------------------------
def build() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from chm_portal.accounts.models import User
    from chm_portal.quality.models import QualityReview
    from chm_portal.vocabularies.models import (
        Country,
        EventType,
        GBFTarget,
        OpportunityType,
        OrganisationType,
        Region,
        ResourceType,
        ThematicArea,
    )
    from elearning.models import (
        Alumnus,
        Community,
        Course,
        Enrolment,
        Module,
        Post,
        SurveyResponse,
        Thread,
    )
    from matchmaking.models import (
        Match,
        MatchingWorkshop,
        Project,
        ProjectEvaluation,
        RelatedSuggestion,
    )
    from monitoring.models import CountryProfile, Evaluation
    from needs.models import Assessment, AssessmentEntry, Need, NeedMessage
    from partners.models import (
        Event,
        Initiative,
        Offer,
        Opportunity,
        OpportunityApplication,
        Organisation,
        PartnershipAgreement,
        Resource,
        ResourceDownload,
    )

    started = time.perf_counter()
    countries = list(Country.objects.order_by("pk").values_list("pk", flat=True))
    parties = list(
        Country.objects.filter(is_cbd_party=True).order_by("pk").values_list("pk", flat=True)
    )
    targets = list(GBFTarget.objects.order_by("pk").values_list("pk", flat=True))
    areas = list(ThematicArea.objects.order_by("pk").values_list("pk", flat=True))
    regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
    types = list(OrganisationType.objects.order_by("pk").values_list("pk", flat=True))
    resource_types = dict(ResourceType.objects.values_list("code", "pk"))
    event_types = dict(EventType.objects.values_list("code", "pk"))
    opportunity_types = dict(OpportunityType.objects.values_list("code", "pk"))

    def step(label: str, rows: int) -> None:
        print(f"  {label:<34} {rows:>9,} rows  ({time.perf_counter() - started:5.0f} s)")

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(HELPERS)

        # People: 70 % signed in within the last year.
        step(
            "people",
            insert(
                User,
                {
                    "email": "'person' || g || '@bench.example'",
                    "password": "'!'",
                    "full_name": "'Bench person ' || g",
                    "country_id": pick(countries, "g", 1),
                    "date_joined": ago("g", 2),
                    "last_login": f"CASE WHEN bench_u(g, 3) < 0.7 THEN {ago('g', 4, 365)} END",
                },
                series(USERS),
            ),
        )
        users = id_range(User)

        # Organisations, 90 % approved, with their expertise and where they work.
        step(
            "organisations",
            insert(
                Organisation,
                {
                    "name": "'Bench organisation ' || g",
                    "organisation_type_id": pick(types, "g", 10),
                    "status": pick(["approved"] * 9 + ["pending"], "g", 11, "text"),
                    "country_id": pick(countries, "g", 12),
                    "created_at": ago("g", 13),
                },
                series(ORGANISATIONS),
            ),
        )
        organisations = id_range(Organisation)
        step("  their targets", link(Organisation.targets.field, organisations, targets, 2, 14))
        step(
            "  thematic areas", link(Organisation.thematic_areas.field, organisations, areas, 1, 16)
        )
        step(
            "  countries of operation",
            link(Organisation.countries_of_operation.field, organisations, countries, 2, 18, 0.3),
        )
        step(
            "  regions of operation",
            link(Organisation.regions_of_operation.field, organisations, regions, 1, 20, 0.1),
        )

        # Requests for assistance, every status, dated submitted -> published.
        need_statuses = (
            ["draft"] * 12
            + ["submitted"] * 10
            + ["in_triage"] * 8
            + ["clarification_requested"] * 5
            + ["published"] * 30
            + ["matched"] * 10
            + ["in_progress"] * 8
            + ["fulfilled"] * 7
            + ["withdrawn"] * 5
            + ["rejected"] * 5
        )
        published_statuses = "('published', 'matched', 'in_progress', 'fulfilled', 'withdrawn')"
        step(
            "requests",
            insert(
                Need,
                {
                    "reference": "'BENCH-' || g",
                    "status": "st",
                    "title": "'Bench request ' || g",
                    "country_id": pick(parties, "g", 31),
                    "source": "'bench'",
                    "expressed_with_helpdesk": "bench_u(g, 32) < 0.2",
                    "created_at": "created",
                    "updated_at": "created",
                    "status_changed_at": "created",
                    "submitted_at": "CASE WHEN st <> 'draft' THEN submitted END",
                    "published_at": (
                        f"CASE WHEN st IN {published_statuses} THEN "
                        f"{capped('submitted + ' + days('bench_u(g, 33) * 60'))} END"
                    ),
                },
                f"(SELECT g, {pick(need_statuses, 'g', 30, 'text')} AS st, "
                f"{ago('g', 34)} AS created, "
                f"{capped(ago('g', 34) + ' + ' + days('bench_u(g, 35) * 10'))} AS submitted "
                f"FROM {series(NEEDS)}) AS s",
            ),
        )
        needs = id_range(Need)
        step("  their targets", link(Need.targets.field, needs, targets, 2, 36))
        step("  thematic areas", link(Need.thematic_areas.field, needs, areas, 1, 38))
        step(
            "  help-desk messages",
            insert(
                NeedMessage,
                {
                    "need_id": in_range(*needs, "g", 40),
                    "from_helpdesk": "bench_u(g, 41) < 0.5",
                    "created_at": ago("g", 42, 1000),
                },
                series(NEED_MESSAGES),
            ),
        )
        # Assessments: 150 Parties, two cycles; five targets each.
        assessed = parties[:150]
        step(
            "assessments",
            insert(
                Assessment,
                {
                    "country_id": f"{_sql_array(assessed)}[1 + mod(g, {len(assessed)})]",
                    "cycle": f"1 + g / {len(assessed)}",
                    "status": pick(["submitted"] * 4 + ["draft"], "g", 43, "text"),
                    "submitted_at": ago("g", 44),
                    "updated_at": "now()",
                },
                series(2 * len(assessed)),
            ),
        )
        assessments = id_range(Assessment)
        step(
            "  entries",
            insert(
                AssessmentEntry,
                {
                    "assessment_id": f"{assessments[0]} + a",
                    "target_id": f"{_sql_array(targets)}[1 + mod(a * 3 + m, {len(targets)})]",
                    "updated_at": "now()",
                },
                f"{series(assessments[1], 'a')}, generate_series(0, 4) AS m",
            ),
        )

        # The partners' records: 90 % public, dated by first publication.
        def records(model, n: int, salt: int, **columns) -> tuple[int, int]:
            owner = model.ORGANISATION_FIELD
            # 90 % public (7 in 10 published), the drafts never published.
            status = pick(["published"] * 7 + ["paused", "closed", "draft"], "g", salt, "text")
            rows = insert(
                model,
                {
                    "title": f"'Bench {model._meta.model_name} ' || g",
                    "status": status,
                    "published_at": f"CASE WHEN {status} <> 'draft' THEN {ago('g', salt + 1)} END",
                    f"{owner}_id": in_range(*organisations, "g", salt + 2),
                    "created_at": ago("g", salt + 3),
                    "updated_at": "now()",
                    **columns,
                },
                series(n),
            )
            step(model._meta.verbose_name_plural, rows)
            return id_range(model)

        offers = records(Offer, OFFERS, 60)
        step("  their targets", link(Offer.targets.field, offers, targets, 2, 64))
        step("  thematic areas", link(Offer.thematic_areas.field, offers, areas, 1, 66))
        step(
            "  eligible countries",
            link(Offer.eligible_countries.field, offers, parties, 3, 68, 0.2),
        )
        step("  eligible regions", link(Offer.eligible_regions.field, offers, regions, 1, 70, 0.1))
        initiatives = records(Initiative, INITIATIVES, 80)
        step("  their targets", link(Initiative.targets.field, initiatives, targets, 2, 84))
        teaching = resource_types["training_material"]
        resources = records(
            Resource,
            RESOURCES,
            90,
            resource_type_id=pick(list(resource_types.values()) + [teaching] * 2, "g", 94),
            url="'https://resources.bench.example/' || g",
        )
        step("  their targets", link(Resource.targets.field, resources, targets, 2, 96))
        step("  thematic areas", link(Resource.thematic_areas.field, resources, areas, 1, 98))
        opportunities = records(
            Opportunity,
            OPPORTUNITIES,
            100,
            opportunity_type_id=pick(list(opportunity_types.values()), "g", 104),
            deadline="now() + interval '30 days'",
            applications_on_portal="true",
            is_portal_programme="bench_u(g, 105) < 0.3",
        )
        step("  their targets", link(Opportunity.targets.field, opportunities, targets, 1, 106))
        roundtable = event_types["matchmaking_roundtable"]
        events = records(
            Event,
            EVENTS,
            110,
            event_type_id=pick([*event_types.values(), roundtable], "g", 114),
            starts_at=ago("g", 115),
            ends_at=f"{ago('g', 115)} + interval '1 day'",
            is_online="bench_u(g, 116) < 0.2",
            country_id=f"CASE WHEN bench_u(g, 116) >= 0.2 THEN {pick(countries, 'g', 117)} END",
        )
        step("  their targets", link(Event.targets.field, events, targets, 1, 118))
        records(
            PartnershipAgreement,
            AGREEMENTS,
            120,
            kind=pick(["support_network", "education_institution", "mou"], "g", 124, "text"),
            signed_on=f"({ago('g', 125)})::date",
            ends_on=f"CASE WHEN bench_u(g, 126) < 0.5 THEN ({ago('g', 125)})::date + 730 END",
        )
        portal_programmes = list(
            Opportunity.objects.filter(is_portal_programme=True).values_list("pk", flat=True)
        )
        step(
            "programme applications",
            insert(
                OpportunityApplication,
                {
                    "opportunity_id": pick(portal_programmes, "g", 130),
                    "applicant_id": f"{users[0]} + g",  # one application per person
                    "country_id": pick(countries, "g", 131),
                    "status": pick(["accepted"] * 2 + ["submitted", "rejected"], "g", 132, "text"),
                    "submitted_at": ago("g", 133),
                    "reviewed_at": f"{ago('g', 133)} + interval '20 days'",
                },
                series(APPLICATIONS),
            ),
        )
        step(
            "resource downloads",
            insert(
                ResourceDownload,
                {
                    "resource_id": in_range(*resources, "g", 140),
                    "downloaded_at": ago("g", 141),
                    "country_id": (
                        f"CASE WHEN bench_u(g, 142) < 0.8 THEN {pick(countries, 'g', 143)} END"
                    ),
                },
                series(DOWNLOADS),
            ),
        )

        # Courses, their modules, enrolments and surveys.
        step(
            "courses",
            insert(
                Course,
                {
                    "title": "'Bench course ' || g",
                    "provider_id": in_range(*organisations, "g", 150),
                    "status": "st",
                    "format": pick(
                        ["self_paced", "mooc", "instructor_led", "blended"], "g", 151, "text"
                    ),
                    "level": pick(["introductory", "intermediate", "advanced"], "g", 152, "text"),
                    "starts_on": "(published - interval '10 days')::date",
                    "ends_on": "(published + interval '60 days')::date",
                    "published_at": "CASE WHEN st <> 'draft' THEN published END",
                    "archived_at": (
                        f"CASE WHEN st = 'archived' THEN {capped('published + ' + days('200'))} END"
                    ),
                    "created_at": "published",
                    "updated_at": "now()",
                },
                f"(SELECT g, {pick(['published'] * 8 + ['archived', 'draft'], 'g', 153, 'text')} "
                f"AS st, {ago('g', 154)} AS published FROM {series(COURSES)}) AS s",
            ),
        )
        courses = id_range(Course)
        step("  their targets", link(Course.targets.field, courses, targets, 3, 156))
        step("  thematic areas", link(Course.thematic_areas.field, courses, areas, 2, 158))
        step(
            "  modules",
            insert(
                Module,
                {
                    "course_id": f"{courses[0]} + g / {MODULES_PER_COURSE}",
                    "position": f"mod(g, {MODULES_PER_COURSE})",
                    "title": "'Module ' || g",
                },
                series(courses[1] * MODULES_PER_COURSE),
            ),
        )
        enrolment_statuses = ["active"] * 5 + ["completed"] * 3 + ["withdrawn", "invited"]
        block = courses[1] * USERS // ENROLMENTS  # courses per block: each learner once a block
        step(
            "enrolments",
            insert(
                Enrolment,
                {
                    "user_id": f"{users[0]} + mod(g, {USERS})",
                    "course_id": (
                        f"{courses[0]} + (g / {USERS}) * {block} "
                        f"+ bench_i(mod(g, {USERS}), 160, {block})"
                    ),
                    "status": "st",
                    "enrolled_at": "enrolled",
                    "completed_at": (
                        f"CASE WHEN st = 'completed' THEN {capped('enrolled + ' + days('20'))} END"
                    ),
                    "country_id": pick(parties, "mod(g, 20000)", 161),
                },
                f"(SELECT g, {pick(enrolment_statuses, 'g', 162, 'text')} AS st, "
                f"{ago('g', 163, 1200)} AS enrolled FROM {series(ENROLMENTS)}) AS s",
            ),
        )
        step(
            "  course surveys",
            insert(
                SurveyResponse,
                {
                    "enrolment_id": "e.id",
                    "course_id": "e.course_id",
                    "quality": "1 + bench_i(e.id, 170, 5)",
                    "effectiveness": "1 + bench_i(e.id, 171, 5)",
                    "relevance": pick(["high", "some", "low"], "e.id", 172, "text"),
                    "submitted_at": "e.completed_at",
                },
                f"(SELECT id, course_id, completed_at FROM elearning_enrolment "
                f"WHERE status = 'completed' ORDER BY id LIMIT {SURVEYS}) AS e",
            ),
        )
        step(
            "alumni",
            insert(
                Alumnus,
                {
                    "full_name": "'Alumnus ' || g",
                    "email": "'alumnus' || g || '@bench.example'",
                    "country_id": pick(countries, "g", 180),
                    "last_active_at": ago("g", 181, 700),
                    "created_at": ago("g", 182),
                },
                series(ALUMNI),
            ),
        )
        step("  expertise", link(Alumnus.expertise.field, id_range(Alumnus), areas, 1, 183))
        step(
            "communities",
            insert(
                Community,
                {
                    "slug": "'bench-' || g",
                    "name": "'Community ' || g",
                    "thematic_area_id": pick(areas, "g", 190),
                    "created_at": ago("g", 191),
                },
                series(COMMUNITIES),
            ),
        )
        communities = id_range(Community)
        step("  their targets", link(Community.targets.field, communities, targets, 1, 192))
        step(
            "  threads",
            insert(
                Thread,
                {
                    "community_id": in_range(*communities, "g", 193),
                    "title": "'Thread ' || g",
                    "created_at": ago("g", 194),
                },
                series(THREADS),
            ),
        )
        step(
            "  posts",
            insert(
                Post,
                {
                    "thread_id": in_range(*id_range(Thread), "g", 195),
                    "created_at": ago("g", 196, 700),
                },
                series(POSTS),
            ),
        )

        # Matchmaking: one match per published request (the first 30,000), agreed after
        # publication; projects from agreed matches; evaluations of the evaluated projects.
        match_statuses = ["agreed"] * 3 + ["completed"] + ["declined", "withdrawn"]
        match_statuses += ["proposed", "interest", "accepted"]
        step(
            "matches",
            insert(
                Match,
                {
                    "need_id": "n.id",
                    "offer_id": in_range(*offers, "n.id", 200),
                    "status": "st",
                    "origin": pick(
                        ["suggestion", "helpdesk", "requester", "workshop"], "n.id", 201, "text"
                    ),
                    "agreed_at": (
                        "CASE WHEN st IN ('agreed', 'completed') THEN "
                        f"{capped('n.published_at + ' + days('bench_u(n.id, 202) * 120'))} END"
                    ),
                    "created_at": capped("n.published_at + interval '2 days'"),
                    "updated_at": "now()",
                    "status_changed_at": "now()",
                },
                f"(SELECT id, published_at, {pick(match_statuses, 'id', 203, 'text')} AS st "
                f"FROM needs_need WHERE published_at IS NOT NULL ORDER BY id LIMIT {MATCHES}) AS n",
            ),
        )
        project_statuses = ["planning", "implementation", "implementation", "completed"]
        project_statuses += ["evaluated", "evaluated", "cancelled"]
        step(
            "projects",
            insert(
                Project,
                {
                    "reference": "'BENCH-P-' || m.id",
                    "match_id": "m.id",
                    "title": "'Pilot project ' || m.id",
                    "status": "st",
                    "created_at": capped("m.agreed_at + interval '10 days'"),
                    "completed_at": (
                        "CASE WHEN st IN ('completed', 'evaluated') THEN "
                        f"{capped('m.agreed_at + ' + days('200'))} END"
                    ),
                    "updated_at": "now()",
                    "status_changed_at": "now()",
                },
                f"(SELECT id, agreed_at, {pick(project_statuses, 'id', 210, 'text')} AS st "
                f"FROM matchmaking_match WHERE agreed_at IS NOT NULL "
                f"ORDER BY id LIMIT {PROJECTS}) AS m",
            ),
        )
        step(
            "  project evaluations",
            insert(
                ProjectEvaluation,
                {
                    "project_id": "p.id",
                    "side": "s.side",
                    "effectiveness": "1 + bench_i(p.id * 2 + length(s.side), 220, 5)",
                    "quality": "1 + bench_i(p.id * 2 + length(s.side), 221, 5)",
                    "achievement": pick(
                        ["fully"] * 3 + ["mostly"] * 3 + ["partly", "not"], "p.id", 222, "text"
                    ),
                    "evaluated_at": capped("p.completed_at + interval '30 days'"),
                },
                "matchmaking_project AS p "
                "CROSS JOIN (VALUES ('requester'), ('provider')) AS s(side) "
                "WHERE p.status = 'evaluated'",
            ),
        )
        step(
            "matchmaking workshops",
            insert(
                MatchingWorkshop,
                {"event_id": "e.id", "created_at": "e.starts_at"},
                f"(SELECT id, starts_at FROM partners_event WHERE event_type_id = {roundtable} "
                f"ORDER BY id LIMIT {WORKSHOPS}) AS e",
            ),
        )
        step("  requests discussed", workshop_needs(MatchingWorkshop.needs.field, needs, 20))
        step(
            "suggested resources and courses",
            insert(
                RelatedSuggestion,
                {
                    "need_id": f"{needs[0]} + g / 2",
                    "kind": "CASE WHEN mod(g, 2) = 0 THEN 'resource' ELSE 'course' END",
                    "object_id": in_range(*resources, "g", 230),
                    "rank": "1",
                    "score": "bench_u(g, 231)",
                    "algorithm_version": "'bench'",
                },
                series(SUGGESTIONS),
            ),
        )

        # Quality reviews of courses, resources and events; evaluations; country profiles.
        done = ["approved"] * 3 + ["changes_requested", "rejected"]
        for model, table, n in (
            (Course, "elearning_course", 1_500),
            (Resource, "partners_resource", 7_500),
            (Event, "partners_event", 1_000),
        ):
            content_type = ContentType.objects.get_for_model(model).pk
            step(
                f"quality reviews of {model._meta.verbose_name_plural}",
                insert(
                    QualityReview,
                    {
                        "content_type_id": str(content_type),
                        "object_id": "r.id",
                        "item_title": "'Item ' || r.id",
                        "status": "st",
                        "requested_at": "completed - interval '10 days'",
                        "completed_at": "completed",
                        "improved_at": (
                            "CASE WHEN st = 'changes_requested' AND bench_u(r.id, 240) < 0.6 "
                            f"THEN {capped('completed + ' + days('20'))} END"
                        ),
                    },
                    f"(SELECT id, {pick(done, 'id', 241, 'text')} AS st, {ago('id', 242, 1000)} "
                    f"AS completed FROM {table} ORDER BY id LIMIT {n}) AS r",
                ),
            )
        step(
            "evaluations",
            insert(
                Evaluation,
                {
                    "title": "'Evaluation ' || g",
                    "subject": pick(["activity"] * 4 + ["matchmaking", "portal"], "g", 250, "text"),
                    "activity": "1 + bench_i(g, 251, 14)",
                    "evaluated_on": f"({ago('g', 252)})::date",
                    "evaluators": "'Bench evaluators'",
                    "findings": "'Findings'",
                    "status": pick(["published"] * 9 + ["draft"], "g", 253, "text"),
                    "published_at": ago("g", 252),
                },
                series(EVALUATIONS),
            ),
        )
        step(
            "country profiles",
            insert(
                CountryProfile,
                {
                    "country_id": f"{_sql_array(parties)}[1 + g]",
                    "maturity_level": "bench_i(g, 260, 6)",
                    "updated_at": "now()",
                },
                series(len(parties)),
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built the data set in {time.perf_counter() - started:.0f} s")


def row_counts() -> dict[str, int]:
    """Rows of every table the benchmark filled (many-to-many tables included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE n_live_tup > 0 "
            "AND relname NOT LIKE 'monitoring_indicatorvalue' AND relname NOT LIKE "
            "'monitoring_gapcell' AND relname NOT LIKE 'monitoring_recomputerun' "
            "ORDER BY n_live_tup DESC"
        )
        return dict(cursor.fetchall())


# --- Timing ---------------------------------------------------------------------------------------
def _timed(function, repeat: int) -> tuple[float, list[dict]]:
    """(median seconds, queries of the last run) of ``function()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            durations.append(time.perf_counter() - started)
    return statistics.median(durations), list(queries.captured_queries)


def explain(query: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        for (line,) in cursor.fetchall():
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the data set if present")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--explain", type=int, default=0, metavar="N", help="EXPLAIN the N slowest indicators"
    )
    args = parser.parse_args()

    _create_postgres_database()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from monitoring import services
    from monitoring.gaps import compute_gap_cells
    from monitoring.indicators import all_indicators
    from needs.models import Need

    call_command("migrate", verbosity=0)
    if not (args.reuse and Need.objects.filter(source="bench").exists()):
        if Need.objects.exists():
            sys.exit("The database already holds requests: use --reuse or an empty database.")
        build()
    counts = row_counts()
    print(f"{connection.vendor} {connection.pg_version // 10000}: {sum(counts.values()):,} rows")
    for table, n in counts.items():
        if n >= 1000:
            print(f"  {table:<48} {n:>9,}")

    today = timezone.localdate()
    indicators = all_indicators()
    print(f"\nFull recompute ({len(indicators)} indicators and the gap analysis, stored):")
    runs = []
    for number in range(args.repeat):
        started = time.perf_counter()
        run = services.recompute_indicators(today)
        runs.append(time.perf_counter() - started)
        print(f"  run {number + 1}: {runs[-1]:.2f} s, {run.values_written:,} values and cells")
    print(
        f"  median {statistics.median(runs):.2f} s, best {min(runs):.2f} s "
        f"(target <= {TARGET_SECONDS:.0f} s: {'met' if max(runs) <= TARGET_SECONDS else 'MISSED'})"
    )

    print(f"\nEach part alone (median of {args.repeat}):")
    parts = []
    for indicator in indicators:
        seconds, queries = _timed(lambda i=indicator: i.compute(today), args.repeat)
        parts.append((seconds, indicator.code, queries))
    seconds, queries = _timed(lambda: compute_gap_cells(today), args.repeat)
    parts.append((seconds, "gaps", queries))
    parts.sort(key=lambda part: -part[0])
    print(f"  {'part':<8} {'seconds':>8} {'queries':>8} {'slowest query s':>16}")
    for seconds, code, queries in parts:
        slowest = max((float(q["time"]) for q in queries), default=0.0)
        print(f"  {code:<8} {seconds:>8.3f} {len(queries):>8} {slowest:>16.3f}")
    computing = sum(part[0] for part in parts)
    print(f"  {'sum':<8} {computing:>8.2f}  (storing the values: the rest of a run)")

    for _seconds, code, queries in parts[: args.explain]:
        slowest = max(queries, key=lambda q: float(q["time"]))
        print(
            f"\n{code}: slowest query ({float(slowest['time']):.3f} s):\n  {slowest['sql'][:600]}"
        )
        explain(slowest)


if __name__ == "__main__":
    main()
