"""Top-level URLs. Pages are language-prefixed (/en/, /fr/, /es/); the API, health and static
files are not, so that machines get stable addresses."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from chm_portal.core import views as core_views
from chm_portal.core.portal_search import PortalSearchView

admin.site.site_header = _("CHM portal administration")
admin.site.site_title = _("CHM portal admin")
admin.site.index_title = _("Help desk and administration")
# Admin sign-in goes through allauth: rate limits, and a second factor for staff who set one up.
admin.site.login = secure_admin_login(admin.site.login)

# The database going away answers 503, not 500 (chm_portal/core/db_outage.py).
handler500 = "chm_portal.core.db_outage.server_error"

urlpatterns = [
    path("health/", core_views.HealthView.as_view(), name="health"),
    path("api/v1/", include("chm_portal.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", core_views.HomeView.as_view(), name="home"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("chm_portal.accounts.urls")),
    path("search/", PortalSearchView.as_view(), name="search"),
    path("alerts/", include("chm_portal.alerts.urls", namespace="alerts")),
    path("reference/", include("chm_portal.vocabularies.urls")),
    path("needs/", include("needs.urls")),
    path("partners/", include("partners.urls")),
    path("action-agenda/", include("commitments.urls")),
    path("matchmaking/", include("matchmaking.urls")),
    path("learning/", include("elearning.urls")),
    path("certificates/", include("elearning.urls_certificates")),
    path("quality/", include("chm_portal.quality.urls")),
    path("dashboards/", include("monitoring.urls")),
    path("embed/", include("embeds.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
