"""``seed_demo`` fills every role's account and can run again without duplicating anything."""

import pytest
from django.core.management import call_command

from chm_portal.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_email
from chm_portal.accounts.models import FocalPoint, User
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
