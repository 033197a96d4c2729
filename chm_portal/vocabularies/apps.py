from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocabulariesConfig(AppConfig):
    """Reference data shared by every app: countries, regions, targets and controlled lists."""

    name = "chm_portal.vocabularies"
    label = "vocabularies"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        register_public_pages(
            [
                "vocabularies:index",
                "vocabularies:country_list",
                "vocabularies:target_list",
                "vocabularies:term_list",
            ],
            depends_on=["vocabularies"],
        )
