from django.urls import path

from .views import countries, dashboards, evaluations, gaps

app_name = "monitoring"

urlpatterns = [
    path("", dashboards.OverviewView.as_view(), name="index"),
    path("indicators/<str:code>/", dashboards.IndicatorView.as_view(), name="indicator"),
    path(
        "indicators/<str:code>/data.<str:fmt>",
        dashboards.IndicatorDataView.as_view(),
        name="indicator-data",
    ),
    path("report/", dashboards.InterimReportView.as_view(), name="report"),
    path("gaps/", gaps.GapAnalysisView.as_view(), name="gaps"),
    path("countries/", countries.CountryListView.as_view(), name="countries"),
    path("countries/<str:code>/", countries.CountryProfileView.as_view(), name="country"),
    path(
        "countries/<str:code>/edit/",
        countries.CountryProfileEditView.as_view(),
        name="country-edit",
    ),
    path("evaluations/", evaluations.EvaluationListView.as_view(), name="evaluations"),
    path("evaluations/<int:pk>/", evaluations.EvaluationDetailView.as_view(), name="evaluation"),
]
