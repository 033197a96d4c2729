"""Password guessing and floods: the sign-in lockout shared by the form and the API token
endpoint, the rate limits of the public forms and the API throttles (docs/security.md)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = reverse("api-token")
WRONG = "not-my-password"
LOCKED_OUT = "Too many failed login attempts. Try again later."
NOT_CORRECT = "The email address and/or password you specified are not correct."
# ACCOUNT_RATE_LIMITS["login_failed"]: 5 failures in 5 minutes, per address and per email.
ALLOWED_FAILURES = 5


def _sign_in(browser: Client, email: str, password: str, *, language: str = "en"):
    with translation.override(language):
        url = reverse("account_login")
    return browser.post(url, {"login": email, "password": password})


def _signed_in(browser: Client) -> bool:
    return SESSION_KEY in browser.session


# --- Sign-in form --------------------------------------------------------------------------------
def test_repeated_failed_sign_ins_lock_the_account_even_for_the_right_password(client, learner):
    for _attempt in range(ALLOWED_FAILURES):
        assert NOT_CORRECT in _sign_in(client, learner.email, WRONG).content.decode()

    response = _sign_in(client, learner.email, PASSWORD)

    assert LOCKED_OUT in response.content.decode()
    assert not _signed_in(client)


def test_the_lockout_message_is_translated(client, learner):
    for _attempt in range(ALLOWED_FAILURES):
        _sign_in(client, learner.email, WRONG, language="es")

    response = _sign_in(client, learner.email, PASSWORD, language="es")

    assert "Demasiados intentos fallidos. Inténtelo más tarde." in response.content.decode()
    assert not _signed_in(client)


def test_a_successful_sign_in_does_not_count_as_a_failure(client, learner):
    for _attempt in range(ALLOWED_FAILURES - 1):
        _sign_in(client, learner.email, WRONG)
    assert _sign_in(client, learner.email, PASSWORD).status_code == 302
    client.logout()

    # The fifth failure is still answered as a wrong password, not as a lockout.
    assert NOT_CORRECT in _sign_in(client, learner.email, WRONG).content.decode()


def test_a_locked_email_address_stays_locked_from_another_address(learner):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(ALLOWED_FAILURES):
        _sign_in(guesser, learner.email, WRONG)
    lea, someone_else = Client(REMOTE_ADDR="198.51.100.20"), UserFactory()

    assert LOCKED_OUT in _sign_in(lea, learner.email, PASSWORD).content.decode()
    assert not _signed_in(lea)
    # Other people signing in from elsewhere are not affected.
    assert _sign_in(lea, someone_else.email, PASSWORD).status_code == 302
    assert _signed_in(lea)


# --- API token endpoint -------------------------------------------------------------------------
def test_failed_token_requests_lock_the_sign_in_form_too(learner):
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = [
        api.post(TOKEN, {"email": learner.email, "password": WRONG}).status_code
        for _attempt in range(ALLOWED_FAILURES)
    ]
    assert answers == [400] * ALLOWED_FAILURES

    browser = Client(REMOTE_ADDR="198.51.100.20")
    assert LOCKED_OUT in _sign_in(browser, learner.email, PASSWORD).content.decode()
    assert not _signed_in(browser)


def test_failed_sign_ins_lock_the_token_endpoint_with_a_429(learner):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(ALLOWED_FAILURES):
        _sign_in(browser, learner.email, WRONG)

    api = APIClient(REMOTE_ADDR="198.51.100.20")
    response = api.post(TOKEN, {"email": learner.email, "password": PASSWORD})

    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_OUT}
    assert "token" not in response.json()


def test_the_token_lockout_is_told_in_the_client_language(api_client, learner):
    for _attempt in range(ALLOWED_FAILURES):
        api_client.post(TOKEN, {"email": learner.email, "password": WRONG})

    response = api_client.post(
        TOKEN, {"email": learner.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="es"
    )

    assert response.status_code == 429
    assert response.json()["detail"] == "Demasiados intentos fallidos. Inténtelo más tarde."


def test_token_requests_that_succeed_still_count_towards_the_throttle(api_client, learner):
    """TokenRateThrottle: 10 requests a minute per client address, right or wrong."""
    answers = [
        api_client.post(TOKEN, {"email": learner.email, "password": PASSWORD}).status_code
        for _attempt in range(11)
    ]

    assert answers == [200] * 10 + [429]


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(api_client, learner):
    answers = [
        api_client.post(
            TOKEN,
            {"email": learner.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        ).status_code
        for attempt in range(11)
    ]

    assert answers[-1] == 429


# --- Public forms --------------------------------------------------------------------------------
def test_signing_up_too_often_from_one_address_gets_the_429_page(client):
    """ACCOUNT_RATE_LIMITS["signup"]: 20 an hour per address (sent forms, valid or not)."""
    for _attempt in range(20):
        assert client.post(reverse("account_signup"), {}).status_code == 200

    response = client.post(reverse("account_signup"), {})

    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Too many attempts</h1>" in page
    assert "Wait a few minutes, then try again." in page
    assert 'id="main"' in page  # the portal's layout (base.html), with its navigation


def test_asking_for_password_resets_too_often_is_refused(client, learner):
    """ACCOUNT_RATE_LIMITS["reset_password"]: 3 a minute per email address."""
    for _attempt in range(3):
        client.post(reverse("account_reset_password"), {"email": learner.email})
    sent = len(mail.outbox)

    response = client.post(reverse("account_reset_password"), {"email": learner.email})

    assert sent == 3
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()
    assert len(mail.outbox) == sent


# --- API throttles -------------------------------------------------------------------------------
@pytest.fixture
def tight_api_rates(monkeypatch):
    """The anonymous and signed-in rates of REST_FRAMEWORK, lowered to three a minute (the
    throttle classes read them once, at import)."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")


def test_anonymous_api_clients_are_throttled(api_client, tight_api_rates):
    url = reverse("country-list")
    answers = [api_client.get(url).status_code for _attempt in range(4)]
    refused = api_client.get(url)

    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert int(refused["Retry-After"]) > 0


def test_signed_in_api_clients_are_throttled_per_person(api_client, learner, tight_api_rates):
    url = reverse("country-list")
    api_client.force_authenticate(learner)
    answers = [api_client.get(url).status_code for _attempt in range(4)]

    assert answers == [200, 200, 200, 429]
    # Someone else from the same address has a count of their own.
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).status_code == 200


# --- Redis down ----------------------------------------------------------------------------------
UNREACHABLE_REDIS_CACHE = {
    "default": {
        "BACKEND": "chm_portal.core.cache.PortalRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
    }
}


def test_people_can_sign_in_and_browse_while_the_cache_is_down(client, learner, settings):
    settings.CACHES = UNREACHABLE_REDIS_CACHE
    assert _sign_in(client, learner.email, PASSWORD).status_code == 302
    assert _signed_in(client)
    client.logout()
    # Public pages render, uncached.
    page = Client().get("/en/needs/registry/")
    assert page.status_code == 200
    assert page["X-Page-Cache"] == "miss"
