"""The REST API, version 1. Each app contributes a ``router`` in its ``api/urls.py``."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from chm_portal.accounts.api import urls as accounts_api
from chm_portal.core.api.views import ApiRootView
from chm_portal.vocabularies.api import urls as vocabularies_api
from commitments.api import urls as commitments_api
from elearning.api import urls as elearning_api
from matchmaking.api import urls as matchmaking_api
from monitoring.api import urls as monitoring_api
from needs.api import urls as needs_api
from partners.api import urls as partners_api

APP_APIS = (
    vocabularies_api,
    accounts_api,
    partners_api,
    needs_api,
    commitments_api,
    matchmaking_api,
    elearning_api,
    monitoring_api,
)
ROUTERS = tuple(api.router for api in APP_APIS)

urlpatterns = [
    path("", ApiRootView.as_view(routers=ROUTERS), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script as a file of its own: the Content Security Policy refuses
    # inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc builds its search index in a worker started from a blob: address, and shows its
    # maker's logo from their site.
    path(
        "redoc/",
        csp_update({"worker-src": ["blob:"], "img-src": ["https://cdn.redoc.ly"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    *(path("", include(api)) for api in APP_APIS),
]
