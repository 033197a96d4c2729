from django.urls import path

from .views import countries, dashboards, evaluations, gaps, nodes

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
    # National CHM nodes: /nodes/<ISO code>/ and below, beside the country profiles.
    path("nodes/", nodes.NodeListView.as_view(), name="nodes"),
    path("nodes/<str:code>/", nodes.NodeView.as_view(), name="node"),
    path("nodes/<str:code>/feed/", nodes.NodeFeed(), name="node-feed"),
    path("nodes/<str:code>/edit/", nodes.NodeEditView.as_view(), name="node-edit"),
    path("nodes/<str:code>/news/add/", nodes.NewsAddView.as_view(), name="node-news-add"),
    path(
        "nodes/<str:code>/news/<int:pk>/edit/",
        nodes.NewsEditView.as_view(),
        name="node-news-edit",
    ),
    path(
        "nodes/<str:code>/news/<int:pk>/delete/",
        nodes.NewsDeleteView.as_view(),
        name="node-news-delete",
    ),
    path("evaluations/", evaluations.EvaluationListView.as_view(), name="evaluations"),
    path("evaluations/<int:pk>/", evaluations.EvaluationDetailView.as_view(), name="evaluation"),
]
