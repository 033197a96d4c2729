"""Attachments are checked by size, extension and what their bytes really are.

The documents are built here, as small as ``filetype`` still recognises them: an Office Open XML
file is a ZIP whose first entry is ``[Content_Types].xml`` and which has a ``word/`` (DOCX) or
``xl/`` (XLSX) entry among the next ones; an OpenDocument text is a ZIP whose first entry is
``mimetype``, stored uncompressed, holding ``application/vnd.oasis.opendocument.text``.
"""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.functional import Promise

from needs.validators import ALLOWED_ATTACHMENTS, MAX_ATTACHMENT_SIZE, validate_attachment

# A one-page PDF with its cross-reference table, as a PDF writer would save it.
SMALL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n"
    b"0000000000 65535 f \n"
    b"0000000009 00000 n \n"
    b"0000000052 00000 n \n"
    b"0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
WEB_PAGE = b"<!DOCTYPE html><html><body><script>alert('hi')</script></body></html>"


def _zip(*entries: tuple[str, str, int]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content, compression in entries:
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


DEFLATED, STORED = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
CONTENT_TYPES = ("[Content_Types].xml", '<?xml version="1.0"?><Types/>', DEFLATED)
RELATIONSHIPS = ("_rels/.rels", '<?xml version="1.0"?><Relationships/>', DEFLATED)
DOCX = _zip(CONTENT_TYPES, RELATIONSHIPS, ("word/document.xml", "<w:document/>", DEFLATED))
XLSX = _zip(CONTENT_TYPES, RELATIONSHIPS, ("xl/workbook.xml", "<workbook/>", DEFLATED))
ODT = _zip(
    ("mimetype", "application/vnd.oasis.opendocument.text", STORED),
    ("content.xml", "<office:document-content/>", DEFLATED),
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Rapport atelier Saint-Louis.pdf", SMALL_PDF),
        ("Terms of reference.DOCX", DOCX),
        ("budget.xlsx", XLSX),
        ("note conceptuelle.odt", ODT),
    ],
    ids=["pdf", "docx-upper-case-extension", "xlsx", "odt"],
)
def test_real_documents_are_accepted_with_their_mime_type(name, content):
    file = upload(name, content)

    assert validate_attachment(file) == ALLOWED_ATTACHMENTS[name.rsplit(".", 1)[1].lower()]
    assert file.tell() == 0  # left ready to be saved


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", EXECUTABLE, "content_mismatch"),
        ("report.docx", WEB_PAGE, "content_mismatch"),
        ("budget.xlsx", DOCX, "content_mismatch"),  # a Word document renamed
        ("report.odt", SMALL_PDF, "content_mismatch"),
        ("installer.exe", EXECUTABLE, "extension_not_allowed"),
        ("page.html", WEB_PAGE, "extension_not_allowed"),
        ("report", SMALL_PDF, "extension_not_allowed"),
        ("report.pdf.exe", SMALL_PDF, "extension_not_allowed"),
    ],
    ids=[
        "exe-renamed-pdf",
        "html-renamed-docx",
        "docx-renamed-xlsx",
        "pdf-renamed-odt",
        "exe",
        "html",
        "no-extension",
        "double-extension",
    ],
)
def test_files_that_are_not_what_they_claim_or_not_allowed_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, content, content_type="application/pdf"))

    assert refused.value.code == code


def test_the_declared_content_type_is_not_trusted():
    with pytest.raises(ValidationError):
        validate_attachment(upload("report.pdf", EXECUTABLE, content_type="application/pdf"))


def test_ten_megabytes_are_accepted_one_byte_more_is_refused():
    padding = b"\n" * (MAX_ATTACHMENT_SIZE - len(SMALL_PDF))
    assert validate_attachment(upload("atlas.pdf", SMALL_PDF + padding)) == "application/pdf"

    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("atlas.pdf", SMALL_PDF + padding + b"\n"))

    assert refused.value.code == "too_large"
    # Both sizes would read "10.0 MB": the file's is given in bytes.
    assert refused.value.messages == ["The file is 10485761 bytes; it may be at most 10.0\xa0MB."]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("atlas.pdf", SMALL_PDF + b"\n" * MAX_ATTACHMENT_SIZE),
        ("run.exe", EXECUTABLE),
        ("report.pdf", EXECUTABLE),
    ],
    ids=["too-large", "extension", "content"],
)
def test_error_messages_are_translated_when_shown_not_when_raised(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, content))

    # gettext_lazy, with the values as params: translated in the language of whoever reads it.
    assert isinstance(refused.value.message, Promise)
    with translation.override("fr"):
        shown = refused.value.messages[0]
    assert shown
    assert "%(" not in shown  # placeholders filled in when shown
