"""API serializers of the partners' databases: organisations and their records.

Output is the records of the JSON exports (``partners/databases.py``, ``*_record``), key for key
and value for value, plus ``translations``: for offers, the record exchange format of
``shared/matching/README.md``. Vocabularies are codes, never database ids. Organisation contacts,
applications to opportunities and download rows are never shown.

Input is strict: a key the serializer does not know, or one only the portal sets (``status``,
``published``...), is answered with 400 rather than silently ignored. Writes go through
``partners.services``; :meth:`RecordWriteSerializer.service_arguments` turns the API's names into
the services' arguments (content per language, many-to-many ``relations``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from chm_portal.core.api.serializers import OptionalURLField
from chm_portal.core.api.serializers import StrictSerializer as BaseStrictSerializer
from chm_portal.core.validators import validate_no_markup
from chm_portal.vocabularies.api.serializers import CodeSlugField
from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

from .. import selectors, services
from ..databases import (
    RECORD_KEYS,
    agreement_record,
    event_record,
    initiative_record,
    offer_record,
    opportunity_record,
    organisation_record,
    record_url,
    resource_record,
)
from ..models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnerRecord,
    PartnershipAgreement,
    Resource,
    content_language_choices,
    validate_time_zone,
)

# Keys a client may not send, with the reason they are refused.
READ_ONLY_KEYS = {
    "id": _("The portal gives the identifier."),
    "status": _("The status changes with the publish, pause, close and unpublish actions."),
    "published": _("The portal records the date of publication."),
    "registered": _("The portal records the date of registration."),
    "url": _("The portal gives the page's address."),
    "organisation": _("A record stays with the organisation that created it."),
    "provider": _("An offer stays with the organisation that created it."),
    "organisation_type": _("It is the type of the agreement's organisation."),
    "download": _("The portal gives the download address."),
    "downloads": _("The portal counts the downloads."),
}
_JSON = DjangoJSONEncoder()


def _localized(field: str, language: str) -> str:
    return build_localized_fieldname(field, language)


# --- Output fields --------------------------------------------------------------------------------
@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesField(serializers.Field):
    """The codes of related vocabulary terms (prefetched), as a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, related) -> list[str]:
        return [term.code for term in related.all()]


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class DayField(serializers.Field):
    """The day (in the portal's time zone) of a moment, as the exports give it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return timezone.localdate(value).isoformat()


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(serializers.Field):
    """A date and time written as the JSON exports write it (ISO 8601, milliseconds, ``Z``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return _JSON.default(value)


class TranslationsField(serializers.DictField):
    """``{"fr": {"title": ..., "description": ...}, ...}``: the content of the record in each
    language that has some (including its original language)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, record: Model) -> dict[str, dict[str, str]]:
        fields = services.translated_fields(type(record))
        translations = {}
        for language in AVAILABLE_LANGUAGES:
            texts = {field: getattr(record, _localized(field, language)) or "" for field in fields}
            if any(texts.values()):
                translations[language] = texts
        return translations


class OrderedSerializer(serializers.Serializer):
    """A read-only serializer whose keys come in the order of ``keys`` (those of the export's
    record, then ``translations``), whatever the order the fields are declared in."""

    keys: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if set(fields) != set(self.keys):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: fields and keys differ: {set(fields) ^ set(self.keys)}"
            )
        return {name: fields[name] for name in self.keys}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: Model) -> str:
        """The record's public page."""
        path = record_url(record)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OrganisationReferenceSerializer(serializers.Serializer):
    """The organisation a record belongs to (or a partner of an initiative)."""

    id = serializers.CharField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)


class ProviderSerializer(OrganisationReferenceSerializer):
    """The provider of an offer, as in the record exchange format."""

    type = serializers.CharField(source="organisation_type.code", read_only=True)
    country = CodeSlugField()


# --- Content in several languages -----------------------------------------------------------------
class StrictSerializer(BaseStrictSerializer):
    read_only_keys = READ_ONLY_KEYS


def _text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    """Plain text (no markup); optional and possibly blank unless said otherwise."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", not kwargs["required"])
    return serializers.CharField(
        max_length=max_length, validators=[validate_no_markup], trim_whitespace=True, **kwargs
    )


class RecordTextSerializer(StrictSerializer):
    """A record's content in one language."""

    title = _text(300)
    description = _text()


class InitiativeTextSerializer(RecordTextSerializer):
    """An initiative's content in one language."""

    results = _text()


class OpportunityTextSerializer(RecordTextSerializer):
    """An opportunity's content in one language."""

    eligibility = _text()


class OrganisationTextSerializer(StrictSerializer):
    """An organisation's name and description in one language."""

    name = _text(300)
    description = _text()


# --- Organisations: output ------------------------------------------------------------------------
class OrganisationSerializer(OrderedSerializer):
    """A partner organisation: its public profile (never its contacts), and its status (the
    organisations one belongs to may still wait for the help desk's approval)."""

    keys = (*RECORD_KEYS[organisation_record], "status", "translations")

    id = serializers.CharField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    acronym = serializers.CharField(read_only=True)
    type = serializers.CharField(source="organisation_type.code", read_only=True)
    country = CodeSlugField()
    countries_of_operation = CodesField()
    regions_of_operation = CodesField()
    website = OptionalURLField(read_only=True)
    description = serializers.CharField(read_only=True)
    targets = CodesField()
    thematic_areas = CodesField()
    support_types = CodesField()
    languages = CodesField()
    registered = DayField(source="created_at")
    url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Organisation.Status.choices, read_only=True)
    translations = TranslationsField(child=OrganisationTextSerializer())


# --- Records: output ------------------------------------------------------------------------------
class RecordSerializer(OrderedSerializer):
    """What every record of the databases says."""

    id = serializers.CharField(source="pk", read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    organisation = OrganisationReferenceSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    published = DayField(source="published_at")
    url = serializers.SerializerMethodField()
    translations = TranslationsField(child=RecordTextSerializer())


class OfferSerializer(RecordSerializer):
    """An offer of support in the record exchange format (``shared/matching/README.md``), with
    its conditions (cost, contribution, budget), status, publication date and page."""

    keys = (*RECORD_KEYS[offer_record], "translations")

    organisation = None
    provider = ProviderSerializer(read_only=True)
    support_types = CodesField()
    thematic_areas = CodesField()
    targets = CodesField()
    capacity_levels = CodesField()
    languages = CodesField(
        help_text=_("Languages the support can be delivered in; none means any.")
    )
    eligible_countries = CodesField(
        help_text=_("ISO 3166-1 alpha-2 codes; all empty: open to all.")
    )
    eligible_regions = CodesField(help_text=_("UN M49 codes; a region includes its sub-regions."))
    eligible_groups = CodesField(help_text=_("LDC, SIDS, LLDC or EIT."))
    available_from = serializers.DateField(read_only=True, allow_null=True)
    available_until = serializers.DateField(read_only=True, allow_null=True)
    cost = serializers.ChoiceField(choices=Offer.Cost.choices, read_only=True)
    contribution = serializers.ChoiceField(choices=Offer.Contribution.choices, read_only=True)
    budget_min = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    budget_max = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    budget_currency = serializers.SerializerMethodField()
    max_concurrent_requests = serializers.IntegerField(read_only=True, allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_budget_currency(self, offer: Offer) -> str | None:
        """The currency of the budget range, when there is one."""
        return offer.budget_currency if offer.budget_min or offer.budget_max else None


class InitiativeSerializer(RecordSerializer):
    """A programme or project: its lead organisation, partners, countries, dates and results."""

    keys = (*RECORD_KEYS[initiative_record], "translations")

    partners = OrganisationReferenceSerializer(
        source="partner_organisations", many=True, read_only=True
    )
    other_partners = serializers.CharField(read_only=True)
    countries = CodesField()
    targets = CodesField()
    thematic_areas = CodesField()
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    budget_currency = serializers.SerializerMethodField()
    stage = serializers.ChoiceField(choices=Initiative.Stage.choices, read_only=True)
    website = OptionalURLField(read_only=True)
    results = serializers.CharField(read_only=True)
    translations = TranslationsField(child=InitiativeTextSerializer())

    @extend_schema_field({"type": "string", "nullable": True})
    def get_budget_currency(self, initiative: Initiative) -> str | None:
        return initiative.budget_currency if initiative.budget else None


class ResourceSerializer(RecordSerializer):
    """A resource: its type, languages, licence, link and download address and count."""

    keys = (*RECORD_KEYS[resource_record], "translations")

    type = serializers.CharField(source="resource_type.code", read_only=True)
    languages = CodesField()
    targets = CodesField()
    thematic_areas = CodesField()
    licence = serializers.ChoiceField(choices=Resource.Licence.choices, read_only=True)
    authors = serializers.CharField(read_only=True)
    publication_year = serializers.IntegerField(read_only=True, allow_null=True)
    link = OptionalURLField(source="url", read_only=True)
    download = serializers.SerializerMethodField()
    downloads = serializers.IntegerField(source="download_count", read_only=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, resource: Resource) -> str:
        """Where to download it through the portal (each download is counted)."""
        path = reverse("partners:resource_download", args=[resource.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OpportunitySerializer(RecordSerializer):
    """An opportunity: its type, who may apply, dates, and how to apply."""

    keys = (*RECORD_KEYS[opportunity_record], "translations")

    type = serializers.CharField(source="opportunity_type.code", read_only=True)
    eligibility = serializers.CharField(read_only=True)
    eligible_countries = CodesField()
    eligible_regions = CodesField()
    eligible_groups = CodesField()
    targets = CodesField()
    thematic_areas = CodesField()
    languages = CodesField()
    opens = MomentField(source="opens_at", allow_null=True)
    deadline = MomentField()
    link = OptionalURLField(read_only=True)
    applications_on_portal = serializers.BooleanField(read_only=True)
    places = serializers.IntegerField(read_only=True, allow_null=True)
    translations = TranslationsField(child=OpportunityTextSerializer())


class EventSerializer(RecordSerializer):
    """An event: its type, dates in its own time zone, place or online, and participants."""

    keys = (*RECORD_KEYS[event_record], "translations")

    type = serializers.CharField(source="event_type.code", read_only=True)
    starts = serializers.SerializerMethodField()
    ends = serializers.SerializerMethodField()
    time_zone = serializers.CharField(read_only=True)
    online = serializers.BooleanField(source="is_online", read_only=True)
    venue = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    country = CodeSlugField()
    registration_url = OptionalURLField(read_only=True)
    languages = CodesField()
    targets = CodesField()
    thematic_areas = CodesField()
    participants = serializers.IntegerField(
        source="participant_count", read_only=True, allow_null=True
    )

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts(self, event: Event) -> str:
        """When it starts, in the event's time zone (with its offset)."""
        return _JSON.default(event.local_starts_at)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends(self, event: Event) -> str:
        """When it ends, in the event's time zone (with its offset)."""
        return _JSON.default(event.local_ends_at)


class AgreementSerializer(RecordSerializer):
    """A partnership agreement: its kind, organisation (and its type) and dates."""

    keys = (*RECORD_KEYS[agreement_record], "translations")

    kind = serializers.ChoiceField(choices=PartnershipAgreement.Kind.choices, read_only=True)
    organisation_type = serializers.CharField(
        source="organisation.organisation_type.code", read_only=True
    )
    signed_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True, allow_null=True)


# --- Input fields ---------------------------------------------------------------------------------
def code_of(model: type[Model], **kwargs: Any) -> serializers.SlugRelatedField:
    """One vocabulary term, by its code."""
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.all(), **kwargs)


def codes_of(model: type[Model], **kwargs: Any) -> serializers.ManyRelatedField:
    """Vocabulary terms by their codes; the list replaces the previous one."""
    kwargs.setdefault("required", False)
    return code_of(model, many=True, **kwargs)


class VisibleOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation the person may see, by its id (the services check that they may act
    for it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.all())  # the schema's model
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Organisation]:
        request = self.context.get("request")
        if request is None:
            return Organisation.objects.none()
        return selectors.organisations_visible_to(user=request.user)


class WallClockDateTimeField(serializers.DateTimeField):
    """A date and time that keeps no offset when none is given: the serializer reads it in the
    record's own time zone."""

    def enforce_timezone(self, value):
        return value if timezone.is_naive(value) else super().enforce_timezone(value)


# --- Records: input -------------------------------------------------------------------------------
def _known_languages(translations: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    unknown = sorted(set(translations) - set(AVAILABLE_LANGUAGES))
    if unknown:
        raise serializers.ValidationError(
            _("Unknown languages: %(codes)s. Use %(allowed)s.")
            % {"codes": ", ".join(unknown), "allowed": ", ".join(AVAILABLE_LANGUAGES)}
        )
    return translations


def _translations(text_serializer: type[serializers.Serializer]) -> serializers.DictField:
    return serializers.DictField(
        child=text_serializer(),
        required=False,
        help_text=_(
            'The content in other languages, e.g. {"fr": {"title": "...", "description": "..."}}; '
            "an empty text removes a translation."
        ),
    )


class RecordWriteSerializer(StrictSerializer):
    """What a member sends to change a record (``PATCH``; ``PUT`` with the required fields).

    ``title`` and ``description`` are in the record's ``language``; ``translations`` gives the
    content in other languages (an empty text removes a translation). Vocabularies are lists of
    codes that replace the previous ones.
    """

    model: type[PartnerRecord] = PartnerRecord

    title = _text(300, required=True, help_text=_("In the record's language."))
    description = _text(required=True, help_text=_("In the record's language."))
    language = serializers.ChoiceField(
        choices=content_language_choices(),
        required=False,
        help_text=_("The language the record is written in (default: en)."),
    )
    translations = _translations(RecordTextSerializer)

    def _language(self, attrs: Mapping[str, Any]) -> str:
        if attrs.get("language"):
            return attrs["language"]
        if self.instance is not None:
            return self.instance.language
        return self.model._meta.get_field("language").default

    def validate_translations(self, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return _known_languages(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        language = self._language(attrs)
        if language in attrs.get("translations", {}):
            raise serializers.ValidationError(
                {
                    "translations": [
                        _(
                            "“%(language)s” is the record's own language: send that text as "
                            "the title and description."
                        )
                        % {"language": language}
                    ]
                }
            )
        return attrs

    def service_arguments(self) -> dict[str, Any]:
        """``data`` (model fields, content per language) and ``relations`` for the services."""
        model = self.model
        validated = dict(self.validated_data)
        validated.pop(model.ORGANISATION_FIELD, None)
        language = self._language(validated)
        content = services.translated_fields(model)
        data: dict[str, Any] = {}
        relations: dict[str, list] = {}
        for name, value in validated.items():
            if name == "translations":
                for other_language, texts in value.items():
                    for field, text in texts.items():
                        data[_localized(field, other_language)] = text
            elif name in content:
                data[_localized(name, language)] = value
            elif model._meta.get_field(name).many_to_many:
                relations[name] = value
            else:
                data[name] = value
        return {"data": data, "relations": relations}


def _date(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, **kwargs)


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, **kwargs
    )


def _currency() -> serializers.CharField:
    return serializers.CharField(
        max_length=3, min_length=3, required=False, help_text=_("ISO 4217 code, e.g. USD.")
    )


class OfferWriteSerializer(RecordWriteSerializer):
    """An offer of support, with the names of the record exchange format."""

    model = Offer

    support_types = codes_of(SupportType)
    thematic_areas = codes_of(ThematicArea)
    targets = codes_of(GBFTarget, help_text=_("GBF target codes, e.g. GBF-T6."))
    capacity_levels = codes_of(CapacityLevel)
    languages = codes_of(Language, help_text=_("Delivery languages (ISO 639-1); none: any."))
    eligible_countries = codes_of(Country, help_text=_("ISO 3166-1 alpha-2 codes."))
    eligible_regions = codes_of(Region, help_text=_("UN M49 codes, e.g. 002 for Africa."))
    eligible_groups = codes_of(CountryGroup, help_text=_("LDC, SIDS, LLDC or EIT."))
    available_from = _date()
    available_until = _date()
    cost = serializers.ChoiceField(choices=Offer.Cost.choices, required=False)
    contribution = serializers.ChoiceField(choices=Offer.Contribution.choices, required=False)
    budget_min = _amount()
    budget_max = _amount()
    budget_currency = _currency()
    max_concurrent_requests = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True
    )


class OfferCreateSerializer(OfferWriteSerializer):
    provider = VisibleOrganisationField(help_text=_("Id of the providing organisation."))


class InitiativeWriteSerializer(RecordWriteSerializer):
    model = Initiative

    results = _text(help_text=_("In the record's language."))
    translations = _translations(InitiativeTextSerializer)
    partners = serializers.PrimaryKeyRelatedField(
        source="partner_organisations",
        queryset=Organisation.objects.filter(status=Organisation.Status.APPROVED),
        many=True,
        required=False,
        help_text=_("Ids of approved partner organisations."),
    )
    other_partners = _text(500)
    countries = codes_of(Country, help_text=_("ISO 3166-1 alpha-2 codes."))
    targets = codes_of(GBFTarget)
    thematic_areas = codes_of(ThematicArea)
    start_date = _date()
    end_date = _date()
    budget = _amount()
    budget_currency = _currency()
    stage = serializers.ChoiceField(choices=Initiative.Stage.choices, required=False)
    website = OptionalURLField(required=False, allow_blank=True, max_length=200)


class InitiativeCreateSerializer(InitiativeWriteSerializer):
    organisation = VisibleOrganisationField(help_text=_("Id of the lead organisation."))


class ResourceWriteSerializer(RecordWriteSerializer):
    """A resource given by its link (files are uploaded on the portal's pages)."""

    model = Resource

    type = code_of(ResourceType, source="resource_type", help_text=_("e.g. toolkit."))
    languages = codes_of(Language)
    targets = codes_of(GBFTarget)
    thematic_areas = codes_of(ThematicArea)
    licence = serializers.ChoiceField(choices=Resource.Licence.choices, required=False)
    authors = _text(500)
    publication_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    link = OptionalURLField(source="url", required=False, allow_blank=True, max_length=500)


class ResourceCreateSerializer(ResourceWriteSerializer):
    organisation = VisibleOrganisationField(help_text=_("Id of the organisation."))


class OpportunityWriteSerializer(RecordWriteSerializer):
    """An opportunity; dates and times without an offset are in UTC."""

    model = Opportunity

    eligibility = _text(help_text=_("Who may apply, in the record's language."))
    translations = _translations(OpportunityTextSerializer)
    type = code_of(OpportunityType, source="opportunity_type", help_text=_("e.g. fellowship."))
    eligible_countries = codes_of(Country)
    eligible_regions = codes_of(Region)
    eligible_groups = codes_of(CountryGroup)
    targets = codes_of(GBFTarget)
    thematic_areas = codes_of(ThematicArea)
    languages = codes_of(Language)
    opens = serializers.DateTimeField(source="opens_at", required=False, allow_null=True)
    deadline = serializers.DateTimeField()
    link = OptionalURLField(required=False, allow_blank=True, max_length=500)
    applications_on_portal = serializers.BooleanField(required=False)
    places = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True)


class OpportunityCreateSerializer(OpportunityWriteSerializer):
    organisation = VisibleOrganisationField(help_text=_("Id of the organisation."))


class EventWriteSerializer(RecordWriteSerializer):
    """An event; ``starts`` and ``ends`` without an offset are in the event's ``time_zone``."""

    model = Event

    type = code_of(EventType, source="event_type", help_text=_("e.g. webinar."))
    starts = WallClockDateTimeField(source="starts_at")
    ends = WallClockDateTimeField(source="ends_at")
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text=_("IANA time zone, e.g. Africa/Nairobi (default: UTC)."),
    )
    online = serializers.BooleanField(source="is_online", required=False)
    venue = _text(300)
    city = _text(120)
    country = code_of(Country, required=False, allow_null=True)
    registration_url = OptionalURLField(required=False, allow_blank=True, max_length=500)
    languages = codes_of(Language)
    targets = codes_of(GBFTarget)
    thematic_areas = codes_of(ThematicArea)
    participants = serializers.IntegerField(
        source="participant_count", min_value=0, required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        name = attrs.get("time_zone") or getattr(self.instance, "time_zone", None) or "UTC"
        zone = zoneinfo.ZoneInfo(name)
        for field in ("starts_at", "ends_at"):
            if field in attrs and timezone.is_naive(attrs[field]):
                attrs[field] = timezone.make_aware(attrs[field], zone)
        return attrs


class EventCreateSerializer(EventWriteSerializer):
    organisation = VisibleOrganisationField(help_text=_("Id of the organising organisation."))


class AgreementWriteSerializer(RecordWriteSerializer):
    model = PartnershipAgreement

    kind = serializers.ChoiceField(choices=PartnershipAgreement.Kind.choices)
    signed_on = serializers.DateField()
    ends_on = _date()


class AgreementCreateSerializer(AgreementWriteSerializer):
    organisation = VisibleOrganisationField(help_text=_("Id of the partner organisation."))


# --- Organisations: input -------------------------------------------------------------------------
class OrganisationWriteSerializer(StrictSerializer):
    """What an organisation's administrators send to change its profile (``PATCH``).

    ``name`` and ``description`` are in ``language`` (default: the language of the request);
    ``translations`` gives them in other languages. Lists of codes replace the previous ones.
    Contacts and the logo are changed on the portal's pages.
    """

    RELATED_FIELDS = (
        "countries_of_operation",
        "regions_of_operation",
        "targets",
        "thematic_areas",
        "support_types",
        "languages",
    )

    name = _text(300, required=True)
    description = _text()
    language = serializers.ChoiceField(
        choices=content_language_choices(),
        required=False,
        help_text=_("The language of name and description (default: the request's)."),
    )
    translations = serializers.DictField(
        child=OrganisationTextSerializer(),
        required=False,
        help_text=_(
            'Name and description in other languages, e.g. {"fr": {"name": "..."}}; an empty '
            "text removes a translation."
        ),
    )
    acronym = _text(40)
    type = code_of(OrganisationType, source="organisation_type", help_text=_("e.g. ngo, academia."))
    country = code_of(
        Country,
        required=False,
        allow_null=True,
        help_text=_("Headquarters: ISO 3166-1 alpha-2 code."),
    )
    website = OptionalURLField(required=False, allow_blank=True, max_length=200)
    countries_of_operation = codes_of(Country, help_text=_("ISO 3166-1 alpha-2 codes."))
    regions_of_operation = codes_of(Region, help_text=_("UN M49 codes."))
    targets = codes_of(GBFTarget)
    thematic_areas = codes_of(ThematicArea)
    support_types = codes_of(SupportType)
    languages = codes_of(Language)

    def validate_translations(self, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return _known_languages(value)

    def _language(self) -> str:
        language = self.validated_data.get("language") or translation.get_language()
        return language if language in AVAILABLE_LANGUAGES else settings.LANGUAGE_CODE

    def relations(self) -> dict[str, list]:
        data = self.validated_data
        return {name: data[name] for name in self.RELATED_FIELDS if name in data}

    def update_arguments(self) -> dict[str, Any]:
        """``data`` (profile fields, name and description per language) and ``relations`` for
        ``services.organisation_update``."""
        validated = dict(self.validated_data)
        language = self._language()
        validated.pop("language", None)
        data: dict[str, Any] = {}
        for other_language, texts in validated.pop("translations", {}).items():
            for field, text in texts.items():
                data[_localized(field, other_language)] = text
        for name, value in validated.items():
            if name in ("name", "description"):
                data[_localized(name, language)] = value
            elif name not in self.RELATED_FIELDS:
                data[name] = value
        return {"data": data, "relations": self.relations()}


class OrganisationRegisterSerializer(OrganisationWriteSerializer):
    """What a signed-in person sends to register an organisation (pending approval)."""

    translations = None
    country = code_of(
        Country,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Headquarters: ISO 3166-1 alpha-2 code."),
    )

    def register_arguments(self) -> dict[str, Any]:
        """The arguments of ``services.organisation_register`` (but ``by``)."""
        data = self.validated_data
        arguments = {
            name: data[name]
            for name in ("name", "acronym", "website", "description")
            if name in data
        }
        return {
            **arguments,
            "organisation_type": data["organisation_type"],
            "country": data["country"],
            "language": self._language(),
            "relations": self.relations(),
        }
