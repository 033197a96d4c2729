from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting building blocks: home page, shared templates, API plumbing, health."""

    name = "chm_portal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from .page_cache import connect_signals, register_public_pages

        connect_signals()
        register_public_pages(["home"], depends_on=["core"])
        register_public_pages(
            ["search"], depends_on=["needs", "partners", "elearning", "vocabularies"]
        )
