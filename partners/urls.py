from django.urls import include, path

from chm_portal.core.databases import database_urls

from .databases import PARTNER_DATABASES
from .views import engagement, manage, organisations, public

app_name = "partners"

urlpatterns = [
    path("", public.IndexView.as_view(), name="index"),
    # Registration, profile, members and invitations of organisations.
    path("", include(organisations.urlpatterns)),
    # Members' pages to create, edit, publish and close their organisations' records.
    path("", include(manage.urlpatterns)),
    # Downloads, applications, calendar and iCalendar feed.
    path("", include(engagement.urlpatterns)),
    # Lists, exports and feeds of every database: <key>/, <key>/export.csv, <key>/feed/...
    *(pattern for database in PARTNER_DATABASES for pattern in database_urls(database)),
    path(
        "organisations/<int:pk>/",
        public.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("offers/<int:pk>/", public.OfferDetailView.as_view(), name="offer_detail"),
    path("initiatives/<int:pk>/", public.InitiativeDetailView.as_view(), name="initiative_detail"),
    # IATI activity XML: one public initiative, and the filtered list.
    path(
        "initiatives/<int:pk>/iati.xml",
        public.InitiativeIatiView.as_view(),
        name="initiative_iati",
    ),
    path(
        "initiatives/iati.xml",
        public.InitiativeIatiExportView.as_view(),
        name="initiatives_export_iati",
    ),
    path("resources/<int:pk>/", public.ResourceDetailView.as_view(), name="resource_detail"),
    path(
        "opportunities/<int:pk>/",
        public.OpportunityDetailView.as_view(),
        name="opportunity_detail",
    ),
    path("events/<int:pk>/", public.EventDetailView.as_view(), name="event_detail"),
    path("agreements/<int:pk>/", public.AgreementDetailView.as_view(), name="agreement_detail"),
]
