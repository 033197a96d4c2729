from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    """Matching expressed needs with partners' offers of support, from proposal to pilot project."""

    name = "matchmaking"
    verbose_name = _("Matchmaking")
