from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The main areas of the portal, in navigation order: (URL namespace, label).
PORTAL_AREAS = (
    ("needs", _("Needs")),
    ("partners", _("Partners' databases")),
    ("commitments", _("Action Agenda")),
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
    return {
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "PORTAL_LANGUAGE_LINKS": language_links(request),
        "PORTAL_NAV": nav,
    }


def language_links(request) -> list[dict]:
    """The page in each interface language (``/fr/needs/?q=x`` for ``/en/needs/?q=x``).

    A page without a translated URL (outside ``i18n_patterns``) links to its own address."""
    current = translation.get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links
