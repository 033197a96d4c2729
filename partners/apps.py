from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations and their databases: offers of support, initiatives, resources,
    opportunities, events and agreements.
    """

    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        # The partners' databases are registered; resources and events are reviewable.
        from . import databases, quality  # noqa: F401
