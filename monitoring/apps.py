from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Indicators of the action plan, dashboards, gap analysis and country profiles."""

    name = "monitoring"
    verbose_name = _("Monitoring")
