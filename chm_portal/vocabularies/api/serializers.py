"""Read-only serializers of the reference data.

Every record has its ``code`` and the translated text in the active language (``name`` or
``title``, with fallback to English), plus a dict with the text in every content language
(``names``, ``titles``...), ``""`` where there is none.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from modeltranslation.settings import AVAILABLE_LANGUAGES
from rest_framework import serializers

from ..models import COUNTRY_GROUP_FLAGS, Country, GBFTarget
from ..translation import translations_of

TRANSLATIONS_SCHEMA = inline_serializer(
    name="Translations",
    fields={language: serializers.CharField() for language in AVAILABLE_LANGUAGES},
)


@extend_schema_field(TRANSLATIONS_SCHEMA)
class TranslationsField(serializers.Field):
    """The text of a translated model field in every content language, as a dict."""

    def __init__(self, field_name: str, **kwargs) -> None:
        self.translated_field_name = field_name
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance: object) -> dict[str, str]:
        return translations_of(instance, self.translated_field_name)


@extend_schema_field({"type": "string", "nullable": True})
class CodeSlugField(serializers.SlugRelatedField):
    """A related record shown by its code (``null`` when there is none)."""

    def __init__(self, **kwargs) -> None:
        kwargs.update(slug_field="code", read_only=True, allow_null=True)
        super().__init__(**kwargs)


class VocabularyTermSerializer(serializers.Serializer):
    """A term of a flat controlled vocabulary (thematic area, support type...)."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    names = TranslationsField("name")
    position = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)


class RegionSerializer(serializers.Serializer):
    """A UN M49 region, sub-region or intermediate region."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    names = TranslationsField("name")
    level = serializers.CharField(read_only=True)
    parent = CodeSlugField()


class RegionalGroupSerializer(serializers.Serializer):
    """A UN regional group."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    names = TranslationsField("name")
    cbd_thesaurus_id = serializers.CharField(read_only=True)


class CountrySerializer(serializers.Serializer):
    """A country or territory with its M49 regions, UN regional group, groups and CBD status."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    names = TranslationsField("name")
    iso3 = serializers.CharField(read_only=True)
    m49 = serializers.CharField(read_only=True)
    region = CodeSlugField()
    subregion = CodeSlugField()
    intermediate_region = CodeSlugField()
    regional_group = CodeSlugField()
    groups = serializers.SerializerMethodField()
    is_cbd_party = serializers.BooleanField(read_only=True)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(COUNTRY_GROUP_FLAGS)))
    )
    def get_groups(self, country: Country) -> list[str]:
        """Codes of the groups the country belongs to, e.g. ``["LDC", "SIDS"]``."""
        return country.group_codes


class GBFGoalSerializer(serializers.Serializer):
    """A goal of the Kunming-Montreal Global Biodiversity Framework."""

    code = serializers.CharField(read_only=True)
    letter = serializers.CharField(read_only=True)
    identifier = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    titles = TranslationsField("title")
    text = serializers.CharField(read_only=True)
    texts = TranslationsField("text")


class GBFTargetSerializer(serializers.Serializer):
    """A target of the Kunming-Montreal Global Biodiversity Framework."""

    code = serializers.CharField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    identifier = serializers.CharField(read_only=True)
    section = serializers.ChoiceField(choices=GBFTarget.Section.choices, read_only=True)
    section_label = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    titles = TranslationsField("title")
    text = serializers.CharField(read_only=True)
    texts = TranslationsField("text")

    @extend_schema_field(OpenApiTypes.STR)
    def get_section_label(self, target: GBFTarget) -> str:
        """The section's heading in the active language."""
        return str(target.get_section_display())


class AichiStrategicGoalSerializer(serializers.Serializer):
    """A strategic goal of the Strategic Plan for Biodiversity 2011-2020."""

    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    titles = TranslationsField("title")


class AichiTargetSerializer(serializers.Serializer):
    """An Aichi Biodiversity Target."""

    code = serializers.CharField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    identifier = serializers.CharField(read_only=True)
    strategic_goal = CodeSlugField()
    title = serializers.CharField(read_only=True)
    titles = TranslationsField("title")
    keyword = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    texts = TranslationsField("text")


class SustainableDevelopmentGoalSerializer(serializers.Serializer):
    """A UN Sustainable Development Goal."""

    code = serializers.CharField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    identifier = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    titles = TranslationsField("title")
    text = serializers.CharField(read_only=True)
    texts = TranslationsField("text")
