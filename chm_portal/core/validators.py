"""Validators shared by every app: plain-text fields and uploaded files."""

from collections.abc import Callable, Mapping
from typing import Any

import filetype
import nh3
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def validate_no_markup(value: str) -> None:
    """Refuse HTML or script in a plain-text field.

    Pages escape everything anyway; refusing markup at the boundary keeps it out of exports,
    feeds, emails and the systems that harvest the portal's records. The HTML parser of the
    ammonia sanitiser (nh3) decides what is markup, so "a < b" and "5 > 3" stay allowed.
    """
    if value and nh3.is_html(value):
        raise ValidationError(
            _("Remove the HTML markup (text between “<” and “>”): this field takes plain text."),
            code="markup",
        )


def validate_upload(file, *, allowed: Mapping[str, str], max_size: int) -> str:
    """Return the MIME type of an acceptable upload, or raise a translated ValidationError.

    ``allowed`` maps extensions to the MIME type the content must have. The content is identified
    from its bytes (the ``filetype`` library), so a renamed executable or a web page saved as
    ``report.pdf`` is refused whatever its name and declared type say.
    """
    if file.size > max_size:
        size, limit = filesizeformat(file.size), filesizeformat(max_size)
        if size == limit:
            # Just over the limit, both read "10.0 MB": give the size in bytes instead.
            size = ngettext("%(size)d byte", "%(size)d bytes", file.size) % {"size": file.size}
        # params rather than %: the message stays lazy and is translated when shown.
        raise ValidationError(
            _("The file is %(size)s; it may be at most %(limit)s."),
            code="too_large",
            params={"size": size, "limit": limit},
        )
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in allowed:
        raise ValidationError(
            _("Upload a file of one of these types: %(extensions)s."),
            code="extension_not_allowed",
            params={"extensions": ", ".join(sorted(ext.upper() for ext in allowed))},
        )
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime != allowed[extension]:
        raise ValidationError(
            _("The content of this file is not a %(extension)s file."),
            code="content_mismatch",
            params={"extension": extension.upper()},
        )
    return allowed[extension]


def upload_validator(*, allowed: Mapping[str, str], max_size: int) -> Callable[[Any], None]:
    """A form field validator doing :func:`validate_upload`, for forms whose uploads do not go
    through a service that checks them (the admin's): ``formfield_overrides`` gives it to the
    form field, so that a refused file is an error on the form rather than a failed save."""

    def validate(file) -> None:
        validate_upload(file, allowed=allowed, max_size=max_size)

    return validate
