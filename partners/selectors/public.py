"""Reads: functions returning QuerySets with their related rows loaded."""

from django.db.models import F, Prefetch, Q, QuerySet

from chm_portal.accounts.predicates import is_content_reviewer, is_helpdesk_or_site_admin

from ..models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    Resource,
)
from ..rules import REVIEWED_MODELS


def organisations_public() -> QuerySet[Organisation]:
    """Approved organisations: the ones anyone may see."""
    return Organisation.objects.filter(status=Organisation.Status.APPROVED).select_related(
        "organisation_type", "country"
    )


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    """Approved organisations, plus the ones the person belongs to; everything for the help desk."""
    queryset = Organisation.objects.select_related("organisation_type", "country")
    if user.is_authenticated and is_helpdesk_or_site_admin(user):
        return queryset
    visible = Q(status=Organisation.Status.APPROVED)
    if user.is_authenticated:
        visible |= Q(memberships__user=user)
    return queryset.filter(visible).distinct()


def records_visible_to(queryset: QuerySet, *, user) -> QuerySet:
    """``queryset`` limited to what ``user`` may see, as on the pages: public records, plus the
    records of the person's organisations in any status; everything for the help desk, and the
    resources and events for content reviewers (``partners.view_<record>``)."""
    model = queryset.model
    if user.is_authenticated and (
        is_helpdesk_or_site_admin(user)
        or (model._meta.model_name in REVIEWED_MODELS and is_content_reviewer(user))
    ):
        return queryset
    organisation = model.ORGANISATION_FIELD
    visible = Q(
        status__in=model.PUBLIC_STATUSES,
        **{f"{organisation}__status": Organisation.Status.APPROVED},
    )
    if user.is_authenticated:
        own = user.organisation_memberships.values("organisation_id")
        visible |= Q(**{f"{organisation}__in": own})
    return queryset.filter(visible)


def organisations_of_user(*, user) -> QuerySet[Organisation]:
    """The organisations a person belongs to, in any role and any status."""
    return Organisation.objects.filter(memberships__user=user).select_related(
        "organisation_type", "country"
    )


def organisations_pending() -> QuerySet[Organisation]:
    """Registrations waiting for the help desk, oldest first."""
    return (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .select_related("organisation_type", "country", "created_by")
        .order_by("created_at")
    )


def memberships_of_organisation(*, organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's members, administrators first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


# --- Pages of one record (any status: the view checks who may open it) ----------------------------
def organisations_for_page() -> QuerySet[Organisation]:
    return Organisation.objects.select_related(
        "organisation_type", "country__region"
    ).prefetch_related(
        "targets",
        "thematic_areas",
        "support_types",
        "languages",
        "countries_of_operation",
        "regions_of_operation",
    )


def offers_for_page() -> QuerySet[Offer]:
    return Offer.objects.select_related(
        "provider__organisation_type", "provider__country"
    ).prefetch_related(
        "support_types",
        "thematic_areas",
        "targets",
        "capacity_levels",
        "languages",
        "eligible_countries",
        "eligible_regions",
        "eligible_groups",
    )


def initiatives_for_page() -> QuerySet[Initiative]:
    return Initiative.objects.select_related("organisation").prefetch_related(
        "partner_organisations", "countries", "targets", "thematic_areas"
    )


def resources_for_page() -> QuerySet[Resource]:
    return Resource.objects.select_related("organisation", "resource_type").prefetch_related(
        "languages", "targets", "thematic_areas"
    )


def opportunities_for_page() -> QuerySet[Opportunity]:
    return Opportunity.objects.select_related("organisation", "opportunity_type").prefetch_related(
        "targets",
        "thematic_areas",
        "languages",
        "eligible_countries",
        "eligible_regions",
        "eligible_groups",
    )


def events_for_page() -> QuerySet[Event]:
    return Event.objects.select_related("organisation", "event_type", "country").prefetch_related(
        "languages", "targets", "thematic_areas"
    )


def agreements_for_page() -> QuerySet[PartnershipAgreement]:
    return PartnershipAgreement.objects.select_related("organisation__organisation_type")


# --- The public databases: the pages' querysets, public rows only, in the list's order ------------
def organisations_for_list() -> QuerySet[Organisation]:
    """Approved organisations with what their list and exports show, by name."""
    return (
        organisations_for_page().filter(status=Organisation.Status.APPROVED).order_by("name", "pk")
    )


def offers_for_list() -> QuerySet[Offer]:
    """Public offers, newest first, with what the list shows of each loaded (provider and its
    country, support types, targets, languages): three prefetches a page instead of eight."""
    return (
        Offer.objects.public()
        .select_related("provider__country")
        .prefetch_related("support_types", "targets", "languages")
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
    )


def offers_for_export() -> QuerySet[Offer]:
    """Public offers, newest first, with every vocabulary their exported records carry."""
    return offers_for_page().public().order_by(F("published_at").desc(nulls_last=True), "-pk")


def initiatives_for_list() -> QuerySet[Initiative]:
    return initiatives_for_page().public().order_by(F("start_date").desc(nulls_last=True), "-pk")


def resources_for_list() -> QuerySet[Resource]:
    return resources_for_page().public().order_by(F("published_at").desc(nulls_last=True), "-pk")


def opportunities_for_list() -> QuerySet[Opportunity]:
    """Public opportunities, the nearest deadline first (closed ones after the open ones)."""
    return opportunities_for_page().public().order_by("status", "deadline", "pk")


def events_for_list() -> QuerySet[Event]:
    """Public events in date order."""
    return events_for_page().public().order_by("starts_at", "pk")


def agreements_for_list() -> QuerySet[PartnershipAgreement]:
    return agreements_for_page().public().order_by("-signed_on", "-pk")


def initiatives_for_iati() -> QuerySet[Initiative]:
    """Public initiatives with what their IATI activity reads (``partners/iati.py``): the types
    of their organisations too; in a stable order, oldest first."""
    return (
        Initiative.objects.public()
        .select_related("organisation__organisation_type")
        .prefetch_related(
            Prefetch(
                "partner_organisations",
                queryset=Organisation.objects.select_related("organisation_type"),
            ),
            "countries",
            "targets",
        )
        .order_by("pk")
    )


def public_records_of_organisation(organisation: Organisation) -> dict[str, list]:
    """The latest public records of an organisation, by database key (five of each)."""
    limit = 5
    return {
        "offers": list(Offer.objects.public().filter(provider=organisation)[:limit]),
        "initiatives": list(Initiative.objects.public().filter(organisation=organisation)[:limit]),
        "resources": list(Resource.objects.public().filter(organisation=organisation)[:limit]),
        "opportunities": list(
            Opportunity.objects.public().filter(organisation=organisation)[:limit]
        ),
        "events": list(Event.objects.public().filter(organisation=organisation)[:limit]),
    }


def public_counts() -> dict[str, int]:
    """How many public records each database holds (one query per database)."""
    return {
        "organisations": organisations_public().count(),
        "offers": Offer.objects.public().count(),
        "initiatives": Initiative.objects.public().count(),
        "resources": Resource.objects.public().count(),
        "opportunities": Opportunity.objects.public().count(),
        "events": Event.objects.public().count(),
        "agreements": PartnershipAgreement.objects.public().count(),
    }
