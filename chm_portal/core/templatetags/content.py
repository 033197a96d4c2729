"""Template helpers for translated content (django-modeltranslation fields).

``{% shown_language record "title" as language %}`` gives the language a field is shown in: the
active one when translated, else the first fallback holding text. Pages put it in ``lang`` and say
when it is not the reader's (``includes/translation_notice.html``).
"""

from django import template
from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def shown_language_of(record, field: str) -> str:
    """The language whose text ``record.<field>`` shows in the active language."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    original = getattr(record, "language", None)
    candidates = [active]
    if original:
        candidates.append(original)
    candidates += list(settings.MODELTRANSLATION_FALLBACK_LANGUAGES)
    for language in candidates:
        try:
            value = getattr(record, build_localized_fieldname(field, language.replace("-", "_")))
        except AttributeError:
            continue
        if value:
            return language
    return active


@register.simple_tag
def shown_language(record, field: str) -> str:
    return shown_language_of(record, field)


@register.inclusion_tag("includes/translation_notice.html")
def translation_notice(record, field: str = "description"):
    """A notice when ``field`` is not yet translated into the reader's language."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    shown = shown_language_of(record, field)
    if shown == active:
        return {"shown": None}
    try:
        name = translation.get_language_info(shown)["name_translated"]
        active_name = translation.get_language_info(active)["name_translated"]
    except KeyError:
        name, active_name = shown, active
    return {"shown": shown, "shown_name": name, "active_name": active_name}


@register.filter
def rich_text(value: str):
    """Author-written HTML, sanitised (see chm_portal/core/richtext.py) and marked safe."""
    from django.utils.safestring import mark_safe

    from chm_portal.core.richtext import sanitise_html

    return mark_safe(sanitise_html(value))  # nosec B308 B703 # sanitised by nh3 just now


@register.filter
def video_embed(url: str) -> str:
    """The embed address of a YouTube or Vimeo link, or "" (see chm_portal/core/richtext.py)."""
    from chm_portal.core.richtext import video_embed_url

    return video_embed_url(url) or ""
