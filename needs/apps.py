from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    """Capacity needs and requests for assistance expressed by Parties and IPLC organisations, and
    their triage by the help desk.
    """

    name = "needs"
    verbose_name = _("Needs")

    def ready(self) -> None:
        from . import databases  # noqa: F401  (registers the registry of requests)
