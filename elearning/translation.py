"""django-modeltranslation registrations: course content may be translated field by field."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Community, Course, Lesson, Module, Question


@register(Course)
class CourseTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "syllabus")


@register(Module)
class ModuleTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Lesson)
class LessonTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("text", "feedback")


@register(Community)
class CommunityTranslationOptions(TranslationOptions):
    fields = ("name", "description")
