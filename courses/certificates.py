"""Certificate PDFs, drawn with ReportLab.

Names in any script: the text is set in a Unicode TrueType font, DejaVu Sans by default
(Debian's ``fonts-dejavu-core`` package: Latin, Greek, Cyrillic and more), embedded in the
PDF. ``CERTIFICATE_FONT`` / ``CERTIFICATE_FONT_BOLD`` point at other TTF files (for example
Noto Sans for scripts DejaVu lacks). When no font file can be read, ReportLab's built-in
Helvetica is used and a warning is logged: the PDF is still produced, but characters outside
Latin-1 then print as blanks, so install the font package in production.
"""

import io
import logging
from functools import cache

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from .models import Certificate
from .titles import Titles, reader_language

logger = logging.getLogger(__name__)

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEFAULT_FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BRAND = HexColor("#005a8c")
GREY = HexColor("#555555")
REVOKED = HexColor("#b02a37")


@cache
def fonts() -> tuple[str, str]:
    """Register the certificate fonts once; return (regular, bold) font names."""
    regular = getattr(settings, "CERTIFICATE_FONT", "") or DEFAULT_FONT
    bold = getattr(settings, "CERTIFICATE_FONT_BOLD", "") or DEFAULT_FONT_BOLD
    try:
        pdfmetrics.registerFont(TTFont("CertificateSans", regular))
    except (OSError, TTFError):
        logger.warning(
            "Certificate font %s cannot be read; falling back to Helvetica, which cannot "
            "print names outside Latin-1. Install fonts-dejavu-core or set CERTIFICATE_FONT.",
            regular,
        )
        return "Helvetica", "Helvetica-Bold"
    try:
        pdfmetrics.registerFont(TTFont("CertificateSans-Bold", bold))
    except (OSError, TTFError):
        logger.warning("Certificate bold font %s cannot be read; using the regular one.", bold)
        return "CertificateSans", "CertificateSans"
    return "CertificateSans", "CertificateSans-Bold"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``; a word wider than a line is cut."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while pdfmetrics.stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _draw_in_box(
    pdf: Canvas,
    text: str,
    font: str,
    size: float,
    *,
    x: float,
    top: float,
    bottom: float,
    width: float,
    minimum: float = 7,
) -> None:
    """Draw ``text`` centred on ``x`` inside the box from ``top`` down to ``bottom``: on one
    line at ``size`` if it fits, else wrapped and shrunk until every line fits in the box
    (a 300-character name included), centred vertically. Never onto the text around it."""
    while True:
        lines = _wrap(text, font, size, width)
        leading = size * 1.2
        if size <= minimum or len(lines) * leading <= top - bottom:
            break
        size -= 1
    pdf.setFont(font, size)
    block = len(lines) * leading
    # First baseline: the block centred in the box; a glyph's body is ~0.8 of the size.
    y = (top + bottom) / 2 + block / 2 - leading + (leading - size * 0.8) / 2
    for number, line in enumerate(lines):
        pdf.drawCentredString(x, y - number * leading, line)


def course_title_for_reader(certificate: Certificate, language: str | None = None) -> str:
    """The certified course's title in the reader's language (the active one by default):
    the title at issue when the certificate is in that language or the course has no version
    in it, else that version's title. One query (none when the languages match)."""
    language = reader_language(language)
    course = certificate.course
    if course.language == language:
        return certificate.course_title
    titles = Titles.load(language, families=[course.original_id])
    return titles.course(course, default=certificate.course_title)


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as a one-page landscape A4 PDF, in the active language."""
    course_title = course_title_for_reader(certificate)
    regular, bold = fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(_("Certificate: %(course)s") % {"course": course_title})
    pdf.setAuthor("Dianova Training")
    pdf.setSubject(certificate.name)

    margin = 36
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(4)
    pdf.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    pdf.setLineWidth(1)
    pdf.rect(margin + 8, margin + 8, width - 2 * margin - 16, height - 2 * margin - 16)

    centre, text_width = width / 2, width - 4 * margin
    pdf.setFillColor(BRAND)
    pdf.setFont(bold, 16)
    pdf.drawCentredString(centre, height - 100, "Dianova Training")
    pdf.setFont(bold, 34)
    pdf.drawCentredString(centre, height - 160, _("Certificate of completion"))

    pdf.setFillColor(GREY)
    pdf.setFont(regular, 15)
    pdf.drawCentredString(centre, height - 215, _("This certifies that"))
    pdf.setFillColorRGB(0, 0, 0)
    name_box = {"top": height - 226, "bottom": height - 288, "width": text_width}
    _draw_in_box(pdf, certificate.name, bold, 32, x=centre, **name_box)
    pdf.setFillColor(GREY)
    pdf.setFont(regular, 15)
    pdf.drawCentredString(centre, height - 305, _("has completed the course"))
    pdf.setFillColorRGB(0, 0, 0)
    title_box = {"top": height - 318, "bottom": height - 367, "width": text_width}
    _draw_in_box(pdf, course_title, bold, 22, x=centre, **title_box)
    issued = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
    pdf.setFillColor(GREY)
    pdf.setFont(regular, 15)
    pdf.drawCentredString(centre, height - 385, _("on %(date)s") % {"date": issued})

    if not certificate.is_valid:
        revoked = formats.date_format(timezone.localtime(certificate.revoked_at), "DATE_FORMAT")
        pdf.setFillColor(REVOKED)
        pdf.setFont(bold, 22)
        pdf.drawCentredString(
            centre, height - 430, _("REVOKED on %(date)s: not valid") % {"date": revoked}
        )

    pdf.setFillColor(GREY)
    pdf.setFont(regular, 10)
    pdf.drawCentredString(
        centre, margin + 44, _("Verification code: %(code)s") % {"code": certificate.code}
    )
    pdf.drawCentredString(centre, margin + 28, _("Check it at %(url)s") % {"url": verify_url})
    pdf.linkURL(verify_url, (margin, margin + 20, width - margin, margin + 56), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
