"""django-modeltranslation registrations: one column per content language of these fields."""

from modeltranslation.translator import TranslationOptions, register

from .models import Commitment, NewsItem, Question


@register(Commitment)
class CommitmentTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(NewsItem)
class NewsItemTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("question", "answer")
