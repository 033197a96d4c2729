"""API routes of monitoring, mounted at /api/v1/: each module lists its ``ROUTES``."""

from rest_framework.routers import SimpleRouter

from . import indicators, nodes, records

router = SimpleRouter()
for module in (indicators, records, nodes):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
