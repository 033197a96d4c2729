from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    """Commitments of non-state actors to the Global Biodiversity Framework (the Action Agenda):
    individuals, organisations, businesses and local governments pledge concrete, measurable
    deliverables, report their progress, and moderators publish them."""

    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        from . import databases, rules  # noqa: F401  (registers the database and permissions)

        register_public_pages(
            [
                "commitments:index",
                "commitments:commitments_list",
                "commitments:commitment_detail",
                "commitments:statistics",
                "commitments:faq",
                "commitments:news",
                "commitments:news_detail",
            ],
            depends_on=["commitments", "partners", "vocabularies"],
        )
