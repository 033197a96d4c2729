"""Pages of the reference data, mounted at /<language>/reference/."""

from django.urls import path

from . import views

app_name = "vocabularies"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("terms/<slug:slug>/", views.TermListView.as_view(), name="term_list"),
]
