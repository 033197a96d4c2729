from modeltranslation.translator import TranslationOptions, register

from .models import QualityStandard


@register(QualityStandard)
class QualityStandardTranslationOptions(TranslationOptions):
    fields = ("title", "guidance")
