"""E-learning of the scale data set (``manage.py seed_scale``), at scale 1: 2,000 courses by about
300 partner organisations (three modules of four lessons each, the last one a quiz of five
questions), 200,000 enrolments of the portal's people (popular courses much more so), the progress,
certificates and survey answers they imply, alumni and communities of practice.

Courses are written in English, French or Spanish from the vocabularies' topics, one in six with a
translation; about nine in ten are published or archived. The counters the catalogue sorts by
(``enrolment_count``, ``completion_count``, ``member_count``, ``reply_count``) are set from the rows
written, as the services keep them.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import Counter

from chm_portal.accounts.models import User
from chm_portal.core.scale import (
    SCALE_EMAIL_DOMAIN,
    ScaleContext,
    copy_links,
    copy_rows,
    reserve_ids,
    scale_email,
    some,
    zipf_weights,
)
from chm_portal.vocabularies.scale import (
    AREA_TARGETS,
    LANGUAGES,
    Terms,
    Wording,
    content_languages,
    indices,
    load_terms,
    translated,
)
from partners.models import Organisation

from .models import (
    Alumnus,
    Certificate,
    Choice,
    Community,
    CommunityMembership,
    Course,
    CourseFormat,
    CourseLevel,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    Post,
    Question,
    Quiz,
    SurveyResponse,
    Thread,
)

COURSES = 2_000
PROVIDERS = 300
ENROLMENTS = 200_000
MODULES = 3
LESSONS_PER_MODULE = 4
QUESTIONS = 5
ALUMNI = 2_000
COMMUNITIES = 50
THREADS_PER_COMMUNITY = 10
POSTS_PER_THREAD = 8
DAYS = 2_000
LANGUAGE_WEIGHTS = {"en": 65, "fr": 20, "es": 15}

TITLES = {
    "en": [
        "Introduction to {topic}",
        "{Topic}: from policy to practice",
        "Advanced methods in {topic}",
        "{Topic} for {audience}",
    ],
    "fr": [
        "Introduction à {topic}",
        "{Topic} : des politiques à la pratique",
        "Méthodes avancées pour {topic}",
        "{Topic} pour les {audience}",
    ],
    "es": [
        "Introducción a {topic}",
        "{Topic}: de las políticas a la práctica",
        "Métodos avanzados para {topic}",
        "{Topic} para {audience}",
    ],
}
SUMMARY = {
    "en": [
        "This course introduces the concepts and tools of {topic}.",
        "Learners practise with case studies on {topic2} and a final quiz.",
        "It supports national action on target {target} of the Global Biodiversity Framework.",
    ],
    "fr": [
        "Ce cours présente les concepts et les outils de {topic}.",
        "Les apprenants s'exercent sur des études de cas sur {topic2} et un quiz final.",
        "Il soutient l'action nationale sur la cible {target} du Cadre mondial de la biodiversité.",
    ],
    "es": [
        "Este curso presenta los conceptos y herramientas de {topic}.",
        "Los participantes practican con estudios de caso sobre {topic2} y un cuestionario final.",
        "Apoya la acción nacional sobre la meta {target} del Marco Mundial de Biodiversidad.",
    ],
}
SYLLABUS = {
    "en": "<p>By the end of the course you will be able to plan {topic}.</p>"
    "<ul><li>Concepts and definitions</li><li>Methods and tools: {topic2}</li>"
    "<li>Case studies and reporting on target {target}</li></ul>",
    "fr": "<p>À la fin du cours, vous saurez planifier {topic}.</p>"
    "<ul><li>Concepts et définitions</li><li>Méthodes et outils : {topic2}</li>"
    "<li>Études de cas et rapports sur la cible {target}</li></ul>",
    "es": "<p>Al final del curso podrá planificar {topic}.</p>"
    "<ul><li>Conceptos y definiciones</li><li>Métodos y herramientas: {topic2}</li>"
    "<li>Estudios de caso e informes sobre la meta {target}</li></ul>",
}
MODULE_TITLES = {
    "en": ["Concepts and definitions", "Methods and tools", "Case studies and reporting"],
    "fr": ["Concepts et définitions", "Méthodes et outils", "Études de cas et rapports"],
    "es": ["Conceptos y definiciones", "Métodos y herramientas", "Estudios de caso e informes"],
}
LESSON_TITLE = {
    "en": "Lesson {n}: {topic}",
    "fr": "Leçon {n} : {topic}",
    "es": "Lección {n}: {topic}",
}
LESSON_BODY = {
    "en": "<p>This lesson explains {topic} with examples from {country}.</p>"
    "<p>Read the guidance, then answer the questions at the end of the module.</p>",
    "fr": "<p>Cette leçon explique {topic} avec des exemples ({country}).</p>"
    "<p>Lisez les orientations, puis répondez aux questions à la fin du module.</p>",
    "es": "<p>Esta lección explica {topic} con ejemplos ({country}).</p>"
    "<p>Lea las orientaciones y responda a las preguntas al final del módulo.</p>",
}
QUESTION = {
    "en": "Which statement about {topic} is correct? ({n})",
    "fr": "Quelle affirmation sur {topic} est correcte ? ({n})",
    "es": "¿Qué afirmación sobre {topic} es correcta? ({n})",
}
ANSWERS = {
    "en": [
        "It needs data collected over several years.",
        "It concerns only protected areas.",
        "It can be done without local communities.",
        "It has no link with the GBF targets.",
    ],
    "fr": [
        "Elle demande des données recueillies sur plusieurs années.",
        "Elle ne concerne que les aires protégées.",
        "Elle peut se faire sans les communautés locales.",
        "Elle n'a aucun lien avec les cibles du CMB.",
    ],
    "es": [
        "Requiere datos recogidos durante varios años.",
        "Solo concierne a las áreas protegidas.",
        "Puede hacerse sin las comunidades locales.",
        "No tiene relación con las metas del MMB.",
    ],
}
COMMUNITY_NAMES = {
    "en": ["Practitioners of {topic}"],
    "fr": ["Praticiens : {topic}"],
    "es": ["Profesionales de {topic}"],
}
THREAD_TITLES = {
    "en": ["{Topic}: your experience?"],
    "fr": ["{Topic} : vos expériences ?"],
    "es": ["{Topic}: ¿sus experiencias?"],
}
POST_BODIES = [
    "Has anyone used a mobile app for this? We are comparing three options.",
    "Our ministry published its guidelines last month; happy to share them.",
    "Thank you, this is very useful for our next workshop.",
    "We had the same problem with data gaps; a regional partner helped us.",
]


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("elearning")
    terms = load_terms(ctx.seed)
    organisations = list(
        Organisation.objects.filter(status=Organisation.Status.APPROVED)
        .order_by("pk")
        .values("id", "name", "created_by_id")
    )
    people = list(
        User.objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}", is_staff=False)
        .order_by("pk")
        .values("id", "full_name", "country_id")
    )
    providers = rng.sample(organisations, min(len(organisations), ctx.count(PROVIDERS, 5)))
    courses = _courses(ctx, rng, terms, providers)
    public = [c for c in courses if c["status"] in Course.PUBLIC_STATUSES]
    learner = User.objects.get(email=scale_email("learner.scale")).pk
    enrolments = _enrolments(ctx, rng, public, people, learner)
    _learning(ctx, rng, courses, enrolments, {p["id"]: p["full_name"] for p in people}, providers)
    _alumni(ctx, rng, terms, people)
    _communities(ctx, rng, terms, people)


# --- Courses --------------------------------------------------------------------------------------
def _courses(ctx: ScaleContext, rng: random.Random, terms: Terms, providers) -> list[dict]:
    count = ctx.count(COURSES, minimum=20)
    ids = reserve_ids(Course, count)
    cumulative = list(itertools.accumulate(zipf_weights(len(providers), 0.7)))
    rows, modules, lessons, quizzes, questions, choices = [], [], [], [], [], []
    links: dict[object, list[tuple[int, int]]] = {
        Course.thematic_areas: [],
        Course.targets: [],
        Course.languages: [],
    }
    module_ids = iter(reserve_ids(Module, count * MODULES))
    lesson_ids = iter(reserve_ids(Lesson, count * MODULES * LESSONS_PER_MODULE))
    quiz_ids = iter(reserve_ids(Quiz, count))
    question_ids = iter(reserve_ids(Question, count * QUESTIONS))
    formats = list(CourseFormat.values)
    for pk in ids:
        provider = rng.choices(providers, cum_weights=cumulative)[0]
        areas = some(rng, terms.areas, 1, 2)
        created = ctx.ago(rng, DAYS, skew=1.2)
        wording = Wording.draw(
            rng, terms, [a.code for a in areas], party=terms.party(rng), year=created.year
        )
        original, written = content_languages(rng, LANGUAGE_WEIGHTS)
        status = rng.choices(
            (
                CourseStatus.PUBLISHED,
                CourseStatus.ARCHIVED,
                CourseStatus.DRAFT,
                CourseStatus.IN_REVIEW,
            ),
            weights=(80, 8, 9, 3),
        )[0]
        course_format = rng.choices(formats, weights=(50, 20, 20, 10))[0]
        published = created + datetime.timedelta(days=rng.randint(5, 60))
        starts = ends = None
        if course_format == CourseFormat.MOOC:
            starts = published.date() + datetime.timedelta(days=rng.randint(7, 40))
            ends = starts + datetime.timedelta(days=rng.choice((42, 56, 70)))
        title = [rng.randrange(len(TITLES["en"]))]
        summary = indices(rng, SUMMARY, 2, 3)
        rows.append(
            {
                "id": pk,
                **translated(
                    "title",
                    {lang: wording.render(TITLES, title, lang) for lang in written},
                    original,
                ),
                **translated(
                    "summary",
                    {lang: wording.render(SUMMARY, summary, lang) for lang in written},
                    original,
                ),
                **translated(
                    "syllabus",
                    {lang: SYLLABUS[lang].format(**wording.values(lang)) for lang in written},
                    original,
                ),
                "language": original,
                "format": course_format,
                "level": rng.choices(CourseLevel.values, weights=(50, 35, 15))[0],
                "estimated_hours": rng.choice((2, 4, 6, 10, 20, 40)),
                "provider_id": provider["id"],
                "certificate_offered": rng.random() < 0.85,
                "status": status,
                "starts_on": starts,
                "ends_on": ends,
                "created_by_id": provider["created_by_id"],
                "created_at": created,
                "updated_at": created,
                "submitted_at": published if status != CourseStatus.DRAFT else None,
                "published_at": published if status in Course.PUBLIC_STATUSES else None,
                "archived_at": (
                    published + datetime.timedelta(days=400)
                    if status == CourseStatus.ARCHIVED
                    else None
                ),
                "_provider_name": provider["name"],
                "_title": wording.render(TITLES, title, original),
            }
        )
        for area in areas:
            links[Course.thematic_areas].append((pk, area.id))
        numbers = sorted({n for a in areas for n in AREA_TARGETS.get(a.code, ())})[:3]
        links[Course.targets].extend((pk, terms.targets[n]) for n in numbers)
        codes = {original, *(["en"] if rng.random() < 0.3 else [])}
        links[Course.languages].extend(
            (pk, terms.languages[c]) for c in sorted(codes) if c in terms.languages
        )
        values = wording.values(original)
        lesson_number = 0
        for position in range(MODULES):
            module = next(module_ids)
            modules.append(
                {
                    "id": module,
                    "course_id": pk,
                    "position": position,
                    **translated("title", {original: MODULE_TITLES[original][position]}, original),
                    **translated("summary", {original: ""}, original),
                }
            )
            for lesson_position in range(LESSONS_PER_MODULE):
                lesson_number += 1
                lesson = next(lesson_ids)
                is_quiz = position == MODULES - 1 and lesson_position == LESSONS_PER_MODULE - 1
                topic = wording.topics[lesson_number % 3][LANGUAGES.index(original)]
                lesson_values = {**values, "topic": topic, "n": lesson_number}
                lessons.append(
                    {
                        "id": lesson,
                        "course_id": pk,
                        "module_id": module,
                        "position": lesson_position,
                        "kind": Lesson.Kind.QUIZ if is_quiz else Lesson.Kind.CONTENT,
                        **translated(
                            "title",
                            {original: LESSON_TITLE[original].format(**lesson_values)},
                            original,
                        ),
                        **translated(
                            "body",
                            {
                                original: ""
                                if is_quiz
                                else LESSON_BODY[original].format(**lesson_values)
                            },
                            original,
                        ),
                        "estimated_minutes": rng.choice((10, 15, 20, 30)),
                    }
                )
                if is_quiz:
                    quiz = next(quiz_ids)
                    quizzes.append(
                        {"id": quiz, "lesson_id": lesson, "pass_mark": 70, "max_attempts": 3}
                    )
                    for number in range(QUESTIONS):
                        question = next(question_ids)
                        questions.append(
                            {
                                "id": question,
                                "quiz_id": quiz,
                                "position": number,
                                **translated(
                                    "text",
                                    {
                                        original: QUESTION[original].format(
                                            **{**values, "n": number + 1}
                                        )
                                    },
                                    original,
                                ),
                            }
                        )
                        for answer, text in enumerate(ANSWERS[original]):
                            choices.append(
                                {
                                    "question_id": question,
                                    "position": answer,
                                    "is_correct": answer == 0,
                                    **translated("text", {original: text}, original),
                                    **translated("feedback", {original: ""}, original),
                                }
                            )
    ctx.step(
        "courses", copy_rows(Course, ({k: v for k, v in r.items() if k[0] != "_"} for r in rows))
    )
    for field, pairs in links.items():
        ctx.step(f"  {field.field.name}", copy_links(field, pairs))
    ctx.step("  modules", copy_rows(Module, modules))
    ctx.step("  lessons", copy_rows(Lesson, lessons))
    ctx.step("  quizzes", copy_rows(Quiz, quizzes))
    ctx.step("  questions", copy_rows(Question, questions))
    ctx.step("  answers", copy_rows(Choice, choices))
    return rows


# --- Enrolments -----------------------------------------------------------------------------------
def _enrolments(ctx, rng: random.Random, courses: list[dict], people: list[dict], learner: int):
    if not courses or not people:
        return []
    count = ctx.count(ENROLMENTS, minimum=100)
    weights = zipf_weights(len(courses), 0.9)
    rng.shuffle(courses)  # popularity does not follow the id order
    pairs: dict[tuple[int, int], tuple[dict, dict]] = {}
    named = [p for p in people if p["id"] == learner]
    for course in rng.sample(courses, min(len(courses), 30)):
        pairs[(course["id"], learner)] = (course, named[0])
    while len(pairs) < count:
        batch = count - len(pairs)
        for course, person in zip(
            rng.choices(courses, weights=weights, k=batch),
            rng.choices(people, k=batch),
            strict=True,
        ):
            pairs.setdefault((course["id"], person["id"]), (course, person))
        if batch > len(courses) * len(people):  # tiny data sets: every pair taken
            break
    ids = reserve_ids(Enrolment, len(pairs))
    rows = []
    for pk, (course, person) in zip(ids, pairs.values(), strict=False):
        opened = course["published_at"] or course["created_at"]
        enrolled = opened + (ctx.now - opened) * rng.random() ** 1.3
        status = rng.choices(EnrolmentStatus.values, weights=(3, 55, 32, 10))[0]
        age = (ctx.now - enrolled).days
        if age < 20 and status == EnrolmentStatus.COMPLETED:
            status = EnrolmentStatus.ACTIVE
        rows.append(
            {
                "id": pk,
                "course_id": course["id"],
                "user_id": person["id"],
                "status": status,
                "country_id": person["country_id"],
                "enrolled_at": enrolled,
                "completed_at": (
                    enrolled + datetime.timedelta(days=rng.randint(7, max(7, min(age, 120))))
                    if status == EnrolmentStatus.COMPLETED
                    else None
                ),
                "withdrawn_at": (
                    enrolled + datetime.timedelta(days=rng.randint(1, max(1, min(age, 60))))
                    if status == EnrolmentStatus.WITHDRAWN
                    else None
                ),
            }
        )
        if rows[-1]["completed_at"]:
            rows[-1]["completed_at"] = min(ctx.now, rows[-1]["completed_at"])
        if rows[-1]["withdrawn_at"]:
            rows[-1]["withdrawn_at"] = min(ctx.now, rows[-1]["withdrawn_at"])
    ctx.step("enrolments", copy_rows(Enrolment, rows))
    return rows


def _learning(ctx, rng, courses, enrolments, names: dict[int, str], providers) -> None:
    """Progress (the last lesson each learner saw), certificates and survey answers."""
    lessons: dict[int, list[int]] = {}
    for course_id, lesson_id in Lesson.objects.order_by(
        "course_id", "module__position", "position"
    ).values_list("course_id", "pk"):
        lessons.setdefault(course_id, []).append(lesson_id)
    course_by_id = {c["id"]: c for c in courses}
    progress, certificates, surveys = [], [], []
    counts: Counter = Counter()
    completions: Counter = Counter()
    for enrolment in enrolments:
        course = course_by_id[enrolment["course_id"]]
        status = enrolment["status"]
        if status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
            counts[course["id"]] += 1
        if status == EnrolmentStatus.INVITED:
            continue
        course_lessons = lessons.get(course["id"]) or []
        if not course_lessons:
            continue
        done = status == EnrolmentStatus.COMPLETED
        seen = course_lessons[-1] if done else rng.choice(course_lessons)
        moment = enrolment["completed_at"] or min(
            ctx.now, enrolment["enrolled_at"] + datetime.timedelta(days=rng.randint(0, 30))
        )
        progress.append(
            {
                "enrolment_id": enrolment["id"],
                "lesson_id": seen,
                "last_seen_at": moment,
                "completed_at": moment if done else None,
            }
        )
        if not done:
            continue
        completions[course["id"]] += 1
        if course["certificate_offered"]:
            certificates.append(
                {
                    "enrolment_id": enrolment["id"],
                    "code": f"{rng.getrandbits(128):032x}",
                    "learner_name": names.get(enrolment["user_id"], ""),
                    "course_title": course["_title"][:300],
                    "provider_name": course["_provider_name"][:300],
                    "issued_at": moment,
                }
            )
        if rng.random() < 0.3:
            surveys.append(
                {
                    "enrolment_id": enrolment["id"],
                    "course_id": course["id"],
                    "quality": rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 15, 45, 34))[0],
                    "effectiveness": rng.choices((1, 2, 3, 4, 5), weights=(3, 6, 20, 45, 26))[0],
                    "relevance": rng.choices(("high", "some", "low"), weights=(60, 32, 8))[0],
                    "submitted_at": moment,
                }
            )
    ctx.step("  lesson progress", copy_rows(LessonProgress, progress))
    ctx.step("  certificates", copy_rows(Certificate, certificates))
    ctx.step("  course surveys", copy_rows(SurveyResponse, surveys))
    # The counters the services keep (F() updates), set in one statement per course.
    Course.objects.bulk_update(
        [
            Course(pk=pk, enrolment_count=counts[pk], completion_count=completions[pk])
            for pk in course_by_id
        ],
        ["enrolment_count", "completion_count"],
        batch_size=1000,
    )


# --- Alumni and communities -----------------------------------------------------------------------
def _alumni(ctx, rng, terms: Terms, people) -> None:
    count = min(len(people), ctx.count(ALUMNI, minimum=5))
    ids = reserve_ids(Alumnus, count)
    rows, expertise = [], []
    for pk, person in zip(ids, rng.sample(people, count), strict=True):
        rows.append(
            {
                "id": pk,
                "user_id": person["id"],
                "full_name": person["full_name"],
                "email": f"alumnus{pk}@{SCALE_EMAIL_DOMAIN}",
                "country_id": person["country_id"],
                "in_directory": rng.random() < 0.6,
                "last_active_at": ctx.ago(rng, 700),
                "created_at": ctx.ago(rng, DAYS),
            }
        )
        expertise.extend((pk, area.id) for area in some(rng, terms.areas, 1, 2))
    ctx.step("alumni", copy_rows(Alumnus, rows))
    ctx.step("  expertise", copy_links(Alumnus.expertise, expertise))


def _communities(ctx, rng, terms: Terms, people) -> None:
    count = ctx.count(COMMUNITIES, minimum=3)
    ids = reserve_ids(Community, count)
    communities, members, threads, posts, targets = [], [], [], [], []
    thread_ids = iter(reserve_ids(Thread, count * THREADS_PER_COMMUNITY))
    for pk in ids:
        area = rng.choice(terms.areas)
        wording = Wording.draw(rng, terms, [area.code])
        original = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
        created = ctx.ago(rng, DAYS)
        team = rng.sample(people, min(len(people), rng.randint(20, 120)))
        for number, person in enumerate(team):
            members.append(
                {
                    "community_id": pk,
                    "user_id": person["id"],
                    "role": "moderator" if number == 0 else "member",
                    "joined_at": max(created, ctx.ago(rng, DAYS)),
                }
            )
        last_post = created
        for _ in range(THREADS_PER_COMMUNITY):
            thread = next(thread_ids)
            started = max(created, ctx.ago(rng, DAYS, skew=1.2))
            moment = started
            written = rng.randint(1, POSTS_PER_THREAD)
            for _reply in range(written):
                posts.append(
                    {
                        "thread_id": thread,
                        "author_id": rng.choice(team)["id"],
                        "body": rng.choice(POST_BODIES),
                        "created_at": moment,
                    }
                )
                moment = min(ctx.now, moment + datetime.timedelta(hours=rng.randint(1, 200)))
            threads.append(
                {
                    "id": thread,
                    "community_id": pk,
                    "author_id": team[0]["id"],
                    "title": wording.render(THREAD_TITLES, [0], original),
                    "created_at": started,
                    "last_post_at": posts[-1]["created_at"],
                    "reply_count": written - 1,
                }
            )
            last_post = max(last_post, posts[-1]["created_at"])
        communities.append(
            {
                "id": pk,
                "slug": f"community-{pk}",
                **translated(
                    "name", {original: wording.render(COMMUNITY_NAMES, [0], original)}, original
                ),
                **translated(
                    "description",
                    {original: wording.render(SUMMARY, [0, 1], original)},
                    original,
                ),
                "thematic_area_id": area.id,
                "is_open": True,
                "created_by_id": team[0]["id"],
                "created_at": created,
                "last_post_at": last_post,
                "member_count": len(team),
            }
        )
        targets.extend((pk, terms.targets[n]) for n in AREA_TARGETS.get(area.code, ())[:1])
    ctx.step("communities", copy_rows(Community, communities))
    ctx.step("  members", copy_rows(CommunityMembership, members))
    ctx.step("  targets", copy_links(Community.targets, targets))
    ctx.step("  threads", copy_rows(Thread, threads))
    ctx.step("  posts", copy_rows(Post, posts))
