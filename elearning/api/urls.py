"""API routes of e-learning, mounted at /api/v1/: each module lists its ``ROUTES``."""

from rest_framework.routers import SimpleRouter

from . import communities, courses, learning

router = SimpleRouter()
for module in (courses, learning, communities):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
