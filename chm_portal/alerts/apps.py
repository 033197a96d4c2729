from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Saved searches with email digests, and follows of opportunities and events with
    reminders before their deadline or start. Works with every registered database
    (:mod:`chm_portal.core.databases`) without naming the apps that register them."""

    name = "chm_portal.alerts"
    label = "alerts"
    verbose_name = _("Alerts")
