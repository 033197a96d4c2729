"""What people read for the codes stored with indicator values, and values written by unit.

Stored values keep stable codes (``002``, ``LDC``, ``FR``, ``GBF-T1``, ``published``); pages,
charts and downloads show names in the reader's language. ``labels_for`` turns the keys of one
breakdown into names with at most one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import get_database
from chm_portal.vocabularies.models import OrganisationType, ThematicArea
from chm_portal.vocabularies.selectors import (
    country_group_list,
    country_list,
    gbf_target_list,
    region_list,
    term_list,
)

# The choices whose labels name status and kind keys. Importing a model's choices reads no
# data: monitoring still reads other apps' records only through their selectors.
from needs.models import Need

from .indicators.base import UNKNOWN, Unit
from .models import Dimension, Evaluation, MaturityLevel

NOT_KNOWN = _("Not known")
# Characters of a GBF target's title kept in its label ("GBF-T1 - All areas are planned...").
TARGET_TITLE_CHARS = 48

#: Labels of ``kind`` keys that are not a vocabulary, by indicator code.
KIND_LABELS = {
    "2.4": {"party": _("From CBD Parties"), "non_party": _("From other countries")},
    "9.1": dict(Evaluation.Subject.choices),
    "9.2": {"courses": _("Course surveys"), "projects": _("Project evaluations")},
    "P.5": {str(value): label for value, label in MaturityLevel.choices},
}
#: Labels of ``status`` keys: every status breakdown of the catalogue is of requests.
STATUS_LABELS = dict(Need.Status.choices)


def labels_for(dimension: str, keys: Iterable[str], *, indicator: str = "") -> dict[str, str]:
    """``{key: label}`` for the ``keys`` of one breakdown (of ``indicator``, for kinds).

    One query for a vocabulary (regions, groups, countries, targets, thematic areas, types of
    organisation), none otherwise. A key with no known name keeps a readable form of itself.
    """
    keys = [str(key) for key in keys]
    wanted = [key for key in keys if key != UNKNOWN]
    names = _names(str(dimension), wanted, indicator) if wanted else {}
    labels = {}
    for key in keys:
        if key == UNKNOWN:
            labels[key] = str(NOT_KNOWN)
        else:
            labels[key] = str(names.get(key) or _readable(key))
    return labels


def _names(dimension: str, keys: list[str], indicator: str) -> dict[str, str]:
    if dimension == Dimension.REGION:
        return dict(region_list().filter(code__in=keys).values_list("code", "name"))
    if dimension == Dimension.COUNTRY_GROUP:
        return dict(country_group_list().filter(code__in=keys).values_list("code", "name"))
    if dimension == Dimension.COUNTRY:
        return dict(country_list().filter(code__in=keys).values_list("code", "name"))
    if dimension == Dimension.TARGET:
        return {
            code: f"{code} \u2013 {Truncator(title).chars(TARGET_TITLE_CHARS)}"
            for code, title in gbf_target_list().filter(code__in=keys).values_list("code", "title")
        }
    if dimension == Dimension.THEMATIC_AREA:
        return dict(term_list(model=ThematicArea).filter(code__in=keys).values_list("code", "name"))
    if dimension == Dimension.STATUS:
        return STATUS_LABELS
    if dimension == Dimension.KIND:
        return _kind_names(keys, indicator)
    return {}  # year: the key is the year


def _kind_names(keys: list[str], indicator: str) -> dict[str, str]:
    if indicator in KIND_LABELS:
        return KIND_LABELS[indicator]
    if indicator == "2.1":  # partners by type of organisation
        return dict(
            term_list(model=OrganisationType).filter(code__in=keys).values_list("code", "name")
        )
    # Records of the public databases by database (2.3): their own names, no query.
    return {key: database.label for key in keys if (database := get_database(key)) is not None}


def _readable(key: str) -> str:
    """``non_party`` -> ``Non party``: better than a code when no name is known."""
    return capfirst(key.replace("_", " ").replace("-", " ")) if not key.isdigit() else key


# --- Units and values -------------------------------------------------------------------
def unit_label(unit: str) -> str:
    """The unit in words ("number", "per cent", "days")."""
    return str(Unit.LABELS.get(unit, unit))


def format_value(value: float | None, unit: str = Unit.COUNT) -> str:
    """``value`` written for ``unit`` in the active language: ``1,234``, ``45.2%``, ``12.5 days``.

    ``None`` (nothing to compute from, a share of no records) is written as "no value".
    """
    if value is None:
        return str(_("no value"))
    if unit == Unit.PERCENT:
        return format_percent(value, 1)
    if unit == Unit.DAYS:
        return str(_("%(value)s days") % {"value": _number(value, 1)})
    return _number(value, _decimals(float(value)))


def format_percent(value: float, decimals: int = 0) -> str:
    """A share or a progress in per cent, by default to the unit: ``68%``."""
    return str(_("%(value)s%%") % {"value": _number(value, decimals)})


def format_change(change: float | None, unit: str = Unit.COUNT) -> str:
    """A difference with its sign: ``+3``, ``0``, a minus sign (U+2212) before a fall; shares
    change by percentage points (``+1.8 points``)."""
    if change is None:
        return str(_("no value"))
    if unit == Unit.PERCENT:
        text = str(_("%(value)s points") % {"value": _number(abs(change), 1)})
    else:
        text = format_value(abs(change), unit)
    if change > 0:
        return "+" + text
    if change < 0:
        return "\u2212" + text
    return text


def _decimals(value: float) -> int:
    """As few decimals as the value needs, at most two (values are stored rounded to two)."""
    for decimals in (0, 1):
        if round(value, decimals) == round(value, 2):
            return decimals
    return 2


def _number(value: float, decimals: int) -> str:
    return number_format(round(float(value), decimals), decimal_pos=decimals, force_grouping=True)
