"""The REST API, version 1. Each app contributes a ``router`` in its ``api/urls.py``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from chm_portal.accounts.api import urls as accounts_api
from chm_portal.core.api.views import ApiRootView
from chm_portal.vocabularies.api import urls as vocabularies_api
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
    matchmaking_api,
    elearning_api,
    monitoring_api,
)
ROUTERS = tuple(api.router for api in APP_APIS)

urlpatterns = [
    path("", ApiRootView.as_view(routers=ROUTERS), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *(path("", include(api)) for api in APP_APIS),
]
