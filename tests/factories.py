"""factory_boy factories shared by every app's tests.

Reference data (countries, organisation types) is loaded by the vocabularies data migration; the
factories for it get the existing row by code, or create one when a test needs an unknown code.
"""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from chm_portal.accounts.models import FocalPoint, RoleRequest, User
from chm_portal.accounts.roles import STAFF_ROLE_GROUPS, FocalPointKind, Role
from chm_portal.vocabularies.models import (
    Country,
    EventType,
    OpportunityType,
    OrganisationType,
    ResourceType,
)
from partners.models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
)

# The password of every person the factories create.
PASSWORD = "correct-horse-battery-staple"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda country: f"Country {country.code}")
    is_cbd_party = True


class OrganisationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationType
        django_get_or_create = ("code",)

    code = "ngo"
    name = "Non-governmental organization"


class UserFactory(factory.django.DjangoModelFactory):
    """A person whose email address is confirmed (so that they may sign in)."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)
    preferred_language = "en"

    @factory.post_generation
    def verified_email(self, create: bool, extracted, **kwargs) -> None:
        """``UserFactory(verified_email=False)`` leaves the address unconfirmed."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def staff_roles(self, create: bool, extracted, **kwargs) -> None:
        """``UserFactory(staff_roles=[Role.HELPDESK])`` puts the person in the staff groups."""
        if not (create and extracted):
            return
        for role in extracted:
            group, _created = Group.objects.get_or_create(name=STAFF_ROLE_GROUPS[role])
            self.groups.add(group)
        if not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    user = factory.SubFactory(UserFactory)
    country = factory.SubFactory(CountryFactory)
    kind = FocalPointKind.CHM


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    acronym = ""
    organisation_type = factory.SubFactory(OrganisationTypeFactory)
    country = None
    status = Organisation.Status.APPROVED
    created_by = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.EDITOR


class RoleRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to be CHM focal point of a country."""

    class Meta:
        model = RoleRequest

    user = factory.SubFactory(UserFactory)
    role = Role.FOCAL_POINT
    country = factory.SubFactory(CountryFactory)
    focal_point_kind = FocalPointKind.CHM
    position = "Biodiversity officer, Ministry of Environment"
    justification = "Nominated by the ministry's letter of 3 March."

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # RoleRequestFactory(role=Role.HELPDESK): staff role requests name no country.
        if kwargs.get("role") in (Role.HELPDESK, Role.CONTENT_REVIEWER):
            kwargs["country"] = None
            kwargs["focal_point_kind"] = ""
        return kwargs


# --- Records of the partners' databases (published by default) -----------------------------------
def _term(model, code: str):
    return factory.LazyFunction(lambda: model.objects.get(code=code))


class _PartnerRecordFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Record {n}")
    description = "A record of the partners' databases."
    language = "en"
    status = RecordStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class OfferFactory(_PartnerRecordFactory):
    class Meta:
        model = Offer

    title = factory.Sequence(lambda n: f"Offer of support {n}")
    provider = factory.SubFactory(OrganisationFactory)


class InitiativeFactory(_PartnerRecordFactory):
    class Meta:
        model = Initiative

    title = factory.Sequence(lambda n: f"Initiative {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class ResourceFactory(_PartnerRecordFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Resource {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    resource_type = _term(ResourceType, "toolkit")
    url = "https://resources.example.org/toolkit.pdf"


class OpportunityFactory(_PartnerRecordFactory):
    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Opportunity {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    opportunity_type = _term(OpportunityType, "fellowship")
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    link = "https://opportunities.example.org/apply"


class EventFactory(_PartnerRecordFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    event_type = _term(EventType, "workshop")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=8))
    time_zone = "Africa/Nairobi"
    is_online = True


class PartnershipAgreementFactory(_PartnerRecordFactory):
    class Meta:
        model = PartnershipAgreement

    title = factory.Sequence(lambda n: f"Agreement {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    kind = PartnershipAgreement.Kind.SUPPORT_NETWORK
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
