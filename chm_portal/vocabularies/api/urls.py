"""API routes of the reference data, mounted at /api/v1/ by chm_portal/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .. import selectors
from . import views

# Prefix (also the slug of selectors.TERM_VOCABULARIES for flat vocabularies) -> basename;
# the list endpoint is named "<basename>-list" and the detail endpoint "<basename>-detail".
API_BASENAMES = {
    "countries": "country",
    "regions": "region",
    "regional-groups": "regional-group",
    "gbf-goals": "gbf-goal",
    "gbf-targets": "gbf-target",
    "aichi-strategic-goals": "aichi-strategic-goal",
    "aichi-targets": "aichi-target",
    "sdgs": "sdg",
    "thematic-areas": "thematic-area",
    "support-types": "support-type",
    "capacity-levels": "capacity-level",
    "organisation-types": "organisation-type",
    "resource-types": "resource-type",
    "opportunity-types": "opportunity-type",
    "event-types": "event-type",
    "priorities": "priority",
    "languages": "language",
    "beneficiary-types": "beneficiary-type",
    "country-groups": "country-group",
}
VIEWSETS = {
    "countries": views.CountryViewSet,
    "regions": views.RegionViewSet,
    "regional-groups": views.RegionalGroupViewSet,
    "gbf-goals": views.GBFGoalViewSet,
    "gbf-targets": views.GBFTargetViewSet,
    "aichi-strategic-goals": views.AichiStrategicGoalViewSet,
    "aichi-targets": views.AichiTargetViewSet,
    "sdgs": views.SustainableDevelopmentGoalViewSet,
    **{slug: views.term_viewset(model) for slug, model in selectors.TERM_VOCABULARIES.items()},
}

router = SimpleRouter()
for prefix, viewset in VIEWSETS.items():
    router.register(prefix, viewset, basename=API_BASENAMES[prefix])

urlpatterns = router.urls
