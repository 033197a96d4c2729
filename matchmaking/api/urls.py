"""API routes of matchmaking, mounted at /api/v1/: each module lists its ``ROUTES``."""

from rest_framework.routers import SimpleRouter

from . import matches, projects, suggestions

router = SimpleRouter()
for module in (suggestions, matches, projects):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
