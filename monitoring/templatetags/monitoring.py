"""Template filters of the dashboards: values written for their unit (``{% load monitoring %}``).

``{{ value|indicator_value:"percent" }}`` gives ``45.2%``; ``{{ change|signed_change:unit }}``
gives ``+3`` or a minus sign and ``1.5 days``; ``{{ "count"|unit_label }}`` gives ``number``.
"""

from django import template

from .. import labels

register = template.Library()


@register.filter
def indicator_value(value, unit="count"):
    return labels.format_value(value, unit)


@register.filter
def signed_change(value, unit="count"):
    return labels.format_change(value, unit)


@register.filter
def unit_label(unit):
    return labels.unit_label(unit)
