"""``{% page_links "need" need as links %}``: the links other apps add to a page (see
``chm_portal/core/extensions.py``)."""

from django import template

from chm_portal.core.extensions import page_links as registered_links

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context, page: str, obj) -> list[tuple[str, str]]:
    return registered_links(page, obj, context["request"].user)
