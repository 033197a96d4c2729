"""Public pages served to anonymous visitors from the cache, dropped when their records change.

An app declares which of its pages may be cached and which apps' records they show::

    register_public_pages(["needs:registry", "needs:detail"], depends_on=["needs", "vocabularies"])

(in its ``AppConfig.ready``). :class:`PublicPageCacheMiddleware` then answers a visitor who is not
signed in from the cache, keyed by the language, the full path and a *version* of each app the page
depends on. Saving or deleting any record of such an app (``post_save``, ``post_delete``,
``m2m_changed``) gives the app a new version, so the next visit renders the page afresh. Writes that
send no signal (``QuerySet.update``, ``bulk_create``) are caught by the cache's lifetime,
``PUBLIC_PAGE_CACHE_SECONDS`` (60 s at most): no visitor sees a change later than that.

Django's own ``cache_page`` cannot be used here: its key cannot follow a version known only at
request time, and it caches per cookie, so a first-time visitor would never hit it.

A response is stored only when it cannot be personal: a 200 to a GET by an anonymous visitor,
not streamed, with no cookie set, no CSRF token used and no message waiting to be shown.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# URL name ("namespace:name") -> app labels whose records the page shows.
_PAGES: dict[str, tuple[str, ...]] = {}
# App labels whose changes give them a new version.
_WATCHED_APPS: set[str] = set()

VERSION_KEY = "publicpage:version:{app}"
PAGE_KEY = "publicpage:page:{language}:{versions}:{path}"
RESULT_KEY = "publicpage:result:{language}:{versions}:{key}"
# Response headers kept with a cached page; the middleware around this one adds the others
# (security headers, Content-Language, Vary) on every response, cached or not.
KEPT_HEADERS = ("Content-Type", "Link")
# Saves that change nothing a public page shows.
IGNORED_UPDATE_FIELDS = frozenset({"last_login"})


def register_public_pages(url_names: Iterable[str], *, depends_on: Iterable[str]) -> None:
    """Let the pages named ``url_names`` be cached for anonymous visitors until a record of one
    of the apps ``depends_on`` (app labels) changes."""
    apps = tuple(sorted(set(depends_on)))
    if not apps:
        raise ValueError("A cached page must depend on at least one app.")
    for name in url_names:
        _PAGES[name] = apps
    _WATCHED_APPS.update(apps)


def cached_page_names() -> dict[str, tuple[str, ...]]:
    """The registered pages and the apps each depends on (for tests and documentation)."""
    return dict(_PAGES)


def public_pages_changed(*app_labels: str) -> None:
    """Give ``app_labels`` new versions: their pages are rendered afresh on the next visit.

    Called by the signal handlers below, and by code that changes public records without
    sending signals when waiting for the cache to expire is not good enough."""
    cache.set_many(
        {VERSION_KEY.format(app=app): uuid.uuid4().hex[:12] for app in app_labels},
        timeout=None,
    )


def shared_public_result(
    key: str, compute: Callable[[], Any], *, depends_on: Iterable[str], timeout: int
) -> Any:
    """What ``compute()`` returns, kept in the cache for ``timeout`` seconds and, like public
    pages, dropped when a record of one of the apps ``depends_on`` changes.

    For results that are the same for every visitor (the facet counts of a list), in the active
    language; ``key`` names the result among those of the same apps. ``timeout`` 0: no cache.
    """
    if timeout <= 0:
        return compute()
    full_key = RESULT_KEY.format(
        language=translation.get_language(),
        versions=_versions(tuple(sorted(set(depends_on)))),
        key=hashlib.sha256(key.encode()).hexdigest()[:32],
    )
    result = cache.get(full_key)
    if result is None:
        result = compute()
        cache.set(full_key, result, timeout=timeout)
    return result


def _versions(apps: tuple[str, ...]) -> str:
    keys = [VERSION_KEY.format(app=app) for app in apps]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex[:12] for key in keys if key not in found}
    if missing:
        # Another process may be doing the same; whichever version stays is fine.
        for key, version in missing.items():
            cache.add(key, version, timeout=None)
        found.update(cache.get_many(list(missing)))
    return ".".join(str(found.get(key, "-")) for key in keys)


def _on_change(sender, **kwargs) -> None:
    app = sender._meta.app_label
    if app not in _WATCHED_APPS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and frozenset(update_fields) <= IGNORED_UPDATE_FIELDS:
        return
    public_pages_changed(app)


def _on_m2m_change(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _on_change(type(instance))


def connect_signals() -> None:
    """Called once by ``CoreConfig.ready``."""
    post_save.connect(_on_change, dispatch_uid="public-page-cache-save")
    post_delete.connect(_on_change, dispatch_uid="public-page-cache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="public-page-cache-m2m")


def _has_waiting_messages(request: HttpRequest) -> bool:
    """Messages are kept in a cookie, and in the session when too long for it."""
    if "messages" in request.COOKIES:
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and bool(
        request.session.get("_messages")
    )


class PublicPageCacheMiddleware:
    """Serve registered public pages to anonymous visitors from the cache (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if key and self._storable(request, response):
            cache.set(
                key,
                {
                    "content": response.content,
                    "status": response.status_code,
                    "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
                },
                timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
            return None
        match = request.resolver_match
        apps = _PAGES.get(match.view_name) if match else None
        if apps is None or request.user.is_authenticated or _has_waiting_messages(request):
            return None
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = PAGE_KEY.format(
            language=translation.get_language(), versions=_versions(apps), path=path_hash
        )
        cached = cache.get(key)
        if cached is None:
            request._public_page_key = key
            return None
        response = HttpResponse(cached["content"], status=cached["status"])
        for header, value in cached["headers"].items():
            response[header] = value
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Set-Cookie")
        )
