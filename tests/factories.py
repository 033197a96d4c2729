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


# --- Matchmaking: requests and matches of the Bio-Bridge workflow (matches' tests) ---------------
class MatchNeedFactory(factory.django.DjangoModelFactory):
    """A published, public request for assistance written straight to the database (the needs
    tests make theirs through the services); ``created_by`` is its author, None by default."""

    class Meta:
        model = "needs.Need"

    reference = factory.Sequence(lambda n: f"NEED-2026-9{n:04d}")
    title = factory.Sequence(lambda n: f"Request for assistance {n}")
    country = factory.SubFactory(CountryFactory)
    language = "en"
    status = "published"
    visibility = "public"
    problem_statement = "Officers cannot identify the species counted."
    objectives = "Train the officers."
    requesting_organisation = "Ministry of Environment"
    published_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = None


class MatchFactory(factory.django.DjangoModelFactory):
    """A match proposed by the help desk to the offer's provider (status and dates as given)."""

    class Meta:
        model = "matchmaking.Match"

    need = factory.SubFactory(MatchNeedFactory)
    offer = factory.SubFactory(OfferFactory)
    status = "proposed"
    origin = "helpdesk"
    proposed_at = factory.LazyFunction(timezone.now)


# --- Matchmaking: pilot projects, reports, evaluations, stories (projects' tests) ----------------
class ProjectFactory(factory.django.DjangoModelFactory):
    """A pilot project in planning, written straight to the database, of an agreed match (the
    projects' tests launch theirs through ``project_launch`` when the launch matters)."""

    class Meta:
        model = "matchmaking.Project"

    match = factory.SubFactory(
        MatchFactory, status="agreed", agreed_at=factory.LazyFunction(timezone.now)
    )
    reference = factory.Sequence(lambda n: f"PRJ-2026-9{n:04d}")
    title = factory.Sequence(lambda n: f"Pilot project {n}")
    objectives = "Train forty officers to run the census on their own."
    budget = 45000
    currency = "USD"
    start_date = factory.LazyFunction(timezone.localdate)
    status = "planning"
    report_every_months = 3
    next_report_due = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=90)
    )


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.ProgressReport"

    project = factory.SubFactory(ProjectFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    period_end = factory.LazyFunction(timezone.localdate)
    progress_percent = 40
    achievements = "Two field courses held; 25 officers trained."


class ProjectEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.ProjectEvaluation"

    project = factory.SubFactory(ProjectFactory, status="completed")
    side = "requester"
    effectiveness = 4
    quality = 5
    achievement = "mostly"
    lessons_learned = "Start the field courses before the rainy season."


class SuccessStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.SuccessStory"

    project = factory.SubFactory(ProjectFactory, status="completed")
    title = factory.Sequence(lambda n: f"Success story {n}")
    summary = "Forty officers now run the census on their own."
    body = "The census of January covered every site for the first time."
    status = "draft"


# --- E-learning -----------------------------------------------------------------------------------
class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "elearning.Course"

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A short course on biodiversity."
    provider = factory.SubFactory(OrganisationFactory)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


def build_course(
    provider=None, *, status="published", modules=2, lessons_per_module=2, quiz=True, **fields
):
    """A course with ``modules`` modules of ``lessons_per_module`` required content lessons, and,
    when ``quiz``, a last lesson that is a quiz of two questions (one single-choice, one
    multiple-choice; pass mark 50 %, two attempts). Returns the course."""
    from elearning.models import Choice, Lesson, Module, Question, Quiz

    course = CourseFactory(**({"provider": provider} if provider else {}), status=status, **fields)
    module = None
    for m in range(modules):
        module = Module.objects.create(course=course, title=f"Module {m + 1}", position=m)
        for n in range(lessons_per_module):
            Lesson.objects.create(
                course=course,
                module=module,
                title=f"Lesson {m + 1}.{n + 1}",
                position=n,
                body="<p>Text of the lesson.</p>",
            )
    if quiz and module is not None:
        lesson = Lesson.objects.create(
            course=course, module=module, kind="quiz", title="Check your knowledge", position=99
        )
        quiz_row = Quiz.objects.create(lesson=lesson, pass_mark=50, max_attempts=2)
        single = Question.objects.create(quiz=quiz_row, text="Which is a GBF target?", position=0)
        Choice.objects.create(
            question=single,
            text="GBF-T3",
            is_correct=True,
            position=0,
            feedback="Yes: protected areas.",
        )
        Choice.objects.create(
            question=single, text="GBF-T99", position=1, feedback="There is no such target."
        )
        multiple = Question.objects.create(
            quiz=quiz_row, text="Which are ecosystems?", kind="multiple", position=1
        )
        Choice.objects.create(question=multiple, text="Mangroves", is_correct=True, position=0)
        Choice.objects.create(question=multiple, text="Coral reefs", is_correct=True, position=1)
        Choice.objects.create(question=multiple, text="Spreadsheets", position=2)
    return course


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "elearning.Enrolment"

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "elearning.Community"

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"Community {n}")
    description = "Practitioners sharing experience."
