"""The Action Agenda's demo data: every kind of actor and phase, valid, and created once."""

import pytest
from django.db.models import Count

from chm_portal.accounts import demo as accounts_demo
from commitments import demo
from commitments.models import (
    ActorType,
    Commitment,
    ModerationStatus,
    NewsItem,
    Phase,
    ProgressReport,
    Question,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_commitments_of_each_kind_in_several_phases_once():
    accounts_demo.seed(log=lambda message: None)
    demo.seed(log=lambda message: None)
    counts = (Commitment.objects.count(), ProgressReport.objects.count(), NewsItem.objects.count())
    demo.seed(log=lambda message: None)
    assert (
        Commitment.objects.count(),
        ProgressReport.objects.count(),
        NewsItem.objects.count(),
    ) == counts
    public = Commitment.objects.filter(status=ModerationStatus.PUBLISHED)
    assert set(public.values_list("actor_type", flat=True)) == set(ActorType.values)
    assert set(public.values_list("phase", flat=True)) == set(Phase.values)
    assert public.values("country").distinct().count() >= 10
    assert public.filter(is_biosafety=True, targets__code="GBF-T17").exists()
    statuses = dict(Commitment.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[ModerationStatus.SUBMITTED] >= 1 and statuses[ModerationStatus.RETURNED] >= 1
    assert ProgressReport.objects.filter(status=ModerationStatus.PUBLISHED).exists()
    for commitment in Commitment.objects.all():
        commitment.full_clean()
        assert commitment.deliverables.exists()
    assert Question.objects.filter(question_fr__isnull=False).count() == len(demo.QUESTIONS)
