"""Rich text written by authors (course syllabi, lessons): sanitised HTML, and embeddable videos.

Authors write basic HTML (paragraphs, headings, lists, emphasis, links, tables, images). What is
stored is what :func:`sanitise_html` keeps, decided by the ammonia sanitiser (nh3) with an
allow-list: scripts, event handlers, styles and ``javascript:`` links never reach a page.
Templates still mark it safe only through the ``rich_text`` filter, which sanitises again, so
rows written before a change of the allow-list stay safe.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "blockquote", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure",
    "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"lang"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(value: str) -> str:
    """``value`` keeping only the allowed tags and attributes (links get ``rel``)."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{4,12}$")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly embed address of a YouTube or Vimeo link, or None for anything else."""
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        return None
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = None
    if host == "youtu.be":
        video_id = parsed.path.lstrip("/").split("/")[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2]
    if video_id is not None:
        return (
            f"https://www.youtube-nocookie.com/embed/{video_id}"
            if _YOUTUBE_ID.match(video_id)
            else None
        )
    if host in ("vimeo.com", "player.vimeo.com"):
        last = parsed.path.rstrip("/").split("/")[-1]
        return f"https://player.vimeo.com/video/{last}?dnt=1" if _VIMEO_ID.match(last) else None
    return None


def is_embeddable_video(url: str) -> bool:
    return video_embed_url(url) is not None
