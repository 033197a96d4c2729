"""Writes of course authoring by the members of provider organisations: courses, modules,
lessons, quizzes and their questions, submission for the quality review, the review's decision,
archiving, and cohorts.

Each function checks first, then changes, in one transaction: it asks the permission of
``elearning/rules.py`` (``PermissionDenied`` otherwise), locks the course's row
(``select_for_update``, so that an edit and a submission for review never interleave) and checks
that the course is still in a status that allows the change (a translated ``ValidationError``
saying "reload" otherwise). Errors name the fields the callers pass (``title``, ``video_url``,
``choices``...), so pages show them next to their inputs (``add_service_errors``).

Content (titles, summaries, syllabus, lesson text, questions and answers) is written in the
course's original ``language``: into the ``<field>_<language>`` columns of modeltranslation,
whatever the language of the page. Rich text (syllabus, lesson text) is sanitised
(``chm_portal.core.richtext.sanitise_html``) before it is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from chm_portal.accounts.models import User
from chm_portal.accounts.roles import CONTENT_REVIEWERS_GROUP, SITE_ADMINS_GROUP
from chm_portal.alerts.services import inbox_send
from chm_portal.core.richtext import is_embeddable_video, sanitise_html
from chm_portal.core.validators import validate_no_markup, validate_upload
from chm_portal.quality import selectors as quality_selectors
from chm_portal.quality import services as quality
from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.models import GBFTarget, Language, ThematicArea
from partners.models import Organisation, Resource

from ..models import (
    AttemptAnswer,
    Choice,
    Cohort,
    Course,
    CourseStatus,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
)

__all__ = [
    "ALLOWED_ATTACHMENTS",
    "ALLOWED_IMAGES",
    "COURSE_FIELDS",
    "COURSE_RELATIONS",
    "add_lesson",
    "add_module",
    "add_question",
    "add_quiz_lesson",
    "apply_review_decision",
    "archive_course",
    "content_value",
    "create_cohort",
    "create_course",
    "delete_course",
    "delete_lesson",
    "delete_module",
    "delete_question",
    "move_lesson",
    "move_module",
    "record_course_improvements",
    "submit_for_review",
    "update_course",
    "update_lesson",
    "update_module",
    "update_question",
    "update_quiz",
]

COURSE_CONTENT = ("title", "summary", "syllabus")
COURSE_FIELDS = (
    *COURSE_CONTENT,
    "language",
    "format",
    "level",
    "estimated_hours",
    "certificate_offered",
    "enrolment_mode",
    "starts_on",
    "ends_on",
    "enrolment_closes_on",
    "image",
)
COURSE_RELATIONS = {"languages": Language, "targets": GBFTarget, "thematic_areas": ThematicArea}
MODULE_FIELDS = ("title", "summary")
LESSON_FIELDS = (
    "title",
    "body",
    "video_url",
    "attachment",
    "remove_attachment",
    "resources",
    "required",
    "estimated_minutes",
)
QUIZ_FIELDS = ("title", "body", "pass_mark", "max_attempts", "required", "estimated_minutes")
UP, DOWN = "up", "down"

# Uploads: extension -> the MIME type its content must have.
ALLOWED_ATTACHMENTS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024
ALLOWED_IMAGES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
MAX_IMAGE_SIZE = 5 * 1024 * 1024


# --- Helpers ----------------------------------------------------------------------------------
def _check(by, permission: str, obj: Any, message) -> None:
    if not by.has_perm(permission, obj):
        raise PermissionDenied(message)


def _localized(field: str, language: str) -> str:
    return build_localized_fieldname(field, language.replace("-", "_"))


def content_value(obj: Model, field: str, language: str) -> str:
    """What ``obj.<field>`` says in ``language`` (no fallback): the text authors edit."""
    return getattr(obj, _localized(field, language), None) or ""


def _set_content(obj: Model, field: str, value: str, language: str) -> None:
    setattr(obj, _localized(field, language), value)


def _fields(values: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = tuple(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in unknown}, code="unknown"
        )
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }


def _plain(value: str | None, *, field: str, required: bool = False, message=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    try:
        validate_no_markup(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return value


def _full_clean(obj: Model, *, language: str, content: Sequence[str], exclude=()) -> None:
    """The model's validation, with the errors of ``<field>_<language>`` named ``<field>``;
    the translated base columns are checked through their original-language column."""
    try:
        obj.full_clean(
            exclude=[*content, *exclude], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        renamed: dict[str, list] = {}
        for name, messages in error.message_dict.items():
            for field in content:
                if name == _localized(field, language):
                    name = field
            renamed.setdefault(name, []).extend(messages)
        raise ValidationError(renamed) from error


def _validate_file(file: UploadedFile | None, *, field: str, allowed, max_size: int) -> None:
    if file is None:
        return
    try:
        validate_upload(file, allowed=allowed, max_size=max_size)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def _forget_file(field_file) -> None:
    """Delete a replaced upload from storage once the change is committed."""
    name = getattr(field_file, "name", "")
    if name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def _stale(course: Course) -> ValidationError:
    return ValidationError(
        _("The course is now “%(status)s”: this change is not possible. Reload the page."),
        code="stale",
        params={"status": course.get_status_display()},
    )


def _lock_course(course: Course, *, statuses: Iterable[str]) -> Course:
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.status not in tuple(statuses):
        raise _stale(locked)
    return locked


EDITABLE = (CourseStatus.DRAFT, CourseStatus.PUBLISHED)


def _editable_course(course: Course, by) -> Course:
    """Check ``by`` may change the course, then lock it and check it is still editable (a course
    waits for its review or is archived: frozen)."""
    _check(by, "elearning.change_course", course, _("You cannot change this course."))
    return _lock_course(course, statuses=EDITABLE)


def _ids(values: Iterable | None, *, field: str) -> set[int]:
    """The primary keys of ``values`` (objects or ids); anything else is a validation error."""
    try:
        return {item.pk if isinstance(item, Model) else int(item) for item in values or []}
    except (TypeError, ValueError) as error:
        raise ValidationError({field: _("Choose from the list.")}) from error


def _relation_values(model: type[Model], values: Iterable, *, field: str) -> list[Model]:
    ids = _ids(values, field=field)
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: _("Choose from the list.")})
    return found


def _refuse_if_learners_started(lessons: Iterable[Lesson]) -> None:
    if LessonProgress.objects.filter(lesson__in=list(lessons)).exists():
        raise ValidationError(
            _(
                "Learners have started this part of the course: it cannot be deleted. Change it "
                "or mark its lessons as not required instead."
            ),
            code="in_use",
        )


# --- Courses ----------------------------------------------------------------------------------
def _assign_course(course: Course, values: dict[str, Any]) -> dict[str, list[Model]]:
    """Set the course's fields from ``values`` (content into its original language's columns);
    returns the many-to-many relations to set once it is saved."""
    languages = [code for code, _name in settings.CONTENT_LANGUAGES]
    language = values.pop("language", None) or course.language
    if language not in languages:
        raise ValidationError({"language": _("Choose one of the content languages.")})
    course.language = language
    for field in COURSE_CONTENT:
        if field in values:
            value = values.pop(field) or ""
            # The syllabus is rich text (sanitised); the title and summary are plain.
            value = sanitise_html(value) if field == "syllabus" else _plain(value, field=field)
            _set_content(course, field, value, language)
    image = values.pop("image", None)
    if image is False and course.image:  # "clear" ticked on the form
        _forget_file(course.image)
        course.image = ""
    elif image:
        _validate_file(image, field="image", allowed=ALLOWED_IMAGES, max_size=MAX_IMAGE_SIZE)
        _forget_file(course.image)
        course.image = image
    relations = {
        name: _relation_values(COURSE_RELATIONS[name], values.pop(name), field=name)
        for name in list(values)
        if name in COURSE_RELATIONS
    }
    for name, value in values.items():
        setattr(course, name, value)
    errors = {}
    for field in ("title", "summary"):
        if not content_value(course, field, language).strip():
            errors[field] = _("Write this in the course's original language.")
    if errors:
        raise ValidationError(errors)
    _full_clean(course, language=language, content=COURSE_CONTENT, exclude=["image"])
    return relations


@transaction.atomic
def create_course(*, provider: Organisation, by: User, **fields: Any) -> Course:
    """A draft course of ``provider`` (one of ``by``'s organisations, approved).

    ``fields``: :data:`COURSE_FIELDS` (``title`` and ``summary`` required, in ``language``) and
    the relations ``languages``, ``targets``, ``thematic_areas`` (objects or ids). A MOOC needs
    its start and end dates.
    """
    _check(
        by,
        "elearning.add_course",
        provider,
        _("Only the members of an organisation create its courses."),
    )
    if provider.status != Organisation.Status.APPROVED:
        raise ValidationError(
            {"provider": _("The organisation is not approved yet: it cannot offer courses.")}
        )
    values = _fields(fields, (*COURSE_FIELDS, *COURSE_RELATIONS))
    course = Course(provider=provider, created_by=by, status=CourseStatus.DRAFT)
    relations = _assign_course(course, values)
    course.save()
    for name, items in relations.items():
        getattr(course, name).set(items)
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, **fields: Any) -> Course:
    """Change what a draft or published course says; only the fields given are written (a new
    ``image`` replaces the old one, deleted after commit)."""
    locked = _editable_course(course, by)
    values = _fields(fields, (*COURSE_FIELDS, *COURSE_RELATIONS))
    relations = _assign_course(locked, values)
    locked.save()
    for name, items in relations.items():
        getattr(locked, name).set(items)
    return locked


@transaction.atomic
def delete_course(*, course: Course, by: User) -> None:
    """Delete a draft course and everything in it (a course once published is archived)."""
    _check(by, "elearning.delete_course", course, _("Only draft courses can be deleted."))
    locked = _lock_course(course, statuses=(CourseStatus.DRAFT,))
    if locked.enrolments.exists():
        raise ValidationError(
            _("Learners are enrolled in this course: archive it rather than delete it."),
            code="in_use",
        )
    _forget_file(locked.image)
    for lesson in locked.lessons.exclude(attachment=""):
        _forget_file(lesson.attachment)
    locked.delete()


@transaction.atomic
def archive_course(*, course: Course, by: User) -> Course:
    """Archive a published course: it stays readable, takes no new enrolment, and learners
    already enrolled keep their progress and certificates."""
    _check(by, "elearning.archive_course", course, _("You cannot archive this course."))
    locked = _lock_course(course, statuses=(CourseStatus.PUBLISHED,))
    locked.status = CourseStatus.ARCHIVED
    locked.archived_at = timezone.now()
    locked.save(update_fields=["status", "archived_at", "updated_at"])
    return locked


# --- Modules ----------------------------------------------------------------------------------
def _next_position(queryset) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _assign_module(module: Module, values: dict[str, Any], language: str) -> None:
    for field in MODULE_FIELDS:
        if field in values:
            value = _plain(values[field], field=field, required=field == "title")
            _set_content(module, field, value, language)
    if not content_value(module, "title", language):
        raise ValidationError({"title": _("Give the module a title.")})
    _full_clean(module, language=language, content=MODULE_FIELDS, exclude=["course"])


@transaction.atomic
def add_module(*, course: Course, by: User, title: str, summary: str = "") -> Module:
    """A module at the end of the course."""
    locked = _editable_course(course, by)
    module = Module(course=locked, position=_next_position(locked.modules.all()))
    _assign_module(module, {"title": title, "summary": summary}, locked.language)
    module.save()
    return module


def _module_course(module: Module, by) -> Course:
    return _editable_course(module.course, by)


@transaction.atomic
def update_module(*, module: Module, by: User, **fields: Any) -> Module:
    course = _module_course(module, by)
    values = _fields(fields, MODULE_FIELDS)
    locked = Module.objects.get(pk=module.pk)
    _assign_module(locked, values, course.language)
    locked.save()
    return locked


@transaction.atomic
def delete_module(*, module: Module, by: User) -> None:
    """Delete a module and its lessons, unless learners started one of them."""
    _module_course(module, by)
    lessons = list(module.lessons.all())
    _refuse_if_learners_started(lessons)
    for lesson in lessons:
        if lesson.attachment:
            _forget_file(lesson.attachment)
    module.delete()


def _renumber(rows: list) -> list:
    """Positions 0..n-1 in the current order; returns the rows whose position changed."""
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    return changed


@transaction.atomic
def move_module(*, module: Module, by: User, direction: str) -> Module:
    """Move a module one place up or down in its course (nothing happens at either end)."""
    course = _module_course(module, by)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move up or down.")})
    modules = list(course.modules.order_by("position", "pk"))
    index = next(i for i, row in enumerate(modules) if row.pk == module.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(modules):
        modules[index], modules[other] = modules[other], modules[index]
    changed = _renumber(modules)
    if changed:
        Module.objects.bulk_update(changed, ["position"])
    return next(row for row in modules if row.pk == module.pk)


# --- Lessons ----------------------------------------------------------------------------------
def _resources(values: Iterable) -> list[Resource]:
    ids = _ids(values, field="resources")
    found = list(Resource.objects.public().filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError(
            {"resources": _("Only published resources of the partners' database can be used.")}
        )
    return found


def _assign_lesson(lesson: Lesson, values: dict[str, Any], language: str) -> list[Resource] | None:
    """Set a lesson's fields; returns its resources to set once saved (None: unchanged)."""
    if "title" in values:
        _set_content(lesson, "title", _plain(values.pop("title"), field="title"), language)
    if "body" in values:
        _set_content(lesson, "body", sanitise_html(values.pop("body") or ""), language)
    if "video_url" in values:
        video_url = (values.pop("video_url") or "").strip()
        if video_url and not is_embeddable_video(video_url):
            raise ValidationError(
                {
                    "video_url": _(
                        "This video cannot be embedded: give the address of a YouTube or Vimeo "
                        "video."
                    )
                }
            )
        lesson.video_url = video_url
    attachment = values.pop("attachment", None)
    if values.pop("remove_attachment", False) and lesson.attachment:
        _forget_file(lesson.attachment)
        lesson.attachment = ""
    if attachment:
        _validate_file(
            attachment,
            field="attachment",
            allowed=ALLOWED_ATTACHMENTS,
            max_size=MAX_ATTACHMENT_SIZE,
        )
        if lesson.attachment:
            _forget_file(lesson.attachment)
        lesson.attachment = attachment
    resources = _resources(values.pop("resources")) if "resources" in values else None
    for name in ("required", "estimated_minutes"):
        if name in values and values[name] is not None:
            setattr(lesson, name, values.pop(name))
    if not content_value(lesson, "title", language):
        raise ValidationError({"title": _("Give the lesson a title.")})
    _full_clean(
        lesson,
        language=language,
        content=("title", "body"),
        exclude=["course", "module", "attachment"],
    )
    return resources


@transaction.atomic
def add_lesson(*, module: Module, by: User, title: str, **fields: Any) -> Lesson:
    """A content lesson at the end of ``module``: ``body`` (HTML, sanitised), ``video_url``
    (YouTube or Vimeo), ``attachment`` (PDF, DOCX, PPTX, XLSX, ODT, PNG or JPG, 20 MB at most),
    ``resources`` (published resources of the partners' database), ``required``,
    ``estimated_minutes``."""
    course = _module_course(module, by)
    values = _fields({"title": title, **fields}, LESSON_FIELDS)
    lesson = Lesson(
        course=course,
        module=module,
        kind=Lesson.Kind.CONTENT,
        position=_next_position(module.lessons.all()),
    )
    resources = _assign_lesson(lesson, values, course.language)
    lesson.save()
    if resources:
        lesson.resources.set(resources)
    return lesson


def _lesson_course(lesson: Lesson, by) -> Course:
    return _editable_course(lesson.course, by)


@transaction.atomic
def update_lesson(*, lesson: Lesson, by: User, **fields: Any) -> Lesson:
    """Change a content lesson; ``remove_attachment=True`` drops its file."""
    course = _lesson_course(lesson, by)
    values = _fields(fields, LESSON_FIELDS)
    locked = Lesson.objects.get(pk=lesson.pk)
    resources = _assign_lesson(locked, values, course.language)
    locked.save()
    if resources is not None:
        locked.resources.set(resources)
    return locked


@transaction.atomic
def delete_lesson(*, lesson: Lesson, by: User) -> None:
    """Delete a lesson (or quiz), unless learners started it."""
    _lesson_course(lesson, by)
    _refuse_if_learners_started([lesson])
    if lesson.attachment:
        _forget_file(lesson.attachment)
    lesson.delete()


@transaction.atomic
def move_lesson(*, lesson: Lesson, by: User, direction: str) -> Lesson:
    """Move a lesson one place up or down; from either end of its module it moves to the end
    of the previous module or the start of the next one."""
    course = _lesson_course(lesson, by)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move up or down.")})
    modules = list(course.modules.order_by("position", "pk"))
    module_index = next(i for i, row in enumerate(modules) if row.pk == lesson.module_id)
    lessons = list(Lesson.objects.filter(module_id=lesson.module_id).order_by("position", "pk"))
    index = next(i for i, row in enumerate(lessons) if row.pk == lesson.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(lessons):
        lessons[index], lessons[other] = lessons[other], lessons[index]
        changed = _renumber(lessons)
        moved = next(row for row in lessons if row.pk == lesson.pk)
    else:
        target_index = module_index - 1 if direction == UP else module_index + 1
        if not 0 <= target_index < len(modules):
            return lesson
        target = modules[target_index]
        moved = lessons.pop(index)
        others = list(Lesson.objects.filter(module=target).order_by("position", "pk"))
        moved.module = target
        if direction == UP:
            others.append(moved)
        else:
            others.insert(0, moved)
        changed = _renumber(lessons) + _renumber(others)
        if moved not in changed:
            changed.append(moved)
    if changed:
        Lesson.objects.bulk_update(changed, ["position", "module"])
    return moved


# --- Quizzes ----------------------------------------------------------------------------------
def _assign_quiz(lesson: Lesson, quiz: Quiz, values: dict[str, Any], language: str) -> None:
    lesson_values = {
        name: values[name]
        for name in ("title", "body", "required", "estimated_minutes")
        if name in values
    }
    _assign_lesson(lesson, lesson_values, language)
    if "pass_mark" in values:
        quiz.pass_mark = values["pass_mark"]
    if "max_attempts" in values:
        quiz.max_attempts = values["max_attempts"] or None
    try:
        quiz.full_clean(exclude=["lesson"], validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


@transaction.atomic
def add_quiz_lesson(
    *,
    module: Module,
    by: User,
    title: str,
    body: str = "",
    pass_mark: int = 70,
    max_attempts: int | None = None,
    required: bool = True,
    estimated_minutes: int = 10,
) -> Lesson:
    """A quiz at the end of ``module`` (a lesson of kind "quiz" with its :class:`Quiz`); its
    questions are added with :func:`add_question`."""
    course = _module_course(module, by)
    lesson = Lesson(
        course=course,
        module=module,
        kind=Lesson.Kind.QUIZ,
        position=_next_position(module.lessons.all()),
    )
    quiz = Quiz()
    values = {
        "title": title,
        "body": body,
        "pass_mark": pass_mark,
        "max_attempts": max_attempts,
        "required": required,
        "estimated_minutes": estimated_minutes,
    }
    _assign_quiz(lesson, quiz, values, course.language)
    lesson.save()
    quiz.lesson = lesson
    quiz.save()
    return lesson


@transaction.atomic
def update_quiz(*, quiz: Quiz, by: User, **fields: Any) -> Quiz:
    """Change a quiz's title, introduction, pass mark, attempts allowed, whether it is required
    and its estimated minutes."""
    course = _lesson_course(quiz.lesson, by)
    values = _fields(fields, QUIZ_FIELDS)
    locked = Quiz.objects.select_related("lesson").get(pk=quiz.pk)
    _assign_quiz(locked.lesson, locked, values, course.language)
    locked.lesson.save()
    locked.save()
    return locked


def _clean_choices(kind: str, choices: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Checked answers: text required and plain; at least two; one correct answer for a
    single-choice question, at least one for a multiple-choice one."""
    cleaned = []
    for choice in choices:
        text = _plain(choice.get("text"), field="choices")
        if not text:
            if choice.get("is_correct") or (choice.get("feedback") or "").strip():
                raise ValidationError({"choices": _("Write the text of every answer.")})
            continue
        cleaned.append(
            {
                "id": choice.get("id") or None,
                "text": text,
                "is_correct": bool(choice.get("is_correct")),
                "feedback": _plain(choice.get("feedback"), field="choices"),
            }
        )
    if len(cleaned) < 2:
        raise ValidationError({"choices": _("Give at least two answers.")})
    correct = sum(1 for choice in cleaned if choice["is_correct"])
    if kind == Question.Kind.SINGLE and correct != 1:
        raise ValidationError(
            {"choices": _("Mark exactly one answer as correct: learners choose one answer.")}
        )
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError({"choices": _("Mark at least one answer as correct.")})
    return cleaned


def _answered(question: Question) -> bool:
    return question.pk is not None and AttemptAnswer.objects.filter(question=question).exists()


def _save_choices(question: Question, cleaned: list[dict[str, Any]], language: str) -> None:
    existing = {choice.pk: choice for choice in question.choices.all()} if question.pk else {}
    keep = set()
    for position, values in enumerate(cleaned):
        choice = existing.get(values["id"]) if values["id"] else None
        if values["id"] and choice is None:
            raise ValidationError(
                {"choices": _("One of the answers belongs to another question. Reload the page.")}
            )
        if choice is None:
            choice = Choice(question=question)
        _set_content(choice, "text", values["text"], language)
        _set_content(choice, "feedback", values["feedback"], language)
        choice.is_correct = values["is_correct"]
        choice.position = position
        _full_clean(choice, language=language, content=("text", "feedback"), exclude=["question"])
        choice.save()
        keep.add(choice.pk)
    removed = [pk for pk in existing if pk not in keep]
    if removed:
        if _answered(question):
            raise ValidationError(
                {
                    "choices": _(
                        "Learners have answered this question: its answers cannot be removed. "
                        "Add a new question instead."
                    )
                }
            )
        Choice.objects.filter(pk__in=removed).delete()


def _assign_question(question: Question, *, text, kind, language: str) -> None:
    if text is not None:
        _set_content(
            question,
            "text",
            _plain(text, field="text", required=True, message=_("Write the question.")),
            language,
        )
    if kind is not None:
        if kind not in Question.Kind.values:
            raise ValidationError({"kind": _("Choose one answer or several answers.")})
        question.kind = kind
    _full_clean(question, language=language, content=("text",), exclude=["quiz"])


@transaction.atomic
def add_question(
    *,
    quiz: Quiz,
    by: User,
    text: str,
    kind: str = Question.Kind.SINGLE,
    choices: Sequence[Mapping[str, Any]],
) -> Question:
    """A question at the end of ``quiz`` with its ``choices`` (``text``, ``is_correct``,
    ``feedback``): at least two, exactly one correct for ``single``, at least one for
    ``multiple``."""
    course = _lesson_course(quiz.lesson, by)
    question = Question(quiz=quiz, position=_next_position(quiz.questions.all()))
    _assign_question(question, text=text, kind=kind, language=course.language)
    cleaned = _clean_choices(question.kind, choices)
    question.save()
    _save_choices(question, cleaned, course.language)
    return question


@transaction.atomic
def update_question(
    *,
    question: Question,
    by: User,
    text: str | None = None,
    kind: str | None = None,
    choices: Sequence[Mapping[str, Any]] | None = None,
) -> Question:
    """Change a question; ``choices`` (when given) are its answers from now on: those with an
    ``id`` are changed, the others added, the missing ones removed (not once learners answered
    the question)."""
    course = _lesson_course(question.quiz.lesson, by)
    locked = Question.objects.get(pk=question.pk)
    _assign_question(locked, text=text, kind=kind, language=course.language)
    if choices is None:
        current = [
            {
                "id": choice.pk,
                "text": content_value(choice, "text", course.language) or choice.text,
                "is_correct": choice.is_correct,
                "feedback": content_value(choice, "feedback", course.language),
            }
            for choice in locked.choices.all()
        ]
        _clean_choices(locked.kind, current)
        locked.save()
        return locked
    cleaned = _clean_choices(locked.kind, choices)
    locked.save()
    _save_choices(locked, cleaned, course.language)
    return locked


@transaction.atomic
def delete_question(*, question: Question, by: User) -> None:
    """Delete a question nobody answered yet."""
    _lesson_course(question.quiz.lesson, by)
    if _answered(question):
        raise ValidationError(
            _("Learners have answered this question: it cannot be deleted."), code="in_use"
        )
    question.delete()


# --- Review -----------------------------------------------------------------------------------
def _readiness_errors(course: Course) -> list:
    """What keeps a course from being reviewed: no required lesson, an empty quiz."""
    errors = []
    lessons = list(course.lessons.select_related("quiz"))
    if not course.modules.exists() or not any(lesson.required for lesson in lessons):
        errors.append(_("Add at least one module with a required lesson."))
    with_questions = set(
        Question.objects.filter(quiz__lesson__course=course).values_list(
            "quiz__lesson_id", flat=True
        )
    )
    for lesson in lessons:
        if lesson.kind == Lesson.Kind.QUIZ and lesson.pk not in with_questions:
            errors.append(_("The quiz “%(title)s” has no question yet.") % {"title": lesson.title})
    return errors


def _pending_follow_up(course: Course) -> QualityReview | None:
    """The last review of the course that requested improvements not yet confirmed."""
    return quality_selectors.review_awaiting_improvements(course)


def _reviewers() -> list[User]:
    reviewers = list(
        User.objects.filter(is_active=True, groups__name=CONTENT_REVIEWERS_GROUP).distinct()
    )
    if reviewers:
        return reviewers
    return list(User.objects.filter(is_active=True, groups__name=SITE_ADMINS_GROUP).distinct())


def _notify_reviewers(course_id: int, review_id: int) -> None:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return
    by_language: dict[str, list[User]] = {}
    for user in _reviewers():
        by_language.setdefault(user.preferred_language or settings.LANGUAGE_CODE, []).append(user)
    for language, users in by_language.items():
        with translation.override(language):
            inbox_send(
                recipients=users,
                subject=_("Course to review: %(title)s") % {"title": course.title},
                body=_(
                    "%(provider)s submitted the course for its quality review against the "
                    "portal's standards."
                )
                % {"provider": course.provider.name},
                url=reverse("quality:review", args=[review_id]),
            )


@transaction.atomic
def submit_for_review(*, course: Course, by: User, improvements_made: str = "") -> QualityReview:
    """Submit a draft course for its quality review: it is frozen ("in review") until the
    reviewer decides, and the content reviewers are told in their inbox after commit.

    The course needs at least one module with a required lesson, and every quiz a question.
    When the last review requested improvements, say what was changed (``improvements_made``,
    or earlier with :func:`record_course_improvements`).
    """
    _check(
        by,
        "elearning.submit_course",
        course,
        _("Only the course team submits a draft course for review."),
    )
    locked = _lock_course(course, statuses=(CourseStatus.DRAFT,))
    problems = _readiness_errors(locked)
    if problems:
        raise ValidationError(problems, code="not_ready")
    follow_up = _pending_follow_up(locked)
    if follow_up is not None:
        if improvements_made.strip():
            quality.record_improvements(
                review=follow_up, by=by, improvements_made=improvements_made
            )
        elif not follow_up.improvements_made:
            raise ValidationError(
                {
                    "improvements_made": _(
                        "Say what you changed in answer to the reviewer's requests before "
                        "submitting the course again."
                    )
                }
            )
    locked.status = CourseStatus.IN_REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    review = quality.request_review(item=locked, by=by)
    transaction.on_commit(lambda: _notify_reviewers(locked.pk, review.pk))
    course.status, course.submitted_at = locked.status, locked.submitted_at
    return review


@transaction.atomic
def record_course_improvements(
    *, course: Course, by: User, improvements_made: str
) -> QualityReview:
    """Say what the team changed in answer to the improvements the last review requested."""
    _check(by, "elearning.view_course_results", course, _("You cannot change this course."))
    follow_up = _pending_follow_up(course)
    if follow_up is None:
        raise ValidationError(
            _("No review of this course is waiting for improvements."), code="nothing_requested"
        )
    return quality.record_improvements(review=follow_up, by=by, improvements_made=improvements_made)


def _notify_team(course_id: int, status: str, review_id: int) -> None:
    course = Course.objects.select_related("provider").filter(pk=course_id).first()
    if course is None:
        return
    members = User.objects.filter(
        is_active=True, organisation_memberships__organisation_id=course.provider_id
    ).distinct()
    by_language: dict[str, list[User]] = {}
    for user in members:
        by_language.setdefault(user.preferred_language or settings.LANGUAGE_CODE, []).append(user)
    subjects = {
        QualityReview.Status.APPROVED: _("Your course is published: %(title)s"),
        QualityReview.Status.CHANGES_REQUESTED: _("Improvements requested for %(title)s"),
        QualityReview.Status.REJECTED: _("Your course does not meet the standards: %(title)s"),
    }
    for language, users in by_language.items():
        with translation.override(language):
            inbox_send(
                recipients=users,
                subject=subjects[status] % {"title": course.title},
                body=_("Read the reviewer's checklist and comments."),
                url=reverse("elearning:authoring_course", args=[course.pk]),
            )


def apply_review_decision(*, course: Course, review: QualityReview, by: User) -> Course:
    """The course follows its review's decision (called by ``chm_portal.quality`` inside the
    review's transaction, with the course's row locked): approved, it is published (the first
    time, ``published_at`` is set); otherwise it goes back to draft for its team."""
    _check(by, "elearning.review_course", course, _("Only content reviewers review courses."))
    if course.status != CourseStatus.IN_REVIEW:
        raise _stale(course)
    if review.status == QualityReview.Status.APPROVED:
        course.status = CourseStatus.PUBLISHED
        if course.published_at is None:
            course.published_at = timezone.now()
    else:
        course.status = CourseStatus.DRAFT
    course.save(update_fields=["status", "published_at", "updated_at"])
    transaction.on_commit(lambda: _notify_team(course.pk, review.status, review.pk))
    return course


# --- Cohorts ----------------------------------------------------------------------------------
@transaction.atomic
def create_cohort(
    *,
    course: Course,
    by: User,
    name: str,
    starts_on=None,
    ends_on=None,
) -> Cohort:
    """A group of learners to invite to the course together."""
    _check(by, "elearning.manage_cohorts", course, _("Only the course team manages cohorts."))
    name = _plain(name, field="name", required=True, message=_("Name the cohort."))
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The cohort cannot end before it starts.")})
    cohort = Cohort(course=course, name=name, starts_on=starts_on, ends_on=ends_on, created_by=by)
    cohort.full_clean(exclude=["course", "created_by"])
    cohort.save()
    return cohort
