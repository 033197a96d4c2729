"""The components' frames and JSON, and the page that documents them.

Frames (``/<lang>/embed/<key>/``) may be framed by any site: ``X-Frame-Options`` is left out and
the Content Security Policy says ``frame-ancestors *``, for these answers only. JSON
(``/<lang>/embed/<key>.json``) may be read by any site's script: django-cors-headers adds
``Access-Control-Allow-Origin: *`` to the addresses of ``CORS_URLS_REGEX``, never with
credentials. Neither sets a cookie: they render without the request's context processors (no
session, no CSRF token, no messages), and both say ``Cache-Control: public, max-age=300``.

They are not registered with the public page cache (``chm_portal/core/page_cache.py``): a page
it serves from the cache keeps only its body, ``Content-Type`` and ``Link``, so the frame
exemptions above and ``Cache-Control`` would be lost, and a frame served from the cache would be
refused by every browser (``X-Frame-Options: DENY``). The same versions keep the work cheap one
step lower: the components' outcomes are cached with ``shared_public_result``
(:func:`embeds.components.outcome`), so a frame or JSON asked for again costs no query. The
documentation page is not registered either: its previews need ``frame-src 'self'``, which a
copy from the page cache would lose as well; its examples are cached the same way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from csp.constants import SELF
from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from chm_portal.core.page_cache import shared_public_result

from . import components
from .components import Component, Outcome

# How long browsers and shared caches may keep a frame or JSON (seconds).
EMBED_MAX_AGE = 300
SCRIPT = "embeds/chm-embed.js"


def _component(key: str) -> Component:
    component = components.get(key)
    if component is None:
        raise Http404(_("No such component."))
    return component


def _outcome(component: Component, request: HttpRequest) -> Outcome:
    """The component's outcome for the request's parameters; unknown parameters are refused
    (a misspelt ``regoin`` would otherwise show everything without a word)."""
    known = list(component.form.base_fields)
    unknown = [name for name in request.GET if name not in known]
    if unknown:
        return Outcome(
            None,
            tuple(
                (
                    name,
                    _("%(name)s is not a parameter of this component; it takes: %(known)s.")
                    % {"name": name, "known": ", ".join(known)},
                )
                for name in unknown
            ),
        )
    return components.outcome(component, {name: request.GET[name] for name in request.GET})


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


@method_decorator([xframe_options_exempt, csp_replace({"frame-ancestors": ["*"]})], name="dispatch")
class ComponentFrameView(View):
    """``/<lang>/embed/<key>/``: the component as a small HTML document for an iframe."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        component = _component(key)
        outcome = _outcome(component, request)
        # Rendered without the request: its context processors would read the session.
        html = render_to_string(
            "embeds/frame.html",
            {
                "component": component,
                "result": outcome.result,
                "errors": [message for _name, message in outcome.errors],
            },
        )
        return _public(HttpResponse(html, status=400 if outcome.errors else 200))


class ComponentJsonView(View):
    """``/<lang>/embed/<key>.json``: the component's data for ``chm-embed.js`` (or any script),
    with absolute addresses; ``{"errors": [...]}`` and 400 for wrong parameters."""

    def get(self, request: HttpRequest, key: str) -> JsonResponse:
        component = _component(key)
        outcome = _outcome(component, request)
        body: dict[str, Any] = {
            "component": component.key,
            "language": translation.get_language(),
            "portal": request.build_absolute_uri(reverse("home")),
            "portal_name": _("CHM portal"),
        }
        if outcome.errors:
            body["title"] = str(component.title)
            body["errors"] = [
                {"parameter": name, "message": message} for name, message in outcome.errors
            ]
            return _public(JsonResponse(body, status=400))
        body.update(outcome.result.as_json(request.build_absolute_uri))
        return _public(JsonResponse(body))


def _examples() -> dict[str, dict[str, str] | None]:
    """The live previews' parameters, by component (read from public data: cached)."""
    return shared_public_result(
        "embeds:examples",
        lambda: {component.key: component.example() for component in components.registered()},
        depends_on=sorted({app for c in components.registered() for app in c.depends_on}),
        timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
    )


def _data_attribute(name: str) -> str:
    return "data-" + name.replace("_", "-")


@method_decorator(csp_update({"frame-src": [SELF]}), name="dispatch")
class DocumentationView(TemplateView):
    """``/<lang>/embed/``: every component with its parameters, a live preview and the snippets
    to copy (an iframe, or a ``<div>`` and the script)."""

    template_name = "embeds/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = translation.get_language()
        # The unversioned name: partners keep the same address when the script is updated.
        script_url = self.request.build_absolute_uri(settings.STATIC_URL + SCRIPT)
        examples = _examples()
        entries = []
        for component in components.registered():
            example = examples.get(component.key)
            frame_path = reverse("embeds:frame", kwargs={"key": component.key})
            preview_url = None
            snippets = []
            if example is not None:
                query = urlencode(example)
                preview_url = f"{frame_path}?{query}" if query else frame_path
                title = f"{component.title} · {_('CHM portal')}"
                snippets = [
                    {
                        "id": f"snippet-{component.key}-frame",
                        "label": _("As an iframe"),
                        "code": (
                            f'<iframe src="{escape(self.request.build_absolute_uri(preview_url))}"'
                            f' title="{escape(title)}" width="100%"'
                            f' height="{component.frame_height}" loading="lazy"'
                            ' style="border: 0;"></iframe>'
                        ),
                    },
                    {
                        "id": f"snippet-{component.key}-script",
                        "label": _("With the script"),
                        "code": (
                            f'<div data-chm-component="{component.key}"'
                            + "".join(
                                f' {_data_attribute(name)}="{escape(value)}"'
                                for name, value in example.items()
                            )
                            + f' data-lang="{language}"></div>\n'
                            f'<script src="{escape(script_url)}" async></script>'
                        ),
                    },
                ]
            entries.append(
                {
                    "component": component,
                    "parameters": component.parameters(),
                    "preview_url": preview_url,
                    "snippets": snippets,
                }
            )
        context.update(
            entries=entries,
            script_url=script_url,
            json_example=self.request.build_absolute_uri(
                reverse("embeds:json", kwargs={"key": "opportunities"})
            ),
            max_age=EMBED_MAX_AGE,
        )
        return context
