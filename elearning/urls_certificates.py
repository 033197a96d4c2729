"""``/certificates/``: the public verification of certificates of completion."""

from .views import certificates

app_name = "certificates"

urlpatterns = certificates.urlpatterns
