"""Staff must set up a second factor before using the admin (StaffMfaMiddleware)."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from chm_portal.accounts.middleware import SET_UP_MFA_MESSAGE

pytestmark = pytest.mark.django_db

MIDDLEWARE = "chm_portal.accounts.middleware.StaffMfaMiddleware"
WITH_MFA_REQUIRED = override_settings(
    CHM_STAFF_REQUIRE_MFA=True,
    MIDDLEWARE=(
        settings.MIDDLEWARE
        if MIDDLEWARE in settings.MIDDLEWARE
        else [*settings.MIDDLEWARE, MIDDLEWARE]
    ),
)


@WITH_MFA_REQUIRED
@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, helpdesk_user, language):
    client.force_login(helpdesk_user)

    response = client.get(f"/{language}/admin/accounts/rolerequest/")

    assert response.status_code == 302
    assert response.url.endswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again first; the portal's message says why.
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    with translation.override(language):
        expected = escape(str(SET_UP_MFA_MESSAGE))
    assert expected in page.content.decode()
    if language == "fr":
        assert "authentification à deux facteurs" in expected


@WITH_MFA_REQUIRED
def test_staff_with_a_second_factor_use_the_admin(client, helpdesk_user):
    Authenticator.objects.create(
        user=helpdesk_user, type=Authenticator.Type.TOTP, data={"secret": "not-used-here"}
    )
    client.force_login(helpdesk_user)

    assert client.get(reverse("admin:index")).status_code == 200


@WITH_MFA_REQUIRED
def test_other_pages_and_signing_out_stay_open(client, helpdesk_user):
    client.force_login(helpdesk_user)

    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200


@WITH_MFA_REQUIRED
def test_non_staff_get_the_admin_login_not_the_mfa_page(client, learner):
    client.force_login(learner)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


@override_settings(CHM_STAFF_REQUIRE_MFA=False, MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE])
def test_switched_off_it_lets_staff_in(client, helpdesk_user):
    client.force_login(helpdesk_user)

    assert client.get(reverse("admin:index")).status_code == 200
