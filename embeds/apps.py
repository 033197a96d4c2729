from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedsConfig(AppConfig):
    """Components that partner and national websites embed: the portal's public records in a
    frame or through a script. Reads every app through its public selectors; no app imports it."""

    name = "embeds"
    verbose_name = _("Embeddable components")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        # Declares the components (and checks their keys are unique) once the apps are loaded.
        from . import components

        # No page of this app is served from the public page cache (embeds/views.py says why):
        # the components' outcomes are cached by the same versions instead, which this call
        # makes every change of their apps' records renew.
        register_public_pages(
            [], depends_on={app for c in components.registered() for app in c.depends_on}
        )
