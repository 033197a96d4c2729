"""API routes of the partners' databases, mounted at /api/v1/ (ids are the records' pks)."""

from rest_framework.routers import SimpleRouter

from .views import (
    AgreementViewSet,
    EventViewSet,
    InitiativeViewSet,
    OfferViewSet,
    OpportunityViewSet,
    OrganisationViewSet,
    ResourceViewSet,
)

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("offers", OfferViewSet, basename="offer")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("resources", ResourceViewSet, basename="resource")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("events", EventViewSet, basename="event")
router.register("agreements", AgreementViewSet, basename="agreement")

urlpatterns = router.urls
