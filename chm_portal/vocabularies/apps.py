from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocabulariesConfig(AppConfig):
    """Reference data shared by every app: countries, regions, targets and controlled lists."""

    name = "chm_portal.vocabularies"
    label = "vocabularies"
    verbose_name = _("Reference data")
