"""Content fields translated with django-modeltranslation.

Each field below gets one column per content language (``name_en``, ``name_fr``, ``name_es``,
``name_ar``, ``name_zh_hans``, ``name_ru``); reading ``name`` gives the active language with
fallback to English. The reference files provide English, French and Spanish; staff may add the
other UN languages in the admin, and reloading the files does not touch them.
"""

from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from .models import (
    AichiStrategicGoal,
    AichiTarget,
    BeneficiaryType,
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFGoal,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Priority,
    Region,
    RegionalGroup,
    ResourceType,
    SupportType,
    SustainableDevelopmentGoal,
    ThematicArea,
)


def translation_field_names(field_name: str) -> list[str]:
    """The per-language columns of a translated field: ``["name_en", "name_fr", ...]``."""
    return [build_localized_fieldname(field_name, language) for language in AVAILABLE_LANGUAGES]


def translations_of(instance: object, field_name: str) -> dict[str, str]:
    """Every content language's text of a translated field, ``""`` where there is none.

    Keys are language codes as in ``settings.CONTENT_LANGUAGES`` (``"zh-hans"``, not ``zh_hans``).
    """
    return {
        language: getattr(instance, build_localized_fieldname(field_name, language)) or ""
        for language in AVAILABLE_LANGUAGES
    }


@register(
    [
        ThematicArea,
        SupportType,
        CapacityLevel,
        OrganisationType,
        ResourceType,
        OpportunityType,
        EventType,
        Priority,
        Language,
        BeneficiaryType,
        CountryGroup,
        Region,
        RegionalGroup,
        Country,
    ]
)
class NameTranslationOptions(TranslationOptions):
    """Records whose only translated field is their name."""

    fields = ("name",)


@register([GBFGoal, GBFTarget, AichiTarget, SustainableDevelopmentGoal])
class TitleTextTranslationOptions(TranslationOptions):
    """Goals and targets: a short title and the full text.

    The Aichi targets have French and Spanish titles but only an English text in the files.
    """

    fields = ("title", "text")


@register(AichiStrategicGoal)
class AichiStrategicGoalTranslationOptions(TranslationOptions):
    """Aichi strategic goals: only a title (English in the files)."""

    fields = ("title",)
