"""Public pages of matchmaking: the overview, anonymised statistics and success stories."""

from django.urls import path
from django.views.generic import TemplateView


class IndexView(TemplateView):
    """Landing page of the area: what it offers and to whom."""

    template_name = "matchmaking/index.html"


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
]
