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
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", views.InboxMarkAllReadView.as_view(), name="inbox_read_all"),
    path("inbox/<int:pk>/open/", views.InboxOpenView.as_view(), name="inbox_open"),
    path("inbox/<int:pk>/read/", views.InboxMarkReadView.as_view(), name="inbox_read"),
    path("followed/", views.FollowListView.as_view(), name="follows"),
    path("follow/<str:model>/<int:object_id>/", views.FollowView.as_view(), name="follow"),
    path("unfollow/<str:model>/<int:object_id>/", views.UnfollowView.as_view(), name="unfollow"),
]
