"""Checks of uploaded attachments: size, extension, and what the content really is."""

from chm_portal.core.validators import validate_upload

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
    return validate_upload(file, allowed=ALLOWED_ATTACHMENTS, max_size=MAX_ATTACHMENT_SIZE)
