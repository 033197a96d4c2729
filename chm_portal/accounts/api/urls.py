from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("role-requests", views.RoleRequestViewSet, basename="role-request")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
