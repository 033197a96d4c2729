"""The indicator registry: every indicator of the action plan's annex and of the portal.

Definitions live in the modules of this package (one per group of activities); this module
collects them. ``all_indicators()`` is the order of the dashboards: by activity, then code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Indicator

#: The 14 cross-cutting activities of the annex of the 2017-2020 action plan (0: the portal).
ACTIVITIES = {
    1: _("Online tools to assess and register capacity needs"),
    2: _("Databases of initiatives, resources, opportunities and providers"),
    3: _("Learning management system"),
    4: _("Help desk"),
    5: _("Matchmaking mechanism"),
    6: _("Matchmaking workshops and roundtables"),
    7: _("Support network for pilot projects"),
    8: _("Quality assurance"),
    9: _("Monitoring and evaluation"),
    10: _("Follow-up of former participants"),
    11: _("Fellowship and exchange programme"),
    12: _("Partnerships with education and training institutions"),
    13: _("Online courses, including MOOCs"),
    14: _("New teaching materials"),
    0: _("The portal as a whole"),
}


def _load() -> dict[str, Indicator]:
    from . import matching_and_learning, needs_and_partners

    found: dict[str, Indicator] = {}
    for module in (needs_and_partners, matching_and_learning):
        for indicator in module.INDICATORS:
            if indicator.code in found:
                raise ValueError(f"Two indicators have the code {indicator.code}")
            found[indicator.code] = indicator
    return found


_REGISTRY: dict[str, Indicator] | None = None


def _registry() -> dict[str, Indicator]:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _load()
    return _REGISTRY


def sort_key(indicator: Indicator) -> tuple:
    _activity, _dot, minor = indicator.code.partition(".")
    activity = indicator.activity or 99  # the portal's own indicators last
    return (activity, int(minor) if minor.isdigit() else 0, indicator.code)


def all_indicators() -> list[Indicator]:
    return sorted(_registry().values(), key=sort_key)


def get_indicator(code: str) -> Indicator | None:
    return _registry().get(code)
