"""PostgreSQL unreachable: people get a page saying the portal is briefly unavailable (503, with
``Retry-After``), the API answers JSON, ``/health/`` turns red, and a write cut off halfway
leaves nothing behind.

The outage is simulated where the portal meets the database: every query on the open connection
and every new connection (the health check opens its own, in another thread) fails with the error
psycopg gives when the server refuses connections.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

from chm_portal.core import db_outage
from needs.models import Need, NeedEvent

pytestmark = pytest.mark.django_db

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
UNAVAILABLE = "The portal is briefly unavailable"


def _refuse(*args, **kwargs):
    raise OperationalError(REFUSED)


@contextmanager
def database_down(*, failing=lambda sql: True):
    """Queries for which ``failing(sql)`` is true, and new connections, fail as when the
    database server went away."""
    default = connections["default"]

    def wrapper(execute, sql, params, many, context):
        if failing(sql):
            _refuse()
        return execute(sql, params, many, context)

    with (
        mock.patch.object(type(default), "get_new_connection", _refuse),
        default.execute_wrapper(wrapper),
    ):
        yield


@pytest.fixture
def browser() -> Client:
    """A client that shows the response of an unhandled error, as a browser would, instead of
    raising it in the test."""
    return Client(raise_request_exception=False)


def assert_unavailable_page(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    assert f"<h1>{UNAVAILABLE}</h1>" in content
    assert "saved completely or not at all" in content
    return content


def test_a_page_says_the_portal_is_briefly_unavailable(browser, focal_point_a):
    browser.force_login(focal_point_a)
    url = reverse("needs:my_requests")

    with database_down():
        response = browser.get(url)

    content = assert_unavailable_page(response)
    # The site's frame is there (navigation, language switcher), without the signed-in menu,
    # which would need the database.
    assert 'class="site-header"' in content and 'class="language-switcher"' in content
    assert f'<a class="button" href="{url}">Try again</a>' in content
    assert "Sign out" not in content

    # The database is back: the same page works again, with no restart.
    assert browser.get(url).status_code == 200


def test_a_failure_in_a_middleware_gets_the_same_page(browser, focal_point_a):
    """A signed-in visitor's session is read by middleware before any view runs."""
    browser.force_login(focal_point_a)

    with database_down():
        response = browser.get("/fr/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    content = response.content.decode()
    assert '<html lang="fr"' in content and "<h1>" in content


def test_if_even_the_page_cannot_be_rendered_a_plain_503_remains(
    browser, focal_point_a, monkeypatch
):
    """Say a template tag of the site's frame starts reading the database one day."""
    monkeypatch.setattr(db_outage, "render_to_string", _refuse)
    browser.force_login(focal_point_a)

    with database_down():
        response = browser.get(reverse("needs:my_requests"))

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "The service is briefly unavailable. Try again in a minute."
    )


def test_the_api_answers_503_in_json(api_client):
    with database_down():
        response = api_client.get("/api/v1/needs/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "The service is briefly unavailable. Try again in a minute."
    }


def test_a_submission_cut_off_halfway_leaves_nothing_behind(
    browser, focal_point_a, draft, django_capture_on_commit_callbacks, mailoutbox
):
    """The status is written, then the connection is lost while the history event is: the
    whole submission is rolled back, and no confirmation goes out."""
    browser.force_login(focal_point_a)
    url = reverse("needs:submit", args=[draft.reference])

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        database_down(failing=lambda sql: 'INSERT INTO "needs_needevent"' in sql),
    ):
        response = browser.post(url)

    assert_unavailable_page(response)
    assert "Try again" not in response.content.decode()  # a form is not sent again by a link
    draft.refresh_from_db()
    assert draft.status == Need.Status.DRAFT
    assert draft.submitted_at is None
    assert not NeedEvent.objects.filter(need=draft, action=NeedEvent.Action.SUBMITTED).exists()
    assert callbacks == []
    assert mailoutbox == []

    # Sent again once the database is back, the submission goes through once.
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Need.Status.SUBMITTED
    assert NeedEvent.objects.filter(need=draft, action=NeedEvent.Action.SUBMITTED).count() == 1


def test_health_is_red_while_the_database_is_down(client):
    assert client.get("/health/?format=json").status_code == 200

    with database_down():
        response = client.get("/health/?format=json")

    assert response.status_code == 503
    checks = response.json()
    database = [status for name, status in checks.items() if "Database" in name]
    assert database and database[0] != "OK"
    assert "Connection refused" in database[0] or "unavailable" in database[0].lower()
    assert all(status == "OK" for name, status in checks.items() if "Database" not in name)
