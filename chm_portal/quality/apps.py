from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality assurance: reviews of courses, resources and events against the portal's quality
    standards (the reviewable record types register themselves: ``registry.py``)."""

    name = "chm_portal.quality"
    label = "quality"
    verbose_name = _("Quality assurance")
