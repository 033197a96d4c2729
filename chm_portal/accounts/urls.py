from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.ProfileView.as_view(), name="profile"),
    path("roles/request/", views.RoleRequestCreateView.as_view(), name="role_request"),
]
