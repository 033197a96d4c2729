from django.urls import path

from chm_portal.core.databases import database_urls

from . import views
from .databases import COMMITMENTS

app_name = "commitments"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    # The list, its CSV and JSON exports and its feed: list/, list/export.csv...
    *database_urls(COMMITMENTS),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("questions/", views.QuestionsView.as_view(), name="faq"),
    path("news/", views.NewsListView.as_view(), name="news"),
    path("news/<int:pk>/", views.NewsDetailView.as_view(), name="news_detail"),
    path("mine/", views.MyCommitmentsView.as_view(), name="mine"),
    path("new/<str:actor_type>/", views.CommitmentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("<int:pk>/edit/", views.CommitmentEditView.as_view(), name="edit"),
    path("<int:pk>/report/", views.ProgressReportView.as_view(), name="report"),
    path("<int:pk>/<str:action>/", views.CommitmentActionView.as_view(), name="commitment_action"),
]
