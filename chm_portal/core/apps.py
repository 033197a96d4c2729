from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting building blocks: home page, shared templates, API plumbing, health."""

    name = "chm_portal.core"
    label = "core"
    verbose_name = _("Portal core")
