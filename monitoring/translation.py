"""django-modeltranslation registrations of content fields.

What the focal points write on their national node is translated: each field below gets one
column per content language (``introduction_en``, ``introduction_fr``...); reading
``introduction`` gives the active language, falling back to the others.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import NationalNode, NodeInstitution, NodeNewsItem


@register(NationalNode)
class NationalNodeTranslationOptions(TranslationOptions):
    fields = ("introduction",)


@register(NodeInstitution)
class NodeInstitutionTranslationOptions(TranslationOptions):
    fields = ("name", "role")


@register(NodeNewsItem)
class NodeNewsItemTranslationOptions(TranslationOptions):
    fields = ("title", "body")
