from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The main areas of the portal, in navigation order: (URL namespace, label).
PORTAL_AREAS = (
    ("needs", _("Needs")),
    ("partners", _("Partners' databases")),
    ("matchmaking", _("Matchmaking")),
    ("elearning", _("E-learning")),
    ("monitoring", _("Dashboards")),
    ("vocabularies", _("Reference data")),
)


def portal(request):
    """Values every page template needs: the navigation and the interface languages."""
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    nav = [
        {"url": reverse(f"{namespace}:index"), "label": label, "current": namespace == current}
        for namespace, label in PORTAL_AREAS
    ]
    nav.append({"url": reverse("api-root"), "label": _("API"), "current": False})
    return {"PORTAL_LANGUAGES": settings.LANGUAGES, "PORTAL_NAV": nav}
