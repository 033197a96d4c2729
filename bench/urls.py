"""URLs of the load benchmark: the portal's, plus ``/bench/ceiling/``, the smallest Django view
(a small JSON response through the portal's whole middleware stack), whose rate is the ceiling the
portal's pages are compared with. Never mounted in production: only ``bench/settings.py`` uses
this module."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from chm_portal.urls import handler500
from chm_portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def ceiling(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})


urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling"), *portal_urlpatterns]
