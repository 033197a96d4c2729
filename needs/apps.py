from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    """Capacity needs and requests for assistance expressed by Parties and IPLC organisations, and
    their triage by the help desk.
    """

    name = "needs"
    verbose_name = _("Needs")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        from . import databases  # noqa: F401  (registers the registry of requests)

        # Served from the cache to anonymous visitors until a request, match or term changes.
        register_public_pages(
            ["needs:registry", "needs:detail", "needs:capacity_summary"],
            depends_on=["needs", "matchmaking", "vocabularies"],
        )
