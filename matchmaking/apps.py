from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    """Matching expressed needs with partners' offers of support, from proposal to pilot project."""

    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from chm_portal.core.extensions import register_page_link
        from needs.signals import need_changed
        from partners.signals import record_changed

        from . import links, signals

        register_page_link("need", links.need_suggestions_link)
        # Suggestions follow the requests and offers they rank (see matchmaking/signals.py).
        need_changed.connect(signals.on_need_changed, dispatch_uid="matchmaking.need_changed")
        record_changed.connect(signals.on_record_changed, dispatch_uid="matchmaking.record_changed")
