"""django-modeltranslation registrations of content fields.

Each field below gets one column per content language (``name_en``, ``name_fr``...); reading
``name`` gives the active language with fallback to English.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "description")
