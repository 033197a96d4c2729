"""One FilterSet per database of the partners, shared by its page, API list, exports and feed.

The parameters follow :mod:`chm_portal.core.faceting`: vocabularies by code, repeatable, any of the
values; different parameters must all hold. Full-text search looks in each model's
``SEARCH_FIELDS``, every interface language of them (see :mod:`chm_portal.core.search`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.faceting import (
    CodesFilter,
    CountryGroupFilter,
    EligibleCountryFilter,
    FacetedFilterSet,
    RegionFilter,
    YearFilter,
    country_filter,
    target_filter,
    thematic_area_filter,
)
from chm_portal.vocabularies.models import (
    CapacityLevel,
    EventType,
    Language,
    OpportunityType,
    OrganisationType,
    ResourceType,
    SupportType,
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


def _language_filter(path: str = "languages") -> CodesFilter:
    return CodesFilter(
        queryset=Language.objects.all(),
        field_name=path,
        label=_("Language"),
        help_text=_("ISO 639-1 code, e.g. fr."),
    )


def _organisation_filter(path: str, label=None) -> django_filters.ModelMultipleChoiceFilter:
    return django_filters.ModelMultipleChoiceFilter(
        queryset=Organisation.objects.filter(status=Organisation.Status.APPROVED),
        field_name=path,
        label=label or _("Organisation"),
        help_text=_("Identifier of a partner organisation."),
        widget=forms.CheckboxSelectMultiple,
    )


class PartnerRecordFilterSet(FacetedFilterSet):
    """What every partner record is filtered by: text (the model's ``SEARCH_FIELDS``), status
    and year of publication."""

    status = django_filters.MultipleChoiceFilter(
        choices=RecordStatus.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    year = YearFilter(field_name="published_at", label=_("Year published"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        model = self._meta.model
        statuses = set(model.PUBLIC_STATUSES)
        # On the field, not ``extra``: the field may already be built (and cached) by the schema.
        self.filters["status"].field.choices = [
            (value, label) for value, label in RecordStatus.choices if value in statuses
        ]


class OrganisationFilterSet(FacetedFilterSet):
    """Partner organisations by text, type, headquarters and places of work, and expertise."""

    organisation_type = CodesFilter(
        queryset=OrganisationType.objects.all(),
        field_name="organisation_type",
        label=_("Type of organisation"),
        help_text=_("Code of a type of organisation, e.g. ngo."),
    )
    country = country_filter("country", _("Headquarters country"))
    region = RegionFilter(field_name="country")
    group = CountryGroupFilter(field_name="country")
    operates_in = country_filter("countries_of_operation", _("Works in"))
    target = target_filter()
    thematic_area = thematic_area_filter()
    support_type = CodesFilter(
        queryset=SupportType.objects.all(),
        field_name="support_types",
        label=_("Support offered"),
        help_text=_("Code of a kind of support, e.g. training."),
    )
    language = _language_filter()

    class Meta:
        model = Organisation
        fields: list[str] = []


class OfferFilterSet(PartnerRecordFilterSet):
    """Offers of support by provider, what they offer, to whom and when."""

    target = target_filter()
    thematic_area = thematic_area_filter()

    provider = _organisation_filter("provider", _("Provider"))
    provider_type = CodesFilter(
        queryset=OrganisationType.objects.all(),
        field_name="provider__organisation_type",
        label=_("Type of provider"),
        help_text=_("Code of a type of organisation, e.g. academia."),
    )
    support_type = CodesFilter(
        queryset=SupportType.objects.all(),
        field_name="support_types",
        label=_("Support type"),
        help_text=_("Code of a kind of support, e.g. training."),
    )
    capacity_level = CodesFilter(
        queryset=CapacityLevel.objects.all(),
        field_name="capacity_levels",
        label=_("Capacity level"),
        help_text=_("individual, organizational or systemic."),
    )
    language = _language_filter()
    eligible_country = EligibleCountryFilter()
    cost = django_filters.MultipleChoiceFilter(
        choices=Offer.Cost.choices, label=_("Cost"), widget=forms.CheckboxSelectMultiple
    )
    contribution = django_filters.MultipleChoiceFilter(
        choices=Offer.Contribution.choices,
        label=_("Contribution"),
        widget=forms.CheckboxSelectMultiple,
    )
    available = django_filters.BooleanFilter(
        method="filter_available",
        label=_("Available today"),
        help_text=_("true: published and within its availability dates today."),
    )

    class Meta:
        model = Offer
        fields: list[str] = []

    def filter_available(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        available = (
            Q(status=RecordStatus.PUBLISHED)
            & (Q(available_from__isnull=True) | Q(available_from__lte=today))
            & (Q(available_until__isnull=True) | Q(available_until__gte=today))
        )
        return queryset.filter(available) if value else queryset.exclude(available)


class InitiativeFilterSet(PartnerRecordFilterSet):
    """Programmes and projects by lead organisation, country, stage and start year."""

    target = target_filter()
    thematic_area = thematic_area_filter()

    organisation = _organisation_filter("organisation", _("Lead organisation"))
    country = country_filter("countries")
    region = RegionFilter(field_name="countries")
    group = CountryGroupFilter(field_name="countries")
    stage = django_filters.MultipleChoiceFilter(
        choices=Initiative.Stage.choices, label=_("Stage"), widget=forms.CheckboxSelectMultiple
    )
    start_year = YearFilter(field_name="start_date", label=_("Start year"))

    class Meta:
        model = Initiative
        fields: list[str] = []


class ResourceFilterSet(PartnerRecordFilterSet):
    """Resources by type, language, licence, organisation and year of publication."""

    target = target_filter()
    thematic_area = thematic_area_filter()

    resource_type = CodesFilter(
        queryset=ResourceType.objects.all(),
        field_name="resource_type",
        label=_("Type of resource"),
        help_text=_("Code of a type of resource, e.g. toolkit."),
    )
    language = _language_filter()
    licence = django_filters.MultipleChoiceFilter(
        choices=Resource.Licence.choices, label=_("Licence"), widget=forms.CheckboxSelectMultiple
    )
    organisation = _organisation_filter("organisation")
    publication_year = django_filters.NumberFilter(
        field_name="publication_year", label=_("Year of publication")
    )

    class Meta:
        model = Resource
        fields: list[str] = []


class OpportunityFilterSet(PartnerRecordFilterSet):
    """Opportunities by type, who may apply, and whether they are open."""

    target = target_filter()
    thematic_area = thematic_area_filter()

    opportunity_type = CodesFilter(
        queryset=OpportunityType.objects.all(),
        field_name="opportunity_type",
        label=_("Type of opportunity"),
        help_text=_("Code of a type of opportunity, e.g. fellowship."),
    )
    organisation = _organisation_filter("organisation")
    language = _language_filter()
    eligible_country = EligibleCountryFilter()
    open = django_filters.BooleanFilter(
        method="filter_open",
        label=_("Open for applications"),
        help_text=_("true: published, opened and before its deadline."),
    )
    deadline_year = YearFilter(field_name="deadline", label=_("Deadline year"))

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        now = timezone.now()
        is_open = Q(status=RecordStatus.PUBLISHED, deadline__gt=now) & (
            Q(opens_at__isnull=True) | Q(opens_at__lte=now)
        )
        return queryset.filter(is_open) if value else queryset.exclude(is_open)


class EventFilterSet(PartnerRecordFilterSet):
    """Events by type, place, format (online or not), time and organiser."""

    target = target_filter()
    thematic_area = thematic_area_filter()

    event_type = CodesFilter(
        queryset=EventType.objects.all(),
        field_name="event_type",
        label=_("Type of event"),
        help_text=_("Code of a type of event, e.g. webinar."),
    )
    organisation = _organisation_filter("organisation", _("Organiser"))
    country = country_filter("country")
    region = RegionFilter(field_name="country")
    language = _language_filter()
    online = django_filters.BooleanFilter(field_name="is_online", label=_("Online"))
    upcoming = django_filters.BooleanFilter(
        method="filter_upcoming",
        label=_("Upcoming"),
        help_text=_("true: not ended yet; false: past events."),
    )
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starts on or after")
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label=_("Starts before")
    )
    event_year = YearFilter(field_name="starts_at", label=_("Year of the event"))

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_upcoming(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(ends_at__gte=now) if value else queryset.filter(ends_at__lt=now)


class PartnershipAgreementFilterSet(PartnerRecordFilterSet):
    """Partnership agreements by kind, organisation, type of organisation and year signed."""

    kind = django_filters.MultipleChoiceFilter(
        choices=PartnershipAgreement.Kind.choices,
        label=_("Kind of agreement"),
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = _organisation_filter("organisation")
    organisation_type = CodesFilter(
        queryset=OrganisationType.objects.all(),
        field_name="organisation__organisation_type",
        label=_("Type of organisation"),
        help_text=_("Code of a type of organisation, e.g. academia."),
    )
    signed_year = YearFilter(field_name="signed_on", label=_("Year signed"))
    in_force = django_filters.BooleanFilter(
        method="filter_in_force",
        label=_("In force"),
        help_text=_("true: signed and not ended today."),
    )

    class Meta:
        model = PartnershipAgreement
        fields: list[str] = []

    def filter_in_force(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        in_force = Q(signed_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        return queryset.filter(in_force) if value else queryset.exclude(in_force)
