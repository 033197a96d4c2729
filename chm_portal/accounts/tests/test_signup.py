"""Signing up, confirming the email address and signing in, through allauth."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from chm_portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mangroves-and-coral-reefs-42"


def _sign_up(client, country=None, **extra):
    data = {
        "email": "wanjiku.kamau@example.org",
        "full_name": "Wanjiku Kamau",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    if country is not None:
        data["country"] = country.pk
    return client.post(reverse("account_signup"), data)


def _sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _link_in(message) -> str:
    return urlparse(re.search(r"https?://\S+", message.body).group(0)).path


def test_sign_up_confirm_then_sign_in(client, country_a):
    response = _sign_up(client, country=country_a)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    wanjiku = User.objects.get(email="wanjiku.kamau@example.org")
    assert wanjiku.full_name == "Wanjiku Kamau"
    assert wanjiku.country == country_a
    assert wanjiku.preferred_language == "en"
    assert [message.to for message in mail.outbox] == [["wanjiku.kamau@example.org"]]

    # Not signed in until the address is confirmed.
    assert client.get(reverse("accounts:profile")).status_code == 302
    confirm_path = _link_in(mail.outbox[0])
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm your email address" in page.content.decode()
    assert client.post(confirm_path).status_code == 302
    assert EmailAddress.objects.get(email="wanjiku.kamau@example.org").verified

    client.logout()
    response = _sign_in(client, "wanjiku.kamau@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert "Wanjiku Kamau" in client.get(reverse("accounts:profile")).content.decode()


def test_sign_up_without_a_name_is_refused_with_a_message(client):
    response = _sign_up(client, full_name="")

    assert response.status_code == 200
    assert not User.objects.filter(email="wanjiku.kamau@example.org").exists()
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_full_name"' in content


def test_sign_up_in_french_sets_the_preferred_language(client):
    with translation.override("fr"):
        url = reverse("account_signup")
    assert url.startswith("/fr/")
    client.post(
        url,
        {
            "email": "amelie@example.org",
            "full_name": "Amélie Laurent",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert User.objects.get(email="amelie@example.org").preferred_language == "fr"


def test_sign_in_before_confirming_is_blocked(client):
    UserFactory(email="unconfirmed@example.org", verified_email=False)

    response = _sign_in(client, "unconfirmed@example.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    # A fresh confirmation link went out.
    assert mail.outbox[-1].to == ["unconfirmed@example.org"]


def test_sign_in_by_email_in_any_case(client, learner):
    response = _sign_in(client, "LEA.Martin@Example.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert int(client.session["_auth_user_id"]) == learner.pk


def test_wrong_password_is_refused(client, learner):
    response = _sign_in(client, learner.email, "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "There is a problem" in response.content.decode()


def test_allauth_pages_use_the_portal_layout(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        content = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in content, name
        assert content.count("<h1") == 1, name


def test_password_reset_by_email(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert "Check your email" in client.get(response.url).content.decode()

    # The link leads to a page that asks for the new password (allauth moves the key into the
    # session and redirects once).
    page = client.get(_link_in(mail.outbox[0]), follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_a_used_reset_link_says_so(client, learner):
    response = client.get(reverse("account_reset_password_from_key", args=["x", "bad-key"]))

    assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password", "mfa_index"])
def test_account_settings_pages_use_the_portal_layout(client, learner, url_name):
    client.force_login(learner)

    content = client.get(reverse(url_name)).content.decode()

    assert 'class="site-header"' in content
    assert 'aria-label="Account settings"' in content
    assert content.count("<h1") == 1


def test_signing_out(client, learner):
    client.force_login(learner)

    assert "Do you want to sign out" in client.get(reverse("account_logout")).content.decode()
    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
