"""The partners' public databases (see :mod:`chm_portal.core.databases`): what each lists, its
facets, its export columns, its record in the exchange format and its schema.org description.

Exports and records show public fields only: never contacts, applications or drafts.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import Database, register
from chm_portal.core.faceting import (
    ChoiceFacet,
    CountryGroupFacet,
    RegionFacet,
    TargetFacet,
    TermFacet,
    YearFacet,
)
from chm_portal.vocabularies.models import (
    Country,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    ResourceType,
    SupportType,
    ThematicArea,
)

from . import selectors
from .filtersets import (
    EventFilterSet,
    InitiativeFilterSet,
    OfferFilterSet,
    OpportunityFilterSet,
    OrganisationFilterSet,
    PartnershipAgreementFilterSet,
    ResourceFilterSet,
)
from .models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
)

SCHEMA_CONTEXT = "https://schema.org"
GBF_TARGETS_SET = "https://www.cbd.int/gbf/targets"


def _codes(related) -> list[str]:
    return [item.code for item in related.all()]


def _day(moment):
    return timezone.localdate(moment) if moment else None


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _status_facet(model) -> ChoiceFacet:
    statuses = set(model.PUBLIC_STATUSES)
    return ChoiceFacet(
        "status",
        _("Status"),
        field="status",
        choices=[(value, label) for value, label in RecordStatus.choices if value in statuses],
    )


def _common_facets(*, language: bool = True) -> list:
    """Target, thematic area and (unless ``language`` is false) language facets."""
    facets = [
        TargetFacet("target", _("GBF target"), model=GBFTarget, path="targets"),
        TermFacet(
            "thematic_area",
            _("Thematic area"),
            model=ThematicArea,
            path="thematic_areas",
            ordering=("position", "code"),
        ),
    ]
    if language:
        facets.append(TermFacet("language", _("Language"), model=Language, path="languages"))
    return facets


def target_terms(targets) -> list[dict[str, Any]]:
    """GBF targets as schema.org ``DefinedTerm`` values (for ``about``)."""
    return [
        {
            "@type": "DefinedTerm",
            "termCode": target.code,
            "name": target.title,
            "inDefinedTermSet": GBF_TARGETS_SET,
        }
        for target in targets
    ]


def _about_targets(record) -> list[dict[str, Any]]:
    if not hasattr(record, "targets"):
        return []
    return target_terms(record.targets.all())


def organisation_json_ld(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Organization",
        "identifier": str(organisation.pk),
        "name": organisation.name,
        "description": organisation.description,
        "url": absolute(request, organisation_url(organisation)),
        "knowsAbout": [target.code for target in organisation.targets.all()]
        + [area.name for area in organisation.thematic_areas.all()],
        "knowsLanguage": _codes(organisation.languages),
        "areaServed": [country.name for country in organisation.countries_of_operation.all()],
    }
    if organisation.acronym:
        data["alternateName"] = organisation.acronym
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.country_id:
        data["address"] = {"@type": "PostalAddress", "addressCountry": organisation.country.code}
    if organisation.logo:
        data["logo"] = absolute(request, organisation.logo.url)
    return data


def _provider(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": organisation.name,
        "url": absolute(request, organisation_url(organisation)),
    }


def record_json_ld(request: HttpRequest, record, schema_type: str) -> dict[str, Any]:
    """What every record's schema.org description has."""
    owner = record.owner_organisation
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": schema_type,
        "identifier": str(record.pk),
        "name": record.title,
        "description": record.description,
        "url": absolute(request, record_url(record)),
        "inLanguage": record.language,
        "provider": _provider(request, owner),
        "dateCreated": record.created_at.isoformat(),
        "about": _about_targets(record),
    }
    if record.published_at:
        data["datePublished"] = record.published_at.isoformat()
    return data


def offer_json_ld(request: HttpRequest, offer: Offer) -> dict[str, Any]:
    data = record_json_ld(request, offer, "Offer")
    data["category"] = [support.name for support in offer.support_types.all()]
    data["availableLanguage"] = _codes(offer.languages)
    data["price"] = "0" if offer.cost == Offer.Cost.FREE else None
    if offer.available_from:
        data["validFrom"] = offer.available_from.isoformat()
    if offer.available_until:
        data["validThrough"] = offer.available_until.isoformat()
    data["eligibleRegion"] = [country.code for country in offer.eligible_countries.all()] + [
        region.name for region in offer.eligible_regions.all()
    ]
    return {key: value for key, value in data.items() if value is not None}


def initiative_json_ld(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    data = record_json_ld(request, initiative, "Project")
    data["funder"] = data.pop("provider")
    data["member"] = [
        _provider(request, partner)
        for partner in initiative.partner_organisations.all()
        if partner.is_approved
    ]
    data["areaServed"] = [country.name for country in initiative.countries.all()]
    if initiative.start_date:
        data["foundingDate"] = initiative.start_date.isoformat()
    if initiative.website:
        data["sameAs"] = initiative.website
    return data


def resource_json_ld(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    data = record_json_ld(request, resource, "LearningResource")
    data["learningResourceType"] = resource.resource_type.name
    data["inLanguage"] = _codes(resource.languages) or resource.language
    data["license"] = resource.get_licence_display()
    data["publisher"] = data.pop("provider")
    if resource.authors:
        data["author"] = resource.authors
    if resource.publication_year:
        data["copyrightYear"] = resource.publication_year
    data["contentUrl"] = absolute(
        request, reverse("partners:resource_download", args=[resource.pk])
    )
    data["interactionStatistic"] = {
        "@type": "InteractionCounter",
        "interactionType": "https://schema.org/DownloadAction",
        "userInteractionCount": resource.download_count,
    }
    return data


def opportunity_json_ld(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    schema_type = "Course" if opportunity.opportunity_type.code == "training_course" else "Grant"
    data = record_json_ld(request, opportunity, schema_type)
    data["category"] = opportunity.opportunity_type.name
    data["expires"] = opportunity.deadline.isoformat()
    if opportunity.link:
        data["sameAs"] = opportunity.link
    return data


def event_json_ld(request: HttpRequest, event: Event) -> dict[str, Any]:
    data = record_json_ld(request, event, "Event")
    data["organizer"] = data.pop("provider")
    data["startDate"] = event.local_starts_at.isoformat()
    data["endDate"] = event.local_ends_at.isoformat()
    data["eventAttendanceMode"] = (
        "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    data["eventStatus"] = "https://schema.org/EventScheduled"
    if event.is_online:
        data["location"] = {"@type": "VirtualLocation", "url": event.registration_url or ""}
    else:
        data["location"] = {
            "@type": "Place",
            "name": event.venue or event.city,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": event.city,
                "addressCountry": event.country.code if event.country_id else "",
            },
        }
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    if event.participant_count is not None:
        data["attendeeCount"] = event.participant_count
    return data


def agreement_json_ld(request: HttpRequest, agreement: PartnershipAgreement) -> dict[str, Any]:
    data = record_json_ld(request, agreement, "DigitalDocument")
    data["genre"] = agreement.get_kind_display()
    data["dateCreated"] = agreement.signed_on.isoformat()
    if agreement.ends_on:
        data["expires"] = agreement.ends_on.isoformat()
    return data


# --- Addresses ----------------------------------------------------------------------------------
RECORD_URL_NAMES = {
    Organisation: "partners:organisation_detail",
    Offer: "partners:offer_detail",
    Initiative: "partners:initiative_detail",
    Resource: "partners:resource_detail",
    Opportunity: "partners:opportunity_detail",
    Event: "partners:event_detail",
    PartnershipAgreement: "partners:agreement_detail",
}


def record_url(record) -> str:
    """The public page of any partner record (or organisation)."""
    return reverse(RECORD_URL_NAMES[type(record)], args=[record.pk])


def organisation_url(organisation: Organisation) -> str:
    return record_url(organisation)


# --- Records in the exchange format (JSON exports and the API) ----------------------------------
def _base_record(request: HttpRequest, record) -> dict[str, Any]:
    owner = record.owner_organisation
    return {
        "id": str(record.pk),
        "title": record.title,
        "description": record.description,
        "language": record.language,
        "organisation": {"id": str(owner.pk), "name": owner.name},
        "status": record.status,
        "published": _day(record.published_at),
        "url": absolute(request, record_url(record)),
    }


def organisation_record(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "id": str(organisation.pk),
        "name": organisation.name,
        "acronym": organisation.acronym,
        "type": organisation.organisation_type.code,
        "country": organisation.country.code if organisation.country_id else None,
        "countries_of_operation": _codes(organisation.countries_of_operation),
        "regions_of_operation": _codes(organisation.regions_of_operation),
        "website": organisation.website,
        "description": organisation.description,
        "targets": _codes(organisation.targets),
        "thematic_areas": _codes(organisation.thematic_areas),
        "support_types": _codes(organisation.support_types),
        "languages": _codes(organisation.languages),
        "registered": _day(organisation.created_at),
        "url": absolute(request, organisation_url(organisation)),
    }


def offer_record(request: HttpRequest, offer: Offer) -> dict[str, Any]:
    """An offer in the record exchange format of ``shared/matching/README.md``, with its
    status, conditions, publication date and page address."""
    provider = offer.provider
    return {
        "id": str(offer.pk),
        "title": offer.title,
        "description": offer.description,
        "language": offer.language,
        "provider": {
            "id": str(provider.pk),
            "name": provider.name,
            "type": provider.organisation_type.code,
            "country": provider.country.code if provider.country_id else None,
        },
        "support_types": _codes(offer.support_types),
        "thematic_areas": _codes(offer.thematic_areas),
        "targets": _codes(offer.targets),
        "capacity_levels": _codes(offer.capacity_levels),
        "languages": _codes(offer.languages),
        "eligible_countries": _codes(offer.eligible_countries),
        "eligible_regions": _codes(offer.eligible_regions),
        "eligible_groups": _codes(offer.eligible_groups),
        "available_from": offer.available_from,
        "available_until": offer.available_until,
        "cost": offer.cost,
        "contribution": offer.contribution,
        "budget_min": offer.budget_min,
        "budget_max": offer.budget_max,
        "budget_currency": offer.budget_currency if offer.budget_min or offer.budget_max else None,
        "max_concurrent_requests": offer.max_concurrent_requests,
        "status": offer.status,
        "published": _day(offer.published_at),
        "url": absolute(request, record_url(offer)),
    }


def initiative_record(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    return {
        **_base_record(request, initiative),
        "partners": [
            {"id": str(partner.pk), "name": partner.name}
            for partner in initiative.partner_organisations.all()
        ],
        "other_partners": initiative.other_partners,
        "countries": _codes(initiative.countries),
        "targets": _codes(initiative.targets),
        "thematic_areas": _codes(initiative.thematic_areas),
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "budget": initiative.budget,
        "budget_currency": initiative.budget_currency if initiative.budget else None,
        "stage": initiative.stage,
        "website": initiative.website,
        "results": initiative.results,
    }


def resource_record(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    return {
        **_base_record(request, resource),
        "type": resource.resource_type.code,
        "languages": _codes(resource.languages),
        "targets": _codes(resource.targets),
        "thematic_areas": _codes(resource.thematic_areas),
        "licence": resource.licence,
        "authors": resource.authors,
        "publication_year": resource.publication_year,
        "link": resource.url,
        "download": absolute(request, reverse("partners:resource_download", args=[resource.pk])),
        "downloads": resource.download_count,
    }


def opportunity_record(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    return {
        **_base_record(request, opportunity),
        "type": opportunity.opportunity_type.code,
        "eligibility": opportunity.eligibility,
        "eligible_countries": _codes(opportunity.eligible_countries),
        "eligible_regions": _codes(opportunity.eligible_regions),
        "eligible_groups": _codes(opportunity.eligible_groups),
        "targets": _codes(opportunity.targets),
        "thematic_areas": _codes(opportunity.thematic_areas),
        "languages": _codes(opportunity.languages),
        "opens": opportunity.opens_at,
        "deadline": opportunity.deadline,
        "link": opportunity.link,
        "applications_on_portal": opportunity.applications_on_portal,
        "places": opportunity.places,
    }


def event_record(request: HttpRequest, event: Event) -> dict[str, Any]:
    return {
        **_base_record(request, event),
        "type": event.event_type.code,
        "starts": event.local_starts_at,
        "ends": event.local_ends_at,
        "time_zone": event.time_zone,
        "online": event.is_online,
        "venue": event.venue,
        "city": event.city,
        "country": event.country.code if event.country_id else None,
        "registration_url": event.registration_url,
        "languages": _codes(event.languages),
        "targets": _codes(event.targets),
        "thematic_areas": _codes(event.thematic_areas),
        "participants": event.participant_count,
    }


def agreement_record(request: HttpRequest, agreement: PartnershipAgreement) -> dict[str, Any]:
    return {
        **_base_record(request, agreement),
        "kind": agreement.kind,
        "organisation_type": agreement.organisation.organisation_type.code,
        "signed_on": agreement.signed_on,
        "ends_on": agreement.ends_on,
    }


# The keys (CSV columns) of each record function, in order.
RECORD_KEYS = {
    organisation_record: [
        "id", "name", "acronym", "type", "country", "countries_of_operation",
        "regions_of_operation", "website", "description", "targets", "thematic_areas",
        "support_types", "languages", "registered", "url",
    ],
    offer_record: [
        "id", "title", "description", "language", "provider", "support_types", "thematic_areas",
        "targets", "capacity_levels", "languages", "eligible_countries", "eligible_regions",
        "eligible_groups", "available_from", "available_until", "cost", "contribution",
        "budget_min", "budget_max", "budget_currency", "max_concurrent_requests", "status",
        "published", "url",
    ],
    initiative_record: [
        "id", "title", "description", "language", "organisation", "partners", "other_partners",
        "countries", "targets", "thematic_areas", "start_date", "end_date", "budget",
        "budget_currency", "stage", "website", "results", "status", "published", "url",
    ],
    resource_record: [
        "id", "title", "description", "language", "organisation", "type", "languages", "targets",
        "thematic_areas", "licence", "authors", "publication_year", "link", "download",
        "downloads", "status", "published", "url",
    ],
    opportunity_record: [
        "id", "title", "description", "language", "organisation", "type", "eligibility",
        "eligible_countries", "eligible_regions", "eligible_groups", "targets", "thematic_areas",
        "languages", "opens", "deadline", "link", "applications_on_portal", "places", "status",
        "published", "url",
    ],
    event_record: [
        "id", "title", "description", "language", "organisation", "type", "starts", "ends",
        "time_zone", "online", "venue", "city", "country", "registration_url", "languages",
        "targets", "thematic_areas", "participants", "status", "published", "url",
    ],
    agreement_record: [
        "id", "title", "description", "language", "organisation", "organisation_type", "kind",
        "signed_on", "ends_on", "status", "published", "url",
    ],
}  # fmt: skip


# --- The databases ------------------------------------------------------------------------------
ORGANISATIONS = register(
    Database(
        key="organisations",
        label=_("Partner organisations"),
        description=_(
            "Organisations that offer support for biodiversity capacity-building and technical "
            "and scientific cooperation: who they are, where they work and what they know."
        ),
        model=Organisation,
        filterset_class=OrganisationFilterSet,
        queryset=selectors.organisations_for_list,
        facets=[
            TermFacet(
                "organisation_type",
                _("Type of organisation"),
                model=OrganisationType,
                path="organisation_type",
                ordering=("position", "code"),
            ),
            RegionFacet(
                "region",
                _("Region"),
                path="country",
            ),
            CountryGroupFacet("group", _("Country group"), path="country"),
            TermFacet(
                "country",
                _("Headquarters country"),
                model=Country,
                path="country",
            ),
            TargetFacet("target", _("GBF target"), model=GBFTarget, path="targets"),
            TermFacet(
                "thematic_area",
                _("Thematic area"),
                model=ThematicArea,
                path="thematic_areas",
                ordering=("position", "code"),
            ),
            TermFacet(
                "support_type",
                _("Support offered"),
                model=SupportType,
                path="support_types",
                ordering=("position", "code"),
            ),
            TermFacet("language", _("Language"), model=Language, path="languages"),
        ],
        url_namespace="partners",
        detail_url=organisation_url,
        record_keys=RECORD_KEYS[organisation_record],
        record=organisation_record,
        date_field="decided_at",
        item_template="partners/organisations/_item.html",
        title_of=lambda organisation: str(organisation),
    )
)

OFFERS = register(
    Database(
        key="offers",
        label=_("Offers of support"),
        description=_(
            "Training, technical advice, exchanges, equipment and funding that partners offer "
            "to Parties and indigenous peoples and local communities."
        ),
        model=Offer,
        filterset_class=OfferFilterSet,
        queryset=selectors.offers_for_list,
        export_queryset=selectors.offers_for_export,
        facets=[
            TermFacet(
                "support_type",
                _("Support type"),
                model=SupportType,
                path="support_types",
                ordering=("position", "code"),
            ),
            *_common_facets(),
            TermFacet(
                "provider_type",
                _("Type of provider"),
                model=OrganisationType,
                path="provider__organisation_type",
                ordering=("position", "code"),
            ),
            ChoiceFacet("cost", _("Cost"), field="cost", choices=Offer.Cost.choices),
            _status_facet(Offer),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[offer_record],
        record=offer_record,
        item_template="partners/offers/_item.html",
    )
)

INITIATIVES = register(
    Database(
        key="initiatives",
        label=_("Initiatives"),
        description=_(
            "Programmes and projects that partners lead for biodiversity capacity-building, "
            "with their partners, countries and results."
        ),
        model=Initiative,
        filterset_class=InitiativeFilterSet,
        queryset=selectors.initiatives_for_list,
        facets=[
            RegionFacet("region", _("Region"), path="countries"),
            CountryGroupFacet("group", _("Country group"), path="countries"),
            *_common_facets(language=False),
            ChoiceFacet("stage", _("Stage"), field="stage", choices=Initiative.Stage.choices),
            YearFacet("start_year", _("Start year"), field="start_date"),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[initiative_record],
        record=initiative_record,
        more_exports=[(_("Download as IATI XML"), "partners:initiatives_export_iati")],
        item_template="partners/initiatives/_item.html",
    )
)

RESOURCES = register(
    Database(
        key="resources",
        label=_("Resources"),
        description=_(
            "Guidance, toolkits, training and teaching material, videos, datasets, software, "
            "publications and case studies to download and reuse."
        ),
        model=Resource,
        filterset_class=ResourceFilterSet,
        queryset=selectors.resources_for_list,
        facets=[
            TermFacet(
                "resource_type",
                _("Type of resource"),
                model=ResourceType,
                path="resource_type",
                ordering=("position", "code"),
            ),
            *_common_facets(),
            ChoiceFacet("licence", _("Licence"), field="licence", choices=Resource.Licence.choices),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[resource_record],
        record=resource_record,
        item_template="partners/resources/_item.html",
    )
)

OPPORTUNITIES = register(
    Database(
        key="opportunities",
        label=_("Opportunities"),
        description=_(
            "Training courses, fellowships and exchanges, scholarships, internships, calls for "
            "proposals and calls for experts, with their deadlines."
        ),
        model=Opportunity,
        filterset_class=OpportunityFilterSet,
        queryset=selectors.opportunities_for_list,
        facets=[
            TermFacet(
                "opportunity_type",
                _("Type of opportunity"),
                model=OpportunityType,
                path="opportunity_type",
                ordering=("position", "code"),
            ),
            *_common_facets(),
            _status_facet(Opportunity),
            YearFacet("deadline_year", _("Deadline year"), field="deadline"),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[opportunity_record],
        record=opportunity_record,
        item_template="partners/opportunities/_item.html",
    )
)

EVENTS = register(
    Database(
        key="events",
        label=_("Events"),
        description=_(
            "Workshops, matchmaking roundtables, webinars, conferences and training events, "
            "online and around the world."
        ),
        model=Event,
        filterset_class=EventFilterSet,
        queryset=selectors.events_for_list,
        facets=[
            TermFacet(
                "event_type",
                _("Type of event"),
                model=EventType,
                path="event_type",
                ordering=("position", "code"),
            ),
            RegionFacet("region", _("Region"), path="country"),
            ChoiceFacet(
                "online",
                _("Format"),
                field="is_online",
                choices=[(True, _("Online")), (False, _("In person"))],
            ),
            *_common_facets(),
            YearFacet("event_year", _("Year of the event"), field="starts_at"),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[event_record],
        record=event_record,
        item_template="partners/events/_item.html",
    )
)

AGREEMENTS = register(
    Database(
        key="agreements",
        label=_("Partnership agreements"),
        description=_(
            "Support-network agreements, partnerships with education institutions and "
            "memoranda of understanding signed with partners."
        ),
        model=PartnershipAgreement,
        filterset_class=PartnershipAgreementFilterSet,
        queryset=selectors.agreements_for_list,
        facets=[
            ChoiceFacet(
                "kind",
                _("Kind of agreement"),
                field="kind",
                choices=PartnershipAgreement.Kind.choices,
            ),
            TermFacet(
                "organisation_type",
                _("Type of organisation"),
                model=OrganisationType,
                path="organisation__organisation_type",
                ordering=("position", "code"),
            ),
            YearFacet("signed_year", _("Year signed"), field="signed_on"),
        ],
        url_namespace="partners",
        detail_url=record_url,
        record_keys=RECORD_KEYS[agreement_record],
        record=agreement_record,
        item_template="partners/agreements/_item.html",
    )
)

PARTNER_DATABASES = (
    ORGANISATIONS,
    OFFERS,
    INITIATIVES,
    RESOURCES,
    OPPORTUNITIES,
    EVENTS,
    AGREEMENTS,
)
