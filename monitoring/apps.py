from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Indicators of the action plan, dashboards, gap analysis, country profiles and national
    CHM nodes."""

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
        # National nodes show the same, and the country's focal points (accounts).
        register_public_pages(
            ["monitoring:nodes", "monitoring:node", "monitoring:node-feed"],
            depends_on=[
                "monitoring",
                "needs",
                "partners",
                "matchmaking",
                "vocabularies",
                "accounts",
            ],
        )
