"""What visitors get while the database is unreachable: a 503 page that says so, not a 500.

PostgreSQL restarting, failing over or refusing connections shows up as ``OperationalError`` or
``InterfaceError`` from the first query of a request. :class:`DatabaseOutageMiddleware` answers
those raised by a view with 503 and ``Retry-After``: the friendly page ``503.html``, or JSON for
the API. Queries made by other middleware (the session behind ``request.user``) fail outside the
view; :func:`server_error`, the ``handler500``, answers those the same way.

The page is rendered without the context processors: the session, the user and the messages all
read the database. Nothing is half-written meanwhile: services write in transactions, which roll
back when a query fails (and which PostgreSQL aborts when the connection drops).
"""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from .context_processors import portal

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Long enough for a restart or a failover; browsers and API clients may retry after it.
RETRY_AFTER_SECONDS = 60
TEMPLATE_NAME = "503.html"
API_PREFIX = "/api/"


def database_outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 answer to ``request``, whose query failed with ``error``."""
    logger.error(
        "Database unreachable, %s %s answered 503: %s", request.method, request.path, error
    )
    message = _("The service is briefly unavailable. Try again in a minute.")
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        context = {
            **portal(request),
            "request": request,
            # The real ones are in the database: the page is the same for everybody.
            "user": AnonymousUser(),
            "messages": (),
            "retry_url": request.get_full_path() if request.method == "GET" else "",
        }
        try:
            response = HttpResponse(render_to_string(TEMPLATE_NAME, context), status=503)
        except Exception:  # e.g. a template tag that reads the database: still answer 503
            logger.exception("The 503 page could not be rendered")
            response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answer a view's lost database connection with the 503 page (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_outage_response(request, exception)
        return None


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: the 503 page when the unhandled error is the database's (a middleware's
    query), Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_outage_response(request, error)
    return defaults.server_error(request, template_name)
