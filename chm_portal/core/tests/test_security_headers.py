"""Security headers on pages, the API and the admin; no inline script that the Content Security
Policy would refuse; request forgery refused (docs/security.md)."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chm_portal.accounts.models import RoleRequest
from chm_portal.accounts.roles import Role
from chm_portal.core.richtext import video_embed_url
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _assert_security_headers(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    # Scripts only from the portal's files: no inline code, no eval.
    assert policy["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "data:"} & set(
        policy["script-src"]
    )
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_a_page_has_the_security_headers(client):
    # The second answer may come from the public page cache: the headers are added to it too.
    for _visit in range(2):
        response = client.get(reverse("home"))

        assert response.status_code == 200
        _assert_security_headers(response)


def test_an_api_response_has_the_security_headers(api_client):
    response = api_client.get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    _assert_security_headers(response)


def test_the_admin_has_the_security_headers(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Help desk and administration" in response.content.decode()
    _assert_security_headers(response)


def test_lesson_videos_may_play_in_frames_and_nothing_else():
    """Every address video_embed_url gives is allowed by frame-src, and only those hosts are."""
    from django.conf import settings

    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    embeds = {
        video_embed_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        video_embed_url("https://youtu.be/dQw4w9WgXcQ"),
        video_embed_url("https://vimeo.com/76979871"),
    }
    origins = {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in embeds}

    assert origins == set(frame_src)


# --- No inline script --------------------------------------------------------------------------
# A <script> element with code in it (JSON data blocks are not run, so they may stay), an event
# handler attribute or a javascript: link: what script-src 'self' refuses.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_DATA_BLOCK = re.compile(r"""type=["']application/(ld\+)?json["']""", re.IGNORECASE)
_HANDLER = re.compile(r"""<[^>]+\son[a-z]+\s*=""", re.IGNORECASE)
_JS_LINK = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _inline_code(html: str) -> list[str]:
    found = [
        match.group(0)[:120]
        for match in _SCRIPT.finditer(html)
        if match.group(2).strip() and not _DATA_BLOCK.search(match.group(1))
    ]
    found += [match.group(0)[:120] for match in _HANDLER.finditer(html)]
    found += [match.group(0)[:120] for match in _JS_LINK.finditer(html)]
    return found


@pytest.mark.parametrize(
    "url_name", ["home", "account_login", "account_signup", "account_reset_password"]
)
def test_public_pages_have_no_inline_script(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert _inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/",
        "/en/admin/partners/organisation/",
        "/en/admin/partners/organisation/add/",
        "/en/admin/partners/organisation/export/",
        "/en/admin/partners/organisation/import/",
        "/en/admin/accounts/rolerequest/",
    ],
)
def test_admin_pages_have_no_inline_script(client, organisation_x, path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(path)

    assert response.status_code == 200
    assert _inline_code(response.content.decode()) == []


def test_swagger_ui_loads_its_start_up_script_from_a_file(client):
    page = client.get(reverse("api-docs"))
    html = page.content.decode()
    script_urls = re.findall(r'<script src="([^"]+)"', html)

    assert _inline_code(html) == []
    start_up = client.get(script_urls[-1])
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start_up.content.decode()


def test_redoc_may_start_its_search_worker_and_loads_no_font_from_a_cdn(client):
    page = client.get(reverse("api-redoc"))
    html = page.content.decode()

    assert _policy(page)["worker-src"] == ["blob:"]
    assert "fonts.googleapis.com" not in html
    assert _inline_code(html) == []


# --- Request forgery ---------------------------------------------------------------------------
ROLE_REQUEST = {"role": Role.HELPDESK, "justification": "I answer the help desk's mail."}


def test_a_form_posted_without_its_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    person = UserFactory()

    response = browser.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_a_signed_in_form_posted_without_its_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    person = UserFactory()
    browser.force_login(person)

    response = browser.post(reverse("accounts:role_request"), ROLE_REQUEST)

    assert response.status_code == 403
    assert not RoleRequest.objects.filter(user=person).exists()


def test_the_api_refuses_a_session_write_without_csrf_token_but_not_a_token_write():
    person = UserFactory()
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(person)

    refused = session.post(reverse("role-request-list"), ROLE_REQUEST, format="json")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not RoleRequest.objects.filter(user=person).exists()

    # A token is not sent by the browser on its own: no CSRF token is needed with it.
    with_token = APIClient(enforce_csrf_checks=True)
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person).key}")
    accepted = with_token.post(reverse("role-request-list"), ROLE_REQUEST, format="json")

    assert accepted.status_code == 201
    assert RoleRequest.objects.filter(user=person, role=Role.HELPDESK).exists()
