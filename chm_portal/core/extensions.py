"""Links an app lower in the import order adds to the pages of an app above it.

``needs`` never imports ``matchmaking``, yet a request's page should lead to its suggested support
and matches: matchmaking registers, in its ``AppConfig.ready``, a function giving that link for a
request and a reader, and the request's templates show whatever is registered for "need" with
``{% page_links "need" need as links %}`` (``core/templatetags/extensions.py``).
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# (label, url) for the object and the reader, or None when the reader has nothing there.
PageLink = Callable[[Any, Any], tuple[str, str] | None]

_links: dict[str, list[PageLink]] = defaultdict(list)


def register_page_link(page: str, link: PageLink) -> None:
    """Add ``link`` to the pages named ``page`` (once, however often an app is readied)."""
    if link not in _links[page]:
        _links[page].append(link)


def page_links(page: str, obj: Any, user: Any) -> list[tuple[str, str]]:
    """The links the registered functions give for ``obj`` and ``user``, in registration order."""
    return [found for link in _links[page] if (found := link(obj, user)) is not None]
