"""E-learning at the size the issue names: 2,000 courses and 200,000 enrolments.

Builds the data set once with ``bulk_create`` (not timed; ``--reuse`` keeps it), then times, in
one process through Django's test client, the pages and calls that grow with the data, and counts
their SQL queries:

- the catalogue (first page, filtered by format and language, searched), a course page, the
  catalogue API;
- a learner's dashboard and lesson page (the learner has 60 enrolments), the course team's
  results page of the course with the most enrolments (about 5,000);
- recording that a lesson was seen (``record_lesson_seen``): one statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chm_bench_elearning \\
        python bench/elearning_scale.py [--reuse] [--repeat 20]

Without ``DATABASE_URL`` a SQLite file in the temporary directory is used. The figures printed are
medians over ``--repeat`` requests, after one warm-up request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COURSES = 2_000
ENROLMENTS = 200_000
LEARNERS = 20_000
PROVIDERS = 50
MODULES_PER_COURSE = 3
LESSONS_PER_MODULE = 4
BIG_COURSE_ENROLMENTS = 5_000
DASHBOARD_LEARNER_ENROLMENTS = 60


def _setup_django() -> None:
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'chm_bench_elearning.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chm_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # TESTING: static files through the finders (no collectstatic), fast password hashing.
    os.environ.setdefault("TESTING", "true")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def _create_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _build() -> None:
    """The data set, written in bulk (minutes on PostgreSQL)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from chm_portal.accounts.models import User
    from chm_portal.vocabularies.models import GBFTarget, Language, OrganisationType, ThematicArea
    from elearning.models import (
        Course,
        CourseFormat,
        CourseLevel,
        Enrolment,
        EnrolmentStatus,
        Lesson,
        LessonProgress,
        Module,
    )
    from partners.models import Organisation

    rng = random.Random(6)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        organisation_type = OrganisationType.objects.first()
        providers = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench provider {n}",
                organisation_type=organisation_type,
                status=Organisation.Status.APPROVED,
            )
            for n in range(PROVIDERS)
        )
        words = [
            "mangrove",
            "wetland",
            "coral",
            "reef",
            "forest",
            "pollinator",
            "invasive",
            "species",
            "protected",
            "area",
            "restoration",
            "monitoring",
            "taxonomy",
            "genetic",
            "resources",
            "biosafety",
            "indicator",
            "finance",
            "spatial",
            "planning",
            "indigenous",
            "knowledge",
            "agriculture",
            "fisheries",
            "urban",
        ]
        formats = [choice for choice, _label in CourseFormat.choices]
        levels = [choice for choice, _label in CourseLevel.choices]
        courses = []
        for n in range(COURSES):
            course_format = rng.choice(formats)
            starts = (now - timezone.timedelta(days=rng.randint(0, 700))).date()
            title = " ".join(rng.sample(words, 3)).capitalize()
            courses.append(
                Course(
                    title=f"{title} {n}",
                    title_en=f"{title} {n}",
                    summary=" ".join(rng.choices(words, k=30)),
                    summary_en=" ".join(rng.choices(words, k=30)),
                    language=rng.choice(["en", "en", "fr", "es"]),
                    format=course_format,
                    level=rng.choice(levels),
                    estimated_hours=rng.randint(1, 40),
                    provider=rng.choice(providers),
                    status="published" if n % 10 else rng.choice(["draft", "archived"]),
                    published_at=now - timezone.timedelta(days=rng.randint(0, 1000)),
                    starts_on=starts if course_format == "mooc" else None,
                    ends_on=starts + timezone.timedelta(days=60)
                    if course_format == "mooc"
                    else None,
                )
            )
        courses = Course.objects.bulk_create(courses, batch_size=500)
        languages = list(Language.objects.filter(is_active=True)[:6])
        targets = list(GBFTarget.objects.all())
        areas = list(ThematicArea.objects.all())
        Course.languages.through.objects.bulk_create(
            Course.languages.through(course_id=c.pk, language_id=lang.pk)
            for c in courses
            for lang in rng.sample(languages, 2)
        )
        Course.targets.through.objects.bulk_create(
            Course.targets.through(course_id=c.pk, gbftarget_id=t.pk)
            for c in courses
            for t in rng.sample(targets, 3)
        )
        Course.thematic_areas.through.objects.bulk_create(
            Course.thematic_areas.through(course_id=c.pk, thematicarea_id=a.pk)
            for c in courses
            for a in rng.sample(areas, 2)
        )
        modules = Module.objects.bulk_create(
            (
                Module(course=c, title=f"Module {m + 1}", position=m)
                for c in courses
                for m in range(MODULES_PER_COURSE)
            ),
            batch_size=2000,
        )
        Lesson.objects.bulk_create(
            (
                Lesson(
                    course_id=module.course_id,
                    module=module,
                    title=f"Lesson {n + 1}",
                    body="<p>" + " ".join(rng.choices(words, k=80)) + "</p>",
                    position=n,
                )
                for module in modules
                for n in range(LESSONS_PER_MODULE)
            ),
            batch_size=2000,
        )
        learners = User.objects.bulk_create(
            (
                User(email=f"learner{n}@bench.example", full_name=f"Learner {n}")
                for n in range(LEARNERS)
            ),
            batch_size=2000,
        )
        published = [c for c in courses if c.status == "published"]
        big, others = published[0], published[1:]
        pairs: set[tuple[int, int]] = set()
        for learner in learners[:BIG_COURSE_ENROLMENTS]:
            pairs.add((big.pk, learner.pk))
        for course in rng.sample(others, DASHBOARD_LEARNER_ENROLMENTS):
            pairs.add((course.pk, learners[0].pk))
        while len(pairs) < ENROLMENTS:
            pairs.add((rng.choice(others).pk, rng.choice(learners).pk))
        statuses = [EnrolmentStatus.ACTIVE] * 6 + [EnrolmentStatus.COMPLETED] * 3
        statuses += [EnrolmentStatus.WITHDRAWN]
        rows = []
        for course_id, user_id in pairs:
            status = rng.choice(statuses)
            enrolled = now - timezone.timedelta(days=rng.randint(0, 900))
            rows.append(
                Enrolment(
                    course_id=course_id,
                    user_id=user_id,
                    status=status,
                    enrolled_at=enrolled,
                    completed_at=enrolled + timezone.timedelta(days=20)
                    if status == EnrolmentStatus.COMPLETED
                    else None,
                )
            )
        Enrolment.objects.bulk_create(rows, batch_size=5000)
        first_lessons = dict(
            Lesson.objects.filter(position=0, module__position=0).values_list("course_id", "pk")
        )
        LessonProgress.objects.bulk_create(
            (
                LessonProgress(
                    enrolment_id=pk, lesson_id=first_lessons[course_id], last_seen_at=now
                )
                for pk, course_id in Enrolment.objects.values_list("pk", "course_id").iterator()
            ),
            batch_size=5000,
        )
        from elearning.services.learning import refresh_course_counts

        refresh_course_counts()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built the data set in {time.perf_counter() - started:.0f} s")


def _time(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, queries, status) of GET ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: templates, caches
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return statistics.median(durations), p95, len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the data set if present")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    _create_postgres_database()
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chm_portal.accounts.models import User
    from elearning.models import Course, Enrolment, Lesson
    from elearning.services.learning import record_lesson_seen
    from partners.models import Membership

    if not (args.reuse and Course.objects.count() >= COURSES):
        if Course.objects.exists():
            sys.exit("The database already holds courses: use --reuse or an empty database.")
        _build()
    print(
        f"{connection.vendor}: {Course.objects.count():,} courses, "
        f"{Enrolment.objects.count():,} enrolments, {Lesson.objects.count():,} lessons"
    )
    big = Course.objects.order_by("-enrolment_count").first()
    learner = User.objects.get(email="learner0@bench.example")
    enrolment = Enrolment.objects.filter(user=learner, course__status="published").first()
    lesson = Lesson.objects.filter(course=enrolment.course).order_by("pk").first()
    Membership.objects.get_or_create(
        user=learner, organisation=big.provider, defaults={"role": "editor"}
    )

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(learner)
    pages = [
        ("catalogue, first page", anonymous, "/en/learning/courses/"),
        (
            "catalogue, format and language",
            anonymous,
            "/en/learning/courses/?course_format=mooc&language=fr",
        ),
        ("catalogue, search", anonymous, "/en/learning/courses/?q=mangrove+restoration"),
        ("catalogue, page 50", anonymous, "/en/learning/courses/?page=50"),
        ("course page", anonymous, f"/en/learning/courses/{big.pk}/"),
        ("API courses, filtered", anonymous, "/api/v1/courses/?course_format=mooc&target=GBF-T3"),
        ("learner's dashboard (60 courses)", signed_in, "/en/learning/my/"),
        (
            "lesson page",
            signed_in,
            f"/en/learning/courses/{enrolment.course_id}/lessons/{lesson.pk}/",
        ),
        (
            f"results of the course with {big.enrolment_count:,} enrolments",
            signed_in,
            f"/en/learning/courses/{big.pk}/results/",
        ),
    ]
    print(f"{'page':<48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    for label, client, url in pages:
        cache.clear()
        median, p95, queries, status = _time(client, url, args.repeat)
        print(f"{label:<48} {median:>10.1f} {p95:>8.1f} {queries:>8} {status:>7}")

    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    with CaptureQueriesContext(connection) as queries:
        record_lesson_seen(enrolment=enrolment, lesson=lesson, user=learner)
    durations = []
    for _ in range(args.repeat * 10):
        start = time.perf_counter()
        record_lesson_seen(enrolment=enrolment, lesson=lesson, user=learner)
        durations.append((time.perf_counter() - start) * 1000)
    print(
        f"{'record_lesson_seen (one progress write)':<48} {statistics.median(durations):>10.2f} "
        f"{sorted(durations)[int(len(durations) * 0.95)]:>8.2f} {len(queries):>8}"
    )
    for query in queries.captured_queries:
        print("   ", query["sql"][:160])


if __name__ == "__main__":
    main()
