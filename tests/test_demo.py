"""``seed_demo`` fills every role's account and can run again without duplicating anything."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from chm_portal.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_email
from chm_portal.accounts.models import FocalPoint, User
from needs.models import Assessment, AssessmentEntry, Need, NeedEvent, NeedMessage
from partners.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_its_people_can_sign_in(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), FocalPoint.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), FocalPoint.objects.count(), Membership.objects.count()) == counts
    assert User.objects.count() == len(DEMO_PEOPLE)
    assert Organisation.objects.filter(status=Organisation.Status.APPROVED).count() >= 3

    helpdesk = User.objects.get(email=demo_email("helpdesk"))
    assert helpdesk.is_staff and helpdesk.groups.filter(name="Help desk").exists()
    assert (
        FocalPoint.objects.active()
        .filter(user__email=demo_email("focal.kenya"), country__code="KE")
        .exists()
    )

    response = client.post(
        "/en/accounts/login/",
        {"login": demo_email("focal.brazil"), "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    profile = client.get("/en/me/")
    assert profile.status_code == 200
    assert "Beatriz Souza" in profile.content.decode()


def _needs_counts():
    return (
        Need.objects.count(),
        NeedEvent.objects.count(),
        NeedMessage.objects.count(),
        Assessment.objects.count(),
        AssessmentEntry.objects.count(),
    )


def test_seed_demo_requests_cover_every_status_and_many_countries():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = _needs_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _needs_counts() == counts

    demo = Need.objects.filter(source="demo")
    assert demo.count() == Need.objects.count() >= 20
    assert set(demo.values_list("status", flat=True)) == set(Need.Status.values)
    assert demo.filter(status=Need.Status.PUBLISHED).count() >= 3
    assert demo.values("country").distinct().count() >= 12
    assert set(demo.values_list("language", flat=True)) == {"en", "fr", "es"}
    # Kenya's and Brazil's focal points wrote their own; the help desk helped the others.
    assert set(
        demo.filter(expressed_with_helpdesk=False).values_list("country__code", flat=True)
    ) == {"KE", "BR"}
    assert demo.filter(expressed_with_helpdesk=True).count() >= 10
    # Waiting for triage for weeks: the overdue flag has something to show.
    assert demo.filter(
        status__in=[Need.Status.SUBMITTED, Need.Status.IN_TRIAGE],
        submitted_at__lt=timezone.now() - timedelta(days=15),
    ).exists()
    assert NeedMessage.objects.filter(need__in=demo, from_helpdesk=True).exists()
    assert NeedMessage.objects.filter(need__in=demo, from_helpdesk=False).exists()
    for need in demo.exclude(status=Need.Status.DRAFT):
        assert need.targets.exists(), need.reference
        assert need.support_details.exists(), need.reference
        assert need.submitted_at is not None, need.reference
    # Demo history counts as notified: seeding sends no email about it.
    assert not NeedEvent.objects.filter(notified_at__isnull=True).exists()

    kenya = Assessment.objects.get(country__code="KE")
    assert kenya.status == Assessment.Status.SUBMITTED
    assert kenya.entries.count() == 23
    assert all(len(entry.scores) == 3 for entry in kenya.entries.all())
    assert Assessment.objects.get(country__code="BR").status == Assessment.Status.DRAFT
    # Kenya's untreated high-priority gap became a draft request, once.
    assert demo.filter(assessment_entry__assessment=kenya, status=Need.Status.DRAFT).count() == 1
