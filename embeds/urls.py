"""``/<lang>/embed/``: the documentation, each component's frame and its JSON."""

from django.urls import path

from . import views

app_name = "embeds"

urlpatterns = [
    path("", views.DocumentationView.as_view(), name="index"),
    path("<slug:key>.json", views.ComponentJsonView.as_view(), name="json"),
    path("<slug:key>/", views.ComponentFrameView.as_view(), name="frame"),
]
