from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("saved-searches/", views.SavedSearchListView.as_view(), name="saved_searches"),
    path("saved-searches/new/", views.SavedSearchCreateView.as_view(), name="saved_search_create"),
    path(
        "saved-searches/<int:pk>/frequency/",
        views.SavedSearchFrequencyView.as_view(),
        name="saved_search_update",
    ),
    path(
        "saved-searches/<int:pk>/delete/",
        views.SavedSearchDeleteView.as_view(),
        name="saved_search_delete",
    ),
    path("followed/", views.FollowListView.as_view(), name="follows"),
    path("follow/<str:model>/<int:object_id>/", views.FollowView.as_view(), name="follow"),
    path("unfollow/<str:model>/<int:object_id>/", views.UnfollowView.as_view(), name="unfollow"),
]
