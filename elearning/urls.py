from django.urls import include, path

from .views import alumni, authoring, catalogue, communities, learning

app_name = "elearning"

urlpatterns = [
    # The course catalogue (a registered database: search, facets, exports, feed) and course pages.
    path("", include(catalogue.urlpatterns)),
    # Enrolment, lessons, quizzes, the learner's dashboard, certificates and the survey.
    path("", include(learning.urlpatterns)),
    # Course authoring by provider organisations: modules, lessons, quizzes, review, cohorts.
    path("", include(authoring.urlpatterns)),
    # Communities of practice: threads, replies, moderation.
    path("", include(communities.urlpatterns)),
    # The alumni directory and profiles.
    path("", include(alumni.urlpatterns)),
]
