from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Indicators of the action plan, dashboards, gap analysis and country profiles."""

    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from chm_portal.core.page_cache import register_public_pages

        # The dashboards read every app: any change may move a figure or a country's page.
        register_public_pages(
            [
                f"monitoring:{name}"
                for name in (
                    "index",
                    "indicator",
                    "report",
                    "gaps",
                    "countries",
                    "country",
                    "evaluations",
                    "evaluation",
                )
            ],
            depends_on=["monitoring", "needs", "partners", "matchmaking", "vocabularies"],
        )
