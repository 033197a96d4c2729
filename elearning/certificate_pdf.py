"""The certificate of completion as a PDF: A4 landscape, with the learner's name, the course, the
provider, the date (written in the learner's language), the verification code and the address
where anyone can check it.

Text is set in Bitstream Vera (bundled with reportlab, embedded as a TrueType font) so that
accented Latin names print; scripts Vera does not cover (Arabic, Chinese...) would need another
font embedded here.
"""

from __future__ import annotations

import io
import os
from functools import cache

import reportlab
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Certificate

__all__ = ["certificate_filename", "certificate_pdf", "verification_url"]

FONT = "ChmVera"
BOLD = "ChmVeraBold"
INK = colors.HexColor("#1b3a2f")
ACCENT = colors.HexColor("#2e7d5b")
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)


@cache
def _register_fonts() -> None:
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "VeraBd.ttf")))


def _language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def verification_url(certificate: Certificate, language: str | None = None) -> str:
    """The absolute address of the certificate's public verification page."""
    with translation.override(_language(language)):
        path = reverse("certificates:verify", args=[certificate.code])
    return settings.SITE_URL.rstrip("/") + path


def certificate_filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"


def _centred(pdf: canvas.Canvas, text: str, *, y: float, font: str, size: float, width: float):
    """Draw ``text`` centred, wrapped to ``width``; returns the y below it."""
    lines = simpleSplit(text, font, size, width) or [""]
    pdf.setFont(font, size)
    for line in lines:
        pdf.drawCentredString(PAGE_WIDTH / 2, y, line)
        y -= size * 1.3
    return y


def certificate_pdf(certificate: Certificate, *, language: str | None = None) -> bytes:
    """The PDF of ``certificate`` with its words and date in ``language`` (the learner's, by
    default the portal's)."""
    _register_fonts()
    language = _language(language)
    buffer = io.BytesIO()
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    with translation.override(language):
        issued_on = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
        url = verification_url(certificate, language)
        pdf.setTitle(_("Certificate of completion") + f": {certificate.course_title}")
        pdf.setAuthor(_("CHM portal"))
        pdf.setSubject(certificate.code)

        # A double frame.
        pdf.setStrokeColor(ACCENT)
        pdf.setLineWidth(3)
        pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        pdf.setLineWidth(0.8)
        pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

        text_width = width - 70 * mm
        pdf.setFillColor(ACCENT)
        y = _centred(
            pdf,
            _("Biodiversity Clearing-House Mechanism"),
            y=height - 38 * mm,
            font=FONT,
            size=13,
            width=text_width,
        )
        pdf.setFillColor(INK)
        y = _centred(
            pdf, _("Certificate of completion"), y=y - 8 * mm, font=BOLD, size=30, width=text_width
        )
        y = _centred(
            pdf, _("This certifies that"), y=y - 8 * mm, font=FONT, size=14, width=text_width
        )
        y = _centred(
            pdf, certificate.learner_name, y=y - 4 * mm, font=BOLD, size=26, width=text_width
        )
        y = _centred(
            pdf, _("has completed the course"), y=y - 4 * mm, font=FONT, size=14, width=text_width
        )
        y = _centred(
            pdf, certificate.course_title, y=y - 4 * mm, font=BOLD, size=20, width=text_width
        )
        y = _centred(
            pdf,
            _("offered by %(provider)s") % {"provider": certificate.provider_name},
            y=y - 2 * mm,
            font=FONT,
            size=14,
            width=text_width,
        )
        _centred(
            pdf,
            _("on %(date)s") % {"date": issued_on},
            y=y - 2 * mm,
            font=FONT,
            size=14,
            width=text_width,
        )

        pdf.setFillColor(colors.black)
        pdf.setFont(FONT, 10)
        pdf.drawString(
            24 * mm,
            30 * mm,
            _("Verification code: %(code)s") % {"code": certificate.code},
        )
        pdf.drawString(24 * mm, 24 * mm, _("Check this certificate at %(url)s") % {"url": url})
        pdf.linkURL(url, (24 * mm, 22 * mm, width - 24 * mm, 28 * mm), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
