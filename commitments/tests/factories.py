"""Factories of commitments for the tests."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from chm_portal.vocabularies.models import Country, GBFTarget
from tests.factories import UserFactory

from ..models import (
    ActorType,
    Commitment,
    Deliverable,
    ModerationStatus,
    NewsItem,
    Phase,
    ProgressReport,
    Question,
    Scope,
)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    actor_type = ActorType.INDIVIDUAL
    owner = factory.SubFactory(UserFactory)
    actor_name = factory.Sequence(lambda n: f"Actor {n}")
    country = factory.LazyFunction(
        lambda: Country.objects.get_or_create(code="KE", defaults={"name": "Kenya"})[0]
    )
    title = factory.Sequence(lambda n: f"Commitment {n}")
    description = "Plant native trees along the river with the school."
    scope = Scope.LOCAL
    audience = "Pupils and parents"
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    phase = Phase.PLANNING
    status = ModerationStatus.DRAFT

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if not create:
            return
        self.targets.set(extracted or [GBFTarget.objects.get(code="GBF-T2")])

    @factory.post_generation
    def with_deliverable(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Deliverable.objects.create(
                commitment=self,
                description="Restore the riverbank",
                indicator="Area restored",
                unit="ha",
                baseline=Decimal("0"),
                target=Decimal("10"),
            )


class PublishedCommitmentFactory(CommitmentFactory):
    status = ModerationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    commitment = factory.SubFactory(PublishedCommitmentFactory)
    period_end = datetime.date(2025, 6, 30)
    phase = Phase.IMPLEMENTATION
    summary = "Half of the riverbank is planted."
    status = ModerationStatus.PUBLISHED


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"News {n}")
    summary = "A short summary."
    body = "The whole story."
    is_published = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question = factory.Sequence(lambda n: f"How do I do thing {n}?")
    answer = "Like this."
