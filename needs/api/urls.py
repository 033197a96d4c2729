"""API routes of requests for assistance and assessments, mounted at /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import AssessmentViewSet, NeedViewSet

router = SimpleRouter()
router.register("needs", NeedViewSet, basename="need")
router.register("assessments", AssessmentViewSet, basename="assessment")

urlpatterns = router.urls
