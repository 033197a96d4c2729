"""django-modeltranslation registrations of content fields.

Each field below gets one column per content language (``title_en``, ``title_fr``...); reading
``title`` gives the active language, falling back to the others (``MODELTRANSLATION_FALLBACK_
LANGUAGES``); pages say when they show a fallback (see ``partners/templatetags``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    Resource,
)


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "description")


class RecordTranslationOptions(TranslationOptions):
    fields = ("title", "description")


register(Offer)(RecordTranslationOptions)
register(Resource)(RecordTranslationOptions)
register(Event)(RecordTranslationOptions)
register(PartnershipAgreement)(RecordTranslationOptions)


@register(Initiative)
class InitiativeTranslationOptions(TranslationOptions):
    fields = ("title", "description", "results")


@register(Opportunity)
class OpportunityTranslationOptions(TranslationOptions):
    fields = ("title", "description", "eligibility")
