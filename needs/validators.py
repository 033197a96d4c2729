"""Checks of uploaded attachments: size, extension, and what the content really is.

The content is identified from its bytes (the ``filetype`` library), so a renamed executable or a
web page saved as ``report.pdf`` is refused whatever its name and declared type say.
"""

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
# extension -> MIME type the content must have
ALLOWED_ATTACHMENTS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}


def validate_attachment(file) -> str:
    """Return the MIME type of an acceptable attachment, or raise a translated ValidationError."""
    if file.size > MAX_ATTACHMENT_SIZE:
        # params rather than %: the message stays lazy and is translated when shown.
        raise ValidationError(
            _("The file is %(size)s; attachments may be at most %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(MAX_ATTACHMENT_SIZE),
            },
        )
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in ALLOWED_ATTACHMENTS:
        raise ValidationError(
            _("Attach a PDF, DOCX, XLSX or ODT document."), code="extension_not_allowed"
        )
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension != extension:
        raise ValidationError(
            _("The content of this file is not a %(extension)s document."),
            code="content_mismatch",
            params={"extension": extension.upper()},
        )
    return ALLOWED_ATTACHMENTS[extension]
