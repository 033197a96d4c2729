from django.urls import include, path

from .views import matches, projects, public, suggestions

app_name = "matchmaking"

urlpatterns = [
    # Overview, anonymised statistics and success stories.
    path("", include(public.urlpatterns)),
    # Suggestions for a request, and the requester's interest.
    path("", include(suggestions.urlpatterns)),
    # Proposals, answers and confirmations of matches; the provider's inbox of proposals.
    path("", include(matches.urlpatterns)),
    # Pilot projects: launch, reports, evaluations, success stories.
    path("", include(projects.urlpatterns)),
]
