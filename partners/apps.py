from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations and their databases: offers of support, initiatives, resources,
    opportunities, events and agreements.
    """

    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import databases  # noqa: F401  (registers the partners' databases)
