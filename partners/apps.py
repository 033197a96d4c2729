from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations and their databases: offers of support, initiatives, resources,
    opportunities, events and agreements.
    """

    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        # The partners' databases are registered; resources and events are reviewable.
        from . import databases, quality  # noqa: F401

        # Served from the cache to anonymous visitors until a record of these apps changes.
        register_public_pages(
            [
                "partners:index",
                *(f"partners:{database.key}_list" for database in databases.PARTNER_DATABASES),
                *(
                    f"partners:{kind}_detail"
                    for kind in (
                        "organisation",
                        "offer",
                        "initiative",
                        "resource",
                        "opportunity",
                        "event",
                        "agreement",
                    )
                ),
            ],
            depends_on=["partners", "elearning", "matchmaking", "vocabularies"],
        )
